// MainWindow, part 2: every action with its shortcut, the menus and the toolbar.
#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QToolBar>
#include <QUndoStack>

#include "core/document/annotationdocument.h"
#include "ui/canvasview.h"
#include "ui/exportdialog.h"
#include "ui/mainwindow.h"
#include "ui/objectspanel.h"
#include "ui/shortcutsdialog.h"

namespace samdesk {

QAction* MainWindow::makeAction(const QString& name, const QString& text,
                                const QList<QKeySequence>& keys, const QString& tip) {
    auto* a = new QAction(text, this);
    a->setObjectName(name);
    a->setShortcuts(keys);
    // Window-wide, so keys work whichever panel has the focus (line edits keep their own keys).
    a->setShortcutContext(Qt::WindowShortcut);
    if (!tip.isEmpty())
        a->setStatusTip(tip);
    addAction(a);
    m_actions.insert(name, a);
    m_actionList.append(a);
    return a;
}

void MainWindow::createActions() {
    AnnotationDocument* doc = m_document;
    // File
    connect(makeAction("openImage", tr("&Open Image..."), {QKeySequence::Open}),
            &QAction::triggered, this, &MainWindow::chooseImage);
    connect(makeAction("openFolder", tr("Open &Folder..."), {QKeySequence(tr("Ctrl+Shift+O"))}),
            &QAction::triggered, this, &MainWindow::chooseFolder);
    connect(makeAction("openSample", tr("Open the &Sample Image")), &QAction::triggered, this,
            [this] { openImage(sampleImagePath()); });
    connect(makeAction("export", tr("&Export..."), {QKeySequence(tr("Ctrl+E"))},
                       tr("Write the annotations as PNG masks, COCO, YOLO or LabelMe")),
            &QAction::triggered, this, &MainWindow::exportAnnotations);
    connect(makeAction("nextImage", tr("&Next Image"),
                       {QKeySequence(Qt::Key_D), QKeySequence(Qt::Key_PageDown)}),
            &QAction::triggered, doc, &AnnotationDocument::next);
    connect(makeAction("previousImage", tr("&Previous Image"),
                       {QKeySequence(Qt::Key_A), QKeySequence(Qt::Key_PageUp)}),
            &QAction::triggered, doc, &AnnotationDocument::previous);
    connect(makeAction("quit", tr("&Quit"), {QKeySequence::Quit}), &QAction::triggered, this,
            &QWidget::close);

    // Edit
    // Fixed texts (the toolbar stays narrow); what would be undone is in the tooltip.
    QUndoStack* stack = doc->undoStack();
    QAction* undo = makeAction("undo", tr("&Undo"), QKeySequence::keyBindings(QKeySequence::Undo));
    QAction* redo = makeAction("redo", tr("&Redo"),
                               {QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y"))});
    connect(undo, &QAction::triggered, stack, &QUndoStack::undo);
    connect(redo, &QAction::triggered, stack, &QUndoStack::redo);
    connect(stack, &QUndoStack::canUndoChanged, undo, &QAction::setEnabled);
    connect(stack, &QUndoStack::canRedoChanged, redo, &QAction::setEnabled);
    connect(stack, &QUndoStack::undoTextChanged, undo,
            [undo](const QString& t) { undo->setToolTip(tr("Undo %1").arg(t)); });
    connect(stack, &QUndoStack::redoTextChanged, redo,
            [redo](const QString& t) { redo->setToolTip(tr("Redo %1").arg(t)); });
    undo->setEnabled(false);
    redo->setEnabled(false);
    connect(makeAction("keepMask", tr("&Keep Mask as Object"),
                       {QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)},
                       tr("Store the current mask as an object with the current label")),
            &QAction::triggered, doc, &AnnotationDocument::keepMask);
    // Esc during a brush stroke cancels the stroke (the canvas sees it first when it has the
    // focus; this covers the key arriving at the window).
    connect(makeAction("clearPrompts", tr("&Clear Prompts"), {QKeySequence(Qt::Key_Escape)}),
            &QAction::triggered, doc->prediction(), [this] {
                if (m_canvas->stroking())
                    m_canvas->cancelStroke();
                else
                    m_document->prediction()->clearPrompts();
            });
    connect(makeAction("deleteSelection", tr("&Delete Point or Object"),
                       {QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)}),
            &QAction::triggered, this, &MainWindow::deleteSelection);
    for (int i = 0; i < 3; ++i)
        connect(makeAction(QStringLiteral("candidate%1").arg(i + 1),
                           tr("Choose Candidate %1").arg(i + 1), {QKeySequence(Qt::Key_1 + i)}),
                &QAction::triggered, doc, [doc, i] { doc->prediction()->selectCandidate(i); });
    connect(makeAction("thresholdUp", tr("Raise the Mask Threshold"),
                       {QKeySequence(Qt::Key_BracketRight)}),
            &QAction::triggered, doc,
            [doc] { doc->prediction()->setThreshold(doc->prediction()->threshold() + 0.5); });
    connect(makeAction("thresholdDown", tr("Lower the Mask Threshold"),
                       {QKeySequence(Qt::Key_BracketLeft)}),
            &QAction::triggered, doc,
            [doc] { doc->prediction()->setThreshold(doc->prediction()->threshold() - 0.5); });
    connect(makeAction("relabelObject", tr("Change the Selected Object's Label..."),
                       {QKeySequence(Qt::Key_F2)}),
            &QAction::triggered, this, [this] { m_objects->relabelSelected(); });
    connect(makeAction("newLabel", tr("New &Label..."), {QKeySequence(tr("Ctrl+Shift+L"))}),
            &QAction::triggered, this, [this] { m_objects->newLabel(); });
    createEditActions();

    // View
    connect(
        makeAction("zoomIn", tr("Zoom &In"), {QKeySequence::ZoomIn, QKeySequence(tr("Ctrl+="))}),
        &QAction::triggered, m_canvas, &CanvasView::zoomIn);
    connect(makeAction("zoomOut", tr("Zoom &Out"), {QKeySequence::ZoomOut}), &QAction::triggered,
            m_canvas, &CanvasView::zoomOut);
    connect(makeAction("zoomFit", tr("&Fit to Window"), {QKeySequence(tr("Ctrl+0"))}),
            &QAction::triggered, m_canvas, &CanvasView::zoomToFit);
    connect(makeAction("zoomActual", tr("&Actual Size"), {QKeySequence(tr("Ctrl+1"))}),
            &QAction::triggered, m_canvas, &CanvasView::zoomActualSize);
    auto* tools = new QActionGroup(this);
    QAction* point = makeAction("pointTool", tr("&Point Tool"), {QKeySequence(Qt::Key_P)},
                                tr("Click for points; Shift+drag still draws a box"));
    QAction* box = makeAction("boxTool", tr("&Box Tool"), {QKeySequence(Qt::Key_B)},
                              tr("Drag to draw a box around the object"));
    QAction* brush =
        makeAction("brushTool", tr("Br&ush"), {QKeySequence(Qt::Key_N)},
                   tr("Paint the selected object by hand (Shift+drag erases; , and . or "
                      "Ctrl+wheel size the brush); with none selected a stroke starts one"));
    QAction* eraser = makeAction("eraserTool", tr("&Eraser"), {QKeySequence(Qt::Key_E)},
                                 tr("Erase from the selected object by hand"));
    const QList<std::pair<QAction*, CanvasView::Tool>> toolActions = {
        {point, CanvasView::Tool::Point},
        {box, CanvasView::Tool::Box},
        {brush, CanvasView::Tool::Brush},
        {eraser, CanvasView::Tool::Eraser}};
    for (const auto& [a, tool] : toolActions) {
        a->setCheckable(true);
        tools->addAction(a);
        connect(a, &QAction::triggered, m_canvas, [this, tool] { m_canvas->setTool(tool); });
    }
    point->setChecked(true);
    connect(m_canvas, &CanvasView::toolChanged, this, [toolActions](CanvasView::Tool t) {
        for (const auto& [a, tool] : toolActions)
            if (tool == t)
                a->setChecked(true);
    });
    connect(makeAction("brushSmaller", tr("S&maller Brush"), {QKeySequence(Qt::Key_Comma)}),
            &QAction::triggered, m_canvas, &CanvasView::shrinkBrush);
    connect(makeAction("brushLarger", tr("&Larger Brush"), {QKeySequence(Qt::Key_Period)}),
            &QAction::triggered, m_canvas, &CanvasView::growBrush);
    QAction* showObjects =
        makeAction("showObjects", tr("Show &Objects"), {QKeySequence(Qt::Key_O)});
    showObjects->setCheckable(true);
    showObjects->setChecked(true);
    connect(showObjects, &QAction::toggled, m_canvas, &CanvasView::setShowObjects);
    QAction* hover = makeAction("hoverPreview", tr("&Hover Preview"), {QKeySequence(Qt::Key_H)},
                                tr("Show the mask of the point under the cursor"));
    hover->setCheckable(true);
    hover->setChecked(doc->prediction()->hoverPreview());
    connect(hover, &QAction::toggled, doc->prediction(), &DocumentPrediction::setHoverPreview);
    QAction* refine = makeAction("refinePrevious", tr("&Refine with the Previous Mask"), {},
                                 tr("Feed the chosen mask back to SAM with the next click"));
    refine->setCheckable(true);
    refine->setChecked(doc->prediction()->refineWithPrevious());
    connect(refine, &QAction::toggled, doc->prediction(),
            &DocumentPrediction::setRefineWithPrevious);

    // Model
    connect(makeAction("loadCheckpoint", tr("&Load Checkpoint..."), {QKeySequence(tr("Ctrl+L"))},
                       tr("Load a SAMv1 checkpoint (.pth or .safetensors)")),
            &QAction::triggered, this, &MainWindow::chooseCheckpoint);
    connect(makeAction("useGrabCut", tr("Use &GrabCut (No Model)")), &QAction::triggered, this,
            [this] {
                m_settings.setCheckpoint(QString());
                m_document->session()->useGrabCut();
            });
    connect(makeAction("checkpointInfo", tr("Checkpoint &Info..."), {QKeySequence(tr("Ctrl+I"))}),
            &QAction::triggered, this, &MainWindow::showCheckpointInfo);
    connect(makeAction("embeddingCache", tr("&Embedding Cache..."), {},
                       tr("Where encoded images are kept on disk, and how much room they take")),
            &QAction::triggered, this, &MainWindow::showEmbeddingCache);
    connect(makeAction("cancelEncode", tr("&Cancel Encoding"), {QKeySequence(tr("Ctrl+."))}),
            &QAction::triggered, doc->session(), &DocumentSession::cancelEncode);
    connect(makeAction("reencode", tr("&Encode the Image Again")), &QAction::triggered, doc,
            &AnnotationDocument::reencode);
    connect(makeAction("encodeRegion", tr("Encode the &Visible Region"), {QKeySequence(Qt::Key_R)},
                       tr("Zoomed in on a large photo: SAM sees the part shown at its full size, "
                          "so small objects keep their detail; prompts inside it use it")),
            &QAction::triggered, this,
            [this] { m_document->session()->encodeRegion(m_canvas->visibleImageRect()); });
    connect(
        makeAction("clearRegion", tr("Use the &Whole Image Again"), {QKeySequence(tr("Shift+R"))}),
        &QAction::triggered, doc->session(), &DocumentSession::clearRegion);
    QAction* autoRegion = makeAction(
        "autoRegion", tr("Encode the Visible Region &Automatically"), {},
        tr("When the view rests zoomed in on part of a large photo, encode that part alone in "
           "the background (any prompt stops it; on a CPU it takes seconds)"));
    autoRegion->setCheckable(true);
    autoRegion->setChecked(m_settings.autoRegionEncoding());
    connect(autoRegion, &QAction::toggled, this, [this](bool on) {
        m_settings.setAutoRegionEncoding(on);
        if (on)
            m_document->encodeViewInBackground(m_canvas->visibleImageRect());
    });
    connect(m_canvas, &CanvasView::viewRested, this, [this, autoRegion] {
        if (autoRegion->isChecked())
            m_document->encodeViewInBackground(m_canvas->visibleImageRect());
    });
    createEverythingActions();
    m_deviceGroup = new QActionGroup(this);
    const bool cuda = cudaDeviceAvailable();
    for (const auto& [id, text] : {std::pair{QStringLiteral("cpu"), tr("CPU")},
                                   std::pair{QStringLiteral("cuda"), tr("CUDA GPU")}}) {
        QAction* a = makeAction("device_" + id, text);
        a->setCheckable(true);
        a->setData(id);
        a->setChecked(m_settings.device() == id);
        if (id == QLatin1String("cuda") && !cuda) {
            a->setEnabled(false);
            a->setStatusTip(tr("No CUDA device, or this libtorch was built without CUDA"));
        }
        m_deviceGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, id] { setDevice(id); });
    }
    m_precisionGroup = new QActionGroup(this);
    for (const QString& p :
         {QStringLiteral("auto"), QStringLiteral("float32"), QStringLiteral("bfloat16"),
          QStringLiteral("mixed"), QStringLiteral("float16")}) {
        QAction* a = makeAction("precision_" + p, p == QLatin1String("auto")
                                                      ? tr("Automatic (the fastest here)")
                                                  : p == QLatin1String("mixed") ? tr("mixed (CPU)")
                                                                                : p);
        if (p == QLatin1String("auto"))
            a->setStatusTip(
                tr("bfloat16 on GPUs; on CPUs bfloat16 or mixed where it measured faster than "
                   "float32 (samdesk-cli doctor shows the figures), else float32"));
        else if (p == QLatin1String("mixed"))
            a->setStatusTip(
                tr("bfloat16 linear layers with float32 attention: on CPUs with AMX "
                   "the fastest encoder"));
        a->setCheckable(true);
        a->setChecked(m_settings.precision() == p);
        m_precisionGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, p] { setPrecision(p); });
    }

    // Help
    connect(makeAction("shortcuts", tr("&Keyboard Shortcuts"), {QKeySequence::HelpContents}),
            &QAction::triggered, this, [this] {
                auto* d = new ShortcutsDialog(m_actionList, this);
                d->setAttribute(Qt::WA_DeleteOnClose);
                d->show();
            });
    connect(makeAction("about", tr("&About samdesk")), &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About samdesk"),
                           tr("<b>samdesk %1</b><p>Segment images by clicking, with Segment "
                              "Anything v1 checkpoints (or GrabCut without one).</p>")
                               .arg(QStringLiteral(SAMDESK_VERSION)));
    });
}

void MainWindow::createMenus() {
    auto a = [this](const char* name) { return m_actions.value(QLatin1String(name)); };
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(a("openImage"));
    file->addAction(a("openFolder"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    file->addAction(a("openSample"));
    file->addSeparator();
    file->addAction(a("export"));
    file->addSeparator();
    file->addAction(a("nextImage"));
    file->addAction(a("previousImage"));
    file->addSeparator();
    file->addAction(a("quit"));

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(a("undo"));
    edit->addAction(a("redo"));
    edit->addSeparator();
    edit->addAction(a("keepMask"));
    edit->addAction(a("clearPrompts"));
    edit->addAction(a("deleteSelection"));
    edit->addSeparator();
    for (const char* n : {"candidate1", "candidate2", "candidate3", "thresholdUp", "thresholdDown"})
        edit->addAction(a(n));
    edit->addSeparator();
    for (const char* n : {"combineNew", "combineAdd", "combineSubtract", "cycleCombineMode"})
        edit->addAction(a(n));
    edit->addSeparator();
    for (const char* n : {"fillHoles", "removeIslands", "keepLargestPart"})
        edit->addAction(a(n));
    edit->addSeparator();
    for (const char* n : {"unionObjects", "subtractObjects", "intersectObjects"})
        edit->addAction(a(n));
    edit->addSeparator();
    edit->addAction(a("newLabel"));
    edit->addAction(a("relabelObject"));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (const char* n : {"zoomIn", "zoomOut", "zoomFit", "zoomActual"})
        view->addAction(a(n));
    view->addSeparator();
    for (const char* n :
         {"pointTool", "boxTool", "brushTool", "eraserTool", "brushSmaller", "brushLarger"})
        view->addAction(a(n));
    view->addSeparator();
    view->addAction(a("showObjects"));
    view->addAction(a("hoverPreview"));
    view->addAction(a("refinePrevious"));
    view->addSeparator();
    QMenu* panels = view->addMenu(tr("&Panels"));
    for (QDockWidget* d : findChildren<QDockWidget*>())
        panels->addAction(d->toggleViewAction());

    QMenu* model = menuBar()->addMenu(tr("&Model"));
    model->addAction(a("loadCheckpoint"));
    model->addAction(a("useGrabCut"));
    model->addAction(a("checkpointInfo"));
    model->addSeparator();
    QMenu* device = model->addMenu(tr("&Device"));
    device->addActions(m_deviceGroup->actions());
    QMenu* precision = model->addMenu(tr("&Precision"));
    precision->addActions(m_precisionGroup->actions());
    model->addAction(a("embeddingCache"));
    model->addSeparator();
    model->addAction(a("cancelEncode"));
    model->addAction(a("reencode"));
    model->addAction(a("encodeRegion"));
    model->addAction(a("autoRegion"));
    model->addAction(a("clearRegion"));
    model->addSeparator();
    for (const char* n : {"segmentEverything", "everythingSettings", "acceptAllProposals",
                          "rejectProposals", "cancelEverything"})
        model->addAction(a(n));
    model->addSeparator();
    model->addAction(a("rerunSam"));
    model->addAction(a("rerunSamAll"));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(a("shortcuts"));
    help->addAction(a("about"));
}

void MainWindow::createToolBar() {
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto a = [this](const char* name) { return m_actions.value(QLatin1String(name)); };
    for (const char* n : {"openImage", "openFolder"})
        bar->addAction(a(n));
    bar->addSeparator();
    bar->addAction(a("previousImage"));
    bar->addAction(a("nextImage"));
    bar->addSeparator();
    for (const char* n : {"pointTool", "boxTool", "brushTool", "eraserTool"})
        bar->addAction(a(n));
    bar->addSeparator();
    for (const char* n : {"combineNew", "combineAdd", "combineSubtract"})
        bar->addAction(a(n));
    bar->addSeparator();
    bar->addAction(a("keepMask"));
    bar->addAction(a("clearPrompts"));
    bar->addAction(a("undo"));
    bar->addAction(a("redo"));
    bar->addSeparator();
    bar->addAction(a("zoomFit"));
    bar->addAction(a("loadCheckpoint"));
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    for (const QString& path : m_settings.recentFiles()) {
        const bool dir = QFileInfo(path).isDir();
        m_recentMenu->addAction(dir ? tr("%1 (folder)").arg(path) : path, this,
                                [this, path, dir] { dir ? openFolder(path) : openImage(path); });
    }
    if (m_recentMenu->isEmpty()) {
        m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("Clear the List"), this, [this] { m_settings.clearRecentFiles(); });
}

void MainWindow::updateActions() {
    if (m_actions.isEmpty())
        return;
    const int index = m_document->session()->currentIndex();
    const int count = m_document->session()->images().count();
    action("nextImage")->setEnabled(index + 1 < count);
    action("previousImage")->setEnabled(index > 0);
    action("keepMask")->setEnabled(m_document->prediction()->hasCurrentMask());
    action("clearPrompts")
        ->setEnabled(!m_document->prediction()->prompts().isEmpty() ||
                     m_document->prediction()->refiningObject());
    for (int i = 0; i < 3; ++i)
        action(QStringLiteral("candidate%1").arg(i + 1))
            ->setEnabled(i < m_document->prediction()->candidateCount());
    action("checkpointInfo")->setEnabled(bool(m_document->session()->engine().report));
    // The bundled sample lives in the resources: nothing on disk to export next to.
    action("export")->setEnabled(
        index >= 0 && !m_document->session()->currentImagePath().startsWith(QLatin1String(":/")));
    action("useGrabCut")->setEnabled(m_document->session()->isSam());
    action("refinePrevious")->setEnabled(m_document->session()->engine().acceptsMaskInput);
    updateEditActions();
    updateEverythingActions();
}

void MainWindow::exportAnnotations() {
    m_document->flush();  // the folder export reads the autosave files
    const ImageFolder& images = m_document->session()->images();
    std::unique_ptr<ExportDialog> dialog;
    if (images.isFolder())
        dialog = std::make_unique<ExportDialog>(images.root(), m_document->annotations()->labels(),
                                                this);
    else
        dialog = std::make_unique<ExportDialog>(
            std::vector<ImageAnnotations>{m_document->annotations()->annotations()}, images.root(),
            m_document->annotations()->labels(), this);
    connect(dialog.get(), &ExportDialog::exportFinished, this,
            [this](bool, const QString& text) { statusBar()->showMessage(text, 10000); });
    dialog->exec();
}

void MainWindow::setDevice(const QString& device) {
    m_settings.setDevice(device);
    if (m_document->session()->isSam())
        loadCheckpoint(m_document->session()->engine().checkpoint);
}

void MainWindow::setPrecision(const QString& precision) {
    m_settings.setPrecision(precision);
    if (m_document->session()->isSam())
        loadCheckpoint(m_document->session()->engine().checkpoint);
}

}  // namespace samdesk
