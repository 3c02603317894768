// Helpers for the widget tests: engine factories, mouse input on the canvas given in image pixels
// (the test says where on the image; the canvas maps it to the screen like for a user), brush
// strokes and the reference rasterisation they are checked against.
#pragma once

#include <QFile>
#include <QMouseEvent>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

#include "core/annotation/maskedit.h"
#include "core/document/annotationdocument.h"
#include "core/engine/grabcutengine.h"
#include "tests/annotation/teststroke.h"
#include "tests/document/testimages.h"
#include "ui/canvasview.h"
#include "ui/mainwindow.h"

// Waits until the window's current image is encoded.
#define WAIT_READY(w)                                                   \
    QTRY_COMPARE_WITH_TIMEOUT((w).document()->session()->encodeState(), \
                              DocumentSession::EncodeState::Ready, 20000)

// Waits until the window's SAM engine is loaded and its current image encoded.
#define WAIT_SAM_READY(w)                                                                      \
    do {                                                                                       \
        QTRY_VERIFY_WITH_TIMEOUT(                                                              \
            (w).document()->session()->isSam() && !(w).document()->session()->engineLoading(), \
            30000);                                                                            \
        QTRY_COMPARE_WITH_TIMEOUT((w).document()->session()->encodeState(),                    \
                                  DocumentSession::EncodeState::Ready, 30000);                 \
    } while (0)

namespace samdesk::test {

inline EngineFactory grabCutOnly() {
    return [](const EngineChoice& choice) -> Expected<LoadedEngine> {
        if (!choice.checkpoint.empty())
            return createEngine(choice);
        LoadedEngine e;
        e.engine = std::make_unique<GrabCutEngine>();
        return e;
    };
}

inline void clickImage(MainWindow& w, QPointF imagePos, Qt::MouseButton button = Qt::LeftButton,
                       Qt::KeyboardModifiers mods = {}) {
    QTest::mouseClick(w.canvas()->viewport(), button, mods, w.canvas()->viewportPointFor(imagePos));
}

// Sends a real press / moves / release sequence (QTest::mouseMove does not carry the held
// button on every platform).
inline void dragImage(MainWindow& w, QPointF from, QPointF to, Qt::KeyboardModifiers mods = {}) {
    QWidget* vp = w.canvas()->viewport();
    auto send = [vp, mods](QEvent::Type type, QPoint local, Qt::MouseButtons buttons) {
        QMouseEvent e(type, QPointF(local), QPointF(vp->mapToGlobal(local)), Qt::LeftButton,
                      buttons, mods);
        QApplication::sendEvent(vp, &e);
    };
    const QPoint a = w.canvas()->viewportPointFor(from);
    const QPoint b = w.canvas()->viewportPointFor(to);
    send(QEvent::MouseButtonPress, a, Qt::LeftButton);
    for (int i = 1; i <= 4; ++i)
        send(QEvent::MouseMove, a + (b - a) * i / 4, Qt::LeftButton);
    send(QEvent::MouseButtonRelease, b, Qt::NoButton);
}

// ---- Brush strokes ------------------------------------------------------------------------------

// Press at the first viewport point, a move to each of the others, release at the last (the left
// button, `mods` held). Returns the image points the canvas mapped them to: what it paints.
inline std::vector<StrokePoint> strokeViewport(MainWindow& w, const QList<QPoint>& pts,
                                               Qt::KeyboardModifiers mods = {}) {
    QWidget* vp = w.canvas()->viewport();
    auto send = [vp, mods](QEvent::Type type, QPoint local, Qt::MouseButtons buttons) {
        QMouseEvent e(type, QPointF(local), QPointF(vp->mapToGlobal(local)), Qt::LeftButton,
                      buttons, mods);
        QApplication::sendEvent(vp, &e);
    };
    send(QEvent::MouseButtonPress, pts.first(), Qt::LeftButton);
    for (int i = 1; i < pts.size(); ++i)
        send(QEvent::MouseMove, pts[i], Qt::LeftButton);
    send(QEvent::MouseButtonRelease, pts.last(), Qt::NoButton);
    std::vector<StrokePoint> out;
    for (const QPoint& p : pts) {
        const QPointF q = w.canvas()->imagePointAt(p);
        if (out.empty() || out.back() != StrokePoint{q.x(), q.y()})
            out.push_back({q.x(), q.y()});
    }
    return out;
}

// The same through image points (sent at the nearest viewport pixels).
inline std::vector<StrokePoint> strokeImage(MainWindow& w, const QList<QPointF>& imagePoints,
                                            Qt::KeyboardModifiers mods = {}) {
    QList<QPoint> pts;
    for (const QPointF& p : imagePoints)
        pts.append(w.canvas()->viewportPointFor(p));
    return strokeViewport(w, pts, mods);
}

// The reference: every pixel of a width x height mask whose centre lies within `r` of the
// polyline through `pts` (inclusive), by scanning all pixels (tests/annotation/teststroke.h).
inline BinaryMask strokeReference(int width, int height, const std::vector<StrokePoint>& pts,
                                  double r) {
    return testmasks::referenceStroke(BinaryMask(width, height), pts, r);
}

// The reference of a stroke with the window's brush on its image.
inline BinaryMask strokeReference(MainWindow& w, const std::vector<StrokePoint>& pts) {
    const QSize s = w.currentImageSize();
    return strokeReference(s.width(), s.height(), pts, w.canvas()->brushRadius());
}

// Pixels where two masks differ (-1: different sizes).
inline int differingPixels(const BinaryMask& a, const BinaryMask& b) {
    if (a.width() != b.width() || a.height() != b.height())
        return -1;
    int n = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            n += a.at(x, y) != b.at(x, y);
    return n;
}

inline BinaryMask combined(const BinaryMask& a, const BinaryMask& b, MaskOp op) {
    return combineMasks(a, b, op).value();
}

inline const AnnotationObject* object(MainWindow& w, int id) {
    return w.document()->annotations()->find(id);
}

// The canvas tests' window: GrabCut on a folder of `images` disc images, 1200 x 800, shown and
// with its first image encoded. Fails the calling test when it cannot be made.
inline void openDiscWindow(std::unique_ptr<QTemporaryDir>& dir, std::unique_ptr<MainWindow>& window,
                           int images) {
    dir = std::make_unique<QTemporaryDir>();
    writeDiscImages(dir->path(), images);
    window = std::make_unique<MainWindow>(grabCutOnly());
    window->resize(1200, 800);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    QVERIFY(window->openFolder(dir->path()));
    WAIT_READY(*window);
}

// The SAM tests' window: the tiny fixture's two images copied into `dir`, 1200 x 800, shown,
// with the tiny checkpoint loaded and the first image encoded (set AppSettings first). Fails the
// calling test when it cannot be made.
inline void openTinySamWindow(const QTemporaryDir& dir, std::unique_ptr<MainWindow>& window) {
    const QString data = QStringLiteral(SAMDESK_TEST_DATA "/samv1-tiny/");
    QVERIFY(QFile::copy(data + "image_a.png", dir.filePath("image_a.png")));
    QVERIFY(QFile::copy(data + "image_b.png", dir.filePath("image_b.png")));
    window = std::make_unique<MainWindow>();
    window->resize(1200, 800);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    QVERIFY(window->openFolder(dir.path()));
    window->loadCheckpoint(data + "checkpoint.pth");
    WAIT_SAM_READY(*window);
}

}  // namespace samdesk::test
