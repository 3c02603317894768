// Runs a short list of user steps on the main window (--script): clicks and boxes sent as real
// mouse events to the canvas, keep, label, next image, the info dialog, screenshots, and a
// click-to-mask latency measurement; editing by hand (brush and eraser strokes, select, clean-up,
// combine modes, boolean operations, re-run SAM, undo, redo) and a stroke latency measurement in
// demoscript_edit.cpp; segment everything and the review of its proposals in
// demoscript_everything.cpp. Used for the documentation's screenshots and to measure the app; each
// step waits until the window has caught up (image encoded, mask or stroke painted).
#pragma once

#include <QElapsedTimer>
#include <QEvent>
#include <QObject>
#include <QPointF>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <optional>

namespace samdesk {

class MainWindow;

class DemoScript : public QObject {
    Q_OBJECT
public:
    DemoScript(MainWindow* window, const QString& script, QObject* parent = nullptr);
    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void poll();
    bool ready() const;
    bool runStep(const QString& step);
    void click(QPointF imagePos, Qt::MouseButton button, Qt::KeyboardModifiers mods = {});
    void drag(QPointF from, QPointF to);
    void fail(const QString& why);
    void startLatency(int clicks);
    void latencyClick();
    void waitForRegion(bool starting);
    // Editing verbs (demoscript_edit.cpp); nullopt when `verb` is not one of them.
    std::optional<bool> runEditStep(const QString& verb, const QString& arg);
    // Segment everything verbs (demoscript_everything.cpp); nullopt when `verb` is not one.
    std::optional<bool> runEverythingStep(const QString& verb, const QString& arg);
    // A left drag from `from` to `to` (image pixels) with `mods` held.
    void reviewDrag(QPointF from, QPointF to, Qt::KeyboardModifiers mods);
    // Press at the first point, a move to each of the others, release at the last (image pixels).
    void stroke(const QList<QPointF>& imagePoints);
    void sendMouse(QEvent::Type type, QPointF viewportPos, Qt::MouseButtons buttons);
    // The step is done after the canvas's next paint.
    void waitForPaint();
    void strokeLatencyStep();
    bool eventFilter(QObject* watched, QEvent* event) override;

    MainWindow* m_window;
    QStringList m_steps;
    QTimer m_timer;
    QElapsedTimer m_stepClock;
    QElapsedTimer m_regionClock;      // from a region request to its encoding being ready
    std::function<bool()> m_waitFor;  // the current step is done when it returns true
    int m_maskPaints = 0;
    double m_lastLatency = 0;
    QWidget* m_dialog = nullptr;
    // Latency measurement.
    int m_latencyTotal = 0;  // clicks to measure; 0: no measurement running
    int m_latencyDone = 0;
    QList<double> m_latencies;
    QList<double> m_decodes;
    // What the canvas and the document reported (counts, so that a step can wait for the next).
    int m_canvasPaints = 0;
    int m_previewPaints = 0;
    double m_lastPreviewMs = 0;
    int m_strokesFinished = 0;
    double m_lastReleaseMs = 0;
    int m_reruns = 0;
    int m_rerunChanged = 0;
    int m_rerunFailed = 0;
    // Stroke latency measurement.
    int m_strokeTotal = 0;  // strokes to measure; 0: none running
    int m_strokeDone = 0;
    int m_strokeMove = 0;   // 0: the next stroke starts; 1..kMoves: moves sent; then the release
    int m_strokesSent = 0;  // over all measurements: where the next stroke goes
    QPointF m_strokePos;    // viewport position of the stroke's last event
    QList<double> m_movePaints;
    QList<double> m_releasePaints;
};

}  // namespace samdesk
