// Opening images in the window: `samdesk --image FILE` with a file that cannot be opened says
// why and shows no other image in its place (the bundled sample is only for a start that asks
// for nothing); an image longer than a pixmap can hold is shown downscaled over the whole scene.
#include <QGraphicsPixmapItem>
#include <QProcess>
#include <QtTest>

#include "core/document/annotationdocument.h"
#include "ui/canvasview.h"
#include "ui/mainwindow.h"

namespace {

struct Run {
    int exitCode = -1;  // -1: did not finish in time
    QString err;
};

Run runSamdesk(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(SAMDESK_BINARY_DIR "/app/samdesk"), args);
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QGraphicsPixmapItem* imageItem(samdesk::CanvasView* canvas) {
    for (QGraphicsItem* item : canvas->scene()->items())
        if (auto* pixmap = dynamic_cast<QGraphicsPixmapItem*>(item);
            pixmap && pixmap->zValue() == 0)
            return pixmap;
    return nullptr;
}

}  // namespace

class TestOpenImage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void unreadableStartupImageShowsNoSample();
    void startupImageOpens();
    void longImageCoversTheScene();
};

void TestOpenImage::unreadableStartupImageShowsNoSample() {
    QTemporaryDir dir;
    const QString bad = dir.filePath(QStringLiteral("broken.jpg"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("\xff\xd8\xff\xe0 not really a JPEG");
    f.close();
    const Run r = runSamdesk({"--grabcut", "--image", bad, "--script", "quit"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("no image is open: Cannot open %1: ").arg(bad)),
             qPrintable(r.err));
}

void TestOpenImage::startupImageOpens() {
    QTemporaryDir dir;
    const QString good = dir.filePath(QStringLiteral("good.png"));
    QImage image(120, 80, QImage::Format_RGB888);
    image.fill(QColor(10, 120, 200));
    QVERIFY(image.save(good));
    const QString shot = dir.filePath(QStringLiteral("shot.png"));
    const Run r = runSamdesk({"--grabcut", "--image", good, "--script", "shot " + shot + "; quit"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(QFileInfo::exists(shot));
}

void TestOpenImage::longImageCoversTheScene() {
    // 17000 pixels long: past the 16384 a pixmap may be, yet small in memory.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("long.png"));
    QImage image(17000, 60, QImage::Format_RGB888);
    image.fill(QColor(200, 30, 30));
    QVERIFY(image.save(path));
    samdesk::MainWindow window;
    QVERIFY(window.openImage(path));
    QGraphicsPixmapItem* item = imageItem(window.canvas());
    QVERIFY(item);
    QVERIFY(item->pixmap().width() <= 8192);
    QCOMPARE(window.canvas()->sceneRect(), QRectF(0, 0, 17000, 60));
    const QRectF covered = item->sceneBoundingRect();
    QVERIFY2(std::abs(covered.width() - 17000) < 1e-6 && std::abs(covered.height() - 60) < 1e-6,
             qPrintable(QString("%1 x %2").arg(covered.width()).arg(covered.height())));
    // A normal image afterwards is shown 1:1 again.
    QImage small(300, 200, QImage::Format_RGB888);
    small.fill(Qt::white);
    QVERIFY(small.save(dir.filePath(QStringLiteral("small.png"))));
    QVERIFY(window.openImage(dir.filePath(QStringLiteral("small.png"))));
    QCOMPARE(item->pixmap().size(), QSize(300, 200));
    QCOMPARE(item->sceneBoundingRect(), QRectF(0, 0, 300, 200));
}

QTEST_MAIN(TestOpenImage)
#include "tst_openimage.moc"
