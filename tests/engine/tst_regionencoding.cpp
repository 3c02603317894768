// Region encoding through the SAM engine, judged by the predictor on the cropped image: the
// same candidates and scores, and every mask pixel of the region where the predictor on the
// crop puts it (shifted into the image's frame), nothing outside the region, at full size and
// in a scaled view; prompts outside the region are errors; GrabCut refuses a region.
#include <QImage>
#include <QtTest>

#include "tests/engine/testrgb.h"

#include "core/engine/grabcutengine.h"
#include "core/engine/samengine.h"
#include "core/sam/predictor/predictor.h"
#include "core/sam/predictor/regioncrop.h"

using namespace samdesk;

namespace {

const QString kData = QStringLiteral(SAMDESK_TEST_DATA "/samv1-tiny/");

RgbImage loadRgb(const QString& name) {
    return test::loadRgb(kData + name);
}

// The region's pixels copied into an image of their own (what a user would crop by hand).
RgbImage crop(const RgbImage& image, const ImageRegion& r) {
    RgbImage out{r.width, r.height, {}, nullptr, 0, {}};
    for (int y = r.y; y < r.y + r.height; ++y) {
        const auto* row = image.pixels.data() + (std::size_t(y) * image.width + r.x) * 3;
        out.pixels.insert(out.pixels.end(), row, row + std::size_t(r.width) * 3);
    }
    return out;
}

}  // namespace

class TestRegionEncoding : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void regionMatchesThePredictorOnTheCrop_data();
    void regionMatchesThePredictorOnTheCrop();
    void promptsOutsideAreErrors();
    void regionsAreChecked();

private:
    std::unique_ptr<SamEngine> m_engine;
    std::unique_ptr<Predictor> m_predictor;
    RgbImage m_image;
};

void TestRegionEncoding::initTestCase() {
    SamEngineOptions o;
    o.dtype = "float32";
    auto engine = SamEngine::load((kData + "checkpoint.pth").toStdString(), o);
    QVERIFY2(engine.ok(), engine.ok() ? "" : engine.error().message.c_str());
    m_engine = std::move(engine.value());
    PredictorOptions po;
    po.dtype = "float32";
    auto predictor = Predictor::load((kData + "checkpoint.pth").toStdString(), po);
    QVERIFY(predictor.ok());
    m_predictor = std::move(predictor.value());
    m_image = loadRgb("image_a.png");
    QCOMPARE(m_image.width, 256);
}

void TestRegionEncoding::regionMatchesThePredictorOnTheCrop_data() {
    QTest::addColumn<int>("x");
    QTest::addColumn<int>("y");
    QTest::addColumn<int>("w");
    QTest::addColumn<int>("h");
    QTest::addColumn<bool>("withBox");
    QTest::newRow("middle, a point") << 40 << 30 << 160 << 120 << false;
    QTest::newRow("corner, point and box") << 0 << 0 << 100 << 150 << true;
    QTest::newRow("right edge, tall") << 180 << 10 << 76 << 182 << false;
}

void TestRegionEncoding::regionMatchesThePredictorOnTheCrop() {
    QFETCH(int, x);
    QFETCH(int, y);
    QFETCH(int, w);
    QFETCH(int, h);
    QFETCH(bool, withBox);
    const ImageRegion region{x, y, w, h};
    PromptSet prompts;  // in the image's pixels
    prompts.points = {{x + w * 0.5, y + h * 0.4, true}};
    if (withBox)
        prompts.box = PromptBox{x + 5.0, y + 5.0, x + w - 10.0, y + h - 20.0};
    prompts.multimask = !withBox;

    auto session = m_engine->encodeRegion(m_image, region, {});
    QVERIFY2(session.ok(), session.ok() ? "" : session.error().message.c_str());
    QCOMPARE((*session)->width(), 256);
    QCOMPARE((*session)->height(), 192);
    QVERIFY((*session)->region() == region);
    auto result = m_engine->predict(**session, prompts);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());

    // The reference: the predictor on the cropped pixels, with the prompts moved by hand.
    const RgbImage cropped = crop(m_image, region);
    ImageView view;
    view.data = cropped.pixels.data();
    view.width = w;
    view.height = h;
    view.order = PixelOrder::Rgb;
    QVERIFY(m_predictor->setImage(view).ok());
    PromptSet moved = prompts;
    moved.points[0].x -= x;
    moved.points[0].y -= y;
    if (moved.box)
        *moved.box = {moved.box->x0 - x, moved.box->y0 - y, moved.box->x1 - x, moved.box->y1 - y};
    auto reference = m_predictor->predict(moved);
    QVERIFY(reference.ok());
    QCOMPARE(int(result->candidates.size()), reference->lowRes.count);

    const std::size_t plane = std::size_t(w) * h;
    for (int c = 0; c < reference->lowRes.count; ++c) {
        QVERIFY(std::abs(result->candidates[std::size_t(c)].score - reference->lowRes.iou[c]) <
                1e-5f);
        const LogitMap full = result->fullLogits(c);
        QCOMPARE(full.width(), 256);
        QCOMPARE(full.height(), 192);
        long inside = 0, mismatches = 0, outsideSet = 0;
        for (int py = 0; py < 192; ++py)
            for (int px = 0; px < 256; ++px) {
                const bool set = full.inside(px, py, 0.f);
                if (px < x || py < y || px >= x + w || py >= y + h) {
                    outsideSet += set;
                    continue;
                }
                const float ref = reference->logits[plane * c + std::size_t(py - y) * w + (px - x)];
                inside += ref > 0;
                mismatches += set != (ref > 0);
            }
        QCOMPARE(outsideSet, 0L);
        QCOMPARE(mismatches, 0L);
        QVERIFY(inside > 0);

        // A view at half size: the region's part only, within a pixel of its scaled place.
        const LogitMap half = result->upscaler->upscale(result->candidates[std::size_t(c)].lowRes,
                                                        128, 96, {0, 0, 128, 96});
        long halfOutside = 0;
        for (int py = 0; py < 96; ++py)
            for (int px = 0; px < 128; ++px)
                if (half.inside(px, py, 0.f) &&
                    (px < x / 2 - 1 || py < y / 2 - 1 || px > (x + w) / 2 || py > (y + h) / 2))
                    ++halfOutside;
        QCOMPARE(halfOutside, 0L);
        long agree = 0, total = 0;
        for (int py = y / 2 + 1; py < (y + h) / 2 - 1; ++py)
            for (int px = x / 2 + 1; px < (x + w) / 2 - 1; ++px) {
                ++total;
                agree += half.inside(px, py, 0.f) == full.inside(2 * px + 1, 2 * py + 1, 0.f);
            }
        // The same mask, not only in the same place: a view is the full-size mask resampled
        // (bilinear from the low-res logits, not a subsampling of the full-size mask, so the
        // tiny random-weights model's noisy edges differ on 5-16% of the pixels).
        QVERIFY2(agree >= total * 8 / 10,
                 qPrintable(QStringLiteral("%1 of %2 pixels agree").arg(agree).arg(total)));
    }
}

void TestRegionEncoding::promptsOutsideAreErrors() {
    auto session = m_engine->encodeRegion(m_image, {40, 30, 100, 80}, {});
    QVERIFY(session.ok());
    PromptSet outside;
    outside.points = {{20.0, 20.0, true}};
    auto r = m_engine->predict(**session, outside);
    QVERIFY(!r.ok());
    QVERIFY(QString::fromStdString(r.error().message).contains("outside the region (40, 30)"));
    PromptSet box;
    box.box = PromptBox{50, 40, 200, 100};
    QVERIFY(!m_engine->predict(**session, box).ok());
}

void TestRegionEncoding::regionsAreChecked() {
    QVERIFY(!m_engine->encodeRegion(m_image, {200, 0, 100, 50}, {}).ok());  // past the right
    QVERIFY(!m_engine->encodeRegion(m_image, {0, 0, 0, 50}, {}).ok());      // empty
    GrabCutEngine grabCut;
    auto g = grabCut.encodeRegion(m_image, {0, 0, 50, 50}, {});
    QVERIFY(!g.ok());
    QCOMPARE(g.error().kind, Error::Kind::InvalidInput);
    auto parsed = parseRegion("10,20,110,220");
    QVERIFY(parsed.ok());
    QVERIFY(*parsed == (ImageRegion{10, 20, 100, 200}));
    QVERIFY(!parseRegion("10,20,5,220").ok());
    QVERIFY(!parseRegion("10,20,110").ok());
}

QTEST_GUILESS_MAIN(TestRegionEncoding)
#include "tst_regionencoding.moc"
