// Import of the hand-written COCO and LabelMe files in tests/data/annotation into a folder's
// autosave store; export(import(x)) gives the same masks back; importing twice adds nothing.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "core/annotation/annotationstore.h"
#include "core/annotation/datasetexport.h"
#include "core/annotation/datasetimport.h"
#include "core/common/atomicfile.h"
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

// The hand-computed masks of tests/data/annotation (10 x 8 image "shapes.png"). COCO polygons
// are on pixel corners, drawn as pycocotools' frPoly draws them; LabelMe polygons are on pixel
// centres, drawn as labelme draws them with PIL (the outline included).
BinaryMask square() {
    return rect(10, 8, 1, 1, 4, 3);  // COCO polygon (1,1)-(5,4): 12 pixels
}
BinaryMask triangle() {
    BinaryMask m = rect(10, 8, 0, 6, 2, 2);  // second part, bottom-left corner
    // (6,0)-(10,0)-(10,4): the diagonal runs through the centres of the pixels beside it, and
    // frPoly leaves them out.
    testmasks::fillRect(m, 7, 0, 3, 1);
    testmasks::fillRect(m, 8, 1, 2, 1);
    m.set(9, 2, true);
    return m;
}
BinaryMask labelMeSquare() {
    return rect(10, 8, 1, 1, 5, 4);  // polygon through the centres (1,1)-(5,4): 20 pixels
}
BinaryMask labelMeTriangle() {
    BinaryMask m = rect(10, 8, 0, 6, 3, 2);  // (0,6)-(2,8): columns 0-2, rows 6-7 (8 is outside)
    testmasks::fillRect(m, 6, 0, 4, 1);      // (6,0)-(10,0)-(10,4), the diagonal included
    testmasks::fillRect(m, 7, 1, 3, 1);
    testmasks::fillRect(m, 8, 2, 2, 1);
    m.set(9, 3, true);
    return m;
}
BinaryMask labelMeDisc() {
    // Circle (3,6) through (4.5,6): PIL's ellipse in the box of pixels 1-4 x 4-7.
    BinaryMask m = rect(10, 8, 1, 5, 4, 2);
    testmasks::fillRect(m, 2, 4, 2, 1);
    testmasks::fillRect(m, 2, 7, 2, 1);
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

// Every file under the folder's .samdesk, with its bytes.
std::map<std::string, std::string> snapshot(const fs::path& folder) {
    std::map<std::string, std::string> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(folder / ".samdesk", ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file())
            files[fs::relative(it->path(), folder).generic_string()] = *readFile(it->path());
    return files;
}

// A LabelMe file for `image` (10 x 8) with one square polygon labelled `label`.
std::string labelMeFile(const std::string& image, const std::string& label, int width = 10) {
    return nlohmann::json({{"version", "5.2.1"},
                           {"shapes",
                            {{{"label", label},
                              {"points", {{1, 1}, {3, 1}, {3, 2}}},
                              {"group_id", nullptr},
                              {"shape_type", "polygon"}}}},
                           {"imagePath", image},
                           {"imageData", nullptr},
                           {"imageHeight", 8},
                           {"imageWidth", width}})
        .dump();
}

// An image folder with saved annotations for a.png and b.png, and a LabelMe folder whose
// middle file (2_bad.json) holds `bad`.
struct AllOrNothing {
    QTemporaryDir dir;
    fs::path folder = fs::path(dir.path().toStdString()) / "images";
    fs::path input = fs::path(dir.path().toStdString()) / "labelme";
    AnnotationStore store{folder};

    explicit AllOrNothing(const std::string& bad) {
        for (const char* f : {"a.png", "b.png", "c.png"})
            touch(folder / f);
        for (const char* f : {"a.png", "b.png"}) {
            ImageAnnotations mine{f, 10, 8, {}};
            AnnotationObject o;
            o.id = 3;
            o.label = "mine";
            o.mask = rect(10, 8, 5, 5, 2, 2);
            o.source = "sam";
            mine.objects.push_back(o);
            if (!store.save(mine).ok())
                qFatal("cannot save fixture");
        }
        LabelSet labels;
        labels.add("mine");
        if (!store.saveLabels(labels).ok())
            qFatal("cannot save labels");
        fs::create_directories(input);
        std::ofstream(input / "1_a.json") << labelMeFile("a.png", "cat");
        std::ofstream(input / "2_bad.json") << bad;
        std::ofstream(input / "3_c.json") << labelMeFile("c.png", "dog");
    }
};

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
    void allOrNothing_data();
    void allOrNothing();
    void skipBad();
    void cocoAllOrNothing();
    void failedWritePutsBack();
    void labelMeMaskShapes();
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
    QVERIFY(a.objects[0].mask == labelMeSquare());
    QCOMPARE(a.objects[1].label, std::string("square"));
    QVERIFY(a.objects[1].mask == rect(10, 8, 6, 5, 4, 3));  // rectangle (6,5)-(9,8), clipped
    // The two triangle shapes share group_id 4: one object of two parts.
    QCOMPARE(a.objects[2].label, std::string("triangle"));
    QVERIFY(a.objects[2].mask == labelMeTriangle());
    QCOMPARE(a.objects[3].label, std::string("disc"));
    QVERIFY(a.objects[3].mask == labelMeDisc());
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

void TestDatasetImport::allOrNothing_data() {
    QTest::addColumn<QByteArray>("bad");
    QTest::addColumn<QString>("field");
    QTest::newRow("not json") << QByteArray("{\"shapes\": [") << "not valid JSON";
    QTest::newRow("no size") << QByteArray("{\"shapes\": [], \"imagePath\": \"b.png\"}")
                             << "\"imageWidth\"";
    QTest::newRow("shapes not a list")
        << QByteArray(
               "{\"shapes\": 3, \"imagePath\": \"b.png\", \"imageWidth\": 10, "
               "\"imageHeight\": 8}")
        << "\"shapes\"";
    QTest::newRow("size differs from saved")
        << QByteArray::fromStdString(labelMeFile("b.png", "cat", 11)) << "11x8";
}

void TestDatasetImport::allOrNothing() {
    QFETCH(QByteArray, bad);
    QFETCH(QString, field);
    AllOrNothing f(bad.toStdString());
    const auto before = snapshot(f.folder);
    QCOMPARE(before.size(), std::size_t{3});  // a, b, labels
    auto r = importDataset(ImportFormat::LabelMe, f.input, f.store);
    QVERIFY(!r.ok());
    // The error names the file and the field; nothing was written, not even the good file
    // before it.
    const std::string& m = r.error().message;
    QVERIFY2(m.find((f.input / "2_bad.json").string()) != std::string::npos, m.c_str());
    QVERIFY2(m.find(field.toStdString()) != std::string::npos, m.c_str());
    QVERIFY2(m.find("nothing was imported") != std::string::npos, m.c_str());
    QVERIFY(snapshot(f.folder) == before);
}

void TestDatasetImport::skipBad() {
    AllOrNothing f("{\"shapes\": [");
    const auto before = snapshot(f.folder);
    ImportOptions options;
    options.skipBad = true;
    auto r = importDataset(ImportFormat::LabelMe, f.input, f.store, options);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(r->skipped.size(), std::size_t{1});
    QVERIFY(r->skipped[0].find("2_bad.json") != std::string::npos);
    QCOMPARE(r->images, 2);
    QCOMPARE(r->objects, 2);
    const ImageAnnotations a = load(f.store, "a.png");
    QCOMPARE(a.objects.size(), std::size_t{2});
    QCOMPARE(a.objects[0].label, std::string("mine"));  // kept
    QCOMPARE(a.objects[1].label, std::string("cat"));
    QCOMPARE(a.objects[1].id, 4);
    QCOMPARE(load(f.store, "c.png").objects.size(), std::size_t{1});
    const auto after = snapshot(f.folder);
    QCOMPARE(after.at(".samdesk/annotations/b.png.json"),
             before.at(".samdesk/annotations/b.png.json"));
    QVERIFY(f.store.loadLabels()->find("dog"));
    // An image whose saved size differs is skipped the same way.
    std::ofstream(f.input / "2_bad.json") << labelMeFile("b.png", "cat", 11);
    r = importDataset(ImportFormat::LabelMe, f.input, f.store, options);
    QVERIFY(r.ok());
    QCOMPARE(r->skipped.size(), std::size_t{1});
    QCOMPARE(r->objects, 0);
    QCOMPARE(r->duplicates, 2);
}

void TestDatasetImport::cocoAllOrNothing() {
    // shapes.png's saved annotations have another size: nested/empty.png, before it in the
    // dataset, is not written either.
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    touch(folder / "shapes.png");
    touch(folder / "nested/empty.png");
    AnnotationStore store(folder);
    QVERIFY(store.save(ImageAnnotations{"shapes.png", 11, 8, {}}).ok());
    const auto before = snapshot(folder);
    auto r = importDataset(ImportFormat::Coco, kData / "coco_small.json", store);
    QVERIFY(!r.ok());
    QVERIFY(r.error().message.find("shapes.png") != std::string::npos);
    QVERIFY(r.error().message.find("coco_small.json") != std::string::npos);
    QVERIFY(snapshot(folder) == before);
    QVERIFY(!store.hasAnnotations("nested/empty.png"));
    ImportOptions options;
    options.skipBad = true;
    r = importDataset(ImportFormat::Coco, kData / "coco_small.json", store, options);
    QVERIFY(r.ok());
    QCOMPARE(r->skipped.size(), std::size_t{1});
    QVERIFY(store.hasAnnotations("nested/empty.png"));
}

void TestDatasetImport::failedWritePutsBack() {
    // a.png is written first; sub/d.png cannot be (a file stands where its folder would be):
    // a.png's file is put back byte for byte.
    AllOrNothing f(labelMeFile("sub/d.png", "dog"));
    touch(f.folder / "sub/d.png");
    std::ofstream(f.folder / ".samdesk/annotations/sub") << "in the way";
    fs::remove(f.input / "3_c.json");
    const auto before = snapshot(f.folder);
    auto r = importDataset(ImportFormat::LabelMe, f.input, f.store);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.find("put back") != std::string::npos, r.error().message.c_str());
    QVERIFY(snapshot(f.folder) == before);
}

void TestDatasetImport::labelMeMaskShapes() {
    // Mask shapes (the default LabelMe export) come back exact, holes included; a broken one is
    // a warning and the rest of the file is imported.
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    touch(root / "first/a.png");
    touch(root / "second/a.png");
    AnnotationStore first(root / "first"), second(root / "second");
    ImageAnnotations a{"a.png", 64, 48, {}};
    AnnotationObject o;
    o.id = 2;
    o.label = "donut";
    o.mask = testmasks::withHoles(64, 48);
    a.objects.push_back(o);
    o.id = 5;
    o.label = "corner";
    o.mask = testmasks::onePixel(64, 48, 63, 47);
    a.objects.push_back(o);
    QVERIFY(first.save(a).ok());
    LabelSet labels;
    labels.add("donut");
    ExportOptions options;
    options.format = ExportFormat::LabelMe;
    QVERIFY(exportFolder(first, labels, root / "out", options).ok());
    auto r = importDataset(ImportFormat::LabelMe, root / "out", second);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QVERIFY(r->warnings.empty());
    QCOMPARE(masksOf(load(second, "a.png")), masksOf(a));

    // labelme's own files break the base64 into lines (Python's base64.encodebytes).
    auto doc = nlohmann::json::parse(*readFile(root / "out/a.json"));
    std::string lines = doc["shapes"][0]["mask"];
    for (std::size_t at = 76; at < lines.size(); at += 77)
        lines.insert(at, "\n");
    doc["shapes"][0]["mask"] = lines + "\n";
    doc["shapes"][1]["mask"] = "not base64!";
    doc["shapes"].push_back(doc["shapes"][0]);
    doc["shapes"][2]["points"][1][0] = 100;  // the box leaves the image
    std::ofstream(root / "out/a.json") << doc.dump();
    touch(root / "third/a.png");
    AnnotationStore third(root / "third");
    r = importDataset(ImportFormat::LabelMe, root / "out/a.json", third);
    QVERIFY(r.ok());
    QCOMPARE(r->warnings.size(), std::size_t{2});
    QVERIFY(r->warnings[0].find("base64") != std::string::npos);
    QVERIFY(r->warnings[1].find("not inside") != std::string::npos);
    QCOMPARE(load(third, "a.png").objects.size(), std::size_t{1});
    QVERIFY(load(third, "a.png").objects[0].mask == a.objects[0].mask);
}

QTEST_GUILESS_MAIN(TestDatasetImport)
#include "tst_datasetimport.moc"
