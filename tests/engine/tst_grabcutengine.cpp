// GrabCut engine: a click, a box, background points and the threshold on a drawn scene whose true
// masks are known (a disc, and a ring whose hole must stay out of the mask).
#include <QtTest>

#include <cmath>
#include <random>

#include "core/engine/grabcutengine.h"

using namespace samdesk;

namespace {

constexpr int kW = 320, kH = 240;
// Disc: centre (90, 120), radius 45. Ring: centre (230, 120), radii 28..55.
bool inDisc(int x, int y) {
    return std::hypot(x + 0.5 - 90, y + 0.5 - 120) <= 45;
}
bool inRing(int x, int y) {
    const double r = std::hypot(x + 0.5 - 230, y + 0.5 - 120);
    return r >= 28 && r <= 55;
}

// Green-grey noisy ground, a blue disc and a magenta ring.
RgbImage scene() {
    RgbImage img{kW, kH, std::vector<std::uint8_t>(std::size_t(kW) * kH * 3), nullptr, 0, {}};
    std::mt19937 rng(3);
    std::normal_distribution<float> noise(0.f, 8.f);
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) {
            float c[3] = {90, 140, 80};
            if (inDisc(x, y))
                c[0] = 40, c[1] = 70, c[2] = 200;
            else if (inRing(x, y))
                c[0] = 190, c[1] = 50, c[2] = 170;
            for (int k = 0; k < 3; ++k)
                img.pixels[(std::size_t(y) * kW + x) * 3 + k] =
                    std::uint8_t(std::clamp(c[k] + noise(rng), 0.f, 255.f));
        }
    return img;
}

double iou(const LogitMap& map, bool (*truth)(int, int)) {
    std::int64_t inter = 0, uni = 0;
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) {
            const bool a = map.inside(x, y, 0.f), b = truth(x, y);
            inter += a && b;
            uni += a || b;
        }
    return uni ? double(inter) / double(uni) : 0.0;
}

}  // namespace

class TestGrabCutEngine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void segmentsTheObject_data();
    void segmentsTheObject();
    void keepsTheHoleOfARing();
    void backgroundPointsAloneSelectNothing();
    void thresholdMovesTheBorder();
    void cancelledEncode();
    void rejectsEmptyPrompts();

private:
    GrabCutEngine m_engine;
    std::shared_ptr<ImageSession> m_session;
};

void TestGrabCutEngine::initTestCase() {
    int calls = 0;
    auto session = m_engine.encode(scene(), {[&](int done, int total) {
                                                 ++calls;
                                                 QCOMPARE(done, total);
                                             },
                                             nullptr});
    QVERIFY(session.ok());
    m_session = *session;
    QCOMPARE(calls, 1);
    QCOMPARE(m_session->width(), kW);
    QCOMPARE(m_session->height(), kH);
}

void TestGrabCutEngine::segmentsTheObject_data() {
    QTest::addColumn<PromptSet>("prompts");
    PromptSet click;
    click.points = {{90.5f, 120.5f, true}};
    QTest::newRow("one click") << click;
    PromptSet box;
    box.box = PromptBox{40.f, 70.f, 140.f, 170.f};
    QTest::newRow("box") << box;
    PromptSet clickAndBackground;
    clickAndBackground.points = {{80.f, 110.f, true}, {20.f, 20.f, false}, {160.f, 120.f, false}};
    QTest::newRow("click and background points") << clickAndBackground;
}

void TestGrabCutEngine::segmentsTheObject() {
    QFETCH(PromptSet, prompts);
    auto prediction = m_engine.predict(*m_session, prompts);
    QVERIFY2(prediction.ok(), prediction.ok() ? "" : prediction.error().message.c_str());
    QCOMPARE(int(prediction->candidates.size()), 1);
    const MaskCandidate& c = prediction->candidates[0];
    QVERIFY(std::isnan(c.score));
    QVERIFY(c.lowRes.empty());
    QCOMPARE(c.logits.width(), kW);
    QCOMPARE(c.logits.height(), kH);
    const double overlap = iou(c.logits, inDisc);
    QVERIFY2(overlap > 0.9, qPrintable(QString::number(overlap)));
}

void TestGrabCutEngine::keepsTheHoleOfARing() {
    PromptSet prompts;
    prompts.points = {{230.f, 80.f, true}};  // on the ring, above its hole
    auto prediction = m_engine.predict(*m_session, prompts);
    QVERIFY(prediction.ok());
    const LogitMap& m = prediction->candidates[0].logits;
    QVERIFY(!m.inside(230, 120, 0.f));  // the hole
    QVERIFY(!m.inside(90, 120, 0.f));   // the disc is another object
    const double overlap = iou(m, inRing);
    QVERIFY2(overlap > 0.85, qPrintable(QString::number(overlap)));
}

void TestGrabCutEngine::backgroundPointsAloneSelectNothing() {
    PromptSet prompts;
    prompts.points = {{20.f, 20.f, false}};
    auto prediction = m_engine.predict(*m_session, prompts);
    QVERIFY(prediction.ok());
    QCOMPARE(prediction->candidates[0].logits.area(0.f), std::int64_t(0));
}

void TestGrabCutEngine::thresholdMovesTheBorder() {
    PromptSet prompts;
    prompts.points = {{90.5f, 120.5f, true}};
    auto prediction = m_engine.predict(*m_session, prompts);
    QVERIFY(prediction.ok());
    const LogitMap& m = prediction->candidates[0].logits;
    const auto grown = m.area(-4.f), base = m.area(0.f), shrunk = m.area(4.f);
    QVERIFY(grown > base);
    QVERIFY(base > shrunk);
    // A 4-pixel band around a disc of radius ~45: roughly 2 * pi * 45 * 4 pixels either way.
    const double ring = 2 * M_PI * 45 * 4;
    QVERIFY(std::abs(double(grown - base) - ring) < 0.35 * ring);
    QVERIFY(std::abs(double(base - shrunk) - ring) < 0.35 * ring);
}

void TestGrabCutEngine::cancelledEncode() {
    std::atomic<bool> cancel{true};
    auto session = m_engine.encode(scene(), {{}, &cancel});
    QVERIFY(!session.ok());
    QCOMPARE(session.error().kind, Error::Kind::Cancelled);
}

void TestGrabCutEngine::rejectsEmptyPrompts() {
    auto prediction = m_engine.predict(*m_session, PromptSet{});
    QVERIFY(!prediction.ok());
    QCOMPARE(prediction.error().kind, Error::Kind::InvalidInput);
}

QTEST_GUILESS_MAIN(TestGrabCutEngine)
#include "tst_grabcutengine.moc"
