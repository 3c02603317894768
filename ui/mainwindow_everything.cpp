// MainWindow, part 4: segment everything. The action runs the document's proposals on the current
// image with the parameters of the panel (remembered in AppSettings); the status bar shows the
// run's progress with a Cancel button of its own (the encode's bar shows while it waits for the
// encoding); while proposals are pending Enter accepts them all and Esc rejects the rest, in place
// of Keep Mask and Clear Prompts (the canvas reviews them with the mouse).
#include <QAction>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QStatusBar>
#include <QToolButton>

#include "core/document/annotationdocument.h"
#include "ui/canvasview.h"
#include "ui/everythingpanel.h"
#include "ui/mainwindow.h"

namespace samdesk {

void MainWindow::createEverythingStatus() {
    m_everythingBar = new QProgressBar(this);
    m_everythingBar->setObjectName(QStringLiteral("everythingProgress"));
    m_everythingBar->setMaximumWidth(280);
    m_everythingBar->setTextVisible(true);
    m_everythingCancel = new QToolButton(this);
    m_everythingCancel->setObjectName(QStringLiteral("cancelEverythingButton"));
    m_everythingCancel->setText(tr("Cancel"));
    m_everythingCancel->setToolTip(tr("Stop segment everything (earlier proposals stay)"));
    connect(m_everythingCancel, &QToolButton::clicked, this, [this] {
        DocumentProposals* p = m_document->proposals();
        if (p->busy())
            p->cancel();
        else
            p->cancelFolder();
    });
    statusBar()->addPermanentWidget(m_everythingBar);
    statusBar()->addPermanentWidget(m_everythingCancel);
}

void MainWindow::createEverythingActions() {
    DocumentProposals* proposals = m_document->proposals();
    m_everythingParams = m_settings.everythingParams();
    connect(makeAction("segmentEverything", tr("Segment &Everything"),
                       {QKeySequence(tr("Ctrl+Shift+A"))},
                       tr("Propose masks for everything in the image (SAM's automatic mask "
                          "generator); click them to accept or reject")),
            &QAction::triggered, this, &MainWindow::runEverything);
    connect(makeAction("segmentEverythingFolder", tr("Segment Everything in &Folder..."), {},
                       tr("Run the automatic mask generator on every other image of the folder "
                          "in the background; their masks become unlabelled objects")),
            &QAction::triggered, this, [this] { runEverythingFolder(true); });
    connect(makeAction("everythingSettings", tr("Segment Everything &Settings..."), {},
                       tr("The automatic mask generator's parameters (points per side, "
                          "thresholds, crops)")),
            &QAction::triggered, this, &MainWindow::showEverythingSettings);
    // Enter and Esc, the keys of Keep Mask and Clear Prompts: only one of each pair is enabled
    // at a time (updateActions), so the key goes to the proposals while any are pending.
    connect(makeAction("acceptAllProposals", tr("&Accept All Proposals"),
                       {QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)},
                       tr("Keep every pending proposal as an object with the current label")),
            &QAction::triggered, proposals, &DocumentProposals::acceptAll);
    connect(makeAction("rejectProposals", tr("&Reject Remaining Proposals"),
                       {QKeySequence(Qt::Key_Escape)},
                       tr("Drop the pending proposals (accepted ones stay objects)")),
            &QAction::triggered, proposals, &DocumentProposals::rejectAll);
    // Ctrl+. as Cancel Encoding, which is disabled while this is enabled (updateEncodeStatus).
    connect(makeAction("cancelEverything", tr("Cancel Segment Everything"),
                       {QKeySequence(tr("Ctrl+."))}, tr("Stop the run (earlier proposals stay)")),
            &QAction::triggered, proposals, &DocumentProposals::cancel);

    connect(proposals, &DocumentProposals::stateChanged, this, [this] {
        updateEverythingStatus();
        updateEncodeStatus();
        updateActions();
    });
    connect(
        proposals, &DocumentProposals::folderProgress, this,
        [this](int image, int images, int done, int total) {
            if (m_document->proposals()->busy())
                return;  // the current image's run has the bar
            updateEverythingStatus();
            m_everythingBar->setRange(0, std::max(1, images * std::max(total, 1)));
            m_everythingBar->setValue(image * std::max(total, 1) + done);
            m_everythingBar->setFormat(
                tr("Segment everything on the folder: image %1 of %2").arg(image + 1).arg(images));
        });
    connect(proposals, &DocumentProposals::folderFinished, this, [this] {
        updateEverythingStatus();
        updateActions();
    });
    connect(proposals, &DocumentProposals::progress, this, [this](int done, int total) {
        m_everythingBar->setMaximum(std::max(total, 1));
        m_everythingBar->setValue(done);
        m_everythingBar->setFormat(
            total > 0 ? tr("Segment everything: %1 of %2 steps").arg(done).arg(total)
                      : tr("Segment everything"));
    });
    connect(proposals, &DocumentProposals::proposalsChanged, this, [this] {
        updateActions();
        updateToolHint();
    });
    connect(m_document->annotations(), &DocumentAnnotations::currentLabelChanged, this,
            &MainWindow::updateToolHint);  // the review's hint names the label
}

void MainWindow::updateEverythingStatus() {
    const DocumentProposals* p = m_document->proposals();
    m_everythingBar->setVisible(p->busy() || p->folderBusy());
    m_everythingCancel->setVisible(p->busy() || p->folderBusy());
    if (p->state() == DocumentProposals::State::Waiting) {
        m_everythingBar->setRange(0, 0);
        m_everythingBar->setFormat(tr("Segment everything: waiting for the encoding"));
    } else if (p->state() == DocumentProposals::State::Running) {
        m_everythingBar->setRange(0, 0);  // busy until the first step reports
        m_everythingBar->setFormat(tr("Segment everything"));
    }
}

void MainWindow::updateEverythingActions() {
    if (!action(QStringLiteral("segmentEverything")))
        return;  // called before the actions exist
    const DocumentSession* s = m_document->session();
    const bool reviewing = m_canvas->reviewing();
    action("segmentEverything")
        ->setEnabled(!s->image().isNull() && (s->isSam() || s->engineLoading()));
    action("acceptAllProposals")->setEnabled(reviewing);
    action("rejectProposals")->setEnabled(reviewing);
    action("cancelEverything")->setEnabled(m_document->proposals()->busy());
    action("segmentEverythingFolder")
        ->setEnabled(s->images().count() > 1 && s->isSam() &&
                     !m_document->proposals()->folderBusy());
    if (reviewing) {
        action("keepMask")->setEnabled(false);
        action("clearPrompts")->setEnabled(false);
    }
}

bool MainWindow::runEverything() {
    m_document->proposals()->setParams(m_everythingParams);
    return m_document->proposals()->run();
}

int MainWindow::runEverythingFolder(bool ask) {
    const int others = m_document->session()->images().count() - 1;
    if (ask &&
        QMessageBox::question(
            this, tr("Segment Everything in Folder"),
            tr("Segment everything on the %n other image(s) of the folder with the current "
               "settings, in the background? Each image's masks become unlabelled objects in its "
               "annotations (those of an earlier run that nobody labelled or edited are "
               "replaced). The image shown in the window is left to you: use Segment Everything "
               "to review its proposals.",
               nullptr, others)) != QMessageBox::Yes)
        return 0;
    m_document->proposals()->setParams(m_everythingParams);
    const int queued = m_document->proposals()->runFolder();
    updateEverythingStatus();
    updateActions();
    return queued;
}

void MainWindow::setEverythingParams(const AutoMaskParams& params, bool remember) {
    m_everythingParams = params;
    if (remember)
        m_settings.setEverythingParams(params);
    m_document->proposals()->setParams(params);
}

EverythingPanel* MainWindow::showEverythingSettings() {
    auto* panel = new EverythingPanel(m_everythingParams, this);
    panel->setAttribute(Qt::WA_DeleteOnClose);
    connect(panel, &QDialog::accepted, this,
            [this, panel] { setEverythingParams(panel->params(), true); });
    panel->show();
    return panel;
}

}  // namespace samdesk
