// The export driver: output folder checks, one image at a time into the chosen writer.
#include "core/annotation/datasetexport.h"

#include <fstream>
#include <map>
#include <system_error>

#include "core/annotation/datasetwriter.h"
#include "core/common/atomicfile.h"

namespace samdesk {

namespace fs = std::filesystem;

namespace {

constexpr const char* kUnlabeled = "unlabeled";

// Supplies image `i` of `count`; folder export loads them one by one so memory stays small.
using ImageSource = std::function<Expected<ImageAnnotations>(int i)>;

Expected<ExportReport> run(int count, const std::vector<std::string>& names,
                           const ImageSource& source, const fs::path& imageFolder,
                           const LabelSet& labels, const fs::path& out,
                           const ExportOptions& options, const ExportProgress& progress) {
    std::error_code ec;
    if (fs::exists(out, ec) && !fs::is_directory(out, ec))
        return Error::invalid("output " + out.string() + " exists and is not a folder");
    if (folderHasEntries(out) && !options.overwrite)
        return Error::invalid("output folder " + out.string() +
                              " is not empty (use --overwrite to write into it)");
    fs::create_directories(out, ec);
    if (ec)
        return Error::io("cannot create " + out.string() + ": " + ec.message());
    // What a killed export left half written is garbage: gone before anything is written again.
    removeAtomicWriteTemporaries(out);
    // Marks the folder as partial until the last file is written (removed at the very end).
    // Written in place, not atomically: it marks from the moment it exists.
    const fs::path incomplete = out / kExportIncompleteFile;
    {
        std::ofstream mark(incomplete, std::ios::binary | std::ios::trunc);
        mark << "This " << exportFormatName(options.format)
             << " export did not finish: the files in this folder are partial.\n"
                "Export again (with --overwrite) to replace them.\n";
        mark.flush();
        if (!mark)
            return Error::io("cannot write " + incomplete.string());
    }

    // Two images whose outputs would share a name ("a.png", "a.jpg") cannot both be exported.
    std::map<std::string, std::string> stems;
    for (const auto& n : names) {
        const auto [it, fresh] = stems.emplace(outputStem(n), n);
        if (!fresh)
            return Error::invalid("images " + it->second + " and " + n +
                                  " would both be exported as " + it->first +
                                  ".*: rename one of them");
    }

    ExportReport report;
    ExportContext context{out, imageFolder, labels, options, &report};
    std::unique_ptr<DatasetWriter> writer;
    switch (options.format) {
        case ExportFormat::Png:
            writer = makePngWriter(context);
            break;
        case ExportFormat::Coco:
            writer = makeCocoWriter(context);
            break;
        case ExportFormat::Yolo:
            writer = makeYoloWriter(context);
            break;
        case ExportFormat::LabelMe:
            writer = makeLabelMeWriter(context);
            break;
    }
    for (int i = 0; i < count; ++i) {
        auto image = source(i);
        if (!image)
            return image.error();
        if (auto st = image->validate(); !st)
            return st.error();
        std::vector<const AnnotationObject*> objects;
        for (const auto& o : image->objects) {
            if (o.mask.isEmpty()) {
                ++report.skippedEmpty;
                report.warnings.push_back(image->imageFile + ": object " + std::to_string(o.id) +
                                          (o.label.empty() ? "" : " (" + o.label + ")") +
                                          " has an empty mask, skipped");
                continue;
            }
            objects.push_back(&o);
        }
        if (auto st = writer->addImage(image.value(), objects); !st)
            return st.error();
        ++report.images;
        report.objects += static_cast<int>(objects.size());
        if (progress && !progress(i + 1, count))
            return Error{Error::Kind::Cancelled, "export cancelled after " + std::to_string(i + 1) +
                                                     " of " + std::to_string(count) + " images"};
    }
    if (auto st = writer->finish(); !st)
        return st.error();
    if (!fs::remove(incomplete, ec) || ec)
        return Error::io("cannot remove " + incomplete.string() + ": " + ec.message());
    return report;
}

}  // namespace

const char* exportFormatName(ExportFormat format) {
    switch (format) {
        case ExportFormat::Png:
            return "png";
        case ExportFormat::Coco:
            return "coco";
        case ExportFormat::Yolo:
            return "yolo";
        case ExportFormat::LabelMe:
            return "labelme";
    }
    return "?";
}

std::optional<ExportFormat> parseExportFormat(std::string_view name) {
    for (auto f : allExportFormats())
        if (name == exportFormatName(f))
            return f;
    return std::nullopt;
}

std::vector<ExportFormat> allExportFormats() {
    return {ExportFormat::Png, ExportFormat::Coco, ExportFormat::Yolo, ExportFormat::LabelMe};
}

const char* labelMeShapesName(LabelMeShapes shapes) {
    return shapes == LabelMeShapes::Mask ? "mask" : "polygon";
}

std::optional<LabelMeShapes> parseLabelMeShapes(std::string_view name) {
    for (auto s : {LabelMeShapes::Mask, LabelMeShapes::Polygon})
        if (name == labelMeShapesName(s))
            return s;
    return std::nullopt;
}

bool folderHasEntries(const fs::path& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        return false;
    return fs::directory_iterator(folder, ec) != fs::directory_iterator();
}

Expected<ExportReport> exportFolder(const AnnotationStore& store, const LabelSet& labels,
                                    const fs::path& out, const ExportOptions& options,
                                    const ExportProgress& progress) {
    const std::vector<std::string> names = store.annotatedImages();
    const ImageSource source = [&](int i) -> Expected<ImageAnnotations> {
        auto loaded = store.load(names[static_cast<std::size_t>(i)]);
        if (!loaded)
            return loaded.error();
        if (!loaded->has_value())  // removed while exporting
            return Error::io("annotations of " + names[static_cast<std::size_t>(i)] +
                             " disappeared during the export");
        return std::move(**loaded);
    };
    return run(static_cast<int>(names.size()), names, source, store.folder(), labels, out, options,
               progress);
}

Expected<ExportReport> exportImages(const std::vector<ImageAnnotations>& images,
                                    const fs::path& imageFolder, const LabelSet& labels,
                                    const fs::path& out, const ExportOptions& options,
                                    const ExportProgress& progress) {
    std::vector<std::string> names;
    for (const auto& i : images)
        names.push_back(i.imageFile);
    const ImageSource source = [&](int i) -> Expected<ImageAnnotations> {
        return images[static_cast<std::size_t>(i)];
    };
    return run(static_cast<int>(images.size()), names, source, imageFolder, labels, out, options,
               progress);
}

Label ExportContext::label(const std::string& name) {
    const std::string n = name.empty() ? std::string(kUnlabeled) : name;
    if (const Label* l = labels.find(n))
        return *l;
    return *labels.add(n);
}

Expected<fs::path> ExportContext::prepare(const fs::path& relative) {
    const fs::path path = out / relative;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec)
        return Error::io("cannot create " + path.parent_path().string() + ": " + ec.message());
    return path;
}

Status ExportContext::writeText(const fs::path& relative, const std::string& text) {
    auto path = prepare(relative);
    if (!path)
        return path.error();
    if (auto st = writeFileAtomically(path.value(), text); !st)
        return st;
    ++report->files;
    return {};
}

std::string outputStem(const std::string& imageFile) {
    fs::path p(imageFile);
    p.replace_extension();
    return p.generic_string();
}

std::string safeFileName(const std::string& name) {
    std::string out;
    for (unsigned char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        out.push_back(ok ? static_cast<char>(c) : '_');
    }
    return out;
}

}  // namespace samdesk
