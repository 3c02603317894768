// Encoding in the background: the status bar shows per-block progress and a Cancel button; Cancel
// stops the encode between blocks, the window stays usable (a click is taken at once) and the
// next prompt encodes again. A test engine (GrabCut behind gates) makes the timing deterministic.
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>
#include <QtTest>

#include "core/document/annotationdocument.h"
#include "tests/document/gatedengine.h"
#include "uitest.h"

using namespace samdesk;
using namespace samdesk::test;

class TestEncodeProgress : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void progressAndCancel();
};

void TestEncodeProgress::progressAndCancel() {
    QTemporaryDir dir;
    writeDiscImages(dir.path(), 2);
    Gates gates;
    MainWindow w([&gates](const EngineChoice&) -> Expected<LoadedEngine> {
        LoadedEngine e;
        e.engine = std::make_unique<GatedEngine>(&gates);
        return e;
    });
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFolder(dir.path()));
    auto* bar = w.findChild<QProgressBar*>(QStringLiteral("encodeProgress"));
    auto* cancel = w.findChild<QToolButton*>(QStringLiteral("cancelEncodeButton"));
    QVERIFY(bar && cancel);
    QTRY_VERIFY(bar->isVisible());
    QVERIFY(cancel->isVisible());
    gates.encodeBlock.release(3);
    QTRY_COMPARE(bar->value(), 3);
    QCOMPARE(bar->maximum(), Gates::kBlocks);
    QVERIFY(bar->text().contains(QStringLiteral("3 of 8")));

    QTest::mouseClick(cancel, Qt::LeftButton);
    gates.encodeBlock.release(1);
    QTRY_COMPARE(w.document()->session()->encodeState(), DocumentSession::EncodeState::Cancelled);
    QCOMPARE(gates.blocksDone.load(), 3);
    QTRY_VERIFY(!bar->isVisible());
    QVERIFY(!cancel->isVisible());

    // The window answers at once: the click is a prompt, and it starts the encode again.
    gates.gatePredict = false;
    clickImage(w, discCentre(0));
    QCOMPARE(w.document()->prediction()->prompts().points.size(), 1);
    QCOMPARE(w.document()->session()->encodeState(), DocumentSession::EncodeState::Encoding);
    QTRY_VERIFY(bar->isVisible());
    gates.gateEncode = false;
    gates.encodeBlock.release(Gates::kBlocks);
    QTRY_COMPARE_WITH_TIMEOUT(w.document()->session()->encodeState(),
                              DocumentSession::EncodeState::Ready, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(w.document()->prediction()->hasPrediction(), 20000);
    QVERIFY(!bar->isVisible());
}

QTEST_MAIN(TestEncodeProgress)
#include "tst_encodeprogress.moc"
