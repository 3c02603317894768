// Hand edits of masks: strokes checked pixel by pixel against a rasterisation written here
// (every pixel's distance to every segment), clean-up against flood fills written here, boolean
// operations, and the crop / paste pair of undo steps.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/annotation/maskedit.h"
#include "tests/annotation/testmasks.h"
#include "tests/annotation/teststroke.h"

using namespace samdesk;
using testmasks::referenceStroke;

using Stroke = std::vector<StrokePoint>;
Q_DECLARE_METATYPE(Stroke)

namespace {

std::size_t differingPixels(const BinaryMask& a, const BinaryMask& b) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < a.bytes().size(); ++i)
        n += a.bytes()[i] != b.bytes()[i] ? 1 : 0;
    return n;
}

bool inside(const PixelRect& r, int x, int y) {
    return x >= r.x && y >= r.y && x < r.x + r.width && y < r.y + r.height;
}

// Labels of the 4- or 8-connected regions of pixels equal to `value` (0 = other pixels).
std::vector<int> referenceLabels(const BinaryMask& m, bool value, bool eight, int* count) {
    const int w = m.width(), h = m.height();
    std::vector<int> labels(static_cast<std::size_t>(w) * h, 0);
    int next = 0;
    std::vector<std::pair<int, int>> stack;
    for (int y0 = 0; y0 < h; ++y0)
        for (int x0 = 0; x0 < w; ++x0) {
            if (m.at(x0, y0) != value || labels[static_cast<std::size_t>(y0) * w + x0] != 0)
                continue;
            ++next;
            stack = {{x0, y0}};
            labels[static_cast<std::size_t>(y0) * w + x0] = next;
            while (!stack.empty()) {
                const auto [x, y] = stack.back();
                stack.pop_back();
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        if ((dx == 0 && dy == 0) || (!eight && dx != 0 && dy != 0))
                            continue;
                        const int nx = x + dx, ny = y + dy;
                        if (!m.contains(nx, ny) || m.at(nx, ny) != value)
                            continue;
                        int& l = labels[static_cast<std::size_t>(ny) * w + nx];
                        if (l == 0) {
                            l = next;
                            stack.push_back({nx, ny});
                        }
                    }
            }
        }
    *count = next;
    return labels;
}

// Background regions (4-connected) that touch no border become foreground.
BinaryMask referenceFillHoles(BinaryMask m) {
    int n = 0;
    const auto labels = referenceLabels(m, false, false, &n);
    std::vector<bool> open(static_cast<std::size_t>(n) + 1, false);
    for (int y = 0; y < m.height(); ++y)
        for (int x = 0; x < m.width(); ++x)
            if (x == 0 || y == 0 || x == m.width() - 1 || y == m.height() - 1)
                open[static_cast<std::size_t>(
                    labels[static_cast<std::size_t>(y) * m.width() + x])] = true;
    for (int y = 0; y < m.height(); ++y)
        for (int x = 0; x < m.width(); ++x) {
            const int l = labels[static_cast<std::size_t>(y) * m.width() + x];
            if (l > 0 && !open[static_cast<std::size_t>(l)])
                m.set(x, y, true);
        }
    return m;
}

// Clears the 8-connected parts below `minArea` pixels.
BinaryMask referenceRemoveIslands(BinaryMask m, std::size_t minArea) {
    int n = 0;
    const auto labels = referenceLabels(m, true, true, &n);
    std::vector<std::size_t> area(static_cast<std::size_t>(n) + 1, 0);
    for (int l : labels)
        ++area[static_cast<std::size_t>(l)];
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] > 0 && area[static_cast<std::size_t>(labels[i])] < minArea)
            m.data()[i] = 0;
    return m;
}

}  // namespace

class TestMaskEdit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void strokeMatchesReference_data();
    void strokeMatchesReference();
    void strokeMatchesReferenceRandom();
    void strokeLeavesNoGap();
    void strokeEdgeCases();
    void strokeOnPhotoSizedMask();
    void fillHolesClosedAndOpen();
    void fillHolesMatchesReference();
    void removeIslandsBySize();
    void keepLargestPartAndTies();
    void combineMasksOps();
    void cropPasteRoundTrip();
};

void TestMaskEdit::strokeMatchesReference_data() {
    QTest::addColumn<Stroke>("points");
    QTest::addColumn<double>("radius");
    QTest::addColumn<bool>("value");  // false: eraser on a full mask
    const Stroke diagonal = {{3.2, 2.7}, {31.5, 30.9}, {71.1, 36.2}, {90.4, 58.8}};  // ~40 px
    const Stroke outside = {{-20.5, 10.2}, {50.3, -15.7}, {120.2, 70.4}};
    QTest::newRow("point r3.7") << Stroke{{30.2, 20.7}} << 3.7 << true;
    QTest::newRow("point r0.5 on a centre") << Stroke{{10.5, 10.5}} << 0.5 << true;
    QTest::newRow("point r0.5 on a corner") << Stroke{{10.0, 10.0}} << 0.5 << true;  // none
    QTest::newRow("point r12 at the corner") << Stroke{{1.3, 59.9}} << 12.0 << true;
    QTest::newRow("short r1") << Stroke{{20.3, 30.1}, {23.9, 31.4}} << 1.0 << true;
    QTest::newRow("horizontal r1") << Stroke{{5.5, 10.5}, {60.5, 10.5}} << 1.0 << true;
    QTest::newRow("vertical r3.7") << Stroke{{40.2, 3.1}, {40.2, 55.3}} << 3.7 << true;
    QTest::newRow("diagonal r0.5") << diagonal << 0.5 << true;
    QTest::newRow("diagonal r1") << diagonal << 1.0 << true;
    QTest::newRow("diagonal r3.7") << diagonal << 3.7 << true;
    QTest::newRow("diagonal r12") << diagonal << 12.0 << true;
    QTest::newRow("steep r1") << Stroke{{50.1, 0.3}, {51.2, 60.8}} << 1.0 << true;
    QTest::newRow("repeated points r3.7")
        << Stroke{{30.3, 30.3}, {30.3, 30.3}, {31.1, 30.9}, {31.1, 30.9}} << 3.7 << true;
    QTest::newRow("back and forth r1")
        << Stroke{{10.2, 40.4}, {80.7, 41.9}, {12.6, 44.1}, {79.3, 47.5}} << 1.0 << true;
    QTest::newRow("partly outside r3.7") << outside << 3.7 << true;
    QTest::newRow("partly outside r12") << outside << 12.0 << true;
    QTest::newRow("wholly outside r3.7") << Stroke{{-30.0, -5.0}, {120.0, -9.0}} << 3.7 << true;
    QTest::newRow("eraser diagonal r3.7") << diagonal << 3.7 << false;
    QTest::newRow("eraser outside r12") << outside << 12.0 << false;
    QTest::newRow("eraser point r1") << Stroke{{96.9, 60.9}} << 1.0 << false;
}

void TestMaskEdit::strokeMatchesReference() {
    QFETCH(Stroke, points);
    QFETCH(double, radius);
    QFETCH(bool, value);
    const int w = 97, h = 61;
    const BinaryMask start = value ? BinaryMask(w, h) : testmasks::full(w, h);
    const BinaryMask expected = referenceStroke(start, points, radius, value);

    BinaryMask mask = start;
    const PixelRect rect = paintStroke(mask, points, radius, value);
    QCOMPARE(rect, strokeBounds(points, radius, w, h));
    QCOMPARE(differingPixels(mask, expected), std::size_t{0});
    QCOMPARE(differingPixels(mask, start), differingPixels(expected, start));
    // Only the rectangle changed; it lies inside the mask.
    QVERIFY(rect.isEmpty() ||
            (rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= w && rect.y + rect.height <= h));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            if (mask.at(x, y) != start.at(x, y))
                QVERIFY2(inside(rect, x, y), qPrintable(QStringLiteral("%1,%2").arg(x).arg(y)));
}

void TestMaskEdit::strokeMatchesReferenceRandom() {
    // 300 random strokes of 1 to 6 points, some outside the mask, radii 0.5 to 15, painted over
    // noise so that both values meet pixels of either kind.
    std::mt19937 rng(12);
    std::uniform_real_distribution<double> px(-20, 117), py(-20, 81), radius(0.5, 15);
    std::uniform_int_distribution<int> count(1, 6);
    for (int k = 0; k < 300; ++k) {
        Stroke points(static_cast<std::size_t>(count(rng)));
        for (auto& p : points)
            p = {px(rng), py(rng)};
        const double r = k % 10 == 0 ? 0.5 : radius(rng);
        const bool value = k % 2 == 0;
        const BinaryMask start = testmasks::noise(97, 61, static_cast<unsigned>(k), 0.3);
        BinaryMask mask = start;
        const PixelRect rect = paintStroke(mask, points, r, value);
        QCOMPARE(differingPixels(mask, referenceStroke(start, points, r, value)), std::size_t{0});
        QCOMPARE(rect, strokeBounds(points, r, 97, 61));
        for (int y = 0; y < 61; ++y)
            for (int x = 0; x < 97; ++x)
                if (!inside(rect, x, y))
                    QCOMPARE(mask.at(x, y), start.at(x, y));
    }
}

void TestMaskEdit::strokeLeavesNoGap() {
    // Mouse events 40 px apart: every pixel the line passes through is painted, at radius 1
    // (the pixel holding a point of the line has its centre within sqrt(2)/2 of it).
    const Stroke points = {{2.3, 3.1}, {42.0, 8.2}, {60.7, 44.0}, {20.1, 58.6}};
    BinaryMask mask(97, 61);
    paintStroke(mask, points, 1.0, true);
    int checked = 0;
    for (std::size_t i = 1; i < points.size(); ++i)
        for (int k = 0; k <= 2000; ++k) {
            const double t = k / 2000.0;
            const double x = points[i - 1].x + t * (points[i].x - points[i - 1].x);
            const double y = points[i - 1].y + t * (points[i].y - points[i - 1].y);
            QVERIFY(mask.at(static_cast<int>(x), static_cast<int>(y)));
            ++checked;
        }
    QCOMPARE(checked, 3 * 2001);
    // And a radius 1 line stays thin: about 2 pixels per unit of length, nothing like a box.
    double length = 0;
    for (std::size_t i = 1; i < points.size(); ++i)
        length += std::hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
    QVERIFY(static_cast<double>(mask.area()) < 2.0 * length + 20);
    QVERIFY(static_cast<double>(mask.area()) > 1.5 * length);
}

void TestMaskEdit::strokeEdgeCases() {
    BinaryMask mask = testmasks::withHoles();
    const BinaryMask before = mask;
    // No points, a radius below 0.5, a null mask: nothing to paint, an empty rectangle.
    QVERIFY(paintStroke(mask, Stroke{}, 5.0, true).isEmpty());
    QVERIFY(paintStroke(mask, Stroke{{10, 10}}, 0.49, true).isEmpty());
    QVERIFY(strokeBounds(Stroke{{10, 10}}, 0.49, 64, 48).isEmpty());
    QVERIFY(mask == before);
    BinaryMask null;
    QVERIFY(paintStroke(null, Stroke{{0, 0}}, 3.0, true).isEmpty());
    // Bounds: the pixels whose centres lie within the radius of the points' box.
    QCOMPARE(strokeBounds(Stroke{{10.5, 10.5}}, 1.0, 64, 48), (PixelRect{9, 9, 3, 3}));
    QCOMPARE(strokeBounds(Stroke{{10.0, 10.0}, {20.0, 5.0}}, 2.0, 64, 48),
             (PixelRect{8, 3, 14, 9}));
    QCOMPARE(strokeBounds(Stroke{{-10, -10}, {100, 100}}, 2.0, 64, 48), (PixelRect{0, 0, 64, 48}));
    QVERIFY(strokeBounds(Stroke{{-10, -10}}, 2.0, 64, 48).isEmpty());
    // A NaN point is skipped; a huge radius paints the whole mask.
    BinaryMask m(20, 10);
    const PixelRect r = paintStroke(m, Stroke{{NAN, 3}, {5.5, 5.5}}, 1.0, true);
    QCOMPARE(r, (PixelRect{4, 4, 3, 3}));
    QCOMPARE(m.area(), std::size_t{5});
    QCOMPARE(paintStroke(m, Stroke{{5, 5}}, 1e300, true), (PixelRect{0, 0, 20, 10}));
    QCOMPARE(m.area(), std::size_t{200});
}

void TestMaskEdit::strokeOnPhotoSizedMask() {
    const int w = 8000, h = 6000;
    auto lengthOf = [](const Stroke& points) {
        double length = 0;
        for (std::size_t i = 1; i < points.size(); ++i)
            length += std::hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
        return length;
    };
    // A drag of 100 mouse events on a photo-sized mask, radius 30.
    Stroke drag;
    std::mt19937 rng(4);
    std::uniform_real_distribution<double> step(-150, 150);
    double x = 4000, y = 3000;
    for (int i = 0; i < 100; ++i) {
        drag.push_back({x, y});
        x = std::clamp(x + step(rng), 0.0, double(w));
        y = std::clamp(y + step(rng), 0.0, double(h));
    }
    // Corner to corner twice, down the right border, along the bottom: the diagonals' bounding
    // boxes are the whole image, the stroke is not.
    const Stroke cross = {{40, 40}, {7960, 5960}, {7960, 40}, {40, 5960}, {7960, 5960}};
    BinaryMask dragged(w, h), crossed(w, h);
    QElapsedTimer timer;
    timer.start();
    const PixelRect dragRect = paintStroke(dragged, drag, 30.0, true);
    const qint64 dragMs = timer.restart();
    const PixelRect crossRect = paintStroke(crossed, cross, 30.0, true);
    const qint64 crossMs = timer.elapsed();
    qInfo("8000x6000, r 30: 100-point drag %lld ms (%zu pixels), long diagonals %lld ms (%zu)",
          dragMs, dragged.area(), crossMs, crossed.area());
    QCOMPARE(dragRect, strokeBounds(drag, 30.0, w, h));
    QCOMPARE(crossRect, (PixelRect{10, 10, 7980, 5980}));
    for (const auto& p : drag)
        QVERIFY(dragged.at(std::min(static_cast<int>(p.x), w - 1),
                           std::min(static_cast<int>(p.y), h - 1)));
    // The band of a long stroke: 2r per unit of length, less where it crosses itself.
    const double band = 60.0 * lengthOf(cross);
    QVERIFY(static_cast<double>(crossed.area()) <= band + 5 * 3.1416 * 900);
    QVERIFY(static_cast<double>(crossed.area()) > 0.95 * band);
    QVERIFY(!crossed.at(4000, 100) && crossed.at(4000, 3000) && crossed.at(7989, 3000));
    QVERIFY(!crossed.at(7990, 3000) && crossed.at(10, 5960) && !crossed.at(9, 5960));
    // The times are printed, not asserted (speed lives in benchmarks): scanning the diagonals'
    // bounding boxes would take about a second, the strokes take milliseconds.
}

void TestMaskEdit::fillHolesClosedAndOpen() {
    // A ring gets filled: the result is the full disc, and the count is the hole's area.
    BinaryMask ring(64, 48);
    testmasks::fillDisc(ring, 20, 20, 15);
    BinaryMask disc = ring;
    testmasks::fillDisc(ring, 20, 20, 6, false);
    BinaryMask filled = ring;
    QCOMPARE(fillHoles(filled), disc.area() - ring.area());
    QVERIFY(filled == disc);
    QCOMPARE(fillHoles(filled), std::size_t{0});  // nothing left to fill

    // A square frame (10..19) whose inside reaches the border through a 1-pixel channel in
    // column 14: open, unchanged.
    BinaryMask open(30, 30);
    testmasks::fillRect(open, 10, 10, 10, 10);
    testmasks::fillRect(open, 11, 11, 8, 8, false);
    testmasks::fillRect(open, 0, 0, 30, 10);         // a wall above...
    testmasks::fillRect(open, 14, 0, 1, 11, false);  // ...cut by the channel
    BinaryMask same = open;
    QCOMPARE(fillHoles(same), std::size_t{0});
    QVERIFY(same == open);

    // The same frame with its corner pixel (10, 10) cleared: the inside touches the outside only
    // diagonally, which does not count: filled, 64 pixels.
    BinaryMask diagonal(30, 30);
    testmasks::fillRect(diagonal, 10, 10, 10, 10);
    testmasks::fillRect(diagonal, 11, 11, 8, 8, false);
    diagonal.set(10, 10, false);
    const std::size_t areaBefore = diagonal.area();
    QCOMPARE(fillHoles(diagonal), std::size_t{64});
    QCOMPARE(diagonal.area(), areaBefore + 64);
    QVERIFY(!diagonal.at(10, 10));  // the corner is outside, it stays

    // A hole against the image border is not a hole (the background touches the border).
    BinaryMask atBorder(20, 20);
    testmasks::fillRect(atBorder, 0, 0, 10, 10);
    testmasks::fillRect(atBorder, 0, 3, 5, 4, false);
    BinaryMask kept = atBorder;
    QCOMPARE(fillHoles(kept), std::size_t{0});
    QVERIFY(kept == atBorder);
    BinaryMask empty(8, 8);
    QCOMPARE(fillHoles(empty), std::size_t{0});
    QVERIFY(empty.isEmpty());
}

void TestMaskEdit::fillHolesMatchesReference() {
    const std::vector<BinaryMask> masks = {
        testmasks::withHoles(),      testmasks::severalParts(),        testmasks::borderContact(),
        testmasks::noise(37, 29, 3), testmasks::noise(41, 23, 5, 0.7), testmasks::full(9, 7)};
    for (const auto& m : masks) {
        const BinaryMask expected = referenceFillHoles(m);
        BinaryMask got = m;
        QCOMPARE(fillHoles(got), expected.area() - m.area());
        QCOMPARE(differingPixels(got, expected), std::size_t{0});
    }
}

void TestMaskEdit::removeIslandsBySize() {
    // Parts of 4, 5 and 6 pixels; a diagonal pair (8-connected: one part of 2).
    BinaryMask m(40, 20);
    testmasks::fillRect(m, 1, 1, 2, 2);   // 4
    testmasks::fillRect(m, 10, 1, 5, 1);  // 5
    testmasks::fillRect(m, 20, 1, 3, 2);  // 6
    m.set(30, 10, true);
    m.set(31, 11, true);  // the diagonal pair: 2
    const std::size_t total = m.area();
    QCOMPARE(total, std::size_t{17});

    BinaryMask a = m;
    QCOMPARE(removeIslands(a, 2), std::size_t{0});  // the pair is one part of 2, not two of 1
    QVERIFY(a == m);
    QCOMPARE(removeIslands(a, 5), std::size_t{6});  // 4 and the pair go, 5 (= minArea) stays
    QCOMPARE(a.area(), std::size_t{11});
    QVERIFY(!a.at(1, 1) && a.at(10, 1) && a.at(20, 1) && !a.at(30, 10));
    QCOMPARE(removeIslands(a, 6), std::size_t{5});
    QCOMPARE(a.area(), std::size_t{6});
    QCOMPARE(removeIslands(a, 7), std::size_t{6});
    QVERIFY(a.isEmpty());
    BinaryMask b = m;
    QCOMPARE(removeIslands(b, 0), std::size_t{0});
    QCOMPARE(removeIslands(b, 1), std::size_t{0});
    QVERIFY(b == m);

    for (unsigned seed : {1u, 2u, 9u}) {
        const BinaryMask noise = testmasks::noise(53, 31, seed, 0.45);
        for (std::size_t minArea : {2u, 3u, 10u, 40u}) {
            const BinaryMask expected = referenceRemoveIslands(noise, minArea);
            BinaryMask got = noise;
            QCOMPARE(removeIslands(got, minArea), noise.area() - expected.area());
            QCOMPARE(differingPixels(got, expected), std::size_t{0});
        }
    }
}

void TestMaskEdit::keepLargestPartAndTies() {
    BinaryMask m = testmasks::severalParts();  // a 10x7 rect, a disc of r 8, one pixel
    BinaryMask disc(50, 40);
    testmasks::fillDisc(disc, 30, 25, 8);
    QCOMPARE(keepLargestPart(m), std::size_t{71});
    QVERIFY(m == disc);
    QCOMPARE(keepLargestPart(m), std::size_t{0});

    // Two 3x3 squares: the one whose first pixel comes first in row-major order stays, even
    // though the other lies further left.
    BinaryMask tie(30, 20);
    testmasks::fillRect(tie, 20, 2, 3, 3);
    testmasks::fillRect(tie, 2, 8, 3, 3);
    tie.set(10, 15, true);
    QCOMPARE(keepLargestPart(tie), std::size_t{10});
    QVERIFY(tie.at(20, 2) && !tie.at(2, 8) && !tie.at(10, 15));
    QCOMPARE(tie.area(), std::size_t{9});

    BinaryMask empty(5, 5);
    QCOMPARE(keepLargestPart(empty), std::size_t{0});
}

void TestMaskEdit::combineMasksOps() {
    BinaryMask a(20, 10), b(20, 10);
    testmasks::fillRect(a, 0, 0, 10, 10);  // 100
    testmasks::fillRect(b, 5, 5, 10, 5);   // 50, 25 of them in a
    auto u = combineMasks(a, b, MaskOp::Union);
    auto s = combineMasks(a, b, MaskOp::Subtract);
    auto i = combineMasks(a, b, MaskOp::Intersect);
    QVERIFY(u.ok() && s.ok() && i.ok());
    QCOMPARE(u->area(), std::size_t{125});
    QCOMPARE(s->area(), std::size_t{75});
    QCOMPARE(i->area(), std::size_t{25});
    QVERIFY(u->at(14, 9) && !u->at(15, 0));
    QVERIFY(s->at(4, 9) && !s->at(5, 5));
    QVERIFY(i->at(5, 5) && !i->at(4, 5));
    QCOMPARE(a.area(), std::size_t{100});  // the inputs are unchanged

    auto bad = combineMasks(a, BinaryMask(10, 20), MaskOp::Union);
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().kind, Error::Kind::InvalidInput);
    QVERIFY(bad.error().message.find("20x10") != std::string::npos);
    QVERIFY(bad.error().message.find("10x20") != std::string::npos);
}

void TestMaskEdit::cropPasteRoundTrip() {
    const BinaryMask original = testmasks::withHoles();
    // The undo step of a stroke: keep the pixels it may touch, paint, paste them back.
    const Stroke points = {{5.2, 40.1}, {60.3, 3.3}};
    const PixelRect bounds = strokeBounds(points, 4.0, original.width(), original.height());
    const BinaryMask saved = cropMask(original, bounds);
    QCOMPARE(saved.width(), bounds.width);
    QCOMPARE(saved.height(), bounds.height);
    BinaryMask mask = original;
    paintStroke(mask, points, 4.0, true);
    QVERIFY(!(mask == original));
    pasteMask(mask, saved, bounds.x, bounds.y);
    QVERIFY(mask == original);

    // Crop: the pixels, clipped to the mask; nothing left is a null mask.
    const BinaryMask part = cropMask(original, {55, 40, 20, 20});
    QCOMPARE(part.width(), 9);
    QCOMPARE(part.height(), 8);
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 9; ++x)
            QCOMPARE(part.at(x, y), original.at(55 + x, 40 + y));
    const BinaryMask corner = cropMask(testmasks::full(10, 10), {-3, -2, 5, 5});
    QCOMPARE(corner.width(), 2);
    QCOMPARE(corner.height(), 3);
    QCOMPARE(corner.area(), std::size_t{6});
    QVERIFY(cropMask(original, {64, 0, 5, 5}).isNull());
    QVERIFY(cropMask(original, {-10, -10, 10, 10}).isNull());
    QVERIFY(cropMask(original, {3, 3, 0, 5}).isNull());

    // Paste: clipped; pixels outside the patch's place are untouched.
    BinaryMask target(10, 10);
    pasteMask(target, testmasks::full(4, 4), -2, -1);
    QCOMPARE(target.area(), std::size_t{6});
    QVERIFY(target.at(0, 0) && target.at(1, 2) && !target.at(2, 0) && !target.at(0, 3));
    pasteMask(target, testmasks::full(4, 4), 8, 9);
    QCOMPARE(target.area(), std::size_t{8});
    QVERIFY(target.at(9, 9) && target.at(8, 9));
    pasteMask(target, BinaryMask(3, 3), 0, 0);  // zeros are written too
    QCOMPARE(target.area(), std::size_t{2});
    pasteMask(target, testmasks::full(4, 4), 10, 0);  // wholly outside: nothing
    pasteMask(target, BinaryMask(), 0, 0);
    QCOMPARE(target.area(), std::size_t{2});
}

QTEST_GUILESS_MAIN(TestMaskEdit)
#include "tst_maskedit.moc"
