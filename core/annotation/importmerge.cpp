// Merging imported annotations into the store without losing or duplicating anything.
#include "core/annotation/importmerge.h"

#include <algorithm>
#include <system_error>

namespace samdesk {

namespace fs = std::filesystem;

std::optional<std::string> findImageInFolder(const AnnotationStore& store, const fs::path& name) {
    std::error_code ec;
    std::vector<fs::path> candidates;
    const fs::path normal = name.lexically_normal();
    if (normal.is_absolute()) {
        const fs::path rel =
            normal.lexically_relative(fs::absolute(store.folder()).lexically_normal());
        if (!rel.empty() && *rel.begin() != "..")
            candidates.push_back(rel);
    } else if (!normal.empty() && *normal.begin() != "..") {
        candidates.push_back(normal);
    }
    candidates.push_back(normal.filename());
    for (const auto& c : candidates) {
        if (c.empty() || !store.annotationPath(c.generic_string()))
            continue;
        if (fs::is_regular_file(store.folder() / c, ec))
            return c.generic_string();
    }
    return std::nullopt;
}

Status mergeImported(const AnnotationStore& store, const ImageAnnotations& imported,
                     ImportReport& report) {
    auto existing = store.load(imported.imageFile);
    if (!existing)
        return existing.error();
    ImageAnnotations merged = existing->value_or(
        ImageAnnotations{imported.imageFile, imported.width, imported.height, {}});
    if (merged.width != imported.width || merged.height != imported.height)
        return Error::invalid(imported.imageFile + ": the dataset says " +
                              std::to_string(imported.width) + "x" +
                              std::to_string(imported.height) + " pixels, its saved annotations " +
                              std::to_string(merged.width) + "x" + std::to_string(merged.height));
    int added = 0;
    for (const auto& o : imported.objects) {
        const bool duplicate =
            std::any_of(merged.objects.begin(), merged.objects.end(),
                        [&](const auto& e) { return e.label == o.label && e.mask == o.mask; });
        if (duplicate) {
            ++report.duplicates;
            continue;
        }
        AnnotationObject copy = o;
        copy.id = merged.nextObjectId();
        copy.source = source::kImport;
        copy.score = 1.0;
        merged.objects.push_back(std::move(copy));
        ++added;
    }
    // An image the dataset lists without objects is recorded too (reviewed, nothing in it),
    // unless it already has annotations and nothing changes.
    if (added == 0 && existing->has_value())
        return {};
    if (auto st = store.save(merged); !st)
        return st;
    ++report.images;
    report.objects += added;
    return {};
}

Status mergeLabels(const AnnotationStore& store, const std::vector<Label>& labels) {
    auto current = store.loadLabels();
    if (!current)
        return current.error();
    LabelSet set = current.value();
    bool changed = false;
    for (const auto& l : labels) {
        if (set.find(l.name))
            continue;
        if (!set.insert(Label{l.id, l.name, LabelSet::paletteColor(l.id)}))
            set.add(l.name);
        changed = true;
    }
    if (!changed)
        return {};
    return store.saveLabels(set);
}

}  // namespace samdesk
