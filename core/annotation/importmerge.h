// Shared by the importers (internal): finding a dataset's image in the folder, and adding
// imported objects and labels to the store.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/annotation/datasetimport.h"
#include "core/annotation/imageannotations.h"

namespace samdesk {

// The image's name relative to the store's folder: `name` as given (if it is inside the
// folder), else its file name alone. nullopt when the folder has neither.
std::optional<std::string> findImageInFolder(const AnnotationStore& store,
                                             const std::filesystem::path& name);

// Appends `imported` objects to the image's saved annotations (new ids, source "import",
// duplicates skipped) and saves. Fails when the saved annotations cannot be read or have
// another image size.
Status mergeImported(const AnnotationStore& store, const ImageAnnotations& imported,
                     ImportReport& report);

// Adds `names` (with their dataset ids where free) to the folder's labels file.
Status mergeLabels(const AnnotationStore& store, const std::vector<Label>& labels);

}  // namespace samdesk
