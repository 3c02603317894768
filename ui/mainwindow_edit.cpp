// MainWindow, part 3: editing masks by hand. The combine modes (New, Add to, Subtract from the
// selected object), clean-up of the edit target (fill holes, remove small islands, keep the
// largest part), boolean operations on the two selected objects, Re-run SAM on the kept prompts,
// and the status bar's tool hint. The brush and eraser tools themselves are in the canvas.
#include <QActionGroup>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>

#include <limits>

#include "core/document/annotationdocument.h"
#include "ui/canvasview.h"
#include "ui/mainwindow.h"
#include "ui/objectspanel.h"

namespace samdesk {

namespace {

// The island size is a UI choice, remembered next to AppSettings' keys.
const QString kIslandKey = QStringLiteral("edit/islandMinArea");
constexpr int kDefaultIslandArea = 100;

QSettings settings() {
    return QSettings(QStringLiteral("samdesk"), QStringLiteral("samdesk"));
}

QString idList(const QList<int>& ids) {
    QStringList out;
    for (int id : ids)
        out << QStringLiteral("#%1").arg(id);
    return out.join(QStringLiteral(", "));
}

}  // namespace

void MainWindow::createEditActions() {
    using Mode = DocumentPrediction::CombineMode;
    DocumentPrediction* prediction = m_document->prediction();

    // Combine modes: what the next prompts' mask does to the selected object.
    auto* modes = new QActionGroup(this);
    const QList<std::pair<QAction*, Mode>> modeActions = {
        {makeAction("combineNew", tr("&New Object"), {},
                    tr("The next prompts make a new object (or replace the mask refined)")),
         Mode::New},
        {makeAction("combineAdd", tr("&Add to Object"), {},
                    tr("The next prompts' mask is added to the selected object")),
         Mode::Add},
        {makeAction("combineSubtract", tr("&Subtract from Object"), {},
                    tr("The next prompts' mask is cut from the selected object")),
         Mode::Subtract}};
    const QStringList shortTexts = {tr("New"), tr("Add"), tr("Subtract")};  // the toolbar's
    for (const auto& [a, mode] : modeActions) {
        a->setIconText(shortTexts[int(mode)]);
        a->setCheckable(true);
        a->setChecked(prediction->combineMode() == mode);
        modes->addAction(a);
        connect(a, &QAction::triggered, prediction,
                [prediction, mode] { prediction->setCombineMode(mode); });
    }
    connect(prediction, &DocumentPrediction::combineModeChanged, this, [this, modeActions](Mode m) {
        for (const auto& [a, mode] : modeActions)
            if (mode == m)
                a->setChecked(true);
        updateToolHint();
    });
    connect(makeAction("cycleCombineMode", tr("Next Combine &Mode"), {QKeySequence(Qt::Key_M)},
                       tr("New Object, then Add to Object, then Subtract from Object")),
            &QAction::triggered, prediction, [prediction] {
                const Mode m = prediction->combineMode();
                prediction->setCombineMode(m == Mode::New   ? Mode::Add
                                           : m == Mode::Add ? Mode::Subtract
                                                            : Mode::New);
            });

    // Clean-up of the edit target.
    auto cleanUp = [this](AnnotationDocument::CleanUp op) {
        if (const int id = editTarget())
            m_document->cleanUpObject(id, op);
        else
            statusBar()->showMessage(tr("Select an object first"), 6000);
    };
    connect(makeAction("fillHoles", tr("&Fill Holes"), {QKeySequence(Qt::Key_F)},
                       tr("Fill the holes of the selected object")),
            &QAction::triggered, this,
            [cleanUp] { cleanUp(AnnotationDocument::CleanUp::FillHoles); });
    connect(makeAction("removeIslands", tr("Remove Small &Islands..."), {QKeySequence(Qt::Key_I)},
                       tr("Remove the parts of the selected object smaller than a size")),
            &QAction::triggered, this, [this] {
                const int id = editTarget();
                if (!id) {
                    statusBar()->showMessage(tr("Select an object first"), 6000);
                    return;
                }
                bool ok = false;
                const int n = QInputDialog::getInt(
                    this, tr("Remove Small Islands"),
                    tr("Remove the parts of #%1 smaller than (pixels):").arg(id), islandMinArea(),
                    1, std::numeric_limits<int>::max(), 1, &ok);
                if (ok)
                    removeSmallIslands(n);
            });
    connect(makeAction("keepLargestPart", tr("&Keep the Largest Part"), {QKeySequence(Qt::Key_K)},
                       tr("Keep only the largest connected part of the selected object")),
            &QAction::triggered, this,
            [cleanUp] { cleanUp(AnnotationDocument::CleanUp::KeepLargestPart); });

    // Boolean operations: the first object selected is the one that changes.
    auto combine = [this](MaskOp op) {
        const QList<int> ids = m_objects->selectedObjects();
        if (ids.size() == 2 && m_document->combineObjects(ids[0], ids[1], op))
            m_objects->selectObject(ids[0]);
    };
    QAction* unite = makeAction("unionObjects", tr("&Union of Two Objects"), {},
                                tr("The first object selected gets both masks; the second goes"));
    QAction* subtract =
        makeAction("subtractObjects", tr("Su&btract the Second Object"), {},
                   tr("Cut the second object selected from the first (the second stays)"));
    QAction* intersect =
        makeAction("intersectObjects", tr("&Intersection of Two Objects"), {},
                   tr("The first object selected keeps what both cover; the second goes"));
    connect(unite, &QAction::triggered, this, [combine] { combine(MaskOp::Union); });
    connect(subtract, &QAction::triggered, this, [combine] { combine(MaskOp::Subtract); });
    connect(intersect, &QAction::triggered, this, [combine] { combine(MaskOp::Intersect); });

    // Re-run the kept prompts with the engine loaded now.
    QAction* rerun = makeAction(
        "rerunSam", tr("&Re-run SAM on the Selected Objects"), {QKeySequence(tr("Ctrl+R"))},
        tr("Decode the selected objects' kept prompts again with the model loaded now "
           "(all objects when none is selected)"));
    connect(rerun, &QAction::triggered, this, [this] { rerunSam(rerunTargets(false)); });
    connect(makeAction("rerunSamAll", tr("Re-run SAM on &All Objects"),
                       {QKeySequence(tr("Ctrl+Shift+R"))},
                       tr("Decode every object's kept prompts again with the model loaded now")),
            &QAction::triggered, this, [this] { rerunSam(rerunTargets(true)); });

    m_objects->setObjectActions({unite, subtract, intersect, nullptr, action("fillHoles"),
                                 action("removeIslands"), action("keepLargestPart"), nullptr,
                                 rerun});

    // The canvas and the objects panel.
    connect(m_canvas, &CanvasView::objectPainted, m_objects, &ObjectsPanel::selectObject);
    connect(m_canvas, &CanvasView::brushRadiusChanged, this, [this](double r) {
        statusBar()->showMessage(tr("Brush radius: %1 px").arg(r, 0, 'f', r < 10 ? 1 : 0), 3000);
        updateToolHint();
    });
    connect(m_canvas, &CanvasView::toolChanged, this, &MainWindow::updateToolHint);
    connect(m_objects, &ObjectsPanel::selectedObjectChanged, this, [this](int id) {
        m_canvas->setHighlightedObject(id);
        updateEditActions();
        updateToolHint();
    });
    connect(m_objects, &ObjectsPanel::selectedObjectsChanged, this, &MainWindow::updateEditActions);
    connect(m_document->annotations(), &DocumentAnnotations::objectsChanged, this,
            &MainWindow::updateEditActions);
    connect(m_document->session(), &DocumentSession::encodeStateChanged, this,
            &MainWindow::updateEditActions);
    connect(m_document, &AnnotationDocument::rerunFinished, this, &MainWindow::updateEditActions);
}

void MainWindow::updateEditActions() {
    if (!action(QStringLiteral("rerunSamAll")))
        return;  // called before the actions exist
    const bool target = editTarget() != 0;
    for (const char* n : {"fillHoles", "removeIslands", "keepLargestPart"})
        action(QLatin1String(n))->setEnabled(target);
    const bool two = m_objects->selectedObjects().size() == 2;
    for (const char* n : {"unionObjects", "subtractObjects", "intersectObjects"})
        action(QLatin1String(n))->setEnabled(two);
    const bool rerun =
        !m_document->rerunning() &&
        m_document->session()->encodeState() == DocumentSession::EncodeState::Ready &&
        !m_document->objectsWithPrompts(rerunTargets(true)).isEmpty();
    action(QStringLiteral("rerunSam"))->setEnabled(rerun);
    action(QStringLiteral("rerunSamAll"))->setEnabled(rerun);
}

void MainWindow::updateToolHint() {
    if (!m_toolHint)
        return;
    using Mode = DocumentPrediction::CombineMode;
    const int target = editTarget();
    const QString on = target ? tr("#%1").arg(target) : QString();
    const QString size =
        tr("radius %1 px")
            .arg(m_canvas->brushRadius(), 0, 'f', m_canvas->brushRadius() < 10 ? 1 : 0);
    if (m_canvas->reviewing()) {
        const QString label = m_document->annotations()->currentLabel();
        m_toolHint->setText(
            tr("Reviewing %n proposal(s): click = accept as %1, right click = reject, drag = "
               "accept those inside, Shift+drag = reject them, Enter = accept all, Esc = reject "
               "the rest",
               "", m_document->proposals()->pendingCount())
                .arg(label.isEmpty() ? DocumentAnnotations::defaultLabel() : label));
        return;
    }
    QString hint;
    switch (m_canvas->tool()) {
        case CanvasView::Tool::Point:
            hint = tr("Point tool: click = foreground, right click = background, Shift+drag = box");
            break;
        case CanvasView::Tool::Box:
            hint = tr("Box tool: drag a box around the object");
            break;
        case CanvasView::Tool::Brush:
            hint = target ? tr("Brush (%1) on %2: drag to paint, Shift+drag erases, , and . size")
                                .arg(size, on)
                          : tr("Brush (%1): a stroke starts a new object; select one to paint "
                               "on it")
                                .arg(size);
            break;
        case CanvasView::Tool::Eraser:
            hint = target ? tr("Eraser (%1) on %2: drag to erase").arg(size, on)
                          : tr("Eraser (%1): select the object to erase from").arg(size);
            break;
    }
    const Mode mode = m_document->prediction()->combineMode();
    if (mode != Mode::New)
        hint += QStringLiteral("  |  ") +
                (mode == Mode::Add
                     ? tr("Add to %1").arg(target ? on : tr("(select an object)"))
                     : tr("Subtract from %1").arg(target ? on : tr("(select an object)")));
    m_toolHint->setText(hint);
}

int MainWindow::editTarget() const {
    return m_document->editTarget(m_canvas->highlightedObject());
}

int MainWindow::islandMinArea() const {
    return std::max(1, settings().value(kIslandKey, kDefaultIslandArea).toInt());
}

bool MainWindow::removeSmallIslands(int minArea) {
    const int id = editTarget();
    if (!id || minArea < 1)
        return false;
    settings().setValue(kIslandKey, minArea);
    return m_document->cleanUpObject(id, AnnotationDocument::CleanUp::RemoveIslands,
                                     std::size_t(minArea));
}

QList<int> MainWindow::rerunTargets(bool all) const {
    QList<int> ids = all ? QList<int>() : m_objects->selectedObjects();
    if (ids.isEmpty())
        for (const AnnotationObject& o : m_document->annotations()->annotations().objects)
            ids.append(o.id);
    return ids;
}

int MainWindow::rerunSam(const QList<int>& ids, HandEdited handEdited) {
    if (m_document->rerunning()) {
        statusBar()->showMessage(tr("Re-run SAM: one is running already"), 6000);
        return 0;
    }
    const QList<int> withPrompts = m_document->objectsWithPrompts(ids);
    if (withPrompts.isEmpty()) {
        statusBar()->showMessage(
            tr("Re-run SAM: no kept prompts (brushed and imported objects have none)"), 6000);
        return 0;
    }
    const QList<int> edited = m_document->handEditedObjects(withPrompts);
    bool include = handEdited == HandEdited::Include;
    if (handEdited == HandEdited::Ask && !edited.isEmpty()) {
        QMessageBox box(QMessageBox::Question, tr("Re-run SAM"),
                        tr("%n object(s) (%1) were edited by hand after the model made them. "
                           "Re-running them replaces their masks with what their prompts give "
                           "now: the hand edits are lost (Undo brings them back).",
                           "", int(edited.size()))
                            .arg(idList(edited)),
                        QMessageBox::NoButton, this);
        box.setObjectName(QStringLiteral("rerunBox"));
        QPushButton* all = box.addButton(tr("Re-run Them Too"), QMessageBox::DestructiveRole);
        all->setObjectName(QStringLiteral("rerunAllButton"));
        QPushButton* others = nullptr;
        if (edited.size() < withPrompts.size()) {
            others = box.addButton(tr("Only the Others"), QMessageBox::AcceptRole);
            others->setObjectName(QStringLiteral("rerunOthersButton"));
        }
        QPushButton* cancel = box.addButton(QMessageBox::Cancel);
        box.setDefaultButton(others ? others : cancel);
        box.exec();
        if (box.clickedButton() == all)
            include = true;
        else if (others && box.clickedButton() == others)
            include = false;
        else
            return 0;
    }
    const int n = m_document->rerunObjects(withPrompts, include);
    if (n == 0)
        statusBar()->showMessage(tr("Re-run SAM: nothing to re-run now"), 6000);
    else
        statusBar()->showMessage(tr("Re-running %n object(s) with %1...", "", n)
                                     .arg(m_document->session()->engine().name));
    updateEditActions();
    return n;
}

}  // namespace samdesk
