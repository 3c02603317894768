// Segment everything's records as annotation values (core/annotation/automaskshapes.h): the mask
// from the record's runs (whole image and box crop) equals the mask the runs were made from; the
// display outline rasterises back to the mask with its holes filled when exact, and covers it on
// a bounded grid when the box is large; the object keeps its point as prompts only for a record
// of the whole image's grid that no clean-up changed.
#include <QtTest>

#include <random>

#include "core/annotation/automaskshapes.h"
#include "core/annotation/maskedit.h"
#include "core/annotation/rle.h"

using namespace samdesk;

namespace {

AutoMask recordOf(const BinaryMask& m) {
    AutoMask r;
    r.width = m.width();
    r.height = m.height();
    r.counts = encodeRle(m).counts;
    r.area = std::int64_t(m.area());
    const PixelRect b = m.boundingBox();
    r.bbox = {b.x, b.y, b.width - 1, b.height - 1};
    r.cropBox = {0, 0, m.width(), m.height()};
    return r;
}

// Random blobs, some with holes, on a w x h mask.
BinaryMask blobs(int w, int h, unsigned seed) {
    std::mt19937 rng(seed);
    BinaryMask m(w, h);
    for (int k = 0; k < 6; ++k) {
        const int cx = int(rng() % unsigned(w)), cy = int(rng() % unsigned(h));
        const int r = 2 + int(rng() % 9u);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
                    m.set(x, y, k % 3 != 2);  // every third blob cuts a hole
    }
    return m;
}

}  // namespace

class TestAutoMaskShapes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void masksFromTheRuns();
    void exactOutlineFillsBackToTheMask();
    void boundedOutlineCoversTheMask();
    void objectsKeepPromptsThatRemakeThem();
};

void TestAutoMaskShapes::masksFromTheRuns() {
    for (unsigned seed = 1; seed <= 20; ++seed) {
        const BinaryMask m = blobs(37, 23, seed);
        if (m.isEmpty())
            continue;
        const AutoMask r = recordOf(m);
        QVERIFY(autoMaskToBinary(r) == m);
        const BinaryMask crop = autoMaskBoxCrop(r);
        const PixelRect b = m.boundingBox();
        QCOMPARE(crop.width(), b.width);
        QCOMPARE(crop.height(), b.height);
        QVERIFY(crop == cropMask(m, b));
        QCOMPARE(decodeColumnRle(r.counts, 37, 23), m.bytes());
        for (int y = 0; y < 23; ++y)
            for (int x = 0; x < 37; ++x)
                QCOMPARE(columnRleAt(r.counts, 23, x, y), m.at(x, y));
    }
    AutoMask empty = recordOf(BinaryMask(5, 4));
    QVERIFY(autoMaskBoxCrop(empty).isNull());
    QVERIFY(autoMaskOutline(empty).empty());
}

void TestAutoMaskShapes::exactOutlineFillsBackToTheMask() {
    for (unsigned seed = 1; seed <= 30; ++seed) {
        const BinaryMask m = blobs(41, 29, seed);
        if (m.isEmpty())
            continue;
        const auto rings = autoMaskOutline(recordOf(m));
        QVERIFY(!rings.empty());
        BinaryMask filled = m;
        fillHoles(filled);
        QVERIFY2(rasterizePolygons(rings, 41, 29, PolygonRaster::CentreSampling) == filled,
                 qPrintable(QString("seed %1").arg(seed)));
    }
}

void TestAutoMaskShapes::boundedOutlineCoversTheMask() {
    // A 300 x 120 box traced with at most 64 cells on a side: cells of 5 pixels.
    BinaryMask m(320, 130);
    std::mt19937 rng(5);
    for (int y = 5; y < 125; ++y)
        for (int x = 10; x < 310; ++x)
            m.set(x, y, rng() % 3 == 0);  // speckle, as random weights make
    m.set(10, 5, true);                   // the box's corners
    m.set(309, 124, true);
    const AutoMask r = recordOf(m);
    const auto rings = autoMaskOutline(r, 64);
    QVERIFY(!rings.empty());
    std::size_t vertices = 0;
    for (const Polygon& ring : rings)
        for (const PointF& v : ring) {
            ++vertices;
            // On the grid of 5-pixel cells from the box's corner, inside the box.
            QCOMPARE(std::fmod(v.x - r.bbox[0], 5.0) == 0.0 || v.x == r.bbox[0] + r.bbox[2] + 1,
                     true);
            QVERIFY(v.x >= r.bbox[0] && v.x <= r.bbox[0] + r.bbox[2] + 1);
            QVERIFY(v.y >= r.bbox[1] && v.y <= r.bbox[1] + r.bbox[3] + 1);
        }
    const BinaryMask drawn = rasterizePolygons(rings, 320, 130, PolygonRaster::CentreSampling);
    for (int y = 0; y < 130; ++y)
        for (int x = 0; x < 320; ++x)
            if (m.at(x, y))
                QVERIFY(drawn.at(x, y));
    // Fewer vertices than the exact trace of the speckle.
    std::size_t exact = 0;
    for (const Polygon& ring : autoMaskOutline(r, 0))
        exact += ring.size();
    QVERIFY2(vertices < exact / 4, qPrintable(QString("%1 vs %2").arg(vertices).arg(exact)));
}

void TestAutoMaskShapes::objectsKeepPromptsThatRemakeThem() {
    const BinaryMask m = blobs(40, 30, 3);
    AutoMask r = recordOf(m);
    r.predictedIou = 0.91;
    r.pointX = 12.5;
    r.pointY = 7.25;
    r.candidate = 2;
    const AnnotationObject o = autoMaskObject(r, 7, "cell", "SAM vit_b", "abc");
    QCOMPARE(o.id, 7);
    QCOMPARE(o.label, std::string("cell"));
    QVERIFY(o.mask == m);
    QCOMPARE(o.source, std::string(source::kEverything));
    QCOMPARE(o.score, 0.91);
    QVERIFY(!o.handEdited);
    QVERIFY(o.prompts.has_value());
    QCOMPARE(int(o.prompts->points.size()), 1);
    QCOMPARE(o.prompts->points[0], (PromptPoint{12.5, 7.25, true}));
    QCOMPARE(o.prompts->candidate, 2);
    QCOMPARE(o.prompts->threshold, 0.0);
    QVERIFY(!o.prompts->maskInput);
    QCOMPARE(o.prompts->engine, std::string("SAM vit_b"));
    QCOMPARE(o.prompts->checkpoint, std::string("abc"));
    // A cleaned record, or one of a crop, is not what a click gives: no prompts.
    AutoMask cleaned = r;
    cleaned.cleaned = true;
    QVERIFY(!autoMaskObject(cleaned, 1, "", "", "").prompts);
    AutoMask cropped = r;
    cropped.cropBox = {0, 0, 20, 30};
    QVERIFY(!autoMaskObject(cropped, 1, "", "", "").prompts);
}

QTEST_GUILESS_MAIN(TestAutoMaskShapes)
#include "tst_automaskshapes.moc"
