// Dataset import: COCO instance JSON (compressed RLE, uncompressed RLE, polygons) or LabelMe
// JSON (a file or a folder of them) into the autosave store of an image folder, so an existing
// dataset can be opened in samdesk and refined. Imported objects are appended to what an image
// already has (source "import", score 1); an object equal to an existing one (same label, same
// mask) is not added twice, so importing again changes nothing. Category names join the
// folder's labels (keeping the dataset's category id when it is free). Polygons are rasterised
// the way the format's own tools draw them (polygon.h): COCO at pixel centres, LabelMe as PIL
// does (vertices on pixel centres, outline included). Images the dataset names but the folder
// lacks are skipped with a warning.
// All or nothing: every input file is read and merged in memory first; only then are the
// annotation files and the labels written, so a bad file leaves the folder as it was (with
// ImportOptions::skipBad the bad files are left out and listed instead). Thread affinity: none.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/annotation/annotationstore.h"
#include "core/common/expected.h"

namespace samdesk {

enum class ImportFormat { Coco, LabelMe };

// "coco", "labelme".
const char* importFormatName(ImportFormat format);
std::optional<ImportFormat> parseImportFormat(std::string_view name);

struct ImportOptions {
    // Leave out an input file that cannot be imported (LabelMe: bad JSON, a missing field; both
    // formats: an image whose saved annotations cannot be read or have another size) and import
    // the rest; each one is listed in ImportReport::skipped. Without it the import fails.
    bool skipBad = false;
};

struct ImportReport {
    int images = 0;                     // images whose annotations were written
    int objects = 0;                    // objects added
    int duplicates = 0;                 // objects already present, not added again
    std::vector<std::string> warnings;  // skipped images, shapes, annotations (one line each)
    std::vector<std::string> skipped;   // with skipBad: what was left out, and why (one each)
};

// Fails on an unreadable or malformed input file (naming it and the field), an existing
// annotation file that cannot be read, an image size that differs from the saved one, or a
// write error; then no annotation or labels file has changed (a failed write puts back the
// files written before it).
Expected<ImportReport> importDataset(ImportFormat format, const std::filesystem::path& input,
                                     const AnnotationStore& store,
                                     const ImportOptions& options = {});

}  // namespace samdesk
