// Mask outlines: every pixel edge between inside and outside, holes included, merged into runs,
// the same whether the bounding box is given or not; the tiles of a tiling together give every
// edge exactly once. The current mask's overlay: fill, edge pixels in the outline colour.
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QtTest>

#include <QRandomGenerator>

#include "core/document/imageconvert.h"
#include "ui/maskoutline.h"
#include "ui/objectslayer.h"

using namespace samdesk;

namespace {

BinaryMask rectMask(int w, int h, QRect inside, QRect hole = QRect()) {
    BinaryMask m(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.set(x, y, inside.contains(x, y) && !hole.contains(x, y));
    return m;
}

qreal pathLength(const QPainterPath& p) {
    qreal total = 0;
    QPointF last;
    for (int i = 0; i < p.elementCount(); ++i) {
        const auto e = p.elementAt(i);
        if (e.isLineTo())
            total += QLineF(last, QPointF(e.x, e.y)).length();
        last = QPointF(e.x, e.y);
    }
    return total;
}

int segments(const QPainterPath& p) {
    int n = 0;
    for (int i = 0; i < p.elementCount(); ++i)
        n += p.elementAt(i).isLineTo();
    return n;
}

// The unit edges of a path of axis-aligned runs, as "x,y,h" (h: horizontal), with repeats.
QStringList unitEdges(const QPainterPath& p) {
    QStringList out;
    QPointF last;
    for (int i = 0; i < p.elementCount(); ++i) {
        const auto e = p.elementAt(i);
        const QPointF at(e.x, e.y);
        if (e.isLineTo()) {
            const bool h = at.y() == last.y();
            const int from = int(h ? std::min(last.x(), at.x()) : std::min(last.y(), at.y()));
            const int to = int(h ? std::max(last.x(), at.x()) : std::max(last.y(), at.y()));
            for (int k = from; k < to; ++k)
                out << (h ? QStringLiteral("%1,%2,h").arg(k).arg(int(at.y()))
                          : QStringLiteral("%1,%2,v").arg(int(at.x())).arg(k));
        }
        last = at;
    }
    return out;
}

}  // namespace

class TestMaskOutline : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rectangle();
    void ringKeepsItsHole();
    void touchesTheBorder();
    void emptyMask();
    void tilesGiveEveryEdgeOnce_data();
    void tilesGiveEveryEdgeOnce();
    void speckleIsLeftToTheFillZoomedOut();
    void overlayMarksEdgePixels_data();
    void overlayMarksEdgePixels();
};

void TestMaskOutline::rectangle() {
    const BinaryMask m = rectMask(20, 10, QRect(3, 2, 5, 4));
    const QPainterPath p = maskOutline(m);
    QCOMPARE(segments(p), 4);  // runs are merged: one segment per side
    QCOMPARE(pathLength(p), qreal(2 * (5 + 4)));
    QCOMPARE(p.boundingRect(), QRectF(3, 2, 5, 4));
    QCOMPARE(pathLength(maskOutline(m, QRect(3, 2, 5, 4))), qreal(18));
}

void TestMaskOutline::ringKeepsItsHole() {
    const BinaryMask m = rectMask(20, 20, QRect(2, 2, 10, 10), QRect(5, 5, 3, 3));
    const QPainterPath p = maskOutline(m);
    QCOMPARE(segments(p), 8);
    QCOMPARE(pathLength(p), qreal(40 + 12));
    QCOMPARE(maskOutline(m, QRect(2, 2, 10, 10)), p);
}

void TestMaskOutline::touchesTheBorder() {
    const BinaryMask m = rectMask(6, 4, QRect(0, 0, 6, 4));
    QCOMPARE(pathLength(maskOutline(m)), qreal(20));
}

void TestMaskOutline::emptyMask() {
    QVERIFY(maskOutline(BinaryMask(8, 8)).isEmpty());
    QVERIFY(maskOutline(BinaryMask()).isEmpty());
}

void TestMaskOutline::tilesGiveEveryEdgeOnce_data() {
    QTest::addColumn<int>("tile");
    QTest::newRow("1") << 1;
    QTest::newRow("5") << 5;
    QTest::newRow("8") << 8;
    QTest::newRow("larger than the mask") << 64;
}

void TestMaskOutline::tilesGiveEveryEdgeOnce() {
    QFETCH(int, tile);
    // Blobs touching every border, with holes and single pixels.
    BinaryMask m(37, 23);
    for (int y = 0; y < m.height(); ++y)
        for (int x = 0; x < m.width(); ++x)
            m.set(x, y, ((x * 7 + y * 13) % 11 < 4) || (x < 3 && y > 15) || x == 36 || y == 0);
    QStringList whole = unitEdges(maskOutline(m));
    QStringList tiled;
    for (int ty = 0; ty < m.height(); ty += tile)
        for (int tx = 0; tx < m.width(); tx += tile)
            tiled << unitEdges(maskOutlineTile(m, QRect(tx, ty, tile, tile)));
    QVERIFY(whole.size() > 200);
    whole.sort();
    tiled.sort();
    QCOMPARE(tiled, whole);  // the same edges, none twice
}

// A solid disc and a speckled square in the objects layer: at 1:1 and above every outline tile is
// stroked; zoomed out the speckle's tiles are not (its fill shows it), the disc's still are.
void TestMaskOutline::speckleIsLeftToTheFillZoomedOut() {
    const int W = ObjectsLayer::kTile * 2, H = ObjectsLayer::kTile;
    BinaryMask disc(W, H), speckle(W, H);
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            const int dx = x - 128, dy = y - 128;
            disc.set(x, y, dx * dx + dy * dy < 100 * 100);
            speckle.set(x, y, x >= ObjectsLayer::kTile && ((x * 7 + y * 13) % 5 == 0));
        }
    ObjectsLayer layer;
    layer.sync({{1, &disc, Qt::red}, {2, &speckle, Qt::blue}}, QSize(W, H), 0);
    const auto strokedAt = [&](double scale) {
        QImage target(int(W * scale) + 1, int(H * scale) + 1, QImage::Format_ARGB32_Premultiplied);
        target.fill(Qt::transparent);
        QPainter painter(&target);
        painter.scale(scale, scale);
        QStyleOptionGraphicsItem option;
        option.exposedRect = QRectF(0, 0, W, H);
        layer.paint(&painter, &option, nullptr);
        return layer.lastStrokedTiles();
    };
    const int all = strokedAt(1.0);
    QVERIFY(all >= 2);  // the disc's tile and the speckle's
    QCOMPARE(strokedAt(2.0), all);
    const int zoomedOut = strokedAt(0.25);
    QVERIFY(zoomedOut >= 1);   // the disc
    QVERIFY(zoomedOut < all);  // not the speckle
}

void TestMaskOutline::overlayMarksEdgePixels_data() {
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("percent");  // of the pixels inside
    QTest::newRow("1x1") << 1 << 1 << 100;
    QTest::newRow("2x1") << 2 << 1 << 50;
    QTest::newRow("1x7") << 1 << 7 << 60;
    QTest::newRow("3x3") << 3 << 3 << 70;
    QTest::newRow("speckle 61x37") << 61 << 37 << 50;
    QTest::newRow("dense 64x48") << 64 << 48 << 90;
    QTest::newRow("empty 9x5") << 9 << 5 << 0;
}

// maskToOverlay (one branch-free pass) against the rule written out pixel by pixel: transparent
// outside; the outline colour where one of the four neighbours is outside (the image border is
// no edge); the fill elsewhere. paintMask onto a transparent image agrees.
void TestMaskOutline::overlayMarksEdgePixels() {
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, percent);
    QRandomGenerator rng(width * 131 + height);
    BinaryMask m(width, height);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            m.set(x, y, int(rng.bounded(100)) < percent);
    const QColor fill(30, 144, 255, 110), outline(255, 214, 0);
    const QImage overlay = maskToOverlay(m, fill, outline);
    QCOMPARE(overlay.size(), QSize(width, height));
    QCOMPARE(overlay.format(), QImage::Format_ARGB32_Premultiplied);
    QImage painted(width, height, QImage::Format_ARGB32_Premultiplied);
    painted.fill(Qt::transparent);
    paintMask(painted, m, fill, outline);
    auto inside = [&](int x, int y) {
        return x < 0 || y < 0 || x >= width || y >= height || m.at(x, y);
    };
    int edges = 0, fills = 0;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            QRgb want = 0;
            if (m.at(x, y)) {
                const bool edge = !inside(x - 1, y) || !inside(x + 1, y) || !inside(x, y - 1) ||
                                  !inside(x, y + 1);
                want = qPremultiply((edge ? outline : fill).rgba());
                (edge ? edges : fills) += 1;
            }
            QCOMPARE(reinterpret_cast<const QRgb*>(overlay.constScanLine(y))[x], want);
            QCOMPARE(reinterpret_cast<const QRgb*>(painted.constScanLine(y))[x], want);
        }
    if (percent == 50 && width > 8)
        QVERIFY(edges > 0 && fills > 0);  // both kinds were checked
}

QTEST_MAIN(TestMaskOutline)
#include "tst_maskoutline.moc"
