// LabelMe export: one <image stem>.json per image, a polygon shape per outer contour; the
// shapes of one object share its id as group_id. imagePath points from the JSON to the image.
#include <nlohmann/json.hpp>

#include "core/annotation/datasetwriter.h"

namespace samdesk {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The LabelMe version written into files (one whose reader accepts these fields).
constexpr const char* kLabelMeVersion = "5.2.1";

class LabelMeExporter : public DatasetWriter {
public:
    explicit LabelMeExporter(ExportContext& context) : m_ctx(context) {}

    Status addImage(const ImageAnnotations& image,
                    const std::vector<const AnnotationObject*>& objects) override {
        json shapes = json::array();
        for (const AnnotationObject* o : objects) {
            const std::string label = m_ctx.label(o->label).name;
            for (const auto& poly : maskToPolygons(o->mask, m_ctx.options.polygons)) {
                json points = json::array();
                for (const auto& p : poly)
                    points.push_back({p.x, p.y});
                shapes.push_back({{"label", label},
                                  {"points", std::move(points)},
                                  {"group_id", o->id},
                                  {"description", ""},
                                  {"shape_type", "polygon"},
                                  {"flags", json::object()}});
            }
        }
        const fs::path relative = outputStem(image.imageFile) + ".json";
        const fs::path jsonFolder = fs::absolute(m_ctx.out / relative).parent_path();
        const fs::path imagePath = fs::absolute(m_ctx.imageFolder / image.imageFile);
        fs::path imageRef = imagePath.lexically_relative(jsonFolder);
        if (imageRef.empty())
            imageRef = imagePath;
        const json doc = {
            {"version", kLabelMeVersion},  {"flags", json::object()},
            {"shapes", std::move(shapes)}, {"imagePath", imageRef.generic_string()},
            {"imageData", nullptr},        {"imageHeight", image.height},
            {"imageWidth", image.width},
        };
        return m_ctx.writeText(relative, doc.dump(2) + "\n");
    }

    Status finish() override { return {}; }

private:
    ExportContext& m_ctx;
};

}  // namespace

std::unique_ptr<DatasetWriter> makeLabelMeWriter(ExportContext& context) {
    return std::make_unique<LabelMeExporter>(context);
}

}  // namespace samdesk
