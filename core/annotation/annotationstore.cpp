// AnnotationStore: paths, atomic saves, and keeping corrupt files aside.
#include "core/annotation/annotationstore.h"

#include <algorithm>
#include <ctime>
#include <system_error>

#include "core/annotation/annotationjson.h"
#include "core/common/atomicfile.h"

namespace samdesk {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDataFolder = ".samdesk";
constexpr const char* kAnnotationsFolder = "annotations";
constexpr const char* kSuffix = ".json";

// Renames `path` to "<path>.corrupt-<UTC time>[-n]" so that nothing is lost.
Expected<fs::path> moveAside(const fs::path& path) {
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    fs::path target = path;
    target += std::string(".corrupt-") + stamp;
    for (int n = 1; fs::exists(target); ++n) {
        target = path;
        target += std::string(".corrupt-") + stamp + "-" + std::to_string(n);
    }
    std::error_code ec;
    fs::rename(path, target, ec);
    if (ec)
        return Error::io("cannot move the unreadable " + path.string() + " aside: " + ec.message());
    return target;
}

// What save() may do with the file it is about to replace.
enum class Existing {
    ReadsBack,  // overwrite it
    Corrupt,    // move it aside first
};

// Before overwriting `path`: when it exists, `judge` (the file's text -> Expected<Existing>)
// decides; a corrupt file is moved aside (its new name goes to `setAside`), an error from
// `judge` stops the save with the file untouched.
template <typename Judge>
Status protectExisting(const fs::path& path, Judge judge, fs::path* setAside) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        return {};
    auto text = readFile(path);
    if (!text)
        return text.error();  // unreadable is not corrupt: never move what we could not check
    const Expected<Existing> verdict = judge(text.value());
    if (!verdict)
        return verdict.error();
    if (verdict.value() == Existing::ReadsBack)
        return {};
    auto moved = moveAside(path);
    if (!moved)
        return moved.error();
    if (setAside)
        *setAside = moved.value();
    return {};
}

// The error for an annotation file written by a newer samdesk (a version above the one this
// samdesk writes); nullopt for any other file.
std::optional<Error> newerFileError(const std::string& text, const fs::path& path) {
    const auto version = annotationFileVersion(text, path.string());
    if (!version || version.value() <= kAnnotationFileVersion)
        return std::nullopt;
    return Error::format(path.string() + ": written by a newer samdesk (file version " +
                         std::to_string(version.value()) + ", this one reads up to " +
                         std::to_string(kAnnotationFileVersion) +
                         "); it is left untouched and this image cannot be saved here");
}

Status makeFolder(const fs::path& folder) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
        return Error::io("cannot create " + folder.string() + ": " + ec.message());
    return {};
}

}  // namespace

AnnotationStore::AnnotationStore(fs::path folder) : m_folder(std::move(folder)) {}

AnnotationStore AnnotationStore::forImage(const fs::path& imagePath) {
    fs::path folder = imagePath.parent_path();
    return AnnotationStore(folder.empty() ? fs::path(".") : folder);
}

fs::path AnnotationStore::dataFolder() const {
    return m_folder / kDataFolder;
}

fs::path AnnotationStore::labelsPath() const {
    return dataFolder() / "labels.json";
}

Expected<fs::path> AnnotationStore::annotationPath(const std::string& imageFile) const {
    const fs::path rel = fs::path(imageFile).lexically_normal();
    const std::string bad = "image file name '" + imageFile + "' ";
    if (imageFile.empty() || rel.empty() || rel == ".")
        return Error::invalid(bad + "is empty");
    if (rel.is_absolute() || rel.has_root_name())
        return Error::invalid(bad + "must be relative to " + m_folder.string());
    const auto first = *rel.begin();
    if (first == ".." || first == kDataFolder)
        return Error::invalid(bad + "is outside the folder's images");
    fs::path p = dataFolder() / kAnnotationsFolder / rel;
    p += kSuffix;
    return p;
}

Expected<std::optional<ImageAnnotations>> AnnotationStore::load(
    const std::string& imageFile) const {
    auto path = annotationPath(imageFile);
    if (!path)
        return path.error();
    std::error_code ec;
    if (!fs::exists(path.value(), ec))
        return std::optional<ImageAnnotations>();
    auto text = readFile(path.value());
    if (!text)
        return text.error();
    const std::string keep = " (the file is kept; the next save moves it aside as " +
                             path->filename().string() + ".corrupt-<time>)";
    auto parsed = annotationsFromJson(text.value(), path->string());
    if (!parsed) {
        if (auto newer = newerFileError(text.value(), path.value()))
            return *newer;
        return Error::format(parsed.error().message + keep);
    }
    if (fs::path(parsed->imageFile).lexically_normal() != fs::path(imageFile).lexically_normal())
        return Error::format(path->string() + ": written for image '" + parsed->imageFile +
                             "', not '" + imageFile + "'" + keep);
    return std::optional<ImageAnnotations>(std::move(parsed.value()));
}

Status AnnotationStore::save(const ImageAnnotations& annotations, fs::path* setAside,
                             const MaskRleOf& rleOf) const {
    if (auto st = annotations.validate(); !st)
        return st;
    auto path = annotationPath(annotations.imageFile);
    if (!path)
        return path.error();
    if (auto st = makeFolder(path->parent_path()); !st)
        return st;
    const std::string wanted = fs::path(annotations.imageFile).lexically_normal().generic_string();
    auto judge = [&](const std::string& text) -> Expected<Existing> {
        auto image = checkAnnotationsJson(text, path->string());
        if (image)
            return fs::path(image.value()).lexically_normal().generic_string() == wanted
                       ? Existing::ReadsBack
                       : Existing::Corrupt;
        // Only when it does not read: a file of a newer samdesk is not corrupt, and neither
        // moving nor replacing it is ours to decide.
        if (auto error = newerFileError(text, path.value()))
            return *error;
        return Existing::Corrupt;
    };
    if (auto st = protectExisting(path.value(), judge, setAside); !st)
        return st;
    return writeFileAtomically(path.value(), annotationsToJson(annotations, rleOf));
}

Status AnnotationStore::remove(const std::string& imageFile) const {
    auto path = annotationPath(imageFile);
    if (!path)
        return path.error();
    std::error_code ec;
    fs::remove(path.value(), ec);
    if (ec)
        return Error::io("cannot remove " + path->string() + ": " + ec.message());
    return {};
}

bool AnnotationStore::hasAnnotations(const std::string& imageFile) const {
    auto path = annotationPath(imageFile);
    std::error_code ec;
    return path && fs::is_regular_file(path.value(), ec);
}

std::vector<std::string> AnnotationStore::annotatedImages() const {
    std::vector<std::string> images;
    const fs::path root = dataFolder() / kAnnotationsFolder;
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        return images;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const auto& p = it->path();
        const std::string name = p.filename().string();
        // Skips temporary files of atomic writes (".x.tmp-...") and moved-aside corrupt files.
        if (!it->is_regular_file(ec) || name.empty() || name.front() == '.' ||
            p.extension() != kSuffix)
            continue;
        std::string rel = p.lexically_relative(root).generic_string();
        rel.resize(rel.size() - std::char_traits<char>::length(kSuffix));
        images.push_back(std::move(rel));
    }
    std::sort(images.begin(), images.end());
    return images;
}

Expected<LabelSet> AnnotationStore::loadLabels() const {
    LabelSet labels;
    std::error_code ec;
    if (fs::exists(labelsPath(), ec)) {
        auto text = readFile(labelsPath());
        if (!text)
            return text.error();
        auto parsed = labelsFromJson(text.value(), labelsPath().string());
        if (!parsed)
            return parsed.error();
        labels = std::move(parsed.value());
    }
    if (const auto file = LabelSet::findLabelsFile(m_folder)) {
        auto seeded = LabelSet::fromLabelsFile(*file);
        if (!seeded)
            return seeded.error();
        for (const auto& l : seeded->labels())
            labels.add(l.name);
    }
    return labels;
}

Status AnnotationStore::saveLabels(const LabelSet& labels) const {
    if (auto st = makeFolder(dataFolder()); !st)
        return st;
    auto judge = [&](const std::string& text) -> Expected<Existing> {
        return labelsFromJson(text, labelsPath().string()).ok() ? Existing::ReadsBack
                                                                : Existing::Corrupt;
    };
    if (auto st = protectExisting(labelsPath(), judge, nullptr); !st)
        return st;
    return writeFileAtomically(labelsPath(), labelsToJson(labels));
}

}  // namespace samdesk
