// Replays the hostile corpus (tests/data/hostile/, named "<kind>--<what>") through the loader:
// each file must give an Error of its kind, naming the file. Generated cases add every
// truncation and every single-bit flip of small checkpoints: an Error or a load whose tensors all
// lie inside the file, never a crash.
#include <QtTest>

#include <random>

#include "core/checkpoint/bytes.h"
#include "core/checkpoint/checkpointreader.h"
#include "core/checkpoint/picklemachine.h"
#include "core/checkpoint/safetensorsreader.h"
#include "core/checkpoint/samcheckpoint.h"
#include "core/checkpoint/ziparchive.h"
#include "tests/checkpoint/torchsave.h"
#include "tests/common/testconfigs.h"

using namespace samdesk;
using namespace samdesk::testing;

namespace {

const QString kCorpus = QStringLiteral(SAMDESK_TEST_DATA "/hostile");

std::span<const std::uint8_t> asBytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Everything a loaded dict points at lies inside `bytes`.
bool recordsInside(const StateDict& dict, const std::string& bytes) {
    const auto* begin = reinterpret_cast<const std::uint8_t*>(bytes.data());
    for (const auto& t : dict.tensors) {
        std::uint64_t extent = 0;
        if (!bytes::stridedByteExtent(t.tensor.shape, t.tensor.strides, t.tensor.dtype, &extent))
            return false;
        if (t.tensor.data < begin || extent > t.tensor.bytesAvailable ||
            t.tensor.data + t.tensor.bytesAvailable > begin + bytes.size())
            return false;
    }
    return true;
}

// Runs `bytes` through every reader, as the fuzzer does. Returns the full loader's result.
Expected<SamCheckpoint> throughEverything(const std::string& bytes, bool* inside) {
    *inside = true;
    (void)ZipArchive::open(asBytes(bytes), "z");
    (void)parseSafetensors(asBytes(bytes), nullptr, "s");
    PickleMachine machine("p");
    (void)machine.run(asBytes(bytes));
    auto dict = parseCheckpoint(asBytes(bytes), nullptr, "mem.pth");
    if (!dict)
        return dict.error();
    *inside = recordsInside(dict.value(), bytes);
    return samCheckpointFromStateDict(std::move(dict).value(), "mem.pth");
}

std::string smallTorchSave() {
    return torchSaveBytes({{"a.weight", DType::Float32, {2, 2}, std::string(16, '\0'), 0},
                           {"a.bias", DType::Float16, {2}, std::string(4, '\0'), 0}});
}

}  // namespace

Q_DECLARE_METATYPE(samdesk::Error::Kind)

class TestHostileCorpus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void corpus_data();
    void corpus();
    void everyTruncation_data();
    void everyTruncation();
    void everyBitFlip();
    void randomMutations();
};

void TestHostileCorpus::corpus_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<Error::Kind>("kind");
    const std::map<QString, Error::Kind> kinds = {
        {"format", Error::Kind::Format},      {"forbidden", Error::Kind::Forbidden},
        {"not-sam", Error::Kind::NotSam},     {"missing-key", Error::Kind::MissingKey},
        {"bad-shape", Error::Kind::BadShape},
    };
    const QStringList files = QDir(kCorpus).entryList(QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 70, qPrintable(kCorpus));
    for (const QString& file : files) {
        const QString prefix = file.section("--", 0, 0);
        QVERIFY2(kinds.count(prefix), qPrintable(file));
        QTest::newRow(qPrintable(file)) << kCorpus + "/" + file << kinds.at(prefix);
    }
}

void TestHostileCorpus::corpus() {
    QFETCH(QString, path);
    QFETCH(Error::Kind, kind);
    const auto c = loadSamCheckpoint(path.toStdString());
    QVERIFY(!c.ok());
    const QString message = QString::fromStdString(c.error().message);
    QVERIFY2(c.error().kind == kind,
             qPrintable(QString(errorKindName(c.error().kind)) + ": " + message));
    QVERIFY2(message.startsWith(path + ": "), qPrintable(message));
    // The same bytes through each reader directly (no crash, same verdict for the whole chain).
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const std::string bytes = f.readAll().toStdString();
    bool inside = false;
    const auto again = throughEverything(bytes, &inside);
    QVERIFY(inside);
    if (!bytes.empty()) {
        QVERIFY(!again.ok());
        QCOMPARE(again.error().kind, kind);
    }
}

void TestHostileCorpus::everyTruncation_data() {
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<int>("step");
    QTest::newRow("small pth") << QByteArray::fromStdString(smallTorchSave()) << 1;
    QTest::newRow("small zip64 pth") << QByteArray::fromStdString([] {
        TorchSaveOptions o;
        o.zip.zip64 = true;
        return torchSaveBytes({{"w", DType::Float32, {3}, std::string(12, '\0'), 0}}, o);
    }()) << 1;
    QTest::newRow("micro SAM pth")
        << QByteArray::fromStdString(torchSaveBytes(samTensors(test::microConfig(), false))) << 11;
}

void TestHostileCorpus::everyTruncation() {
    QFETCH(QByteArray, file);
    QFETCH(int, step);
    const std::string full = file.toStdString();
    bool inside = false;
    auto whole = parseCheckpoint(asBytes(full), nullptr, "whole.pth");
    QVERIFY2(whole.ok(), whole.ok() ? "" : whole.error().message.c_str());
    int cases = 0;
    for (std::size_t n = 0; n < full.size(); n += std::size_t(step), ++cases) {
        const std::string cut = full.substr(0, n);
        const auto c = throughEverything(cut, &inside);
        QVERIFY(inside);
        if (c.ok() || c.error().kind != Error::Kind::Format)
            QFAIL(qPrintable(
                QString("cut at %1 bytes: %2")
                    .arg(n)
                    .arg(c.ok() ? QString("loaded") : QString::fromStdString(c.error().message))));
    }
    QVERIFY(cases > 100);
}

void TestHostileCorpus::everyBitFlip() {
    const std::string original = smallTorchSave();
    int loaded = 0, refused = 0;
    for (std::size_t i = 0; i < original.size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            std::string b = original;
            b[i] = char(b[i] ^ (1 << bit));
            bool inside = false;
            auto dict = parseCheckpoint(asBytes(b), nullptr, "flip.pth");
            if (dict.ok()) {
                inside = recordsInside(dict.value(), b);
                ++loaded;
            } else {
                inside = true;
                ++refused;
            }
            if (!inside)
                QFAIL(qPrintable(
                    QString("byte %1 bit %2: a record escapes the file").arg(i).arg(bit)));
        }
    }
    // Flips in tensor bytes or unchecked fields load; the rest must be refused.
    QVERIFY(loaded > 0);
    QVERIFY(refused > loaded);
}

void TestHostileCorpus::randomMutations() {
    // Seeded: runs of 1-8 random bytes overwritten in a SAM-shaped checkpoint.
    const std::string original = torchSaveBytes(samTensors(test::microConfig(), true));
    std::mt19937 rng(12345);
    int loaded = 0;
    for (int round = 0; round < 1500; ++round) {
        std::string b = original;
        const std::size_t at = rng() % b.size();
        const std::size_t n = 1 + rng() % 8;
        for (std::size_t k = at; k < std::min(b.size(), at + n); ++k)
            b[k] = char(rng());
        bool inside = false;
        const auto c = throughEverything(b, &inside);
        QVERIFY(inside);
        loaded += c.ok();
    }
    QVERIFY(loaded > 0);
}

QTEST_GUILESS_MAIN(TestHostileCorpus)
#include "tst_hostilecorpus.moc"
