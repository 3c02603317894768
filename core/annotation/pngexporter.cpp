// PNG export: per object a 0/255 mask; per image a 16-bit instance-id map and an 8-bit
// semantic map with the labels' colours as its palette; classes.csv maps ids to names.
#include <cstdio>

#include "core/annotation/datasetwriter.h"
#include "core/annotation/pngwriter.h"

namespace samdesk {

namespace {

std::string csvField(const std::string& s) {
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

class PngExporter : public DatasetWriter {
public:
    explicit PngExporter(ExportContext& context) : m_ctx(context) {}

    Status addImage(const ImageAnnotations& image,
                    const std::vector<const AnnotationObject*>& objects) override {
        const std::string stem = outputStem(image.imageFile);
        const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
        std::vector<std::uint16_t> instances(n, 0);
        std::vector<std::uint8_t> semantic(n, 0);
        for (const AnnotationObject* o : objects) {
            const Label label = m_ctx.label(o->label);
            if (o->id > 65535)
                return Error::invalid(image.imageFile + ": object id " + std::to_string(o->id) +
                                      " does not fit a 16-bit instance map");
            if (label.id > 255)
                return Error::invalid("label '" + label.name + "' has id " +
                                      std::to_string(label.id) +
                                      ", more than an 8-bit semantic map holds");
            auto path = m_ctx.prepare("masks/" + stem + "/" + std::to_string(o->id) + "_" +
                                      safeFileName(label.name) + ".png");
            if (!path)
                return path.error();
            if (auto st = writeMaskPng(path.value(), o->mask); !st)
                return st;
            ++m_ctx.report->files;
            const auto& px = o->mask.bytes();
            for (std::size_t i = 0; i < n; ++i) {
                if (px[i]) {  // later objects lie on top, as drawn
                    instances[i] = static_cast<std::uint16_t>(o->id);
                    semantic[i] = static_cast<std::uint8_t>(label.id);
                }
            }
        }
        auto instancePath = m_ctx.prepare("instances/" + stem + ".png");
        if (!instancePath)
            return instancePath.error();
        if (auto st = writeGray16Png(instancePath.value(), image.width, image.height, instances);
            !st)
            return st;
        auto semanticPath = m_ctx.prepare("semantic/" + stem + ".png");
        if (!semanticPath)
            return semanticPath.error();
        if (auto st = writeIndexedPng(semanticPath.value(), image.width, image.height, semantic,
                                      palette());
            !st)
            return st;
        m_ctx.report->files += 2;
        return {};
    }

    Status finish() override {
        std::string csv = "id,name,color\n0,\"background\",#000000\n";
        for (const auto& l : m_ctx.labels.labels())
            csv += std::to_string(l.id) + "," + csvField(l.name) + "," + l.color.toHex() + "\n";
        return m_ctx.writeText("classes.csv", csv);
    }

private:
    std::vector<Rgb> palette() const {
        std::vector<Rgb> p(256, Rgb{0, 0, 0});
        for (const auto& l : m_ctx.labels.labels())
            if (l.id >= 0 && l.id < 256)
                p[static_cast<std::size_t>(l.id)] = l.color;
        return p;
    }

    ExportContext& m_ctx;
};

}  // namespace

std::unique_ptr<DatasetWriter> makePngWriter(ExportContext& context) {
    return std::make_unique<PngExporter>(context);
}

}  // namespace samdesk
