// Segment everything in the document (DocumentProposals) with the tiny SAM fixture: a run waits
// for the image's encoding, reports progress and gives the engine's records as proposals with
// outlines; accepting makes ordinary objects with the current label and prompts that remake them,
// in one undo step that also brings the proposals back; rejecting is an undo step too; picking
// by pixel takes the smallest proposal, a rectangle the proposals inside it; a new image drops
// them; Cancel stops a run; GrabCut and bad parameters are refused with a message.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

#include "core/annotation/automaskshapes.h"
#include "core/annotation/datasetexport.h"
#include "core/document/annotationdocument.h"
#include "core/document/imageconvert.h"
#include "core/engine/enginefactory.h"
#include "core/engine/samengine.h"
#include "tests/document/testimages.h"
#include "tests/document/tinysam.h"

using namespace samdesk;
using namespace samdesk::test;

namespace {

// The tiny SAM engine whose encode waits for the test (a semaphore) and can then be cancelled:
// a run that waits for the encoding, deterministically.
class HeldSam final : public Segmenter {
public:
    // `gate` holds every encode; `everythingGate`, when given, every segment everything (and
    // `waiting` counts the runs that reached it).
    HeldSam(std::unique_ptr<Segmenter> inner, QSemaphore* gate,
            QSemaphore* everythingGate = nullptr, std::atomic<int>* waiting = nullptr)
        : m_inner(std::move(inner))
        , m_gate(gate)
        , m_everythingGate(everythingGate)
        , m_waiting(waiting) {}
    std::string name() const override { return m_inner->name(); }
    bool acceptsMaskInput() const override { return m_inner->acceptsMaskInput(); }
    MaskFrame maskFrame() const override { return m_inner->maskFrame(); }
    Expected<std::shared_ptr<ImageSession>> encode(const RgbImage& image,
                                                   const EncodeControl& control) override {
        if (m_gate)
            m_gate->acquire();
        if (control.cancel && control.cancel->load())
            return Error{Error::Kind::Cancelled, "encoding cancelled"};
        return m_inner->encode(image, control);
    }
    Expected<SegmentResult> predict(ImageSession& session, const PromptSet& prompts) override {
        return m_inner->predict(session, prompts);
    }
    Expected<AutoMaskResult> segmentEverything(ImageSession& session, const RgbImage& image,
                                               const AutoMaskParams& params,
                                               const EncodeControl& control) override {
        if (m_everythingGate) {
            ++*m_waiting;
            m_everythingGate->acquire();
        }
        return m_inner->segmentEverything(session, image, params, control);
    }

private:
    std::unique_ptr<Segmenter> m_inner;
    QSemaphore* m_gate;
    QSemaphore* m_everythingGate;
    std::atomic<int>* m_waiting;
};

// Every mask survives the filters (the fixture's random weights score low).
AutoMaskParams everyMask() {
    AutoMaskParams p;
    p.pointsPerSide = 8;
    p.predIouThresh = 0;
    p.stabilityScoreThresh = 0;
    p.boxNmsThresh = 1.5;
    return p;
}

// A folder with the fixture's two images.
bool tinyFolder(const QString& dir) {
    return QFile::copy(kTiny + "image_a.png", dir + "/a.png") &&
           QFile::copy(kTiny + "image_b.png", dir + "/b.png");
}

// What the engine alone gives for a fixture image with everyMask(): the records to compare with.
// The image through the document's own conversion (the pixels the worker hands the engine).
Expected<AutoMaskResult> engineRecords(const QString& image) {
    SamEngineOptions options;
    options.dtype = "float32";
    auto engine = SamEngine::load((kTiny + "checkpoint.pth").toStdString(), options);
    if (!engine)
        return engine.error();
    const RgbImage rgb = toRgbImage(QImage(kTiny + image));
    auto session = engine.value()->encode(rgb, {});
    if (!session)
        return session.error();
    return engine.value()->segmentEverything(*session.value(), rgb, everyMask(), {});
}

bool runAndWait(DocumentProposals* p) {
    QSignalSpy finished(p, &DocumentProposals::finished);
    if (!p->run())
        return false;
    return finished.wait(60000) && p->state() == DocumentProposals::State::Ready;
}

// A pixel inside the mask and inside no smaller pending proposal.
std::optional<QPointF> pixelOnlyIn(const DocumentProposals& p, int index) {
    const BinaryMask m = autoMaskToBinary(p.proposals()[index].mask);
    for (int y = 0; y < m.height(); ++y)
        for (int x = 0; x < m.width(); ++x)
            if (m.at(x, y) && p.proposalAt(x + 0.5, y + 0.5) == index)
                return QPointF(x + 0.5, y + 0.5);
    return std::nullopt;
}

}  // namespace

class TestDocumentProposals : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void runGivesTheEnginesRecords();
    void acceptRejectUndo();
    void pickingByPixelAndRectangle();
    void newImageDropsProposals();
    void cancelStopsTheRun();
    void cancelledEncodeEndsTheWait();
    void folderRunFillsTheOtherImages();
    void folderRunLeavesTheShownImage();
    void refusals();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestDocumentProposals::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(tinyFolder(m_dir->path()));
}

void TestDocumentProposals::runGivesTheEnginesRecords() {
    AnnotationDocument doc(createEngine);
    QVERIFY(loadTinySam(doc, m_dir->path()));
    DocumentProposals* p = doc.proposals();
    p->setParams(everyMask());
    QSignalSpy progress(p, &DocumentProposals::progress);
    // Asked before the encoding is done: it waits for it, then runs.
    QVERIFY(p->run());
    QVERIFY(p->busy());
    QSignalSpy finished(p, &DocumentProposals::finished);
    QVERIFY(finished.wait(60000));
    QCOMPARE(p->state(), DocumentProposals::State::Ready);
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(0).toInt(), progress.last().at(1).toInt());
    QCOMPARE(finished.first().at(0).toInt(), int(p->proposals().size()));

    // The engine's own records, each with an outline around its mask's pixels.
    const auto direct = engineRecords("image_a.png");
    QVERIFY2(direct.ok(), direct.ok() ? "" : direct.error().message.c_str());
    QCOMPARE(int(p->proposals().size()), int(direct->masks.size()));
    QVERIFY(p->proposals().size() >= 10);
    for (int i = 0; i < p->proposals().size(); ++i) {
        const auto& prop = p->proposals()[i];
        QCOMPARE(prop.mask.counts, direct->masks[std::size_t(i)].counts);
        QCOMPARE(prop.status, DocumentProposals::Status::Pending);
        QVERIFY(!prop.outline.empty());
        for (const auto& ring : prop.outline)
            for (const PointF& v : ring) {
                QVERIFY(v.x >= prop.mask.bbox[0] &&
                        v.x <= prop.mask.bbox[0] + prop.mask.bbox[2] + 1);
                QVERIFY(v.y >= prop.mask.bbox[1] &&
                        v.y <= prop.mask.bbox[1] + prop.mask.bbox[3] + 1);
            }
    }
    QCOMPARE(p->pendingCount(), int(p->proposals().size()));
    QVERIFY(p->lastRunMs() > 0);
}

void TestDocumentProposals::acceptRejectUndo() {
    AnnotationDocument doc(createEngine);
    QVERIFY(loadTinySam(doc, m_dir->path()));
    DocumentProposals* p = doc.proposals();
    p->setParams(everyMask());
    QVERIFY(runAndWait(p));
    const int n = int(p->proposals().size());
    doc.annotations()->setCurrentLabel("stone");
    const int steps = doc.undoStack()->count();
    const int objectsBefore = int(doc.annotations()->annotations().objects.size());

    // One proposal: an object with the current label, its mask, prompts that remake it.
    const QList<int> ids = p->accept({0});
    QCOMPARE(ids.size(), 1);
    const AnnotationObject* o = doc.annotations()->find(ids[0]);
    QVERIFY(o);
    QCOMPARE(o->label, std::string("stone"));
    QCOMPARE(o->source, std::string(source::kEverything));
    QVERIFY(o->mask == autoMaskToBinary(p->proposals()[0].mask));
    QCOMPARE(std::int64_t(o->mask.area()), p->proposals()[0].mask.area);
    QCOMPARE(o->score, p->proposals()[0].mask.predictedIou);
    QVERIFY(o->prompts.has_value());
    QCOMPARE(int(o->prompts->points.size()), 1);
    QCOMPARE(o->prompts->points[0].x, p->proposals()[0].mask.pointX);
    QCOMPARE(o->prompts->candidate, p->proposals()[0].mask.candidate);
    QCOMPARE(p->proposals()[0].status, DocumentProposals::Status::Accepted);
    QCOMPARE(p->pendingCount(), n - 1);
    QCOMPARE(doc.undoStack()->count(), steps + 1);  // one step, the label's creation included

    // Undo: the object goes, the proposal is pending again; redo repeats both.
    doc.undoStack()->undo();
    QVERIFY(!doc.annotations()->find(ids[0]));
    QCOMPARE(p->proposals()[0].status, DocumentProposals::Status::Pending);
    QCOMPARE(p->pendingCount(), n);
    doc.undoStack()->redo();
    QVERIFY(doc.annotations()->find(ids[0]));
    QCOMPARE(p->pendingCount(), n - 1);

    // Accepting an accepted proposal does nothing.
    QVERIFY(p->accept({0}).isEmpty());
    // Reject two: an undo step, no object.
    QCOMPARE(p->reject({1, 2}), 2);
    QCOMPARE(p->proposals()[1].status, DocumentProposals::Status::Rejected);
    QCOMPARE(int(doc.annotations()->annotations().objects.size()), objectsBefore + 1);
    doc.undoStack()->undo();
    QCOMPARE(p->proposals()[1].status, DocumentProposals::Status::Pending);
    doc.undoStack()->redo();

    // Accept all the rest: one undo step, one object each, ids in order.
    const int stepsBefore = doc.undoStack()->count();
    const QList<int> all = p->acceptAll();
    QCOMPARE(all.size(), n - 3);
    QCOMPARE(p->pendingCount(), 0);
    QCOMPARE(doc.undoStack()->count(), stepsBefore + 1);
    QCOMPARE(int(doc.annotations()->annotations().objects.size()), objectsBefore + 1 + n - 3);
    for (int k = 1; k < all.size(); ++k)
        QCOMPARE(all[k], all[k - 1] + 1);
    doc.undoStack()->undo();
    QCOMPARE(p->pendingCount(), n - 3);
    QCOMPARE(int(doc.annotations()->annotations().objects.size()), objectsBefore + 1);

    // The accepted objects are saved like any other.
    doc.undoStack()->redo();
    doc.flush();
    auto store = AnnotationStore::forImage((m_dir->path() + "/a.png").toStdString());
    auto saved = store.load("a.png");
    QVERIFY(saved.ok() && saved->has_value());
    QCOMPARE(int(saved.value()->objects.size()), objectsBefore + 1 + n - 3);

    // And export like any other object: COCO RLE with each object's own pixels.
    QTemporaryDir out;
    ExportOptions options;
    options.format = ExportFormat::Coco;
    const auto report = exportFolder(store, doc.annotations()->labels(),
                                     (out.path() + "/coco").toStdString(), options);
    QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
    QCOMPARE(report->objects, objectsBefore + 1 + n - 3);
    QFile file(out.path() + "/coco/annotations.json");
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray anns =
        QJsonDocument::fromJson(file.readAll()).object()["annotations"].toArray();
    QCOMPARE(anns.size(), objectsBefore + 1 + n - 3);
    for (const QJsonValue& a : anns) {
        const AnnotationObject* o = nullptr;
        for (const auto& candidate : saved.value()->objects)
            if (std::int64_t(candidate.mask.area()) == a["area"].toInteger())
                o = &candidate;
        QVERIFY2(o, "an exported area matches a saved object's");
    }
}

void TestDocumentProposals::pickingByPixelAndRectangle() {
    AnnotationDocument doc(createEngine);
    QVERIFY(loadTinySam(doc, m_dir->path()));
    DocumentProposals* p = doc.proposals();
    p->setParams(everyMask());
    QVERIFY(runAndWait(p));
    const auto& props = p->proposals();
    // A pixel of several proposals picks the smallest one that holds it.
    int checked = 0;
    for (int y = 0; y < props[0].mask.height; y += 7)
        for (int x = 0; x < props[0].mask.width; x += 7) {
            const int got = p->proposalAt(x + 0.5, y + 0.5);
            std::int64_t smallest = -1;
            for (const auto& q : props)
                if (columnRleAt(q.mask.counts, q.mask.height, x, y) &&
                    (smallest < 0 || q.mask.area < smallest))
                    smallest = q.mask.area;
            if (smallest < 0) {
                QCOMPARE(got, -1);
            } else {
                QVERIFY(got >= 0);
                QCOMPARE(props[got].mask.area, smallest);
                QVERIFY(columnRleAt(props[got].mask.counts, props[got].mask.height, x, y));
                ++checked;
            }
        }
    QVERIFY(checked > 10);
    // Rejected proposals are not picked.
    int chosen = -1;
    std::optional<QPointF> pixel;
    for (int i = 0; i < props.size() && !pixel; ++i)
        if ((pixel = pixelOnlyIn(*p, i)))
            chosen = i;
    QVERIFY(pixel.has_value());
    QCOMPARE(p->proposalAt(pixel->x(), pixel->y()), chosen);
    QCOMPARE(p->reject({chosen}), 1);
    QVERIFY(p->proposalAt(pixel->x(), pixel->y()) != chosen);

    // A rectangle takes exactly the pending proposals whose box lies inside it.
    // (the box around the smallest pending proposal, a pixel wider each way)
    int smallestIndex = -1;
    for (int i = 0; i < props.size(); ++i)
        if (props[i].status == DocumentProposals::Status::Pending &&
            (smallestIndex < 0 || props[i].mask.area < props[smallestIndex].mask.area))
            smallestIndex = i;
    const auto& sb = props[smallestIndex].mask.bbox;
    const QRectF rect(sb[0] - 1, sb[1] - 1, sb[2] + 3, sb[3] + 3);
    const QList<int> inside = p->proposalsInside(rect);
    int expected = 0;
    for (int i = 0; i < props.size(); ++i) {
        const auto& b = props[i].mask.bbox;
        const bool in = b[0] >= rect.left() && b[0] + b[2] + 1 <= rect.right() &&
                        b[1] >= rect.top() && b[1] + b[3] + 1 <= rect.bottom();
        if (in && props[i].status == DocumentProposals::Status::Pending) {
            ++expected;
            QVERIFY(inside.contains(i));
        }
    }
    QCOMPARE(inside.size(), expected);
    QVERIFY(inside.contains(smallestIndex));
    QVERIFY(expected < p->pendingCount());
}

void TestDocumentProposals::newImageDropsProposals() {
    AnnotationDocument doc(createEngine);
    QVERIFY(loadTinySam(doc, m_dir->path()));
    DocumentProposals* p = doc.proposals();
    p->setParams(everyMask());
    QVERIFY(runAndWait(p));
    QVERIFY(!p->proposals().isEmpty());
    const int generation = p->generation();
    QVERIFY(doc.next());
    QVERIFY(p->proposals().isEmpty());
    QCOMPARE(p->state(), DocumentProposals::State::Idle);
    QVERIFY(p->generation() > generation);
    // The second image gets its own.
    QVERIFY(runAndWait(p));
    QCOMPARE(p->proposals()[0].mask.width, QImage(kTiny + "image_b.png").width());
}

void TestDocumentProposals::cancelStopsTheRun() {
    AnnotationDocument doc(createEngine);
    QVERIFY(loadTinySam(doc, m_dir->path()));
    QTRY_COMPARE_WITH_TIMEOUT(doc.session()->encodeState(), DocumentSession::EncodeState::Ready,
                              60000);
    DocumentProposals* p = doc.proposals();
    AutoMaskParams params = everyMask();
    params.cropNLayers = 2;  // long enough to cancel in the middle
    params.pointsPerBatch = 1;
    p->setParams(params);
    QSignalSpy progress(p, &DocumentProposals::progress);
    QVERIFY(p->run());
    QVERIFY(progress.wait(60000));
    p->cancel();
    QCOMPARE(p->state(), DocumentProposals::State::Cancelled);
    QSignalSpy finished(p, &DocumentProposals::finished);
    QVERIFY(!finished.wait(1500));  // no late result shows up
    QVERIFY(p->proposals().isEmpty());
    // A click decodes right after: the worker is free and the session intact.
    QSignalSpy predicted(doc.prediction(), &DocumentPrediction::predictionChanged);
    doc.prediction()->addPoint(QPointF(40.5, 40.5), true);
    QVERIFY(predicted.wait(60000));
    QVERIFY(doc.prediction()->hasPrediction());
}

void TestDocumentProposals::cancelledEncodeEndsTheWait() {
    QSemaphore gate;
    const auto factory = [&gate](const EngineChoice& choice) -> Expected<LoadedEngine> {
        auto loaded = createEngine(choice);
        if (loaded && !choice.checkpoint.empty())
            loaded->engine = std::make_unique<HeldSam>(std::move(loaded->engine), &gate);
        return loaded;
    };
    AnnotationDocument doc(factory);
    QVERIFY(loadTinySam(doc, m_dir->path()));
    QTRY_COMPARE(doc.session()->encodeState(), DocumentSession::EncodeState::Encoding);
    DocumentProposals* p = doc.proposals();
    p->setParams(everyMask());
    QVERIFY(p->run());
    QCOMPARE(p->state(), DocumentProposals::State::Waiting);
    doc.session()->cancelEncode();
    gate.release(8);
    QTRY_COMPARE(p->state(), DocumentProposals::State::Cancelled);
    QVERIFY(!p->busy());
    // Run again: the image is encoded again (the gate open) and the run goes through.
    gate.release(8);
    QVERIFY(runAndWait(p));
    QVERIFY(!p->proposals().isEmpty());
}

// The folder's other image gets the masks as unlabelled objects in its saved annotations (what the
// engine gives for it), marked annotated; the current image is left to the review; a second run
// replaces its own objects instead of adding more, and keeps a labelled one.
void TestDocumentProposals::folderRunFillsTheOtherImages() {
    AnnotationDocument doc(createEngine);
    QVERIFY(loadTinySam(doc, m_dir->path()));
    DocumentProposals* p = doc.proposals();
    p->setParams(everyMask());
    QSignalSpy finished(p, &DocumentProposals::folderFinished);
    QCOMPARE(p->runFolder(), 1);
    QVERIFY(p->folderBusy());
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY(!p->folderBusy());
    const DocumentProposals::FolderSummary summary = p->folderSummary();
    QCOMPARE(summary.done, 1);
    QCOMPARE(summary.failed, 0);
    QCOMPARE(summary.skipped, 0);
    QVERIFY(summary.objects >= 5);

    const AnnotationStore store(m_dir->path().toStdString());
    QVERIFY(!store.load("a.png")->has_value());  // the current image: nothing written
    auto b = store.load("b.png");
    QVERIFY(b.ok() && b->has_value());
    QCOMPARE(int(b.value()->objects.size()), summary.objects);
    // The engine's own records for b.png, in order.
    const auto direct = engineRecords("image_b.png");
    QVERIFY2(direct.ok(), direct.ok() ? "" : direct.error().message.c_str());
    std::vector<const AutoMask*> withPixels;
    for (const AutoMask& m : direct->masks)
        if (m.area > 0)
            withPixels.push_back(&m);
    QCOMPARE(int(withPixels.size()), summary.objects);
    for (std::size_t i = 0; i < withPixels.size(); ++i) {
        const AnnotationObject& o = b.value()->objects[i];
        QVERIFY(o.mask == autoMaskToBinary(*withPixels[i]));
        QVERIFY(o.label.empty());
        QCOMPARE(o.source, std::string(source::kEverything));
    }
    QVERIFY(doc.session()->images().isAnnotated(1));

    // The window shows them when the image is opened.
    QVERIFY(doc.next());
    QCOMPARE(int(doc.annotations()->annotations().objects.size()), summary.objects);
    // A labelled one survives a second run (from a.png again), the others are replaced.
    const int labelled = doc.annotations()->annotations().objects.front().id;
    doc.annotations()->setObjectLabel(labelled, "kept");
    doc.flush();
    QVERIFY(doc.previous());
    QSignalSpy again(p, &DocumentProposals::folderFinished);
    QCOMPARE(p->runFolder(), 1);
    QVERIFY(again.wait(60000));
    QCOMPARE(p->folderSummary().replaced, summary.objects - 1);
    b = store.load("b.png");
    QCOMPARE(int(b.value()->objects.size()), summary.objects + 1);
    QCOMPARE(b.value()->objects.front().label, std::string("kept"));
}

// The image the window shows when its turn comes is left alone: the window holds its annotations
// and would save over the run's objects.
void TestDocumentProposals::folderRunLeavesTheShownImage() {
    QSemaphore everythingGate;
    std::atomic<int> waiting{0};
    const auto factory = [&](const EngineChoice& choice) -> Expected<LoadedEngine> {
        auto loaded = createEngine(choice);
        if (loaded && !choice.checkpoint.empty())
            loaded->engine = std::make_unique<HeldSam>(std::move(loaded->engine), nullptr,
                                                       &everythingGate, &waiting);
        return loaded;
    };
    AnnotationDocument doc(factory);
    QVERIFY(loadTinySam(doc, m_dir->path()));
    QTRY_COMPARE_WITH_TIMEOUT(doc.session()->encodeState(), DocumentSession::EncodeState::Ready,
                              60000);
    DocumentProposals* p = doc.proposals();
    p->setParams(everyMask());
    QSignalSpy finished(p, &DocumentProposals::folderFinished);
    QCOMPARE(p->runFolder(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(waiting.load(), 1, 60000);  // b.png's generator is held
    QVERIFY(doc.next());                                  // the window shows b.png now
    everythingGate.release(8);
    QVERIFY(finished.wait(60000));
    QCOMPARE(p->folderSummary().skipped, 1);
    QCOMPARE(p->folderSummary().objects, 0);
    const AnnotationStore store(m_dir->path().toStdString());
    QVERIFY(!store.load("b.png")->has_value());
    QVERIFY(doc.annotations()->annotations().objects.empty());
}

void TestDocumentProposals::refusals() {
    // GrabCut cannot segment everything: a message, no run.
    AnnotationDocument doc(createEngine);
    QVERIFY(doc.openFolder(m_dir->path()));
    QTRY_VERIFY_WITH_TIMEOUT(!doc.session()->engineLoading(), 30000);
    QSignalSpy errors(&doc, &AnnotationDocument::error);
    QVERIFY(!doc.proposals()->run());
    QCOMPARE(errors.size(), 1);
    QVERIFY(errors.first().at(0).toString().contains("SAM checkpoint"));
    QCOMPARE(doc.proposals()->state(), DocumentProposals::State::Idle);
    // Bad parameters name the parameter.
    QVERIFY(loadTinySam(doc, m_dir->path()));
    AutoMaskParams bad = everyMask();
    bad.cropOverlapRatio = 1.5;
    doc.proposals()->setParams(bad);
    QVERIFY(!doc.proposals()->run());
    QVERIFY(errors.last().at(0).toString().contains("crop_overlap_ratio"));
}

QTEST_MAIN(TestDocumentProposals)
#include "tst_documentproposals.moc"
