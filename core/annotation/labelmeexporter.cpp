// LabelMe export: one <image stem>.json per image. Each object is one "mask" shape (its box,
// both corners inclusive, and a PNG of the box: labelme's own mask shapes) or polygon shapes,
// one per 4-connected part, with vertices on pixel centres so that labelme's PIL fill draws the
// object's pixels; the shapes of one object share its id as group_id. imagePath points from
// the JSON to the image.
#include <nlohmann/json.hpp>

#include "core/annotation/base64.h"
#include "core/annotation/datasetwriter.h"
#include "core/annotation/maskedit.h"
#include "core/annotation/pngwriter.h"

namespace samdesk {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The LabelMe version written into files: one whose reader accepts these fields (mask shapes
// came with labelme's AI masks, late 2023).
constexpr const char* kLabelMeVersion = "5.2.1";
constexpr const char* kLabelMeMaskVersion = "5.5.0";

json shape(const std::string& label, json points, int groupId, const char* type) {
    return {{"label", label},    {"points", std::move(points)}, {"group_id", groupId},
            {"description", ""}, {"shape_type", type},          {"flags", json::object()}};
}

class LabelMeExporter : public DatasetWriter {
public:
    explicit LabelMeExporter(ExportContext& context) : m_ctx(context) {}

    Status addImage(const ImageAnnotations& image,
                    const std::vector<const AnnotationObject*>& objects) override {
        const bool masks = m_ctx.options.labelMeShapes == LabelMeShapes::Mask;
        json shapes = json::array();
        for (const AnnotationObject* o : objects) {
            const std::string label = m_ctx.label(o->label).name;
            if (masks) {
                auto s = maskShape(*o, label);
                if (!s)
                    return Error::runtime(image.imageFile + ": object " + std::to_string(o->id) +
                                          ": " + s.error().message);
                shapes.push_back(std::move(s.value()));
                continue;
            }
            for (const auto& poly :
                 maskToPolygons(o->mask, m_ctx.options.polygons, PolygonRaster::Pil)) {
                json points = json::array();
                for (const auto& p : poly)  // whole pixel indices: no rounding by PIL
                    points.push_back({static_cast<int>(p.x), static_cast<int>(p.y)});
                shapes.push_back(shape(label, std::move(points), o->id, "polygon"));
            }
        }
        const fs::path relative = outputStem(image.imageFile) + ".json";
        const fs::path jsonFolder = fs::absolute(m_ctx.out / relative).parent_path();
        const fs::path imagePath = fs::absolute(m_ctx.imageFolder / image.imageFile);
        fs::path imageRef = imagePath.lexically_relative(jsonFolder);
        if (imageRef.empty())
            imageRef = imagePath;
        const json doc = {
            {"version", masks ? kLabelMeMaskVersion : kLabelMeVersion},
            {"flags", json::object()},
            {"shapes", std::move(shapes)},
            {"imagePath", imageRef.generic_string()},
            {"imageData", nullptr},
            {"imageHeight", image.height},
            {"imageWidth", image.width},
        };
        return m_ctx.writeText(relative, doc.dump(2) + "\n");
    }

    Status finish() override { return {}; }

private:
    // points: the box's first and last pixel (labelme pastes the PNG at
    // mask[y1:y2+1, x1:x2+1]); mask: 8-bit PNG of the box, 1 on the object, 0 elsewhere.
    static Expected<json> maskShape(const AnnotationObject& o, const std::string& label) {
        const PixelRect box = o.mask.boundingBox();
        auto png = encodeMaskPng(cropMask(o.mask, box), 1);
        if (!png)
            return png.error();
        json s = shape(label, {{box.x, box.y}, {box.x + box.width - 1, box.y + box.height - 1}},
                       o.id, "mask");
        s["mask"] = base64Encode(png.value());
        return s;
    }

    ExportContext& m_ctx;
};

}  // namespace

std::unique_ptr<DatasetWriter> makeLabelMeWriter(ExportContext& context) {
    return std::make_unique<LabelMeExporter>(context);
}

}  // namespace samdesk
