// samdesk-cli encode and bench, run as a user (or a job array) runs them: encode fills a cache
// that the app's keys find, --resume encodes nothing twice, two shards cover a folder exactly
// once, unreadable images are reported and fail the run; bench reports every number.
#include <QDir>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <random>

#include "core/sam/predictor/embeddingstore.h"
#include "tests/clirun.h"
#include "tests/model/tinyfixture.h"

using namespace samdesk;
using namespace samdesk::test;

namespace {

// `count` distinct small PNGs (random pixels) in `dir`, some in a sub-folder.
QStringList writeImages(const QDir& dir, int count) {
    QStringList names;
    dir.mkpath("sub");
    std::mt19937 rng(static_cast<unsigned>(count));
    for (int i = 0; i < count; ++i) {
        QImage img(40 + i, 30, QImage::Format_RGB888);
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width() * 3; ++x)
                img.scanLine(y)[x] = static_cast<uchar>(rng() >> 24);
        const QString name = QString(i % 3 == 0 ? "sub/img%1.png" : "img%1.png").arg(i);
        img.save(dir.filePath(name));
        names << name;
    }
    return names;
}

int cacheEntries(const QString& cache) {
    return QDir(cache).entryList({"*.sdemb"}, QDir::Files).size();
}

// The image names of the "[k/n] name: what" lines.
QSet<QString> reported(const QString& out, const QString& what) {
    QSet<QString> names;
    const QRegularExpression line(QStringLiteral("^\\[\\d+/\\d+\\] (.+): (.+)$"),
                                  QRegularExpression::MultilineOption);
    for (auto it = line.globalMatch(out); it.hasNext();) {
        const auto m = it.next();
        if (m.captured(2).startsWith(what))
            names << m.captured(1);
    }
    return names;
}

QStringList encodeArgs(const QString& images, const QString& cache) {
    return {"encode",   "--checkpoint", tinyPath("checkpoint.pth"),
            "--images", images,         "--cache",
            cache,      "--dtype",      "float32"};
}

}  // namespace

class TestEncodeCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fillsCacheThenResumeEncodesNothing();
    void twoShardsCoverTheFolderOnce();
    void entriesAreFoundWithTheAppsKeys();
    void sharedCacheOutlivesTheAppsLimit();
    void listFileAndUnreadableImages();
    void usageErrorsExitWith2_data();
    void usageErrorsExitWith2();
    void benchReportsEveryNumber();
};

void TestEncodeCli::fillsCacheThenResumeEncodesNothing() {
    QTemporaryDir dir;
    const QDir images(dir.filePath("images"));
    images.mkpath(".");
    const QStringList names = writeImages(images, 5);
    const QString cache = dir.filePath("cache");
    const CliRun first = runCli(encodeArgs(images.path(), cache));
    QCOMPARE(first.exitCode, 0);
    QVERIFY2(first.out.contains("5 encoded, 0 already cached, 0 failed"), qPrintable(first.out));
    QCOMPARE(reported(first.out, "encoded").size(), 5);
    QCOMPARE(cacheEntries(cache), 5);

    const CliRun resumed = runCli(encodeArgs(images.path(), cache) << "--resume");
    QCOMPARE(resumed.exitCode, 0);
    QVERIFY2(resumed.out.contains("0 encoded, 5 already cached, 0 failed"),
             qPrintable(resumed.out));
    QCOMPARE(reported(resumed.out, "already cached"), QSet<QString>(names.begin(), names.end()));

    // An image added later is the only one encoded.
    QImage extra(33, 33, QImage::Format_RGB888);
    extra.fill(Qt::darkCyan);
    extra.save(images.filePath("new.png"));
    const CliRun more = runCli(encodeArgs(images.path(), cache) << "--resume");
    QVERIFY2(more.out.contains("1 encoded, 5 already cached"), qPrintable(more.out));
    QCOMPARE(reported(more.out, "encoded"), QSet<QString>{"new.png"});
    QCOMPARE(cacheEntries(cache), 6);
}

void TestEncodeCli::twoShardsCoverTheFolderOnce() {
    QTemporaryDir dir;
    const QDir images(dir.filePath("images"));
    images.mkpath(".");
    const QStringList names = writeImages(images, 9);
    const QString cache = dir.filePath("cache");
    const CliRun a = runCli(encodeArgs(images.path(), cache) << "--shard"
                                                             << "0/2");
    const CliRun b = runCli(encodeArgs(images.path(), cache) << "--shard"
                                                             << "1/2");
    QCOMPARE(a.exitCode, 0);
    QCOMPARE(b.exitCode, 0);
    const QSet<QString> sa = reported(a.out, "encoded"), sb = reported(b.out, "encoded");
    QVERIFY(!sa.isEmpty() && !sb.isEmpty());
    QVERIFY(!sa.intersects(sb));
    QCOMPARE(sa + sb, QSet<QString>(names.begin(), names.end()));
    QCOMPARE(cacheEntries(cache), 9);
    // The same shard again: the same images (stable assignment).
    const CliRun again = runCli(encodeArgs(images.path(), cache) << "--shard"
                                                                 << "0/2"
                                                                 << "--resume");
    QCOMPARE(reported(again.out, "already cached"), sa);
}

void TestEncodeCli::entriesAreFoundWithTheAppsKeys() {
    QTemporaryDir dir;
    const QDir images(dir.filePath("images"));
    images.mkpath(".");
    const QStringList names = writeImages(images, 3);
    const QString cache = dir.filePath("cache");
    QCOMPARE(runCli(encodeArgs(images.path(), cache)).exitCode, 0);

    // What the app does on opening an image: decode with Qt, key through EmbeddingStore.
    auto predictor = loadTiny();
    auto store = EmbeddingStore::open(tinyPath("checkpoint.pth").toStdString(), *predictor,
                                      cache.toStdString());
    QVERIFY(store.ok());
    for (const QString& name : names) {
        QImageReader reader(images.filePath(name));
        reader.setAutoTransform(true);
        const QImage rgb = reader.read().convertToFormat(QImage::Format_RGB888);
        const ImageView view{rgb.constBits(),
                             rgb.width(),
                             rgb.height(),
                             3,
                             8,
                             static_cast<std::size_t>(rgb.bytesPerLine()),
                             PixelOrder::Rgb};
        int blocks = 0;
        EncodeControl control;
        control.progress = [&](int, int) { ++blocks; };
        auto outcome = store->encode(*predictor, view, control);
        QVERIFY(outcome.ok());
        QVERIFY2(outcome->fromCache, qPrintable(name));
        QCOMPARE(blocks, 0);
    }
}

void TestEncodeCli::sharedCacheOutlivesTheAppsLimit() {
    // A folder filled by encode (as on a cluster), then used by the app with a limit far below
    // its size: the app's own entries are evicted, never encode's.
    QTemporaryDir dir;
    const QDir images(dir.filePath("images"));
    images.mkpath(".");
    const QStringList names = writeImages(images, 4);
    const QString cache = dir.filePath("cache");
    QCOMPARE(runCli(encodeArgs(images.path(), cache)).exitCode, 0);
    QCOMPARE(QDir(cache).entryList({"*.shared.sdemb"}, QDir::Files).size(), 4);

    auto predictor = loadTiny();
    auto store = EmbeddingStore::open(tinyPath("checkpoint.pth").toStdString(), *predictor,
                                      cache.toStdString(), 1);  // 1 byte
    QVERIFY(store.ok());
    QVERIFY(store->cache().totalBytes() > store->cache().maxBytes());
    // An image encode has not seen: encoded, stored, and the eviction that follows keeps
    // every shared entry.
    QImage other(97, 61, QImage::Format_RGB888);
    other.fill(QColor(12, 200, 77));
    const ImageView view{other.constBits(),
                         other.width(),
                         other.height(),
                         3,
                         8,
                         static_cast<std::size_t>(other.bytesPerLine()),
                         PixelOrder::Rgb};
    auto outcome = store->encode(*predictor, view);
    QVERIFY(outcome.ok());
    QVERIFY(!outcome->fromCache);
    QVERIFY(outcome->stored.ok());
    store->cache().evict();
    QCOMPARE(QDir(cache).entryList({"*.shared.sdemb"}, QDir::Files).size(), 4);
    QCOMPARE(store->cache().sharedCount(), std::size_t(4));
    QCOMPARE(store->cache().entryCount(), std::size_t(4));  // its own entry went, beyond 1 byte
    // With --max-cache-gb encode writes ordinary, bounded entries instead.
    const QString bounded = dir.filePath("bounded");
    QCOMPARE(runCli(encodeArgs(images.path(), bounded) << "--max-cache-gb"
                                                       << "1")
                 .exitCode,
             0);
    QCOMPARE(QDir(bounded).entryList({"*.shared.sdemb"}, QDir::Files).size(), 0);
    QCOMPARE(QDir(bounded).entryList({"*.sdemb"}, QDir::Files).size(), 4);
    (void)names;
}

void TestEncodeCli::listFileAndUnreadableImages() {
    QTemporaryDir dir;
    const QDir images(dir.filePath("images"));
    images.mkpath(".");
    writeImages(images, 2);
    QFile broken(images.filePath("broken.png"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("not a png at all");
    broken.close();
    QFile list(dir.filePath("list.txt"));
    QVERIFY(list.open(QIODevice::WriteOnly));
    list.write(
        "# two images and a broken one\nimages/img1.png\nimages/broken.png\n\n"
        "images/missing.png\nimages/sub/img0.png\n");
    list.close();
    const QString cache = dir.filePath("cache");
    const CliRun r = runCli(encodeArgs(list.fileName(), cache));
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.out.contains("2 encoded, 0 already cached, 2 failed"), qPrintable(r.out));
    QVERIFY2(r.err.contains("broken.png"), qPrintable(r.err));
    QVERIFY2(r.err.contains("missing.png"), qPrintable(r.err));
    QCOMPARE(cacheEntries(cache), 2);
}

void TestEncodeCli::usageErrorsExitWith2_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no cache") << QStringList{"encode", "--checkpoint", "x.pth", "--images", "."}
                              << "--cache";
    QTest::newRow("bad shard") << QStringList{"encode",
                                              "--checkpoint",
                                              tinyPath("checkpoint.pth"),
                                              "--images",
                                              ".",
                                              "--cache",
                                              "c",
                                              "--shard",
                                              "2/2"}
                               << "--shard";
    QTest::newRow("no images")
        << QStringList{"encode",   "--checkpoint",        tinyPath("checkpoint.pth"),
                       "--images", "/nonexistent/images", "--cache",
                       "c"}
        << "no such folder";
    QTest::newRow("bench without checkpoint") << QStringList{"bench"} << "--checkpoint";
    QTest::newRow("bench bad repeats")
        << QStringList{"bench", "--checkpoint", tinyPath("checkpoint.pth"), "--repeats", "0"}
        << "--repeats";
}

void TestEncodeCli::usageErrorsExitWith2() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const CliRun r = runCli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.startsWith("error:") && r.err.contains(message), qPrintable(r.err));
}

void TestEncodeCli::benchReportsEveryNumber() {
    const CliRun r = runCli({"bench", "--checkpoint", tinyPath("checkpoint.pth"), "--repeats", "2",
                             "--threads", "1", "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QVERIFY2(!j.isEmpty(), qPrintable(r.out));
    QVERIFY(j["load_s"].toDouble() > 0);
    QCOMPARE(j["encode_s"].toObject()["runs"].toArray().size(), 2);
    QVERIFY(j["encode_s"].toObject()["median"].toDouble() > 0);
    QCOMPARE(j["decode_ms"].toObject()["runs"].toArray().size(), 20);
    QVERIFY(j["decode_ms"].toObject()["median"].toDouble() > 0);
    QVERIFY(j["predict_ms"].toObject()["median"].toDouble() > 0);
    QVERIFY(j["peak_rss_mb"].toDouble() > 10);
    QCOMPARE(j["threads"].toInt(), 1);
    QCOMPARE(j["device"].toString(), QString("cpu"));
    QVERIFY2(j["dtype"].toString() == "float32" || j["dtype"].toString() == "bfloat16" ||
                 j["dtype"].toString() == "mixed",
             qPrintable(j["dtype"].toString()));
    QCOMPARE(j["image_size"].toArray(), (QJsonArray{1024, 768}));
    QVERIFY(j["torch_version"].toString().startsWith("1.") ||
            j["torch_version"].toString().startsWith("2."));
    QCOMPARE(j["variant"].toString(), QString("custom"));
}

QTEST_GUILESS_MAIN(TestEncodeCli)
#include "tst_encodecli.moc"
