// Segment everything's masks merged into the autosave annotations (see automaskmerge.h).
#include "core/annotation/automaskmerge.h"

#include <algorithm>

#include "core/annotation/automaskshapes.h"

namespace samdesk {

namespace fs = std::filesystem;

AnnotationTarget annotationTargetFor(const fs::path& image) {
    return {AnnotationStore::forImage(image), image.filename().string()};
}

bool replacedByNewRun(const AnnotationObject& object) {
    return object.source == source::kEverything && object.label.empty() && !object.handEdited;
}

bool hasEverythingObjects(const ImageAnnotations& annotations) {
    return std::any_of(annotations.objects.begin(), annotations.objects.end(),
                       [](const AnnotationObject& o) { return o.source == source::kEverything; });
}

Status checkSameSize(const ImageAnnotations& saved, const AnnotationTarget& target, int width,
                     int height) {
    if (saved.width == width && saved.height == height)
        return {};
    const auto path = target.store.annotationPath(target.imageFile);
    const std::string file = path ? path->string() : target.imageFile;
    return Error::invalid(file + ": saved for a " + std::to_string(saved.width) + " x " +
                          std::to_string(saved.height) + " image, but the image is " +
                          std::to_string(width) + " x " + std::to_string(height) +
                          " (another picture under the same name?)");
}

MergeCounts mergeAutoMasks(ImageAnnotations& annotations, const std::vector<AutoMask>& masks,
                           const EverythingOrigin& origin) {
    MergeCounts counts;
    int nextId = annotations.nextObjectId();
    const auto removed =
        std::remove_if(annotations.objects.begin(), annotations.objects.end(), replacedByNewRun);
    counts.replaced = static_cast<std::size_t>(annotations.objects.end() - removed);
    annotations.objects.erase(removed, annotations.objects.end());
    for (const AutoMask& m : masks) {
        if (m.area == 0) {
            ++counts.empty;
            continue;
        }
        AnnotationObject object =
            autoMaskObject(m, nextId++, std::string(), origin.engine, origin.checkpoint);
        annotations.objects.push_back(std::move(object));
        ++counts.added;
    }
    return counts;
}

Expected<MergeCounts> putIntoAnnotations(const AnnotationTarget& target, int width, int height,
                                         const std::vector<AutoMask>& masks,
                                         const EverythingOrigin& origin) {
    auto saved = target.store.load(target.imageFile);
    if (!saved)
        return saved.error();
    ImageAnnotations annotations;
    if (saved.value()) {
        annotations = std::move(*saved.value());
        if (auto st = checkSameSize(annotations, target, width, height); !st)
            return st.error();
    } else {
        annotations.imageFile = target.imageFile;
        annotations.width = width;
        annotations.height = height;
    }
    const MergeCounts counts = mergeAutoMasks(annotations, masks, origin);
    // A file that became unreadable since the load above is moved aside by save(), not lost.
    if (auto st = target.store.save(annotations); !st)
        return st.error();
    return counts;
}

}  // namespace samdesk
