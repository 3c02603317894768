// The measured precision behind dtype "auto" on the CPU: the decision rule on given figures, the
// cache file (round trip, keys, corrupt and foreign files, other keys' entries kept), a real
// measurement, and Predictor::load following whatever the cache says.
#include <QtTest>

#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>

#include "core/sam/runtime/calibrationcache.h"
#include "core/sam/runtime/runtimeinfo.h"
#include "tests/model/tinyfixture.h"

using namespace samdesk;
using namespace samdesk::test;

namespace {

DtypeCalibration figures(double float32, double bfloat16) {
    DtypeCalibration c;
    c.float32Gflops = float32;
    c.bfloat16Gflops = bfloat16;
    c.seconds = 0.25;
    c.runs = 18;
    c.shapes = {{"linear 512x3072x768", 0.75, float32 * 1.5, bfloat16 * 1.5},
                {"global attention 64x4096x64", 0.25, float32 / 2, bfloat16 / 2}};
    return c;
}

CalibrationKey someKey() {
    return {"Test CPU 9000", "1.13.0", "oneDNN", 2};
}

void writeText(const QString& path, const char* text) {
    std::ofstream(path.toStdString()) << text;
}

}  // namespace

class TestDtypeCalibration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void decisionRule_data();
    void decisionRule();
    void mixedDecision_data();
    void mixedDecision();
    void mixedFromTheShapes();
    void cacheRoundTrip();
    void otherKeysMiss();
    void otherKeysKept();
    void corruptFilesAreReplaced_data();
    void corruptFilesAreReplaced();
    void realMeasurement();
    void measuredOnceThenCached();
    void bfloat16IsConfirmed();
    void autoFollowsTheCache_data();
    void autoFollowsTheCache();
    void autoLoadsMixed();
};

void TestDtypeCalibration::decisionRule_data() {
    QTest::addColumn<double>("float32");
    QTest::addColumn<double>("bfloat16");
    QTest::addColumn<QString>("expected");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("bfloat16 1.4x faster") << 100.0 << 140.0 << "bfloat16";
    QTest::newRow("bfloat16 11% faster") << 100.0 << 111.0 << "bfloat16";
    QTest::newRow("bfloat16 10% faster: the margin") << 100.0 << 110.0 << "float32";
    QTest::newRow("bfloat16 5% faster: noise") << 100.0 << 105.0 << "float32";
    QTest::newRow("equal") << 100.0 << 100.0 << "float32";
    QTest::newRow("bfloat16 1.4x slower") << 140.0 << 100.0 << "float32";
    QTest::newRow("no float32 figure") << 0.0 << 100.0 << "float32";
    QTest::newRow("failed bfloat16") << 100.0 << nan << "float32";
}

void TestDtypeCalibration::decisionRule() {
    QFETCH(double, float32);
    QFETCH(double, bfloat16);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(chooseCpuDtype(float32, bfloat16)), expected);
    QCOMPARE(QString::fromStdString(figures(float32, bfloat16).choice()), expected);
}

void TestDtypeCalibration::mixedDecision_data() {
    QTest::addColumn<double>("float32");
    QTest::addColumn<double>("bfloat16");
    QTest::addColumn<double>("mixed");
    QTest::addColumn<QString>("expected");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("AMX: mixed 1.6x, bfloat16 slower") << 275.0 << 225.0 << 445.0 << "mixed";
    QTest::newRow("a tie goes to mixed") << 100.0 << 150.0 << 150.0 << "mixed";
    QTest::newRow("bfloat16 ahead of mixed") << 100.0 << 150.0 << 140.0 << "bfloat16";
    QTest::newRow("mixed 10% faster: the margin") << 100.0 << 90.0 << 110.0 << "float32";
    QTest::newRow("mixed 11% faster") << 100.0 << 90.0 << 111.0 << "mixed";
    QTest::newRow("mixed not measured") << 100.0 << 150.0 << 0.0 << "bfloat16";
    QTest::newRow("failed mixed") << 100.0 << 90.0 << nan << "float32";
    QTest::newRow("failed bfloat16") << 100.0 << nan << 200.0 << "float32";
}

void TestDtypeCalibration::mixedDecision() {
    QFETCH(double, float32);
    QFETCH(double, bfloat16);
    QFETCH(double, mixed);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(chooseCpuDtype(float32, bfloat16, mixed)), expected);
}

// mixed's figure comes from the shapes: the linear layers at their bfloat16 rate, the attention
// at float32's (here the AMX Xeon's figures: doctor, 2026-12-02).
void TestDtypeCalibration::mixedFromTheShapes() {
    DtypeCalibration c;
    c.shapes = {{"linear 512x3072x768", 0.75, 372.0, 1180.3},
                {"global attention 64x4096x64", 0.22, 154.9, 65.8},
                {"window attention 196x196x64", 0.03, 299.2, 69.4}};
    c.float32Gflops = 1.0 / (0.75 / 372.0 + 0.22 / 154.9 + 0.03 / 299.2);
    c.bfloat16Gflops = 1.0 / (0.75 / 1180.3 + 0.22 / 65.8 + 0.03 / 69.4);
    const double mixed = 1.0 / (0.75 / 1180.3 + 0.22 / 154.9 + 0.03 / 299.2);
    QVERIFY(c.shapes[1].attention() && c.shapes[2].attention() && !c.shapes[0].attention());
    QVERIFY(std::abs(c.mixedGflops() - mixed) < 1e-9 * mixed);
    QVERIFY(mixed > 1.5 * c.float32Gflops);
    QCOMPARE(QString::fromStdString(c.choice()), QStringLiteral("mixed"));
    QVERIFY(std::abs(c.reducedLead() - mixed / c.float32Gflops) < 1e-9);
    QCOMPARE(DtypeCalibration().mixedGflops(), 0.0);  // no shapes, no figure
}

void TestDtypeCalibration::cacheRoundTrip() {
    QTemporaryDir dir;
    const std::filesystem::path file = (dir.path() + "/sub/calibration.json").toStdString();
    std::string error;
    QVERIFY2(writeCalibration(file, someKey(), figures(120.5, 250.25), &error), error.c_str());
    const auto back = readCalibration(file, someKey());
    QVERIFY(back);
    QCOMPARE(back->float32Gflops, 120.5);
    QCOMPARE(back->bfloat16Gflops, 250.25);
    QCOMPARE(back->seconds, 0.25);
    QCOMPARE(back->runs, 18);
    QVERIFY(back->reliable);
    QCOMPARE(back->shapes.size(), std::size_t(2));
    QCOMPARE(QString::fromStdString(back->shapes[1].name),
             QStringLiteral("global attention 64x4096x64"));
    QCOMPARE(back->shapes[1].share, 0.25);
    QCOMPARE(back->shapes[1].bfloat16Gflops, 250.25 / 2);
    QCOMPARE(QString::fromStdString(back->choice()), QStringLiteral("bfloat16"));
}

void TestDtypeCalibration::otherKeysMiss() {
    QTemporaryDir dir;
    const std::filesystem::path file = (dir.path() + "/calibration.json").toStdString();
    QVERIFY(writeCalibration(file, someKey(), figures(100, 200)));
    QVERIFY(readCalibration(file, someKey()));
    CalibrationKey other = someKey();
    other.cpuModel = "Another CPU";
    QVERIFY(!readCalibration(file, other));
    other = someKey();
    other.torchVersion = "2.3.1";
    QVERIFY(!readCalibration(file, other));
    other = someKey();
    other.gemmBackend = "libtorch";
    QVERIFY(!readCalibration(file, other));
    other = someKey();
    other.threads = 16;
    QVERIFY(!readCalibration(file, other));
    QVERIFY(!readCalibration((dir.path() + "/missing.json").toStdString(), someKey()));
}

void TestDtypeCalibration::otherKeysKept() {
    QTemporaryDir dir;
    const std::filesystem::path file = (dir.path() + "/calibration.json").toStdString();
    CalibrationKey a = someKey(), b = someKey();
    b.threads = 8;
    QVERIFY(writeCalibration(file, a, figures(100, 200)));
    QVERIFY(writeCalibration(file, b, figures(300, 150)));
    QVERIFY(writeCalibration(file, a, figures(110, 105)));  // replaces a's entry only
    const auto readA = readCalibration(file, a), readB = readCalibration(file, b);
    QVERIFY(readA && readB);
    QCOMPARE(readA->float32Gflops, 110.0);
    QCOMPARE(readB->float32Gflops, 300.0);
    QCOMPARE(QString::fromStdString(readB->choice()), QStringLiteral("float32"));
    QFile f(QString::fromStdString(file.string()));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(f.readAll()).object().value("entries").toArray().size(), 2);
}

void TestDtypeCalibration::corruptFilesAreReplaced_data() {
    QTest::addColumn<QString>("content");
    QTest::addColumn<bool>("keepsB");  // the file's valid entry for another key survives
    const QString entryB = QStringLiteral(
        R"({"cpu": "Test CPU 9000", "torch": "1.13.0", "gemm": "oneDNN", "threads": 8,
            "float32_gflops": 300, "bfloat16_gflops": 150})");
    const QString head =
        QStringLiteral(R"({"format": "samdesk-dtype-calibration", "version": 1, )");
    QTest::newRow("not JSON") << "{\"entries\": [" << false;
    QTest::newRow("binary") << QString::fromLatin1("\x01\x02\xff garbage") << false;
    QTest::newRow("empty") << "" << false;
    QTest::newRow("foreign JSON") << R"({"window": {"width": 800}})" << false;
    QTest::newRow("a newer version")
        << R"({"format": "samdesk-dtype-calibration", "version": 99, "entries": [)" + entryB + "]}"
        << false;
    QTest::newRow("entries not a list") << head + R"("entries": {"a": 1}})" << false;
    QTest::newRow("our key corrupt, another valid")
        << head + R"("entries": [{"cpu": "Test CPU 9000", "torch": "1.13.0", "gemm": "oneDNN",
                    "threads": 2, "float32_gflops": "fast", "bfloat16_gflops": -1}, )" +
               entryB + "]}"
        << true;
    QTest::newRow("junk entries around a valid one")
        << head + R"("entries": [7, null, {"cpu": 3}, )" + entryB + "]}" << true;
}

void TestDtypeCalibration::corruptFilesAreReplaced() {
    QFETCH(QString, content);
    QFETCH(bool, keepsB);
    QTemporaryDir dir;
    const QString path = dir.path() + "/calibration.json";
    const std::filesystem::path file = path.toStdString();
    writeText(path, content.toUtf8().constData());
    CalibrationKey b = someKey();
    b.threads = 8;
    QVERIFY(!readCalibration(file, someKey()));
    QCOMPARE(bool(readCalibration(file, b)), keepsB);

    QVERIFY(writeCalibration(file, someKey(), figures(100, 200)));
    const auto back = readCalibration(file, someKey());
    QVERIFY(back);
    QCOMPARE(back->bfloat16Gflops, 200.0);
    QCOMPARE(bool(readCalibration(file, b)), keepsB);
    // What is left is a clean calibration file: every entry well-formed.
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(doc.value("format").toString(), QStringLiteral("samdesk-dtype-calibration"));
    QCOMPARE(doc.value("entries").toArray().size(), keepsB ? 2 : 1);
    for (const auto& e : doc.value("entries").toArray())
        QVERIFY(e.toObject().value("float32_gflops").toDouble() > 0);
}

// The measurement itself: real figures from this machine's GEMMs, quickly. Not a timing test:
// the bound is loose (a shared 2-core machine takes 0.2-0.5 s).
void TestDtypeCalibration::realMeasurement() {
    const auto t0 = std::chrono::steady_clock::now();
    const DtypeCalibration c = measureDtypeCalibration();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    qInfo("calibration: float32 %.1f GFLOP/s, bfloat16 %.1f GFLOP/s, %d runs in %.2f s%s -> %s",
          c.float32Gflops, c.bfloat16Gflops, c.runs, seconds, c.reliable ? "" : " (unreliable)",
          c.choice().c_str());
    QVERIFY(std::isfinite(c.float32Gflops) && c.float32Gflops > 0);
    QVERIFY(std::isfinite(c.bfloat16Gflops) && c.bfloat16Gflops > 0);
    QCOMPARE(c.shapes.size(), std::size_t(3));
    double shares = 0;
    for (const auto& s : c.shapes) {
        QVERIFY2(s.float32Gflops > 0 && s.bfloat16Gflops > 0, s.name.c_str());
        shares += s.share;
    }
    QVERIFY(std::abs(shares - 1.0) < 1e-9);
    QVERIFY(c.seconds > 0 && c.seconds <= seconds);
    QVERIFY(c.runs >= 3 * 3 * 2);  // 3 shapes, 2 dtypes, at least 3 rounds
    QVERIFY2(seconds < 10.0, qPrintable(QString::number(seconds)));
}

// The first call measures and writes the file; the next one reads it (the same figures).
void TestDtypeCalibration::measuredOnceThenCached() {
    QTemporaryDir dir;
    const std::filesystem::path file =
        (dir.path() + "/cache/samdesk/calibration.json").toStdString();
    const CpuDtypeChoice first = calibratedCpuDtype(file);
    QVERIFY2(first.error.empty(), first.error.c_str());
    QVERIFY(!first.fromCache);
    if (!first.calibration.reliable) {
        // Other programs kept the cores busy: nothing cached, the reference precision meanwhile.
        QCOMPARE(QString::fromStdString(first.dtype), QStringLiteral("float32"));
        QVERIFY(!readCalibration(file, currentCalibrationKey()));
        QSKIP("the machine was too busy for a reliable calibration");
    }
    QVERIFY2(first.writeError.empty(), first.writeError.c_str());
    QVERIFY(std::filesystem::exists(file));
    const CpuDtypeChoice second = calibratedCpuDtype(file);
    QVERIFY(second.fromCache);
    QCOMPARE(second.calibration.float32Gflops, first.calibration.float32Gflops);
    QCOMPARE(second.dtype, first.dtype);
    QCOMPARE(second.dtype,
             chooseCpuDtype(first.calibration.float32Gflops, first.calibration.bfloat16Gflops,
                            first.calibration.mixedGflops()));
    const auto stored = readCalibration(file, currentCalibrationKey());
    QVERIFY(stored);
    QCOMPARE(stored->bfloat16Gflops, first.calibration.bfloat16Gflops);
}

// bfloat16 is cached for good, so a measurement that says bfloat16 is taken again: both must
// say so. float32 needs no second measurement; a disturbed one is taken once more.
void TestDtypeCalibration::bfloat16IsConfirmed() {
    QTemporaryDir dir;
    const std::filesystem::path file = (dir.path() + "/calibration.json").toStdString();
    std::vector<DtypeCalibration> results;
    std::size_t calls = 0;
    const std::function<DtypeCalibration()> measure = [&] { return results.at(calls++); };
    const auto run = [&](std::vector<DtypeCalibration> r) {
        results = std::move(r);
        calls = 0;
        return calibratedCpuDtype(file, true, measure);
    };
    const auto stored = [&] { return readCalibration(file, currentCalibrationKey()); };

    CpuDtypeChoice c = run({figures(300, 250)});
    QCOMPARE(calls, std::size_t(1));
    QCOMPARE(QString::fromStdString(c.dtype), QStringLiteral("float32"));
    QVERIFY(stored() && stored()->float32Gflops == 300);

    c = run({figures(200, 300), figures(200, 260)});  // both: the closer lead is kept
    QCOMPARE(calls, std::size_t(2));
    QCOMPARE(QString::fromStdString(c.dtype), QStringLiteral("bfloat16"));
    QCOMPARE(c.calibration.bfloat16Gflops, 260.0);
    QCOMPARE(c.calibration.runs, 36);
    QVERIFY(stored() && stored()->bfloat16Gflops == 260);

    c = run({figures(200, 300), figures(280, 250)});  // the second disagrees: its figures
    QCOMPARE(calls, std::size_t(2));
    QCOMPARE(QString::fromStdString(c.dtype), QStringLiteral("float32"));
    QVERIFY(stored() && stored()->float32Gflops == 280);

    DtypeCalibration busy = figures(200, 300);
    busy.reliable = false;
    c = run({figures(200, 300), busy});  // the second is unreliable: float32, nothing cached
    QCOMPARE(calls, std::size_t(2));
    QCOMPARE(QString::fromStdString(c.dtype), QStringLiteral("float32"));
    QVERIFY(!c.writeError.empty());
    QVERIFY(stored() && stored()->float32Gflops == 280);  // the earlier entry stays

    // A disturbed first measurement is taken once more.
    c = run({busy, figures(250, 200)});
    QCOMPARE(calls, std::size_t(2));
    QCOMPARE(QString::fromStdString(c.dtype), QStringLiteral("float32"));
    QVERIFY(c.writeError.empty());
    QCOMPARE(c.calibration.runs, 36);
    QVERIFY(stored() && stored()->float32Gflops == 250);
    c = run({busy, figures(200, 300), figures(200, 290)});  // then confirmed as any other
    QCOMPARE(calls, std::size_t(3));
    QCOMPARE(QString::fromStdString(c.dtype), QStringLiteral("bfloat16"));
    QCOMPARE(c.calibration.runs, 54);
    c = run({busy, busy});  // disturbed twice: float32, nothing cached
    QCOMPARE(calls, std::size_t(2));
    QCOMPARE(QString::fromStdString(c.dtype), QStringLiteral("float32"));
    QVERIFY(!c.writeError.empty());
    QVERIFY(stored() && stored()->bfloat16Gflops == 290);
}

void TestDtypeCalibration::autoFollowsTheCache_data() {
    QTest::addColumn<double>("float32");
    QTest::addColumn<double>("bfloat16");
    QTest::addColumn<QString>("expected");
    QTest::newRow("bfloat16 measured faster") << 100.0 << 200.0 << "bfloat16";
    QTest::newRow("bfloat16 measured slower") << 200.0 << 140.0 << "float32";
    QTest::newRow("within the margin") << 200.0 << 210.0 << "float32";
}

// Hand-made figures in the file that $SAMDESK_CALIBRATION_FILE names decide what "auto" loads,
// whatever this CPU would measure (the variable is read on every load).
void TestDtypeCalibration::autoFollowsTheCache() {
    QFETCH(double, float32);
    QFETCH(double, bfloat16);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.path() + "/calibration.json";
    // The key holds the thread count: the one the load sets, fixed here.
    PredictorOptions options;  // dtype "auto", cpu
    options.threads = 1;
    configureThreads(options.threads);
    QVERIFY(
        writeCalibration(path.toStdString(), currentCalibrationKey(), figures(float32, bfloat16)));
    qputenv("SAMDESK_CALIBRATION_FILE", path.toLocal8Bit());
    auto predictor = loadTiny({}, options);
    qunsetenv("SAMDESK_CALIBRATION_FILE");
    QVERIFY(predictor);
    QCOMPARE(QString::fromStdString(predictor->options().dtype), expected);
}

// Figures where the linear layers are fast in bfloat16 and the attention is not (an AMX CPU):
// "auto" loads mixed, the same encoder as asking for mixed.
void TestDtypeCalibration::autoLoadsMixed() {
    QTemporaryDir dir;
    const QString path = dir.path() + "/calibration.json";
    PredictorOptions options;  // dtype "auto", cpu
    options.threads = 1;
    configureThreads(options.threads);
    DtypeCalibration amx;
    amx.shapes = {{"linear 512x3072x768", 0.75, 372.0, 1180.3},
                  {"global attention 64x4096x64", 0.25, 154.9, 65.8}};
    amx.float32Gflops = 1.0 / (0.75 / 372.0 + 0.25 / 154.9);
    amx.bfloat16Gflops = 1.0 / (0.75 / 1180.3 + 0.25 / 65.8);
    QVERIFY(writeCalibration(path.toStdString(), currentCalibrationKey(), amx));
    qputenv("SAMDESK_CALIBRATION_FILE", path.toLocal8Bit());
    auto automatic = loadTiny({}, options);
    qunsetenv("SAMDESK_CALIBRATION_FILE");
    QVERIFY(automatic);
    QCOMPARE(QString::fromStdString(automatic->options().dtype), QStringLiteral("mixed"));
    options.dtype = "mixed";
    auto asked = loadTiny({}, options);
    QVERIFY(asked);
    const auto pixels = readImage(tinyPath("image_a.png"));
    QVERIFY(automatic->setImage(viewOf(pixels)).ok());
    QVERIFY(asked->setImage(viewOf(pixels)).ok());
    QCOMPARE(maxAbsDiff(automatic->embedding()->values, asked->embedding()->values), 0.0f);
}

QTEST_GUILESS_MAIN(TestDtypeCalibration)
#include "tst_dtypecalibration.moc"
