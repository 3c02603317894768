// Import of the hand-written COCO and LabelMe files in tests/data/annotation into a folder's
// autosave store; export(import(x)) gives the same masks back; importing twice adds nothing.
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "core/annotation/annotationstore.h"
#include "core/annotation/datasetexport.h"
#include "core/annotation/datasetimport.h"
#include "tests/annotation/testmasks.h"

using namespace samdesk;
namespace fs = std::filesystem;

namespace {

const fs::path kData = fs::path(SAMDESK_TEST_DATA) / "annotation";

void touch(const fs::path& p) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "image";  // the importers only check that the image exists
}

BinaryMask rect(int w, int h, int x, int y, int rw, int rh) {
    BinaryMask m(w, h);
    testmasks::fillRect(m, x, y, rw, rh);
    return m;
}

// The hand-computed masks of tests/data/annotation (10 x 8 image "shapes.png").
BinaryMask square() {
    return rect(10, 8, 1, 1, 4, 3);  // polygon (1,1)-(5,4): 12 pixels
}
BinaryMask triangle() {
    BinaryMask m = rect(10, 8, 0, 6, 2, 2);  // second part, bottom-left corner
    testmasks::fillRect(m, 6, 0, 4, 1);      // (6,0)-(10,0)-(10,4): pixel centres inside
    testmasks::fillRect(m, 7, 1, 3, 1);
    testmasks::fillRect(m, 8, 2, 2, 1);
    m.set(9, 3, true);
    return m;
}
BinaryMask ring() {
    BinaryMask m = rect(10, 8, 6, 5, 3, 3);
    m.set(7, 6, false);
    return m;
}

ImageAnnotations load(const AnnotationStore& store, const std::string& image) {
    auto a = store.load(image);
    if (!a || !a->has_value())
        return {};
    return **a;
}

std::vector<BinaryMask> masksOf(const ImageAnnotations& a) {
    std::vector<BinaryMask> masks;
    for (const auto& o : a.objects)
        masks.push_back(o.mask);
    return masks;
}

}  // namespace

class TestDatasetImport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cocoHandWritten();
    void cocoRoundTrip_data();
    void cocoRoundTrip();
    void labelMeHandWritten();
    void labelMeRoundTrip();
    void importTwiceAddsNothing();
    void keepsExistingObjects();
    void rejectsMalformed_data();
    void rejectsMalformed();
};

void TestDatasetImport::cocoHandWritten() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    touch(folder / "shapes.png");
    touch(folder / "nested/empty.png");
    AnnotationStore store(folder);
    auto report = importDataset(ImportFormat::Coco, kData / "coco_small.json", store);
    QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
    QCOMPARE(report->images, 2);
    QCOMPARE(report->objects, 4);
    // Unknown category, empty segmentation, missing image: one warning each.
    QCOMPARE(report->warnings.size(), std::size_t{3});
    QCOMPARE(store.annotatedImages(), (std::vector<std::string>{"nested/empty.png", "shapes.png"}));

    const ImageAnnotations a = load(store, "shapes.png");
    QCOMPARE(a.width, 10);
    QCOMPARE(a.height, 8);
    QCOMPARE(a.objects.size(), std::size_t{4});
    // In annotation id order: 10 polygon, 11 two polygons, 12 compressed RLE, 13 counts list.
    QCOMPARE(a.objects[0].label, std::string("square"));
    QVERIFY(a.objects[0].mask == square());
    QCOMPARE(a.objects[1].label, std::string("triangle"));
    QVERIFY(a.objects[1].mask == triangle());
    QCOMPARE(a.objects[2].label, std::string("blob"));
    QVERIFY(a.objects[2].mask == ring());
    QCOMPARE(a.objects[3].label, std::string("square"));
    QVERIFY(a.objects[3].mask == testmasks::onePixel(10, 8, 9, 7));
    for (const auto& o : a.objects) {
        QCOMPARE(o.source, std::string("import"));
        QCOMPARE(o.score, 1.0);
    }
    QVERIFY(load(store, "nested/empty.png").objects.empty());
    QCOMPARE(load(store, "nested/empty.png").width, 4);

    // Categories became the folder's labels, with the dataset's ids.
    auto labels = store.loadLabels();
    QVERIFY(labels.ok());
    QCOMPARE(labels->size(), std::size_t{3});
    QCOMPARE(labels->find("square")->id, 1);
    QCOMPARE(labels->find("triangle")->id, 3);
    QCOMPARE(labels->find("blob")->id, 7);
}

void TestDatasetImport::cocoRoundTrip_data() {
    QTest::addColumn<int>("segmentation");
    QTest::newRow("rle") << static_cast<int>(CocoSegmentation::Rle);
    QTest::newRow("exact polygons") << static_cast<int>(CocoSegmentation::Polygon);
}

void TestDatasetImport::cocoRoundTrip() {
    QFETCH(int, segmentation);
    QTemporaryDir dir;
    const fs::path first = fs::path(dir.path().toStdString()) / "first";
    const fs::path second = fs::path(dir.path().toStdString()) / "second";
    for (const auto& f : {first, second}) {
        touch(f / "shapes.png");
        touch(f / "nested/empty.png");
    }
    AnnotationStore a(first), b(second);
    QVERIFY(importDataset(ImportFormat::Coco, kData / "coco_small.json", a).ok());
    auto labels = a.loadLabels();
    QVERIFY(labels.ok());
    ExportOptions options;
    options.format = ExportFormat::Coco;
    options.cocoSegmentation = static_cast<CocoSegmentation>(segmentation);
    options.polygons.tolerance = 0;  // lossless polygons: holes are the only difference
    const fs::path out = fs::path(dir.path().toStdString()) / "out";
    auto exported = exportFolder(a, labels.value(), out, options);
    QVERIFY2(exported.ok(), exported.ok() ? "" : exported.error().message.c_str());
    QCOMPARE(exported->objects, 4);
    auto back = importDataset(ImportFormat::Coco, out / "annotations.json", b);
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QCOMPARE(back->objects, 4);
    QVERIFY(back->warnings.empty());
    const auto original = load(a, "shapes.png");
    const auto again = load(b, "shapes.png");
    QCOMPARE(again.objects.size(), original.objects.size());
    for (std::size_t i = 0; i < original.objects.size(); ++i) {
        QCOMPARE(again.objects[i].label, original.objects[i].label);
        if (options.cocoSegmentation == CocoSegmentation::Polygon && i == 2) {
            // The ring's hole cannot travel as a polygon: it comes back filled.
            QCOMPARE(again.objects[i].mask.area(), original.objects[i].mask.area() + 1);
            continue;
        }
        QVERIFY(again.objects[i].mask == original.objects[i].mask);
    }
    QCOMPARE(b.loadLabels()->find("blob")->id, 7);
}

void TestDatasetImport::labelMeHandWritten() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    touch(folder / "shapes.png");
    touch(folder / "empty.png");
    AnnotationStore store(folder);
    auto report = importDataset(ImportFormat::LabelMe, kData / "labelme", store);
    QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
    QCOMPARE(report->images, 2);
    QCOMPARE(report->objects, 4);
    QCOMPARE(report->warnings.size(), std::size_t{2});  // the point and the line
    const ImageAnnotations a = load(store, "shapes.png");
    QCOMPARE(a.objects.size(), std::size_t{4});
    QCOMPARE(a.objects[0].label, std::string("square"));
    QVERIFY(a.objects[0].mask == square());
    QCOMPARE(a.objects[1].label, std::string("square"));
    QVERIFY(a.objects[1].mask == rect(10, 8, 6, 5, 3, 3));
    // The two triangle shapes share group_id 4: one object of two parts.
    QCOMPARE(a.objects[2].label, std::string("triangle"));
    QVERIFY(a.objects[2].mask == triangle());
    QCOMPARE(a.objects[3].label, std::string("disc"));
    QVERIFY(a.objects[3].mask == rect(10, 8, 2, 5, 2, 2));
    QVERIFY(load(store, "empty.png").objects.empty());
    QCOMPARE(store.loadLabels()->size(), std::size_t{3});
}

void TestDatasetImport::labelMeRoundTrip() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    for (const char* f : {"first", "second", "third"}) {
        touch(root / f / "shapes.png");
        touch(root / f / "empty.png");
    }
    AnnotationStore a(root / "first"), exact(root / "second"), simple(root / "third");
    QVERIFY(importDataset(ImportFormat::LabelMe, kData / "labelme", a).ok());
    ExportOptions options;
    options.format = ExportFormat::LabelMe;
    options.polygons.tolerance = 0;
    QVERIFY(exportFolder(a, *a.loadLabels(), root / "out-exact", options).ok());
    options.polygons = PolygonOptions{};  // the default simplification
    QVERIFY(exportFolder(a, *a.loadLabels(), root / "out-simple", options).ok());
    // imagePath in the exported files points back at the first folder's images; the import
    // finds them in the new folder by name.
    auto r1 = importDataset(ImportFormat::LabelMe, root / "out-exact", exact);
    auto r2 = importDataset(ImportFormat::LabelMe, root / "out-simple", simple);
    QVERIFY(r1.ok() && r2.ok());
    QCOMPARE(r1->objects, 4);
    QCOMPARE(r2->objects, 4);
    QCOMPARE(masksOf(load(exact, "shapes.png")), masksOf(load(a, "shapes.png")));
    const auto original = masksOf(load(a, "shapes.png"));
    const auto simplified = masksOf(load(simple, "shapes.png"));
    QCOMPARE(simplified.size(), original.size());
    for (std::size_t i = 0; i < original.size(); ++i)
        QVERIFY(maskIoU(simplified[i], original[i]) >= 0.98);
}

void TestDatasetImport::importTwiceAddsNothing() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    touch(folder / "shapes.png");
    touch(folder / "nested/empty.png");
    AnnotationStore store(folder);
    QVERIFY(importDataset(ImportFormat::Coco, kData / "coco_small.json", store).ok());
    const ImageAnnotations before = load(store, "shapes.png");
    auto again = importDataset(ImportFormat::Coco, kData / "coco_small.json", store);
    QVERIFY(again.ok());
    QCOMPARE(again->objects, 0);
    QCOMPARE(again->duplicates, 4);
    QVERIFY(load(store, "shapes.png") == before);
}

void TestDatasetImport::keepsExistingObjects() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    touch(folder / "shapes.png");
    AnnotationStore store(folder);
    ImageAnnotations mine{"shapes.png", 10, 8, {}};
    AnnotationObject o;
    o.id = 5;
    o.label = "mine";
    o.mask = rect(10, 8, 0, 0, 1, 1);
    o.source = "sam";
    mine.objects.push_back(o);
    QVERIFY(store.save(mine).ok());
    QVERIFY(importDataset(ImportFormat::Coco, kData / "coco_small.json", store).ok());
    const ImageAnnotations a = load(store, "shapes.png");
    QCOMPARE(a.objects.size(), std::size_t{5});
    QCOMPARE(a.objects[0].id, 5);
    QCOMPARE(a.objects[0].source, std::string("sam"));
    QCOMPARE(a.objects[1].id, 6);  // new ids after the existing ones

    // A saved image of another size is an error, and nothing is changed.
    mine.width = 11;
    mine.objects[0].mask = rect(11, 8, 0, 0, 1, 1);
    QVERIFY(store.save(mine).ok());
    auto clash = importDataset(ImportFormat::Coco, kData / "coco_small.json", store);
    QVERIFY(!clash.ok());
    QVERIFY(clash.error().message.find("shapes.png") != std::string::npos);
    QVERIFY(load(store, "shapes.png") == mine);
}

void TestDatasetImport::rejectsMalformed_data() {
    QTest::addColumn<int>("format");
    QTest::addColumn<QByteArray>("content");
    const int coco = static_cast<int>(ImportFormat::Coco);
    const int labelme = static_cast<int>(ImportFormat::LabelMe);
    QTest::newRow("coco not json") << coco << QByteArray("{\"images\": [");
    QTest::newRow("coco no categories")
        << coco << QByteArray("{\"images\": [], \"annotations\": []}");
    QTest::newRow("coco image without size")
        << coco
        << QByteArray(
               "{\"images\": [{\"id\": 1, \"file_name\": \"a.png\"}], \"annotations\": [],"
               " \"categories\": []}");
    QTest::newRow("labelme without size")
        << labelme << QByteArray("{\"shapes\": [], \"imagePath\": \"a.png\"}");
    QTest::newRow("labelme array") << labelme << QByteArray("[]");
}

void TestDatasetImport::rejectsMalformed() {
    QFETCH(int, format);
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    touch(folder / "a.png");
    const fs::path input = folder / "input.json";
    std::ofstream(input) << content.toStdString();
    AnnotationStore store(folder);
    auto r = importDataset(static_cast<ImportFormat>(format), input, store);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind, Error::Kind::Format);
    QVERIFY(r.error().message.find(input.string()) != std::string::npos);
    QVERIFY(store.annotatedImages().empty());
}

QTEST_GUILESS_MAIN(TestDatasetImport)
#include "tst_datasetimport.moc"
