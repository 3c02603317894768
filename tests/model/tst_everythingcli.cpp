// samdesk-cli everything and bench --everything, run as a user runs them (QProcess): the
// original's records for amg_expected_all's parameters, folders with shards, resume and the
// embedding cache, and one error line with exit status 2 for bad arguments.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "core/annotation/rle.h"
#include "tests/clirun.h"
#include "tests/model/tinyfixture.h"

using namespace samdesk;
using namespace samdesk::test;

namespace {

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// The original's parameters as the command's flags.
QStringList flagsOf(const QJsonObject& params) {
    QStringList flags;
    for (auto it = params.begin(); it != params.end(); ++it)
        flags << "--" + QString(it.key()).replace('_', '-') << QString::number(it->toDouble());
    return flags;
}

std::vector<std::uint32_t> countsOf(const QJsonArray& a) {
    std::vector<std::uint32_t> counts;
    for (const auto& v : a)
        counts.push_back(std::uint32_t(v.toDouble()));
    return counts;
}

}  // namespace

class TestEverythingCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void writesTheOriginalsRecords();
    void folderShardsResumeAndCache();
    void benchTimesTheGenerator();
    void errorsExitWith2_data();
    void errorsExitWith2();
};

void TestEverythingCli::writesTheOriginalsRecords() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QJsonObject ref = readJson(tinyPath("amg_expected_all.json"));
    const QString out = tmp.filePath("masks.json");
    const CliRun r =
        runCli(QStringList{"everything", "--checkpoint", tinyPath("checkpoint.pth"), "--image",
                           tinyPath("image_a.png"), "--out", out, "--dtype", "float32"} +
               flagsOf(ref.value("params").toObject()));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("192 masks"), qPrintable(r.out));
    const QJsonObject doc = readJson(out);
    QCOMPARE(doc.value("width").toInt(), 256);
    QCOMPARE(doc.value("height").toInt(), 192);
    QCOMPARE(doc.value("params").toObject().value("min_mask_region_area").toInt(), 20);
    QCOMPARE(doc.value("params").toObject().value("points_per_batch").toInt(), 64);
    const QJsonArray ours = doc.value("masks").toArray(), theirs = ref.value("masks").toArray();
    QCOMPARE(ours.size(), theirs.size());
    std::size_t differ = 0;
    for (int i = 0; i < ours.size(); ++i) {
        const QJsonObject a = ours[i].toObject(), b = theirs[i].toObject();
        for (const char* key : {"bbox", "point_coords", "crop_box"})
            QVERIFY2(a.value(key) == b.value(key) ||
                         a.value(key).toVariant() == b.value(key).toVariant(),
                     key);
        QVERIFY(std::abs(a.value("predicted_iou").toDouble() -
                         b.value("predicted_iou").toDouble()) <= 1e-4);
        QVERIFY(std::abs(a.value("stability_score").toDouble() -
                         b.value("stability_score").toDouble()) <= 1e-4);
        // COCO's compressed counts: the same runs as the original's uncompressed ones, up to
        // the pixels within 1e-3 of the cut (tst_amg checks each against the logits).
        const QJsonObject seg = a.value("segmentation").toObject();
        QCOMPARE(seg.value("size").toArray(), (QJsonArray{192, 256}));
        const auto counts = rleCountsFromString(seg.value("counts").toString().toStdString());
        QVERIFY(counts.ok());
        const Rle mine{192, 256, *counts};
        const Rle original{192, 256,
                           countsOf(b.value("segmentation").toObject().value("counts").toArray())};
        const auto ma = decodeRle(mine), mb = decodeRle(original);
        QVERIFY(ma.ok() && mb.ok());
        std::int64_t set = 0;
        for (int y = 0; y < 192; ++y)
            for (int x = 0; x < 256; ++x) {
                differ += ma->at(x, y) != mb->at(x, y);
                set += ma->at(x, y);
            }
        QCOMPARE(std::int64_t(a.value("area").toDouble()), set);
    }
    qInfo("%zu pixel(s) differ in all 192 masks", differ);
    QVERIFY(differ <= 10);
}

void TestEverythingCli::folderShardsResumeAndCache() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QDir dir(tmp.path());
    QVERIFY(dir.mkpath("images/sub"));
    QVERIFY(QFile::copy(tinyPath("image_a.png"), dir.filePath("images/a.png")));
    QVERIFY(QFile::copy(tinyPath("image_b.png"), dir.filePath("images/sub/b.png")));
    const QStringList common = {"everything",
                                "--checkpoint",
                                tinyPath("checkpoint.pth"),
                                "--images",
                                dir.filePath("images"),
                                "--out",
                                dir.filePath("out"),
                                "--points-per-side",
                                "4",
                                "--pred-iou-thresh",
                                "0",
                                "--stability-score-thresh",
                                "0",
                                "--dtype",
                                "float32"};
    // Two shards: each image in exactly one.
    int written = 0;
    for (const char* shard : {"0/2", "1/2"}) {
        const CliRun r = runCli(common + QStringList{"--shard", shard});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        written += r.out.count(" masks from ");
    }
    QCOMPARE(written, 2);
    const QString a = dir.filePath("out/a.png.json"), b = dir.filePath("out/sub/b.png.json");
    QVERIFY(QFile::exists(a) && QFile::exists(b));
    QCOMPARE(readJson(b).value("width").toInt(), 109);
    QVERIFY(readJson(a).value("masks").toArray().size() > 0);
    // Resume: nothing done again; a file removed is made again.
    QFile::remove(b);
    const CliRun resumed = runCli(common + QStringList{"--resume"});
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
    QVERIFY2(resumed.out.contains("1 done, 1 done before"), qPrintable(resumed.out));
    QVERIFY(QFile::exists(b));
    // The embedding cache: filled by the first run, the second run's masks are the same.
    const QStringList cached = {"everything",
                                "--checkpoint",
                                tinyPath("checkpoint.pth"),
                                "--image",
                                tinyPath("image_b.png"),
                                "--cache",
                                dir.filePath("cache"),
                                "--points-per-side",
                                "4",
                                "--pred-iou-thresh",
                                "0",
                                "--stability-score-thresh",
                                "0",
                                "--dtype",
                                "float32",
                                "--crop-n-layers",
                                "1"};
    const CliRun first = runCli(cached + QStringList{"--out", dir.filePath("c1.json")});
    QVERIFY2(first.exitCode == 0, qPrintable(first.err));
    const auto entries = QDir(dir.filePath("cache")).entryList(QDir::Files | QDir::NoDotAndDotDot);
    QVERIFY2(entries.size() >= 5, qPrintable(entries.join(", ")));  // the image and 4 crops
    const CliRun second = runCli(cached + QStringList{"--out", dir.filePath("c2.json")});
    QVERIFY2(second.exitCode == 0, qPrintable(second.err));
    QCOMPARE(readJson(dir.filePath("c2.json")).value("masks"),
             readJson(dir.filePath("c1.json")).value("masks"));
}

void TestEverythingCli::benchTimesTheGenerator() {
    const CliRun r = runCli({"bench", "--checkpoint", tinyPath("checkpoint.pth"), "--image",
                             tinyPath("image_a.png"), "--everything", "--points-per-side", "8",
                             "--dtype", "float32"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("after the encoder") && r.out.contains("64 points"), qPrintable(r.out));
    const CliRun bad =
        runCli({"bench", "--checkpoint", tinyPath("checkpoint.pth"), "--points-per-side", "8"});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(bad.err.contains("goes with --everything"));
}

void TestEverythingCli::errorsExitWith2_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QString ckpt = tinyPath("checkpoint.pth"), image = tinyPath("image_a.png");
    QTest::newRow("no checkpoint")
        << QStringList{"--image", image, "--out", "@out"} << "everything needs --checkpoint";
    QTest::newRow("image and images")
        << QStringList{"--checkpoint", ckpt, "--image", image, "--images", "@dir", "--out", "@out"}
        << "one of --image I and --images";
    QTest::newRow("shard without a folder")
        << QStringList{"--checkpoint", ckpt, "--image", image, "--out", "@out", "--shard", "0/2"}
        << "--shard and --resume go with --images";
    QTest::newRow("not a number")
        << QStringList{"--checkpoint", ckpt,   "--image",           image,
                       "--out",        "@out", "--pred-iou-thresh", "high"}
        << "--pred-iou-thresh expects a number, got 'high'";
    QTest::newRow("bad batch")
        << QStringList{"--checkpoint",       ckpt, "--image", image, "--out", "@out",
                       "--points-per-batch", "0"}
        << "--points-per-batch must be at least 1";
    QTest::newRow("no point in a layer") << QStringList{"--checkpoint",
                                                        ckpt,
                                                        "--image",
                                                        image,
                                                        "--out",
                                                        "@out",
                                                        "--points-per-side",
                                                        "2",
                                                        "--crop-n-layers",
                                                        "2",
                                                        "--crop-n-points-downscale-factor",
                                                        "2"}
                                         << "crop layer 2 gets no point";
    QTest::newRow("unknown option")
        << QStringList{"--checkpoint", ckpt,   "--image",          image,
                       "--out",        "@out", "--points-per-sde", "4"}
        << "unknown option --points-per-sde";
    QTest::newRow("missing image")
        << QStringList{"--checkpoint", ckpt, "--image", "@nope.png", "--out", "@out"} << "nope.png";
}

void TestEverythingCli::errorsExitWith2() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QTemporaryDir tmp;
    for (QString& a : args)
        if (a.startsWith('@'))
            a = tmp.filePath(a.mid(1));
    const CliRun r = runCli(QStringList{"everything"} + args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.startsWith("error: ") && r.err.contains(message), qPrintable(r.err));
    QCOMPARE(r.err.trimmed().count('\n'), 0);  // one line
    QVERIFY(!QFile::exists(tmp.filePath("out")));
}

QTEST_GUILESS_MAIN(TestEverythingCli)
#include "tst_everythingcli.moc"
