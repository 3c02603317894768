// MainWindow, part 1: layout, status bar, opening files and checkpoints. The actions, menus and
// toolbar are in mainwindow_actions.cpp.
#include "ui/mainwindow.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QStatusBar>
#include <QToolButton>

#include "core/document/annotationdocument.h"
#include "core/document/imagefolder.h"
#include "core/engine/cachefolder.h"
#include "ui/candidatespanel.h"
#include "ui/canvasview.h"
#include "ui/checkpointinfodialog.h"
#include "ui/embeddingcachedialog.h"
#include "ui/imagelistpanel.h"
#include "ui/objectspanel.h"

namespace samdesk {

MainWindow::MainWindow(EngineFactory factory, QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("mainWindow"));
    m_document = new AnnotationDocument(std::move(factory), this);
    m_canvas = new CanvasView(m_document, this);
    setCentralWidget(m_canvas);
    setAcceptDrops(true);
    createDocks();
    createStatusBar();
    createActions();
    createMenus();
    createToolBar();

    connect(m_document->session(), &DocumentSession::currentImageChanged, this,
            &MainWindow::updateTitle);
    connect(m_document->session(), &DocumentSession::imageListChanged, this,
            &MainWindow::updateTitle);
    connect(m_document->session(), &DocumentSession::engineChanged, this,
            &MainWindow::updateEngineStatus);
    connect(m_document->session(), &DocumentSession::engineLoadingChanged, this,
            &MainWindow::updateEngineStatus);
    connect(m_document->session(), &DocumentSession::engineChanged, this, [this] {
        // A checkpoint the user asked for is remembered once it loads.
        if (!m_pendingCheckpoint.isEmpty() && m_document->session()->isSam()) {
            m_settings.setCheckpoint(m_pendingCheckpoint);
            m_pendingCheckpoint.clear();
        }
    });
    connect(m_document->session(), &DocumentSession::engineFailed, this,
            [this](const QString& checkpoint, const QString& message) {
                m_pendingCheckpoint.clear();
                showError(tr("Cannot load the checkpoint"),
                          tr("%1\n\n%2\n\nStill using %3.")
                              .arg(QFileInfo(checkpoint).fileName(), message,
                                   m_document->session()->engine().name));
            });
    connect(m_document->session(), &DocumentSession::encodeStateChanged, this,
            &MainWindow::updateEncodeStatus);
    connect(
        m_document->session(), &DocumentSession::encodeProgress, this, [this](int done, int total) {
            m_encodeBar->setMaximum(std::max(total, 1));
            m_encodeBar->setValue(done);
            m_encodeBar->setFormat(total > 1 ? tr("Encoding: block %1 of %2").arg(done).arg(total)
                                             : tr("Encoding"));
        });
    connect(m_document, &AnnotationDocument::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 6000); });
    connect(m_document, &AnnotationDocument::error, this,
            [this](const QString& text) { showError(tr("samdesk"), text); });
    connect(m_document->prediction(), &DocumentPrediction::promptsChanged, this,
            &MainWindow::updateActions);
    connect(m_document->prediction(), &DocumentPrediction::predictionChanged, this,
            &MainWindow::updateActions);
    connect(m_document->session(), &DocumentSession::imageListChanged, this,
            &MainWindow::updateActions);
    connect(m_document->session(), &DocumentSession::currentImageChanged, this,
            &MainWindow::updateActions);
    connect(m_canvas, &CanvasView::zoomChanged, this, [this](double z) {
        m_zoomLabel->setText(QStringLiteral("%1 %").arg(z * 100.0, 0, 'f', z < 0.1 ? 1 : 0));
    });
    connect(m_canvas, &CanvasView::cursorMoved, this, [this](QPointF p, bool inside) {
        m_cursorLabel->setText(inside ? QStringLiteral("%1, %2").arg(int(p.x())).arg(int(p.y()))
                                      : QString());
    });

    {
        const QSignalBlocker block(m_document);
        m_document->prediction()->setRefineWithPrevious(m_settings.refineWithPrevious());
        m_document->prediction()->setHoverPreview(m_settings.hoverPreview());
        m_document->prediction()->setThreshold(m_settings.maskThreshold());
    }
    resize(1440, 900);
    updateEngineStatus();
    updateEncodeStatus();
    updateEverythingStatus();
    updateActions();
    updateTitle();
    updateToolHint();
}

MainWindow::~MainWindow() = default;

QString MainWindow::sampleImagePath() {
    return QStringLiteral(":/samdesk/sample/sample.png");
}

QString MainWindow::currentImagePath() const {
    return m_document->session()->currentImagePath();
}

QSize MainWindow::currentImageSize() const {
    return m_document->session()->image().size();
}

void MainWindow::createDocks() {
    auto dock = [this](const QString& name, const QString& title, QWidget* w,
                       Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(w);
        d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                       QDockWidget::DockWidgetClosable);
        addDockWidget(area, d);
        return d;
    };
    m_images = new ImageListPanel(m_document, this);
    dock(QStringLiteral("imagesDock"), tr("Images"), m_images, Qt::LeftDockWidgetArea);
    m_candidates = new CandidatesPanel(m_document, this);
    dock(QStringLiteral("candidatesDock"), tr("Mask"), m_candidates, Qt::RightDockWidgetArea);
    connect(m_canvas, &CanvasView::maskPainted, m_candidates, &CandidatesPanel::maskPainted);
    m_objects = new ObjectsPanel(m_document, this);
    dock(QStringLiteral("objectsDock"), tr("Objects"), m_objects, Qt::RightDockWidgetArea);
}

void MainWindow::createStatusBar() {
    m_engineLabel = new QLabel(this);
    m_engineLabel->setObjectName(QStringLiteral("engineLabel"));
    m_encodeBar = new QProgressBar(this);
    m_encodeBar->setObjectName(QStringLiteral("encodeProgress"));
    m_encodeBar->setMaximumWidth(240);
    m_encodeBar->setTextVisible(true);
    m_cancelButton = new QToolButton(this);
    m_cancelButton->setObjectName(QStringLiteral("cancelEncodeButton"));
    m_cancelButton->setText(tr("Cancel"));
    m_cancelButton->setToolTip(tr("Stop encoding this image"));
    connect(m_cancelButton, &QToolButton::clicked, m_document->session(),
            &DocumentSession::cancelEncode);
    m_zoomLabel = new QLabel(this);
    m_zoomLabel->setMinimumWidth(56);
    m_cursorLabel = new QLabel(this);
    m_cursorLabel->setMinimumWidth(80);
    m_toolHint = new QLabel(this);
    m_toolHint->setObjectName(QStringLiteral("toolHint"));
    statusBar()->addWidget(m_toolHint, 1);  // hidden while a message shows
    statusBar()->addPermanentWidget(m_encodeBar);
    statusBar()->addPermanentWidget(m_cancelButton);
    createEverythingStatus();
    statusBar()->addPermanentWidget(m_engineLabel);
    statusBar()->addPermanentWidget(m_cursorLabel);
    statusBar()->addPermanentWidget(m_zoomLabel);
}

void MainWindow::updateEngineStatus() {
    const EngineStatus& e = m_document->session()->engine();
    QString text;
    if (m_document->session()->engineLoading())
        text = tr("Loading the model...");
    else if (m_document->session()->isSam())
        text = tr("Engine: %1 (%2)").arg(e.name, e.device);
    else
        text = tr("Engine: GrabCut - for SAM, Model > Load Checkpoint (Ctrl+L)");
    m_engineLabel->setText(text);
    m_engineLabel->setToolTip(m_document->session()->isSam()
                                  ? e.checkpoint
                                  : tr("No SAM checkpoint is loaded: masks come "
                                       "from OpenCV's GrabCut"));
    updateActions();
}

void MainWindow::updateEncodeStatus() {
    const bool encoding =
        m_document->session()->encodeState() == DocumentSession::EncodeState::Encoding;
    m_encodeBar->setVisible(encoding);
    m_cancelButton->setVisible(encoding);
    if (encoding) {
        m_encodeBar->setRange(0, 0);  // busy until the first block reports
        m_encodeBar->setFormat(tr("Encoding"));
    }
    // Ctrl+. stops segment everything first while it runs (or waits for this encoding).
    if (QAction* a = action(QStringLiteral("cancelEncode")))
        a->setEnabled(encoding && !m_document->proposals()->busy());
}

void MainWindow::updateTitle() {
    const QString path = m_document->session()->currentImagePath();
    const int count = m_document->session()->images().count();
    if (path.isEmpty())
        setWindowTitle(tr("samdesk"));
    else if (count > 1)
        setWindowTitle(tr("%1 (%2 of %3) - samdesk")
                           .arg(QFileInfo(path).fileName())
                           .arg(m_document->session()->currentIndex() + 1)
                           .arg(count));
    else
        setWindowTitle(tr("%1 - samdesk").arg(QFileInfo(path).fileName()));
}

void MainWindow::showError(const QString& title, const QString& text) {
    statusBar()->showMessage(text.section(QLatin1Char('\n'), 0, 0), 10000);
    // Non-modal: inference keeps running and tests are not blocked by a dialog.
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

// ---- Opening ----------------------------------------------------------------------------------

bool MainWindow::openImage(const QString& path) {
    if (!m_document->openImage(path))
        return false;
    m_settings.addRecentFile(path);
    return true;
}

bool MainWindow::openFolder(const QString& folder) {
    if (!m_document->openFolder(folder))
        return false;
    m_settings.addRecentFile(folder);
    return true;
}

void MainWindow::loadCheckpoint(const QString& path) {
    m_pendingCheckpoint = QFileInfo(path).absoluteFilePath();
    m_document->session()->setEmbeddingCache(
        m_settings.embeddingCacheEnabled() ? m_settings.embeddingCacheDirectory() : QString(),
        m_settings.embeddingCacheMaxBytes());
    m_document->session()->loadCheckpoint(m_pendingCheckpoint, m_settings.device(),
                                          m_settings.precision());
}

void MainWindow::setEmbeddingCache(bool enabled, const QString& directory, quint64 maxBytes) {
    const QString defaultDir = QString::fromStdString(defaultCacheDirectory());
    m_settings.setEmbeddingCacheEnabled(enabled);
    m_settings.setEmbeddingCacheDirectory(directory == defaultDir ? QString() : directory);
    m_settings.setEmbeddingCacheMaxBytes(maxBytes);
    if (m_document->session()->isSam())
        loadCheckpoint(m_document->session()->engine().checkpoint);
}

EmbeddingCacheDialog* MainWindow::showEmbeddingCache() {
    auto* dialog = new EmbeddingCacheDialog(m_settings.embeddingCacheEnabled(),
                                            m_settings.embeddingCacheDirectory(),
                                            m_settings.embeddingCacheMaxBytes(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        setEmbeddingCache(dialog->cacheEnabled(), dialog->directory(), dialog->maxBytes());
    });
    dialog->show();
    return dialog;
}

void MainWindow::chooseImage() {
    const QString filter =
        tr("Images (%1)").arg(QStringLiteral("*.") + ImageFolder::imageSuffixes().join(" *."));
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open Image"), m_settings.lastDirectory(), filter);
    if (path.isEmpty())
        return;
    m_settings.setLastDirectory(QFileInfo(path).absolutePath());
    openImage(path);
}

void MainWindow::chooseFolder() {
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Open Folder"), m_settings.lastDirectory());
    if (dir.isEmpty())
        return;
    m_settings.setLastDirectory(dir);
    openFolder(dir);
}

void MainWindow::chooseCheckpoint() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Load SAM Checkpoint"),
        m_settings.checkpoint().isEmpty() ? m_settings.lastDirectory()
                                          : QFileInfo(m_settings.checkpoint()).absolutePath(),
        tr("SAM checkpoints (*.pth *.pt *.safetensors);;All files (*)"));
    if (!path.isEmpty())
        loadCheckpoint(path);
}

CheckpointInfoDialog* MainWindow::showCheckpointInfo() {
    const auto& report = m_document->session()->engine().report;
    if (!report)
        return nullptr;
    auto* dialog = new CheckpointInfoDialog(*report, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void MainWindow::deleteSelection() {
    if (m_canvas->deleteSelectedPrompt())
        return;
    m_objects->deleteSelected();
}

// ---- Settings and events ----------------------------------------------------------------------

void MainWindow::restoreSettings(bool loadLastCheckpoint) {
    restoreGeometry(m_settings.windowGeometry());
    restoreState(m_settings.windowState());
    const QString checkpoint = m_settings.checkpoint();
    if (loadLastCheckpoint && !checkpoint.isEmpty() && QFileInfo::exists(checkpoint))
        loadCheckpoint(checkpoint);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_document->flush();
    m_settings.setWindowGeometry(saveGeometry());
    m_settings.setWindowState(saveState());
    m_settings.setRefineWithPrevious(m_document->prediction()->refineWithPrevious());
    m_settings.setHoverPreview(m_document->prediction()->hoverPreview());
    m_settings.setMaskThreshold(m_document->prediction()->threshold());
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile())
        return;
    const QString path = urls.first().toLocalFile();
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    if (info.isDir())
        openFolder(path);
    else if (suffix == QLatin1String("pth") || suffix == QLatin1String("pt") ||
             suffix == QLatin1String("safetensors"))
        loadCheckpoint(path);
    else
        openImage(path);
    event->acceptProposedAction();
}

}  // namespace samdesk
