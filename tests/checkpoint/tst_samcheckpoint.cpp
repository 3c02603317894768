// The SAM loader on the fixtures and on generated state dicts: every fixture form gives the same
// model, conversion views the same bytes, the safetensors export round-trips in both namings, and
// each error class comes back with the right kind and a message naming the file and the key.
#include <QtTest>

#include <cmath>
#include <cstring>

#include "core/checkpoint/keyconversion.h"
#include "core/checkpoint/safetensorswriter.h"
#include "core/checkpoint/samcheckpoint.h"
#include "core/checkpoint/samcheckpointwriter.h"
#include "core/checkpoint/synthcheckpoint.h"
#include "tests/checkpoint/torchsave.h"

using namespace samdesk;
using namespace samdesk::testing;

Q_DECLARE_METATYPE(samdesk::Error::Kind)

namespace {

const std::string kTiny = std::string(SAMDESK_TEST_DATA) + "/samv1-tiny/";

float halfToFloat(std::uint16_t h) {
    const int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    const float sign = (h & 0x8000) ? -1.0f : 1.0f;
    if (exponent == 0)
        return sign * std::ldexp(float(mantissa), -24);
    if (exponent == 31)
        return mantissa ? NAN : sign * INFINITY;
    return sign * std::ldexp(float(mantissa + 1024), exponent - 25);
}

// Every element of a record as float, in row-major order, following its strides.
std::vector<float> values(const TensorRecord& t) {
    std::vector<float> out;
    out.reserve(std::size_t(t.numel()));
    std::vector<std::int64_t> index(t.shape.size(), 0);
    for (std::int64_t n = 0; n < t.numel(); ++n) {
        std::int64_t offset = 0;
        for (std::size_t d = 0; d < index.size(); ++d)
            offset += index[d] * t.strides[d];
        const std::uint8_t* p = t.data + offset * std::int64_t(dtypeSize(t.dtype));
        if (t.dtype == DType::Float32) {
            float f;
            std::memcpy(&f, p, 4);
            out.push_back(f);
        } else {
            std::uint16_t h;
            std::memcpy(&h, p, 2);
            out.push_back(halfToFloat(h));
        }
        for (std::size_t d = index.size(); d-- > 0;) {
            if (++index[d] < t.shape[d])
                break;
            index[d] = 0;
        }
    }
    return out;
}

std::string errorText(const Expected<SamCheckpoint>& c) {
    return c.ok() ? std::string()
                  : std::string(errorKindName(c.error().kind)) + ": " + c.error().message;
}

}  // namespace

class TestSamCheckpoint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fixtureForms_data();
    void fixtureForms();
    void conversionViewsTheSameBytes();
    void roundTrip_data();
    void roundTrip();
    void convertedNamesWithoutMetadata();
    void brokenFixtures_data();
    void brokenFixtures();
    void errorClasses_data();
    void errorClasses();
    void extrasAndPrefixesAreReported();
};

void TestSamCheckpoint::fixtureForms_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    QTest::addColumn<bool>("half");
    QTest::newRow("plain dict") << "variant_plain_dict.pth"
                                << "pytorch-zip" << false;
    QTest::newRow("nested module") << "variant_nested_module.pth"
                                   << "pytorch-zip" << false;
    QTest::newRow("fp16") << "variant_fp16.pth"
                          << "pytorch-zip" << true;
    QTest::newRow("safetensors") << "variant.safetensors"
                                 << "safetensors" << false;
}

void TestSamCheckpoint::fixtureForms() {
    QFETCH(QString, file);
    QFETCH(QString, format);
    QFETCH(bool, half);
    const auto reference = loadSamCheckpoint(kTiny + "checkpoint.pth");
    QVERIFY2(reference.ok(), errorText(reference).c_str());
    const auto other = loadSamCheckpoint(kTiny + file.toStdString());
    QVERIFY2(other.ok(), errorText(other).c_str());
    QCOMPARE(QString::fromStdString(other->info.format), format);
    QVERIFY(other->config == reference->config);
    // The fixture's architecture as written out (independently of detection) for `synth`.
    QVERIFY(reference->config == synthConfig("tiny").value());
    QCOMPARE(other->info.parameters, reference->info.parameters);
    QCOMPARE(other->info.dtype, half ? DType::Float16 : DType::Float32);
    QCOMPARE(other->tensors.size(), reference->tensors.size());
    for (std::size_t i = 0; i < reference->tensors.size(); ++i) {
        const auto& a = reference->tensors[i];
        const auto& b = other->tensors[i];
        QCOMPARE(b.name, a.name);
        QCOMPARE(b.tensor.shape, a.tensor.shape);
        const auto va = values(a.tensor), vb = values(b.tensor);
        for (std::size_t k = 0; k < va.size(); ++k) {
            // fp16 keeps 11 significant bits: within half a unit in the last place.
            const float tolerance = half ? std::max(std::abs(va[k]) * 0.00049f, 6.0e-8f) : 0.0f;
            if (std::abs(va[k] - vb[k]) > tolerance)
                QFAIL(qPrintable(QString("%1[%2]: %3 vs %4")
                                     .arg(QString::fromStdString(a.name))
                                     .arg(k)
                                     .arg(va[k])
                                     .arg(vb[k])));
        }
    }
}

void TestSamCheckpoint::conversionViewsTheSameBytes() {
    const auto c = loadSamCheckpoint(kTiny + "checkpoint.pth");
    QVERIFY2(c.ok(), errorText(c).c_str());
    QCOMPARE(c->info.tensorCount, std::size_t(202));
    QCOMPARE(c->info.naming, SamNaming::Original);
    const auto specs = samKeySpecs(c->config);
    QCOMPARE(c->tensors.size(), specs.size());
    for (std::size_t i = 0; i < specs.size(); ++i) {
        QCOMPARE(c->tensors[i].name, specs[i].converted);
        QCOMPARE(c->tensors[i].original, specs[i].original);
        QCOMPARE(c->tensors[i].tensor.shape, specs[i].convertedShape);
        QCOMPARE(c->originalOf.at(specs[i].converted), specs[i].original);
    }
    const ConvertedTensor* norm = c->find("image_encoder.neck.project_norm.weight");
    QVERIFY(norm);
    QCOMPARE(norm->original, std::string("image_encoder.neck.1.weight"));
    QCOMPARE(norm->originalShape, (Shape{32}));
    QCOMPARE(norm->tensor.shape, (Shape{1, 32, 1, 1}));
    QVERIFY(norm->tensor.isContiguous());
    const ConvertedTensor* noMask = c->find("prompt_encoder.no_mask_embedding");
    QVERIFY(noMask);
    QCOMPARE(noMask->tensor.shape, (Shape{1, 32, 1, 1}));
    QVERIFY(noMask->tensor.isContiguous());
    // Blocks 1 and 3 are global: block 3 closes stage 1, block 2 is its first windowed block.
    QVERIFY(c->find("image_encoder.stages.1.global_block.mlp.fc2.bias"));
    QCOMPARE(c->originalOf.at("image_encoder.stages.1.windowed_blocks.0.attention.rel_pos_rows"),
             std::string("image_encoder.blocks.2.attn.rel_pos_h"));
    QCOMPARE(c->find("image_encoder.stages.1.global_block.attention.rel_pos_rows")->tensor.shape,
             (Shape{31, 32}));
    // Zero copy: the record points into the mapping, which it keeps alive.
    QVERIFY(norm->tensor.keepAlive);
    QCOMPARE(norm->tensor.keepAlive, c->tensors[0].tensor.keepAlive);
}

void TestSamCheckpoint::roundTrip_data() {
    QTest::addColumn<QString>("source");
    QTest::addColumn<bool>("converted");
    QTest::newRow("pth converted") << "checkpoint.pth" << true;
    QTest::newRow("pth original") << "checkpoint.pth" << false;
    QTest::newRow("fp16 converted") << "variant_fp16.pth" << true;
    QTest::newRow("nested original") << "variant_nested_module.pth" << false;
}

void TestSamCheckpoint::roundTrip() {
    QFETCH(QString, source);
    QFETCH(bool, converted);
    const SamNaming naming = converted ? SamNaming::Converted : SamNaming::Original;
    QTemporaryDir dir;
    const std::string out = dir.filePath("out.safetensors").toStdString();
    const auto a = loadSamCheckpoint(kTiny + source.toStdString());
    QVERIFY2(a.ok(), errorText(a).c_str());
    const auto written = writeSamSafetensors(a.value(), out, naming);
    QVERIFY2(written.ok(), written.ok() ? "" : written.error().message.c_str());
    const auto b = loadSamCheckpoint(out);
    QVERIFY2(b.ok(), errorText(b).c_str());
    QCOMPARE(b->info.format, std::string("safetensors"));
    QCOMPARE(b->info.naming, naming);
    QVERIFY(b->config == a->config);
    QVERIFY2(b->warnings.empty(), b->warnings.empty() ? "" : b->warnings[0].c_str());
    QCOMPARE(b->tensors.size(), a->tensors.size());
    for (std::size_t i = 0; i < a->tensors.size(); ++i) {
        const auto& x = a->tensors[i].tensor;
        const auto& y = b->tensors[i].tensor;
        QCOMPARE(b->tensors[i].name, a->tensors[i].name);
        QCOMPARE(y.shape, x.shape);
        QCOMPARE(y.dtype, x.dtype);
        QCOMPARE(std::memcmp(y.data, x.data, x.nbytes()), 0);
    }
}

void TestSamCheckpoint::convertedNamesWithoutMetadata() {
    // Converted names, no metadata: recognised from the names; layout read from the stages.
    const auto a = loadSamCheckpoint(kTiny + "checkpoint.pth");
    QVERIFY2(a.ok(), errorText(a).c_str());
    std::vector<SafetensorsEntry> entries;
    for (const auto& t : a->tensors)
        entries.push_back(
            {t.name, t.tensor.dtype, t.tensor.shape, t.tensor.data, t.tensor.nbytes()});
    QTemporaryDir dir;
    const std::string out = dir.filePath("bare.safetensors").toStdString();
    QVERIFY(writeSafetensors(out, entries, {}).ok());
    const auto b = loadSamCheckpoint(out);
    QVERIFY2(b.ok(), errorText(b).c_str());
    QCOMPARE(b->info.naming, SamNaming::Converted);
    QVERIFY(b->config == a->config);
}

void TestSamCheckpoint::brokenFixtures_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<Error::Kind>("kind");
    QTest::addColumn<QString>("needle");
    QTest::newRow("missing key") << "broken_missing_key.pth" << Error::Kind::MissingKey
                                 << "missing key 'mask_decoder.iou_token.weight'";
    QTest::newRow("bad shape") << "broken_bad_shape.pth" << Error::Kind::BadShape
                               << "key 'image_encoder.neck.0.weight' has shape (32, 63, 1, 1), "
                                  "expected (32, 64, 1, 1)";
    QTest::newRow("truncated") << "broken_truncated.pth" << Error::Kind::Format
                               << "corrupt or truncated zip archive";
    QTest::newRow("not SAM") << "expected.safetensors" << Error::Kind::NotSam
                             << "not a SAMv1 checkpoint";
    QTest::newRow("not a checkpoint") << "image_a.png" << Error::Kind::Format << "not a checkpoint";
}

void TestSamCheckpoint::brokenFixtures() {
    QFETCH(QString, file);
    QFETCH(Error::Kind, kind);
    QFETCH(QString, needle);
    const std::string path = kTiny + file.toStdString();
    const auto c = loadSamCheckpoint(path);
    QVERIFY(!c.ok());
    QVERIFY2(c.error().kind == kind, errorText(c).c_str());
    const QString message = QString::fromStdString(c.error().message);
    QVERIFY2(message.startsWith(QString::fromStdString(path) + ": "), qPrintable(message));
    QVERIFY2(message.contains(needle), qPrintable(message));
}

void TestSamCheckpoint::errorClasses_data() {
    QTest::addColumn<int>("edit");
    QTest::addColumn<Error::Kind>("kind");
    QTest::addColumn<QString>("needle");
    using K = Error::Kind;
    QTest::newRow("resnet") << 0 << K::NotSam << "no 'image_encoder.*' weights";
    QTest::newRow("missing detection key")
        << 1 << K::MissingKey << "missing key 'image_encoder.pos_embed'";
    QTest::newRow("missing decoder weight")
        << 2 << K::MissingKey << "missing key 'mask_decoder.iou_prediction_head.layers.2.bias'";
    QTest::newRow("bad detection shape")
        << 3 << K::BadShape << "image_encoder.patch_embed.proj.weight has shape";
    QTest::newRow("integer weight")
        << 4 << K::Format << "key 'prompt_encoder.mask_downscaling.0.bias' has dtype int32";
    QTest::newRow("rel pos table of even length") << 5 << K::BadShape << "has 12 rows";
}

void TestSamCheckpoint::errorClasses() {
    QFETCH(int, edit);
    QFETCH(Error::Kind, kind);
    QFETCH(QString, needle);
    auto tensors = samTensors(synthConfig("tiny").value(), false);
    auto find = [&](const std::string& name) -> FakeTensor& {
        for (auto& t : tensors)
            if (t.name == name)
                return t;
        qFatal("no tensor %s", name.c_str());
    };
    auto erase = [&](const std::string& name) {
        tensors.erase(std::find_if(tensors.begin(), tensors.end(),
                                   [&](const FakeTensor& t) { return t.name == name; }));
    };
    switch (edit) {
        case 0:
            tensors = {{"conv1.weight", DType::Float32, {64, 3, 7, 7}, {}},
                       {"fc.weight", DType::Float32, {1000, 512}, {}}};
            break;
        case 1:
            erase("image_encoder.pos_embed");
            break;
        case 2:
            erase("mask_decoder.iou_prediction_head.layers.2.bias");
            break;
        case 3:
            find("image_encoder.patch_embed.proj.weight").shape = {64, 4, 16, 16};
            break;
        case 4:
            find("prompt_encoder.mask_downscaling.0.bias").dtype = DType::Int32;
            break;
        case 5:
            find("image_encoder.blocks.0.attn.rel_pos_h").shape = {12, 32};
            break;
    }
    QTemporaryDir dir;
    const std::string path = dir.filePath("case.pth").toStdString();
    QVERIFY(writeTorchSave(path, tensors));
    const auto c = loadSamCheckpoint(path);
    QVERIFY(!c.ok());
    QVERIFY2(c.error().kind == kind, errorText(c).c_str());
    const QString message = QString::fromStdString(c.error().message);
    QVERIFY2(message.startsWith(QString::fromStdString(path) + ": "), qPrintable(message));
    QVERIFY2(message.contains(needle), qPrintable(message));
}

void TestSamCheckpoint::extrasAndPrefixesAreReported() {
    // An HQ-SAM-like file: extra heads next to the SAM weights, saved through DataParallel with
    // a wrapped model ("module.model." on every key).
    auto tensors = samTensors(synthConfig("tiny").value(), true);
    tensors.push_back({"mask_decoder.hf_token.weight", DType::Float32, {1, 32}, {}});
    tensors.push_back({"mask_decoder.hf_mlp.layers.0.weight", DType::Float32, {32, 32}, {}});
    TorchSaveOptions options;
    options.keyPrefix = "module.model.";
    options.wrapperKey = "state_dict";
    QTemporaryDir dir;
    const std::string path = dir.filePath("hq.pth").toStdString();
    QVERIFY(writeTorchSave(path, tensors, options));
    const auto c = loadSamCheckpoint(path);
    QVERIFY2(c.ok(), errorText(c).c_str());
    QVERIFY(c->config == synthConfig("tiny").value());
    const std::vector<std::string> expected = {
        "the weights were found under 'state_dict'; ignored 'epoch', 'optimizer'",
        "removed the prefix 'module.' from all 204 keys",
        "removed the prefix 'model.' from all 204 keys",
        "unused key 'mask_decoder.hf_token.weight' (1, 32): no SAMv1 weight has this name",
        "unused key 'mask_decoder.hf_mlp.layers.0.weight' (32, 32): no SAMv1 weight has this name",
    };
    QCOMPARE(c->warnings, expected);
    // The generated values arrive unchanged under the converted name.
    const ConvertedTensor* pos = c->find("image_encoder.position_embedding");
    QVERIFY(pos);
    const std::string bytes = generatedBytes(pos->tensor.nbytes(), 1);
    QCOMPARE(std::memcmp(pos->tensor.data, bytes.data(), bytes.size()), 0);
}

QTEST_GUILESS_MAIN(TestSamCheckpoint)
#include "tst_samcheckpoint.moc"
