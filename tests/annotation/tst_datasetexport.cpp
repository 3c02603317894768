// Every export format on a folder with holes, several parts, border contact, a single pixel, an
// empty mask and an image with no objects; outputs are decoded and compared with the masks.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/annotation/annotationstore.h"
#include "core/annotation/datasetexport.h"
#include "core/annotation/pngwriter.h"
#include "core/common/atomicfile.h"
#include "tests/annotation/testmasks.h"

using namespace samdesk;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int W = 64, H = 48;

AnnotationObject object(int id, const std::string& label, BinaryMask mask) {
    AnnotationObject o;
    o.id = id;
    o.label = label;
    o.mask = std::move(mask);
    o.source = "sam";
    return o;
}

// a.png: ring with holes (donut), three parts (parts), border contact (edge, hidden), an empty
// mask (skipped), drawn in that order; b.png: reviewed, no objects; sub/c.png: one pixel.
struct Fixture {
    QTemporaryDir dir;
    fs::path folder = fs::path(dir.path().toStdString()) / "images";
    AnnotationStore store{folder};
    LabelSet labels;

    Fixture() {
        labels.add("donut");
        labels.add("parts");
        labels.add("edge");
        ImageAnnotations a{"a.png", W, H, {}};
        a.objects.push_back(object(1, "donut", testmasks::withHoles(W, H)));
        a.objects.push_back(object(2, "parts", testmasks::severalParts(W, H)));
        a.objects.push_back(object(4, "edge", testmasks::borderContact(W, H)));
        a.objects.back().visible = false;
        a.objects.push_back(object(5, "donut", BinaryMask(W, H)));
        ImageAnnotations b{"b.png", 20, 10, {}};
        ImageAnnotations c{"sub/c.png", 30, 20, {}};
        c.objects.push_back(object(1, "", testmasks::onePixel(30, 20, 29, 0)));
        for (const auto* i : {&a, &b, &c})
            if (!store.save(*i).ok())
                qFatal("cannot save fixture");
    }
    const ImageAnnotations annotations(const std::string& image) const {
        return **store.load(image);
    }
    fs::path out(const char* name) const { return fs::path(dir.path().toStdString()) / name; }
    Expected<ExportReport> run(ExportFormat format, const char* outName,
                               ExportOptions options = {}) const {
        options.format = format;
        return exportFolder(store, labels, out(outName), options);
    }
};

json readJson(const fs::path& p) {
    auto text = readFile(p);
    return text ? json::parse(text.value()) : json();
}

BinaryMask readPngMask(const fs::path& p) {
    const cv::Mat m = cv::imread(p.string(), cv::IMREAD_UNCHANGED);
    if (m.empty() || m.type() != CV_8UC1)
        return {};
    std::vector<std::uint8_t> bytes(m.data, m.data + m.total());
    for (auto b : bytes)
        if (b != 0 && b != 255)
            return {};  // must be strictly 0/255
    return *BinaryMask::fromBytes(m.cols, m.rows, bytes);
}

// What each pixel shows when objects are drawn in order (later on top).
std::vector<int> topObject(const ImageAnnotations& a) {
    std::vector<int> ids(static_cast<std::size_t>(a.width) * a.height, 0);
    for (const auto& o : a.objects)
        for (std::size_t i = 0; i < ids.size(); ++i)
            if (o.mask.bytes()[i])
                ids[i] = o.id;
    return ids;
}

std::vector<std::string> lines(const fs::path& p) {
    std::vector<std::string> out;
    std::ifstream in(p);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

}  // namespace

class TestDatasetExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void png();
    void cocoRle();
    void cocoPolygons();
    void yolo();
    void labelMe();
    void emptyMaskIsWarnedAbout_data();
    void emptyMaskIsWarnedAbout();
    void nonEmptyFolderNeedsOverwrite();
    void progressAndCancel();
    void clashingNamesRefused();
    void exportImagesInMemory();
    void singleMaskPng();
};

void TestDatasetExport::png() {
    Fixture f;
    auto r = f.run(ExportFormat::Png, "png");
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(r->images, 3);
    QCOMPARE(r->objects, 4);
    const fs::path out = f.out("png");
    const ImageAnnotations a = f.annotations("a.png");
    // Per object: 0/255 at original size, holes kept.
    QVERIFY(readPngMask(out / "masks/a/1_donut.png") == a.objects[0].mask);
    QVERIFY(readPngMask(out / "masks/a/2_parts.png") == a.objects[1].mask);
    QVERIFY(readPngMask(out / "masks/a/4_edge.png") == a.objects[2].mask);
    QVERIFY(!fs::exists(out / "masks/a/5_donut.png"));  // empty mask
    QVERIFY(readPngMask(out / "masks/sub/c/1_unlabeled.png") == testmasks::onePixel(30, 20, 29, 0));
    // Instance map: 16-bit object ids, later objects on top.
    const cv::Mat inst = cv::imread((out / "instances/a.png").string(), cv::IMREAD_UNCHANGED);
    QCOMPARE(inst.type(), CV_16UC1);
    QCOMPARE(inst.cols, W);
    QCOMPARE(inst.rows, H);
    const std::vector<int> top = topObject(a);
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x)
            QCOMPARE(static_cast<int>(inst.at<std::uint16_t>(y, x)), top[y * W + x]);
    // Semantic map: indexed colour; decoded, each pixel shows its label's colour.
    auto bytes = readFile(out / "semantic/a.png");
    QVERIFY(bytes.ok());
    QCOMPARE(static_cast<int>(bytes.value()[25]), 3);  // IHDR colour type: palette
    QVERIFY(bytes->find("PLTE") != std::string::npos);
    const cv::Mat sem = cv::imread((out / "semantic/a.png").string(), cv::IMREAD_COLOR);
    QCOMPARE(sem.cols, W);
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            const int id = top[y * W + x];
            Rgb want{0, 0, 0};
            if (id)
                want = f.labels.find(a.find(id)->label)->color;
            const cv::Vec3b got = sem.at<cv::Vec3b>(y, x);
            QCOMPARE((Rgb{got[2], got[1], got[0]}), want);
        }
    // The image with no objects: all-zero maps.
    const cv::Mat emptyInst = cv::imread((out / "instances/b.png").string(), cv::IMREAD_UNCHANGED);
    QCOMPARE(emptyInst.cols, 20);
    QCOMPARE(cv::countNonZero(emptyInst), 0);
    QVERIFY(fs::is_regular_file(out / "semantic/b.png"));
    const auto csv = lines(out / "classes.csv");
    QCOMPARE(csv.size(), std::size_t{6});
    QCOMPARE(csv[1], std::string("0,\"background\",#000000"));
    QCOMPARE(csv[2], "1,\"donut\"," + f.labels.find("donut")->color.toHex());
    QCOMPARE(csv[5].substr(0, 14), std::string("4,\"unlabeled\","));
}

void TestDatasetExport::cocoRle() {
    Fixture f;
    auto r = f.run(ExportFormat::Coco, "coco");
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    const json doc = readJson(f.out("coco") / "annotations.json");
    QCOMPARE(doc["images"].size(), std::size_t{3});
    QCOMPARE(doc["images"][1]["file_name"], "b.png");
    QCOMPARE(doc["images"][1]["width"], 20);
    QCOMPARE(doc["images"][2]["file_name"], "sub/c.png");
    QCOMPARE(doc["categories"].size(), std::size_t{4});
    QCOMPARE(doc["categories"][0]["name"], "donut");
    QCOMPARE(doc["categories"][0]["id"], f.labels.find("donut")->id);
    const auto& anns = doc["annotations"];
    QCOMPARE(anns.size(), std::size_t{4});
    const ImageAnnotations a = f.annotations("a.png");
    for (int i = 0; i < 3; ++i) {
        const auto& ann = anns[i];
        const BinaryMask& m = a.objects[i].mask;
        QCOMPARE(ann["id"], i + 1);
        QCOMPARE(ann["image_id"], 1);
        QCOMPARE(ann["iscrowd"], 0);
        QCOMPARE(ann["area"].get<std::size_t>(), m.area());
        const PixelRect box = m.boundingBox();
        QCOMPARE(ann["bbox"], json({box.x, box.y, box.width, box.height}));
        QCOMPARE(ann["category_id"], f.labels.find(a.objects[i].label)->id);
        QCOMPARE(ann["segmentation"]["size"], json({H, W}));
        auto decoded =
            BinaryMask::fromRleString(W, H, ann["segmentation"]["counts"].get<std::string>());
        QVERIFY(decoded.ok());
        QVERIFY(decoded.value() == m);  // holes survive
    }
    QCOMPARE(anns[3]["image_id"], 3);
    QCOMPARE(anns[3]["bbox"], json({29, 0, 1, 1}));
    QCOMPARE(anns[3]["area"], 1);
    QCOMPARE(anns[3]["category_id"], 4);  // "unlabeled", appended after the set's labels
    QCOMPARE(r->warnings.size(), std::size_t{1});
}

void TestDatasetExport::cocoPolygons() {
    Fixture f;
    ExportOptions o;
    o.cocoSegmentation = CocoSegmentation::Polygon;
    auto r = f.run(ExportFormat::Coco, "coco", o);
    QVERIFY(r.ok());
    const json doc = readJson(f.out("coco") / "annotations.json");
    const auto& anns = doc["annotations"];
    const ImageAnnotations a = f.annotations("a.png");
    const std::size_t parts[] = {2, 3, 3};  // ring + square; three parts; three border parts
    for (int i = 0; i < 3; ++i) {
        const auto& seg = anns[i]["segmentation"];
        QVERIFY(seg.is_array());
        QCOMPARE(seg.size(), parts[i]);
        std::vector<Polygon> polys;
        for (const auto& flat : seg) {
            QVERIFY(flat.size() >= 6);  // never an empty or degenerate polygon
            QCOMPARE(flat.size() % 2, std::size_t{0});
            Polygon p;
            for (std::size_t k = 0; k < flat.size(); k += 2)
                p.push_back({flat[k].get<double>(), flat[k + 1].get<double>()});
            polys.push_back(p);
        }
        // Area stays the mask's pixel count, even though polygons lose the holes.
        QCOMPARE(anns[i]["area"].get<std::size_t>(), a.objects[i].mask.area());
        const BinaryMask back = rasterizePolygons(polys, W, H);
        BinaryMask filledRef = a.objects[i].mask;
        if (i == 0) {  // the ring's and the square's holes come back filled
            QVERIFY(back.area() > a.objects[i].mask.area());
        } else {
            QVERIFY(maskIoU(back, filledRef) >= 0.98);
        }
    }
}

void TestDatasetExport::yolo() {
    Fixture f;
    auto r = f.run(ExportFormat::Yolo, "yolo");
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    const fs::path out = f.out("yolo");
    const auto a = lines(out / "labels/a.txt");
    QCOMPARE(a.size(), std::size_t{2 + 3 + 3});  // one line per outer contour
    // Vertices are pixel centres, (x + 0.5) / width: the border pixels' centres are half a
    // pixel inside the frame, and ultralytics' int32 truncation gives the pixel back.
    bool sawFirst = false, sawLast = false;
    std::vector<Polygon> edge;
    for (const auto& l : a) {
        std::istringstream in(l);
        int cls = -1;
        in >> cls;
        QVERIFY(cls >= 0 && cls <= 2);
        std::vector<double> v;
        for (double d; in >> d;)
            v.push_back(d);
        QVERIFY(v.size() >= 6 && v.size() % 2 == 0);
        for (double d : v)
            QVERIFY(d > 0.0 && d < 1.0);
        if (cls == 2) {  // "edge": touches all borders, exactly
            Polygon p;
            for (std::size_t k = 0; k < v.size(); k += 2) {
                const PointF pixel{std::trunc(v[k] * W), std::trunc(v[k + 1] * H)};
                p.push_back(pixel);
                sawFirst = sawFirst || pixel.x == 0 || pixel.y == 0;
                sawLast = sawLast || pixel.x == W - 1 || pixel.y == H - 1;
            }
            edge.push_back(p);
        }
    }
    QVERIFY(sawFirst && sawLast);
    QVERIFY(rasterizePolygons(edge, W, H, PolygonRaster::FillPoly) ==
            f.annotations("a.png").objects[2].mask);
    QVERIFY(fs::is_regular_file(out / "labels/b.txt"));
    QVERIFY(lines(out / "labels/b.txt").empty());  // a negative: empty file
    // One pixel: its centre three times (ultralytics reads fewer than 3 points as a box).
    QCOMPARE(lines(out / "labels/sub/c.txt"),
             std::vector<std::string>{"3 0.983333 0.025 0.983333 0.025 0.983333 0.025"});
    const auto yaml = lines(out / "data.yaml");
    QVERIFY(std::find(yaml.begin(), yaml.end(), "nc: 4") != yaml.end());
    QVERIFY(std::find(yaml.begin(), yaml.end(), "  0: \"donut\"") != yaml.end());
    QVERIFY(std::find(yaml.begin(), yaml.end(), "  3: \"unlabeled\"") != yaml.end());
}

void TestDatasetExport::labelMe() {
    Fixture f;
    auto r = f.run(ExportFormat::LabelMe, "labelme");
    QVERIFY(r.ok());
    const fs::path out = f.out("labelme");
    const json a = readJson(out / "a.json");
    QCOMPARE(a["imageWidth"], W);
    QCOMPARE(a["imageHeight"], H);
    QVERIFY(a["version"].is_string());
    QVERIFY(a["imageData"].is_null());
    // imagePath leads from the JSON file to the image.
    QCOMPARE(fs::weakly_canonical(out / a["imagePath"].get<std::string>()),
             fs::weakly_canonical(f.folder / "a.png"));
    // The default: one mask shape per object, its box's first and last pixel.
    QCOMPARE(a["shapes"].size(), std::size_t{3});
    const ImageAnnotations saved = f.annotations("a.png");
    for (std::size_t i = 0; i < 3; ++i) {
        const json& s = a["shapes"][i];
        const PixelRect box = saved.objects[i].mask.boundingBox();
        QCOMPARE(s["shape_type"], "mask");
        QCOMPARE(s["group_id"], saved.objects[i].id);
        QCOMPARE(s["label"], saved.objects[i].label);
        QCOMPARE(s["points"],
                 json({{box.x, box.y}, {box.x + box.width - 1, box.y + box.height - 1}}));
        QVERIFY(s["mask"].is_string() && s["mask"].get<std::string>().rfind("iVBORw0KGgo", 0) == 0);
    }
    // Polygons on request: one per 4-connected part, whole pixel centres.
    ExportOptions polygons;
    polygons.labelMeShapes = LabelMeShapes::Polygon;
    QVERIFY(f.run(ExportFormat::LabelMe, "labelme-polygons", polygons).ok());
    const json ap = readJson(f.out("labelme-polygons") / "a.json");
    QCOMPARE(ap["shapes"].size(), std::size_t{8});
    for (const auto& s : ap["shapes"]) {
        QCOMPARE(s["shape_type"], "polygon");
        QVERIFY(s["points"].size() >= 3);
        for (const auto& p : s["points"])
            QVERIFY(p[0].is_number_integer() && p[1].is_number_integer());
    }
    QCOMPARE(ap["shapes"][2]["label"], "parts");
    QCOMPARE(ap["shapes"][2]["group_id"], 2);
    const json b = readJson(out / "b.json");
    QVERIFY(b["shapes"].empty());
    QCOMPARE(b["imageWidth"], 20);
    const json c = readJson(out / "sub/c.json");
    QCOMPARE(fs::weakly_canonical(out / "sub" / c["imagePath"].get<std::string>()),
             fs::weakly_canonical(f.folder / "sub/c.png"));
}

void TestDatasetExport::emptyMaskIsWarnedAbout_data() {
    QTest::addColumn<int>("format");
    for (auto fmt : allExportFormats())
        QTest::newRow(exportFormatName(fmt)) << static_cast<int>(fmt);
}

void TestDatasetExport::emptyMaskIsWarnedAbout() {
    QFETCH(int, format);
    Fixture f;
    auto r = f.run(static_cast<ExportFormat>(format), "out");
    QVERIFY(r.ok());
    QCOMPARE(r->skippedEmpty, 1);
    QCOMPARE(r->warnings.size(), std::size_t{1});
    QVERIFY(r->warnings[0].find("a.png: object 5 (donut)") != std::string::npos);
    QCOMPARE(r->images, 3);
    QVERIFY(r->files >= 1);
}

void TestDatasetExport::nonEmptyFolderNeedsOverwrite() {
    Fixture f;
    QVERIFY(f.run(ExportFormat::Coco, "out").ok());
    auto again = f.run(ExportFormat::Coco, "out");
    QVERIFY(!again.ok());
    QCOMPARE(again.error().kind, Error::Kind::InvalidInput);
    QVERIFY(again.error().message.find("--overwrite") != std::string::npos);
    QVERIFY(folderHasEntries(f.out("out")));
    QVERIFY(!folderHasEntries(f.out("nothing-here")));
    ExportOptions o;
    o.overwrite = true;
    QVERIFY(f.run(ExportFormat::Coco, "out", o).ok());
    // A file where the folder should be.
    std::ofstream(f.out("file").string()) << "x";
    QVERIFY(!f.run(ExportFormat::Coco, "file", o).ok());
}

void TestDatasetExport::progressAndCancel() {
    Fixture f;
    std::vector<std::pair<int, int>> calls;
    ExportOptions o;
    o.format = ExportFormat::Yolo;
    auto r = exportFolder(f.store, f.labels, f.out("p"), o, [&](int done, int total) {
        calls.push_back({done, total});
        return true;
    });
    QVERIFY(r.ok());
    QCOMPARE(calls, (std::vector<std::pair<int, int>>{{1, 3}, {2, 3}, {3, 3}}));
    auto cancelled =
        exportFolder(f.store, f.labels, f.out("c"), o, [&](int done, int) { return done < 2; });
    QVERIFY(!cancelled.ok());
    QCOMPARE(cancelled.error().kind, Error::Kind::Cancelled);
    QVERIFY(!fs::exists(f.out("c") / "data.yaml"));  // never finished
}

void TestDatasetExport::clashingNamesRefused() {
    Fixture f;
    QVERIFY(f.store.save(ImageAnnotations{"a.jpg", 4, 4, {}}).ok());
    auto r = f.run(ExportFormat::Yolo, "y");
    QVERIFY(!r.ok());
    QVERIFY(r.error().message.find("a.jpg") != std::string::npos);
}

void TestDatasetExport::exportImagesInMemory() {
    Fixture f;
    ExportOptions o;
    o.format = ExportFormat::Coco;
    auto r = exportImages({f.annotations("a.png")}, f.folder, f.labels, f.out("one"), o);
    QVERIFY(r.ok());
    QCOMPARE(r->images, 1);
    QCOMPARE(readJson(f.out("one") / "annotations.json")["annotations"].size(), std::size_t{3});
    // Inconsistent input is an error, not a crash.
    ImageAnnotations bad = f.annotations("a.png");
    bad.objects[0].mask = BinaryMask(3, 3);
    QVERIFY(!exportImages({bad}, f.folder, f.labels, f.out("bad"), o).ok());
}

void TestDatasetExport::singleMaskPng() {
    QTemporaryDir dir;
    const fs::path p = fs::path(dir.path().toStdString()) / "mask.png";
    const BinaryMask m = testmasks::withHoles(33, 21);
    QVERIFY(writeMaskPng(p, m).ok());
    QVERIFY(readPngMask(p) == m);
    QVERIFY(!writeMaskPng(p, BinaryMask()).ok());
    QVERIFY(!writeMaskPng(fs::path(dir.path().toStdString()) / "no/such/dir/m.png", m).ok());
}

QTEST_GUILESS_MAIN(TestDatasetExport)
#include "tst_datasetexport.moc"
