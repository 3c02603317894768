// The exports as their consumers draw them, not as samdesk reads them back: LabelMe through PIL
// (labelme's shape_to_mask, its mask shapes), YOLO through ultralytics' polygon2mask (int32
// truncation, cv2.fillPoly), both run by consumer_rasterise.py under Debian's /usr/bin/python3,
// and COCO through a pycocotools-style frPoly rasteriser and RLE decoder written here. Masks
// with thin parts, single pixels, diagonal edges, border contact and holes, one object per
// image: unsimplified, hole-free masks come back pixel for pixel; with the default
// simplification the IoU is at least 0.98 and nothing is drawn more than a pixel away.
#include <QtTest>

#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/annotation/annotationstore.h"
#include "core/annotation/datasetexport.h"
#include "core/annotation/datasetimport.h"
#include "core/annotation/maskedit.h"
#include "core/common/atomicfile.h"
#include "tests/annotation/testmasks.h"

using namespace samdesk;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Debian's interpreter, where python3-pil, python3-opencv and python3-numpy install (samdesk.sh);
// the python3 on PATH may be another one without them.
constexpr const char* kPython = "/usr/bin/python3";

BinaryMask fromMat(const cv::Mat& m) {
    std::vector<std::uint8_t> bytes(m.data, m.data + m.total());
    return *BinaryMask::fromBytes(m.cols, m.rows, std::move(bytes));
}

BinaryMask drawn(int w, int h, const std::function<void(cv::Mat&)>& draw) {
    cv::Mat m = cv::Mat::zeros(h, w, CV_8UC1);
    draw(m);
    return fromMat(m);
}

BinaryMask ellipse(int w, int h, double cx, double cy, double rx, double ry, double angle) {
    BinaryMask m(w, h);
    const double c = std::cos(angle), s = std::sin(angle);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
            const double u = (dx * c + dy * s) / rx, v = (-dx * s + dy * c) / ry;
            m.set(x, y, u * u + v * v <= 1.0);
        }
    return m;
}

struct Case {
    std::string name;
    BinaryMask mask;
};

// One object per image, so that a YOLO label file (which has no object ids) is one object.
std::vector<Case> cases() {
    using namespace testmasks;
    std::vector<Case> c;
    BinaryMask rect(60, 100);
    fillRect(rect, 7, 9, 21, 82);
    c.push_back({"rect21x82", rect});
    BinaryMask line1(80, 40), line2(80, 40), vline2(40, 80);
    fillRect(line1, 5, 20, 56, 1);
    fillRect(line2, 5, 20, 70, 2);
    fillRect(vline2, 17, 3, 2, 70);
    c.push_back({"line1", line1});
    c.push_back({"line2", line2});
    c.push_back({"vline2", vline2});
    c.push_back({"wire", drawn(90, 60, [](cv::Mat& m) {
                     cv::line(m, {3, 4}, {70, 37}, 1, 1, cv::LINE_8);
                     cv::line(m, {70, 37}, {85, 55}, 1, 1, cv::LINE_8);
                 })});
    c.push_back({"wire4", drawn(90, 60, [](cv::Mat& m) {  // a 4-connected staircase wire
                     cv::line(m, {2, 50}, {80, 8}, 1, 1, cv::LINE_4);
                 })});
    c.push_back({"wire2", drawn(90, 60, [](cv::Mat& m) {
                     cv::line(m, {3, 4}, {60, 50}, 1, 1, cv::LINE_8);
                     cv::line(m, {4, 4}, {61, 50}, 1, 1, cv::LINE_8);
                 })});
    c.push_back({"pixel", onePixel(20, 15, 9, 6)});
    c.push_back({"corner pixel", onePixel(20, 15, 19, 14)});
    BinaryMask pinched(7, 7);
    for (auto [x, y] : {std::pair{3, 1}, {1, 3}, {5, 3}, {3, 5}})
        pinched.set(x, y, true);
    c.push_back({"pinched", pinched});
    BinaryMask disc(120, 100);
    fillDisc(disc, 60, 50, 37);
    c.push_back({"disc", disc});
    c.push_back({"ellipse", ellipse(160, 120, 80, 60, 70, 25, 0.6)});
    c.push_back({"thin ellipse", ellipse(160, 120, 80, 60, 75, 3, 0.35)});
    c.push_back({"ellipse at border", ellipse(120, 90, 0, 45, 50, 30, 0.2)});
    c.push_back({"steep ellipse", ellipse(100, 140, 50, 70, 12, 60, 1.3)});
    c.push_back({"blob", [] {
                     BinaryMask m(160, 160);
                     std::mt19937 rng(5);
                     std::uniform_real_distribution<double> u(40, 120), r(8, 25);
                     for (int i = 0; i < 12; ++i)
                         testmasks::fillDisc(m, u(rng), u(rng), r(rng));
                     return m;
                 }()});
    c.push_back({"border", borderContact(40, 30)});
    c.push_back({"parts", severalParts(50, 40)});
    c.push_back({"holes", withHoles(64, 48)});
    c.push_back({"full", full(30, 20)});
    c.push_back({"noise", noise(40, 30, 7)});
    return c;
}

// The mask with its holes filled: background not connected to the outside, through 4-neighbours
// (holes of 8-connected parts) or through 8-neighbours too (holes of 4-connected parts).
BinaryMask filled(const BinaryMask& m, bool diagonalBackground) {
    const int w = m.width() + 2, h = m.height() + 2;
    std::vector<char> outside(static_cast<std::size_t>(w) * h, 0);
    auto fg = [&](int x, int y) { return m.contains(x - 1, y - 1) && m.at(x - 1, y - 1); };
    std::deque<std::pair<int, int>> todo{{0, 0}};
    outside[0] = 1;
    while (!todo.empty()) {
        const auto [x, y] = todo.front();
        todo.pop_front();
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                if ((dx == 0) == (dy == 0) && !(diagonalBackground && dx != 0))
                    continue;
                const int nx = x + dx, ny = y + dy;
                if (nx < 0 || ny < 0 || nx >= w || ny >= h || outside[ny * w + nx] || fg(nx, ny))
                    continue;
                outside[ny * w + nx] = 1;
                todo.push_back({nx, ny});
            }
    }
    BinaryMask out(m.width(), m.height());
    for (int y = 0; y < m.height(); ++y)
        for (int x = 0; x < m.width(); ++x)
            out.set(x, y, !outside[(y + 1) * w + x + 1]);
    return out;
}

// Pixels `got` sets farther than one pixel (8-neighbourhood) from any pixel of `want`.
int strayPixels(const BinaryMask& got, const BinaryMask& want) {
    int stray = 0;
    for (int y = 0; y < got.height(); ++y)
        for (int x = 0; x < got.width(); ++x) {
            if (!got.at(x, y))
                continue;
            bool near = false;
            for (int dy = -1; dy <= 1 && !near; ++dy)
                for (int dx = -1; dx <= 1 && !near; ++dx)
                    near = want.contains(x + dx, y + dy) && want.at(x + dx, y + dy);
            stray += near ? 0 : 1;
        }
    return stray;
}

// pycocotools' frPoly, written from its description: vertices scaled by 5 and rounded, the
// boundary walked densely in that space, and every step across a pixel column's centre line
// marks where the column's run toggles (at the first row whose centre lies below the edge);
// the toggles, in column-major order, are the RLE.
BinaryMask frPoly(const std::vector<double>& xy, int h, int w) {
    constexpr double kScale = 5.0;
    const std::size_t k = xy.size() / 2;
    std::vector<long long> px(k + 1), py(k + 1);
    for (std::size_t j = 0; j < k; ++j) {
        px[j] = static_cast<long long>(kScale * xy[2 * j] + 0.5);
        py[j] = static_cast<long long>(kScale * xy[2 * j + 1] + 0.5);
    }
    px[k] = px[0];
    py[k] = py[0];
    std::vector<long long> u, v;  // dense boundary points
    for (std::size_t j = 0; j < k; ++j) {
        long long xs = px[j], xe = px[j + 1], ys = py[j], ye = py[j + 1];
        const long long dx = std::llabs(xe - xs), dy = std::llabs(ys - ye);
        const bool flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
        if (flip) {
            std::swap(xs, xe);
            std::swap(ys, ye);
        }
        if (dx >= dy) {
            const double s = dx == 0 ? 0.0 : static_cast<double>(ye - ys) / dx;
            for (long long d = 0; d <= dx; ++d) {
                const long long t = flip ? dx - d : d;
                u.push_back(t + xs);
                v.push_back(static_cast<long long>(ys + s * t + 0.5));
            }
        } else {
            const double s = static_cast<double>(xe - xs) / dy;
            for (long long d = 0; d <= dy; ++d) {
                const long long t = flip ? dy - d : d;
                v.push_back(t + ys);
                u.push_back(static_cast<long long>(xs + s * t + 0.5));
            }
        }
    }
    std::vector<long long> toggles;
    for (std::size_t j = 1; j < u.size(); ++j) {
        if (u[j] == u[j - 1])
            continue;
        double xd = static_cast<double>(u[j] < u[j - 1] ? u[j] : u[j] - 1);
        xd = (xd + 0.5) / kScale - 0.5;
        if (std::floor(xd) != xd || xd < 0 || xd > w - 1)
            continue;
        double yd = static_cast<double>(v[j] < v[j - 1] ? v[j] : v[j - 1]);
        yd = std::ceil(std::clamp((yd + 0.5) / kScale - 0.5, 0.0, static_cast<double>(h)));
        toggles.push_back(static_cast<long long>(xd) * h + static_cast<long long>(yd));
    }
    std::sort(toggles.begin(), toggles.end());
    BinaryMask m(w, h);
    bool on = false;
    long long at = 0;
    auto fillTo = [&](long long end) {
        for (; at < end; ++at)
            if (on)
                m.set(static_cast<int>(at / h), static_cast<int>(at % h), true);
    };
    for (long long t : toggles) {
        fillTo(t);
        on = !on;
    }
    fillTo(static_cast<long long>(w) * h);
    return m;
}

// COCO's compressed RLE string, decoded as pycocotools does: 5-bit groups with a continuation
// bit, offset by 48; from the third count on, the value is a difference to the count two back.
BinaryMask decodeCocoRle(const std::string& s, int h, int w) {
    std::vector<long long> counts;
    for (std::size_t p = 0; p < s.size();) {
        long long x = 0;
        int k = 0;
        bool more = true;
        while (more && p < s.size()) {
            const long long c = s[p++] - 48;
            x |= (c & 0x1f) << (5 * k);
            more = (c & 0x20) != 0;
            ++k;
            if (!more && (c & 0x10))
                x |= -1LL << (5 * k);
        }
        if (counts.size() > 2)
            x += counts[counts.size() - 2];
        counts.push_back(x);
    }
    BinaryMask m(w, h);
    long long at = 0;
    bool on = false;
    for (long long c : counts) {
        for (long long i = 0; i < c && at < static_cast<long long>(w) * h; ++i, ++at)
            if (on)
                m.set(static_cast<int>(at / h), static_cast<int>(at % h), true);
        on = !on;
    }
    return m;
}

BinaryMask readPng(const fs::path& p) {
    const cv::Mat m = cv::imread(p.string(), cv::IMREAD_GRAYSCALE);
    if (m.empty())
        return {};
    return fromMat(m);
}

// case00, case01, ...: the export's file names sort like the cases.
std::string stem(std::size_t i) {
    return (i < 10 ? "case0" : "case") + std::to_string(i);
}

json readJson(const fs::path& p) {
    auto text = readFile(p);
    return text ? json::parse(text.value()) : json();
}

// Python's output and exit status; the test fails on a missing interpreter or module.
struct PythonRun {
    bool ok = false;
    QString output;
};

PythonRun runPython(const QStringList& args) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QString::fromLatin1(kPython), args);
    PythonRun r;
    if (!p.waitForStarted(10000)) {
        r.output = QString::fromLatin1(kPython) + " does not start: " + p.errorString();
        return r;
    }
    p.waitForFinished(240000);
    r.output = QString::fromUtf8(p.readAll());
    r.ok = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    return r;
}

QString describe(const BinaryMask& got, const BinaryMask& want) {
    const PixelRect g = got.boundingBox(), w = want.boundingBox();
    return QString("%1 px in a %2x%3 box, want %4 px in %5x%6, IoU %7")
        .arg(got.area())
        .arg(g.width)
        .arg(g.height)
        .arg(want.area())
        .arg(w.width)
        .arg(w.height)
        .arg(maskIoU(got, want), 0, 'f', 4);
}

// An export variant: the options and where it went.
struct Variant {
    const char* name;
    ExportFormat format;
    ExportOptions options;
};

ExportOptions exportOptions(LabelMeShapes shapes, CocoSegmentation coco, double tolerance) {
    ExportOptions o;
    o.labelMeShapes = shapes;
    o.cocoSegmentation = coco;
    o.polygons.tolerance = tolerance;
    return o;
}

}  // namespace

class TestExportConsumers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void labelMeMaskShapes();
    void labelMePolygons_data();
    void labelMePolygons();
    void yolo_data();
    void yolo();
    void cocoPolygons_data();
    void cocoPolygons();
    void cocoRle();
    void rectangleAndLineMeasured();
    void labelMeImportDrawsWhatLabelmeDraws();

private:
    // The consumer's mask of case i in export `variant`.
    BinaryMask consumerMask(const std::string& variant, std::size_t i) const;
    void compare(const std::string& variant, bool exact, bool diagonalBackground);

    QTemporaryDir m_dir;
    fs::path m_root;
    std::vector<Case> m_cases;
    std::vector<std::string> m_images;  // image file of case i
    std::map<std::string, fs::path> m_out;
};

void TestExportConsumers::initTestCase() {
    QVERIFY(m_dir.isValid());
    // Not a skip: the set-up script installs these, so a missing one is a broken machine.
    const PythonRun check = runPython({"-c", "import numpy, cv2, PIL.Image, PIL.ImageDraw"});
    QVERIFY2(check.ok, qPrintable(QString("tst_exportconsumers needs %1 with numpy, cv2 and PIL "
                                          "(Debian: python3-numpy python3-opencv python3-pil; "
                                          "./samdesk.sh installs them): %2")
                                      .arg(kPython, check.output.trimmed())));

    m_root = m_dir.path().toStdString();
    m_cases = cases();
    const AnnotationStore store(m_root / "images");
    LabelSet labels;
    labels.add("object");
    for (std::size_t i = 0; i < m_cases.size(); ++i) {
        m_images.push_back(stem(i) + ".png");
        ImageAnnotations a{m_images.back(), m_cases[i].mask.width(), m_cases[i].mask.height(), {}};
        AnnotationObject o;
        o.id = 1;
        o.label = "object";
        o.mask = m_cases[i].mask;
        a.objects.push_back(o);
        QVERIFY(store.save(a).ok());
    }
    const std::vector<Variant> variants = {
        {"labelme-mask", ExportFormat::LabelMe, ExportOptions{}},
        {"labelme-exact", ExportFormat::LabelMe,
         exportOptions(LabelMeShapes::Polygon, CocoSegmentation::Rle, 0)},
        {"labelme-default", ExportFormat::LabelMe,
         exportOptions(LabelMeShapes::Polygon, CocoSegmentation::Rle, 1)},
        {"yolo-exact", ExportFormat::Yolo, exportOptions(LabelMeShapes::Mask, {}, 0)},
        {"yolo-default", ExportFormat::Yolo, ExportOptions{}},
        {"coco-rle", ExportFormat::Coco, ExportOptions{}},
        {"coco-exact", ExportFormat::Coco,
         exportOptions(LabelMeShapes::Mask, CocoSegmentation::Polygon, 0)},
        {"coco-default", ExportFormat::Coco,
         exportOptions(LabelMeShapes::Mask, CocoSegmentation::Polygon, 1)},
    };
    std::string jobs;
    for (const auto& v : variants) {
        ExportOptions o = v.options;
        o.format = v.format;
        const fs::path out = m_root / v.name;
        auto r = exportFolder(store, labels, out, o);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        m_out[v.name] = out;
        for (std::size_t i = 0; i < m_cases.size(); ++i) {
            const fs::path result = m_root / "consumer" / v.name / stem(i);
            fs::create_directories(result);
            if (v.format == ExportFormat::LabelMe)
                jobs += "labelme\t" + (out / (stem(i) + ".json")).string() + "\t" +
                        result.string() + "\n";
            else if (v.format == ExportFormat::Yolo)
                jobs += "yolo\t" + (out / "labels" / (stem(i) + ".txt")).string() + "\t" +
                        std::to_string(m_cases[i].mask.width()) + "\t" +
                        std::to_string(m_cases[i].mask.height()) + "\t" +
                        (result / "1.png").string() + "\n";
        }
    }
    std::ofstream(m_root / "jobs.txt") << jobs;
    const PythonRun run = runPython({QStringLiteral(SAMDESK_CONSUMER_SCRIPT),
                                     QString::fromStdString((m_root / "jobs.txt").string())});
    QVERIFY2(run.ok, qPrintable(run.output));
}

BinaryMask TestExportConsumers::consumerMask(const std::string& variant, std::size_t i) const {
    const BinaryMask& want = m_cases[i].mask;
    if (variant.rfind("coco", 0) == 0) {
        const json doc = readJson(m_out.at(variant) / "annotations.json");
        json imageId;
        for (const auto& im : doc["images"])
            if (im["file_name"] == m_images[i])
                imageId = im["id"];
        BinaryMask out(want.width(), want.height());
        for (const auto& a : doc["annotations"]) {
            if (a["image_id"] != imageId)
                continue;
            const auto& seg = a["segmentation"];
            BinaryMask part;
            if (seg.is_object()) {
                part = decodeCocoRle(seg["counts"].get<std::string>(), want.height(), want.width());
            } else {
                part = BinaryMask(want.width(), want.height());
                for (const auto& flat : seg)  // pycocotools merges an object's polygons
                    part = *combineMasks(
                        part, frPoly(flat.get<std::vector<double>>(), want.height(), want.width()),
                        MaskOp::Union);
            }
            out = *combineMasks(out, part, MaskOp::Union);
        }
        return out;
    }
    // LabelMe and YOLO: every PNG consumer_rasterise.py wrote for the image (one object).
    BinaryMask out(want.width(), want.height());
    const fs::path folder = m_root / "consumer" / variant / stem(i);
    for (const auto& e : fs::directory_iterator(folder)) {
        const BinaryMask m = readPng(e.path());
        if (m.width() != want.width() || m.height() != want.height())
            return {};
        out = *combineMasks(out, m, MaskOp::Union);
    }
    return out;
}

void TestExportConsumers::compare(const std::string& variant, bool exact, bool diagonalBackground) {
    double worst = 1.0;
    std::string worstCase;
    for (std::size_t i = 0; i < m_cases.size(); ++i) {
        const Case& c = m_cases[i];
        const BinaryMask want = filled(c.mask, diagonalBackground);
        const BinaryMask got = consumerMask(variant, i);
        const QString what =
            QString::fromStdString(variant + ", " + c.name + ": ") + describe(got, want);
        QVERIFY2(!got.isNull(), qPrintable(what));
        if (exact) {
            QVERIFY2(got == want, qPrintable(what));
            continue;
        }
        const double iou = maskIoU(got, want);
        if (iou < worst) {
            worst = iou;
            worstCase = c.name;
        }
        QVERIFY2(iou >= 0.98, qPrintable(what));
        QVERIFY2(strayPixels(got, want) == 0, qPrintable(what + " (pixels far from the mask)"));
    }
    if (!exact)
        qInfo("%s: lowest IoU %.4f (%s)", variant.c_str(), worst, worstCase.c_str());
}

void TestExportConsumers::labelMeMaskShapes() {
    // The default: exact for every mask, holes included.
    for (std::size_t i = 0; i < m_cases.size(); ++i) {
        const BinaryMask got = consumerMask("labelme-mask", i);
        QVERIFY2(got == m_cases[i].mask, qPrintable(QString::fromStdString(m_cases[i].name + ": ") +
                                                    describe(got, m_cases[i].mask)));
    }
    const json doc = readJson(m_out["labelme-mask"] / (stem(0) + ".json"));
    QCOMPARE(doc["shapes"].size(), std::size_t{1});
    const json& s = doc["shapes"][0];
    QCOMPARE(s["shape_type"], "mask");
    QCOMPARE(s["points"], json({{7, 9}, {27, 90}}));  // first and last pixel of the box
    QCOMPARE(s["group_id"], 1);
}

void TestExportConsumers::labelMePolygons_data() {
    QTest::addColumn<bool>("exact");
    QTest::newRow("unsimplified") << true;
    QTest::newRow("default simplification") << false;
}

void TestExportConsumers::labelMePolygons() {
    QFETCH(bool, exact);
    // 4-connected parts: their holes are background not 8-connected to the outside.
    compare(exact ? "labelme-exact" : "labelme-default", exact, true);
    // Parts touching only at a corner are polygons of their own, in one object.
    std::size_t pinched = 0;
    while (m_cases[pinched].name != "pinched")
        ++pinched;
    const json doc =
        readJson(m_out[exact ? "labelme-exact" : "labelme-default"] / (stem(pinched) + ".json"));
    QCOMPARE(doc["shapes"].size(), std::size_t{4});
    for (const auto& s : doc["shapes"]) {
        QCOMPARE(s["group_id"], 1);
        QCOMPARE(s["points"].size(), std::size_t{3});  // one pixel: its centre three times
        for (const auto& p : s["points"])
            QVERIFY(p[0].is_number_integer() && p[1].is_number_integer());
    }
}

void TestExportConsumers::yolo_data() {
    labelMePolygons_data();
}

void TestExportConsumers::yolo() {
    QFETCH(bool, exact);
    compare(exact ? "yolo-exact" : "yolo-default", exact, false);
}

void TestExportConsumers::cocoPolygons_data() {
    labelMePolygons_data();
}

void TestExportConsumers::cocoPolygons() {
    QFETCH(bool, exact);
    compare(exact ? "coco-exact" : "coco-default", exact, false);
}

void TestExportConsumers::cocoRle() {
    for (std::size_t i = 0; i < m_cases.size(); ++i)
        QVERIFY2(consumerMask("coco-rle", i) == m_cases[i].mask, m_cases[i].name.c_str());
}

void TestExportConsumers::rectangleAndLineMeasured() {
    // The examples with the default options: a 21 x 82 rectangle and a 2-pixel line
    // come back as they are (they came back 22 x 83 and 3 wide with pixel-corner vertices).
    for (const char* variant : {"labelme-default", "yolo-default", "labelme-mask"})
        for (std::size_t i : {std::size_t{0}, std::size_t{2}}) {
            const BinaryMask got = consumerMask(variant, i);
            const QString what =
                QString("%1, %2: %3")
                    .arg(variant, m_cases[i].name.c_str(), describe(got, m_cases[i].mask));
            qInfo("%s", qPrintable(what));
            QVERIFY2(got == m_cases[i].mask, qPrintable(what));
        }
}

void TestExportConsumers::labelMeImportDrawsWhatLabelmeDraws() {
    // Hand-written shapes (polygon, rectangle, circle) and polygons with fractional vertices,
    // imported by samdesk and drawn by PIL; samdesk's mask shapes come back exactly.
    const fs::path folder = m_root / "import";
    fs::create_directories(folder);
    std::ofstream(folder / "shapes.png") << "image";
    std::ofstream(folder / "random.png") << "image";
    fs::copy_file(fs::path(SAMDESK_TEST_DATA) / "annotation/labelme/shapes.json",
                  folder / "shapes.json");
    json shapes = json::array();
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> coord(-5.0, 85.0);
    for (int s = 0; s < 12; ++s) {
        json points = json::array();
        const int n = 3 + s % 6;
        const double cx = coord(rng), cy = coord(rng) * 0.7;
        for (int k = 0; k < n; ++k) {
            const double a = 2 * M_PI * k / n, r = 6 + 20 * (rng() % 100) / 100.0;
            points.push_back({cx + r * std::cos(a), cy + r * std::sin(a)});
        }
        shapes.push_back({{"label", "random"},
                          {"points", points},
                          {"group_id", s + 1},
                          {"shape_type", "polygon"}});
    }
    std::ofstream(folder / "random.json") << json({{"shapes", shapes},
                                                   {"imagePath", "random.png"},
                                                   {"imageWidth", 80},
                                                   {"imageHeight", 60}})
                                                 .dump();
    const AnnotationStore store(folder);
    auto r = importDataset(ImportFormat::LabelMe, folder, store);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    std::ofstream(folder / "jobs.txt")
        << "labelme\t" << (folder / "shapes.json").string() << "\t"
        << (folder / "pil-shapes").string() << "\nlabelme\t" << (folder / "random.json").string()
        << "\t" << (folder / "pil-random").string() << "\n";
    const PythonRun pil = runPython({QStringLiteral(SAMDESK_CONSUMER_SCRIPT),
                                     QString::fromStdString((folder / "jobs.txt").string())});
    QVERIFY2(pil.ok, qPrintable(pil.output));

    // shapes.json: square, square (rectangle), triangle (group 4, two polygons), disc
    // (circle); the point and the line have no area.
    const ImageAnnotations a = **store.load("shapes.png");
    QCOMPARE(a.objects.size(), std::size_t{4});
    const char* files[] = {"shape1.png", "shape2.png", "4.png", "shape4.png"};
    for (std::size_t i = 0; i < 4; ++i) {
        const BinaryMask want = readPng(folder / "pil-shapes" / files[i]);
        QVERIFY2(a.objects[i].mask == want,
                 qPrintable(QString("%1: %2").arg(files[i], describe(a.objects[i].mask, want))));
    }
    // Fractional, slanted, partly outside the image: the same pixels as Debian's PIL (9.4)
    // today; other PIL versions add or drop corner pixels, so within a pixel is what is asked.
    const ImageAnnotations b = **store.load("random.png");
    QCOMPARE(b.objects.size(), std::size_t{12});
    for (std::size_t i = 0; i < b.objects.size(); ++i) {
        const BinaryMask want = readPng(folder / "pil-random" / (std::to_string(i + 1) + ".png"));
        const BinaryMask& got = b.objects[i].mask;
        const QString what = QString("polygon %1: %2").arg(i + 1).arg(describe(got, want));
        QVERIFY2(maskIoU(got, want) >= 0.95, qPrintable(what));
        QVERIFY2(strayPixels(got, want) == 0 && strayPixels(want, got) == 0, qPrintable(what));
    }
}

QTEST_GUILESS_MAIN(TestExportConsumers)
#include "tst_exportconsumers.moc"
