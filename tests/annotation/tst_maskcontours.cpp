// Masks to polygons and back: exact outlines (holes filled, border pixels included), one polygon
// per part, simplification within the IoU bound, and the pixel-centre rasterisation rule.
#include <QtTest>

#include <cmath>
#include <deque>

#include "core/annotation/maskcontours.h"
#include "tests/annotation/testmasks.h"

using namespace samdesk;

Q_DECLARE_METATYPE(samdesk::BinaryMask)

namespace {

// The mask with its holes filled, computed here by flooding the background from outside the
// image (4-connected, as holes are for 8-connected parts).
BinaryMask fillHoles(const BinaryMask& m) {
    const int w = m.width() + 2, h = m.height() + 2;
    std::vector<char> outside(static_cast<std::size_t>(w) * h, 0);
    auto fg = [&](int x, int y) { return m.contains(x - 1, y - 1) && m.at(x - 1, y - 1); };
    std::deque<std::pair<int, int>> todo{{0, 0}};
    outside[0] = 1;
    while (!todo.empty()) {
        const auto [x, y] = todo.front();
        todo.pop_front();
        const int d[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        for (const auto& s : d) {
            const int nx = x + s[0], ny = y + s[1];
            if (nx < 0 || ny < 0 || nx >= w || ny >= h || outside[ny * w + nx] || fg(nx, ny))
                continue;
            outside[ny * w + nx] = 1;
            todo.push_back({nx, ny});
        }
    }
    BinaryMask filled(m.width(), m.height());
    for (int y = 0; y < m.height(); ++y)
        for (int x = 0; x < m.width(); ++x)
            filled.set(x, y, !outside[(y + 1) * w + x + 1]);
    return filled;
}

// The same with background connected through corners too: the holes of 4-connected parts.
BinaryMask fillHoles8(const BinaryMask& m) {
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
                const int nx = x + dx, ny = y + dy;
                if (nx < 0 || ny < 0 || nx >= w || ny >= h || outside[ny * w + nx] || fg(nx, ny))
                    continue;
                outside[ny * w + nx] = 1;
                todo.push_back({nx, ny});
            }
    }
    BinaryMask filled(m.width(), m.height());
    for (int y = 0; y < m.height(); ++y)
        for (int x = 0; x < m.width(); ++x)
            filled.set(x, y, !outside[(y + 1) * w + x + 1]);
    return filled;
}

// Number of 8-connected parts.
int countParts(const BinaryMask& m) {
    std::vector<char> seen(m.bytes().size(), 0);
    int parts = 0;
    for (int y0 = 0; y0 < m.height(); ++y0)
        for (int x0 = 0; x0 < m.width(); ++x0) {
            if (!m.at(x0, y0) || seen[y0 * m.width() + x0])
                continue;
            ++parts;
            std::deque<std::pair<int, int>> todo{{x0, y0}};
            seen[y0 * m.width() + x0] = 1;
            while (!todo.empty()) {
                const auto [x, y] = todo.front();
                todo.pop_front();
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        const int nx = x + dx, ny = y + dy;
                        if (!m.contains(nx, ny) || !m.at(nx, ny) || seen[ny * m.width() + nx])
                            continue;
                        seen[ny * m.width() + nx] = 1;
                        todo.push_back({nx, ny});
                    }
            }
        }
    return parts;
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

// A diamond of four pixels that touch only at corners, around an empty centre.
BinaryMask pinched() {
    BinaryMask m(5, 5);
    m.set(2, 1, true);
    m.set(1, 2, true);
    m.set(3, 2, true);
    m.set(2, 3, true);
    return m;
}

}  // namespace

class TestMaskContours : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void exactOutlines_data();
    void exactOutlines();
    void simplifiedKeepsIoU_data();
    void simplifiedKeepsIoU();
    void borderIsExact();
    void smallObjects();
    void rasterisationRule();
    void rasterisedCircleArea();
    void hostileInputDoesNotCrash();
    void consumerRules_data();
    void consumerRules();
    void pixelCentreRules();
    void hostileInputEveryRule();
};

void TestMaskContours::exactOutlines_data() {
    using namespace testmasks;
    QTest::addColumn<BinaryMask>("mask");
    QTest::newRow("holes") << withHoles();
    QTest::newRow("several parts") << severalParts();
    QTest::newRow("border contact") << borderContact();
    QTest::newRow("one pixel corner") << onePixel(8, 6, 7, 5);
    QTest::newRow("full") << full(13, 7);
    QTest::newRow("pinched diamond") << pinched();
    QTest::newRow("noise") << noise(40, 30, 3);
    QTest::newRow("dense noise") << noise(40, 30, 4, 0.8);
    QTest::newRow("island in hole") << [] {
        BinaryMask m = withHoles();
        m.set(20, 20, true);  // inside the ring's hole
        return m;
    }();
}

void TestMaskContours::exactOutlines() {
    QFETCH(BinaryMask, mask);
    const auto polygons = maskToPolygons(mask, {0.0, 0.98});
    QCOMPARE(static_cast<int>(polygons.size()), countParts(mask));
    const BinaryMask filled = fillHoles(mask);
    // Exact: the outlines rasterise to the parts with holes filled, pixel for pixel.
    QVERIFY(rasterizePolygons(polygons, mask.width(), mask.height()) == filled);
    for (const auto& p : polygons) {
        QVERIFY(p.size() >= 4);
        // Clockwise in image coordinates, and the ring's area is exactly its pixels.
        QVERIFY(polygonArea(p) > 0);
        QCOMPARE(polygonArea(p),
                 static_cast<double>(rasterizePolygons({p}, mask.width(), mask.height()).area()));
        for (const auto& v : p) {  // pixel corners inside the image frame
            QVERIFY(v.x >= 0 && v.x <= mask.width() && v.y >= 0 && v.y <= mask.height());
            QCOMPARE(v.x, std::round(v.x));
        }
    }
}

void TestMaskContours::simplifiedKeepsIoU_data() {
    QTest::addColumn<BinaryMask>("mask");
    BinaryMask disc(200, 150);
    testmasks::fillDisc(disc, 100, 75, 50);
    QTest::newRow("disc") << disc;
    QTest::newRow("ellipse") << ellipse(200, 150, 90, 70, 60, 20, 0.6);
    QTest::newRow("thin ellipse") << ellipse(200, 150, 90, 70, 80, 4, 0.3);
    QTest::newRow("holes scaled") << testmasks::withHoles(64, 48);
    QTest::newRow("ellipse at border") << ellipse(120, 90, 0, 45, 50, 30, 0.2);
    QTest::newRow("random blob") << [] {
        BinaryMask m(160, 160);
        std::mt19937 rng(5);
        std::uniform_real_distribution<double> u(40, 120), r(8, 25);
        for (int i = 0; i < 12; ++i)
            testmasks::fillDisc(m, u(rng), u(rng), r(rng));
        return m;
    }();
}

void TestMaskContours::simplifiedKeepsIoU() {
    QFETCH(BinaryMask, mask);
    const auto exact = maskToPolygons(mask, {0.0, 0.98});
    const auto simple = maskToPolygons(mask);  // default tolerance
    QCOMPARE(simple.size(), exact.size());
    const BinaryMask filled = fillHoles(mask);
    const BinaryMask back = rasterizePolygons(simple, mask.width(), mask.height());
    const double iou = maskIoU(back, filled);
    QVERIFY2(iou >= 0.98, qPrintable(QString("IoU %1").arg(iou)));
    std::size_t exactVertices = 0, simpleVertices = 0;
    for (const auto& p : exact)
        exactVertices += p.size();
    for (const auto& p : simple)
        simpleVertices += p.size();
    QVERIFY2(simpleVertices < exactVertices,
             qPrintable(QString("%1 vs %2").arg(simpleVertices).arg(exactVertices)));
}

void TestMaskContours::borderIsExact() {
    // The full image: one rectangle exactly on the image frame.
    const auto full = maskToPolygons(testmasks::full(30, 20));
    QCOMPARE(full.size(), std::size_t{1});
    QCOMPARE(full[0].size(), std::size_t{4});
    QCOMPARE(polygonArea(full[0]), 600.0);
    for (const auto& v : full[0])
        QVERIFY((v.x == 0 || v.x == 30) && (v.y == 0 || v.y == 20));
    // A disc cut by the right border: the simplified polygon still runs along x = width over
    // exactly the rows the mask covers there.
    BinaryMask m(100, 80);
    testmasks::fillDisc(m, 90, 40, 30);
    int firstRow = -1, lastRow = -1;
    for (int y = 0; y < 80; ++y)
        if (m.at(99, y)) {
            lastRow = y;
            if (firstRow < 0)
                firstRow = y;
        }
    const auto polys = maskToPolygons(m);
    QCOMPARE(polys.size(), std::size_t{1});
    bool top = false, bottom = false;
    for (const auto& v : polys[0]) {
        QVERIFY(v.x <= 100);
        top = top || (v.x == 100 && v.y == firstRow);
        bottom = bottom || (v.x == 100 && v.y == lastRow + 1);
    }
    QVERIFY(top && bottom);
    const BinaryMask back = rasterizePolygons(polys, 100, 80);
    for (int y = 0; y < 80; ++y)
        QCOMPARE(back.at(99, y), m.at(99, y));
}

void TestMaskContours::smallObjects() {
    const auto one = maskToPolygons(testmasks::onePixel(10, 10, 3, 4));
    QCOMPARE(one.size(), std::size_t{1});
    QCOMPARE(one[0].size(), std::size_t{4});
    QCOMPARE(polygonArea(one[0]), 1.0);
    QVERIFY(rasterizePolygons(one, 10, 10) == testmasks::onePixel(10, 10, 3, 4));
    QVERIFY(maskToPolygons(BinaryMask(10, 10)).empty());
    QVERIFY(maskToPolygons(BinaryMask()).empty());
    // A 1-pixel-wide diagonal line is one part and rasterises back exactly.
    BinaryMask diag(12, 12);
    for (int i = 0; i < 12; ++i)
        diag.set(i, i, true);
    const auto d = maskToPolygons(diag, {0.0, 0.98});
    QCOMPARE(d.size(), std::size_t{1});
    QVERIFY(rasterizePolygons(d, 12, 12) == diag);
}

void TestMaskContours::rasterisationRule() {
    // Pixel-edge square: exactly its pixels.
    const Polygon square{{2, 3}, {7, 3}, {7, 9}, {2, 9}};
    const BinaryMask m = rasterizePolygons({square}, 10, 10);
    QCOMPARE(m.area(), std::size_t{30});
    QCOMPARE(m.boundingBox(), (PixelRect{2, 3, 5, 6}));
    // Pixel centres decide: [0.5, 2.5) holds the centres 0.5 and 1.5 only.
    const BinaryMask c =
        rasterizePolygons({{{0.5, 0.5}, {2.5, 0.5}, {2.5, 2.5}, {0.5, 2.5}}}, 4, 4);
    QCOMPARE(c.boundingBox(), (PixelRect{0, 0, 2, 2}));
    // Counter-clockwise rings fill the same; overlapping polygons are united.
    const Polygon ccw{{2, 3}, {2, 9}, {7, 9}, {7, 3}};
    QVERIFY(rasterizePolygons({ccw}, 10, 10) == m);
    const BinaryMask both = rasterizePolygons({square, {{5, 0}, {10, 0}, {10, 5}, {5, 5}}}, 10, 10);
    QCOMPARE(both.area(), std::size_t{30 + 25 - 4});
    // Clipped at the image frame.
    const BinaryMask big = rasterizePolygons({{{-5, -5}, {50, -5}, {50, 50}, {-5, 50}}}, 10, 10);
    QCOMPARE(big.area(), std::size_t{100});
}

void TestMaskContours::rasterisedCircleArea() {
    // A 256-gon of radius 20: area within 1% of pi r^2, IoU with the pixel disc >= 0.97.
    Polygon circle;
    for (int i = 0; i < 256; ++i) {
        const double a = 2 * M_PI * i / 256;
        circle.push_back({32 + 20 * std::cos(a), 32 + 20 * std::sin(a)});
    }
    const BinaryMask m = rasterizePolygons({circle}, 64, 64);
    const double expected = M_PI * 400;
    QVERIFY(std::abs(static_cast<double>(m.area()) - expected) < 0.01 * expected);
    BinaryMask disc(64, 64);
    testmasks::fillDisc(disc, 32, 32, 20);
    QVERIFY(maskIoU(m, disc) >= 0.97);
}

void TestMaskContours::hostileInputDoesNotCrash() {
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QCOMPARE(rasterizePolygons({{{0, 0}, {inf, 0}, {3, 3}}}, 5, 5).area(), std::size_t{0});
    QCOMPARE(rasterizePolygons({{{0, 0}, {nan, 0}, {3, 3}}}, 5, 5).area(), std::size_t{0});
    QCOMPARE(rasterizePolygons({{{0, 0}, {1, 1}}}, 5, 5).area(), std::size_t{0});
    QCOMPARE(rasterizePolygons({{{-1e6, -1e6}, {1e6, -1e6}, {0, 1e6}}}, 5, 5).area(),
             std::size_t{25});
    QVERIFY(rasterizePolygons({{{-1e300, -1e300}, {1e300, -1e300}, {0, 1e300}}}, 5, 5).area() <=
            25);
    // Self-intersecting bow tie: even-odd, no crash, symmetric.
    const BinaryMask bow = rasterizePolygons({{{0, 0}, {10, 10}, {10, 0}, {0, 10}}}, 10, 10);
    QVERIFY(bow.area() > 0 && bow.area() < 100);
    QVERIFY(rasterizePolygons({}, 0, 0).isNull());
}

void TestMaskContours::consumerRules_data() {
    using namespace testmasks;
    QTest::addColumn<BinaryMask>("mask");
    QTest::addColumn<int>("raster");
    BinaryMask disc(200, 150);
    fillDisc(disc, 100, 75, 50);
    BinaryMask line(40, 10);
    fillRect(line, 3, 4, 30, 1);
    const std::pair<const char*, BinaryMask> masks[] = {
        {"holes", withHoles()},
        {"several parts", severalParts()},
        {"border contact", borderContact()},
        {"one pixel corner", onePixel(8, 6, 7, 5)},
        {"pinched diamond", pinched()},
        {"line", line},
        {"noise", noise(40, 30, 3)},
        {"dense noise", noise(40, 30, 4, 0.8)},
        {"disc", disc},
        {"thin ellipse", ellipse(200, 150, 90, 70, 80, 4, 0.3)},
        {"ellipse at border", ellipse(120, 90, 0, 45, 50, 30, 0.2)},
    };
    const std::pair<const char*, PolygonRaster> rasters[] = {
        {"frPoly", PolygonRaster::FrPoly},
        {"PIL", PolygonRaster::Pil},
        {"fillPoly", PolygonRaster::FillPoly},
    };
    for (const auto& [mname, m] : masks)
        for (const auto& [rname, r] : rasters)
            QTest::newRow(qPrintable(QString("%1, %2").arg(mname, rname)))
                << m << static_cast<int>(r);
}

void TestMaskContours::consumerRules() {
    // Unsimplified, the polygons drawn by the consumer's rule are the parts with holes filled;
    // simplified, they keep the IoU under that rule.
    QFETCH(BinaryMask, mask);
    QFETCH(int, raster);
    const auto rule = static_cast<PolygonRaster>(raster);
    const int w = mask.width(), h = mask.height();
    // LabelMe's polygons are 4-connected parts, whose holes are bounded through corners.
    const BinaryMask filled = rule == PolygonRaster::Pil ? fillHoles8(mask) : fillHoles(mask);
    const auto exact = maskToPolygons(mask, {0.0, 0.98}, rule);
    QVERIFY(rasterizePolygons(exact, w, h, rule) == filled);
    for (const auto& p : exact) {
        QVERIFY(p.size() >= 3);
        for (const auto& v : p) {
            QCOMPARE(v.x, std::round(v.x));
            const int far = rule == PolygonRaster::FrPoly ? 0 : 1;  // corners or centres
            QVERIFY(v.x >= 0 && v.x <= w - far && v.y >= 0 && v.y <= h - far);
        }
    }
    const auto simple = maskToPolygons(mask, {}, rule);
    const double iou = maskIoU(rasterizePolygons(simple, w, h, rule), filled);
    QVERIFY2(iou >= 0.98, qPrintable(QString("IoU %1").arg(iou)));
}

void TestMaskContours::pixelCentreRules() {
    // One pixel: its centre three times; a line: its two ends, the last repeated.
    for (auto rule : {PolygonRaster::Pil, PolygonRaster::FillPoly}) {
        const auto one = maskToPolygons(testmasks::onePixel(10, 10, 3, 4), {}, rule);
        QCOMPARE(one, (std::vector<Polygon>{{{3, 4}, {3, 4}, {3, 4}}}));
        QVERIFY(rasterizePolygons(one, 10, 10, rule) == testmasks::onePixel(10, 10, 3, 4));
        BinaryMask line(10, 10);
        testmasks::fillRect(line, 2, 6, 5, 1);
        QCOMPARE(maskToPolygons(line, {}, rule), (std::vector<Polygon>{{{2, 6}, {6, 6}, {6, 6}}}));
        // A rectangle through pixel centres covers its outline: 5 x 3 pixels.
        const Polygon r{{1, 1}, {5, 1}, {5, 3}, {1, 3}};
        QCOMPARE(rasterizePolygons({r}, 10, 10, rule).boundingBox(), (PixelRect{1, 1, 5, 3}));
    }
    // PIL truncates vertices toward zero; fillPoly rounds them.
    const Polygon frac{{1.9, 1.9}, {5.9, 1.9}, {5.9, 3.9}, {1.9, 3.9}};
    QCOMPARE(rasterizePolygons({frac}, 10, 10, PolygonRaster::Pil).boundingBox(),
             (PixelRect{1, 1, 5, 3}));
    QCOMPARE(rasterizePolygons({frac}, 10, 10, PolygonRaster::FillPoly).boundingBox(),
             (PixelRect{2, 2, 5, 3}));
    // LabelMe splits parts touching at a corner; YOLO keeps them in one polygon.
    QCOMPARE(maskToPolygons(pinched(), {0, 0.98}, PolygonRaster::Pil).size(), std::size_t{4});
    QCOMPARE(maskToPolygons(pinched(), {0, 0.98}, PolygonRaster::FillPoly).size(), std::size_t{1});
    // frPoly leaves out the pixels whose centres a 45-degree edge runs through.
    const BinaryMask tri =
        rasterizePolygons({{{0, 0}, {4, 0}, {4, 4}}}, 4, 4, PolygonRaster::FrPoly);
    QCOMPARE(tri.area(), std::size_t{6});
    QVERIFY(!tri.at(0, 0) && tri.at(1, 0) && tri.at(3, 2) && !tri.at(3, 3));
}

void TestMaskContours::hostileInputEveryRule() {
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (auto rule : {PolygonRaster::FrPoly, PolygonRaster::Pil, PolygonRaster::FillPoly}) {
        QCOMPARE(rasterizePolygons({{{0, 0}, {inf, 0}, {3, 3}}}, 5, 5, rule).area(),
                 std::size_t{0});
        QCOMPARE(rasterizePolygons({{{0, 0}, {nan, 0}, {3, 3}}}, 5, 5, rule).area(),
                 std::size_t{0});
        QCOMPARE(rasterizePolygons({{{-1e6, -1e6}, {1e6, -1e6}, {0, 1e6}}}, 5, 5, rule).area(),
                 std::size_t{25});
        QVERIFY(rasterizePolygons({{{-1e300, -1e300}, {1e300, -1e300}, {0, 1e300}}}, 5, 5, rule)
                    .area() <= 25);
        const BinaryMask bow =
            rasterizePolygons({{{0, 0}, {10, 10}, {10, 0}, {0, 10}}}, 10, 10, rule);
        QVERIFY(bow.area() > 0 && bow.area() < 100);
        QVERIFY(rasterizePolygons({{}}, 5, 5, rule).isEmpty());
        QVERIFY(rasterizePolygons({}, 0, 0, rule).isNull());
    }
}

QTEST_GUILESS_MAIN(TestMaskContours)
#include "tst_maskcontours.moc"
