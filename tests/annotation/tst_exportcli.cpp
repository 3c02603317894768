// samdesk-cli export/import as a user runs them (QProcess): exit status, messages, outputs.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>

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
    void labelMeShapes();
    void importAllOrNothing();
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
    // The LabelMe square and triangle have the COCO ones' vertices, but labelme draws them
    // through the pixel centres, outline included: other masks, so new objects.
    QVERIFY2(r.out.contains("imported 4 objects into 2 images"), qPrintable(r.out));
    QVERIFY(r.out.contains("(0 already there)"));
    r = cli({"import", "--format", "labelme", data("labelme"), "--images", images});
    QVERIFY2(r.out.contains("imported 0 objects into 0 images"), qPrintable(r.out));
    QVERIFY(r.out.contains("(4 already there)"));

    const AnnotationStore store(images.toStdString());
    QCOMPARE(store.annotatedImages().size(), std::size_t{3});
    const ImageAnnotations shapes = **store.load("shapes.png");
    QCOMPARE(shapes.objects.size(), std::size_t{8});

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
        QVERIFY(r.out.contains("exported 3 images, 8 objects"));
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
    QCOMPARE(anns.size(), 8);
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
    QCOMPARE(onShapes, 8);
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

void TestExportCli::labelMeShapes() {
    QTemporaryDir dir;
    const QString images = imageFolder(dir);
    QCOMPARE(
        cli({"import", "--format", "coco", data("coco_small.json"), "--images", images}).exitCode,
        0);
    for (const char* shapes : {"mask", "polygon"}) {
        const QString out = dir.filePath(QString("out-") + shapes);
        const test::CliRun r = cli({"export", "--annotations", images, "--format", "labelme",
                                    "--out", out, "--labelme-shapes", shapes});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile f(out + "/shapes.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray all = QJsonDocument::fromJson(f.readAll()).object()["shapes"].toArray();
        QVERIFY(!all.isEmpty());
        for (const auto& s : all)
            QCOMPARE(s.toObject()["shape_type"].toString(), QString(shapes));
    }
    test::CliRun r = cli({"export", "--annotations", images, "--format", "labelme", "--out",
                          dir.filePath("bad"), "--labelme-shapes", "circle"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("--labelme-shapes must be mask or polygon"));
    r = cli({"export", "--annotations", images, "--format", "yolo", "--out", dir.filePath("bad"),
             "--labelme-shapes", "mask"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("only applies to --format labelme"));
    QVERIFY(!QFileInfo::exists(dir.filePath("bad")));
}

void TestExportCli::importAllOrNothing() {
    // Existing annotations and a LabelMe folder whose middle file is broken.
    QTemporaryDir dir;
    const QString images = imageFolder(dir);
    QCOMPARE(
        cli({"import", "--format", "coco", data("coco_small.json"), "--images", images}).exitCode,
        0);
    const fs::path input = fs::path(dir.path().toStdString()) / "labelme";
    fs::create_directories(input);
    fs::copy_file(fs::path(SAMDESK_TEST_DATA) / "annotation/labelme/empty.json",
                  input / "1_empty.json");
    std::ofstream(input / "2_broken.json") << "{\"shapes\": [], \"imagePath\": \"shapes.png\"";
    fs::copy_file(fs::path(SAMDESK_TEST_DATA) / "annotation/labelme/shapes.json",
                  input / "3_shapes.json");
    const fs::path annotations = fs::path(images.toStdString()) / ".samdesk";
    auto files = [&] {
        std::map<std::string, std::string> all;
        for (const auto& e : fs::recursive_directory_iterator(annotations))
            if (e.is_regular_file()) {
                std::ifstream in(e.path(), std::ios::binary);
                all[e.path().string()] = std::string(std::istreambuf_iterator<char>(in), {});
            }
        return all;
    };
    const auto before = files();
    const QString in = QString::fromStdString(input.string());
    test::CliRun r = cli({"import", "--format", "labelme", in, "--images", images});
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY2(r.err.startsWith("error: ") && r.err.contains("2_broken.json") &&
                 r.err.contains("nothing was imported") && r.err.contains("--skip-bad"),
             qPrintable(r.err));
    QVERIFY(files() == before);  // byte for byte, empty.png not added either

    r = cli({"import", "--format", "labelme", in, "--images", images, "--skip-bad"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains("skipped: ") && r.err.contains("2_broken.json"), qPrintable(r.err));
    QVERIFY2(r.out.contains("imported 4 objects into 2 images") && r.out.contains("1 skipped"),
             qPrintable(r.out));
    const AnnotationStore store(images.toStdString());
    QVERIFY(store.hasAnnotations("empty.png"));
    QCOMPARE((**store.load("shapes.png")).objects.size(), std::size_t{8});
}

QTEST_GUILESS_MAIN(TestExportCli)
#include "tst_exportcli.moc"
