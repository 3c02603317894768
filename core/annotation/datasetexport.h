// Dataset export: a folder's autosaved annotations (or images given directly) to PNG masks,
// COCO instance JSON, YOLO segmentation or LabelMe JSON. Layouts are in docs/export.md.
// Rules every format follows: masks at original size; empty masks are skipped with a warning
// (never an empty polygon); hidden objects are exported (visibility is display only); every
// file is written atomically; a non-empty output folder is refused unless `overwrite` is set
// (files of the same name are then replaced, other files are left alone).
// Thread affinity: none; meant to run on a worker thread. `progress` is called on that thread.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/annotation/annotationstore.h"
#include "core/annotation/imageannotations.h"
#include "core/annotation/labelset.h"
#include "core/annotation/maskcontours.h"
#include "core/common/expected.h"

namespace samdesk {

enum class ExportFormat { Png, Coco, Yolo, LabelMe };
enum class CocoSegmentation { Rle, Polygon };
enum class LabelMeShapes { Mask, Polygon };

// "png", "coco", "yolo", "labelme".
const char* exportFormatName(ExportFormat format);
std::optional<ExportFormat> parseExportFormat(std::string_view name);
std::vector<ExportFormat> allExportFormats();
// "mask", "polygon".
const char* labelMeShapesName(LabelMeShapes shapes);
std::optional<LabelMeShapes> parseLabelMeShapes(std::string_view name);

struct ExportOptions {
    ExportFormat format = ExportFormat::Coco;
    // COCO only: RLE keeps holes (the default); polygons are one list per outer contour.
    CocoSegmentation cocoSegmentation = CocoSegmentation::Rle;
    // LabelMe only: one "mask" shape per object (the default: its box and a PNG of it, exact
    // with holes; labelme reads it since its AI masks), or "polygon" shapes, one per
    // 4-connected part with vertices on pixel centres (holes filled).
    LabelMeShapes labelMeShapes = LabelMeShapes::Mask;
    // Polygon formats (YOLO, LabelMe polygons, COCO polygons): see maskcontours.h. Each format
    // writes vertices in the convention of its consumer's rasteriser (docs/export.md).
    PolygonOptions polygons;
    // Write into a folder that already has files.
    bool overwrite = false;
};

struct ExportReport {
    int images = 0;                     // images exported (also those with no objects)
    int objects = 0;                    // objects exported
    int skippedEmpty = 0;               // objects skipped because their mask is empty
    int files = 0;                      // files written
    std::vector<std::string> warnings;  // one line each, naming the image and object
};

// Called after each image with (done, total); return false to cancel (the export then fails
// with Error::Kind::Cancelled; files already written stay).
using ExportProgress = std::function<bool(int done, int total)>;

// True when `folder` exists and holds anything (the GUI asks before writing there).
// Lies in an export's output folder while the export runs, and stays there when it did not
// finish (a crash, a kill, an error, a cancel): the files beside it are a partial export. Every
// other file of the export is written atomically, so a folder without it holds a whole export.
inline constexpr const char* kExportIncompleteFile = "EXPORT-INCOMPLETE.txt";

bool folderHasEntries(const std::filesystem::path& folder);

// Exports every annotated image of `store` (AnnotationStore::annotatedImages(), including those
// reviewed with no objects). `labels` gives names, ids, colours and the YOLO order; labels that
// objects use but `labels` lacks are appended (an empty label becomes "unlabeled"). Fails on an
// annotation file that cannot be read (naming it), a bad output folder, or a write error.
Expected<ExportReport> exportFolder(const AnnotationStore& store, const LabelSet& labels,
                                    const std::filesystem::path& out, const ExportOptions& options,
                                    const ExportProgress& progress = {});

// The same for annotations in memory (e.g. the open image); `imageFolder` is the folder their
// imageFile names are relative to.
Expected<ExportReport> exportImages(const std::vector<ImageAnnotations>& images,
                                    const std::filesystem::path& imageFolder,
                                    const LabelSet& labels, const std::filesystem::path& out,
                                    const ExportOptions& options,
                                    const ExportProgress& progress = {});

}  // namespace samdesk
