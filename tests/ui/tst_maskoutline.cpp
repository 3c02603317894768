// Mask outlines: every pixel edge between inside and outside, holes included, merged into runs,
// the same whether the bounding box is given or not.
#include <QtTest>

#include "ui/maskoutline.h"

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

}  // namespace

class TestMaskOutline : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rectangle();
    void ringKeepsItsHole();
    void touchesTheBorder();
    void emptyMask();
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

QTEST_GUILESS_MAIN(TestMaskOutline)
#include "tst_maskoutline.moc"
