// The autosave store of an image folder. Layout:
//   <folder>/.samdesk/annotations/<image file name>.json   one per annotated image
//   <folder>/.samdesk/labels.json                           the folder's labels (ids, colours)
// (see annotationjson.h for the file formats). An image opened on its own uses the same scheme
// in its own folder (forImage()). Writes are atomic (temporary file + fsync + rename): a reader
// sees the old file or the new one, never half of one. A file that cannot be read back is never
// overwritten: save() first renames it to "<name>.corrupt-<UTC time>". An annotation file written
// by a newer samdesk (a version above kAnnotationFileVersion) is neither moved nor overwritten:
// load() and save() fail on it and leave its bytes as they are.
// The store holds no state besides its folder: any thread may use it, and several stores on the
// same folder agree. Two threads saving the same image at once: the last rename wins.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/annotation/annotationjson.h"
#include "core/annotation/imageannotations.h"
#include "core/annotation/labelset.h"
#include "core/common/expected.h"

namespace samdesk {

class AnnotationStore {
public:
    explicit AnnotationStore(std::filesystem::path folder);
    // The store for an image opened on its own: its folder; the image's key is its file name.
    static AnnotationStore forImage(const std::filesystem::path& imagePath);

    const std::filesystem::path& folder() const { return m_folder; }
    // <folder>/.samdesk
    std::filesystem::path dataFolder() const;
    // Where `imageFile`'s annotations live. Fails for an absolute path, an empty one, one that
    // leaves the folder ("../x.png") or points into .samdesk.
    Expected<std::filesystem::path> annotationPath(const std::string& imageFile) const;

    // nullopt when the image has never been saved. Fails (Format) on a file that cannot be read
    // back (bad JSON, broken RLE, written for another image); that file is left as it is, and
    // the next save() moves it aside instead of overwriting it. A file of a newer samdesk fails
    // too ("written by a newer samdesk", see save()).
    Expected<std::optional<ImageAnnotations>> load(const std::string& imageFile) const;
    // Writes `annotations` (validated first) for annotations.imageFile, also with no objects
    // (an image reviewed and found empty). `setAside` receives the new name of a corrupt file that
    // was moved out of the way, when that happened. Fails (Format) without touching anything when
    // the existing file was written by a newer samdesk: "<file>: written by a newer samdesk (file
    // version N, this one reads up to M); it is left untouched and this image cannot be saved
    // here".
    // `rleOf`: the masks' RLE strings (annotationsToJson()).
    Status save(const ImageAnnotations& annotations, std::filesystem::path* setAside = nullptr,
                const MaskRleOf& rleOf = {}) const;
    // Forgets an image's annotations (deletes its file); fine when there is none.
    Status remove(const std::string& imageFile) const;
    bool hasAnnotations(const std::string& imageFile) const;
    // Every image with an annotation file (even one with no objects), sorted, '/' separators.
    std::vector<std::string> annotatedImages() const;

    // The folder's labels: .samdesk/labels.json, then any name of the folder's labels file
    // (labels.txt, else classes.txt; see LabelSet) not in it yet, appended. Empty when neither
    // exists. Fails on a corrupt labels.json or an unreadable labels file.
    Expected<LabelSet> loadLabels() const;
    // Writes .samdesk/labels.json (atomically; a corrupt one is moved aside first).
    Status saveLabels(const LabelSet& labels) const;

private:
    std::filesystem::path labelsPath() const;

    std::filesystem::path m_folder;
};

}  // namespace samdesk
