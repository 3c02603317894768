// Dataset import: COCO instance JSON (compressed RLE, uncompressed RLE, polygons) or LabelMe
// JSON (a file or a folder of them) into the autosave store of an image folder, so an existing
// dataset can be opened in samdesk and refined. Imported objects are appended to what an image
// already has (source "import", score 1); an object equal to an existing one (same label, same
// mask) is not added twice, so importing again changes nothing. Category names join the
// folder's labels (keeping the dataset's category id when it is free). Polygons are rasterised
// at pixel centres (polygon.h). Images the dataset names but the folder lacks are skipped with a
// warning. Thread affinity: none.
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

struct ImportReport {
    int images = 0;                     // images whose annotations were written
    int objects = 0;                    // objects added
    int duplicates = 0;                 // objects already present, not added again
    std::vector<std::string> warnings;  // skipped images, shapes, annotations (one line each)
};

// Fails on an unreadable or malformed input file (naming it and the field), an existing
// annotation file that cannot be read, or a write error. Images imported before a failure stay.
Expected<ImportReport> importDataset(ImportFormat format, const std::filesystem::path& input,
                                     const AnnotationStore& store);

}  // namespace samdesk
