// LabelMe import: polygon, rectangle and circle shapes; shapes sharing a label and a group_id
// form one object (that is how samdesk exports an object with several parts).
#include "core/annotation/labelmeimporter.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "core/annotation/importmerge.h"
#include "core/annotation/jsonfile.h"
#include "core/annotation/polygon.h"

namespace samdesk {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A circle as a 64-gon: LabelMe stores its centre and one point on it.
Polygon circlePolygon(const PointF& c, const PointF& onEdge) {
    const double r = std::hypot(onEdge.x - c.x, onEdge.y - c.y);
    Polygon p;
    for (int i = 0; i < 64; ++i) {
        const double a = 2.0 * M_PI * i / 64.0;
        p.push_back({c.x + r * std::cos(a), c.y + r * std::sin(a)});
    }
    return p;
}

// The shape as a polygon, or a reason to skip it.
Expected<Polygon> shapePolygon(const json& shape) {
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
        return pts;
    }
    if (type == "rectangle") {
        if (pts.size() != 2)
            return Error::format("a rectangle needs 2 points");
        return Polygon{pts[0], {pts[1].x, pts[0].y}, pts[1], {pts[0].x, pts[1].y}};
    }
    if (type == "circle") {
        if (pts.size() != 2)
            return Error::format("a circle needs 2 points");
        return circlePolygon(pts[0], pts[1]);
    }
    return Error::format("shape type \"" + type + "\" has no area");
}

Status importFile(const fs::path& file, const AnnotationStore& store, ImportReport& report,
                  std::vector<Label>& labels) {
    auto parsed = readJsonFile(file);
    if (!parsed)
        return parsed.error();
    const json& doc = parsed.value();
    if (!doc.is_object() || !doc.contains("shapes") || !doc["shapes"].is_array() ||
        !doc.contains("imagePath") || !doc["imagePath"].is_string() ||
        !doc.contains("imageWidth") || !doc["imageWidth"].is_number_integer() ||
        !doc.contains("imageHeight") || !doc["imageHeight"].is_number_integer())
        return Error::format(file.string() +
                             ": not a LabelMe file (needs \"shapes\", \"imagePath\", "
                             "\"imageWidth\", \"imageHeight\")");
    const int width = doc["imageWidth"].get<int>();
    const int height = doc["imageHeight"].get<int>();
    if (width <= 0 || height <= 0)
        return Error::format(file.string() + ": image size " + std::to_string(width) + "x" +
                             std::to_string(height));
    const fs::path imagePath = doc["imagePath"].get<std::string>();
    // imagePath is relative to the JSON; try it from there, then as named in the folder.
    std::optional<std::string> name =
        findImageInFolder(store, fs::absolute(file.parent_path() / imagePath));
    if (!name)
        name = findImageInFolder(store, imagePath);
    if (!name) {
        report.warnings.push_back(file.string() + ": image " + imagePath.string() +
                                  " not found in " + store.folder().string() + ", skipped");
        return {};
    }

    ImageAnnotations imported{*name, width, height, {}};
    std::map<std::pair<std::string, long long>, std::size_t> groups;  // (label, group) -> object
    std::vector<std::vector<Polygon>> parts;
    int index = 0;
    for (const auto& shape : doc["shapes"]) {
        ++index;
        const std::string where = file.string() + ", shape " + std::to_string(index);
        if (!shape.is_object() || !shape.contains("label") || !shape["label"].is_string()) {
            report.warnings.push_back(where + ": no label, skipped");
            continue;
        }
        auto poly = shapePolygon(shape);
        if (!poly) {
            report.warnings.push_back(where + ": " + poly.error().message + ", skipped");
            continue;
        }
        const std::string label = shape["label"].get<std::string>();
        if (std::none_of(labels.begin(), labels.end(),
                         [&](const Label& l) { return l.name == label; }))
            labels.push_back(Label{static_cast<int>(labels.size()) + 1, label, {}});
        const bool grouped = shape.contains("group_id") && shape["group_id"].is_number_integer();
        if (grouped) {
            const auto key = std::make_pair(label, shape["group_id"].get<long long>());
            const auto it = groups.find(key);
            if (it != groups.end()) {
                parts[it->second].push_back(std::move(poly.value()));
                continue;
            }
            groups[key] = imported.objects.size();
        }
        AnnotationObject o;
        o.id = static_cast<int>(imported.objects.size()) + 1;
        o.label = label;
        imported.objects.push_back(std::move(o));
        parts.push_back({std::move(poly.value())});
    }
    std::vector<AnnotationObject> kept;
    for (std::size_t i = 0; i < imported.objects.size(); ++i) {
        auto& o = imported.objects[i];
        o.mask = rasterizePolygons(parts[i], width, height);
        if (o.mask.isEmpty()) {
            report.warnings.push_back(file.string() + ": " + o.label +
                                      " covers no pixel centre, skipped");
            continue;
        }
        kept.push_back(std::move(o));
    }
    imported.objects = std::move(kept);
    return mergeImported(store, imported, report);
}

}  // namespace

Expected<ImportReport> importLabelMe(const fs::path& input, const AnnotationStore& store) {
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
    std::vector<Label> labels;
    for (const auto& f : files)
        if (auto st = importFile(f, store, report, labels); !st)
            return st.error();
    if (auto st = mergeLabels(store, labels); !st)
        return st.error();
    return report;
}

}  // namespace samdesk
