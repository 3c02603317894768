// Reading torch.save zip files and sniffing formats by content: layouts that must load (any
// folder, ZIP64, wrappers, dtypes, strided views) and files that must be refused, by kind.
#include <QtTest>

#include <cstring>

#include "core/checkpoint/checkpointreader.h"
#include "core/checkpoint/ziparchive.h"
#include "tests/checkpoint/torchsave.h"

using namespace samdesk;
using namespace samdesk::testing;

Q_DECLARE_METATYPE(samdesk::Error::Kind)

namespace {

std::span<const std::uint8_t> asBytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string floats(std::initializer_list<float> values) {
    std::string out(values.size() * 4, '\0');
    std::memcpy(out.data(), values.begin(), out.size());
    return out;
}

std::vector<FakeTensor> twoTensors() {
    return {{"a.weight", DType::Float32, {2, 2}, floats({1, 2, 3, 4})},
            {"a.bias", DType::Float32, {2}, floats({5, 6})}};
}

Expected<StateDict> parse(const std::string& bytes) {
    auto owner = std::make_shared<std::string>(bytes);
    return parseCheckpoint(asBytes(*owner), owner, "x.pth");
}

// A zip holding `pickle` as data.pkl plus the given storages.
std::string withPickle(const std::string& pickle, std::vector<ZipItem> storages = {}) {
    std::vector<ZipItem> items = {{"archive/data.pkl", pickle}};
    for (auto& s : storages)
        items.push_back(std::move(s));
    return zipBytes(items);
}

}  // namespace

class TestPytorchReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void layouts_data();
    void layouts();
    void dtypes();
    void stridedView();
    void sharedStorage();
    void wrapperPreference();
    void refused_data();
    void refused();
};

void TestPytorchReader::layouts_data() {
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QString>("wrapper");
    QTest::addColumn<bool>("orderedDict");
    QTest::addColumn<bool>("zip64");
    QTest::newRow("archive/") << "archive"
                              << "" << true << false;
    QTest::newRow("any folder") << "sam_vit_b_01ec64"
                                << "" << true << false;
    QTest::newRow("no folder") << ""
                               << "" << true << false;
    QTest::newRow("plain dict") << "archive"
                                << "" << false << false;
    QTest::newRow("zip64") << "archive"
                           << "" << true << true;
    QTest::newRow("under state_dict") << "x"
                                      << "state_dict" << true << false;
    QTest::newRow("under model") << "x"
                                 << "model" << false << true;
}

void TestPytorchReader::layouts() {
    QFETCH(QString, folder);
    QFETCH(QString, wrapper);
    QFETCH(bool, orderedDict);
    QFETCH(bool, zip64);
    TorchSaveOptions options;
    options.folder = folder.toStdString();
    options.wrapperKey = wrapper.toStdString();
    options.orderedDict = orderedDict;
    options.zip.zip64 = zip64;
    const auto dict = parse(torchSaveBytes(twoTensors(), options));
    QVERIFY2(dict.ok(), dict.ok() ? "" : dict.error().message.c_str());
    QCOMPARE(dict->format, std::string("pytorch-zip"));
    QCOMPARE(int(dict->tensors.size()), 2);
    QCOMPARE(dict->tensors[0].name, std::string("a.weight"));
    const TensorRecord& w = dict->tensors[0].tensor;
    QCOMPARE(w.shape, (Shape{2, 2}));
    QCOMPARE(w.strides, (Shape{2, 1}));
    QVERIFY(w.keepAlive);
    float v[4];
    std::memcpy(v, w.data, 16);
    QCOMPARE(v[3], 4.0f);
    QCOMPARE(std::memcmp(dict->tensors[1].tensor.data, floats({5, 6}).data(), 8), 0);
    if (wrapper.isEmpty()) {
        QVERIFY(dict->warnings.empty());
    } else {
        QCOMPARE(int(dict->warnings.size()), 1);
        QCOMPARE(QString::fromStdString(dict->warnings[0]),
                 "the weights were found under '" + wrapper + "'; ignored 'epoch', 'optimizer'");
    }
}

void TestPytorchReader::dtypes() {
    const std::vector<FakeTensor> t = {
        {"h", DType::Float16, {3}, std::string(6, '\1')},
        {"b", DType::BFloat16, {1}, std::string(2, '\2')},
        {"d", DType::Float64, {2}, std::string(16, '\3')},
        {"l", DType::Int64, {1}, std::string(8, '\4')},
        {"u", DType::UInt8, {5}, std::string(5, '\5')},
        {"q", DType::Bool, {1}, std::string(1, '\1')},
    };
    const auto dict = parse(torchSaveBytes(t));
    QVERIFY2(dict.ok(), dict.ok() ? "" : dict.error().message.c_str());
    QCOMPARE(int(dict->tensors.size()), 6);
    for (std::size_t i = 0; i < t.size(); ++i) {
        QCOMPARE(dict->tensors[i].tensor.dtype, t[i].dtype);
        QCOMPARE(dict->tensors[i].tensor.nbytes(), t[i].data.size());
        QCOMPARE(std::memcmp(dict->tensors[i].tensor.data, t[i].data.data(), t[i].data.size()), 0);
    }
}

void TestPytorchReader::stridedView() {
    // A transposed view at offset 2 of a 10-element storage: reaches element 2 + 1*1 + 2*3 = 9.
    PickleBuilder p;
    p.proto().emptyDict().string("t").tensor("FloatStorage", "0", 10, 2, {2, 3}, {1, 3});
    p.setItem().stop();
    const auto dict = parse(withPickle(p.bytes(), {{"archive/data/0", std::string(40, 'x')}}));
    QVERIFY2(dict.ok(), dict.ok() ? "" : dict.error().message.c_str());
    const TensorRecord& t = dict->tensors[0].tensor;
    QCOMPARE(t.strides, (Shape{1, 3}));
    QVERIFY(!t.isContiguous());
    QCOMPARE(t.bytesAvailable, std::size_t(32));
}

void TestPytorchReader::sharedStorage() {
    // Two tensors over one storage (tied weights): both read, both point into it.
    PickleBuilder p;
    p.proto().emptyDict().mark();
    p.string("x").tensor("FloatStorage", "0", 4, 0, {4}, {1});
    p.string("y").tensor("FloatStorage", "0", 4, 2, {2}, {1});
    p.setItems().stop();
    const auto dict = parse(withPickle(p.bytes(), {{"archive/data/0", floats({1, 2, 3, 4})}}));
    QVERIFY2(dict.ok(), dict.ok() ? "" : dict.error().message.c_str());
    QCOMPARE(dict->tensors[1].tensor.data, dict->tensors[0].tensor.data + 8);
}

void TestPytorchReader::wrapperPreference() {
    // {"model": {tensors}, "ema": 1}: the wrapped dict wins; the top level keys are reported.
    PickleBuilder p;
    p.proto().emptyDict().mark().string("ema").integer(1).string("model").emptyDict();
    p.string("w").tensor("FloatStorage", "0", 1, 0, {1}, {1}).setItem();
    p.string("step").integer(3).setItem().setItems().stop();
    const auto dict = parse(withPickle(p.bytes(), {{"archive/data/0", floats({1})}}));
    QVERIFY2(dict.ok(), dict.ok() ? "" : dict.error().message.c_str());
    QCOMPARE(int(dict->tensors.size()), 1);
    QCOMPARE(dict->warnings.at(0),
             std::string("the weights were found under 'model'; ignored 'ema'"));
    QCOMPARE(dict->warnings.at(1), std::string("ignored 1 entries that are not tensors: 'step'"));
}

void TestPytorchReader::refused_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<Error::Kind>("kind");
    QTest::addColumn<QString>("needle");
    using K = Error::Kind;
    auto row = [](const char* name, const std::string& b, K kind, const char* needle) {
        QTest::newRow(name) << QByteArray::fromStdString(b) << kind << QString(needle);
    };
    auto oneTensor = [](std::int64_t storageElements, std::int64_t offset, Shape shape,
                        Shape strides) {
        PickleBuilder p;
        p.proto().emptyDict().string("w");
        p.tensor("FloatStorage", "0", storageElements, offset, shape, strides);
        return p.setItem().stop().bytes();
    };
    const std::string storage16 = std::string(16, 'x');
    row("storage missing", withPickle(oneTensor(4, 0, {4}, {1})), K::Format,
        "storage entry 'archive/data/0' is missing");
    row("storage too short", withPickle(oneTensor(8, 0, {8}, {1}), {{"archive/data/0", storage16}}),
        K::Format, "holds 16 bytes, but the checkpoint declares 8 float32 elements");
    row("view past storage", withPickle(oneTensor(4, 1, {4}, {1}), {{"archive/data/0", storage16}}),
        K::Format, "tensor 'w' of shape (4,) (offset 1, strides (1,)) overruns its storage '0'");
    row("stride past storage",
        withPickle(oneTensor(4, 0, {2, 2}, {3, 1}), {{"archive/data/0", storage16}}), K::Format,
        "overruns its storage");
    row("overflowing stride",
        withPickle(oneTensor(4, 0, {2, 2}, {std::int64_t(1) << 62, 1}),
                   {{"archive/data/0", storage16}}),
        K::Format, "overruns its storage");
    row("huge storage claim",
        withPickle(oneTensor(std::int64_t(1) << 61, 0, {4}, {1}), {{"archive/data/0", storage16}}),
        K::Format, "declares 2305843009213693952 float32 elements");
    PickleBuilder evil;
    evil.proto().global("os", "system").string("rm -rf /").raw("\x85").reduce().stop();
    row("forbidden global", withPickle(evil.bytes()), K::Forbidden, "'os.system'");
    row("not a dict", withPickle(PickleBuilder().proto().emptyList().stop().bytes()), K::NotSam,
        "holds a list, not a dict");
    row("no tensors",
        withPickle(
            PickleBuilder().proto().emptyDict().string("a").integer(1).setItem().stop().bytes()),
        K::NotSam, "holds no tensors");
    row("no data.pkl", zipBytes({{"archive/other", "x"}}), K::Format, "without data.pkl");
    row("two data.pkl", zipBytes({{"a/data.pkl", "x"}, {"b/data.pkl", "y"}}), K::Format,
        "holds 2 data.pkl");
    row("torchscript",
        zipBytes({{"m/data.pkl", "x"}, {"m/constants.pkl", "y"}, {"m/code/m.py", ""}}), K::Format,
        "TorchScript archive");
    row("big endian", zipBytes({{"a/data.pkl", torchSaveBytes({})}, {"a/byteorder", "big"}}),
        K::Format, "big-endian");
    std::string corrupt = torchSaveBytes(twoTensors());
    corrupt[corrupt.find("a.weight")] = 'b';  // inside data.pkl: its CRC no longer matches
    row("pickle checksum", corrupt, K::Format, "checksum does not match");
    row("legacy torch.save",
        std::string("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.\x80\x02", 17),
        K::Format, "legacy (before PyTorch 1.6) torch.save file");
    row("tar", std::string(257, '\0') + "ustar" + std::string(300, '\0'), K::Format, "tar archive");
    row("plain pickle", PickleBuilder().proto().emptyDict().stop().bytes(), K::Format,
        "a plain pickle file");
    row("html", "\n  <!DOCTYPE html><html>Not found</html>", K::Format, "HTML");
    row("git lfs", "version https://git-lfs.github.com/spec/v1\noid sha256:abc\n", K::Format,
        "Git LFS pointer");
    row("random", "\x01\x02\x03\x04\x05\x06\x07\x08\x09", K::Format,
        "first bytes: 01 02 03 04 05 06 07 08");
    row("safetensors lookalike", std::string("\x10\0\0\0\0\0\0\0{\"a\":", 13), K::Format,
        "safetensors");
}

void TestPytorchReader::refused() {
    QFETCH(QByteArray, bytes);
    QFETCH(Error::Kind, kind);
    QFETCH(QString, needle);
    const auto dict = parse(bytes.toStdString());
    QVERIFY(!dict.ok());
    const QString message = QString::fromStdString(dict.error().message);
    QVERIFY2(dict.error().kind == kind, qPrintable(message));
    QVERIFY2(message.startsWith("x.pth: "), qPrintable(message));
    QVERIFY2(message.contains(needle), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestPytorchReader)
#include "tst_pytorchreader.moc"
