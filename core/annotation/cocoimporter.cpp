// COCO import: images by id, annotations grouped per image in id order, segmentation as
// compressed RLE ({"counts": "..."}), uncompressed RLE ({"counts": [...]}) or polygons (pixel
// corners, drawn as pycocotools' frPoly draws them). Everything is staged and written at the
// end.
#include "core/annotation/cocoimporter.h"

#include <map>

#include <nlohmann/json.hpp>

#include "core/annotation/importmerge.h"
#include "core/annotation/jsonfile.h"
#include "core/annotation/polygon.h"
#include "core/annotation/rle.h"

namespace samdesk {

namespace {

using nlohmann::json;

struct CocoImage {
    std::string fileName;
    int width = 0;
    int height = 0;
    std::vector<const json*> annotations;
};

long long idOf(const json& j) {
    const auto it = j.find("id");
    return it != j.end() && it->is_number_integer() ? it->get<long long>() : -1;
}

// One annotation's mask, or a reason why it has none.
Expected<BinaryMask> decodeSegmentation(const json& seg, int width, int height) {
    if (seg.is_object()) {
        const auto size = seg.find("size");
        const auto counts = seg.find("counts");
        if (size == seg.end() || !size->is_array() || size->size() != 2 ||
            !(*size)[0].is_number_integer() || !(*size)[1].is_number_integer())
            return Error::format("RLE without a [height, width] \"size\"");
        const int h = (*size)[0].get<int>();
        const int w = (*size)[1].get<int>();
        if (h != height || w != width)
            return Error::format("RLE size [" + std::to_string(h) + ", " + std::to_string(w) +
                                 "] is not the image's [" + std::to_string(height) + ", " +
                                 std::to_string(width) + "]");
        if (counts != seg.end() && counts->is_string())
            return BinaryMask::fromRleString(w, h, counts->get<std::string>());
        if (counts != seg.end() && counts->is_array()) {
            Rle rle{h, w, {}};
            for (const auto& c : *counts) {
                if (!c.is_number_integer() || c.get<long long>() < 0 ||
                    c.get<long long>() > 0xffffffffLL)
                    return Error::format("uncompressed RLE count is not a non-negative integer");
                rle.counts.push_back(c.get<std::uint32_t>());
            }
            return decodeRle(rle);
        }
        return Error::format("RLE without \"counts\"");
    }
    if (seg.is_array()) {
        std::vector<Polygon> polygons;
        for (const auto& flat : seg) {
            if (!flat.is_array() || flat.size() % 2 != 0)
                return Error::format("a polygon is not a flat list of x, y pairs");
            Polygon poly;
            for (std::size_t i = 0; i + 1 < flat.size(); i += 2) {
                if (!flat[i].is_number() || !flat[i + 1].is_number())
                    return Error::format("a polygon coordinate is not a number");
                poly.push_back({flat[i].get<double>(), flat[i + 1].get<double>()});
            }
            if (poly.size() >= 3)
                polygons.push_back(std::move(poly));
        }
        return rasterizePolygons(polygons, width, height, PolygonRaster::FrPoly);
    }
    return Error::format("\"segmentation\" is neither RLE nor polygons");
}

}  // namespace

Expected<ImportReport> importCoco(const std::filesystem::path& file, const AnnotationStore& store,
                                  const ImportOptions& options) {
    auto parsed = readJsonFile(file);
    if (!parsed)
        return parsed.error();
    const json& doc = parsed.value();
    const std::string origin = file.string();
    if (!doc.is_object() || !doc.contains("images") || !doc["images"].is_array() ||
        !doc.contains("annotations") || !doc["annotations"].is_array() ||
        !doc.contains("categories") || !doc["categories"].is_array())
        return Error::format(origin +
                             ": not a COCO file (needs \"images\", \"annotations\" and "
                             "\"categories\" lists)");
    ImportReport report;
    ImportBatch batch(store, report);

    std::map<long long, std::string> categories;
    std::vector<Label> labels;
    for (const auto& c : doc["categories"]) {
        if (!c.is_object() || idOf(c) < 0 || !c.contains("name") || !c["name"].is_string())
            return Error::format(origin + ": a category lacks an integer \"id\" or a \"name\"");
        categories[idOf(c)] = c["name"].get<std::string>();
        labels.push_back(Label{static_cast<int>(idOf(c)), c["name"].get<std::string>(), {}});
    }
    std::map<long long, CocoImage> images;
    for (const auto& im : doc["images"]) {
        if (!im.is_object() || idOf(im) < 0 || !im.contains("file_name") ||
            !im["file_name"].is_string() || !im.contains("width") ||
            !im["width"].is_number_integer() || !im.contains("height") ||
            !im["height"].is_number_integer())
            return Error::format(origin +
                                 ": an image lacks \"id\", \"file_name\", \"width\" or "
                                 "\"height\"");
        CocoImage ci{im["file_name"].get<std::string>(),
                     im["width"].get<int>(),
                     im["height"].get<int>(),
                     {}};
        if (ci.width <= 0 || ci.height <= 0)
            return Error::format(origin + ": image " + ci.fileName + " has size " +
                                 std::to_string(ci.width) + "x" + std::to_string(ci.height));
        images[idOf(im)] = std::move(ci);
    }
    for (const auto& a : doc["annotations"]) {
        const long long imageId =
            a.is_object() && a.contains("image_id") && a["image_id"].is_number_integer()
                ? a["image_id"].get<long long>()
                : -1;
        const auto it = images.find(imageId);
        if (it == images.end()) {
            report.warnings.push_back("annotation " + std::to_string(idOf(a)) +
                                      ": no image with id " + std::to_string(imageId) +
                                      ", skipped");
            continue;
        }
        it->second.annotations.push_back(&a);
    }

    for (auto& [imageId, ci] : images) {
        const auto name = findImageInFolder(store, ci.fileName);
        if (!name) {
            report.warnings.push_back(ci.fileName + ": not found in " + store.folder().string() +
                                      ", skipped");
            continue;
        }
        std::stable_sort(ci.annotations.begin(), ci.annotations.end(),
                         [](const json* x, const json* y) { return idOf(*x) < idOf(*y); });
        ImageAnnotations imported{*name, ci.width, ci.height, {}};
        for (const json* a : ci.annotations) {
            const std::string where = ci.fileName + ", annotation " + std::to_string(idOf(*a));
            const long long cat =
                a->contains("category_id") && (*a)["category_id"].is_number_integer()
                    ? (*a)["category_id"].get<long long>()
                    : -1;
            const auto category = categories.find(cat);
            if (category == categories.end()) {
                report.warnings.push_back(where + ": unknown category " + std::to_string(cat) +
                                          ", skipped");
                continue;
            }
            if (!a->contains("segmentation")) {
                report.warnings.push_back(where + ": no segmentation, skipped");
                continue;
            }
            auto mask = decodeSegmentation((*a)["segmentation"], ci.width, ci.height);
            if (!mask) {
                report.warnings.push_back(where + ": " + mask.error().message + ", skipped");
                continue;
            }
            if (mask->isEmpty()) {
                report.warnings.push_back(where + ": empty mask, skipped");
                continue;
            }
            AnnotationObject o;
            o.id = imported.nextObjectId();
            o.label = category->second;
            o.mask = std::move(mask.value());
            imported.objects.push_back(std::move(o));
        }
        if (auto st = batch.add(imported, origin); !st) {
            if (!options.skipBad)
                return nothingImported(st.error());
            report.skipped.push_back(st.error().message);
        }
    }
    batch.addLabels(labels);
    if (auto st = batch.commit(); !st)
        return st.error();
    return report;
}

}  // namespace samdesk
