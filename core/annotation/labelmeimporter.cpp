// LabelMe import: polygon, rectangle, circle and mask shapes, drawn the way labelme draws them
// (shape_to_mask with PIL; a mask shape's PNG pasted at its box). Shapes sharing a label and a
// group_id form one object (that is how samdesk exports an object with several parts). Every
// file is read before anything is written.
#include "core/annotation/labelmeimporter.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "core/annotation/base64.h"
#include "core/annotation/importmerge.h"
#include "core/annotation/jsonfile.h"
#include "core/annotation/maskedit.h"
#include "core/annotation/pngwriter.h"
#include "core/annotation/polygon.h"

namespace samdesk {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// numpy's astype(int) and PIL's integer conversion: truncation toward zero, kept in int range.
int truncated(double v) {
    return static_cast<int>(std::clamp(std::trunc(v), -1e9, 1e9));
}

// PIL's ellipse (labelme's circle: centre and a point on it): the box of whole pixels from the
// truncated corners, both inclusive; a pixel is set when its centre is inside the ellipse
// inscribed in it.
BinaryMask circleMask(const PointF& c, const PointF& onEdge, int width, int height) {
    const double r = std::hypot(onEdge.x - c.x, onEdge.y - c.y);
    const int x0 = truncated(c.x - r), x1 = truncated(c.x + r);
    const int y0 = truncated(c.y - r), y1 = truncated(c.y + r);
    const double cx = (x0 + x1 + 1) / 2.0, cy = (y0 + y1 + 1) / 2.0;
    const double ax = (x1 - x0 + 1) / 2.0, ay = (y1 - y0 + 1) / 2.0;
    BinaryMask m(width, height);
    for (int y = std::max(y0, 0); y <= std::min(y1, height - 1); ++y)
        for (int x = std::max(x0, 0); x <= std::min(x1, width - 1); ++x) {
            const double u = (x + 0.5 - cx) / ax, v = (y + 0.5 - cy) / ay;
            if (u * u + v * v <= 1.0)
                m.set(x, y, true);
        }
    return m;
}

// A mask shape: points are the box's first and last pixel, "mask" a base64 PNG of the box.
Expected<BinaryMask> maskShape(const json& shape, const Polygon& pts, int width, int height) {
    if (pts.size() != 2)
        return Error::format("a mask shape needs 2 points (its box), not " +
                             std::to_string(pts.size()));
    const auto field = shape.find("mask");
    if (field == shape.end() || !field->is_string())
        return Error::format("a mask shape without a \"mask\" (base64 PNG)");
    const auto png = base64Decode(field->get<std::string>());
    if (!png)
        return Error::format("\"mask\" is not base64");
    auto patch = decodeMaskPng(*png);
    if (!patch)
        return Error::format("\"mask\": " + patch.error().message);
    const int x0 = truncated(pts[0].x), y0 = truncated(pts[0].y);
    const int x1 = truncated(pts[1].x), y1 = truncated(pts[1].y);
    if (x0 < 0 || y0 < 0 || x1 >= width || y1 >= height || x1 < x0 || y1 < y0)
        return Error::format("the mask's box [" + std::to_string(x0) + ", " + std::to_string(y0) +
                             "] - [" + std::to_string(x1) + ", " + std::to_string(y1) +
                             "] is not inside the " + std::to_string(width) + "x" +
                             std::to_string(height) + " image");
    if (patch->width() != x1 - x0 + 1 || patch->height() != y1 - y0 + 1)
        return Error::format("\"mask\" is " + std::to_string(patch->width()) + "x" +
                             std::to_string(patch->height()) + " pixels, its box " +
                             std::to_string(x1 - x0 + 1) + "x" + std::to_string(y1 - y0 + 1));
    BinaryMask m(width, height);
    pasteMask(m, patch.value(), x0, y0);
    return m;
}

// The pixels of one shape, or a reason to skip it.
Expected<BinaryMask> shapeMask(const json& shape, int width, int height) {
    const std::string type = shape.value("shape_type", std::string("polygon"));
    if (!shape.contains("points") || !shape["points"].is_array())
        return Error::format("no \"points\"");
    Polygon pts;
    for (const auto& p : shape["points"]) {
        if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
            return Error::format("a point is not [x, y]");
        pts.push_back({p[0].get<double>(), p[1].get<double>()});
    }
    if (type == "polygon") {
        if (pts.size() < 3)
            return Error::format("a polygon with " + std::to_string(pts.size()) + " points");
        return rasterizePolygons({pts}, width, height, PolygonRaster::Pil);
    }
    if (type == "rectangle") {
        if (pts.size() != 2)
            return Error::format("a rectangle needs 2 points");
        const Polygon box{pts[0], {pts[1].x, pts[0].y}, pts[1], {pts[0].x, pts[1].y}};
        return rasterizePolygons({box}, width, height, PolygonRaster::Pil);
    }
    if (type == "circle") {
        if (pts.size() != 2)
            return Error::format("a circle needs 2 points");
        return circleMask(pts[0], pts[1], width, height);
    }
    if (type == "mask")
        return maskShape(shape, pts, width, height);
    return Error::format("shape type \"" + type + "\" has no area");
}

// "<file>: \"key\" ..." for a missing or mistyped top-level field.
Error fieldError(const fs::path& file, const char* key, const char* expected) {
    return Error::format(file.string() + ": not a LabelMe file (\"" + key + "\" is missing or " +
                         expected + ")");
}

struct ReadFile {
    std::optional<ImageAnnotations> annotations;  // nullopt: its image is not in the folder
    std::vector<std::string> warnings;
    std::vector<Label> labels;
};

// One LabelMe file as the image's imported objects; nothing is written.
Expected<ReadFile> readLabelMeFile(const fs::path& file, const AnnotationStore& store) {
    auto parsed = readJsonFile(file);
    if (!parsed)
        return parsed.error();
    const json& doc = parsed.value();
    if (!doc.is_object())
        return Error::format(file.string() + ": not a LabelMe file (not a JSON object)");
    if (!doc.contains("shapes") || !doc["shapes"].is_array())
        return fieldError(file, "shapes", "not a list");
    if (!doc.contains("imagePath") || !doc["imagePath"].is_string())
        return fieldError(file, "imagePath", "not a string");
    for (const char* key : {"imageWidth", "imageHeight"})
        if (!doc.contains(key) || !doc[key].is_number_integer() || doc[key].get<long long>() <= 0 ||
            doc[key].get<long long>() > 1 << 20)
            return fieldError(file, key, "not a positive integer");
    const int width = doc["imageWidth"].get<int>();
    const int height = doc["imageHeight"].get<int>();
    ReadFile out;
    const fs::path imagePath = doc["imagePath"].get<std::string>();
    // imagePath is relative to the JSON; try it from there, then as named in the folder.
    std::optional<std::string> name =
        findImageInFolder(store, fs::absolute(file.parent_path() / imagePath));
    if (!name)
        name = findImageInFolder(store, imagePath);
    if (!name) {
        out.warnings.push_back(file.string() + ": image " + imagePath.string() + " not found in " +
                               store.folder().string() + ", skipped");
        return out;
    }

    ImageAnnotations imported{*name, width, height, {}};
    std::map<std::pair<std::string, long long>, std::size_t> groups;  // (label, group) -> object
    int index = 0;
    for (const auto& shape : doc["shapes"]) {
        ++index;
        const std::string where = file.string() + ", shape " + std::to_string(index);
        if (!shape.is_object() || !shape.contains("label") || !shape["label"].is_string()) {
            out.warnings.push_back(where + ": no \"label\", skipped");
            continue;
        }
        auto mask = shapeMask(shape, width, height);
        if (!mask) {
            out.warnings.push_back(where + ": " + mask.error().message + ", skipped");
            continue;
        }
        const std::string label = shape["label"].get<std::string>();
        if (std::none_of(out.labels.begin(), out.labels.end(),
                         [&](const Label& l) { return l.name == label; }))
            out.labels.push_back(Label{static_cast<int>(out.labels.size()) + 1, label, {}});
        const bool grouped = shape.contains("group_id") && shape["group_id"].is_number_integer();
        if (grouped) {
            const auto key = std::make_pair(label, shape["group_id"].get<long long>());
            const auto it = groups.find(key);
            if (it != groups.end()) {
                auto& united = imported.objects[it->second].mask;
                united = *combineMasks(united, mask.value(), MaskOp::Union);
                continue;
            }
            groups[key] = imported.objects.size();
        }
        AnnotationObject o;
        o.id = static_cast<int>(imported.objects.size()) + 1;
        o.label = label;
        o.mask = std::move(mask.value());
        imported.objects.push_back(std::move(o));
    }
    std::vector<AnnotationObject> kept;
    for (auto& o : imported.objects) {
        if (o.mask.isEmpty()) {
            out.warnings.push_back(file.string() + ": " + o.label + " covers no pixel, skipped");
            continue;
        }
        kept.push_back(std::move(o));
    }
    imported.objects = std::move(kept);
    out.annotations = std::move(imported);
    return out;
}

}  // namespace

Expected<ImportReport> importLabelMe(const fs::path& input, const AnnotationStore& store,
                                     const ImportOptions& options) {
    std::error_code ec;
    std::vector<fs::path> files;
    if (fs::is_directory(input, ec)) {
        for (auto it = fs::recursive_directory_iterator(input, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            // Skips samdesk's own folder when the input is the image folder itself.
            if (it->is_directory() && it->path().filename() == ".samdesk") {
                it.disable_recursion_pending();
                continue;
            }
            if (it->is_regular_file() && it->path().extension() == ".json")
                files.push_back(it->path());
        }
        std::sort(files.begin(), files.end());
        if (files.empty())
            return Error::invalid(input.string() + " holds no LabelMe .json files");
    } else if (fs::is_regular_file(input, ec)) {
        files.push_back(input);
    } else {
        return Error::io("cannot open " + input.string() + ": no such file or folder");
    }
    ImportReport report;
    ImportBatch batch(store, report);
    std::vector<Label> labels;  // in order of first use, ids 1, 2, ...
    for (const auto& f : files) {
        auto read = readLabelMeFile(f, store);
        Status st = read
                        ? (read->annotations ? batch.add(*read->annotations, f.string()) : Status{})
                        : Status{read.error()};
        if (!st) {
            if (!options.skipBad)
                return nothingImported(st.error());
            report.skipped.push_back(st.error().message);
            continue;
        }
        report.warnings.insert(report.warnings.end(), read->warnings.begin(), read->warnings.end());
        for (const auto& l : read->labels)
            if (std::none_of(labels.begin(), labels.end(),
                             [&](const Label& have) { return have.name == l.name; }))
                labels.push_back(Label{static_cast<int>(labels.size()) + 1, l.name, {}});
    }
    batch.addLabels(labels);
    if (auto st = batch.commit(); !st)
        return st.error();
    return report;
}

}  // namespace samdesk
