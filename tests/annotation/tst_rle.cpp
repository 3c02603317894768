// COCO RLE: encode/decode round trips checked against a decoder written here from COCO's
// description (not the library's), hand-computed strings, and malformed input.
#include <QtTest>

#include <string>
#include <vector>

#include "core/annotation/rle.h"
#include "tests/annotation/testmasks.h"

using namespace samdesk;

Q_DECLARE_METATYPE(samdesk::BinaryMask)

namespace {

// COCO's string form, decoded independently: 6-bit characters (offset 48), 5 payload bits each,
// bit 0x20 = "more characters follow", bit 0x10 of the last = negative; counts after the second
// are deltas against the count two before. Runs alternate 0/1 starting with 0, column-major.
std::vector<std::uint8_t> referenceDecode(const std::string& s, int h, int w) {
    std::vector<long long> counts;
    std::size_t i = 0;
    while (i < s.size()) {
        long long value = 0;
        int shift = 0;
        int c = 0;
        do {
            c = s.at(i++) - 48;
            value += static_cast<long long>(c & 31) << shift;
            shift += 5;
        } while (c & 32);
        if (c & 16)
            value -= 1LL << shift;  // two's complement of the `shift`-bit number
        if (counts.size() > 2)      // COCO: deltas from the fourth count on
            value += counts[counts.size() - 2];
        counts.push_back(value);
    }
    std::vector<std::uint8_t> rowMajor(static_cast<std::size_t>(h) * w, 0);
    long long pos = 0;
    for (std::size_t k = 0; k < counts.size(); ++k) {
        for (long long n = 0; n < counts[k]; ++n, ++pos) {
            if (k % 2 == 1) {
                const long long x = pos / h, y = pos % h;
                rowMajor.at(static_cast<std::size_t>(y * w + x)) = 1;
            }
        }
    }
    if (pos != static_cast<long long>(h) * w)
        return {};  // counts do not cover the image
    return rowMajor;
}

}  // namespace

class TestRle : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void handComputedStrings();
    void largeCountsAndNegativeDeltas();
    void rejectsMalformed_data();
    void rejectsMalformed();
    void boundingBoxAndArea();
};

void TestRle::roundTrip_data() {
    using namespace testmasks;
    QTest::addColumn<BinaryMask>("mask");
    QTest::newRow("holes") << withHoles();
    QTest::newRow("several parts") << severalParts();
    QTest::newRow("border contact") << borderContact();
    QTest::newRow("one pixel top-left") << onePixel(17, 9, 0, 0);
    QTest::newRow("one pixel bottom-right") << onePixel(17, 9, 16, 8);
    QTest::newRow("one pixel middle") << onePixel(17, 9, 7, 4);
    QTest::newRow("full") << full(23, 11);
    QTest::newRow("empty") << BinaryMask(23, 11);
    QTest::newRow("1x1 full") << full(1, 1);
    QTest::newRow("1x1 empty") << BinaryMask(1, 1);
    QTest::newRow("noise") << noise(37, 29, 7);
    QTest::newRow("sparse noise") << noise(300, 200, 11, 0.01);
    QTest::newRow("big disc") << [] {
        BinaryMask m(640, 480);
        fillDisc(m, 320, 240, 200);
        return m;
    }();
}

void TestRle::roundTrip() {
    QFETCH(BinaryMask, mask);
    const std::string s = mask.toRleString();
    // The independent decoder reads back exactly the pixels.
    QCOMPARE(referenceDecode(s, mask.height(), mask.width()), mask.bytes());
    auto back = BinaryMask::fromRleString(mask.width(), mask.height(), s);
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QVERIFY(back.value() == mask);
    // Uncompressed counts: the same runs.
    const Rle rle = encodeRle(mask);
    auto fromCounts = decodeRle(rle);
    QVERIFY(fromCounts.ok());
    QVERIFY(fromCounts.value() == mask);
    std::uint64_t ones = 0;
    for (std::size_t i = 1; i < rle.counts.size(); i += 2)
        ones += rle.counts[i];
    QCOMPARE(ones, static_cast<std::uint64_t>(mask.area()));
}

void TestRle::handComputedStrings() {
    // h=4, w=3; column-major 0110 0110 0000 -> runs [1, 2, 2, 2, 5] -> deltas after the second:
    // 1, 2, 2, 0, 3 -> "12203".
    BinaryMask m(3, 4);
    for (int x = 0; x < 2; ++x) {
        m.set(x, 1, true);
        m.set(x, 2, true);
    }
    QCOMPARE(encodeRle(m).counts, (std::vector<std::uint32_t>{1, 2, 2, 2, 5}));
    QCOMPARE(m.toRleString(), std::string("12203"));
    // A full 2x2 mask starts with an empty run of zeros: [0, 4] -> "04".
    QCOMPARE(testmasks::full(2, 2).toRleString(), std::string("04"));
    // An empty 5x4 mask: [20] -> 20 = 0b10100: low 5 bits 20 has bit 0x10 set, so a second
    // character (0) follows: chars (20|0x20)+48=100 'd', then 0+48 '0'.
    QCOMPARE(BinaryMask(5, 4).toRleString(), std::string("d0"));
}

void TestRle::largeCountsAndNegativeDeltas() {
    // Counts [100, 3, 97, 0]: 100 -> 'T','3'; 3 -> '3'; 97 (no delta yet) -> 'Q','3';
    // 0 - 3 = -3 -> 'M'.
    QCOMPARE(rleCountsToString({100, 3, 97}), std::string("T33Q3"));
    QCOMPARE(rleCountsToString({100, 3, 97, 0}), std::string("T33Q3M"));
    auto counts = rleCountsFromString("T33Q3M");
    QVERIFY(counts.ok());
    QCOMPARE(counts.value(), (std::vector<std::uint32_t>{100, 3, 97, 0}));
    const std::vector<std::uint32_t> big = {4000000, 123456, 70000, 1, 2, 3000000};
    auto back = rleCountsFromString(rleCountsToString(big));
    QVERIFY(back.ok());
    QCOMPARE(back.value(), big);
}

void TestRle::rejectsMalformed_data() {
    QTest::addColumn<QString>("counts");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::newRow("too few pixels") << "12202" << 3 << 4;
    QTest::newRow("too many pixels") << "12204" << 3 << 4;
    QTest::newRow("bad character") << "12 03" << 3 << 4;
    QTest::newRow("ends inside a number") << "1220T" << 3 << 4;
    QTest::newRow("negative count") << "1M" << 3 << 4;
}

void TestRle::rejectsMalformed() {
    QFETCH(QString, counts);
    QFETCH(int, width);
    QFETCH(int, height);
    auto m = BinaryMask::fromRleString(width, height, counts.toStdString());
    QVERIFY(!m.ok());
    QCOMPARE(m.error().kind, Error::Kind::InvalidInput);
    QVERIFY(!m.error().message.empty());
}

void TestRle::boundingBoxAndArea() {
    const BinaryMask m = testmasks::severalParts();  // rect 2,3 10x7; disc at 30,25 r 8; 45,5
    const PixelRect box = m.boundingBox();
    QCOMPARE(box.x, 2);
    QCOMPARE(box.y, 3);
    QCOMPARE(box.x + box.width, 46);
    QCOMPARE(box.y + box.height, 33);
    QCOMPARE(testmasks::onePixel(9, 9, 4, 6).boundingBox(), (PixelRect{4, 6, 1, 1}));
    QVERIFY(BinaryMask(9, 9).boundingBox().isEmpty());
    QCOMPARE(BinaryMask(9, 9).area(), std::size_t{0});
    QCOMPARE(testmasks::full(7, 5).area(), std::size_t{35});
    QCOMPARE(testmasks::full(7, 5).boundingBox(), (PixelRect{0, 0, 7, 5}));
    auto bad = BinaryMask::fromBytes(3, 3, std::vector<std::uint8_t>(8, 1));
    QVERIFY(!bad.ok());
    auto good = BinaryMask::fromBytes(2, 2, {0, 7, 255, 0});
    QVERIFY(good.ok());
    QCOMPARE(good->bytes(), (std::vector<std::uint8_t>{0, 1, 1, 0}));
}

QTEST_GUILESS_MAIN(TestRle)
#include "tst_rle.moc"
