// samdesk-cli everything and bench --everything, run as a user runs them (QProcess): the
// original's records for amg_expected_all's parameters, folders with shards, resume and the
// embedding cache, the masks as objects of the app's annotations (--into-annotations), and one
// error line with exit status 2 for bad arguments.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <optional>

#include "core/annotation/annotationstore.h"
#include "core/annotation/rle.h"
#include "core/cache/contenthash.h"
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

// A 4 x 4 grid with the filters off, in float32: fast, and masks on the fixture's random weights.
QStringList quickFlags() {
    return {"--points-per-side",        "4", "--pred-iou-thresh", "0",
            "--stability-score-thresh", "0", "--dtype",           "float32"};
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

QByteArray fileBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeBytes(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

// The saved annotations of `image` in the store of `folder`; nullopt when there are none or
// they do not load (the reason is printed).
std::optional<ImageAnnotations> savedAnnotations(const QString& folder, const char* image) {
    auto loaded = AnnotationStore(folder.toStdString()).load(image);
    if (!loaded.ok()) {
        qWarning("%s", loaded.error().message.c_str());
        return std::nullopt;
    }
    return loaded.value();
}

std::vector<const AnnotationObject*> everythingObjects(const ImageAnnotations& a) {
    std::vector<const AnnotationObject*> out;
    for (const AnnotationObject& o : a.objects)
        if (o.source == "everything")
            out.push_back(&o);
    return out;
}

// A brushed, labelled object: a 20 x 10 rectangle at (30, 40).
AnnotationObject brushObject(int id, int width, int height) {
    AnnotationObject o;
    o.id = id;
    o.label = "cat";
    o.mask = BinaryMask(width, height);
    for (int y = 40; y < 50; ++y)
        for (int x = 30; x < 50; ++x)
            o.mask.set(x, y, true);
    o.source = "brush";
    o.score = 1.0;
    return o;
}

}  // namespace

class TestEverythingCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void writesTheOriginalsRecords();
    void folderShardsResumeAndCache();
    void intoAnnotations();
    void intoAnnotationsLeavesWhatItCannotMerge();
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
    const QStringList common =
        QStringList{"everything",           "--checkpoint", tinyPath("checkpoint.pth"), "--images",
                    dir.filePath("images"), "--out",        dir.filePath("out")} +
        quickFlags();
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
    const QStringList cached = QStringList{"everything",
                                           "--checkpoint",
                                           tinyPath("checkpoint.pth"),
                                           "--image",
                                           tinyPath("image_b.png"),
                                           "--cache",
                                           dir.filePath("cache"),
                                           "--crop-n-layers",
                                           "1"} +
                               quickFlags();
    const CliRun first = runCli(cached + QStringList{"--out", dir.filePath("c1.json")});
    QVERIFY2(first.exitCode == 0, qPrintable(first.err));
    const auto entries = QDir(dir.filePath("cache")).entryList(QDir::Files | QDir::NoDotAndDotDot);
    QVERIFY2(entries.size() >= 5, qPrintable(entries.join(", ")));  // the image and 4 crops
    const CliRun second = runCli(cached + QStringList{"--out", dir.filePath("c2.json")});
    QVERIFY2(second.exitCode == 0, qPrintable(second.err));
    QCOMPARE(readJson(dir.filePath("c2.json")).value("masks"),
             readJson(dir.filePath("c1.json")).value("masks"));
}

void TestEverythingCli::intoAnnotations() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QDir dir(tmp.path());
    QVERIFY(dir.mkpath("images/sub"));
    const QString images = dir.filePath("images"), sub = dir.filePath("images/sub");
    QVERIFY(QFile::copy(tinyPath("image_a.png"), dir.filePath("images/a.png")));
    QVERIFY(QFile::copy(tinyPath("image_b.png"), dir.filePath("images/sub/b.png")));
    // Someone's work on a.png before the run.
    ImageAnnotations before{"a.png", 256, 192, {brushObject(1, 256, 192)}};
    QVERIFY(AnnotationStore(images.toStdString()).save(before).ok());
    // Many masks on the random-weight fixture (no filter, no NMS), some changed by the clean-up
    // of small regions; amg_expected_all's crop layer would only add encoder time, as its crops
    // yield no record here.
    const QStringList generator = {
        "--points-per-side",        "8",  "--pred-iou-thresh", "0",
        "--stability-score-thresh", "0",  "--box-nms-thresh",  "1.5",
        "--min-mask-region-area",   "20", "--dtype",           "float32"};
    const QStringList common = QStringList{"everything", "--checkpoint", tinyPath("checkpoint.pth"),
                                           "--images",   images,         "--into-annotations"} +
                               generator;
    const CliRun r = runCli(common + QStringList{"--out", dir.filePath("out")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("2 done, 0 done before, 0 failed"), qPrintable(r.out));

    const std::string fingerprint =
        checkpointFingerprint(tinyPath("checkpoint.pth").toStdString()).value();
    // Each image's annotations where the app reads them when it opens the image or its folder
    // (the app does not list subfolders: sub/b.png is in images/sub's store).
    struct Case {
        QString folder;
        const char* image;
        QString json;
        int firstId;
    };
    std::size_t withPrompts = 0, withoutPrompts = 0;
    std::map<std::string, std::size_t> counts;
    for (const Case& c : {Case{images, "a.png", dir.filePath("out/a.png.json"), 2},
                          Case{sub, "b.png", dir.filePath("out/sub/b.png.json"), 1}}) {
        const auto saved = savedAnnotations(c.folder, c.image);
        QVERIFY2(saved.has_value(), c.image);
        const QJsonObject doc = readJson(c.json);
        QCOMPARE(saved->width, doc.value("width").toInt());
        QCOMPARE(saved->height, doc.value("height").toInt());
        const QJsonArray masks = doc.value("masks").toArray();
        QVERIFY(masks.size() > 10);
        const auto objects = everythingObjects(*saved);
        QCOMPARE(objects.size(), std::size_t(masks.size()));  // no empty mask on this fixture
        QCOMPARE(saved->objects.size(), objects.size() + (c.firstId - 1));
        counts[c.image] = saved->objects.size();
        QVERIFY2(r.out.contains(QString("annotations: %1 added, 0 replaced").arg(masks.size())),
                 qPrintable(r.out));
        for (int i = 0; i < masks.size(); ++i) {
            const QJsonObject m = masks[i].toObject();
            const AnnotationObject& o = *objects[std::size_t(i)];
            QCOMPARE(o.id, c.firstId + i);  // sequential, in the records' order
            QCOMPARE(o.label, std::string());
            QVERIFY(o.visible && !o.handEdited && !o.color);
            QCOMPARE(o.score, m.value("predicted_iou").toDouble());
            const QJsonObject seg = m.value("segmentation").toObject();
            const auto rle = rleCountsFromString(seg.value("counts").toString().toStdString());
            QVERIFY(rle.ok());
            const auto decoded = decodeRle({saved->height, saved->width, *rle});
            QVERIFY(decoded.ok());
            QVERIFY2(o.mask == *decoded, qPrintable(QString("object %1").arg(o.id)));
            QCOMPARE(std::int64_t(o.mask.area()), std::int64_t(m.value("area").toDouble()));
            if (!o.prompts) {
                ++withoutPrompts;
                continue;
            }
            ++withPrompts;
            // What a click at its grid point gives as that candidate.
            const QJsonArray point = m.value("point_coords").toArray()[0].toArray();
            QCOMPARE(o.prompts->points.size(), std::size_t(1));
            QCOMPARE(o.prompts->points[0].x, point[0].toDouble());
            QCOMPARE(o.prompts->points[0].y, point[1].toDouble());
            QVERIFY(o.prompts->points[0].foreground && !o.prompts->box);
            QVERIFY(o.prompts->candidate >= 0 && o.prompts->candidate <= 2);
            QCOMPARE(o.prompts->threshold, 0.0);
            QVERIFY(!o.prompts->maskInput);
            QCOMPARE(o.prompts->engine, std::string("SAM custom"));  // the tiny fixture's variant
            QCOMPARE(o.prompts->checkpoint, fingerprint);
            QCOMPARE(m.value("crop_box").toArray(),
                     (QJsonArray{0, 0, saved->width, saved->height}));
        }
    }
    // Masks that min_mask_region_area's clean-up changed have no prompts (a click does not give
    // them); on this fixture most are changed, some not.
    qInfo("%zu objects with prompts, %zu without", withPrompts, withoutPrompts);
    QVERIFY(withPrompts > 0 && withoutPrompts > 0);
    // The brushed object is as it was, first in drawing order.
    auto a = savedAnnotations(images, "a.png");
    QVERIFY(a.has_value());
    QCOMPARE(a->objects.front(), before.objects.front());

    // Again, without --out: the earlier run's objects are replaced, not added twice.
    const CliRun again = runCli(common);
    QVERIFY2(again.exitCode == 0, qPrintable(again.out + again.err));
    QVERIFY(!again.out.contains(dir.filePath("out")));
    a = savedAnnotations(images, "a.png");
    auto b = savedAnnotations(sub, "b.png");
    QVERIFY(a.has_value() && b.has_value());
    QCOMPARE(a->objects.size(), counts["a.png"]);
    QCOMPARE(b->objects.size(), counts["b.png"]);
    QCOMPARE(a->objects.front(), before.objects.front());
    const std::size_t n = counts["a.png"] - 1;
    QVERIFY2(again.out.contains(QString("annotations: %1 added, %1 replaced").arg(n)),
             qPrintable(again.out));
    // New ids above every id the image had (2 .. n + 1 were the first run's).
    QCOMPARE(a->objects[1].id, int(n) + 2);
    QCOMPARE(a->objects.back().id, 2 * int(n) + 1);

    // Someone labels one object and edits another: both survive the next run.
    AnnotationObject labelled = a->objects[1], edited = a->objects[2];
    labelled.label = "dog";
    edited.handEdited = true;
    edited.mask.set(0, 0, !edited.mask.at(0, 0));
    a->objects[1] = labelled;
    a->objects[2] = edited;
    QVERIFY(AnnotationStore(images.toStdString()).save(*a).ok());
    const CliRun third = runCli(common);
    QVERIFY2(third.exitCode == 0, qPrintable(third.out + third.err));
    QVERIFY2(third.out.contains(QString("annotations: %1 added, %2 replaced").arg(n).arg(n - 2)),
             qPrintable(third.out));
    a = savedAnnotations(images, "a.png");
    QVERIFY(a.has_value());
    QCOMPARE(a->objects.size(), counts["a.png"] + 2);
    QCOMPARE(a->objects[0], before.objects.front());
    QCOMPARE(a->objects[1], labelled);
    QCOMPARE(a->objects[2], edited);
    QVERIFY(a->objects[3].label.empty() && a->objects[3].source == "everything");

    // --resume without --out: images whose annotations hold everything objects are done.
    const CliRun resumed = runCli(common + QStringList{"--resume"});
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
    QVERIFY2(resumed.out.contains("0 done, 2 done before"), qPrintable(resumed.out));
    a = savedAnnotations(images, "a.png");
    QVERIFY(a.has_value());
    QCOMPARE(a->objects.size(), counts["a.png"] + 2);

    // One image on its own: its folder's store, as the app's File -> Open of that image.
    const CliRun single =
        runCli(QStringList{"everything", "--checkpoint", tinyPath("checkpoint.pth"), "--image",
                           dir.filePath("images/sub/b.png"), "--into-annotations"} +
               generator);
    QVERIFY2(single.exitCode == 0, qPrintable(single.err));
    QVERIFY2(
        single.out.contains(QString("annotations: %1 added, %1 replaced").arg(counts["b.png"])),
        qPrintable(single.out));
    b = savedAnnotations(sub, "b.png");
    QVERIFY(b.has_value());
    QCOMPARE(b->objects.size(), counts["b.png"]);
}

void TestEverythingCli::intoAnnotationsLeavesWhatItCannotMerge() {
    // Annotation files the run must not touch: one of a newer samdesk, a corrupt one, and one
    // saved for a picture of another size under the same name. Each image fails with its own
    // line, and every file keeps its bytes.
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QDir dir(tmp.path());
    QVERIFY(dir.mkpath("images"));
    const QString images = dir.filePath("images");
    for (const char* name : {"newer.png", "corrupt.png", "resized.png", "fine.png"})
        QVERIFY(QFile::copy(tinyPath("image_a.png"), dir.filePath(QString("images/") + name)));
    const AnnotationStore store(images.toStdString());
    ImageAnnotations newer{"newer.png", 256, 192, {brushObject(1, 256, 192)}};
    QVERIFY(store.save(newer).ok());
    const QString newerFile = QString::fromStdString(store.annotationPath("newer.png")->string());
    QByteArray newerBytes = fileBytes(newerFile);
    QVERIFY(newerBytes.contains("\"version\": 2"));
    newerBytes.replace("\"version\": 2", "\"version\": 3");
    writeBytes(newerFile, newerBytes);
    const QString corruptFile =
        QString::fromStdString(store.annotationPath("corrupt.png")->string());
    writeBytes(corruptFile, "{\"format\": \"samdesk-annotations\", \"version\": 2, \"objects\": [");
    // resized.png was annotated when it was 109 x 80.
    QVERIFY(store.save({"resized.png", 109, 80, {brushObject(1, 109, 80)}}).ok());
    const QString resizedFile =
        QString::fromStdString(store.annotationPath("resized.png")->string());
    const QByteArray resizedBytes = fileBytes(resizedFile);
    const QByteArray corruptBytes = fileBytes(corruptFile);

    const QStringList flags =
        QStringList{"--checkpoint", tinyPath("checkpoint.pth"), "--into-annotations"} +
        quickFlags();
    const CliRun r = runCli(QStringList{"everything", "--images", images} + flags);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.out.contains("1 done, 0 done before, 3 failed"), qPrintable(r.out));
    const QStringList lines = r.err.trimmed().split('\n');
    QCOMPARE(lines.size(), 4);  // one per image, then the summary
    for (const QString& line : lines)
        QVERIFY2(line.startsWith("error: "), qPrintable(line));
    QVERIFY2(r.err.contains("newer.png: masks not put into its annotations: ") &&
                 r.err.contains("written by a newer samdesk (file version 3"),
             qPrintable(r.err));
    QVERIFY2(r.err.contains("corrupt.png: masks not put into its annotations: "),
             qPrintable(r.err));
    QVERIFY2(r.err.contains("saved for a 109 x 80 image, but the image is 256 x 192"),
             qPrintable(r.err));
    QCOMPARE(fileBytes(newerFile), newerBytes);
    QCOMPARE(fileBytes(corruptFile), corruptBytes);
    QCOMPARE(fileBytes(resizedFile), resizedBytes);
    // Nothing moved aside or added next to them; fine.png got its masks.
    QCOMPARE(QDir(QFileInfo(newerFile).path()).entryList(QDir::Files | QDir::Hidden).size(), 4);
    const auto fine = savedAnnotations(images, "fine.png");
    QVERIFY(fine.has_value());
    QVERIFY(!fine->objects.empty());

    // The image on its own: one error line, status 2, the file as it was.
    const CliRun single =
        runCli(QStringList{"everything", "--image", dir.filePath("images/newer.png")} + flags);
    QCOMPARE(single.exitCode, 2);
    QVERIFY2(single.err.startsWith("error: ") && single.err.contains("newer samdesk"),
             qPrintable(single.err));
    QCOMPARE(single.err.trimmed().count('\n'), 0);
    QCOMPARE(fileBytes(newerFile), newerBytes);
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
    QTest::newRow("nowhere to put the masks") << QStringList{"--checkpoint", ckpt, "--image", image}
                                              << "everything needs --out or --into-annotations";
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
