// Quantised logits: the mask at a threshold equals `logit > threshold` for every 1/16 step, so
// the default threshold reproduces the reference's strict `logits > 0`.
#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

#include "core/engine/logitmap.h"

using namespace samdesk;

class TestLogitMap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void thresholdIsStrict_data();
    void thresholdIsStrict();
    void clampsOutOfRange();
    void fromMask();
    void bulkMatchesQuantise();
};

void TestLogitMap::thresholdIsStrict_data() {
    QTest::addColumn<float>("logit");
    QTest::addColumn<float>("threshold");
    QTest::addColumn<bool>("inside");
    QTest::newRow("zero at 0") << 0.f << 0.f << false;
    QTest::newRow("tiny positive at 0") << 1e-6f << 0.f << true;
    QTest::newRow("tiny negative at 0") << -1e-6f << 0.f << false;
    QTest::newRow("1.0 at 1.0") << 1.f << 1.f << false;
    QTest::newRow("1.01 at 1.0") << 1.01f << 1.f << true;
    QTest::newRow("-2.5 at -2.5") << -2.5f << -2.5f << false;
    QTest::newRow("-2.49 at -2.5") << -2.49f << -2.5f << true;
    QTest::newRow("3.1 at 3.0625") << 3.1f << 3.0625f << true;
    QTest::newRow("3.0 at 3.0625") << 3.f << 3.0625f << false;
}

void TestLogitMap::thresholdIsStrict() {
    QFETCH(float, logit);
    QFETCH(float, threshold);
    QFETCH(bool, inside);
    const float values[2] = {logit, -100.f};
    const LogitMap map = LogitMap::fromLogits(2, 1, values);
    QCOMPARE(map.inside(0, 0, threshold), inside);
    QCOMPARE(map.inside(1, 0, threshold), false);
    QCOMPARE(map.mask(threshold)[0], std::uint8_t(inside ? 1 : 0));
    QCOMPARE(map.area(threshold), std::int64_t(inside ? 1 : 0));
}

void TestLogitMap::clampsOutOfRange() {
    const float values[3] = {100.f, -100.f, std::numeric_limits<float>::quiet_NaN()};
    const LogitMap map = LogitMap::fromLogits(3, 1, values);
    QCOMPARE(map.steps()[0], std::int8_t(127));
    QCOMPARE(map.steps()[1], std::int8_t(-128));
    QCOMPARE(map.steps()[2], std::int8_t(-128));
    // Thresholds beyond +-8 are clamped: -8 selects everything, +8 nothing.
    QCOMPARE(map.area(-20.f), std::int64_t(3));
    QCOMPARE(map.area(7.9f), std::int64_t(1));
    QCOMPARE(map.area(20.f), std::int64_t(0));
}

void TestLogitMap::fromMask() {
    const std::uint8_t mask[4] = {0, 1, 255, 0};
    const LogitMap map = LogitMap::fromMask(2, 2, mask);
    QCOMPARE(map.mask(0.f), (std::vector<std::uint8_t>{0, 1, 1, 0}));
    QCOMPARE(map.area(-7.f), std::int64_t(2));
    QCOMPARE(map.area(7.f), std::int64_t(2));
}

// fromLogits() (the vectorised loop) agrees with quantise() on every step boundary, on both
// sides of it, and on the extremes.
void TestLogitMap::bulkMatchesQuantise() {
    std::vector<float> values;
    for (int k = -200 * 16; k <= 200 * 16; ++k) {
        const float at = float(k) / 16.f;
        values.insert(values.end(), {at, std::nextafter(at, -1e9f), std::nextafter(at, 1e9f)});
    }
    std::mt19937 rng(7);
    std::normal_distribution<float> normal(0.f, 20.f);
    for (int i = 0; i < 100000; ++i)
        values.push_back(normal(rng));
    const float inf = std::numeric_limits<float>::infinity();
    values.insert(values.end(),
                  {inf, -inf, std::numeric_limits<float>::quiet_NaN(), 0.f, -0.f,
                   std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest(),
                   std::numeric_limits<float>::denorm_min()});
    const LogitMap map = LogitMap::fromLogits(int(values.size()), 1, values.data());
    int mismatches = 0;
    for (std::size_t i = 0; i < values.size(); ++i)
        if (map.steps()[i] != LogitMap::quantise(values[i]))
            ++mismatches;
    QCOMPARE(mismatches, 0);
}

QTEST_GUILESS_MAIN(TestLogitMap)
#include "tst_logitmap.moc"
