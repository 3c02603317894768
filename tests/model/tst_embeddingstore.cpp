// The embedding cache seen from the model (EmbeddingStore): keys follow the pixels the model
// sees whatever their layout, the CLI's decoder and the app's (the document's loadImage, and Qt's
// reader that the app used before) give the same keys, a hit
// skips the encoder and gives the same masks as the miss did, a cached embedding differs from a
// fresh float32 one only by float16 rounding, corrupt entries are re-encoded.
#include <QImage>
#include <QImageReader>
#include <QImageWriter>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <random>

#ifdef SAMDESK_HAVE_DOCUMENT
#include "core/document/imageload.h"
#endif
#include "core/sam/predictor/embeddingstore.h"
#include "core/sam/predictor/imagefile.h"
#include "tests/model/tinyfixture.h"

using namespace samdesk;
using namespace samdesk::test;
namespace fs = std::filesystem;

namespace {

struct Rgb {
    int width = 0, height = 0;
    std::vector<std::uint8_t> pixels;  // RGB, packed
};

Rgb randomRgb(int width, int height, unsigned seed) {
    Rgb img{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3)};
    std::mt19937 rng(seed);
    for (auto& p : img.pixels)
        p = static_cast<std::uint8_t>(rng() >> 24);
    return img;
}

ImageView rgbView(const Rgb& img) {
    return {img.pixels.data(), img.width, img.height, 3, 8, 0, PixelOrder::Rgb};
}

Expected<EmbeddingKey> keyOf(const EmbeddingStore& store, const QImage& image) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    ImageView v{rgb.constBits(),
                rgb.width(),
                rgb.height(),
                3,
                8,
                static_cast<std::size_t>(rgb.bytesPerLine()),
                PixelOrder::Rgb};
    return store.keyFor(v);
}

#ifdef SAMDESK_HAVE_DOCUMENT
// The app's decoding (core/document: the image the session shows and the worker encodes).
Expected<EmbeddingKey> appKey(const EmbeddingStore& store, const QString& path) {
    auto image = loadImage(path);
    if (!image)
        return image.error();
    return keyOf(store, *image);
}
#endif

// What the app decoded with before core/imageio: Qt with EXIF auto-transform, so keys stored
// by earlier versions of the app still hit.
Expected<EmbeddingKey> qtReaderKey(const EmbeddingStore& store, const QString& path) {
    QImageReader reader(path);
    reader.setAutoTransform(true);
    return keyOf(store, reader.read());
}

std::vector<float> lowResOf(Predictor& p, const PromptSet& prompts) {
    auto low = p.predictLowRes(prompts);
    return low ? low->logits : std::vector<float>{};
}

PromptSet oneClick() {
    PromptSet p;
    p.points = {{100.5, 80.5, true}};
    return p;
}

}  // namespace

class TestEmbeddingStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void keyFollowsPixelsNotLayout();
    void cliAndAppDecodersGiveTheSameKey_data();
    void cliAndAppDecodersGiveTheSameKey();
    void hitSkipsEncoderWithTheSameMasks();
    void cachedEmbeddingIsFloat16OfFresh();
    void corruptEntryIsEncodedAgain();
    void cancelledEncodeStoresNothing();

private:
    std::unique_ptr<Predictor> m_predictor;
    QTemporaryDir m_dir;
};

void TestEmbeddingStore::initTestCase() {
    m_predictor = loadTiny();
    QVERIFY(m_predictor);
    QVERIFY(m_dir.isValid());
}

void TestEmbeddingStore::keyFollowsPixelsNotLayout() {
    auto store = EmbeddingStore::open(tinyPath("checkpoint.pth").toStdString(), *m_predictor,
                                      m_dir.filePath("keys").toStdString());
    QVERIFY(store.ok());
    const Rgb img = randomRgb(37, 23, 1);
    const auto reference = store->keyFor(rgbView(img));
    QVERIFY(reference.ok());
    QCOMPARE(reference->dtype, std::string("float32"));
    QCOMPARE(reference->inputSize, 256);

    // BGR, BGRA with a padded stride, and 16-bit RGB (v * 257) hold the same 8-bit RGB pixels.
    const std::size_t n = std::size_t(img.width) * img.height;
    std::vector<std::uint8_t> bgr(n * 3), bgra(std::size_t(img.width * 4 + 12) * img.height);
    std::vector<std::uint16_t> rgb16(n * 3);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t* p = &img.pixels[i * 3];
        bgr[i * 3] = p[2], bgr[i * 3 + 1] = p[1], bgr[i * 3 + 2] = p[0];
        const std::size_t y = i / img.width, x = i % img.width;
        std::uint8_t* q = &bgra[y * (img.width * 4 + 12) + x * 4];
        q[0] = p[2], q[1] = p[1], q[2] = p[0], q[3] = 77;
        for (int c = 0; c < 3; ++c)
            rgb16[i * 3 + c] = static_cast<std::uint16_t>(p[c] * 257);
    }
    const ImageView views[] = {
        {bgr.data(), img.width, img.height, 3, 8, 0, PixelOrder::Bgr},
        {bgra.data(), img.width, img.height, 4, 8, std::size_t(img.width * 4 + 12),
         PixelOrder::Bgr},
        {rgb16.data(), img.width, img.height, 3, 16, 0, PixelOrder::Rgb},
    };
    for (const auto& v : views) {
        const auto k = store->keyFor(v);
        QVERIFY(k.ok());
        QCOMPARE(k->imageHash, reference->imageHash);
        QCOMPARE(k->fileName(), reference->fileName());
    }
    Rgb changed = img;
    changed.pixels[500] ^= 1;
    QVERIFY(store->keyFor(rgbView(changed))->imageHash != reference->imageHash);
    QVERIFY(!store->keyFor(ImageView{}).ok());
}

void TestEmbeddingStore::cliAndAppDecodersGiveTheSameKey_data() {
    QTest::addColumn<QString>("format");
    QTest::addColumn<int>("qtFormat");
    QTest::addColumn<int>("transform");
    QTest::newRow("png rgb") << "png" << int(QImage::Format_RGB888) << 0;
    QTest::newRow("png rgba") << "png" << int(QImage::Format_RGBA8888) << 0;
    QTest::newRow("png gray") << "png" << int(QImage::Format_Grayscale8) << 0;
    QTest::newRow("png 16-bit") << "png" << int(QImage::Format_RGBX64) << 0;
    QTest::newRow("jpeg") << "jpg" << int(QImage::Format_RGB888) << 0;
    QTest::newRow("jpeg, EXIF rotated")
        << "jpg" << int(QImage::Format_RGB888) << int(QImageIOHandler::TransformationRotate90);
}

void TestEmbeddingStore::cliAndAppDecodersGiveTheSameKey() {
    QFETCH(QString, format);
    QFETCH(int, qtFormat);
    QFETCH(int, transform);
    auto store = EmbeddingStore::open(tinyPath("checkpoint.pth").toStdString(), *m_predictor,
                                      m_dir.filePath("keys").toStdString());
    QVERIFY(store.ok());
    const Rgb img = randomRgb(61, 40, 2);
    QImage q(img.pixels.data(), img.width, img.height, img.width * 3, QImage::Format_RGB888);
    const QImage converted = q.convertToFormat(QImage::Format(qtFormat));
    const QString path =
        m_dir.filePath(QString("decode_%1_%2.%3").arg(qtFormat).arg(transform).arg(format));
    QImageWriter writer(path);
    writer.setTransformation(QImageIOHandler::Transformations(transform));
    QVERIFY2(writer.write(converted), qPrintable(writer.errorString()));

    const auto file = readImageFile(path.toStdString());
    QVERIFY2(file.ok(), file.ok() ? "" : file.error().message.c_str());
    const auto cli = store->keyFor(file->view());
    const auto qt = qtReaderKey(*store, path);
    QVERIFY(cli.ok() && qt.ok());
    if (transform)  // the rotation was applied by every decoder
        QCOMPARE(file->width, 40);
    QCOMPARE(cli->imageHash, qt->imageHash);
#ifdef SAMDESK_HAVE_DOCUMENT
    const auto app = appKey(*store, path);
    QVERIFY(app.ok());
    QCOMPARE(cli->imageHash, app->imageHash);
#endif
}

void TestEmbeddingStore::hitSkipsEncoderWithTheSameMasks() {
    const cv::Mat image = readImage(tinyPath("image_a.png"));
    auto store = EmbeddingStore::open(tinyPath("checkpoint.pth").toStdString(), *m_predictor,
                                      m_dir.filePath("hit").toStdString());
    QVERIFY(store.ok());
    auto miss = store->encode(*m_predictor, viewOf(image));
    QVERIFY(miss.ok());
    QVERIFY(!miss->fromCache);
    QVERIFY(miss->stored.ok());
    QCOMPARE(store->cache().entryCount(), std::size_t(1));
    const auto afterMiss = lowResOf(*m_predictor, oneClick());

    auto other = loadTiny();
    int blocks = 0;
    EncodeControl control;
    control.progress = [&](int, int) { ++blocks; };
    auto hit = store->encode(*other, viewOf(image), control);
    QVERIFY(hit.ok());
    QVERIFY(hit->fromCache);
    QCOMPARE(blocks, 0);  // no encoder block ran
    QCOMPARE(other->imageSize(), (ImageSize{image.cols, image.rows}));
    QCOMPARE(lowResOf(*other, oneClick()), afterMiss);
}

void TestEmbeddingStore::cachedEmbeddingIsFloat16OfFresh() {
    const cv::Mat image = readImage(tinyPath("image_b.png"));
    auto fresh = loadTiny();
    QVERIFY(fresh->setImage(viewOf(image)).ok());
    const auto exact = fresh->embedding();
    const auto freshLow = lowResOf(*fresh, oneClick());

    auto store = EmbeddingStore::open(tinyPath("checkpoint.pth").toStdString(), *m_predictor,
                                      m_dir.filePath("fp16").toStdString());
    QVERIFY(store.ok());
    QVERIFY(store->encode(*m_predictor, viewOf(image)).ok());
    auto cached = loadTiny();
    auto hit = store->encode(*cached, viewOf(image));
    QVERIFY(hit.ok() && hit->fromCache);
    const auto rounded = cached->embedding();
    // Float16 rounding of each value: |error| <= 2^-11 |value| (normal range).
    float worst = 0;
    for (std::size_t i = 0; i < exact->values.size(); ++i) {
        const float e = exact->values[i], r = rounded->values[i];
        QVERIFY2(std::abs(r - e) <= std::ldexp(std::abs(e), -11) + 1e-7f,
                 qPrintable(QString("value %1: %2 vs %3").arg(i).arg(e).arg(r)));
        worst = std::max(worst, std::abs(r - e));
    }
    const auto cachedLow = lowResOf(*cached, oneClick());
    float lowDiff = 0;
    std::size_t flips = 0;
    for (std::size_t i = 0; i < freshLow.size(); ++i) {
        lowDiff = std::max(lowDiff, std::abs(freshLow[i] - cachedLow[i]));
        flips += (freshLow[i] > 0) != (cachedLow[i] > 0);
    }
    qInfo(
        "embedding max |fp16 - fp32| = %.3g; low-res logits max |diff| = %.3g, %zu of %zu "
        "low-res mask pixels differ",
        worst, lowDiff, flips, freshLow.size());
    QVERIFY(lowDiff < 0.01f);
    QVERIFY(flips * 1000 < freshLow.size());  // under 0.1 %
}

void TestEmbeddingStore::corruptEntryIsEncodedAgain() {
    const cv::Mat image = readImage(tinyPath("image_a.png"));
    auto store = EmbeddingStore::open(tinyPath("checkpoint.pth").toStdString(), *m_predictor,
                                      m_dir.filePath("corrupt").toStdString());
    QVERIFY(store.ok());
    auto first = store->encode(*m_predictor, viewOf(image));
    QVERIFY(first.ok());
    const fs::path file = store->cache().directory() / first->key.fileName();
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(-100, std::ios::end);
        f.put('\x5a');
    }
    auto again = store->encode(*m_predictor, viewOf(image));
    QVERIFY(again.ok());
    QVERIFY(!again->fromCache);
    QVERIFY(again->rejected.find("checksum") != std::string::npos);
    QVERIFY(store->find(first->key).has_value());  // rewritten, valid again
}

void TestEmbeddingStore::cancelledEncodeStoresNothing() {
    const cv::Mat image = readImage(tinyPath("image_b.png"));
    auto store = EmbeddingStore::open(tinyPath("checkpoint.pth").toStdString(), *m_predictor,
                                      m_dir.filePath("cancel").toStdString());
    QVERIFY(store.ok());
    std::atomic<bool> cancel{true};
    EncodeControl control;
    control.cancel = &cancel;
    auto r = store->encode(*m_predictor, viewOf(image), control);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind, Error::Kind::Cancelled);
    QCOMPARE(store->cache().entryCount(), std::size_t(0));
}

QTEST_GUILESS_MAIN(TestEmbeddingStore)
#include "tst_embeddingstore.moc"
