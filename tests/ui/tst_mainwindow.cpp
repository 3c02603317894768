// The main window opens the bundled sample image and survives a file it cannot read; lists every
// shortcut in Help > Keyboard Shortcuts; remembers recent files and its layout.
#include <QMessageBox>
#include <QTableWidget>
#include <QtTest>

#include "core/document/annotationdocument.h"
#include "core/document/appsettings.h"
#include "ui/mainwindow.h"
#include "ui/shortcutsdialog.h"

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void opensSampleImage();
    void unreadableFileKeepsCurrentImage();
    void shortcutsDialogListsActions();
    void recentFilesAndLayoutRemembered();
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

void TestMainWindow::shortcutsDialogListsActions() {
    samdesk::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::keyClick(&window, Qt::Key_F1);
    samdesk::ShortcutsDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<samdesk::ShortcutsDialog*>()) && dialog->isVisible());
    QHash<QString, QString> rows;
    for (int r = 0; r < dialog->table()->rowCount(); ++r)
        rows.insert(dialog->table()->item(r, 0)->text(), dialog->table()->item(r, 1)->text());
    QVERIFY(rows.value(QStringLiteral("Keep Mask as Object")).contains(QStringLiteral("Return")));
    QVERIFY(rows.value(QStringLiteral("Clear Prompts")).contains(QStringLiteral("Esc")));
    QVERIFY(rows.value(QStringLiteral("Next Image")).contains(QStringLiteral("D")));
    QVERIFY(rows.value(QStringLiteral("Next Image")).contains(QStringLiteral("PgDown")));
    QVERIFY(rows.value(QStringLiteral("Choose Candidate 2")).contains(QStringLiteral("2")));
    QVERIFY(rows.contains(QStringLiteral("Background point")));
    QVERIFY(rows.contains(QStringLiteral("Pan")));
    // Every action with a shortcut is listed.
    int withKeys = 0;
    for (QAction* a : window.allActions())
        withKeys += !a->shortcuts().isEmpty();
    QVERIFY(dialog->table()->rowCount() >= withKeys + 8);
}

void TestMainWindow::recentFilesAndLayoutRemembered() {
    QTemporaryDir dir;
    QImage img(64, 48, QImage::Format_RGB32);
    img.fill(Qt::gray);
    QVERIFY(img.save(dir.filePath(QStringLiteral("a.png"))));
    {
        samdesk::MainWindow window;
        window.resize(1111, 777);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openFolder(dir.path()));
        window.document()->prediction()->setThreshold(1.5);
        window.close();
    }
    samdesk::AppSettings settings;
    QCOMPARE(settings.recentFiles().value(0), QFileInfo(dir.path()).absoluteFilePath());
    QCOMPARE(settings.maskThreshold(), 1.5);
    samdesk::MainWindow again;
    again.restoreSettings(false);
    QCOMPARE(again.size(), QSize(1111, 777));
    QCOMPARE(again.document()->prediction()->threshold(), 1.5);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
