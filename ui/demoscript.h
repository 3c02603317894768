// Runs a short list of user steps on the main window (--script): clicks and boxes sent as real
// mouse events to the canvas, keep, label, next image, the info dialog, screenshots, and a
// click-to-mask latency measurement. Used for the documentation's screenshots and to measure the
// app; each step waits until the window has caught up (image encoded, mask painted).
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointF>
#include <QStringList>
#include <QTimer>

#include <functional>

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
};

}  // namespace samdesk
