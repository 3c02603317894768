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
    void maskOutlineIsItsEdgePixels();
    void thresholdSlider();
    void nextPreviousRestoresAnnotations();
    void clickOutsideImageDoesNothing();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
};

void TestCanvas::init() {
    openDiscWindow(m_dir, m_window, 3);
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
    QCOMPARE(doc->prediction()->prompts().points.size(), 1);
    QVERIFY(doc->prediction()->prompts().points[0].point.foreground);
    QVERIFY(QLineF(doc->prediction()->prompts().points[0].position(), discCentre(0)).length() <
            1.5);
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    const auto [covered, outside] = discCoverage(doc->prediction()->currentMask(), 0);
    QVERIFY2(covered > 0.95, qPrintable(QString::number(covered)));
    QVERIFY(outside < 60);
    // The painted overlay follows: the canvas reports the paint that showed the mask.
    QTRY_VERIFY(w.canvas()->lastMaskLatencyMs() > 0);
}

void TestCanvas::backgroundClicks() {
    MainWindow& w = *m_window;
    clickImage(w, QPointF(20, 20), Qt::RightButton);
    clickImage(w, QPointF(30, 150), Qt::LeftButton, Qt::AltModifier);
    const auto& points = w.document()->prediction()->prompts().points;
    QCOMPARE(points.size(), 2);
    QVERIFY(!points[0].point.foreground);
    QVERIFY(!points[1].point.foreground);
    QVERIFY(QLineF(points[1].position(), QPointF(30, 150)).length() < 1.5);
}

void TestCanvas::shiftDragDrawsBox() {
    MainWindow& w = *m_window;
    const QPointF c = discCentre(0);
    dragImage(w, c - QPointF(44, 44), c + QPointF(44, 44), Qt::ShiftModifier);
    AnnotationDocument* doc = w.document();
    QVERIFY(doc->prediction()->prompts().box.has_value());
    QVERIFY(doc->prediction()->prompts().points.isEmpty());
    const QRectF box = *doc->prediction()->prompts().boxRect();
    QVERIFY(std::abs(box.left() - (c.x() - 44)) < 1.5);
    QVERIFY(std::abs(box.bottom() - (c.y() + 44)) < 1.5);
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QVERIFY(discCoverage(doc->prediction()->currentMask(), 0).first > 0.95);
}

void TestCanvas::boxToolDrag() {
    MainWindow& w = *m_window;
    QTest::keyClick(&w, Qt::Key_B);
    QCOMPARE(w.canvas()->tool(), CanvasView::Tool::Box);
    QVERIFY(w.action(QStringLiteral("boxTool"))->isChecked());
    const QPointF c = discCentre(0);
    dragImage(w, c - QPointF(40, 40), c + QPointF(40, 40));
    QVERIFY(w.document()->prediction()->prompts().box.has_value());
    // A plain drag with the point tool draws no box.
    QTest::keyClick(&w, Qt::Key_Escape);
    QTest::keyClick(&w, Qt::Key_P);
    QCOMPARE(w.canvas()->tool(), CanvasView::Tool::Point);
    dragImage(w, c - QPointF(40, 40), c + QPointF(40, 40));
    QVERIFY(!w.document()->prediction()->prompts().box.has_value());
}

void TestCanvas::selectMarkerAndDelete() {
    MainWindow& w = *m_window;
    clickImage(w, discCentre(0));
    clickImage(w, QPointF(20, 20), Qt::RightButton);
    AnnotationDocument* doc = w.document();
    QCOMPARE(doc->prediction()->prompts().points.size(), 2);
    const int bgId = doc->prediction()->prompts().points[1].id;
    // Clicking a marker selects it instead of adding a point.
    clickImage(w, QPointF(20, 20));
    QCOMPARE(doc->prediction()->prompts().points.size(), 2);
    QCOMPARE(w.canvas()->selectedPrompt(), bgId);
    QTest::keyClick(&w, Qt::Key_Delete);
    QCOMPARE(doc->prediction()->prompts().points.size(), 1);
    QVERIFY(doc->prediction()->prompts().points[0].point.foreground);
    QCOMPARE(w.canvas()->selectedPrompt(), -1);
}

void TestCanvas::selectBoxAndDelete() {
    MainWindow& w = *m_window;
    const QPointF c = discCentre(0);
    const QRectF box(c - QPointF(40, 40), c + QPointF(40, 40));
    dragImage(w, box.topLeft(), box.bottomRight(), Qt::ShiftModifier);
    clickImage(w, c, Qt::RightButton);
    AnnotationDocument* doc = w.document();
    QVERIFY(doc->prediction()->prompts().box.has_value());
    // A click on the box's outline selects the box (no new point); Delete removes it.
    clickImage(w, QPointF(box.center().x(), box.top()));
    QCOMPARE(doc->prediction()->prompts().points.size(), 1);
    QCOMPARE(w.canvas()->selectedPrompt(), int(PromptState::kBoxId));
    QTest::keyClick(&w, Qt::Key_Backspace);
    QVERIFY(!doc->prediction()->prompts().box.has_value());
    QCOMPARE(doc->prediction()->prompts().points.size(), 1);
}

void TestCanvas::escapeClearsAndUndoRedoKeys() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    clickImage(w, discCentre(0));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QTest::keyClick(&w, Qt::Key_Escape);
    QVERIFY(doc->prediction()->prompts().isEmpty());
    QVERIFY(!doc->prediction()->hasPrediction());
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc->prediction()->prompts().points.size(), 1);
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(doc->prediction()->prompts().isEmpty());
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(doc->prediction()->prompts().points.size(), 1);
    QTest::keyClick(&w, Qt::Key_Y, Qt::ControlModifier);
    QVERIFY(doc->prediction()->prompts().isEmpty());
}

void TestCanvas::enterKeepsObjectWithLabel() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    doc->annotations()->setCurrentLabel(QStringLiteral("disc"));
    QCOMPARE(w.objectsPanel()->labelCombo()->currentText(), QStringLiteral("disc"));
    clickImage(w, discCentre(0));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QTRY_VERIFY(w.action(QStringLiteral("keepMask"))->isEnabled());
    QTest::keyClick(&w, Qt::Key_Return);
    QCOMPARE(int(doc->annotations()->annotations().objects.size()), 1);
    QCOMPARE(doc->annotations()->annotations().objects[0].label, std::string("disc"));
    QVERIFY(doc->prediction()->prompts().isEmpty());
    QTreeWidget* list = w.objectsPanel()->objectList();
    QTRY_COMPARE(list->topLevelItemCount(), 1);
    QVERIFY(list->topLevelItem(0)->text(0).contains(QStringLiteral("disc")));
    // Unchecking the object in the list hides it (an undoable edit).
    list->topLevelItem(0)->setCheckState(0, Qt::Unchecked);
    QVERIFY(!doc->annotations()->annotations().objects[0].visible);
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(doc->annotations()->annotations().objects[0].visible);
    // Selected in the list, it is highlighted on the canvas; Delete removes it.
    QTRY_COMPARE(list->topLevelItem(0)->checkState(0), Qt::Checked);
    w.objectsPanel()->selectObject(1);
    QCOMPARE(w.canvas()->highlightedObject(), 1);
    QTest::keyClick(&w, Qt::Key_Delete);
    QVERIFY(doc->annotations()->annotations().objects.empty());
    QTRY_COMPARE(w.canvas()->highlightedObject(), 0);
}

void TestCanvas::zoomKeepsImageCoordinates() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    clickImage(w, discCentre(0));
    const QPointF before = doc->prediction()->prompts().points[0].position();
    const double z0 = w.canvas()->zoom();
    QTest::keyClick(&w, Qt::Key_Equal, Qt::ControlModifier);
    QTest::keyClick(&w, Qt::Key_Equal, Qt::ControlModifier);
    QVERIFY(w.canvas()->zoom() > z0 * 1.5);
    QCOMPARE(doc->prediction()->prompts().points[0].position(), before);
    // A click at the zoomed view lands on the same image pixel it shows.
    w.canvas()->centerOn(discCentre(0));
    clickImage(w, discCentre(0) + QPointF(10, 5), Qt::RightButton);
    QVERIFY(
        QLineF(doc->prediction()->prompts().points[1].position(), discCentre(0) + QPointF(10, 5))
            .length() < 1.0);
    QTest::keyClick(&w, Qt::Key_0, Qt::ControlModifier);
    QVERIFY(std::abs(w.canvas()->zoom() - z0) < 1e-6);
}

namespace {

// The overlay's outline pixels (opaque amber) are exactly its mask pixels with a 4-neighbour
// outside the mask; the others are the translucent fill or empty.
void checkOutline(const QImage& overlay) {
    const QRgb outline = qRgb(255, 214, 0);
    int edges = 0, fills = 0;
    auto inside = [&](int x, int y) {
        return x >= 0 && y >= 0 && x < overlay.width() && y < overlay.height() &&
               qAlpha(overlay.pixel(x, y)) > 0;
    };
    for (int y = 0; y < overlay.height(); ++y)
        for (int x = 0; x < overlay.width(); ++x) {
            if (!inside(x, y))
                continue;
            const bool border =
                x == 0 || y == 0 || x + 1 == overlay.width() || y + 1 == overlay.height();
            const bool edge = !border && (!inside(x - 1, y) || !inside(x + 1, y) ||
                                          !inside(x, y - 1) || !inside(x, y + 1));
            const bool amber = overlay.pixel(x, y) == outline;
            if (border)
                continue;  // the overlay's own border is not the mask's
            QCOMPARE(amber, edge);
            (amber ? edges : fills) += 1;
        }
    QVERIFY2(edges > 50 && fills > edges, qPrintable(QString("%1 %2").arg(edges).arg(fills)));
}

}  // namespace

void TestCanvas::maskOutlineIsItsEdgePixels() {
    MainWindow& w = *m_window;
    clickImage(w, discCentre(0));
    QTRY_VERIFY(w.document()->prediction()->hasPrediction());
    QTRY_VERIFY(!w.canvas()->maskOverlay().isNull());
    // Fitted to the window (zoomed in past the 240 x 180 image's pixels): each mask pixel is a
    // block of screen pixels, the outline one screen pixel wide around the blocks.
    const double z = w.canvas()->zoom();
    QVERIFY(z > 1.5);
    const QImage& fitted = w.canvas()->maskOverlay();
    QVERIFY(std::abs(fitted.width() - w.canvas()->maskOverlayTarget().width() * z) <= 1.0);
    checkOutline(fitted);
    // At a zoom below 1 the overlay is the mask scaled down to the screen, outlined the same.
    while (w.canvas()->zoom() >= 0.9)
        w.canvas()->zoomOut();
    const double small = w.canvas()->zoom();
    QTRY_VERIFY(std::abs(w.canvas()->maskOverlay().width() -
                         w.canvas()->maskOverlayTarget().width() * small) <= 1.5);
    checkOutline(w.canvas()->maskOverlay());
}

void TestCanvas::thresholdSlider() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    clickImage(w, discCentre(0));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    const auto base = doc->prediction()->currentMask().area();
    QSlider* slider = w.findChild<QSlider*>(QStringLiteral("thresholdSlider"));
    QVERIFY(slider);
    slider->setValue(slider->value() + 48);  // +3 logits
    QCOMPARE(doc->prediction()->threshold(), 3.0);
    QVERIFY(doc->prediction()->currentMask().area() < base);
    QTest::keyClick(&w, Qt::Key_BracketLeft);
    QCOMPARE(doc->prediction()->threshold(), 2.5);
    QCOMPARE(slider->value(), 40);
}

void TestCanvas::nextPreviousRestoresAnnotations() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    QListWidget* images = w.findChild<QListWidget*>(QStringLiteral("imageList"));
    QVERIFY(images);
    QCOMPARE(images->count(), 3);
    clickImage(w, discCentre(0));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QTest::keyClick(&w, Qt::Key_Return);
    const BinaryMask kept = doc->annotations()->annotations().objects[0].mask;
    QTest::keyClick(&w, Qt::Key_D);
    QCOMPARE(doc->session()->currentIndex(), 1);
    QCOMPARE(images->currentRow(), 1);
    QVERIFY(doc->annotations()->annotations().objects.empty());
    QVERIFY(doc->session()->images().isAnnotated(0));
    QVERIFY(QFile::exists(m_dir->filePath(QStringLiteral(".samdesk/annotations/img0.png.json"))));
    QTest::keyClick(&w, Qt::Key_PageDown);
    QCOMPARE(doc->session()->currentIndex(), 2);
    QTest::keyClick(&w, Qt::Key_PageUp);
    QTest::keyClick(&w, Qt::Key_A);
    QCOMPARE(doc->session()->currentIndex(), 0);
    QCOMPARE(int(doc->annotations()->annotations().objects.size()), 1);
    QVERIFY(doc->annotations()->annotations().objects[0].mask == kept);
    QVERIFY(w.windowTitle().contains(QStringLiteral("img0.png")));
    // The list opens an image too.
    QTest::mouseClick(images->viewport(), Qt::LeftButton, {},
                      images->visualItemRect(images->item(2)).center());
    QCOMPARE(doc->session()->currentIndex(), 2);
}

void TestCanvas::clickOutsideImageDoesNothing() {
    MainWindow& w = *m_window;
    QTest::mouseClick(w.canvas()->viewport(), Qt::LeftButton, {}, QPoint(2, 2));
    QVERIFY(w.document()->prediction()->prompts().isEmpty());
}

QTEST_MAIN(TestCanvas)
#include "tst_canvas.moc"
