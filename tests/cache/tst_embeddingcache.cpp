// The embedding cache: keys, round trips, LRU eviction, and corrupt or foreign entries.
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/cache/contenthash.h"
#include "core/cache/embeddingcache.h"

using namespace samdesk;
namespace fs = std::filesystem;

namespace {

EmbeddingKey key(const std::string& image, const std::string& dtype = "float32") {
    return {image, "ckpt-0123", 1024, dtype};
}

CachedEmbedding embedding(int channels, int grid, float seed) {
    CachedEmbedding e;
    e.channels = channels;
    e.grid = grid;
    e.imageWidth = 640;
    e.imageHeight = 480;
    e.values.resize(std::size_t(channels) * grid * grid);
    for (std::size_t i = 0; i < e.values.size(); ++i)
        e.values[i] = std::sin(seed + 0.01f * float(i)) * 3.0f;
    return e;
}

fs::path tmpPath(const QTemporaryDir& dir) {
    return fs::path(dir.path().toStdString());
}

void flipByte(const fs::path& file, std::streamoff offsetFromEnd) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-offsetFromEnd, std::ios::end);
    char c = 0;
    f.read(&c, 1);
    f.seekp(-offsetFromEnd, std::ios::end);
    c = static_cast<char>(c ^ 0x40);
    f.write(&c, 1);
}

}  // namespace

class TestEmbeddingCache : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keyChangesWithEveryField();
    void imageHashFollowsPixels();
    void checkpointFingerprintFollowsContent();
    void roundTripIsCompactAndClose();
    void leastRecentlyUsedIsEvicted();
    void corruptEntryIsRejectedAndRewritten_data();
    void corruptEntryIsRejectedAndRewritten();
    void foreignEntryIsRejected();
    void unwritableFolderIsAnError();
    void shapeMismatchIsRejectedOnStore();
    void rowByRowHashEqualsWholeHash();
    void unlimitedCacheNeverEvicts();
    void sharedEntriesOutliveEveryLimit();
};

void TestEmbeddingCache::keyChangesWithEveryField() {
    const EmbeddingKey base{"img", "ckpt", 1024, "float32"};
    QCOMPARE(base.fileName(), (EmbeddingKey{"img", "ckpt", 1024, "float32"}.fileName()));
    QVERIFY(base.fileName() != (EmbeddingKey{"img2", "ckpt", 1024, "float32"}.fileName()));
    QVERIFY(base.fileName() != (EmbeddingKey{"img", "ckpt2", 1024, "float32"}.fileName()));
    QVERIFY(base.fileName() != (EmbeddingKey{"img", "ckpt", 512, "float32"}.fileName()));
    QVERIFY(base.fileName() != (EmbeddingKey{"img", "ckpt", 1024, "bfloat16"}.fileName()));
}

void TestEmbeddingCache::imageHashFollowsPixels() {
    std::vector<std::uint8_t> pixels(64 * 48 * 3, 7);
    const auto a = hashImagePixels(pixels.data(), pixels.size(), 64, 48, 3);
    QCOMPARE(a.size(), std::size_t(32));
    QCOMPARE(hashImagePixels(pixels.data(), pixels.size(), 64, 48, 3), a);
    QVERIFY(hashImagePixels(pixels.data(), pixels.size(), 48, 64, 3) !=
            a);  // same bytes, other shape
    pixels[1234] ^= 1;
    QVERIFY(hashImagePixels(pixels.data(), pixels.size(), 64, 48, 3) != a);
}

void TestEmbeddingCache::checkpointFingerprintFollowsContent() {
    QTemporaryDir dir;
    const fs::path file = tmpPath(dir) / "ckpt.bin";
    std::string bytes(300000, 'x');
    { std::ofstream(file, std::ios::binary) << bytes; }
    const auto a = checkpointFingerprint(file);
    QVERIFY(a.ok());
    QCOMPARE(*checkpointFingerprint(file), *a);
    bytes[150001] = 'y';  // small files are sampled completely
    { std::ofstream(file, std::ios::binary) << bytes; }
    QVERIFY(*checkpointFingerprint(file) != *a);
    const auto missing = checkpointFingerprint(tmpPath(dir) / "nope.pth");
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().kind, Error::Kind::Io);
}

void TestEmbeddingCache::roundTripIsCompactAndClose() {
    QTemporaryDir dir;
    EmbeddingCache cache(tmpPath(dir) / "cache");
    const auto original = embedding(256, 64, 0.5f);
    QVERIFY(cache.store(key("a"), original).ok());
    QCOMPARE(cache.entryCount(), std::size_t(1));
    // float16: 2 bytes per value plus a small header (~2 MiB for 256 x 64 x 64).
    const auto bytes = cache.totalBytes();
    QVERIFY(bytes >= 256u * 64 * 64 * 2 && bytes < 256u * 64 * 64 * 2 + 1024);
    QVERIFY(cache.contains(key("a")));
    QVERIFY(!cache.contains(key("a", "bfloat16")));

    const auto r = cache.load(key("a"));
    QCOMPARE(r.status, EmbeddingCache::Lookup::Hit);
    QVERIFY(r.embedding.has_value());
    QCOMPARE(r.embedding->channels, 256);
    QCOMPARE(r.embedding->grid, 64);
    QCOMPARE(r.embedding->imageWidth, 640);
    QCOMPARE(r.embedding->imageHeight, 480);
    QCOMPARE(r.embedding->values.size(), original.values.size());
    float worst = 0;
    for (std::size_t i = 0; i < original.values.size(); ++i)
        worst = std::max(worst, std::fabs(r.embedding->values[i] - original.values[i]));
    QVERIFY2(worst <= 3.0f / 2048, qPrintable(QString::number(worst)));  // |v| <= 3: fp16 step
    QCOMPARE(cache.load(key("b")).status, EmbeddingCache::Lookup::Miss);
}

void TestEmbeddingCache::leastRecentlyUsedIsEvicted() {
    QTemporaryDir dir;
    EmbeddingCache cache(tmpPath(dir));
    QVERIFY(cache.store(key("a"), embedding(32, 16, 1)).ok());
    const auto entryBytes = cache.totalBytes();
    cache.setMaxBytes(entryBytes * 2 + entryBytes / 2);  // room for two entries
    QVERIFY(cache.store(key("b"), embedding(32, 16, 2)).ok());
    QCOMPARE(cache.load(key("a")).status, EmbeddingCache::Lookup::Hit);  // a is now newer than b
    QVERIFY(cache.store(key("c"), embedding(32, 16, 3)).ok());
    QCOMPARE(cache.entryCount(), std::size_t(2));
    QVERIFY(cache.contains(key("a")));
    QVERIFY(!cache.contains(key("b")));
    QVERIFY(cache.contains(key("c")));
    QVERIFY(cache.totalBytes() <= cache.maxBytes());
    // A limit below one entry still keeps the entry just written.
    cache.setMaxBytes(10);
    QVERIFY(cache.store(key("d"), embedding(32, 16, 4)).ok());
    QCOMPARE(cache.entryCount(), std::size_t(1));
    QVERIFY(cache.contains(key("d")));
    cache.evict();
    QCOMPARE(cache.entryCount(), std::size_t(0));
}

void TestEmbeddingCache::corruptEntryIsRejectedAndRewritten_data() {
    QTest::addColumn<int>("damage");
    QTest::newRow("payload bit flip") << 0;
    QTest::newRow("truncated") << 1;
    QTest::newRow("garbage") << 2;
    QTest::newRow("trailing bytes") << 3;
    QTest::newRow("empty") << 4;
}

void TestEmbeddingCache::corruptEntryIsRejectedAndRewritten() {
    QFETCH(int, damage);
    QTemporaryDir dir;
    EmbeddingCache cache(tmpPath(dir));
    const auto e = embedding(16, 8, 9);
    QVERIFY(cache.store(key("a"), e).ok());
    const fs::path file = tmpPath(dir) / key("a").fileName();
    QVERIFY(fs::exists(file));
    switch (damage) {
        case 0:
            flipByte(file, 17);
            break;
        case 1:
            fs::resize_file(file, fs::file_size(file) - 100);
            break;
        case 2:
            std::ofstream(file, std::ios::binary | std::ios::trunc) << "hello, not an embedding";
            break;
        case 3:
            std::ofstream(file, std::ios::binary | std::ios::app) << "xx";
            break;
        case 4:
            std::ofstream(file, std::ios::binary | std::ios::trunc);
            break;
    }
    const auto r = cache.load(key("a"));
    QCOMPARE(r.status, EmbeddingCache::Lookup::Corrupt);
    QVERIFY(!r.embedding.has_value());
    QVERIFY(r.reason.find(file.string()) != std::string::npos);
    QVERIFY(!fs::exists(file));  // never trusted again
    QVERIFY(cache.store(key("a"), e).ok());
    QCOMPARE(cache.load(key("a")).status, EmbeddingCache::Lookup::Hit);
}

void TestEmbeddingCache::foreignEntryIsRejected() {
    QTemporaryDir dir;
    EmbeddingCache cache(tmpPath(dir));
    QVERIFY(cache.store(key("a"), embedding(16, 8, 1)).ok());
    // An entry copied under another key's name (a foreign or misplaced file).
    fs::copy_file(tmpPath(dir) / key("a").fileName(), tmpPath(dir) / key("b").fileName());
    QVERIFY(!cache.contains(key("b")));
    const auto r = cache.load(key("b"));
    QCOMPARE(r.status, EmbeddingCache::Lookup::Foreign);
    QVERIFY(!r.embedding.has_value());
    QCOMPARE(cache.load(key("a")).status, EmbeddingCache::Lookup::Hit);
}

void TestEmbeddingCache::unwritableFolderIsAnError() {
    QTemporaryDir dir;
    const fs::path file = tmpPath(dir) / "a-file";
    std::ofstream(file) << "x";
    EmbeddingCache cache(file / "cache");  // a folder below a regular file cannot exist
    const auto s = cache.store(key("a"), embedding(4, 4, 1));
    QVERIFY(!s.ok());
    QCOMPARE(s.error().kind, Error::Kind::Io);
    QVERIFY(s.error().message.find("a-file") != std::string::npos);
}

void TestEmbeddingCache::shapeMismatchIsRejectedOnStore() {
    QTemporaryDir dir;
    EmbeddingCache cache(tmpPath(dir));
    auto e = embedding(8, 4, 1);
    e.values.pop_back();
    const auto s = cache.store(key("a"), e);
    QVERIFY(!s.ok());
    QCOMPARE(s.error().kind, Error::Kind::InvalidInput);
    QCOMPARE(cache.entryCount(), std::size_t(0));
}

void TestEmbeddingCache::rowByRowHashEqualsWholeHash() {
    // EmbeddingStore hashes images row by row (strided, channel-swapped sources): the key must
    // be the one hashImagePixels() gives for the packed pixels.
    std::vector<std::uint8_t> pixels(31 * 17 * 3);
    for (std::size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = static_cast<std::uint8_t>(i * 37 + 11);
    ContentHasher rows = imagePixelHasher(31, 17, 3);
    for (int y = 0; y < 17; ++y)
        rows.update(pixels.data() + y * 31 * 3, 31 * 3);
    QCOMPARE(rows.hexDigest(), hashImagePixels(pixels.data(), pixels.size(), 31, 17, 3));
}

void TestEmbeddingCache::unlimitedCacheNeverEvicts() {
    QTemporaryDir dir;
    EmbeddingCache cache(tmpPath(dir), std::numeric_limits<std::uint64_t>::max());
    for (int i = 0; i < 5; ++i)
        QVERIFY(cache.store(key("img" + std::to_string(i)), embedding(16, 8, float(i))).ok());
    cache.evict();
    QCOMPARE(cache.entryCount(), std::size_t(5));
}

void TestEmbeddingCache::sharedEntriesOutliveEveryLimit() {
    // A folder filled ahead for others (samdesk-cli encode), larger than the app's limit: the
    // app's cache evicts only what it wrote itself.
    QTemporaryDir dir;
    EmbeddingCache encode(tmpPath(dir), std::numeric_limits<std::uint64_t>::max());
    encode.setShared(true);
    for (int i = 0; i < 6; ++i)
        QVERIFY(encode.store(key("shared" + std::to_string(i)), embedding(32, 16, float(i))).ok());
    const std::uint64_t entryBytes = encode.totalBytes() / 6;
    QCOMPARE(encode.sharedCount(), std::size_t(6));
    QCOMPARE(encode.sharedBytes(), encode.totalBytes());

    EmbeddingCache app(tmpPath(dir), entryBytes * 2 + entryBytes / 2);  // room for two entries
    QVERIFY(app.totalBytes() > app.maxBytes());
    // Every shared entry is found by the app's cache, and a hit changes nothing.
    for (int i = 0; i < 6; ++i) {
        const auto hit = app.load(key("shared" + std::to_string(i)));
        QCOMPARE(hit.status, EmbeddingCache::Lookup::Hit);
        QCOMPARE(hit.embedding->values,
                 encode.load(key("shared" + std::to_string(i))).embedding->values);
    }
    for (int i = 0; i < 4; ++i)
        QVERIFY(app.store(key("own" + std::to_string(i)), embedding(32, 16, 10.f + float(i))).ok());
    app.evict();
    // Its own entries are held to its limit (the two newest stay); the six shared ones all stay.
    QCOMPARE(app.entryCount(), std::size_t(8));
    QCOMPARE(app.sharedCount(), std::size_t(6));
    QVERIFY(app.totalBytes() - app.sharedBytes() <= app.maxBytes());
    QVERIFY(!app.contains(key("own0")) && !app.contains(key("own1")));
    QVERIFY(app.contains(key("own2")) && app.contains(key("own3")));
    for (int i = 0; i < 6; ++i)
        QVERIFY(app.contains(key("shared" + std::to_string(i))));
    // A limit of nothing still keeps them; emptying the folder removes them.
    app.setMaxBytes(0);
    app.evict();
    QCOMPARE(app.entryCount(), std::size_t(6));
    // Written again as shared, an ordinary copy of the same entry goes (one file per entry).
    QVERIFY(app.store(key("twice"), embedding(32, 16, 20)).ok());
    QVERIFY(encode.store(key("twice"), embedding(32, 16, 20)).ok());
    QCOMPARE(app.entryCount(), std::size_t(7));
    QCOMPARE(app.sharedCount(), std::size_t(7));
    app.removeAll();
    QCOMPARE(app.entryCount(), std::size_t(0));
}

QTEST_GUILESS_MAIN(TestEmbeddingCache)
#include "tst_embeddingcache.moc"
