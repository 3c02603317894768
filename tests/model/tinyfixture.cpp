// Fixture access for the model tests.
#include "tests/model/tinyfixture.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <cstring>

#include "core/checkpoint/safetensorsreader.h"

namespace samdesk::test {

QString tinyPath(const QString& file) {
    return QStringLiteral(SAMDESK_TEST_DATA "/samv1-tiny/") + file;
}

std::vector<FixtureCase> fixtureCases() {
    QFile f(tinyPath("cases.json"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read cases.json");
    const auto root = QJsonDocument::fromJson(f.readAll()).object();
    std::vector<FixtureCase> out;
    for (const auto& v : root.value("cases").toArray()) {
        const auto o = v.toObject();
        FixtureCase c;
        c.image = o.value("image").toString().toStdString();
        c.name = o.value("name").toString().toStdString();
        c.key = o.value("key").toString().toStdString();
        c.maskInputFrom = o.value("mask_input_from").toString().toStdString();
        const auto points = o.value("points").toArray();
        const auto labels = o.value("labels").toArray();
        for (int i = 0; i < points.size(); ++i) {
            const auto p = points[i].toArray();
            c.prompts.points.push_back({p[0].toDouble(), p[1].toDouble(), labels[i].toInt() == 1});
        }
        if (o.contains("box")) {
            const auto b = o.value("box").toArray();
            c.prompts.box =
                PromptBox{b[0].toDouble(), b[1].toDouble(), b[2].toDouble(), b[3].toDouble()};
        }
        c.prompts.multimask = o.value("multimask").toBool(true);
        out.push_back(std::move(c));
    }
    return out;
}

const ExpectedTensors& ExpectedTensors::instance() {
    static const ExpectedTensors tensors;
    return tensors;
}

ExpectedTensors::ExpectedTensors() {
    auto dict = readSafetensors(tinyPath("expected.safetensors").toStdString());
    if (!dict)
        qFatal("%s", dict.error().message.c_str());
    m_dict = std::move(dict.value());
}

bool ExpectedTensors::has(const std::string& name) const {
    return m_dict.find(name) != nullptr;
}

Shape ExpectedTensors::shape(const std::string& name) const {
    const auto* t = m_dict.find(name);
    return t ? t->shape : Shape{};
}

std::vector<float> ExpectedTensors::floats(const std::string& name) const {
    const auto* t = m_dict.find(name);
    if (!t || t->dtype != DType::Float32)
        qFatal("expected.safetensors: no float32 tensor '%s'", name.c_str());
    std::vector<float> v(static_cast<std::size_t>(t->numel()));
    std::memcpy(v.data(), t->data, v.size() * sizeof(float));
    return v;
}

std::vector<std::uint8_t> ExpectedTensors::bytes(const std::string& name) const {
    const auto* t = m_dict.find(name);
    if (!t)
        qFatal("expected.safetensors: no tensor '%s'", name.c_str());
    return std::vector<std::uint8_t>(t->data, t->data + t->nbytes());
}

cv::Mat readImage(const QString& path) {
    return cv::imread(path.toStdString(), cv::IMREAD_UNCHANGED);
}

ImageView viewOf(const cv::Mat& image) {
    ImageView v;
    v.data = image.data;
    v.width = image.cols;
    v.height = image.rows;
    v.channels = image.channels();
    v.bitDepth = image.depth() == CV_16U ? 16 : 8;
    v.strideBytes = image.step[0];
    v.order = PixelOrder::Bgr;
    return v;
}

PredictorOptions float32Options() {
    PredictorOptions o;
    o.dtype = "float32";
    return o;
}

std::unique_ptr<Predictor> loadTiny(const QString& checkpoint, const PredictorOptions& options) {
    const QString path = checkpoint.isEmpty() ? tinyPath("checkpoint.pth") : checkpoint;
    auto p = Predictor::load(path.toStdString(), options);
    if (!p) {
        qWarning("%s", p.error().message.c_str());
        return nullptr;
    }
    return std::move(p.value());
}

float maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size())
        return INFINITY;
    float m = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        m = std::max(m, std::abs(a[i] - b[i]));
    return m;
}

std::size_t maskMismatches(const std::vector<float>& logits, const std::vector<float>& reference,
                           float band) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < logits.size(); ++i)
        if ((logits[i] > 0) != (reference[i] > 0) && std::abs(reference[i]) >= band)
            ++n;
    return n;
}

double maskIou(const float* a, const float* b, std::size_t n) {
    std::size_t inter = 0, uni = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const bool x = a[i] > 0, y = b[i] > 0;
        inter += x && y;
        uni += x || y;
    }
    return uni == 0 ? 1.0 : double(inter) / double(uni);
}

}  // namespace samdesk::test
