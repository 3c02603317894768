// The safetensors reader and writer: the fixtures, a write/read round trip, and malformed files
// that must each be refused with a Format error naming the file.
#include <QtTest>

#include <cstring>
#include <fstream>

#include "core/checkpoint/safetensorsreader.h"
#include "core/checkpoint/safetensorswriter.h"

using namespace samdesk;

namespace {

const std::string kData = SAMDESK_TEST_DATA;

// A safetensors file from a header text and data bytes, with an optional lying length field.
std::string makeFile(const std::string& header, const std::string& data, qint64 claimed = -1) {
    std::string out(8, '\0');
    std::uint64_t n = claimed >= 0 ? std::uint64_t(claimed) : header.size();
    for (int i = 0; i < 8; ++i)
        out[i] = char((n >> (8 * i)) & 0xff);
    return out + header + data;
}

std::span<const std::uint8_t> asBytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsExpectedFixture();
    void readsVariantFixture();
    void roundTrip();
    void writerRejectsBadEntries();
    void malformed_data();
    void malformed();
    void missingFileIsIo();
};

void TestSafetensors::readsExpectedFixture() {
    const auto dict = readSafetensors(kData + "/samv1-tiny/expected.safetensors");
    QVERIFY2(dict.ok(), dict.ok() ? "" : dict.error().message.c_str());
    QCOMPARE(dict->format, std::string("safetensors"));
    QCOMPARE(int(dict->tensors.size()), 36);
    QCOMPARE(dict->tensors[0].name, std::string("image_a/embedding"));
    const TensorRecord* image = dict->find("image_a/resized_image");
    QVERIFY(image);
    QCOMPARE(image->dtype, DType::UInt8);
    QCOMPARE(image->shape, (Shape{192, 256, 3}));
    QCOMPARE(image->strides, (Shape{768, 3, 1}));
    QCOMPARE(image->bytesAvailable, std::size_t(192 * 256 * 3));
    QVERIFY(image->isContiguous());
    const TensorRecord* iou = dict->find("image_a/one_fg_point/iou");
    QVERIFY(iou);
    QCOMPARE(iou->dtype, DType::Float32);
    QCOMPARE(iou->shape, (Shape{3}));
    // Offsets are relative to the end of the header: check against the raw file.
    std::ifstream in(kData + "/samv1-tiny/expected.safetensors", std::ios::binary);
    std::string raw((std::istreambuf_iterator<char>(in)), {});
    const std::uint64_t n =
        std::uint64_t(std::uint8_t(raw[0])) | std::uint64_t(std::uint8_t(raw[1])) << 8;
    QCOMPARE(std::memcmp(image->data, raw.data() + 8 + n + 32768, image->nbytes()), 0);
}

void TestSafetensors::readsVariantFixture() {
    const auto dict = readSafetensors(kData + "/samv1-tiny/variant.safetensors");
    QVERIFY2(dict.ok(), dict.ok() ? "" : dict.error().message.c_str());
    QCOMPARE(int(dict->tensors.size()), 202);
    QCOMPARE(dict->tensors[0].name, std::string("image_encoder.pos_embed"));
    QCOMPARE(dict->tensors[0].tensor.shape, (Shape{1, 16, 16, 64}));
    QVERIFY(dict->metadataJson.empty());
    // File order = data offset order: each tensor starts where the previous one ended.
    for (std::size_t i = 1; i < dict->tensors.size(); ++i) {
        const auto& a = dict->tensors[i - 1].tensor;
        QCOMPARE(static_cast<const void*>(a.data + a.nbytes()),
                 static_cast<const void*>(dict->tensors[i].tensor.data));
    }
}

void TestSafetensors::roundTrip() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::vector<float> a = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 8.0f};
    const std::vector<std::uint8_t> b = {1, 2, 3};
    const std::vector<std::uint16_t> c = {0x3c00, 0xbc00};
    const std::vector<SafetensorsEntry> entries = {
        {"b.bytes", DType::UInt8, {3}, b.data(), b.size()},
        {"a.weight", DType::Float32, {2, 3}, a.data(), a.size() * 4},
        {"empty", DType::Float32, {0, 4}, nullptr, 0},
        {"c.half", DType::Float16, {2}, c.data(), c.size() * 2},
    };
    const std::string path = dir.filePath("out.safetensors").toStdString();
    const auto written = writeSafetensors(path, entries, {{"format", "pt"}, {"samdesk", "1"}});
    QVERIFY2(written.ok(), written.ok() ? "" : written.error().message.c_str());

    std::ifstream in(path, std::ios::binary);
    std::string raw((std::istreambuf_iterator<char>(in)), {});
    const std::uint64_t headerSize = std::uint8_t(raw[0]) | std::uint8_t(raw[1]) << 8;
    QCOMPARE(headerSize % 8, std::uint64_t(0));
    QCOMPARE(raw.size(), std::size_t(8 + headerSize + 3 + 24 + 4));

    const auto dict = readSafetensors(path);
    QVERIFY2(dict.ok(), dict.ok() ? "" : dict.error().message.c_str());
    QCOMPARE(int(dict->tensors.size()), 4);
    QCOMPARE(dict->metadataJson, std::string(R"({"format":"pt","samdesk":"1"})"));
    const TensorRecord* ra = dict->find("a.weight");
    QVERIFY(ra);
    QCOMPARE(ra->shape, (Shape{2, 3}));
    QCOMPARE(ra->strides, (Shape{3, 1}));
    float back[6];
    std::memcpy(back, ra->data, sizeof back);
    for (int i = 0; i < 6; ++i)
        QCOMPARE(back[i], a[i]);
    QCOMPARE(std::memcmp(dict->find("b.bytes")->data, b.data(), 3), 0);
    QCOMPARE(std::memcmp(dict->find("c.half")->data, c.data(), 4), 0);
    QCOMPARE(dict->find("c.half")->dtype, DType::Float16);
    QCOMPARE(dict->find("empty")->numel(), std::int64_t(0));
    QCOMPARE(dict->tensors[0].name, std::string("b.bytes"));  // the writer's order is kept
}

void TestSafetensors::writerRejectsBadEntries() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("bad.safetensors").toStdString();
    const float x[2] = {1, 2};
    auto wrongSize = writeSafetensors(path, {{"x", DType::Float32, {3}, x, 8}}, {});
    QVERIFY(!wrongSize.ok());
    QCOMPARE(wrongSize.error().kind, Error::Kind::InvalidInput);
    QVERIFY(wrongSize.error().message.find("'x'") != std::string::npos);
    auto twice = writeSafetensors(
        path, {{"x", DType::Float32, {2}, x, 8}, {"x", DType::Float32, {2}, x, 8}}, {});
    QVERIFY(!twice.ok());
    QVERIFY(!QFile::exists(QString::fromStdString(path)));
    auto noDir = writeSafetensors(dir.filePath("no/such/dir.safetensors").toStdString(),
                                  {{"x", DType::Float32, {2}, x, 8}}, {});
    QVERIFY(!noDir.ok());
    QCOMPARE(noDir.error().kind, Error::Kind::Io);
}

void TestSafetensors::malformed_data() {
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QString>("needle");
    auto row = [](const char* name, const std::string& file, const char* needle) {
        QTest::newRow(name) << QByteArray(file.data(), qsizetype(file.size())) << QString(needle);
    };
    const std::string t = R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    row("valid-control", makeFile(t, std::string(8, 'x')), "");
    row("tiny", "abc", "only 3 bytes");
    row("huge header length", makeFile(t, "", std::int64_t(1) << 40), "16 MB limit");
    row("header past the end", makeFile(t, "", 4096), "truncated");
    row("not json", makeFile("{nope", ""), "not JSON");
    row("not an object", makeFile("[1,2]", ""), "not a JSON object");
    row("data truncated", makeFile(t, std::string(7, 'x')), "outside the 7 data bytes");
    row("unknown dtype",
        makeFile(R"({"t":{"dtype":"F8_E9","shape":[2],"data_offsets":[0,2]}})", "xx"),
        "unsupported dtype 'F8_E9'");
    row("size mismatch",
        makeFile(R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", std::string(8, 'x')),
        "does not fit its 8 bytes");
    row("negative dim",
        makeFile(R"({"t":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", std::string(8, 'x')),
        "non-negative");
    row("overflowing shape",
        makeFile(R"({"t":{"dtype":"F32","shape":[4611686018427387904,4611686018427387904],)"
                 R"("data_offsets":[0,8]}})",
                 std::string(8, 'x')),
        "does not fit");
    row("reversed offsets",
        makeFile(R"({"t":{"dtype":"U8","shape":[0],"data_offsets":[8,0]}})", std::string(8, 'x')),
        "outside");
    row("overlap",
        makeFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                 R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                 std::string(8, 'x')),
        "overlap");
    row("missing fields", makeFile(R"({"t":{"dtype":"F32"}})", ""), "lacks");
    row("metadata not strings", makeFile(R"({"__metadata__":{"a":1}})", ""), "is not a string");
    row("deep nesting", makeFile(std::string(5000, '[') + std::string(5000, ']'), ""),
        "nests too deeply");
    std::string longShape = "1";
    for (int i = 0; i < 99; ++i)
        longShape += ",1";
    row("long array",
        makeFile(R"({"t":{"dtype":"U8","shape":[)" + longShape + R"(],"data_offsets":[0,1]}})",
                 "x"),
        "arrays too long");
}

void TestSafetensors::malformed() {
    QFETCH(QByteArray, file);
    QFETCH(QString, needle);
    const std::string bytes(file.constData(), std::size_t(file.size()));
    const auto dict = parseSafetensors(asBytes(bytes), nullptr, "hostile.safetensors");
    if (needle.isEmpty()) {
        QVERIFY2(dict.ok(), dict.ok() ? "" : dict.error().message.c_str());
        return;
    }
    QVERIFY(!dict.ok());
    QCOMPARE(dict.error().kind, Error::Kind::Format);
    const QString message = QString::fromStdString(dict.error().message);
    QVERIFY2(message.startsWith("hostile.safetensors: "), qPrintable(message));
    QVERIFY2(message.contains(needle), qPrintable(message));
}

void TestSafetensors::missingFileIsIo() {
    const auto dict = readSafetensors("/nonexistent/x.safetensors");
    QVERIFY(!dict.ok());
    QCOMPARE(dict.error().kind, Error::Kind::Io);
    QVERIFY(dict.error().message.find("/nonexistent/x.safetensors") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
