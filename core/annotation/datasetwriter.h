// The interface the four export formats implement (internal to the annotation library), and
// the state they share during one export.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/annotation/datasetexport.h"

namespace samdesk {

struct ExportContext {
    std::filesystem::path out;          // the output folder (exists)
    std::filesystem::path imageFolder;  // where the images are
    LabelSet labels;                    // grows when objects use labels it lacks
    ExportOptions options;
    ExportReport* report = nullptr;

    // The label of `name`, added when missing ("" becomes "unlabeled").
    Label label(const std::string& name);
    // Writes `text` atomically to out/relative (creating folders), counting the file.
    Status writeText(const std::filesystem::path& relative, const std::string& text);
    // Creates the folder of out/relative; returns the full path.
    Expected<std::filesystem::path> prepare(const std::filesystem::path& relative);
};

class DatasetWriter {
public:
    virtual ~DatasetWriter() = default;
    // `objects` are the image's objects with a non-empty mask, in drawing order.
    virtual Status addImage(const ImageAnnotations& image,
                            const std::vector<const AnnotationObject*>& objects) = 0;
    // Writes what needs every image (COCO's JSON, YOLO's data.yaml).
    virtual Status finish() = 0;
};

std::unique_ptr<DatasetWriter> makePngWriter(ExportContext& context);
std::unique_ptr<DatasetWriter> makeCocoWriter(ExportContext& context);
std::unique_ptr<DatasetWriter> makeYoloWriter(ExportContext& context);
std::unique_ptr<DatasetWriter> makeLabelMeWriter(ExportContext& context);

// "sub/a.png" -> "sub/a": the name of an image's output files.
std::string outputStem(const std::string& imageFile);
// Letters, digits, '-', '_', '.' kept; anything else becomes '_' (label names in file names).
std::string safeFileName(const std::string& name);

}  // namespace samdesk
