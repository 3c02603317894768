// Opening images through the document (core/imageio underneath): an image that cannot be opened
// is reported with its index and reason (kept for the image list), the current image stays, a
// folder opens at its first readable image; and a 48 MP JPEG, which Qt's reader refused (its
// 128 MB allocation limit), opens and encodes.
#include <QElapsedTimer>
#include <QImageReader>
#include <QImageWriter>
#include <QSignalSpy>
#include <QtTest>

#include <sys/resource.h>

#include "core/document/annotationdocument.h"
#include "core/document/imageconvert.h"
#include "core/document/imageload.h"
#include "testimages.h"

using namespace samdesk;
using namespace samdesk::test;

namespace {

// A PNG header declaring 100000 x 100000 RGB pixels (no valid data: it must never be decoded).
QByteArray bombPng() {
    QByteArray b("\x89PNG\r\n\x1a\n", 8);
    b += QByteArray("\x00\x00\x00\x0dIHDR", 8);
    b += QByteArray("\x00\x01\x86\xa0\x00\x01\x86\xa0\x08\x02\x00\x00\x00", 13);
    b += QByteArray("\x00\x00\x00\x00", 4);  // CRC (not checked: the header is refused first)
    return b;
}

void writeBytes(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

double peakRssMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

}  // namespace

class TestImageOpen : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void unreadableImageReportsItsReason();
    void folderOpensAtFirstReadableImage();
    void largeJpegOpens();
    void enginesBorrowTheDecodedPixels();
};

void TestImageOpen::unreadableImageReportsItsReason() {
    QTemporaryDir dir;
    writeDiscImages(dir.path(), 2);
    const QString bomb = dir.filePath(QStringLiteral("img2.png"));
    writeBytes(bomb, bombPng());
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(dir.path()));
    QCOMPARE(doc.session()->currentIndex(), 0);
    const QString key = doc.session()->imageKey();
    QSignalSpy unreadable(doc.session(), &DocumentSession::imageUnreadable);
    QSignalSpy errors(&doc, &AnnotationDocument::error);

    const int bad = doc.session()->images().indexOf(bomb);
    QCOMPARE(bad, 2);
    QVERIFY(!doc.setCurrentIndex(bad));
    QCOMPARE(unreadable.size(), 1);
    QCOMPARE(unreadable[0][0].toInt(), bad);
    const QString reason = unreadable[0][1].toString();
    QVERIFY2(reason.startsWith(QStringLiteral("declared size 100000 x 100000 pixels")),
             qPrintable(reason));
    QVERIFY2(reason.contains(QStringLiteral("exceeds the limit")), qPrintable(reason));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors[0][0].toString(), QStringLiteral("Cannot open %1: %2").arg(bomb, reason));
    // Nothing else changed.
    QCOMPARE(doc.session()->currentIndex(), 0);
    QCOMPARE(doc.session()->imageKey(), key);
    QCOMPARE(doc.session()->image().size(), QSize(kImageW, kImageH));
    // The reason stays with the file (the image list shows it after a rebuild)...
    QCOMPARE(doc.session()->unreadableReason(bad), reason);
    QVERIFY(doc.session()->unreadableReason(1).isEmpty());
    QVERIFY(doc.openFolder(dir.path()));
    QCOMPARE(doc.session()->unreadableReason(bad), reason);
    // ...until the file opens.
    QVERIFY(discImage(2).save(bomb));
    QVERIFY(doc.setCurrentIndex(bad));
    QVERIFY(doc.session()->unreadableReason(bad).isEmpty());
}

void TestImageOpen::folderOpensAtFirstReadableImage() {
    QTemporaryDir dir;
    writeDiscImages(dir.path(), 1);  // img0.png
    // A JPEG cut in half: sorts first, cannot be opened.
    QImage(64, 48, QImage::Format_RGB888).save(dir.filePath(QStringLiteral("a.jpg")));
    QFile whole(dir.filePath(QStringLiteral("a.jpg")));
    QVERIFY(whole.open(QIODevice::ReadOnly));
    const QByteArray bytes = whole.readAll();
    whole.close();
    writeBytes(dir.filePath(QStringLiteral("a.jpg")), bytes.left(bytes.size() / 2));

    AnnotationDocument doc(grabCutFactory());
    QSignalSpy unreadable(doc.session(), &DocumentSession::imageUnreadable);
    QVERIFY(doc.openFolder(dir.path()));
    QCOMPARE(doc.session()->images().files(), QStringList({"a.jpg", "img0.png"}));
    QCOMPARE(doc.session()->currentIndex(), 1);
    QCOMPARE(unreadable.size(), 1);
    QCOMPARE(unreadable[0][0].toInt(), 0);
    QVERIFY2(unreadable[0][1].toString().contains(QStringLiteral("truncated")),
             qPrintable(unreadable[0][1].toString()));
    QCOMPARE(doc.session()->unreadableReason(0), unreadable[0][1].toString());
}

void TestImageOpen::largeJpegOpens() {
    constexpr int W = 8000, H = 6000;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("large.jpg"));
    {
        // Bands of colour, flat inside: the pixels checked below survive JPEG closely.
        QImage image(W, H, QImage::Format_RGB888);
        for (int y = 0; y < H; ++y) {
            uchar* row = image.scanLine(y);
            const uchar g = y < H / 2 ? 40 : 200;
            for (int x = 0; x < W; ++x) {
                row[3 * x] = x < W / 2 ? 220 : 30;
                row[3 * x + 1] = g;
                row[3 * x + 2] = 90;
            }
        }
        QImageWriter writer(path, "jpg");
        writer.setQuality(85);
        QVERIFY2(writer.write(image), qPrintable(writer.errorString()));
    }
    {
        QImageReader reader(path);
        reader.setAutoTransform(true);
        if (reader.read().isNull())
            qInfo("Qt's reader refuses it: %s", qPrintable(reader.errorString()));
    }
    AnnotationDocument doc(grabCutFactory());
    QTRY_VERIFY(!doc.session()->engineLoading());
    const double rssBefore = peakRssMb();
    QElapsedTimer clock;
    clock.start();
    QVERIFY(doc.openImage(path));
    const qint64 openMs = clock.elapsed();
    const QImage& shown = doc.session()->image();
    QCOMPARE(shown.size(), QSize(W, H));
    QCOMPARE(shown.format(), QImage::Format_RGB888);
    auto near = [&](int x, int y, QRgb expected) {
        const QRgb p = shown.pixel(x, y);
        return std::abs(qRed(p) - qRed(expected)) <= 4 &&
               std::abs(qGreen(p) - qGreen(expected)) <= 4 &&
               std::abs(qBlue(p) - qBlue(expected)) <= 4;
    };
    QVERIFY(near(10, 10, qRgb(220, 40, 90)));
    QVERIFY(near(W - 10, 10, qRgb(30, 40, 90)));
    QVERIFY(near(10, H - 10, qRgb(220, 200, 90)));
    QVERIFY(near(W - 10, H - 10, qRgb(30, 200, 90)));
    QTRY_COMPARE_WITH_TIMEOUT(doc.session()->encodeState(), DocumentSession::EncodeState::Ready,
                              20000);
    qInfo("48 MP JPEG: opened in %lld ms, ready in %lld ms, peak RSS +%.0f MB", openMs,
          clock.elapsed(), peakRssMb() - rssBefore);
}

// The engines get the decoded image's own pixels (no full-size copy), rows padded or not; other
// formats are converted into packed RGB.
void TestImageOpen::enginesBorrowTheDecodedPixels() {
    const QImage disc = discImage(0).convertToFormat(QImage::Format_RGB888);
    QImage padded = disc.copy(0, 0, 101, 90);  // 303 bytes a row: padded to 304
    QVERIFY(padded.bytesPerLine() > 101 * 3);
    const RgbImage shared = toRgbImage(padded);
    QCOMPARE(shared.data(), padded.constBits());
    QCOMPARE(shared.rowBytes(), std::size_t(padded.bytesPerLine()));
    QVERIFY(shared.complete());
    QVERIFY(shared.pixels.empty());
    const QRgb p = padded.pixel(100, 89);
    const std::uint8_t* last = shared.data() + shared.rowBytes() * 89 + 100 * 3;
    QCOMPARE(int(last[0]), qRed(p));
    QCOMPARE(int(last[2]), qBlue(p));

    const RgbImage converted = toRgbImage(disc.convertToFormat(QImage::Format_ARGB32));
    QVERIFY(!converted.borrowed);
    QCOMPARE(converted.rowBytes(), std::size_t(kImageW) * 3);
    QCOMPARE(converted.pixels.size(), std::size_t(kImageW) * kImageH * 3);
    QCOMPARE(int(converted.pixels[3 * (10 * kImageW + 20) + 1]), qGreen(disc.pixel(20, 10)));

    // GrabCut reads the padded rows as they are: the disc comes out as from packed pixels.
    GrabCutEngine engine;
    PromptSet click;
    click.points = {{discCentre(0).x(), discCentre(0).y(), true}};
    auto a = engine.encode(toRgbImage(disc), {});
    auto b = engine.encode(toRgbImage(disc.convertToFormat(QImage::Format_RGB32)), {});
    QVERIFY(a.ok() && b.ok());
    auto ma = engine.predict(**a, click);
    auto mb = engine.predict(**b, click);
    QVERIFY(ma.ok() && mb.ok());
    QVERIFY(ma->candidates[0].logits.steps() == mb->candidates[0].logits.steps());
}

QTEST_GUILESS_MAIN(TestImageOpen)
#include "tst_imageopen.moc"
