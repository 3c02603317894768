// Painting masks by hand on the canvas, driven like a person does (GrabCut, a drawn disc image):
// a brush stroke changes exactly the pixels within its radius of the polyline through the mouse
// positions (against a reference rasterisation of the points the canvas mapped), a fast drag
// leaves no gap, Shift+drag and the Eraser erase, undo and redo restore bit for bit, a stroke with
// no object starts one ("brush") and the next stroke goes on it, the radius keys and Ctrl+wheel
// and the cursor circle, Esc cancels a stroke, middle-drag still pans, and the objects layer
// repaints only the part a stroke changed (and shows what a fresh layer shows).
#include <QScrollBar>
#include <QStatusBar>
#include <QTreeWidget>
#include <QtTest>

#include <cmath>

#include "core/document/annotationdocument.h"
#include "ui/objectslayer.h"
#include "ui/objectspanel.h"
#include "uitest.h"

using namespace samdesk;
using namespace samdesk::test;

class TestBrush : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void strokePaintsItsDiscPath();
    void fastDragLeavesNoGap();
    void shiftDragErasesUndoRedo();
    void eraserTool();
    void strokeStartsNewObject();
    void radiusKeysAndWheel();
    void escapeCancelsStroke();
    void middleDragPans();
    void layerRepaintsOnlyTheStroke();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
};

void TestBrush::init() {
    openDiscWindow(m_dir, m_window, 1);
}

void TestBrush::cleanup() {
    m_window.reset();
    m_dir.reset();
}

void TestBrush::strokePaintsItsDiscPath() {
    MainWindow& w = *m_window;
    QTest::keyClick(&w, Qt::Key_N);
    QCOMPARE(w.canvas()->tool(), CanvasView::Tool::Brush);
    QVERIFY(w.action(QStringLiteral("brushTool"))->isChecked());
    w.canvas()->setBrushRadius(6.5);
    const auto first =
        strokeImage(w, {QPointF(30, 40), QPointF(60, 55), QPointF(95, 45), QPointF(130, 70)});
    QCOMPARE(int(w.document()->annotations()->annotations().objects.size()), 1);
    const AnnotationObject* o = object(w, 1);
    QVERIFY(o);
    const BinaryMask ref1 = strokeReference(w, first);
    QVERIFY(ref1.area() > 1000);
    QCOMPARE(differingPixels(o->mask, ref1), 0);
    // The object painted is highlighted: the next stroke (another radius) goes on it.
    QCOMPARE(w.canvas()->highlightedObject(), 1);
    w.canvas()->setBrushRadius(3.2);
    const auto second = strokeImage(w, {QPointF(150, 150), QPointF(200, 120)});
    QCOMPARE(int(w.document()->annotations()->annotations().objects.size()), 1);
    QCOMPARE(differingPixels(object(w, 1)->mask,
                             combined(ref1, strokeReference(w, second), MaskOp::Union)),
             0);
    QTRY_COMPARE(w.objectsPanel()->selectedObject(), 1);
}

void TestBrush::fastDragLeavesNoGap() {
    MainWindow& w = *m_window;
    QTest::keyClick(&w, Qt::Key_N);
    w.canvas()->setBrushRadius(1.5);
    // Two mouse events 150 image pixels apart (a fast flick): the whole segment is painted.
    const QPoint a = w.canvas()->viewportPointFor(QPointF(40, 30));
    const QPoint b = w.canvas()->viewportPointFor(QPointF(190, 30));
    const auto pts = strokeViewport(w, {a, b});
    QCOMPARE(int(pts.size()), 2);
    QVERIFY(pts[1].x - pts[0].x > 149);
    const BinaryMask& m = object(w, 1)->mask;
    for (double t = 0; t <= 1.0; t += 0.001) {
        const int x = int(pts[0].x + t * (pts[1].x - pts[0].x));
        const int y = int(pts[0].y + t * (pts[1].y - pts[0].y));
        QVERIFY2(m.at(x, y), qPrintable(QStringLiteral("gap at %1,%2").arg(x).arg(y)));
    }
    QCOMPARE(differingPixels(m, strokeReference(w, pts)), 0);
}

void TestBrush::shiftDragErasesUndoRedo() {
    MainWindow& w = *m_window;
    QTest::keyClick(&w, Qt::Key_N);
    w.canvas()->setBrushRadius(12);
    const auto painted = strokeImage(w, {QPointF(40, 90), QPointF(200, 90)});
    const BinaryMask before = object(w, 1)->mask;
    QCOMPARE(differingPixels(before, strokeReference(w, painted)), 0);
    w.canvas()->setBrushRadius(5);
    const auto erased =
        strokeImage(w, {QPointF(100, 60), QPointF(110, 90), QPointF(100, 120)}, Qt::ShiftModifier);
    const BinaryMask after = object(w, 1)->mask;
    QCOMPARE(differingPixels(after, combined(before, strokeReference(w, erased), MaskOp::Subtract)),
             0);
    QVERIFY(after.area() < before.area());
    QCOMPARE(int(w.document()->annotations()->annotations().objects.size()), 1);
    // Undo restores the mask bit for bit, redo erases again.
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(object(w, 1)->mask == before);
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(object(w, 1)->mask == after);
    // Undoing the first stroke removes the object it started.
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(w.document()->annotations()->annotations().objects.empty());
}

void TestBrush::eraserTool() {
    MainWindow& w = *m_window;
    QTest::keyClick(&w, Qt::Key_N);
    w.canvas()->setBrushRadius(10);
    const auto painted = strokeImage(w, {QPointF(40, 50), QPointF(200, 130)});
    const BinaryMask before = object(w, 1)->mask;
    QTest::keyClick(&w, Qt::Key_E);
    QCOMPARE(w.canvas()->tool(), CanvasView::Tool::Eraser);
    QVERIFY(w.action(QStringLiteral("eraserTool"))->isChecked());
    w.canvas()->setBrushRadius(4);
    const auto erased = strokeImage(w, {QPointF(120, 40), QPointF(120, 140)});
    QCOMPARE(differingPixels(object(w, 1)->mask,
                             combined(before, strokeReference(w, erased), MaskOp::Subtract)),
             0);
    // With no object selected the eraser has nothing to erase: no object appears.
    w.objectsPanel()->selectObject(0);
    QCOMPARE(w.canvas()->highlightedObject(), 0);
    const int steps = w.document()->undoStack()->count();
    strokeImage(w, {QPointF(20, 20), QPointF(60, 20)});
    QCOMPARE(int(w.document()->annotations()->annotations().objects.size()), 1);
    QCOMPARE(w.document()->undoStack()->count(), steps);
}

void TestBrush::strokeStartsNewObject() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    doc->annotations()->setCurrentLabel(QStringLiteral("scratch"));
    QTest::keyClick(&w, Qt::Key_N);
    w.canvas()->setBrushRadius(4);
    strokeImage(w, {QPointF(30, 30), QPointF(50, 40)});
    QCOMPARE(int(doc->annotations()->annotations().objects.size()), 1);
    const AnnotationObject* o = object(w, 1);
    QCOMPARE(o->source, std::string(source::kBrush));
    QCOMPARE(o->label, std::string("scratch"));
    QVERIFY(!o->prompts.has_value());
    QVERIFY(!o->handEdited);
    QTreeWidget* list = w.objectsPanel()->objectList();
    QTRY_COMPARE(list->topLevelItemCount(), 1);
    QCOMPARE(list->topLevelItem(0)->text(1), QStringLiteral("brush"));
    QTRY_VERIFY(list->topLevelItem(0)->isSelected());
    QCOMPARE(w.objectsPanel()->selectedObject(), 1);
    // A click on the list's empty part selects nothing: the next stroke starts another object.
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      QPoint(10, list->viewport()->height() - 5));
    QCOMPARE(w.objectsPanel()->selectedObject(), 0);
    QCOMPARE(w.canvas()->highlightedObject(), 0);
    strokeImage(w, {QPointF(150, 150), QPointF(170, 160)});
    QCOMPARE(int(doc->annotations()->annotations().objects.size()), 2);
    QCOMPARE(w.canvas()->highlightedObject(), 2);
    QTRY_COMPARE(w.objectsPanel()->selectedObject(), 2);
}

void TestBrush::radiusKeysAndWheel() {
    MainWindow& w = *m_window;
    CanvasView* canvas = w.canvas();
    QTest::keyClick(&w, Qt::Key_N);
    canvas->setBrushRadius(8);
    QTest::keyClick(&w, Qt::Key_Period);
    QCOMPARE(canvas->brushRadius(), 10.0);
    QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("10 px")));
    QTest::keyClick(&w, Qt::Key_Comma);
    QTest::keyClick(&w, Qt::Key_Comma);
    QCOMPARE(canvas->brushRadius(), 6.4);
    for (int i = 0; i < 40; ++i)
        QTest::keyClick(&w, Qt::Key_Period);
    QCOMPARE(canvas->brushRadius(), CanvasView::kMaxBrushRadius);
    for (int i = 0; i < 60; ++i)
        QTest::keyClick(&w, Qt::Key_Comma);
    QCOMPARE(canvas->brushRadius(), CanvasView::kMinBrushRadius);

    // Ctrl+wheel sizes the brush; the plain wheel still zooms.
    canvas->setBrushRadius(8);
    QWidget* vp = canvas->viewport();
    const QPoint at = canvas->viewportPointFor(QPointF(120, 90));
    auto wheel = [vp, at](Qt::KeyboardModifiers mods) {
        QWheelEvent e(QPointF(at), QPointF(vp->mapToGlobal(at)), QPoint(), QPoint(0, 120),
                      Qt::NoButton, mods, Qt::NoScrollPhase, false);
        QApplication::sendEvent(vp, &e);
    };
    const double z = canvas->zoom();
    wheel(Qt::ControlModifier);
    QCOMPARE(canvas->brushRadius(), 10.0);
    QCOMPARE(canvas->zoom(), z);
    wheel(Qt::NoModifier);
    QCOMPARE(canvas->brushRadius(), 10.0);
    QVERIFY(canvas->zoom() > z * 1.1);

    // The cursor circle follows the mouse with the brush's size, and hides outside the canvas.
    const QPoint p = canvas->viewportPointFor(QPointF(120, 90));
    auto hover = [vp](QPoint local) {
        QMouseEvent e(QEvent::MouseMove, QPointF(local), QPointF(vp->mapToGlobal(local)),
                      Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(vp, &e);
    };
    hover(p);
    QVERIFY(!canvas->brushCursorRect().isEmpty());
    const QPointF c = canvas->imagePointAt(p);
    QCOMPARE(canvas->brushCursorRect(), QRectF(c - QPointF(10, 10), QSizeF(20, 20)));
    QTest::keyClick(&w, Qt::Key_Period);
    QCOMPARE(canvas->brushCursorRect(), QRectF(c - QPointF(12.5, 12.5), QSizeF(25, 25)));
    QEvent leave(QEvent::Leave);
    QApplication::sendEvent(canvas, &leave);
    QVERIFY(canvas->brushCursorRect().isEmpty());
    hover(p);
    QVERIFY(!canvas->brushCursorRect().isEmpty());
    QTest::keyClick(&w, Qt::Key_P);  // other tools show no circle
    QVERIFY(canvas->brushCursorRect().isEmpty());
}

void TestBrush::escapeCancelsStroke() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    clickImage(w, discCentre(0));  // a prompt that Esc must not clear while a stroke runs
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QTest::keyClick(&w, Qt::Key_N);
    QWidget* vp = w.canvas()->viewport();
    auto send = [vp](QEvent::Type type, QPoint local, Qt::MouseButtons buttons) {
        QMouseEvent e(type, QPointF(local), QPointF(vp->mapToGlobal(local)), Qt::LeftButton,
                      buttons, Qt::NoModifier);
        QApplication::sendEvent(vp, &e);
    };
    const QPoint a = w.canvas()->viewportPointFor(QPointF(20, 20));
    const QPoint b = w.canvas()->viewportPointFor(QPointF(60, 30));
    // Esc at the canvas (which has the focus during a stroke) and at the window.
    for (QWidget* target : {static_cast<QWidget*>(w.canvas()), static_cast<QWidget*>(&w)}) {
        send(QEvent::MouseButtonPress, a, Qt::LeftButton);
        send(QEvent::MouseMove, b, Qt::LeftButton);
        QVERIFY(w.canvas()->stroking());
        QCOMPARE(int(w.canvas()->strokePoints().size()), 2);
        QTest::keyClick(target, Qt::Key_Escape);
        QVERIFY(!w.canvas()->stroking());
        QVERIFY(w.canvas()->strokePoints().empty());
        QCOMPARE(doc->prediction()->prompts().points.size(), 1);  // not Clear Prompts
        send(QEvent::MouseMove, a, Qt::LeftButton);
        send(QEvent::MouseButtonRelease, a, Qt::NoButton);
        QVERIFY(doc->annotations()->annotations().objects.empty());
        QVERIFY(doc->prediction()->hasPrediction());  // the unkept mask is not kept either
    }
    // Without a stroke Esc clears the prompts as before.
    QTest::keyClick(&w, Qt::Key_Escape);
    QVERIFY(doc->prediction()->prompts().isEmpty());
}

void TestBrush::middleDragPans() {
    MainWindow& w = *m_window;
    CanvasView* canvas = w.canvas();
    QTest::keyClick(&w, Qt::Key_N);
    for (int i = 0; i < 4; ++i)
        QTest::keyClick(&w, Qt::Key_Equal, Qt::ControlModifier);
    canvas->centerOn(QPointF(120, 90));
    QWidget* vp = canvas->viewport();
    const int h = canvas->horizontalScrollBar()->value();
    auto send = [vp](QEvent::Type type, QPoint local, Qt::MouseButton button,
                     Qt::MouseButtons buttons) {
        QMouseEvent e(type, QPointF(local), QPointF(vp->mapToGlobal(local)), button, buttons,
                      Qt::NoModifier);
        QApplication::sendEvent(vp, &e);
    };
    const QPoint c = vp->rect().center();
    send(QEvent::MouseButtonPress, c, Qt::MiddleButton, Qt::MiddleButton);
    send(QEvent::MouseMove, c + QPoint(-80, 0), Qt::NoButton, Qt::MiddleButton);
    send(QEvent::MouseButtonRelease, c + QPoint(-80, 0), Qt::MiddleButton, Qt::NoButton);
    QCOMPARE(canvas->horizontalScrollBar()->value(), h + 80);
    QVERIFY(w.document()->annotations()->annotations().objects.empty());
}

void TestBrush::layerRepaintsOnlyTheStroke() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    QTest::keyClick(&w, Qt::Key_N);
    w.canvas()->setBrushRadius(20);
    strokeImage(w, {QPointF(30, 30), QPointF(200, 150)});
    w.objectsPanel()->selectObject(0);
    strokeImage(w, {QPointF(30, 150), QPointF(200, 30)});
    // A small stroke on #1 repaints the tiles under it, not the image.
    w.objectsPanel()->selectObject(1);
    w.canvas()->setBrushRadius(3);
    const auto pts = strokeImage(w, {QPointF(150, 40), QPointF(160, 44)});  // off both objects
    const ObjectsLayer* layer = w.canvas()->objectsLayer();
    const qint64 repainted = layer->lastRepaintedPixels();
    const BinaryMask stroke = strokeReference(w, pts);
    const PixelRect b = stroke.boundingBox();
    QVERIFY(stroke.area() > 50);
    // The check tiles under the stroke's rectangle, and far less than the image.
    const int t = ObjectsLayer::kCheckTile;
    const QRect tiles(
        QPoint(b.x / t * t, b.y / t * t),
        QPoint((b.x + b.width - 1) / t * t + t - 1, (b.y + b.height - 1) / t * t + t - 1));
    const QRect under = tiles.intersected(QRect(0, 0, kImageW, kImageH));
    QVERIFY2(repainted > 0 && repainted <= qint64(under.width()) * under.height() &&
                 repainted < kImageW * kImageH / 4,
             qPrintable(QString::number(repainted)));
    // What it shows is what a layer drawing everything afresh shows, also after undo and
    // after a deletion.
    auto fresh = [doc] {
        ObjectsLayer all;
        std::vector<ObjectsLayer::Object> objects;
        for (const auto& o : doc->annotations()->annotations().objects)
            objects.push_back({o.id, &o.mask, doc->annotations()->objectColor(o)});
        all.sync(objects, QSize(kImageW, kImageH), 0);
        return all.composite();
    };
    QVERIFY(layer->composite() == fresh());
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(layer->composite() == fresh());
    doc->removeObject(2);
    QVERIFY(layer->composite() == fresh());
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(layer->composite() == fresh());
}

QTEST_MAIN(TestBrush)
#include "tst_brush.moc"
