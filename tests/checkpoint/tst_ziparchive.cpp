// The zip reader: stored archives with and without ZIP64 records, and damaged ones, each refused
// with a Format error that names the file and the damage.
#include <QtTest>

#include "core/checkpoint/ziparchive.h"
#include "tests/checkpoint/torchsave.h"

using namespace samdesk;
using namespace samdesk::testing;

namespace {

std::span<const std::uint8_t> asBytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::uint64_t le(const std::string& s, std::size_t at, int n) {
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i)
        v = (v << 8) | std::uint8_t(s[at + i]);
    return v;
}

void setLe(std::string& s, std::size_t at, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i)
        s[at + i] = char((v >> (8 * i)) & 0xff);
}

const std::vector<ZipItem> kItems = {
    {"model/data.pkl", "pickle bytes"},
    {"model/data/0", std::string(100, 'a')},
    {"model/data/1", "bb"},
};

// Offsets in an archive made by zipBytes (no comment): end record, central directory.
std::size_t endRecord(const std::string& z) {
    return z.size() - 22;
}
std::size_t centralDirectory(const std::string& z) {
    return std::size_t(le(z, endRecord(z) + 16, 4));
}

}  // namespace

class TestZipArchive : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void reads_data();
    void reads();
    void damaged_data();
    void damaged();
    void crc();
};

void TestZipArchive::reads_data() {
    QTest::addColumn<bool>("zip64");
    QTest::addColumn<int>("align");
    QTest::newRow("plain") << false << 1;
    QTest::newRow("aligned 64") << false << 64;
    QTest::newRow("zip64") << true << 64;
}

void TestZipArchive::reads() {
    QFETCH(bool, zip64);
    QFETCH(int, align);
    const std::string z = zipBytes(kItems, {zip64, std::size_t(align)});
    const auto zip = ZipArchive::open(asBytes(z), "a.zip");
    QVERIFY2(zip.ok(), zip.ok() ? "" : zip.error().message.c_str());
    QCOMPARE(int(zip->entries().size()), 3);
    for (const auto& item : kItems) {
        const ZipEntry* e = zip->find(item.name);
        QVERIFY(e);
        QCOMPARE(e->size, std::uint64_t(item.data.size()));
        QCOMPARE(e->dataOffset % std::uint64_t(align), std::uint64_t(0));
        const auto data = zip->data(*e);
        QCOMPARE(std::string(reinterpret_cast<const char*>(data.data()), data.size()), item.data);
        QCOMPARE(e->crc32, ZipArchive::crc32(asBytes(item.data)));
    }
    QVERIFY(!zip->find("model/data/2"));
}

void TestZipArchive::damaged_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("needle");
    const std::string good = zipBytes(kItems, {false, 64});
    const std::string good64 = zipBytes(kItems, {true, 64});
    const std::size_t cd = centralDirectory(good), end = endRecord(good);
    auto row = [](const char* name, const std::string& b, const char* needle) {
        QTest::newRow(name) << QByteArray::fromStdString(b) << QString(needle);
    };
    auto edited = [&](std::size_t at, std::uint64_t v, int n, const std::string& from) {
        std::string b = from;
        setLe(b, at, v, n);
        return b;
    };
    row("too short", "PK\x03\x04", "too short");
    row("cut in half", good.substr(0, good.size() / 2), "no end-of-central-directory record");
    row("cut before the end", good.substr(0, good.size() - 3), "no end-of-central-directory");
    row("compressed", edited(cd + 10, 8, 2, good), "is compressed (method 8)");
    row("encrypted", edited(cd + 8, 0x0801, 2, good), "is encrypted");
    row("directory outside", edited(end + 16, 1u << 30, 4, good), "lies outside");
    row("too many entries", edited(end + 10, 60000, 2, edited(end + 8, 60000, 2, good)),
        "cannot hold them");
    row("multi-disk", edited(end + 4, 1, 2, good), "multi-disk");
    row("local signature", edited(0, 0x12345678, 4, good), "no local header");
    row("local name differs", edited(30, 'X', 1, good), "disagrees");
    row("size past the data", edited(cd + 24, 5000, 4, edited(cd + 20, 5000, 4, good)),
        "runs past the end");
    row("packed != unpacked", edited(cd + 20, 7, 4, good), "different packed and unpacked");
    row("local offset huge", edited(cd + 42, 0xfffffff0u, 4, good), "no local header");
    std::string twice = zipBytes({kItems[0], kItems[0]}, {false, 64});
    row("duplicate", twice, "appears twice");
    row("zip64 without locator", edited(end + 16, 0xffffffffu, 4, good), "no ZIP64 locator");
    const std::size_t end64 = endRecord(good64), locator = end64 - 20;
    row("zip64 locator outside", edited(locator + 8, 1ull << 40, 8, good64),
        "ZIP64 end record is missing");
    const std::size_t record64 = std::size_t(le(good64, locator + 8, 8));
    row("zip64 directory outside", edited(record64 + 48, 1ull << 40, 8, good64), "lies outside");
    row("zip64 entry counts differ", edited(record64 + 24, 9, 8, good64), "disagrees with itself");
    const std::size_t cd64 = std::size_t(le(good64, record64 + 48, 8));
    // The first central entry's ZIP64 extra field: shrink its length so the values are missing.
    row("zip64 extra short", edited(cd64 + 46 + 14 + 2, 8, 2, good64), "short ZIP64 extra");
    row("zip64 extra absent", edited(cd64 + 46 + 14, 0x9999, 2, good64), "no ZIP64 extra field");
}

void TestZipArchive::damaged() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, needle);
    const std::string b = bytes.toStdString();
    const auto zip = ZipArchive::open(asBytes(b), "bad.pth");
    QVERIFY(!zip.ok());
    QCOMPARE(zip.error().kind, Error::Kind::Format);
    const QString message = QString::fromStdString(zip.error().message);
    QVERIFY2(message.startsWith("bad.pth: "), qPrintable(message));
    QVERIFY2(message.contains(needle), qPrintable(message));
}

void TestZipArchive::crc() {
    QCOMPARE(ZipArchive::crc32(asBytes("123456789")), std::uint32_t(0xcbf43926));
    QCOMPARE(ZipArchive::crc32(asBytes("")), std::uint32_t(0));
    QCOMPARE(ZipArchive::crc32(asBytes("6789"), ZipArchive::crc32(asBytes("12345"))),
             std::uint32_t(0xcbf43926));
}

QTEST_GUILESS_MAIN(TestZipArchive)
#include "tst_ziparchive.moc"
