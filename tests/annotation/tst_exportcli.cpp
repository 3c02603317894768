// samdesk-cli export/import as a user runs them (QProcess): exit status, messages, outputs.
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "core/annotation/annotationstore.h"
#include "core/annotation/binarymask.h"
#include "tests/clirun.h"

using namespace samdesk;
namespace fs = std::filesystem;

namespace {

test::CliRun cli(const QStringList& args) {
    return test::runCli(args, 60000);
}

QString data(const char* name) {
    return QStringLiteral(SAMDESK_TEST_DATA "/annotation/") + QString::fromLatin1(name);
}

// An image folder with the files the hand-written datasets name.
QString imageFolder(const QTemporaryDir& dir) {
    const fs::path root = fs::path(dir.path().toStdString()) / "images";
    fs::create_directories(root / "nested");
    for (const char* f : {"shapes.png", "empty.png", "nested/empty.png"})
        std::ofstream(root / f) << "image";
    return QString::fromStdString(root.string());
}

}  // namespace

class TestExportCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void importThenExportEveryFormat();
    void errors_data();
    void errors();
    void overwrite();
};

void TestExportCli::importThenExportEveryFormat() {
    QTemporaryDir dir;
    const QString images = imageFolder(dir);
    test::CliRun r =
        cli({"import", "--format", "coco", data("coco_small.json"), "--images", images});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("imported 4 objects into 2 images"));
    QCOMPARE(r.err.count("warning: "), 3);
    r = cli({"import", "--format", "labelme", data("labelme"), "--images", images});
    QCOMPARE(r.exitCode, 0);
    // The LabelMe square and triangle are already there (same label, same mask).
    QVERIFY2(r.out.contains("imported 2 objects into 2 images"), qPrintable(r.out));
    QVERIFY(r.out.contains("(2 already there)"));

    const AnnotationStore store(images.toStdString());
    QCOMPARE(store.annotatedImages().size(), std::size_t{3});
    const ImageAnnotations shapes = **store.load("shapes.png");
    QCOMPARE(shapes.objects.size(), std::size_t{6});

    const QStringList expected[] = {
        {"classes.csv", "masks/shapes/1_square.png", "instances/nested/empty.png",
         "semantic/shapes.png"},
        {"annotations.json"},
        {"data.yaml", "labels/shapes.txt", "labels/empty.txt", "labels/nested/empty.txt"},
        {"shapes.json", "empty.json", "nested/empty.json"},
    };
    int i = 0;
    for (const char* format : {"png", "coco", "yolo", "labelme"}) {
        const QString out = dir.filePath(QString("out-") + format);
        r = cli({"export", "--annotations", images, "--format", format, "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("exported 3 images, 6 objects"));
        QVERIFY(r.err.isEmpty());
        for (const auto& f : expected[i])
            QVERIFY2(QFileInfo(out + "/" + f).isFile(), qPrintable(out + "/" + f));
        ++i;
    }
    // The COCO masks are the saved ones.
    QFile f(dir.filePath("out-coco/annotations.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonArray anns = doc["annotations"].toArray();
    QCOMPARE(anns.size(), 6);
    int onShapes = 0;
    for (const auto& a : anns) {
        const QJsonObject o = a.toObject();
        if (o["image_id"].toInt() != 3)  // sorted: empty.png, nested/empty.png, shapes.png
            continue;
        const auto mask = BinaryMask::fromRleString(
            10, 8, o["segmentation"].toObject()["counts"].toString().toStdString());
        QVERIFY(mask.ok());
        QVERIFY(mask.value() == shapes.objects[static_cast<std::size_t>(onShapes)].mask);
        QCOMPARE(static_cast<std::size_t>(o["area"].toInt()), mask->area());
        ++onShapes;
    }
    QCOMPARE(onShapes, 6);
    // Polygons on request.
    r = cli({"export", "--annotations", images, "--format", "coco", "--out",
             dir.filePath("out-poly"), "--coco-segmentation", "polygon"});
    QCOMPARE(r.exitCode, 0);
}

void TestExportCli::errors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("bad format") << QStringList{"export", "--annotations", "@images", "--format",
                                               "voc",    "--out",         "@out"}
                                << "--format must be";
    QTest::newRow("no out") << QStringList{"export", "--annotations", "@images", "--format", "coco"}
                            << "needs";
    QTest::newRow("not annotated")
        << QStringList{"export", "--annotations", "@images", "--format", "png", "--out", "@out"}
        << "has no samdesk annotations";
    QTest::newRow("import missing file")
        << QStringList{"import", "--format", "coco", "@images/nope.json", "--images", "@images"}
        << "nope.json";
    QTest::newRow("import bad format")
        << QStringList{"import", "--format", "voc", "x.xml", "--images", "@images"}
        << "--format must be coco or labelme";
    QTest::newRow("import no folder")
        << QStringList{"import", "--format", "coco", "x.json", "--images", "@images/none"}
        << "does not exist";
}

void TestExportCli::errors() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString images = imageFolder(dir);
    for (auto& a : args) {
        a.replace("@images", images);
        a.replace("@out", dir.filePath("out"));
    }
    const test::CliRun r = cli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.startsWith("error: "), qPrintable(r.err));
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(dir.filePath("out")));
}

void TestExportCli::overwrite() {
    QTemporaryDir dir;
    const QString images = imageFolder(dir);
    QCOMPARE(
        cli({"import", "--format", "coco", data("coco_small.json"), "--images", images}).exitCode,
        0);
    const QString out = dir.filePath("out");
    QDir().mkpath(out);
    QFile keep(out + "/notes.txt");
    QVERIFY(keep.open(QIODevice::WriteOnly));
    keep.write("mine");
    keep.close();
    test::CliRun r = cli({"export", "--annotations", images, "--format", "yolo", "--out", out});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("--overwrite"));
    QVERIFY(!QFileInfo::exists(out + "/data.yaml"));
    r = cli({"export", "--annotations", images, "--format", "yolo", "--out", out, "--overwrite"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(QFileInfo::exists(out + "/data.yaml"));
    QVERIFY(QFileInfo::exists(out + "/notes.txt"));  // other files are left alone
}

QTEST_GUILESS_MAIN(TestExportCli)
#include "tst_exportcli.moc"
