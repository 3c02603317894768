// The --script runner, part 3: segment everything. `everything` runs it (through the window's
// action) and waits until it is done, printing the proposals and the time; the review verbs are
// real mouse events on the canvas (accept, reject, acceptrect, rejectrect) or the window's
// actions (acceptall, rejectall), so they go the way a person's clicks go.
#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QMouseEvent>
#include <QRegularExpression>

#include <cstdio>

#include "core/document/annotationdocument.h"
#include "ui/canvasview.h"
#include "ui/demoscript.h"
#include "ui/everythingpanel.h"
#include "ui/mainwindow.h"
#include "ui/proposalslayer.h"

namespace samdesk {

namespace {

// "X Y" or "X,Y" (and so on): the numbers, or nothing when one is not a number.
QList<double> coordinates(const QString& text) {
    QList<double> out;
    for (const QString& part :
         text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        out.append(part.toDouble(&ok));
        if (!ok)
            return {};
    }
    return out;
}

const char* stateName(DocumentProposals::State s) {
    switch (s) {
        case DocumentProposals::State::Idle:
            return "idle";
        case DocumentProposals::State::Waiting:
            return "waiting";
        case DocumentProposals::State::Running:
            return "running";
        case DocumentProposals::State::Ready:
            return "ready";
        case DocumentProposals::State::Failed:
            return "failed";
        case DocumentProposals::State::Cancelled:
            return "cancelled";
    }
    return "?";
}

}  // namespace

void DemoScript::reviewDrag(QPointF from, QPointF to, Qt::KeyboardModifiers mods) {
    QWidget* vp = m_window->canvas()->viewport();
    auto send = [vp, mods](QEvent::Type type, QPointF local, Qt::MouseButtons buttons) {
        QMouseEvent e(type, local, vp->mapToGlobal(local), Qt::LeftButton, buttons, mods);
        QApplication::sendEvent(vp, &e);
    };
    const QPointF a = m_window->canvas()->viewportPointFor(from);
    const QPointF b = m_window->canvas()->viewportPointFor(to);
    send(QEvent::MouseButtonPress, a, Qt::LeftButton);
    send(QEvent::MouseMove, (a + b) / 2, Qt::LeftButton);
    send(QEvent::MouseMove, b, Qt::LeftButton);
    send(QEvent::MouseButtonRelease, b, Qt::NoButton);
}

std::optional<bool> DemoScript::runEverythingStep(const QString& verb, const QString& arg) {
    AnnotationDocument* doc = m_window->document();
    DocumentProposals* proposals = doc->proposals();
    auto trigger = [this](const char* name) {
        QAction* a = m_window->action(QLatin1String(name));
        if (!a || !a->isEnabled())
            return false;
        a->trigger();
        return true;
    };
    if (verb == QLatin1String("everything")) {
        if (!trigger("segmentEverything") || !proposals->busy())
            return false;
        m_waitFor = [this, proposals] {
            if (proposals->busy())
                return false;
            if (proposals->state() != DocumentProposals::State::Ready) {
                fail(QStringLiteral("segment everything ended %1")
                         .arg(QLatin1String(stateName(proposals->state()))));
                return false;
            }
            const AutoMaskStats& s = proposals->lastStats();
            std::printf(
                "everything: %d proposals in %.1f ms (run %.1f ms on the inference thread: "
                "encode %.2f s, decode %.2f s, masks %.2f s; %d points, %d crops)\n",
                int(proposals->proposals().size()), proposals->lastReadyMs(),
                proposals->lastRunMs(), s.encodeSeconds, s.decodeSeconds, s.maskSeconds, s.points,
                s.crops);
            std::fflush(stdout);
            return true;
        };
        return true;
    }
    if (verb == QLatin1String("everythingfolder")) {
        // The folder's other images, without the confirmation; waits until the run is over.
        if (m_window->runEverythingFolder(false) == 0)
            return false;
        m_waitFor = [proposals] {
            if (proposals->folderBusy())
                return false;
            const auto& f = proposals->folderSummary();
            std::printf(
                "everythingfolder: %d of %d images, %d objects added (%d replaced), %d "
                "skipped, %d failed\n",
                f.done, f.images, f.objects, f.replaced, f.skipped, f.failed);
            std::fflush(stdout);
            return true;
        };
        return true;
    }
    if (verb == QLatin1String("everythingparams")) {
        // everythingparams name=value ... (the original's names), or `defaults` first.
        AutoMaskParams p = m_window->everythingParams();
        for (const QString& word : arg.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (word == QLatin1String("defaults")) {
                p = AutoMaskParams();
                continue;
            }
            QString why = QStringLiteral("'%1' is not name=value").arg(word);
            const qsizetype eq = word.indexOf(QLatin1Char('='));
            if (eq <= 0 || !setEverythingValue(p, word.left(eq), word.mid(eq + 1), &why)) {
                fail(why);
                return true;  // fail() has said why and stopped
            }
        }
        if (auto st = checkAutoMaskParams(p); !st) {
            fail(QString::fromStdString(st.error().message));
            return true;
        }
        m_window->setEverythingParams(p, false);
        return true;
    }
    if (verb == QLatin1String("everythingsettings")) {
        m_dialog = m_window->showEverythingSettings();
        return true;
    }
    if (verb == QLatin1String("accept") || verb == QLatin1String("reject")) {
        // accept X Y: a click (right click: reject) on the image pixel X, Y.
        const QList<double> v = coordinates(arg);
        if (v.size() != 2)
            return false;
        const QPointF p(v[0] + 0.5, v[1] + 0.5);
        if (proposals->proposalAt(p.x(), p.y()) < 0) {
            fail(QStringLiteral("no pending proposal under %1, %2").arg(v[0]).arg(v[1]));
            return true;
        }
        const int before = proposals->pendingCount();
        click(p, verb == QLatin1String("accept") ? Qt::LeftButton : Qt::RightButton);
        if (proposals->pendingCount() == before) {
            fail(QStringLiteral("the click at %1, %2 reached no proposal").arg(v[0]).arg(v[1]));
            return true;
        }
        waitForPaint();
        return true;
    }
    if (verb == QLatin1String("hover")) {
        // hover X Y: the mouse over image pixel X, Y, no button (the review fills the proposal
        // under it; for screenshots), and the time of a full paint of the view.
        const QList<double> v = coordinates(arg);
        if (v.size() != 2)
            return false;
        const QPointF at = m_window->canvas()->viewportPointFor(QPointF(v[0] + 0.5, v[1] + 0.5));
        QWidget* vp = m_window->canvas()->viewport();
        QMouseEvent move(QEvent::MouseMove, at, vp->mapToGlobal(at), Qt::NoButton, Qt::NoButton,
                         Qt::NoModifier);
        QElapsedTimer clock;
        clock.start();
        QApplication::sendEvent(vp, &move);  // the hover looks the proposal up
        const double hoverMs = double(clock.nsecsElapsed()) / 1e6;
        // What a pan or zoom costs with the proposals shown: one paint of the whole view.
        clock.restart();
        vp->repaint();
        const double paintMs = double(clock.nsecsElapsed()) / 1e6;
        const ProposalsLayer* layer = m_window->canvas()->proposalsLayer();
        std::printf(
            "hover %g, %g: proposal %d, looked up in %.1f ms; the whole view painted in %.1f ms "
            "(zoom %.3f, outline level %d: %d proposals, %lld vertices)\n",
            v[0], v[1], layer->hovered(), hoverMs, paintMs, m_window->canvas()->zoom(),
            layer->lastPaintLevel(), layer->lastPaintPaths(),
            static_cast<long long>(layer->lastPaintVertices()));
        std::fflush(stdout);
        return true;
    }
    if (verb == QLatin1String("acceptrect") || verb == QLatin1String("rejectrect")) {
        // acceptrect X0 Y0 X1 Y1: a drag over the image (Shift held: reject).
        const QList<double> v = coordinates(arg);
        if (v.size() != 4 || !m_window->canvas()->reviewing())
            return false;
        reviewDrag(QPointF(v[0], v[1]), QPointF(v[2], v[3]),
                   verb == QLatin1String("rejectrect") ? Qt::ShiftModifier : Qt::NoModifier);
        waitForPaint();
        return true;
    }
    if (verb == QLatin1String("acceptall") || verb == QLatin1String("rejectall")) {
        if (!trigger(verb == QLatin1String("acceptall") ? "acceptAllProposals" : "rejectProposals"))
            return false;
        waitForPaint();
        return true;
    }
    if (verb == QLatin1String("proposals")) {
        int accepted = 0, rejected = 0;
        for (const DocumentProposals::Proposal& p : proposals->proposals()) {
            accepted += p.status == DocumentProposals::Status::Accepted;
            rejected += p.status == DocumentProposals::Status::Rejected;
        }
        std::printf("proposals: %d pending, %d accepted, %d rejected (%s); %d objects\n",
                    proposals->pendingCount(), accepted, rejected, stateName(proposals->state()),
                    int(doc->annotations()->annotations().objects.size()));
        std::fflush(stdout);
        return true;
    }
    return std::nullopt;
}

}  // namespace samdesk
