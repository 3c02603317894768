// ImageAnnotations: ids and consistency checks.
#include "core/annotation/imageannotations.h"

#include <algorithm>
#include <set>

namespace samdesk {

int ImageAnnotations::nextObjectId() const {
    int id = 0;
    for (const auto& o : objects)
        id = std::max(id, o.id);
    return id + 1;
}

AnnotationObject* ImageAnnotations::find(int id) {
    const auto it = std::find_if(objects.begin(), objects.end(),
                                 [&](const AnnotationObject& o) { return o.id == id; });
    return it == objects.end() ? nullptr : &*it;
}

const AnnotationObject* ImageAnnotations::find(int id) const {
    return const_cast<ImageAnnotations*>(this)->find(id);
}

Status ImageAnnotations::validate() const {
    const std::string where = "annotations of " + imageFile;
    if (width <= 0 || height <= 0)
        return Error::invalid(where + ": image size " + std::to_string(width) + "x" +
                              std::to_string(height) + " is not positive");
    std::set<int> ids;
    for (const auto& o : objects) {
        const std::string obj = where + ", object " + std::to_string(o.id);
        if (o.id < 1)
            return Error::invalid(obj + ": ids start at 1");
        if (!ids.insert(o.id).second)
            return Error::invalid(obj + ": the id is used twice");
        if (o.mask.width() != width || o.mask.height() != height)
            return Error::invalid(obj + ": mask is " + std::to_string(o.mask.width()) + "x" +
                                  std::to_string(o.mask.height()) + ", image is " +
                                  std::to_string(width) + "x" + std::to_string(height));
    }
    return {};
}

}  // namespace samdesk
