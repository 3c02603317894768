// Helpers for the widget tests: engine factories, and mouse input on the canvas given in image
// pixels (the test says where on the image; the canvas maps it to the screen like for a user).
#pragma once

#include <QMouseEvent>
#include <QtTest>

#include "core/engine/grabcutengine.h"
#include "tests/document/testimages.h"
#include "ui/canvasview.h"
#include "ui/mainwindow.h"

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

}  // namespace samdesk::test
