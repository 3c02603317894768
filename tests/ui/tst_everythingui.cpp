// Segment everything in the window, with the tiny SAM fixture: the action runs on the current
// image and the status bar shows its progress with Cancel; the proposals are drawn as one path
// each; a click on one accepts it as an object with the current label (one undo step, undone:
// the proposal is back and the object gone), a right click or Alt+click rejects it, a drag
// accepts those inside (Shift+drag rejects them), Enter accepts all, Esc rejects the rest, and
// with none left the canvas and Enter work as before; the parameter panel's values reach the run
// and are remembered, Defaults gives the original's; Cancel leaves no proposals; the --script
// verbs drive the same.
#include <QAbstractSpinBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QMap>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QToolButton>
#include <QtTest>

#include "core/document/annotationdocument.h"
#include "core/document/appsettings.h"
#include "core/document/inferenceworker.h"
#include "ui/demoscript.h"
#include "ui/everythingpanel.h"
#include "ui/proposalslayer.h"
#include "uitest.h"

using namespace samdesk;
using namespace samdesk::test;

namespace {

using State = DocumentProposals::State;
using Review = DocumentProposals::Status;

// With the fixture's random weights every mask scores low: the filters off, a 4 x 4 grid, no
// NMS (box IoU never exceeds 1) give 48 proposals on image_a.png, most of them whole-image boxes
// and some that keep clear of the left edge (the drag test needs both kinds).
AutoMaskParams reviewParams() {
    AutoMaskParams p;
    p.pointsPerSide = 4;
    p.predIouThresh = 0;
    p.stabilityScoreThresh = 0;
    p.boxNmsThresh = 1.0;
    return p;
}

// The fields the panel shows (every one but the point grids).
bool sameParams(const AutoMaskParams& a, const AutoMaskParams& b) {
    return a.pointsPerSide == b.pointsPerSide && a.pointsPerBatch == b.pointsPerBatch &&
           a.predIouThresh == b.predIouThresh && a.stabilityScoreThresh == b.stabilityScoreThresh &&
           a.stabilityScoreOffset == b.stabilityScoreOffset && a.boxNmsThresh == b.boxNmsThresh &&
           a.cropNLayers == b.cropNLayers && a.cropNmsThresh == b.cropNmsThresh &&
           a.cropOverlapRatio == b.cropOverlapRatio &&
           a.cropNPointsDownscaleFactor == b.cropNPointsDownscaleFactor &&
           a.minMaskRegionArea == b.minMaskRegionArea;
}

}  // namespace

class TestEverythingUi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void runShowsOutlines();
    void clickAcceptsAndUndo();
    void rightClickRejects();
    void zoomedOutDrawsCoarseOutlines();
    void clickOutsideChangesNothing();
    void dragAcceptsInside();
    void enterAcceptsAllThenCanvasAsBefore();
    void escRejectsRest();
    void newImageDropsProposals();
    void panelParamsReachRun();
    void cancelLeavesNoProposals();
    void cancelKeepsEarlierProposals();
    void scriptVerbs();
    void scriptRejectsUnknownParameter();
    void folderRunFillsTheOtherImage();

private:
    // Runs with reviewParams() and waits for the proposals; returns how many there are.
    int runToReady();
    // Pixel centres (on a grid of every third pixel) and the proposal a click there takes (the
    // smallest one under it), one per proposal that is the smallest somewhere, in index order.
    QList<std::pair<QPointF, int>> clickable() const;
    int objectCount() const {
        return int(m_window->document()->annotations()->annotations().objects.size());
    }
    DocumentProposals* proposals() const { return m_window->document()->proposals(); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
};

void TestEverythingUi::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    // The reference's precision (the proposals are those of the float32 model) and no disk
    // cache (whose float16 embeddings could move a mask edge).
    AppSettings settings;
    settings.setPrecision(QStringLiteral("float32"));
    settings.setEmbeddingCacheEnabled(false);
    settings.setEverythingParams(AutoMaskParams());
    openTinySamWindow(*m_dir, m_window);
}

void TestEverythingUi::cleanup() {
    m_window.reset();
    m_dir.reset();
}

// Segment Everything in Folder: enabled with a SAM checkpoint and another image, its progress in
// the status bar with Cancel, the other image's masks saved as unlabelled objects and the list's
// mark set; the current image untouched; the window shows them on the other image.
void TestEverythingUi::folderRunFillsTheOtherImage() {
    QAction* folderAction =
        m_window->findChild<QAction*>(QStringLiteral("segmentEverythingFolder"));
    QVERIFY(folderAction);
    QVERIFY(folderAction->isEnabled());
    m_window->setEverythingParams(reviewParams(), false);
    QSignalSpy finished(proposals(), &DocumentProposals::folderFinished);
    QCOMPARE(m_window->runEverythingFolder(false), 1);
    QVERIFY(!folderAction->isEnabled());  // one run at a time
    auto* bar = m_window->findChild<QProgressBar*>(QStringLiteral("everythingProgress"));
    QVERIFY(bar && bar->isVisible());
    QVERIFY(finished.wait(60000));
    QVERIFY(!bar->isVisible());
    QVERIFY(folderAction->isEnabled());
    const int added = proposals()->folderSummary().objects;
    QVERIFY(added > 0);
    QCOMPARE(objectCount(), 0);  // the current image is left to the review
    const AnnotationStore store(m_dir->path().toStdString());
    QVERIFY(!store.load("image_a.png")->has_value());
    QVERIFY(m_window->document()->session()->images().isAnnotated(1));
    QVERIFY(m_window->document()->next());
    QCOMPARE(objectCount(), added);
}

int TestEverythingUi::runToReady() {
    m_window->setEverythingParams(reviewParams(), false);
    QAction* run = m_window->action(QStringLiteral("segmentEverything"));
    if (!run->isEnabled())
        return -1;
    run->trigger();
    if (!QTest::qWaitFor([this] { return proposals()->state() == State::Ready; }, 30000))
        return -1;
    return int(proposals()->proposals().size());
}

QList<std::pair<QPointF, int>> TestEverythingUi::clickable() const {
    const QSize s = m_window->currentImageSize();
    QMap<int, QPointF> first;
    for (int y = 0; y < s.height(); y += 3)
        for (int x = 0; x < s.width(); x += 3)
            if (const int i = proposals()->proposalAt(x + 0.5, y + 0.5);
                i >= 0 && !first.contains(i))
                first.insert(i, QPointF(x + 0.5, y + 0.5));
    QList<std::pair<QPointF, int>> out;
    for (auto it = first.begin(); it != first.end(); ++it)
        out.append({it.value(), it.key()});
    return out;
}

void TestEverythingUi::runShowsOutlines() {
    MainWindow& w = *m_window;
    auto* bar = w.findChild<QProgressBar*>(QStringLiteral("everythingProgress"));
    auto* cancel = w.findChild<QToolButton*>(QStringLiteral("cancelEverythingButton"));
    QVERIFY(bar && cancel);
    QVERIFY(!bar->isVisible());
    QVERIFY(!w.canvas()->reviewing());
    w.setEverythingParams(reviewParams(), false);
    QKeySequence keys = w.action(QStringLiteral("segmentEverything"))->shortcut();
    QCOMPARE(keys, QKeySequence(QStringLiteral("Ctrl+Shift+A")));
    QTest::keyClick(&w, Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(proposals()->busy());
    QVERIFY(bar->isVisible());
    QVERIFY(cancel->isVisible());
    QVERIFY(w.action(QStringLiteral("cancelEverything"))->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(proposals()->state(), State::Ready, 30000);
    QVERIFY(!bar->isVisible());
    QVERIFY(!cancel->isVisible());
    QVERIFY(sameParams(proposals()->params(), reviewParams()));
    const int n = int(proposals()->proposals().size());
    QVERIFY2(n >= 3, qPrintable(QString::number(n)));
    QCOMPARE(proposals()->pendingCount(), n);
    QVERIFY(w.canvas()->reviewing());
    // One path per proposal, around its mask's box (the outline runs on pixel edges, simplified
    // by at most a pixel).
    const ProposalsLayer* layer = w.canvas()->proposalsLayer();
    QCOMPARE(layer->pathCount(), n);
    for (int i = 0; i < n; ++i) {
        QCOMPARE(layer->proposalIndex(i), i);
        const auto& b = proposals()->proposals()[i].mask.bbox;
        const QRectF box(b[0], b[1], b[2] + 1, b[3] + 1);
        const QRectF drawn = layer->path(i).boundingRect();
        QVERIFY(!drawn.isEmpty());
        QVERIFY2(box.adjusted(-1, -1, 1, 1).contains(drawn) &&
                     drawn.adjusted(-1.5, -1.5, 1.5, 1.5).contains(box),
                 qPrintable(QStringLiteral("proposal %1").arg(i)));
    }
    QVERIFY(layer->color(0) != layer->color(1));
    // The review owns Enter and Esc now.
    QVERIFY(w.action(QStringLiteral("acceptAllProposals"))->isEnabled());
    QVERIFY(w.action(QStringLiteral("rejectProposals"))->isEnabled());
    QVERIFY(!w.action(QStringLiteral("keepMask"))->isEnabled());
    QVERIFY(!w.action(QStringLiteral("clearPrompts"))->isEnabled());
    QVERIFY(w.findChild<QLabel*>(QStringLiteral("toolHint"))
                ->text()
                .contains(QStringLiteral("Reviewing %1 proposal").arg(n)));
    // The hover: the proposal under the cursor is the one filled.
    const auto targets = clickable();
    QVERIFY(targets.size() >= 2);
    for (const auto& [p, index] : {targets.first(), targets.last()}) {
        QTest::mouseMove(w.canvas()->viewport(), w.canvas()->viewportPointFor(p));
        QTRY_COMPARE(layer->hovered(), index);
    }
}

void TestEverythingUi::clickAcceptsAndUndo() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    doc->annotations()->setCurrentLabel(QStringLiteral("cat"));
    const int n = runToReady();
    QVERIFY(n >= 3);
    const auto targets = clickable();
    QVERIFY(!targets.isEmpty());
    const auto [p, k] = targets[targets.size() / 2];
    const int undoBefore = doc->undoStack()->index();
    clickImage(w, p);
    QCOMPARE(proposals()->proposals()[k].status, Review::Accepted);
    QCOMPARE(proposals()->pendingCount(), n - 1);
    QCOMPARE(objectCount(), 1);
    const AnnotationObject& o = doc->annotations()->annotations().objects[0];
    QCOMPARE(o.label, std::string("cat"));
    QCOMPARE(o.source, std::string(source::kEverything));
    QCOMPARE(qint64(o.mask.area()), qint64(proposals()->proposals()[k].mask.area));
    QCOMPARE(proposals()->proposals()[k].objectId, o.id);
    QCOMPARE(doc->undoStack()->index(), undoBefore + 1);  // one undo step
    QCOMPARE(w.canvas()->proposalsLayer()->pathCount(), n - 1);
    // Undo: the object goes, the proposal is pending (and drawn) again.
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(objectCount(), 0);
    QCOMPARE(proposals()->proposals()[k].status, Review::Pending);
    QCOMPARE(proposals()->pendingCount(), n);
    QCOMPARE(w.canvas()->proposalsLayer()->pathCount(), n);
    QCOMPARE(doc->undoStack()->index(), undoBefore);
    // Redo: accepted again.
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(objectCount(), 1);
    QCOMPARE(proposals()->proposals()[k].status, Review::Accepted);
}

void TestEverythingUi::rightClickRejects() {
    MainWindow& w = *m_window;
    const int n = runToReady();
    QVERIFY(n >= 3);
    const int undoBefore = w.document()->undoStack()->index();
    const auto targets = clickable();
    QVERIFY(!targets.isEmpty());
    const auto [a, first] = targets.first();
    clickImage(w, a, Qt::RightButton);
    QCOMPARE(proposals()->proposals()[first].status, Review::Rejected);
    QCOMPARE(objectCount(), 0);
    QCOMPARE(w.document()->undoStack()->index(), undoBefore + 1);
    // Alt+click rejects too: the next smallest proposal under the same pixel.
    const int second = proposals()->proposalAt(a.x(), a.y());
    QVERIFY(second >= 0 && second != first);
    clickImage(w, a, Qt::LeftButton, Qt::AltModifier);
    QCOMPARE(proposals()->proposals()[second].status, Review::Rejected);
    QCOMPARE(proposals()->pendingCount(), n - 2);
    QCOMPARE(objectCount(), 0);
    QCOMPARE(w.canvas()->proposalsLayer()->pathCount(), n - 2);
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(proposals()->proposals()[second].status, Review::Pending);
    QCOMPARE(proposals()->pendingCount(), n - 1);
}

void TestEverythingUi::zoomedOutDrawsCoarseOutlines() {
    MainWindow& w = *m_window;
    QCOMPARE(ProposalsLayer::levelFor(2.0), 0);
    QCOMPARE(ProposalsLayer::levelFor(0.5), 0);
    QCOMPARE(ProposalsLayer::levelFor(0.49), 1);
    QCOMPARE(ProposalsLayer::levelFor(0.111), 3);  // a 48 MP photo fitted: 8-pixel steps
    QCOMPARE(ProposalsLayer::levelFor(0.02), 5);
    const int n = runToReady();
    QVERIFY(n >= 3);
    const ProposalsLayer* layer = w.canvas()->proposalsLayer();
    qint64 exact = 0;
    for (int i = 0; i < n; ++i)
        exact += layer->path(i).elementCount();
    // Fitted (zoomed in on the small image): the outlines as given.
    w.canvas()->viewport()->repaint();
    QCOMPARE(layer->lastPaintLevel(), 0);
    QCOMPARE(layer->lastPaintPaths(), n);
    QCOMPARE(layer->lastPaintVertices(), exact);
    // Zoomed out as far as it goes: coarser, but every proposal still drawn.
    for (int i = 0; i < 40; ++i)
        w.action(QStringLiteral("zoomOut"))->trigger();
    w.canvas()->viewport()->repaint();
    QCOMPARE(layer->lastPaintLevel(), ProposalsLayer::levelFor(w.canvas()->zoom()));
    QVERIFY(layer->lastPaintLevel() >= 5);
    QCOMPARE(layer->lastPaintPaths(), n);
    QVERIFY2(layer->lastPaintVertices() >= 4 * n && layer->lastPaintVertices() < exact / 4,
             qPrintable(QStringLiteral("%1 of %2").arg(layer->lastPaintVertices()).arg(exact)));
}

void TestEverythingUi::clickOutsideChangesNothing() {
    MainWindow& w = *m_window;
    const int n = runToReady();
    QVERIFY(n >= 3);
    const int undoBefore = w.document()->undoStack()->index();
    // Left of the image (the fitted view leaves a margin): no proposal, and no prompt either.
    clickImage(w, QPointF(-3, 50));
    QCOMPARE(proposals()->pendingCount(), n);
    QCOMPARE(objectCount(), 0);
    QVERIFY(w.document()->prediction()->prompts().isEmpty());
    QCOMPARE(w.document()->undoStack()->index(), undoBefore);
    QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("does nothing")));
}

void TestEverythingUi::dragAcceptsInside() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    const int n = runToReady();
    QVERIFY(n >= 3);
    // From just right of the left edge to past the bottom-right corner: the proposals that keep
    // clear of the left edge, not the whole-image ones.
    const QPointF from(2.5, -2), to(260, 196);
    const QRectF rect(w.canvas()->imagePointAt(w.canvas()->viewportPointFor(from)),
                      w.canvas()->imagePointAt(w.canvas()->viewportPointFor(to)));
    const QList<int> inside = proposals()->proposalsInside(rect);
    QVERIFY2(!inside.isEmpty() && inside.size() < n, qPrintable(QString::number(inside.size())));
    const int undoBefore = doc->undoStack()->index();
    dragImage(w, from, to);
    QCOMPARE(objectCount(), int(inside.size()));
    QCOMPARE(proposals()->pendingCount(), n - int(inside.size()));
    for (int i = 0; i < n; ++i)
        QCOMPARE(proposals()->proposals()[i].status,
                 inside.contains(i) ? Review::Accepted : Review::Pending);
    QCOMPARE(doc->undoStack()->index(), undoBefore + 1);  // one step for them all
    // Shift+drag over the whole image rejects the rest.
    dragImage(w, QPointF(-2, -2), QPointF(260, 196), Qt::ShiftModifier);
    QCOMPARE(proposals()->pendingCount(), 0);
    QCOMPARE(objectCount(), int(inside.size()));
    for (int i = 0; i < n; ++i)
        QCOMPARE(proposals()->proposals()[i].status,
                 inside.contains(i) ? Review::Accepted : Review::Rejected);
    QVERIFY(!w.canvas()->reviewing());
    QCOMPARE(w.canvas()->proposalsLayer()->pathCount(), 0);
}

void TestEverythingUi::enterAcceptsAllThenCanvasAsBefore() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    // A prompt's mask first: Enter must go to the proposals while they are pending.
    clickImage(w, QPointF(128, 96));
    QTRY_VERIFY(doc->prediction()->hasCurrentMask());
    QTRY_VERIFY(w.action(QStringLiteral("keepMask"))->isEnabled());
    const int n = runToReady();
    QVERIFY(n >= 3);
    QVERIFY(!w.action(QStringLiteral("keepMask"))->isEnabled());
    const auto targets = clickable();
    QVERIFY(!targets.isEmpty());
    clickImage(w, targets.first().first);
    QCOMPARE(objectCount(), 1);
    const int undoBefore = doc->undoStack()->index();
    QTest::keyClick(&w, Qt::Key_Return);
    QCOMPARE(proposals()->pendingCount(), 0);
    QCOMPARE(objectCount(), n);
    QCOMPARE(doc->undoStack()->index(), undoBefore + 1);
    for (const AnnotationObject& o : doc->annotations()->annotations().objects)
        QCOMPARE(o.label, DocumentAnnotations::defaultLabel().toStdString());
    QVERIFY(doc->prediction()->hasCurrentMask());  // the prompts' mask is still there
    // No proposal pending: Enter keeps the mask again, a click is a prompt again.
    QVERIFY(!w.canvas()->reviewing());
    QTRY_VERIFY(w.action(QStringLiteral("keepMask"))->isEnabled());
    QVERIFY(!w.action(QStringLiteral("acceptAllProposals"))->isEnabled());
    QTest::keyClick(&w, Qt::Key_Return);
    QCOMPARE(objectCount(), n + 1);
    QVERIFY(doc->prediction()->prompts().isEmpty());
    clickImage(w, QPointF(60, 50));
    QCOMPARE(int(doc->prediction()->prompts().points.size()), 1);
    // Undo of the keep, then of the accept-all: the proposals come back, pending.
    doc->undoStack()->undo();  // the click
    doc->undoStack()->undo();  // the keep
    doc->undoStack()->undo();  // accept all
    QCOMPARE(proposals()->pendingCount(), n - 1);
    QCOMPARE(objectCount(), 1);
}

void TestEverythingUi::escRejectsRest() {
    MainWindow& w = *m_window;
    const int n = runToReady();
    QVERIFY(n >= 3);
    const auto targets = clickable();
    QVERIFY(!targets.isEmpty());
    clickImage(w, targets.last().first);
    QTest::keyClick(&w, Qt::Key_Escape);
    QCOMPARE(proposals()->pendingCount(), 0);
    QCOMPARE(objectCount(), 1);  // the accepted one stays an object
    int rejected = 0;
    for (const DocumentProposals::Proposal& q : proposals()->proposals())
        rejected += q.status == Review::Rejected;
    QCOMPARE(rejected, n - 1);
    QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(proposals()->pendingCount(), n - 1);
}

void TestEverythingUi::newImageDropsProposals() {
    MainWindow& w = *m_window;
    QVERIFY(runToReady() >= 3);
    QTest::keyClick(&w, Qt::Key_D);
    QCOMPARE(w.document()->session()->currentIndex(), 1);
    QCOMPARE(proposals()->proposals().size(), 0);
    QCOMPARE(proposals()->state(), State::Idle);
    QCOMPARE(w.canvas()->proposalsLayer()->pathCount(), 0);
    QVERIFY(!w.canvas()->reviewing());
}

void TestEverythingUi::panelParamsReachRun() {
    MainWindow& w = *m_window;
    QVERIFY(sameParams(w.everythingParams(), AutoMaskParams()));
    EverythingPanel* panel = w.showEverythingSettings();
    QVERIFY(panel);
    QVERIFY(sameParams(panel->params(), AutoMaskParams()));
    QCOMPARE(panel->params().cropOverlapRatio, 512.0 / 1500.0);  // exact, though shown rounded
    QCOMPARE(everythingFields().size(), 11);
    for (const EverythingField& f : everythingFields()) {
        QAbstractSpinBox* box = panel->spinBox(QLatin1String(f.name));
        QVERIFY2(box && !box->toolTip().isEmpty(), f.name);
    }
    auto spin = [panel](const char* name) {
        return qobject_cast<QSpinBox*>(panel->spinBox(QLatin1String(name)));
    };
    auto dspin = [panel](const char* name) {
        return qobject_cast<QDoubleSpinBox*>(panel->spinBox(QLatin1String(name)));
    };
    // A value the generator rejects: its message, and no OK.
    spin("points_per_side")->setValue(0);
    QVERIFY(panel->problemLabel()->text().contains(QStringLiteral("points_per_side")));
    QVERIFY(!panel->okButton()->isEnabled());
    spin("points_per_side")->setValue(4);
    QVERIFY(panel->problem().isEmpty());
    QVERIFY(panel->okButton()->isEnabled());
    spin("crop_n_layers")->setValue(9);
    QVERIFY(panel->problem().contains(QStringLiteral("crop_n_layers")));
    spin("crop_n_layers")->setValue(0);
    dspin("pred_iou_thresh")->setValue(0);
    dspin("stability_score_thresh")->setValue(0);
    dspin("box_nms_thresh")->setValue(1.0);
    QVERIFY(sameParams(panel->params(), reviewParams()));
    // Defaults: the original's, exactly.
    QTest::mouseClick(panel->defaultsButton(), Qt::LeftButton);
    QVERIFY(sameParams(panel->params(), AutoMaskParams()));
    QCOMPARE(spin("points_per_side")->value(), 32);
    QCOMPARE(spin("points_per_batch")->value(), 64);
    QCOMPARE(dspin("pred_iou_thresh")->value(), 0.88);
    QCOMPARE(dspin("stability_score_thresh")->value(), 0.95);
    QCOMPARE(dspin("stability_score_offset")->value(), 1.0);
    QCOMPARE(dspin("box_nms_thresh")->value(), 0.7);
    QCOMPARE(spin("crop_n_layers")->value(), 0);
    QCOMPARE(dspin("crop_nms_thresh")->value(), 0.7);
    QCOMPARE(panel->params().cropOverlapRatio, 512.0 / 1500.0);
    QCOMPARE(spin("crop_n_points_downscale_factor")->value(), 1);
    QCOMPARE(spin("min_mask_region_area")->value(), 0);
    // The review's values again, and OK: remembered, and given to the next run.
    panel->setParams(reviewParams());
    spin("min_mask_region_area")->setValue(5);
    AutoMaskParams expected = reviewParams();
    expected.minMaskRegionArea = 5;
    QTest::mouseClick(panel->okButton(), Qt::LeftButton);
    QVERIFY(sameParams(w.everythingParams(), expected));
    QVERIFY(sameParams(AppSettings().everythingParams(), expected));
    w.action(QStringLiteral("segmentEverything"))->trigger();
    QVERIFY(sameParams(proposals()->params(), expected));
    QTRY_COMPARE_WITH_TIMEOUT(proposals()->state(), State::Ready, 30000);
    // A new panel shows what was stored.
    EverythingPanel* again = w.showEverythingSettings();
    QVERIFY(sameParams(again->params(), expected));
    again->close();
}

void TestEverythingUi::cancelLeavesNoProposals() {
    MainWindow& w = *m_window;
    // The default 32 x 32 grid with the filters off: long enough that Cancel comes mid-run.
    AutoMaskParams p = reviewParams();
    p.pointsPerSide = 32;
    w.setEverythingParams(p, false);
    QSignalSpy ended(w.document()->session()->worker(), &InferenceWorker::everythingFailed);
    QSignalSpy done(w.document()->session()->worker(), &InferenceWorker::everythingDone);
    w.action(QStringLiteral("segmentEverything"))->trigger();
    QCOMPARE(proposals()->state(), State::Running);
    // The canvas still zooms while it runs.
    const double zoom = w.canvas()->zoom();
    w.action(QStringLiteral("zoomIn"))->trigger();
    QVERIFY(w.canvas()->zoom() > zoom);
    auto* cancel = w.findChild<QToolButton*>(QStringLiteral("cancelEverythingButton"));
    QVERIFY(cancel->isVisible());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QCOMPARE(proposals()->state(), State::Cancelled);
    // Whatever the worker sends back for the cancelled run changes nothing.
    QTRY_VERIFY_WITH_TIMEOUT(ended.count() + done.count() > 0, 60000);
    QCoreApplication::processEvents();
    QCOMPARE(proposals()->state(), State::Cancelled);
    QCOMPARE(proposals()->proposals().size(), 0);
    QCOMPARE(w.canvas()->proposalsLayer()->pathCount(), 0);
    QVERIFY(!cancel->isVisible());
    QVERIFY(!w.findChild<QProgressBar*>(QStringLiteral("everythingProgress"))->isVisible());
    QVERIFY(!w.canvas()->reviewing());
}

void TestEverythingUi::cancelKeepsEarlierProposals() {
    MainWindow& w = *m_window;
    const int n = runToReady();
    QVERIFY(n >= 3);
    AutoMaskParams p = reviewParams();
    p.pointsPerSide = 32;
    w.setEverythingParams(p, false);
    QSignalSpy ended(w.document()->session()->worker(), &InferenceWorker::everythingFailed);
    QSignalSpy done(w.document()->session()->worker(), &InferenceWorker::everythingDone);
    w.action(QStringLiteral("segmentEverything"))->trigger();
    QVERIFY(proposals()->busy());
    QVERIFY(w.action(QStringLiteral("cancelEverything"))->isEnabled());
    QTest::keyClick(&w, Qt::Key_Period, Qt::ControlModifier);  // Ctrl+.
    QCOMPARE(proposals()->state(), State::Cancelled);
    QTRY_VERIFY_WITH_TIMEOUT(ended.count() + done.count() > 0, 60000);
    QCoreApplication::processEvents();
    QCOMPARE(int(proposals()->proposals().size()), n);
    QCOMPARE(proposals()->pendingCount(), n);
    QCOMPARE(w.canvas()->proposalsLayer()->pathCount(), n);
}

void TestEverythingUi::scriptVerbs() {
    MainWindow& w = *m_window;
    // Pixel 128, 96 lies in several proposals: accept takes the smallest, reject the next.
    DemoScript script(&w, QStringLiteral("everythingparams points_per_side=4 pred_iou_thresh=0 "
                                         "stability_score_thresh=0 box_nms_thresh=1; everything; "
                                         "proposals; accept 128 96; reject 128,96; "
                                         "acceptrect 3 -2 260 196; acceptall"));
    QSignalSpy finished(&script, &DemoScript::finished);
    script.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QCOMPARE(finished.first().first().toInt(), 0);
    QVERIFY(sameParams(proposals()->params(), reviewParams()));
    QVERIFY(sameParams(AppSettings().everythingParams(), AutoMaskParams()));  // not remembered
    const int n = int(proposals()->proposals().size());
    QVERIFY(n >= 3);
    int accepted = 0, rejected = 0;
    for (const DocumentProposals::Proposal& q : proposals()->proposals()) {
        accepted += q.status == Review::Accepted;
        rejected += q.status == Review::Rejected;
    }
    QCOMPARE(rejected, 1);
    QCOMPARE(accepted, n - 1);
    QCOMPARE(objectCount(), n - 1);
}

void TestEverythingUi::scriptRejectsUnknownParameter() {
    MainWindow& w = *m_window;
    DemoScript script(&w, QStringLiteral("everythingparams points_per_sides=4; everything"));
    QSignalSpy finished(&script, &DemoScript::finished);
    script.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QCOMPARE(finished.first().first().toInt(), 1);
    QCOMPARE(proposals()->state(), State::Idle);
}

QTEST_MAIN(TestEverythingUi)
#include "tst_everythingui.moc"
