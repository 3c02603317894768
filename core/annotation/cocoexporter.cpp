// COCO instance segmentation export: one annotations.json with images, categories (the labels,
// ids = label ids) and annotations (RLE by default, polygons on request: vertices on pixel
// corners, the convention of pycocotools' frPoly).
#include <nlohmann/json.hpp>

#include "core/annotation/datasetwriter.h"

namespace samdesk {

namespace {

using nlohmann::json;

class CocoExporter : public DatasetWriter {
public:
    explicit CocoExporter(ExportContext& context) : m_ctx(context) {}

    Status addImage(const ImageAnnotations& image,
                    const std::vector<const AnnotationObject*>& objects) override {
        const int imageId = static_cast<int>(m_images.size()) + 1;
        m_images.push_back({{"id", imageId},
                            {"file_name", image.imageFile},
                            {"width", image.width},
                            {"height", image.height}});
        for (const AnnotationObject* o : objects) {
            const PixelRect box = o->mask.boundingBox();
            json segmentation;
            if (m_ctx.options.cocoSegmentation == CocoSegmentation::Rle) {
                segmentation = {{"size", {image.height, image.width}},
                                {"counts", o->mask.toRleString()}};
            } else {
                segmentation = json::array();
                for (const auto& poly :
                     maskToPolygons(o->mask, m_ctx.options.polygons, PolygonRaster::FrPoly)) {
                    json flat = json::array();
                    for (const auto& p : poly) {
                        flat.push_back(p.x);
                        flat.push_back(p.y);
                    }
                    segmentation.push_back(std::move(flat));
                }
            }
            m_annotations.push_back({
                {"id", static_cast<int>(m_annotations.size()) + 1},
                {"image_id", imageId},
                {"category_id", m_ctx.label(o->label).id},
                {"segmentation", std::move(segmentation)},
                {"area", o->mask.area()},
                {"bbox", {box.x, box.y, box.width, box.height}},
                {"iscrowd", 0},
            });
        }
        return {};
    }

    Status finish() override {
        json categories = json::array();
        for (const auto& l : m_ctx.labels.labels())
            categories.push_back({{"id", l.id}, {"name", l.name}, {"supercategory", ""}});
        const json doc = {
            {"info", {{"description", "exported by samdesk " SAMDESK_VERSION}}},
            {"licenses", json::array()},
            {"images", std::move(m_images)},
            {"annotations", std::move(m_annotations)},
            {"categories", std::move(categories)},
        };
        return m_ctx.writeText("annotations.json", doc.dump() + "\n");
    }

private:
    ExportContext& m_ctx;
    json m_images = json::array();
    json m_annotations = json::array();
};

}  // namespace

std::unique_ptr<DatasetWriter> makeCocoWriter(ExportContext& context) {
    return std::make_unique<CocoExporter>(context);
}

}  // namespace samdesk
