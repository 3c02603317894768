// Staging imported annotations, merging them without losing or duplicating anything, and
// writing them all (or putting back what was written).
#include "core/annotation/importmerge.h"

#include <algorithm>
#include <system_error>

#include "core/common/atomicfile.h"

namespace samdesk {

namespace fs = std::filesystem;

namespace {

// A file as it was before the commit wrote it: its bytes, or nullopt when it did not exist.
struct Backup {
    fs::path path;
    std::optional<std::string> bytes;
};

Expected<Backup> backup(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        return Backup{path, std::nullopt};
    auto bytes = readFile(path);
    if (!bytes)
        return bytes.error();
    return Backup{path, std::move(bytes.value())};
}

// Puts the backed-up files back, newest first; the error says what failed and what is left.
Error rollBack(const std::vector<Backup>& written, Error error) {
    std::string problems;
    for (auto it = written.rbegin(); it != written.rend(); ++it) {
        std::error_code ec;
        if (it->bytes) {
            if (auto st = writeFileAtomically(it->path, *it->bytes); !st)
                problems += "; " + st.error().message;
        } else if (fs::remove(it->path, ec); ec) {
            problems += "; cannot remove " + it->path.string() + ": " + ec.message();
        }
    }
    error.message += problems.empty()
                         ? "; nothing was imported (the files written before it were put back)"
                         : " (putting back the files written before it failed too" + problems + ")";
    return error;
}

}  // namespace

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

Error nothingImported(Error error) {
    error.message += "; nothing was imported";
    return error;
}

ImportBatch::ImportBatch(const AnnotationStore& store, ImportReport& report)
    : m_store(store), m_report(report) {}

Status ImportBatch::add(const ImageAnnotations& imported, const std::string& origin) {
    auto it = m_images.find(imported.imageFile);
    Staged staged;
    if (it != m_images.end()) {
        staged = it->second;
    } else {
        auto existing = m_store.load(imported.imageFile);
        if (!existing)
            return Error{existing.error().kind, origin + ": image " + imported.imageFile +
                                                    ": its saved annotations cannot be read (" +
                                                    existing.error().message + ")"};
        staged.changed = !existing->has_value();
        staged.annotations = existing->value_or(
            ImageAnnotations{imported.imageFile, imported.width, imported.height, {}});
    }
    ImageAnnotations& merged = staged.annotations;
    if (merged.width != imported.width || merged.height != imported.height)
        return Error::invalid(
            origin + ": image " + imported.imageFile + ": the dataset says " +
            std::to_string(imported.width) + "x" + std::to_string(imported.height) +
            " pixels (width, height), " +
            (it != m_images.end() ? "an earlier file of this import " : "its saved annotations ") +
            std::to_string(merged.width) + "x" + std::to_string(merged.height));
    int added = 0, duplicates = 0;
    for (const auto& o : imported.objects) {
        const bool duplicate =
            std::any_of(merged.objects.begin(), merged.objects.end(),
                        [&](const auto& e) { return e.label == o.label && e.mask == o.mask; });
        if (duplicate) {
            ++duplicates;
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
    staged.changed = staged.changed || added > 0;
    m_images[imported.imageFile] = std::move(staged);
    m_report.objects += added;
    m_report.duplicates += duplicates;
    return {};
}

void ImportBatch::addLabels(const std::vector<Label>& labels) {
    for (const auto& l : labels)
        if (std::none_of(m_labels.begin(), m_labels.end(),
                         [&](const Label& have) { return have.name == l.name; }))
            m_labels.push_back(l);
}

Status ImportBatch::commit() {
    // The labels first in memory: a labels file that cannot be read stops the import before
    // anything is written.
    auto current = m_store.loadLabels();
    if (!current)
        return current.error();
    LabelSet labels = current.value();
    bool labelsChanged = false;
    for (const auto& l : m_labels) {
        if (labels.find(l.name))
            continue;
        if (!labels.insert(Label{l.id, l.name, LabelSet::paletteColor(l.id)}))
            labels.add(l.name);
        labelsChanged = true;
    }

    std::vector<Backup> written;
    int images = 0;
    for (const auto& [name, staged] : m_images) {
        if (!staged.changed)
            continue;
        auto path = m_store.annotationPath(name);
        if (!path)
            return rollBack(written, path.error());
        auto before = backup(path.value());
        if (!before)
            return rollBack(written, before.error());
        if (auto st = m_store.save(staged.annotations); !st)
            return rollBack(written, st.error());
        written.push_back(std::move(before.value()));
        ++images;
    }
    if (labelsChanged)  // last: nothing after it can fail
        if (auto st = m_store.saveLabels(labels); !st)
            return rollBack(written, st.error());
    m_report.images += images;
    return {};
}

}  // namespace samdesk
