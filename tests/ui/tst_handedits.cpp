// Editing objects by hand in the window, beyond strokes (GrabCut, a drawn disc image): Add and
// Subtract combine a prompt's mask with the selected object (the same mask the prompt gives in
// New mode), Fill Holes, Keep the Largest Part and Remove Small Islands (its size remembered),
// Union, Subtract and Intersect on two objects selected in the list in that order, deleting
// several at once, and Re-run SAM's question about hand edits with the Source column's marks.
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTreeWidget>
#include <QtTest>

#include <cmath>

#include "core/document/annotationdocument.h"
#include "ui/objectspanel.h"
#include "uitest.h"

using namespace samdesk;
using namespace samdesk::test;

class TestHandEdits : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void combineAddSubtract();
    void cleanUpActions();
    void booleanActions();
    void rerunAsksAboutHandEdits();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
};

void TestHandEdits::init() {
    openDiscWindow(m_dir, m_window, 1);
}

void TestHandEdits::cleanup() {
    m_window.reset();
    m_dir.reset();
}

void TestHandEdits::combineAddSubtract() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    // An object partly over the disc, brushed.
    QTest::keyClick(&w, Qt::Key_N);
    w.canvas()->setBrushRadius(8);
    strokeImage(w, {QPointF(10, 90), QPointF(80, 90)});
    const BinaryMask a = object(w, 1)->mask;
    QTest::keyClick(&w, Qt::Key_P);
    // The mask the prompt gives in New mode.
    QVERIFY(w.action(QStringLiteral("combineNew"))->isChecked());
    clickImage(w, discCentre(0));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    const BinaryMask m = doc->prediction()->currentMask();
    QVERIFY(m.area() > 3000);
    QCOMPARE(doc->prediction()->refiningObject(), 0);  // New mode: the highlight is not refined
    QTest::keyClick(&w, Qt::Key_Escape);
    QVERIFY(doc->prediction()->prompts().isEmpty());
    QCOMPARE(int(doc->annotations()->annotations().objects.size()), 1);

    // Add: the click first reselects the highlighted object; Keep stores the union.
    w.action(QStringLiteral("combineAdd"))->trigger();
    QCOMPARE(doc->prediction()->combineMode(), DocumentPrediction::CombineMode::Add);
    clickImage(w, discCentre(0));
    QCOMPARE(doc->prediction()->refiningObject(), 1);
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QCOMPARE(differingPixels(doc->prediction()->candidateMask(0), m), 0);
    QTRY_VERIFY(w.action(QStringLiteral("keepMask"))->isEnabled());
    QTest::keyClick(&w, Qt::Key_Return);
    QCOMPARE(int(doc->annotations()->annotations().objects.size()), 1);
    const BinaryMask added = object(w, 1)->mask;
    QCOMPARE(differingPixels(added, combined(a, m, MaskOp::Union)), 0);

    // M cycles to Subtract: Keep stores the difference.
    QTest::keyClick(&w, Qt::Key_M);
    QCOMPARE(doc->prediction()->combineMode(), DocumentPrediction::CombineMode::Subtract);
    QVERIFY(w.action(QStringLiteral("combineSubtract"))->isChecked());
    clickImage(w, discCentre(0));
    QCOMPARE(doc->prediction()->refiningObject(), 1);
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QCOMPARE(differingPixels(doc->prediction()->candidateMask(0), m), 0);
    QTRY_VERIFY(w.action(QStringLiteral("keepMask"))->isEnabled());
    QTest::keyClick(&w, Qt::Key_Return);
    QCOMPARE(differingPixels(object(w, 1)->mask, combined(added, m, MaskOp::Subtract)), 0);
    QTest::keyClick(&w, Qt::Key_M);
    QCOMPARE(doc->prediction()->combineMode(), DocumentPrediction::CombineMode::New);

    // Add with nothing selected: the status bar says so and the click starts a new object.
    w.action(QStringLiteral("combineAdd"))->trigger();
    w.objectsPanel()->selectObject(0);
    clickImage(w, discCentre(0));
    QCOMPARE(doc->prediction()->refiningObject(), 0);
    QCOMPARE(doc->prediction()->prompts().points.size(), 1);
    QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("select")));
}

void TestHandEdits::cleanUpActions() {
    MainWindow& w = *m_window;
    // No object: the clean-up actions are off.
    QVERIFY(!w.action(QStringLiteral("fillHoles"))->isEnabled());
    QTest::keyClick(&w, Qt::Key_N);
    w.canvas()->setBrushRadius(3);
    QList<QPointF> ring;
    for (int i = 0; i <= 48; ++i)
        ring.append(QPointF(120 + 40 * std::cos(i * M_PI / 24), 90 + 40 * std::sin(i * M_PI / 24)));
    strokeImage(w, ring);
    QVERIFY(w.action(QStringLiteral("fillHoles"))->isEnabled());
    BinaryMask expected = object(w, 1)->mask;
    QVERIFY(fillHoles(expected) > 3000);
    QTest::keyClick(&w, Qt::Key_F);
    QCOMPARE(differingPixels(object(w, 1)->mask, expected), 0);
    QVERIFY(!object(w, 1)->handEdited);  // a brushed object has no prompts to differ from

    // A small blob on the same object; K keeps the largest part.
    strokeImage(w, {QPointF(15, 15)});
    BinaryMask withBlob = object(w, 1)->mask;
    QVERIFY(withBlob.area() > expected.area());
    QTest::keyClick(&w, Qt::Key_K);
    QCOMPARE(differingPixels(object(w, 1)->mask, expected), 0);
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(object(w, 1)->mask == withBlob);
    // Remove Small Islands (the value is remembered for the dialog's next default).
    QVERIFY(w.removeSmallIslands(200));
    QCOMPARE(differingPixels(object(w, 1)->mask, expected), 0);
    QCOMPARE(w.islandMinArea(), 200);
    QCOMPARE(QSettings(QStringLiteral("samdesk"), QStringLiteral("samdesk"))
                 .value(QStringLiteral("edit/islandMinArea"))
                 .toInt(),
             200);
    QVERIFY(!w.removeSmallIslands(200));  // nothing left to remove
}

void TestHandEdits::booleanActions() {
    MainWindow& w = *m_window;
    ObjectsPanel* panel = w.objectsPanel();
    QTest::keyClick(&w, Qt::Key_N);
    w.canvas()->setBrushRadius(15);
    strokeImage(w, {QPointF(40, 90), QPointF(120, 90)});
    panel->selectObject(0);
    strokeImage(w, {QPointF(100, 60), QPointF(100, 130)});
    QCOMPARE(int(w.document()->annotations()->annotations().objects.size()), 2);
    const BinaryMask a = object(w, 1)->mask, b = object(w, 2)->mask;
    QTreeWidget* list = panel->objectList();
    QTRY_COMPARE(list->topLevelItemCount(), 2);
    // One selected: off. Two (a click, then a Ctrl+click): on, in the order they were selected.
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      list->visualItemRect(list->topLevelItem(1)).center());
    QCOMPARE(panel->selectedObjects(), QList<int>{2});
    QVERIFY(!w.action(QStringLiteral("unionObjects"))->isEnabled());
    QTest::mouseClick(list->viewport(), Qt::LeftButton, Qt::ControlModifier,
                      list->visualItemRect(list->topLevelItem(0)).center());
    QCOMPARE(panel->selectedObjects(), (QList<int>{2, 1}));
    QCOMPARE(panel->selectedObject(), 2);
    QCOMPARE(w.canvas()->highlightedObject(), 2);
    QVERIFY(w.action(QStringLiteral("unionObjects"))->isEnabled());
    // Subtract: the first selected (#2) loses what #1 covers; #1 stays.
    w.action(QStringLiteral("subtractObjects"))->trigger();
    QCOMPARE(differingPixels(object(w, 2)->mask, combined(b, a, MaskOp::Subtract)), 0);
    QVERIFY(object(w, 1)->mask == a);
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(object(w, 2)->mask == b);
    // Union into #1, which the list then selects alone; #2 goes.
    panel->selectObjects({1, 2});
    QTRY_VERIFY(w.action(QStringLiteral("unionObjects"))->isEnabled());
    w.action(QStringLiteral("unionObjects"))->trigger();
    QCOMPARE(differingPixels(object(w, 1)->mask, combined(a, b, MaskOp::Union)), 0);
    QVERIFY(!object(w, 2));
    QTRY_COMPARE(panel->selectedObjects(), QList<int>{1});
    QVERIFY(!w.action(QStringLiteral("unionObjects"))->isEnabled());
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(object(w, 1)->mask == a && object(w, 2)->mask == b);
    panel->selectObjects({1, 2});
    QTRY_VERIFY(w.action(QStringLiteral("intersectObjects"))->isEnabled());
    w.action(QStringLiteral("intersectObjects"))->trigger();
    QCOMPARE(differingPixels(object(w, 1)->mask, combined(a, b, MaskOp::Intersect)), 0);
    QVERIFY(!object(w, 2));
    // Delete with several selected deletes them all, in one undo step.
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    panel->selectObjects({1, 2});
    QTRY_COMPARE(panel->selectedObjects(), (QList<int>{1, 2}));
    QTest::keyClick(&w, Qt::Key_Delete);
    QVERIFY(w.document()->annotations()->annotations().objects.empty());
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(int(w.document()->annotations()->annotations().objects.size()), 2);
}

void TestHandEdits::rerunAsksAboutHandEdits() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    clickImage(w, discCentre(0));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QTRY_VERIFY(w.action(QStringLiteral("keepMask"))->isEnabled());
    QTest::keyClick(&w, Qt::Key_Return);
    const BinaryMask kept = object(w, 1)->mask;
    QVERIFY(object(w, 1)->prompts.has_value());
    QTreeWidget* list = w.objectsPanel()->objectList();
    QTRY_COMPARE(list->topLevelItemCount(), 1);
    QCOMPARE(list->topLevelItem(0)->text(1), QStringLiteral("grabcut"));
    QVERIFY(list->topLevelItem(0)->toolTip(1).contains(QStringLiteral("1 point")));
    QVERIFY(w.action(QStringLiteral("rerunSam"))->isEnabled());

    // A stroke far from the disc on it: edited by hand on top of its prompts.
    w.objectsPanel()->selectObject(1);
    QTest::keyClick(&w, Qt::Key_N);
    w.canvas()->setBrushRadius(6);
    const auto pts = strokeImage(w, {QPointF(180, 20), QPointF(220, 30)});
    QVERIFY(object(w, 1)->handEdited);
    const BinaryMask edited = object(w, 1)->mask;
    QCOMPARE(differingPixels(edited, combined(kept, strokeReference(w, pts), MaskOp::Union)), 0);
    QTRY_COMPARE(list->topLevelItem(0)->text(1), QStringLiteral("grabcut, edited"));

    // Ctrl+R asks; Cancel re-runs nothing.
    auto answer = [](const char* button) {
        QTimer::singleShot(0, [button] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            QVERIFY(box);
            QCOMPARE(box->objectName(), QStringLiteral("rerunBox"));
            QVERIFY(!box->findChild<QPushButton*>(QStringLiteral("rerunOthersButton")));
            if (QPushButton* b = box->findChild<QPushButton*>(QLatin1String(button)))
                b->click();
            else
                box->button(QMessageBox::Cancel)->click();
        });
    };
    answer("cancel");
    QSignalSpy asked(w.action(QStringLiteral("rerunSam")), &QAction::triggered);
    QTest::keyClick(&w, Qt::Key_R, Qt::ControlModifier);
    QCOMPARE(asked.count(), 1);
    QVERIFY(!doc->rerunning());
    QVERIFY(object(w, 1)->mask == edited);
    // The window's keys need it active again after the dialog.
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));

    // "Re-run them too": the prompts' mask comes back and the edit mark goes.
    QSignalSpy finished(doc, &AnnotationDocument::rerunFinished);
    answer("rerunAllButton");
    QTest::keyClick(&w, Qt::Key_R, Qt::ControlModifier);
    QVERIFY(doc->rerunning());
    QVERIFY(!w.action(QStringLiteral("rerunSam"))->isEnabled());
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().value(0).toInt(), 1);
    QVERIFY(!object(w, 1)->handEdited);
    QVERIFY(!object(w, 1)->mask.at(200, 25));  // the stroke is gone
    QVERIFY(maskIoU(object(w, 1)->mask, kept) > 0.97);
    QTRY_COMPARE(list->topLevelItem(0)->text(1), QStringLiteral("grabcut"));
    QVERIFY(w.action(QStringLiteral("rerunSam"))->isEnabled());
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    // Undo brings the hand edit back; without asking (Exclude) it is left alone.
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(object(w, 1)->mask == edited && object(w, 1)->handEdited);
    QCOMPARE(w.rerunSam({1}, MainWindow::HandEdited::Exclude), 0);
    QVERIFY(!doc->rerunning());
}

QTEST_MAIN(TestHandEdits)
#include "tst_handedits.moc"
