// float16 packing of cached embeddings: exact values, rounding, and the special cases.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/cache/halffloat.h"

using namespace samdesk;

class TestHalfFloat : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void knownEncodings_data();
    void knownEncodings();
    void everyHalfRoundTrips();
    void roundingErrorIsBounded();
};

void TestHalfFloat::knownEncodings_data() {
    QTest::addColumn<float>("value");
    QTest::addColumn<int>("bits");
    QTest::newRow("zero") << 0.0f << 0x0000;
    QTest::newRow("minus zero") << -0.0f << 0x8000;
    QTest::newRow("one") << 1.0f << 0x3c00;
    QTest::newRow("minus two") << -2.0f << 0xc000;
    QTest::newRow("max") << 65504.0f << 0x7bff;
    QTest::newRow("overflow") << 65520.0f << 0x7c00;
    QTest::newRow("below overflow") << 65519.0f << 0x7bff;
    QTest::newRow("smallest normal") << std::ldexp(1.0f, -14) << 0x0400;
    QTest::newRow("smallest subnormal") << std::ldexp(1.0f, -24) << 0x0001;
    QTest::newRow("half of smallest subnormal ties to zero") << std::ldexp(1.0f, -25) << 0x0000;
    QTest::newRow("1 + 2^-11 ties to even (down)") << 1.0f + std::ldexp(1.0f, -11) << 0x3c00;
    QTest::newRow("1 + 3*2^-11 ties to even (up)") << 1.0f + 3 * std::ldexp(1.0f, -11) << 0x3c02;
    QTest::newRow("infinity") << std::numeric_limits<float>::infinity() << 0x7c00;
}

void TestHalfFloat::knownEncodings() {
    QFETCH(float, value);
    QFETCH(int, bits);
    QCOMPARE(int(floatToHalf(value)), bits);
}

void TestHalfFloat::everyHalfRoundTrips() {
    for (int h = 0; h < 0x10000; ++h) {
        const float f = halfToFloat(static_cast<std::uint16_t>(h));
        if (std::isnan(f)) {
            QVERIFY(std::isnan(halfToFloat(floatToHalf(f))));
            continue;
        }
        QCOMPARE(int(floatToHalf(f)), h);
    }
}

void TestHalfFloat::roundingErrorIsBounded() {
    // Relative error of float16 is at most 2^-11 in the normal range.
    double worst = 0;
    for (int i = 1; i < 200000; ++i) {
        const float v = std::sin(float(i)) * std::pow(10.0f, float(i % 7) - 3.0f);
        if (std::fabs(v) < 1e-4f)
            continue;
        const float back = halfToFloat(floatToHalf(v));
        worst = std::max(worst, std::fabs(double(back) - v) / std::fabs(double(v)));
    }
    QVERIFY2(worst <= std::ldexp(1.0, -11), qPrintable(QString::number(worst)));
    QVERIFY(worst > 0);
}

QTEST_GUILESS_MAIN(TestHalfFloat)
#include "tst_halffloat.moc"
