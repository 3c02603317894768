// Import dispatch.
#include "core/annotation/datasetimport.h"

#include "core/annotation/cocoimporter.h"
#include "core/annotation/labelmeimporter.h"

namespace samdesk {

const char* importFormatName(ImportFormat format) {
    return format == ImportFormat::Coco ? "coco" : "labelme";
}

std::optional<ImportFormat> parseImportFormat(std::string_view name) {
    if (name == "coco")
        return ImportFormat::Coco;
    if (name == "labelme")
        return ImportFormat::LabelMe;
    return std::nullopt;
}

Expected<ImportReport> importDataset(ImportFormat format, const std::filesystem::path& input,
                                     const AnnotationStore& store, const ImportOptions& options) {
    std::error_code ec;
    if (!std::filesystem::is_directory(store.folder(), ec))
        return Error::io("image folder " + store.folder().string() + " does not exist");
    if (format == ImportFormat::Coco)
        return importCoco(input, store, options);
    return importLabelMe(input, store, options);
}

}  // namespace samdesk
