// YOLO segmentation export: labels/<image stem>.txt with one line per outer contour,
// "class x1 y1 x2 y2 ..." normalised to [0, 1] (class = position in the label list), and a
// data.yaml with the class names. An image with no objects gets an empty .txt (a negative).
// Vertices are the centres of the outline's pixels, (x + 0.5) / width: ultralytics scales them
// back and truncates to int32 before cv2.fillPoly, which gives pixel x again (half a pixel of
// margin for the 6 decimals and its float32 reading).
#include <cstdio>

#include "core/annotation/datasetwriter.h"

namespace samdesk {

namespace {

// Up to 6 decimals, trailing zeros dropped: 0.5, 1, 0.123457.
std::string normalised(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    std::string s = buf;
    while (!s.empty() && s.back() == '0')
        s.pop_back();
    if (!s.empty() && s.back() == '.')
        s.pop_back();
    return s == "-0" ? "0" : s;
}

// A YAML double-quoted scalar.
std::string yamlString(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

class YoloExporter : public DatasetWriter {
public:
    explicit YoloExporter(ExportContext& context) : m_ctx(context) {}

    Status addImage(const ImageAnnotations& image,
                    const std::vector<const AnnotationObject*>& objects) override {
        std::string text;
        for (const AnnotationObject* o : objects) {
            const int cls = m_ctx.labels.indexOf(m_ctx.label(o->label).name);
            for (const auto& poly :
                 maskToPolygons(o->mask, m_ctx.options.polygons, PolygonRaster::FillPoly)) {
                text += std::to_string(cls);
                for (const auto& p : poly) {
                    // Appended piecewise: GCC 12 warns falsely on " " + std::string.
                    text += ' ';
                    text += normalised((p.x + 0.5) / image.width);
                    text += ' ';
                    text += normalised((p.y + 0.5) / image.height);
                }
                text += "\n";
            }
        }
        return m_ctx.writeText("labels/" + outputStem(image.imageFile) + ".txt", text);
    }

    Status finish() override {
        const std::string folder = std::filesystem::absolute(m_ctx.imageFolder).generic_string();
        std::string yaml = "# YOLO segmentation dataset exported by samdesk " SAMDESK_VERSION
                           "\n# Label files are in labels/; YOLO expects them in a labels/ folder"
                           "\n# beside the images/ folder (see docs/export.md).\n";
        yaml += "path: " + yamlString(folder) + "\ntrain: .\nval: .\n";
        yaml += "nc: " + std::to_string(m_ctx.labels.size()) + "\nnames:\n";
        for (std::size_t i = 0; i < m_ctx.labels.size(); ++i)
            yaml +=
                "  " + std::to_string(i) + ": " + yamlString(m_ctx.labels.labels()[i].name) + "\n";
        return m_ctx.writeText("data.yaml", yaml);
    }

private:
    ExportContext& m_ctx;
};

}  // namespace

std::unique_ptr<DatasetWriter> makeYoloWriter(ExportContext& context) {
    return std::make_unique<YoloExporter>(context);
}

}  // namespace samdesk
