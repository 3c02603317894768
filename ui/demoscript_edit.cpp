// The --script runner, part 2: editing by hand. Strokes are real mouse events on the canvas with
// the Brush or Eraser tool; the other verbs use the window's actions and the objects panel the
// way a person does. `strokelatency N` measures N strokes: from each mouse move to the paint
// that shows it, and from each release to the paint that shows the painted object.
#include <QAction>
#include <QApplication>
#include <QMouseEvent>
#include <QUndoStack>

#include <cstdio>

#include "core/document/annotationdocument.h"
#include "ui/canvasview.h"
#include "ui/demoscript.h"
#include "ui/demostats.h"
#include "ui/mainwindow.h"
#include "ui/objectspanel.h"

namespace samdesk {

namespace {

constexpr int kLatencyMoves = 6;       // mouse moves per measured stroke
constexpr QPoint kLatencyStep(16, 6);  // screen pixels between them (a brisk drag)

// "X,Y" in image pixels; nullopt when it is not two numbers.
std::optional<QPointF> pointArg(const QString& text) {
    const QStringList v = text.split(QLatin1Char(','));
    bool okX = false, okY = false;
    if (v.size() != 2)
        return std::nullopt;
    const double x = v[0].toDouble(&okX), y = v[1].toDouble(&okY);
    if (!okX || !okY)
        return std::nullopt;
    return QPointF(x, y);
}

}  // namespace

bool DemoScript::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Paint)
        ++m_canvasPaints;
    return QObject::eventFilter(watched, event);
}

void DemoScript::sendMouse(QEvent::Type type, QPointF local, Qt::MouseButtons buttons) {
    QWidget* vp = m_window->canvas()->viewport();
    QMouseEvent e(type, local, vp->mapToGlobal(local), Qt::LeftButton, buttons, Qt::NoModifier);
    QApplication::sendEvent(vp, &e);
}

void DemoScript::stroke(const QList<QPointF>& imagePoints) {
    const CanvasView* canvas = m_window->canvas();
    QPointF at = canvas->viewportPointFor(imagePoints.first());
    sendMouse(QEvent::MouseButtonPress, at, Qt::LeftButton);
    for (int i = 1; i < imagePoints.size(); ++i) {
        at = canvas->viewportPointFor(imagePoints[i]);
        sendMouse(QEvent::MouseMove, at, Qt::LeftButton);
    }
    sendMouse(QEvent::MouseButtonRelease, at, Qt::NoButton);
}

void DemoScript::waitForPaint() {
    const int before = m_canvasPaints;
    m_window->canvas()->viewport()->update();
    m_waitFor = [this, before] { return m_canvasPaints > before; };
}

std::optional<bool> DemoScript::runEditStep(const QString& verb, const QString& arg) {
    AnnotationDocument* doc = m_window->document();
    CanvasView* canvas = m_window->canvas();
    ObjectsPanel* panel = m_window->objectsPanel();
    const QStringList words = arg.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    auto trigger = [this](const char* name) {
        QAction* a = m_window->action(QLatin1String(name));
        if (!a || !a->isEnabled())
            return false;
        a->trigger();
        return true;
    };
    if (verb == QLatin1String("brush") || verb == QLatin1String("erase")) {
        // brush R X,Y X,Y ...: a stroke of radius R (image pixels) through the points.
        bool ok = false;
        const double radius = words.value(0).toDouble(&ok);
        if (!ok || words.size() < 2)
            return false;
        QList<QPointF> points;
        for (int i = 1; i < words.size(); ++i) {
            const auto p = pointArg(words[i]);
            if (!p)
                return false;
            points.append(*p);
        }
        if (!trigger(verb == QLatin1String("brush") ? "brushTool" : "eraserTool"))
            return false;
        canvas->setBrushRadius(radius);
        const int before = m_strokesFinished;
        stroke(points);
        m_waitFor = [this, before] { return m_strokesFinished > before; };
        return true;
    }
    if (verb == QLatin1String("select")) {
        // select ID, or select 0: nothing selected (the next brush stroke starts an object).
        bool ok = false;
        const int id = arg.toInt(&ok);
        if (!ok || (id != 0 && !doc->annotations()->find(id)))
            return false;
        panel->selectObject(id);
        // The list may show a new object only after its next rebuild: wait for both.
        m_waitFor = [panel, canvas, id] {
            return panel->selectedObject() == id && canvas->highlightedObject() == id;
        };
        return true;
    }
    if (verb == QLatin1String("fillholes") || verb == QLatin1String("largest")) {
        if (!trigger(verb == QLatin1String("fillholes") ? "fillHoles" : "keepLargestPart"))
            return false;
        waitForPaint();
        return true;
    }
    if (verb == QLatin1String("islands")) {
        bool ok = false;
        const int n = arg.toInt(&ok);
        if (!ok || n < 1 || !m_window->editTarget())
            return false;
        m_window->removeSmallIslands(n);
        waitForPaint();
        return true;
    }
    if (verb == QLatin1String("mode")) {
        const char* name = arg == QLatin1String("add")        ? "combineAdd"
                           : arg == QLatin1String("subtract") ? "combineSubtract"
                           : arg == QLatin1String("new")      ? "combineNew"
                                                              : nullptr;
        return name && trigger(name);
    }
    if (verb == QLatin1String("union") || verb == QLatin1String("subtract") ||
        verb == QLatin1String("intersect")) {
        // union A B: A and B selected in that order in the objects panel, then the action.
        const int a = words.value(0).toInt(), b = words.value(1).toInt();
        if (words.size() != 2 || !doc->annotations()->find(a) || !doc->annotations()->find(b))
            return false;
        const char* name = verb == QLatin1String("union")      ? "unionObjects"
                           : verb == QLatin1String("subtract") ? "subtractObjects"
                                                               : "intersectObjects";
        panel->selectObjects({a, b});
        m_waitFor = [this, panel, a, b, name] {
            if (panel->selectedObjects() != QList<int>{a, b})
                return false;
            QAction* action = m_window->action(QLatin1String(name));
            if (!action->isEnabled()) {
                fail(QStringLiteral("%1 is not enabled").arg(QLatin1String(name)));
                return false;
            }
            action->trigger();
            return true;
        };
        return true;
    }
    if (verb == QLatin1String("rerun")) {
        // rerun [all] [force]: the selected objects (or all), hand-edited ones only with force.
        bool all = false, force = false;
        for (const QString& w : words) {
            if (w == QLatin1String("all"))
                all = true;
            else if (w == QLatin1String("force"))
                force = true;
            else
                return false;
        }
        const int before = m_reruns;
        const int n = m_window->rerunSam(
            m_window->rerunTargets(all),
            force ? MainWindow::HandEdited::Include : MainWindow::HandEdited::Exclude);
        std::printf("re-run SAM on %d object(s) with %s\n", n,
                    qPrintable(doc->session()->engine().name));
        std::fflush(stdout);
        if (n > 0)
            m_waitFor = [this, before] {
                if (m_reruns == before)
                    return false;
                std::printf("re-run finished: %d mask(s) changed, %d failed\n", m_rerunChanged,
                            m_rerunFailed);
                std::fflush(stdout);
                return true;
            };
        return true;
    }
    if (verb == QLatin1String("undo") || verb == QLatin1String("redo")) {
        if (verb == QLatin1String("undo"))
            doc->undoStack()->undo();
        else
            doc->undoStack()->redo();
        waitForPaint();
        return true;
    }
    if (verb == QLatin1String("strokelatency")) {
        if (!trigger("brushTool"))
            return false;
        m_strokeTotal = std::max(1, arg.toInt());
        m_strokeDone = 0;
        m_strokeMove = 0;
        m_movePaints.clear();
        m_releasePaints.clear();
        return true;
    }
    return std::nullopt;
}

// Called by poll() while a measurement runs, each time the previous event was painted: a press
// on a grid over the middle of the image, kLatencyMoves moves, the release, the next stroke.
void DemoScript::strokeLatencyStep() {
    AnnotationDocument* doc = m_window->document();
    CanvasView* canvas = m_window->canvas();
    const int previews = m_previewPaints;
    auto waitForPreview = [this, previews] { return m_previewPaints > previews; };
    if (m_strokeMove == 0) {
        if (m_strokeDone > 0)
            m_releasePaints.append(m_lastReleaseMs);
        if (m_strokeDone == m_strokeTotal) {
            m_strokeTotal = 0;
            const QSize size = doc->session()->image().size();
            std::printf(
                "stroke latency over %d strokes of %d moves (brush radius %.1f px, zoom %.3f) on "
                "%d x %d (%.1f MP): stroke-to-paint median %.1f ms, p95 %.1f, max %.1f; "
                "release-to-objects-painted median %.1f ms, p95 %.1f, max %.1f; peak RSS %.0f "
                "MiB\n",
                int(m_releasePaints.size()), kLatencyMoves, canvas->brushRadius(), canvas->zoom(),
                size.width(), size.height(), double(size.width()) * size.height() / 1e6,
                median(m_movePaints), p95(m_movePaints),
                *std::max_element(m_movePaints.begin(), m_movePaints.end()),
                median(m_releasePaints), p95(m_releasePaints),
                *std::max_element(m_releasePaints.begin(), m_releasePaints.end()), peakRssMiB());
            std::fflush(stdout);
            return;
        }
        // 100 different places on a 10 x 10 grid (a stroke where one was already painted
        // changes nothing and would be measured as free), on from the last measurement's.
        const int k = m_strokesSent++;
        const QSize s = doc->session()->image().size();
        const QPointF p(s.width() * (0.2 + 0.6 * ((k * 7) % 10) / 9.0),
                        s.height() * (0.2 + 0.6 * ((k / 10 + k * 3) % 10) / 9.0));
        m_strokePos = canvas->viewportPointFor(p);
        sendMouse(QEvent::MouseButtonPress, m_strokePos, Qt::LeftButton);
        m_strokeMove = 1;
        m_waitFor = waitForPreview;
        return;
    }
    if (m_strokeMove > 1)
        m_movePaints.append(m_lastPreviewMs);
    if (m_strokeMove <= kLatencyMoves) {
        const QPoint step(kLatencyStep.x(),
                          m_strokeMove % 2 ? kLatencyStep.y() : -kLatencyStep.y());
        m_strokePos += step;
        sendMouse(QEvent::MouseMove, m_strokePos, Qt::LeftButton);
        ++m_strokeMove;
        m_waitFor = waitForPreview;
        return;
    }
    const int finished = m_strokesFinished;
    sendMouse(QEvent::MouseButtonRelease, m_strokePos, Qt::NoButton);
    m_strokeMove = 0;
    ++m_strokeDone;
    m_waitFor = [this, finished] { return m_strokesFinished > finished; };
}

}  // namespace samdesk
