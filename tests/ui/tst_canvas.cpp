// The window driven like a person does, with the GrabCut engine: clicks and drags on the canvas,
// keys for keep / clear / delete / undo / redo / next / previous, the threshold slider, and the
// document state they must leave behind (prompts in image pixels at any zoom, masks, objects,
// autosave restored when coming back to an image).
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QSlider>
#include <QTreeWidget>
#include <QtTest>

#include "core/document/annotationdocument.h"
#include "ui/objectspanel.h"
#include "uitest.h"

using namespace samdesk;
using namespace samdesk::test;

#define WAIT_READY(w)                                        \
    QTRY_COMPARE_WITH_TIMEOUT((w).document()->encodeState(), \
                              AnnotationDocument::EncodeState::Ready, 20000)

class TestCanvas : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void clickYieldsMask();
    void backgroundClicks();
    void shiftDragDrawsBox();
    void boxToolDrag();
    void selectMarkerAndDelete();
    void selectBoxAndDelete();
    void escapeClearsAndUndoRedoKeys();
    void enterKeepsObjectWithLabel();
    void zoomKeepsImageCoordinates();
    void thresholdSlider();
    void nextPreviousRestoresAnnotations();
    void clickOutsideImageDoesNothing();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
};

void TestCanvas::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    writeDiscImages(m_dir->path(), 3);
    m_window = std::make_unique<MainWindow>(grabCutOnly());
    m_window->resize(1200, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(m_window->openFolder(m_dir->path()));
    WAIT_READY(*m_window);
}

void TestCanvas::cleanup() {
    m_window.reset();
    m_dir.reset();
}

void TestCanvas::clickYieldsMask() {
    MainWindow& w = *m_window;
    QVERIFY(w.engineLabel()->text().contains(QStringLiteral("GrabCut")));
    QVERIFY(w.engineLabel()->text().contains(QStringLiteral("Load Checkpoint")));
    clickImage(w, discCentre(0));
    AnnotationDocument* doc = w.document();
    QCOMPARE(doc->prompts().points.size(), 1);
    QVERIFY(doc->prompts().points[0].foreground);
    QVERIFY(QLineF(doc->prompts().points[0].position, discCentre(0)).length() < 1.5);
    QTRY_VERIFY(doc->hasPrediction());
    const auto [covered, outside] = discCoverage(doc->currentMask(), 0);
    QVERIFY2(covered > 0.95, qPrintable(QString::number(covered)));
    QVERIFY(outside < 60);
    // The painted overlay follows: the canvas reports the paint that showed the mask.
    QTRY_VERIFY(w.canvas()->lastMaskLatencyMs() > 0);
}

void TestCanvas::backgroundClicks() {
    MainWindow& w = *m_window;
    clickImage(w, QPointF(20, 20), Qt::RightButton);
    clickImage(w, QPointF(30, 150), Qt::LeftButton, Qt::AltModifier);
    const auto& points = w.document()->prompts().points;
    QCOMPARE(points.size(), 2);
    QVERIFY(!points[0].foreground);
    QVERIFY(!points[1].foreground);
    QVERIFY(QLineF(points[1].position, QPointF(30, 150)).length() < 1.5);
}

void TestCanvas::shiftDragDrawsBox() {
    MainWindow& w = *m_window;
    const QPointF c = discCentre(0);
    dragImage(w, c - QPointF(44, 44), c + QPointF(44, 44), Qt::ShiftModifier);
    AnnotationDocument* doc = w.document();
    QVERIFY(doc->prompts().box.has_value());
    QVERIFY(doc->prompts().points.isEmpty());
    const QRectF box = *doc->prompts().box;
    QVERIFY(std::abs(box.left() - (c.x() - 44)) < 1.5);
    QVERIFY(std::abs(box.bottom() - (c.y() + 44)) < 1.5);
    QTRY_VERIFY(doc->hasPrediction());
    QVERIFY(discCoverage(doc->currentMask(), 0).first > 0.95);
}

void TestCanvas::boxToolDrag() {
    MainWindow& w = *m_window;
    QTest::keyClick(&w, Qt::Key_B);
    QCOMPARE(w.canvas()->tool(), CanvasView::Tool::Box);
    QVERIFY(w.action(QStringLiteral("boxTool"))->isChecked());
    const QPointF c = discCentre(0);
    dragImage(w, c - QPointF(40, 40), c + QPointF(40, 40));
    QVERIFY(w.document()->prompts().box.has_value());
    // A plain drag with the point tool draws no box.
    QTest::keyClick(&w, Qt::Key_Escape);
    QTest::keyClick(&w, Qt::Key_P);
    QCOMPARE(w.canvas()->tool(), CanvasView::Tool::Point);
    dragImage(w, c - QPointF(40, 40), c + QPointF(40, 40));
    QVERIFY(!w.document()->prompts().box.has_value());
}

void TestCanvas::selectMarkerAndDelete() {
    MainWindow& w = *m_window;
    clickImage(w, discCentre(0));
    clickImage(w, QPointF(20, 20), Qt::RightButton);
    AnnotationDocument* doc = w.document();
    QCOMPARE(doc->prompts().points.size(), 2);
    const int bgId = doc->prompts().points[1].id;
    // Clicking a marker selects it instead of adding a point.
    clickImage(w, QPointF(20, 20));
    QCOMPARE(doc->prompts().points.size(), 2);
    QCOMPARE(w.canvas()->selectedPrompt(), bgId);
    QTest::keyClick(&w, Qt::Key_Delete);
    QCOMPARE(doc->prompts().points.size(), 1);
    QVERIFY(doc->prompts().points[0].foreground);
    QCOMPARE(w.canvas()->selectedPrompt(), -1);
}

void TestCanvas::selectBoxAndDelete() {
    MainWindow& w = *m_window;
    const QPointF c = discCentre(0);
    const QRectF box(c - QPointF(40, 40), c + QPointF(40, 40));
    dragImage(w, box.topLeft(), box.bottomRight(), Qt::ShiftModifier);
    clickImage(w, c, Qt::RightButton);
    AnnotationDocument* doc = w.document();
    QVERIFY(doc->prompts().box.has_value());
    // A click on the box's outline selects the box (no new point); Delete removes it.
    clickImage(w, QPointF(box.center().x(), box.top()));
    QCOMPARE(doc->prompts().points.size(), 1);
    QCOMPARE(w.canvas()->selectedPrompt(), int(PromptState::kBoxId));
    QTest::keyClick(&w, Qt::Key_Backspace);
    QVERIFY(!doc->prompts().box.has_value());
    QCOMPARE(doc->prompts().points.size(), 1);
}

void TestCanvas::escapeClearsAndUndoRedoKeys() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    clickImage(w, discCentre(0));
    QTRY_VERIFY(doc->hasPrediction());
    QTest::keyClick(&w, Qt::Key_Escape);
    QVERIFY(doc->prompts().isEmpty());
    QVERIFY(!doc->hasPrediction());
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc->prompts().points.size(), 1);
    QTRY_VERIFY(doc->hasPrediction());
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(doc->prompts().isEmpty());
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(doc->prompts().points.size(), 1);
    QTest::keyClick(&w, Qt::Key_Y, Qt::ControlModifier);
    QVERIFY(doc->prompts().isEmpty());
}

void TestCanvas::enterKeepsObjectWithLabel() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    doc->setCurrentLabel(QStringLiteral("disc"));
    QCOMPARE(w.objectsPanel()->labelCombo()->currentText(), QStringLiteral("disc"));
    clickImage(w, discCentre(0));
    QTRY_VERIFY(doc->hasPrediction());
    QTRY_VERIFY(w.action(QStringLiteral("keepMask"))->isEnabled());
    QTest::keyClick(&w, Qt::Key_Return);
    QCOMPARE(int(doc->annotations().objects.size()), 1);
    QCOMPARE(doc->annotations().objects[0].label, std::string("disc"));
    QVERIFY(doc->prompts().isEmpty());
    QTreeWidget* list = w.objectsPanel()->objectList();
    QTRY_COMPARE(list->topLevelItemCount(), 1);
    QVERIFY(list->topLevelItem(0)->text(0).contains(QStringLiteral("disc")));
    // Unchecking the object in the list hides it (an undoable edit).
    list->topLevelItem(0)->setCheckState(0, Qt::Unchecked);
    QVERIFY(!doc->annotations().objects[0].visible);
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(doc->annotations().objects[0].visible);
    // Selected in the list, it is highlighted on the canvas; Delete removes it.
    QTRY_COMPARE(list->topLevelItem(0)->checkState(0), Qt::Checked);
    w.objectsPanel()->selectObject(1);
    QCOMPARE(w.canvas()->highlightedObject(), 1);
    QTest::keyClick(&w, Qt::Key_Delete);
    QVERIFY(doc->annotations().objects.empty());
    QTRY_COMPARE(w.canvas()->highlightedObject(), 0);
}

void TestCanvas::zoomKeepsImageCoordinates() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    clickImage(w, discCentre(0));
    const QPointF before = doc->prompts().points[0].position;
    const double z0 = w.canvas()->zoom();
    QTest::keyClick(&w, Qt::Key_Equal, Qt::ControlModifier);
    QTest::keyClick(&w, Qt::Key_Equal, Qt::ControlModifier);
    QVERIFY(w.canvas()->zoom() > z0 * 1.5);
    QCOMPARE(doc->prompts().points[0].position, before);
    // A click at the zoomed view lands on the same image pixel it shows.
    w.canvas()->centerOn(discCentre(0));
    clickImage(w, discCentre(0) + QPointF(10, 5), Qt::RightButton);
    QVERIFY(QLineF(doc->prompts().points[1].position, discCentre(0) + QPointF(10, 5)).length() <
            1.0);
    QTest::keyClick(&w, Qt::Key_0, Qt::ControlModifier);
    QVERIFY(std::abs(w.canvas()->zoom() - z0) < 1e-6);
}

void TestCanvas::thresholdSlider() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    clickImage(w, discCentre(0));
    QTRY_VERIFY(doc->hasPrediction());
    const auto base = doc->currentMask().area();
    QSlider* slider = w.findChild<QSlider*>(QStringLiteral("thresholdSlider"));
    QVERIFY(slider);
    slider->setValue(slider->value() + 48);  // +3 logits
    QCOMPARE(doc->threshold(), 3.0);
    QVERIFY(doc->currentMask().area() < base);
    QTest::keyClick(&w, Qt::Key_BracketLeft);
    QCOMPARE(doc->threshold(), 2.5);
    QCOMPARE(slider->value(), 40);
}

void TestCanvas::nextPreviousRestoresAnnotations() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    QListWidget* images = w.findChild<QListWidget*>(QStringLiteral("imageList"));
    QVERIFY(images);
    QCOMPARE(images->count(), 3);
    clickImage(w, discCentre(0));
    QTRY_VERIFY(doc->hasPrediction());
    QTest::keyClick(&w, Qt::Key_Return);
    const BinaryMask kept = doc->annotations().objects[0].mask;
    QTest::keyClick(&w, Qt::Key_D);
    QCOMPARE(doc->currentIndex(), 1);
    QCOMPARE(images->currentRow(), 1);
    QVERIFY(doc->annotations().objects.empty());
    QVERIFY(doc->images().isAnnotated(0));
    QVERIFY(QFile::exists(m_dir->filePath(QStringLiteral(".samdesk/annotations/img0.png.json"))));
    QTest::keyClick(&w, Qt::Key_PageDown);
    QCOMPARE(doc->currentIndex(), 2);
    QTest::keyClick(&w, Qt::Key_PageUp);
    QTest::keyClick(&w, Qt::Key_A);
    QCOMPARE(doc->currentIndex(), 0);
    QCOMPARE(int(doc->annotations().objects.size()), 1);
    QVERIFY(doc->annotations().objects[0].mask == kept);
    QVERIFY(w.windowTitle().contains(QStringLiteral("img0.png")));
    // The list opens an image too.
    QTest::mouseClick(images->viewport(), Qt::LeftButton, {},
                      images->visualItemRect(images->item(2)).center());
    QCOMPARE(doc->currentIndex(), 2);
}

void TestCanvas::clickOutsideImageDoesNothing() {
    MainWindow& w = *m_window;
    QTest::mouseClick(w.canvas()->viewport(), Qt::LeftButton, {}, QPoint(2, 2));
    QVERIFY(w.document()->prompts().isEmpty());
}

QTEST_MAIN(TestCanvas)
#include "tst_canvas.moc"
