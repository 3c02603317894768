// Segment everything through the engine interface (Segmenter::segmentEverything), as the app runs
// it on the session of the image it shows: on the tiny fixture the SAM engine gives the
// generator's own records (core/sam, checked against the original in tests/model/tst_amg.cpp)
// without encoding the image again; a record of the whole image's grid that was not cleaned up
// is what a click at its point gives as its candidate (so an accepted proposal keeps prompts that
// remake it); crop layers leave the session usable for clicks; a region session, another
// engine's session and GrabCut are refused; Cancel stops it.
#include <QtTest>

#include "tests/engine/testrgb.h"

#include <atomic>
#include <set>

#include "core/annotation/automaskshapes.h"
#include "core/engine/grabcutengine.h"
#include "core/engine/samengine.h"
#include "core/sam/predictor/automaskgenerator.h"

using namespace samdesk;

namespace {

const QString kData = QStringLiteral(SAMDESK_TEST_DATA "/samv1-tiny/");
const std::string kCheckpoint = std::string(SAMDESK_TEST_DATA) + "/samv1-tiny/checkpoint.pth";

// Every mask survives (the fixture's random weights score low): amg_expected_all.json's
// parameters without its crop layer and clean-up, or with them.
AutoMaskParams everyMask(bool cropsAndCleanup) {
    AutoMaskParams p;
    p.pointsPerSide = 8;
    p.predIouThresh = 0;
    p.stabilityScoreThresh = 0;
    p.boxNmsThresh = 1.5;
    p.cropNmsThresh = 1.5;
    if (cropsAndCleanup) {
        p.cropNLayers = 1;
        p.minMaskRegionArea = 20;
    }
    return p;
}

ImageView viewOf(const RgbImage& image) {
    ImageView view;
    view.data = image.data();
    view.width = image.width;
    view.height = image.height;
    view.channels = 3;
    view.strideBytes = image.rowBytes();
    view.order = PixelOrder::Rgb;
    return view;
}

std::unique_ptr<SamEngine> loadEngine() {
    SamEngineOptions options;
    options.dtype = "float32";
    auto engine = SamEngine::load(kCheckpoint, options);
    if (!engine)
        qFatal("%s", engine.error().message.c_str());
    return std::move(engine.value());
}

}  // namespace

class TestEngineEverything : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sameRecordsAsTheGenerator_data();
    void sameRecordsAsTheGenerator();
    void candidateIsTheClicksMask();
    void cropLayersKeepTheSessionForClicks();
    void refusals();
    void cancel();

private:
    RgbImage m_image;
    std::unique_ptr<SamEngine> m_engine;
    std::shared_ptr<ImageSession> m_session;
};

void TestEngineEverything::initTestCase() {
    m_image = test::loadRgb(kData + "image_a.png");
    QVERIFY(!m_image.empty());
    m_engine = loadEngine();
    auto session = m_engine->encode(m_image, {});
    QVERIFY2(session.ok(), session.ok() ? "" : session.error().message.c_str());
    m_session = session.value();
}

void TestEngineEverything::sameRecordsAsTheGenerator_data() {
    QTest::addColumn<bool>("crops");
    QTest::newRow("whole image") << false;
    QTest::newRow("crop layer and clean-up") << true;
}

void TestEngineEverything::sameRecordsAsTheGenerator() {
    QFETCH(bool, crops);
    const AutoMaskParams params = everyMask(crops);
    std::vector<std::pair<int, int>> steps;
    EncodeControl control;
    control.progress = [&](int done, int total) { steps.emplace_back(done, total); };
    const auto ours = m_engine->segmentEverything(*m_session, m_image, params, control);
    QVERIFY2(ours.ok(), ours.ok() ? "" : ours.error().message.c_str());

    PredictorOptions po;
    po.dtype = "float32";
    auto predictor = Predictor::load(kCheckpoint, po);
    QVERIFY(predictor.ok());
    const auto theirs = AutoMaskGenerator(*predictor.value(), params).generate(viewOf(m_image));
    QVERIFY(theirs.ok());
    QVERIFY(ours->masks.size() >= 10);
    QCOMPARE(ours->masks.size(), theirs->masks.size());
    for (std::size_t i = 0; i < ours->masks.size(); ++i) {
        const AutoMask &a = ours->masks[i], &b = theirs->masks[i];
        QCOMPARE(a.counts, b.counts);
        QCOMPARE(a.bbox, b.bbox);
        QCOMPARE(a.cropBox, b.cropBox);
        QCOMPARE(a.candidate, b.candidate);
        QCOMPARE(a.cleaned, b.cleaned);
        QCOMPARE(a.predictedIou, b.predictedIou);
        QVERIFY(a.candidate >= 0 && a.candidate < 3);
    }
    // Progress ends at its total; without crops the whole image is not encoded again (one step
    // for the encoder, then the decoder batches: 64 points in one batch).
    QVERIFY(!steps.empty());
    QCOMPARE(steps.back().first, steps.back().second);
    if (!crops)
        QCOMPARE(ours->stats.points, 64);
    // The clean-up marks what it changed.
    const auto cleaned = std::count_if(ours->masks.begin(), ours->masks.end(),
                                       [](const AutoMask& m) { return m.cleaned; });
    if (!crops)
        QCOMPARE(cleaned, 0);
}

void TestEngineEverything::candidateIsTheClicksMask() {
    const auto result = m_engine->segmentEverything(*m_session, m_image, everyMask(false), {});
    QVERIFY(result.ok());
    int checked = 0;
    std::set<int> candidates;
    for (const AutoMask& m : result->masks) {
        candidates.insert(m.candidate);
        PromptSet click;
        click.points.push_back({m.pointX, m.pointY, true});
        const auto decoded = m_engine->predict(*m_session, click);
        QVERIFY(decoded.ok());
        QCOMPARE(int(decoded->candidates.size()), 3);
        const LogitMap logits = decoded->fullLogits(m.candidate);
        const BinaryMask expected = autoMaskToBinary(m);
        std::int64_t differ = 0;
        for (int y = 0; y < expected.height(); ++y)
            for (int x = 0; x < expected.width(); ++x)
                differ += logits.inside(x, y, 0.f) != expected.at(x, y);
        // The app's logits are quantised (LogitMap): pixels at the cut may flip, no more.
        QVERIFY2(
            differ <= std::max<std::int64_t>(4, m.area / 200),
            qPrintable(
                QString("mask %1: %2 of %3 pixels differ").arg(checked).arg(differ).arg(m.area)));
        ++checked;
    }
    QVERIFY(checked >= 10);
    QVERIFY(candidates.size() > 1);  // not always the first candidate
}

void TestEngineEverything::cropLayersKeepTheSessionForClicks() {
    PromptSet click;
    click.points.push_back({100.5, 80.5, true});
    const auto before = m_engine->predict(*m_session, click);
    QVERIFY(before.ok());
    const auto run = m_engine->segmentEverything(*m_session, m_image, everyMask(true), {});
    QVERIFY(run.ok());
    QVERIFY(run->stats.crops > 1);
    const auto after = m_engine->predict(*m_session, click);
    QVERIFY(after.ok());
    for (int c = 0; c < 3; ++c) {
        QCOMPARE(after->candidates[c].lowRes.values, before->candidates[c].lowRes.values);
        QCOMPARE(after->candidates[c].score, before->candidates[c].score);
    }
}

void TestEngineEverything::refusals() {
    // A region session: the generator needs the whole image's.
    auto region = m_engine->encodeRegion(m_image, {10, 10, 60, 50}, {});
    QVERIFY(region.ok());
    auto r = m_engine->segmentEverything(*region.value(), m_image, everyMask(false), {});
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind, Error::Kind::InvalidInput);
    QVERIFY(QString::fromStdString(r.error().message).contains("whole image"));
    // Another engine's session.
    auto other = loadEngine();
    r = other->segmentEverything(*m_session, m_image, everyMask(false), {});
    QVERIFY(!r.ok());
    QVERIFY(QString::fromStdString(r.error().message).contains("another engine"));
    // Bad parameters name the parameter.
    AutoMaskParams bad = everyMask(false);
    bad.pointsPerSide = 0;
    r = m_engine->segmentEverything(*m_session, m_image, bad, {});
    QVERIFY(!r.ok());
    QVERIFY(QString::fromStdString(r.error().message).contains("points_per_side"));
    // Another image's pixels.
    RgbImage smaller = test::loadRgb(kData + "image_b.png");
    if (smaller.width != m_image.width || smaller.height != m_image.height) {
        r = m_engine->segmentEverything(*m_session, smaller, everyMask(false), {});
        QVERIFY(!r.ok());
    }
    // GrabCut has no generator.
    GrabCutEngine grabCut;
    auto gc = grabCut.encode(m_image, {});
    QVERIFY(gc.ok());
    r = grabCut.segmentEverything(*gc.value(), m_image, everyMask(false), {});
    QVERIFY(!r.ok());
    QVERIFY(QString::fromStdString(r.error().message).contains("SAM checkpoint"));
}

void TestEngineEverything::cancel() {
    std::atomic<bool> stop{false};
    EncodeControl control;
    control.cancel = &stop;
    int calls = 0;
    control.progress = [&](int, int) {
        if (++calls == 2)
            stop = true;  // after the first decoder batch starts
    };
    AutoMaskParams p = everyMask(true);
    const auto r = m_engine->segmentEverything(*m_session, m_image, p, control);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind, Error::Kind::Cancelled);
    // The session still decodes.
    PromptSet click;
    click.points.push_back({50.5, 50.5, true});
    QVERIFY(m_engine->predict(*m_session, click).ok());
}

QTEST_GUILESS_MAIN(TestEngineEverything)
#include "tst_engineeverything.moc"
