// Shared by the importers (internal): finding a dataset's image in the folder, and staging
// imported objects and labels in memory so that an import writes all of them or none.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/annotation/datasetimport.h"
#include "core/annotation/imageannotations.h"

namespace samdesk {

// The image's name relative to the store's folder: `name` as given (if it is inside the
// folder), else its file name alone. nullopt when the folder has neither.
std::optional<std::string> findImageInFolder(const AnnotationStore& store,
                                             const std::filesystem::path& name);

// The error of an input file that stops an import before anything was written.
Error nothingImported(Error error);

// An import's changes, collected before anything is written.
class ImportBatch {
public:
    // `report` receives the counts (objects and duplicates as images are added, images on
    // commit()).
    ImportBatch(const AnnotationStore& store, ImportReport& report);

    // Appends `imported` objects to the image's annotations, the saved ones or those an earlier
    // add() staged for the same image (new ids, source "import", duplicates skipped). Fails
    // without staging anything when the saved annotations cannot be read or have another image
    // size; the message starts with `origin` (the dataset file).
    Status add(const ImageAnnotations& imported, const std::string& origin);
    // Labels for the folder's labels file (keeping their dataset ids where free).
    void addLabels(const std::vector<Label>& labels);

    // Writes every image that changed, then the labels. When a write fails, the files written
    // before it are put back as they were (removed when they were new) and the error says so.
    Status commit();

private:
    struct Staged {
        ImageAnnotations annotations;
        bool changed = false;  // added objects, or an image that had no annotation file
    };

    const AnnotationStore& m_store;
    ImportReport& m_report;
    std::map<std::string, Staged> m_images;
    std::vector<Label> m_labels;
};

}  // namespace samdesk
