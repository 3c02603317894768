// The --script runner.
#include "ui/demoscript.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QMouseEvent>
#include <QScreen>
#include <QWidget>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/document/annotationdocument.h"
#include "ui/canvasview.h"
#include "ui/checkpointinfodialog.h"
#include "ui/demostats.h"
#include "ui/embeddingcachedialog.h"
#include "ui/mainwindow.h"

namespace samdesk {

namespace {

constexpr qint64 kStepTimeoutMs = 600000;

QList<double> numbers(const QString& text) {
    QList<double> out;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out.append(part.trimmed().toDouble());
    return out;
}

// How an image was made ready (DocumentSession::EncodeSource), in words.
const char* const kSources[] = {"none", "encoder", "memory", "embedding cache"};

}  // namespace

DemoScript::DemoScript(MainWindow* window, const QString& script, QObject* parent)
    : QObject(parent), m_window(window) {
    for (const QString& s : script.split(QLatin1Char(';'), Qt::SkipEmptyParts))
        m_steps.append(s.trimmed());
    m_timer.setInterval(5);
    connect(&m_timer, &QTimer::timeout, this, &DemoScript::poll);
    connect(window->canvas(), &CanvasView::maskPainted, this, [this](double ms) {
        ++m_maskPaints;
        m_lastLatency = ms;
    });
    connect(window->canvas(), &CanvasView::strokePreviewPainted, this, [this](double ms) {
        ++m_previewPaints;
        m_lastPreviewMs = ms;
    });
    connect(window->canvas(), &CanvasView::strokeFinished, this, [this](int, double ms) {
        ++m_strokesFinished;
        m_lastReleaseMs = ms;
    });
    connect(window->document(), &AnnotationDocument::rerunFinished, this,
            [this](int changed, int failed) {
                ++m_reruns;
                m_rerunChanged = changed;
                m_rerunFailed = failed;
            });
    window->canvas()->viewport()->installEventFilter(this);
}

void DemoScript::start() {
    m_waitFor = [this] { return ready(); };
    m_stepClock.start();
    m_timer.start();
}

bool DemoScript::ready() const {
    const AnnotationDocument* doc = m_window->document();
    return !doc->session()->engineLoading() &&
           doc->session()->encodeState() == DocumentSession::EncodeState::Ready;
}

void DemoScript::fail(const QString& why) {
    std::fprintf(stderr, "samdesk --script: %s\n", qPrintable(why));
    m_timer.stop();
    Q_EMIT finished(1);
}

void DemoScript::poll() {
    if (m_waitFor && !m_waitFor()) {
        if (m_stepClock.elapsed() > kStepTimeoutMs)
            fail(QStringLiteral("a step did not finish in time"));
        return;
    }
    m_waitFor = nullptr;
    if (m_latencyTotal > 0) {
        latencyClick();
        return;
    }
    if (m_strokeTotal > 0) {
        strokeLatencyStep();
        return;
    }
    if (m_steps.isEmpty()) {
        m_timer.stop();
        Q_EMIT finished(0);
        return;
    }
    const QString step = m_steps.takeFirst();
    m_stepClock.restart();
    if (!runStep(step))
        fail(QStringLiteral("cannot run step '%1'").arg(step));
}

void DemoScript::click(QPointF imagePos, Qt::MouseButton button, Qt::KeyboardModifiers mods) {
    QWidget* vp = m_window->canvas()->viewport();
    const QPointF local = m_window->canvas()->viewportPointFor(imagePos);
    const QPointF global = vp->mapToGlobal(local);
    QMouseEvent press(QEvent::MouseButtonPress, local, global, button, button, mods);
    QApplication::sendEvent(vp, &press);
    QMouseEvent release(QEvent::MouseButtonRelease, local, global, button, Qt::NoButton, mods);
    QApplication::sendEvent(vp, &release);
}

void DemoScript::drag(QPointF from, QPointF to) {
    QWidget* vp = m_window->canvas()->viewport();
    auto send = [vp](QEvent::Type type, QPointF local, Qt::MouseButtons buttons) {
        QMouseEvent e(type, local, vp->mapToGlobal(local), Qt::LeftButton, buttons,
                      Qt::ShiftModifier);
        QApplication::sendEvent(vp, &e);
    };
    const QPointF a = m_window->canvas()->viewportPointFor(from);
    const QPointF b = m_window->canvas()->viewportPointFor(to);
    send(QEvent::MouseButtonPress, a, Qt::LeftButton);
    send(QEvent::MouseMove, (a + b) / 2, Qt::LeftButton);
    send(QEvent::MouseMove, b, Qt::LeftButton);
    send(QEvent::MouseButtonRelease, b, Qt::NoButton);
}

bool DemoScript::runStep(const QString& step) {
    const QString verb = step.section(QLatin1Char(' '), 0, 0).toLower();
    const QString arg = step.section(QLatin1Char(' '), 1).trimmed();
    AnnotationDocument* doc = m_window->document();
    const int paintsBefore = m_maskPaints;
    auto waitForMask = [this, paintsBefore] { return m_maskPaints > paintsBefore; };
    // Prompts are clicked with the point tool (a brush or eraser left on would paint).
    const CanvasView::Tool tool = m_window->canvas()->tool();
    if ((tool == CanvasView::Tool::Brush || tool == CanvasView::Tool::Eraser) &&
        (verb == QLatin1String("click") || verb == QLatin1String("bgclick") ||
         verb == QLatin1String("box") || verb == QLatin1String("latency")))
        m_window->action(QStringLiteral("pointTool"))->trigger();
    if (verb == QLatin1String("click") || verb == QLatin1String("bgclick")) {
        const auto v = numbers(arg);
        if (v.size() != 2)
            return false;
        click(QPointF(v[0], v[1]),
              verb == QLatin1String("click") ? Qt::LeftButton : Qt::RightButton);
        m_waitFor = waitForMask;
    } else if (verb == QLatin1String("box")) {
        const auto v = numbers(arg);
        if (v.size() != 4)
            return false;
        drag(QPointF(v[0], v[1]), QPointF(v[2], v[3]));
        m_waitFor = waitForMask;
    } else if (verb == QLatin1String("keep")) {
        doc->keepMask();
    } else if (verb == QLatin1String("label")) {
        doc->annotations()->setCurrentLabel(arg);
    } else if (verb == QLatin1String("candidate")) {
        doc->prediction()->selectCandidate(arg.toInt() - 1);
    } else if (verb == QLatin1String("threshold")) {
        doc->prediction()->setThreshold(arg.toDouble());
    } else if (verb == QLatin1String("next") || verb == QLatin1String("previous")) {
        if (verb == QLatin1String("next"))
            doc->next();
        else
            doc->previous();
        m_waitFor = [this] { return ready(); };
    } else if (verb == QLatin1String("image")) {
        if (!doc->setCurrentIndex(arg.toInt() - 1))
            return false;
        m_waitFor = [this] { return ready(); };
    } else if (verb == QLatin1String("region") || verb == QLatin1String("encoderegion")) {
        // region x0,y0,x1,y1 (image pixels) or encoderegion (what the view shows): encodes
        // that part alone and waits until prompts inside it can use it.
        QRect r = m_window->canvas()->visibleImageRect();
        if (verb == QLatin1String("region")) {
            const QStringList v = arg.split(QLatin1Char(','));
            if (v.size() != 4)
                return false;
            r = QRect(QPoint(v[0].toInt(), v[1].toInt()),
                      QPoint(v[2].toInt() - 1, v[3].toInt() - 1));
        }
        doc->session()->encodeRegion(r);
        if (doc->session()->region().isNull())
            return false;
        waitForRegion(false);
    } else if (verb == QLatin1String("view")) {
        // view x0,y0,x1,y1: zooms and scrolls the canvas to show that part of the image.
        const QList<double> v = numbers(arg);
        if (v.size() != 4 || v[2] <= v[0] || v[3] <= v[1])
            return false;
        m_window->canvas()->showImageArea(QRectF(QPointF(v[0], v[1]), QPointF(v[2], v[3])));
    } else if (verb == QLatin1String("autoregion")) {
        // autoregion on|off: Model > Encode the Visible Region Automatically.
        QAction* a = m_window->action(QStringLiteral("autoRegion"));
        if (!a || (arg != QLatin1String("on") && arg != QLatin1String("off")))
            return false;
        a->setChecked(arg == QLatin1String("on"));
    } else if (verb == QLatin1String("waitregion")) {
        // After `view` with `autoregion on`: waits until the view's background encoding has
        // started and is ready; fails when none starts after the view rested.
        waitForRegion(true);
    } else if (verb == QLatin1String("clear")) {
        doc->prediction()->clearPrompts();
    } else if (verb == QLatin1String("wholeimage")) {
        doc->session()->clearRegion();
    } else if (verb == QLatin1String("ready")) {
        // How the current image became ready (encoder, memory, disk cache) and how long it took
        // from the encode request (opening the image) to Ready.
        std::printf(
            "%s ready in %.1f ms from the request (from the %s; inference thread %.1f ms)\n",
            qPrintable(QFileInfo(doc->session()->currentImagePath()).fileName()),
            doc->session()->lastReadyMs(), kSources[int(doc->session()->lastEncodeSource())],
            doc->session()->lastEncodeMs());
        std::fflush(stdout);
    } else if (verb == QLatin1String("cachedialog")) {
        m_dialog = m_window->showEmbeddingCache();
    } else if (verb == QLatin1String("info")) {
        m_dialog = m_window->showCheckpointInfo();
        if (!m_dialog)
            return false;
    } else if (verb == QLatin1String("closeinfo")) {
        if (m_dialog)
            m_dialog->close();
        m_dialog = nullptr;
    } else if (verb == QLatin1String("shot")) {
        QApplication::processEvents();
        QWidget* target = m_dialog ? m_dialog : static_cast<QWidget*>(m_window);
        const QString file = QDir::current().absoluteFilePath(arg);
        if (!target->grab().save(file))
            return false;
        std::printf("screenshot: %s\n", qPrintable(file));
        std::fflush(stdout);
    } else if (verb == QLatin1String("latency")) {
        startLatency(std::max(1, arg.toInt()));
    } else if (verb == QLatin1String("quit")) {
        m_steps.clear();
    } else if (const std::optional<bool> done = runEverythingStep(verb, arg)) {
        return *done;
    } else {
        return runEditStep(verb, arg).value_or(false);
    }
    return true;
}

// Waits until the session's region is ready and prints it, timed from now. `starting`: the
// encoding may not have been asked for yet (the view rests first): waits for a region other
// than the one there is now, and fails when none is asked for within three rest periods.
void DemoScript::waitForRegion(bool starting) {
    AnnotationDocument* doc = m_window->document();
    QElapsedTimer* clock = &m_regionClock;
    clock->start();
    const QRect before = starting ? doc->session()->region() : QRect();
    m_waitFor = [this, doc, clock, starting, before] {
        const QRect now = doc->session()->region();
        if (starting && (now.isNull() || now == before)) {
            if (clock->elapsed() > 3 * CanvasView::kViewRestMs)
                fail(QStringLiteral("waitregion: no region was encoded for the view"));
            return false;
        }
        if (!doc->session()->regionReady())
            return false;
        const QRect g = doc->session()->region();
        std::printf("region %d,%d %dx%d ready in %.1f ms%s\n", g.x(), g.y(), g.width(), g.height(),
                    double(clock->nsecsElapsed()) / 1e6,
                    doc->session()->regionInBackground() ? " (in the background)" : "");
        std::fflush(stdout);
        return true;
    };
}

// Clicks on a grid over the middle of the image, one fresh prompt each time (Esc, then a click),
// and reads the canvas's own measurement: from the click's handling to the end of the paint
// that first showed its mask.
void DemoScript::startLatency(int clicks) {
    m_latencyTotal = clicks;
    m_latencyDone = 0;
    m_latencies.clear();
    m_decodes.clear();
}

// Called by poll() while a measurement runs, each time the previous click's mask was painted.
void DemoScript::latencyClick() {
    AnnotationDocument* doc = m_window->document();
    const int done = m_latencyDone;
    if (done > 0) {
        m_latencies.append(m_lastLatency);
        m_decodes.append(doc->prediction()->lastDecodeMs());
    }
    if (done == m_latencyTotal) {
        m_latencyTotal = 0;
        const QSize size = doc->session()->image().size();
        std::printf(
            "click-to-mask latency over %d clicks (%s, %s) on %d x %d (%.1f MP, ready in %.0f ms "
            "from the %s): first %.1f ms, median %.1f ms, p95 %.1f, min %.1f, max %.1f; decode "
            "on the inference thread: median %.1f ms, p95 %.1f; peak RSS %.0f MiB\n",
            int(m_latencies.size()), qPrintable(doc->session()->engine().name),
            qPrintable(doc->session()->engine().device), size.width(), size.height(),
            double(size.width()) * size.height() / 1e6, doc->session()->lastReadyMs(),
            kSources[int(doc->session()->lastEncodeSource())], m_latencies.first(),
            median(m_latencies), p95(m_latencies),
            *std::min_element(m_latencies.begin(), m_latencies.end()),
            *std::max_element(m_latencies.begin(), m_latencies.end()), median(m_decodes),
            p95(m_decodes), peakRssMiB());
        std::fflush(stdout);
        return;
    }
    const QSize s = doc->session()->image().size();
    const QPointF p(s.width() * (0.2 + 0.6 * ((done * 7) % 10) / 9.0),
                    s.height() * (0.2 + 0.6 * ((done * 3) % 10) / 9.0));
    doc->prediction()->clearPrompts();
    const int paintsBefore = m_maskPaints;
    click(p, Qt::LeftButton);
    ++m_latencyDone;
    m_waitFor = [this, paintsBefore] { return m_maskPaints > paintsBefore; };
}

}  // namespace samdesk
