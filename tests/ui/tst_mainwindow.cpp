// The main window opens the bundled sample image and survives a file it cannot read.
#include <QtTest>

#include "ui/mainwindow.h"

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void opensSampleImage();
    void unreadableFileKeepsCurrentImage();
};

void TestMainWindow::opensSampleImage() {
    samdesk::MainWindow window;
    QVERIFY(window.openImage(samdesk::MainWindow::sampleImagePath()));
    QCOMPARE(window.currentImageSize(), QSize(1024, 768));
    QVERIFY(window.windowTitle().contains(QStringLiteral("sample.png")));
}

void TestMainWindow::unreadableFileKeepsCurrentImage() {
    samdesk::MainWindow window;
    QVERIFY(window.openImage(samdesk::MainWindow::sampleImagePath()));
    QTemporaryDir dir;
    const QString bad = dir.filePath(QStringLiteral("broken.png"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not a png");
    f.close();
    QVERIFY(!window.openImage(bad));
    QCOMPARE(window.currentImagePath(), samdesk::MainWindow::sampleImagePath());
    QCOMPARE(window.currentImageSize(), QSize(1024, 768));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
