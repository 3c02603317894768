// Fixing masks by hand through the document: brush and eraser strokes at full resolution (one
// undo step each, undo restores the mask bit for bit, only the touched rectangle in the history),
// a stroke over a mask not kept yet keeps it first, a stroke with nothing to paint on starts a
// new object; clean-up; boolean operations between two objects; Add and Subtract with GrabCut
// and with the tiny SAM fixture give the union / difference of the object and the mask the
// same prompts give in New mode; prompts kept with the object survive a restart and re-run
// gives the same masks with the same checkpoint; hand-edited objects are left out of a re-run
// unless asked; a file of a newer samdesk is refused and never overwritten.
#include <QFile>
#include <QSignalSpy>
#include <QtTest>

#include "core/annotation/maskedit.h"
#include "core/document/annotationdocument.h"
#include "core/engine/enginefactory.h"
#include "testimages.h"
#include "tests/annotation/testmasks.h"
#include "tests/annotation/teststroke.h"
#include "tests/document/tinysam.h"

using namespace samdesk;
using namespace samdesk::test;

#define WAIT_READY(doc)                                                                            \
    QTRY_COMPARE_WITH_TIMEOUT((doc).session()->encodeState(), DocumentSession::EncodeState::Ready, \
                              30000)

namespace {

// The reference rasterisation of a stroke (tests/annotation/teststroke.h), in place.
void referenceStroke(BinaryMask& m, const std::vector<StrokePoint>& pts, double r, bool value) {
    m = testmasks::referenceStroke(std::move(m), pts, r, value);
}

// Runs `change` (a prompt edit) and waits until its decode has arrived.
template <typename Change>
bool decodeAfter(DocumentPrediction* p, Change change) {
    QSignalSpy spy(p, &DocumentPrediction::predictionChanged);
    change();
    return spy.wait(30000) && p->hasPrediction();
}

int lastObjectId(const AnnotationDocument& doc) {
    const auto& objs = doc.annotations()->annotations().objects;
    return objs.empty() ? 0 : objs.back().id;
}

}  // namespace

class TestMaskEditing : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void brushAndEraseWithUndo();
    void strokeKeepsPendingMaskFirst();
    void strokeStartsNewObject();
    void cleanUps();
    void booleanOperations();
    void addSubtractGrabCut();
    void addSubtractSam();
    void promptsSurviveRestartAndRerun();
    void rerunLeavesHandEditsUnlessAsked();
    void newerFileIsRefusedAndKept();
    void oldFileLoads();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestMaskEditing::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    writeDiscImages(m_dir->path(), 2);
}

void TestMaskEditing::brushAndEraseWithUndo() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    doc.prediction()->addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    QVERIFY(doc.keepMask());
    const int id = lastObjectId(doc);
    const BinaryMask kept = doc.annotations()->find(id)->mask;
    QVERIFY(doc.annotations()->find(id)->prompts.has_value());
    QVERIFY(!doc.annotations()->find(id)->handEdited);
    const int steps = doc.undoStack()->count();

    // An eraser stroke across the disc: exactly the reference's pixels are cleared.
    const std::vector<StrokePoint> erase{{40, 90}, {70, 95}, {150, 80}};
    QCOMPARE(doc.paintStroke(id, erase, 6.5, true), id);
    BinaryMask expected = kept;
    referenceStroke(expected, erase, 6.5, false);
    QVERIFY(doc.annotations()->find(id)->mask == expected);
    QVERIFY(expected.area() < kept.area());
    QVERIFY(doc.annotations()->find(id)->handEdited);
    QCOMPARE(doc.undoStack()->count(), steps + 1);

    // A brush stroke outside the disc adds exactly its pixels.
    const std::vector<StrokePoint> brush{{200, 20}, {230, 160}};
    QCOMPARE(doc.paintStroke(id, brush, 3.0, false), id);
    BinaryMask painted = expected;
    referenceStroke(painted, brush, 3.0, true);
    QVERIFY(doc.annotations()->find(id)->mask == painted);

    // Undo restores bit for bit, redo repeats; the hand-edited mark follows.
    doc.undoStack()->undo();
    QVERIFY(doc.annotations()->find(id)->mask == expected);
    doc.undoStack()->undo();
    QVERIFY(doc.annotations()->find(id)->mask == kept);
    QVERIFY(!doc.annotations()->find(id)->handEdited);
    doc.undoStack()->redo();
    doc.undoStack()->redo();
    QVERIFY(doc.annotations()->find(id)->mask == painted);
    QVERIFY(doc.annotations()->find(id)->handEdited);

    // An eraser stroke that changes nothing is no undo step.
    const int before = doc.undoStack()->count();
    QCOMPARE(doc.paintStroke(id, {{5, 5}}, 2.0, true), 0);
    QCOMPARE(doc.undoStack()->count(), before);

    // What is painted is what is saved.
    doc.flush();
    auto saved = doc.session()->images().store().load("img0.png");
    QVERIFY(saved && saved.value());
    QVERIFY(saved.value()->find(id)->mask == painted);
    QVERIFY(saved.value()->find(id)->handEdited);
    // Saved again after more edits (the autosave re-encodes only the masks that changed): the
    // file follows every edit, undo included.
    const std::vector<StrokePoint> more{{120, 40}};
    QCOMPARE(doc.paintStroke(id, more, 4.0, false), id);
    doc.flush();
    BinaryMask morePainted = painted;
    referenceStroke(morePainted, more, 4.0, true);
    saved = doc.session()->images().store().load("img0.png");
    QVERIFY(saved && saved.value() && saved.value()->find(id)->mask == morePainted);
    doc.undoStack()->undo();
    doc.flush();
    saved = doc.session()->images().store().load("img0.png");
    QVERIFY(saved && saved.value() && saved.value()->find(id)->mask == painted);
}

void TestMaskEditing::strokeKeepsPendingMaskFirst() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    doc.prediction()->addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    const BinaryMask decoded = doc.prediction()->currentMask();
    const std::vector<StrokePoint> stroke{{200, 150}, {220, 150}};
    const int id = doc.paintStroke(0, stroke, 4.0, false);
    QVERIFY(id > 0);
    QVERIFY(!doc.prediction()->hasPrediction());
    BinaryMask expected = decoded;
    referenceStroke(expected, stroke, 4.0, true);
    QVERIFY(doc.annotations()->find(id)->mask == expected);
    // One undo step takes back both the keep and the stroke: the prompts come back.
    doc.undoStack()->undo();
    QVERIFY(!doc.annotations()->find(id));
    QCOMPARE(doc.prediction()->prompts().points.size(), 1);
}

void TestMaskEditing::strokeStartsNewObject() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    QCOMPARE(doc.paintStroke(0, {{20, 20}}, 5.0, true), 0);  // nothing to erase
    QCOMPARE(doc.undoStack()->count(), 0);
    const std::vector<StrokePoint> stroke{{10, 10}, {120, 10}};  // 110 px in one event: no gap
    const int id = doc.paintStroke(0, stroke, 2.5, false);
    QVERIFY(id > 0);
    const AnnotationObject* o = doc.annotations()->find(id);
    QCOMPARE(o->source, std::string(source::kBrush));
    QVERIFY(!o->prompts);
    BinaryMask expected(kImageW, kImageH);
    referenceStroke(expected, stroke, 2.5, true);
    QVERIFY(o->mask == expected);
    for (int x = 10; x <= 120; ++x)
        QVERIFY(o->mask.at(x, 10));
    doc.undoStack()->undo();
    QVERIFY(doc.annotations()->annotations().objects.empty());
}

void TestMaskEditing::cleanUps() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    // An object drawn with the brush: a ring (a hole) and a small island.
    const int id = doc.paintStroke(0, {{60, 60}}, 20.0, false);
    QVERIFY(id > 0);
    QCOMPARE(doc.paintStroke(id, {{60, 60}}, 8.0, true), id);
    QCOMPARE(doc.paintStroke(id, {{200, 150}}, 2.0, false), id);
    const BinaryMask messy = doc.annotations()->find(id)->mask;

    BinaryMask filled = messy;
    QVERIFY(fillHoles(filled) > 0);
    QVERIFY(doc.cleanUpObject(id, AnnotationDocument::CleanUp::FillHoles));
    QVERIFY(doc.annotations()->find(id)->mask == filled);
    QVERIFY(doc.annotations()->find(id)->mask.at(60, 60));
    QVERIFY(!doc.cleanUpObject(id, AnnotationDocument::CleanUp::FillHoles));  // nothing left

    BinaryMask noIsland = filled;
    QVERIFY(removeIslands(noIsland, 50) > 0);
    QVERIFY(doc.cleanUpObject(id, AnnotationDocument::CleanUp::RemoveIslands, 50));
    QVERIFY(doc.annotations()->find(id)->mask == noIsland);
    QVERIFY(!doc.annotations()->find(id)->mask.at(200, 150));

    doc.undoStack()->undo();
    doc.undoStack()->undo();
    QVERIFY(doc.annotations()->find(id)->mask == messy);
    BinaryMask largest = messy;
    QVERIFY(keepLargestPart(largest) > 0);
    QVERIFY(doc.cleanUpObject(id, AnnotationDocument::CleanUp::KeepLargestPart));
    QVERIFY(doc.annotations()->find(id)->mask == largest);
    QVERIFY(!doc.annotations()->find(id)->mask.at(60, 60));  // the hole stays
}

void TestMaskEditing::booleanOperations() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    const int a = doc.paintStroke(0, {{50, 50}, {100, 50}}, 10.0, false);
    // A second object: a stroke with no target while `a` is neither refined nor selected.
    const int b = doc.paintStroke(0, {{90, 50}, {90, 120}}, 10.0, false);
    QVERIFY(a > 0 && b > a);
    const BinaryMask ma = doc.annotations()->find(a)->mask;
    const BinaryMask mb = doc.annotations()->find(b)->mask;
    for (MaskOp op : {MaskOp::Union, MaskOp::Subtract, MaskOp::Intersect}) {
        const auto expected = combineMasks(ma, mb, op);
        QVERIFY(expected);
        QVERIFY(doc.combineObjects(a, b, op));
        QVERIFY(doc.annotations()->find(a)->mask == expected.value());
        QCOMPARE(doc.annotations()->find(b) != nullptr, op == MaskOp::Subtract);
        doc.undoStack()->undo();
        QVERIFY(doc.annotations()->find(a)->mask == ma);
        QVERIFY(doc.annotations()->find(b)->mask == mb);
    }
    QVERIFY(!doc.combineObjects(a, a, MaskOp::Union));
    QVERIFY(!doc.combineObjects(a, 99, MaskOp::Union));
}

namespace {

// In Add and Subtract, the kept mask is the object's combined with what the same prompts give
// in New mode (computed first, then taken back).
void checkAddSubtract(AnnotationDocument& doc, QPointF click) {
    DocumentPrediction* p = doc.prediction();
    // The object: a brushed rectangle-ish stroke overlapping the click's object.
    const int id =
        doc.paintStroke(0, {{click.x() - 40, click.y()}, {click.x() + 5, click.y()}}, 9.0, false);
    QVERIFY(id > 0);
    const BinaryMask object = doc.annotations()->find(id)->mask;

    p->addPoint(click, true);
    QTRY_VERIFY(p->hasPrediction());
    const BinaryMask alone = p->currentMask();
    QVERIFY(alone.area() > 0);
    p->clearPrompts();

    for (auto mode :
         {DocumentPrediction::CombineMode::Add, DocumentPrediction::CombineMode::Subtract}) {
        p->setCombineMode(mode);
        doc.refineObject(id);
        QCOMPARE(p->refiningObject(), id);
        QVERIFY(p->prompts().isEmpty());  // afresh: the object's mask is not the mask input
        p->addPoint(click, true);
        QTRY_VERIFY(p->hasPrediction());
        QVERIFY(p->combining());
        const auto expected = combineMasks(
            object, alone,
            mode == DocumentPrediction::CombineMode::Add ? MaskOp::Union : MaskOp::Subtract);
        QVERIFY(expected);
        QVERIFY(p->currentMask() == expected.value());  // the preview is the result
        QVERIFY(doc.keepMask());
        QVERIFY(doc.annotations()->find(id)->mask == expected.value());
        doc.undoStack()->undo();  // the keep
        QVERIFY(doc.annotations()->find(id)->mask == object);
        p->clearPrompts();
    }
    p->setCombineMode(DocumentPrediction::CombineMode::New);
}

}  // namespace

void TestMaskEditing::addSubtractGrabCut() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    checkAddSubtract(doc, discCentre(0));
}

void TestMaskEditing::addSubtractSam() {
    QTemporaryDir dir;
    QVERIFY(QFile::copy(kTiny + "image_a.png", dir.filePath("image_a.png")));
    AnnotationDocument doc(createEngine);
    QVERIFY(loadTinySam(doc, dir.path()));
    WAIT_READY(doc);
    const QSize size = doc.session()->image().size();
    checkAddSubtract(doc, QPointF(size.width() * 0.5, size.height() * 0.5));
}

void TestMaskEditing::promptsSurviveRestartAndRerun() {
    QTemporaryDir dir;
    QVERIFY(QFile::copy(kTiny + "image_a.png", dir.filePath("image_a.png")));
    BinaryMask single, refined, boxed;
    int idSingle = 0, idRefined = 0, idBoxed = 0;
    std::string fingerprint;
    {
        AnnotationDocument doc(createEngine);
        QVERIFY(loadTinySam(doc, dir.path()));
        WAIT_READY(doc);
        DocumentPrediction* p = doc.prediction();
        fingerprint = doc.session()->engine().report->fingerprint;
        QVERIFY(!fingerprint.empty());
        const QSize s = doc.session()->image().size();
        // One click, the second candidate chosen, another threshold.
        p->addPoint(QPointF(s.width() * 0.3, s.height() * 0.4), true);
        QTRY_VERIFY(p->hasPrediction());
        QCOMPARE(p->candidateCount(), 3);
        p->selectCandidate(1);
        p->setThreshold(0.5);
        QVERIFY(doc.keepMask());
        idSingle = lastObjectId(doc);
        single = doc.annotations()->find(idSingle)->mask;
        // Three clicks, each decode fed the mask before it (the refinement loop).
        p->setThreshold(0.0);
        QVERIFY(
            decodeAfter(p, [&] { p->addPoint(QPointF(s.width() * 0.6, s.height() * 0.6), true); }));
        QVERIFY(
            decodeAfter(p, [&] { p->addPoint(QPointF(s.width() * 0.7, s.height() * 0.5), true); }));
        QVERIFY(p->keptPrompts()->maskInput);
        QVERIFY(decodeAfter(
            p, [&] { p->addPoint(QPointF(s.width() * 0.2, s.height() * 0.8), false); }));
        QCOMPARE(int(p->keptPrompts()->points.size()), 3);
        QVERIFY(doc.keepMask());
        idRefined = lastObjectId(doc);
        refined = doc.annotations()->find(idRefined)->mask;
        // A box, then a point inside it.
        QVERIFY(decodeAfter(p, [&] {
            p->setBox(QRectF(s.width() * 0.1, s.height() * 0.1, s.width() * 0.4, s.height() * 0.3));
        }));
        QVERIFY(decodeAfter(
            p, [&] { p->addPoint(QPointF(s.width() * 0.3, s.height() * 0.25), true); }));
        QVERIFY(p->keptPrompts()->maskInput);
        QVERIFY(doc.keepMask());
        idBoxed = lastObjectId(doc);
        boxed = doc.annotations()->find(idBoxed)->mask;
    }

    // A new session: the prompts are back with the objects.
    AnnotationDocument doc(createEngine);
    QVERIFY(loadTinySam(doc, dir.path()));
    WAIT_READY(doc);
    const AnnotationObject* o = doc.annotations()->find(idSingle);
    QVERIFY(o && o->prompts);
    QCOMPARE(int(o->prompts->points.size()), 1);
    QCOMPARE(o->prompts->candidate, 1);
    QCOMPARE(o->prompts->threshold, 0.5);
    QVERIFY(!o->prompts->maskInput);
    QCOMPARE(o->prompts->checkpoint, fingerprint);
    QVERIFY(o->mask == single);
    const AnnotationObject* r = doc.annotations()->find(idRefined);
    QVERIFY(r && r->prompts && r->prompts->maskInput);
    QCOMPARE(int(r->prompts->points.size()), 3);
    QVERIFY(!r->prompts->points[2].foreground);

    // Reselected: the prompts come back as the current prompts, with their candidate.
    doc.refineObject(idSingle);
    QCOMPARE(doc.prediction()->prompts().points.size(), 1);
    QCOMPARE(doc.prediction()->prompts().points[0].point, o->prompts->points[0]);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    QCOMPARE(doc.prediction()->selectedCandidate(), 1);
    QCOMPARE(doc.prediction()->threshold(), 0.5);
    QVERIFY(doc.prediction()->currentMask() == single);
    doc.prediction()->clearPrompts();

    // Re-run with the same checkpoint: every mask comes back the same, nothing to undo.
    QSignalSpy finished(&doc, &AnnotationDocument::rerunFinished);
    const int steps = doc.undoStack()->count();
    QCOMPARE(doc.rerunObjects({idSingle, idRefined, idBoxed}, false), 3);
    QVERIFY(doc.rerunning());
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.first().at(0).toInt(), 0);  // changed
    QCOMPARE(finished.first().at(1).toInt(), 0);  // failed
    QCOMPARE(doc.undoStack()->count(), steps);
    QVERIFY(doc.annotations()->find(idSingle)->mask == single);
    QVERIFY(doc.annotations()->find(idRefined)->mask == refined);
    QVERIFY(doc.annotations()->find(idBoxed)->mask == boxed);
}

void TestMaskEditing::rerunLeavesHandEditsUnlessAsked() {
    QTemporaryDir dir;
    QVERIFY(QFile::copy(kTiny + "image_a.png", dir.filePath("image_a.png")));
    AnnotationDocument doc(createEngine);
    QVERIFY(loadTinySam(doc, dir.path()));
    WAIT_READY(doc);
    const QSize s = doc.session()->image().size();
    doc.prediction()->addPoint(QPointF(s.width() * 0.5, s.height() * 0.5), true);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    QVERIFY(doc.keepMask());
    const int id = lastObjectId(doc);
    const BinaryMask kept = doc.annotations()->find(id)->mask;
    const std::vector<StrokePoint> stroke{{2, 2}, {s.width() - 3.0, s.height() - 3.0}};
    QCOMPARE(doc.paintStroke(id, stroke, 3.0, false), id);
    QVERIFY(doc.annotations()->find(id)->handEdited);
    QCOMPARE(doc.handEditedObjects({id}), QList<int>{id});

    QCOMPARE(doc.rerunObjects({id}, false), 0);  // hand-edited: left alone
    QSignalSpy finished(&doc, &AnnotationDocument::rerunFinished);
    QCOMPARE(doc.rerunObjects({id}, true), 1);
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.first().at(0).toInt(), 1);
    QVERIFY(doc.annotations()->find(id)->mask == kept);  // the prompts' mask again
    QVERIFY(!doc.annotations()->find(id)->handEdited);
    doc.undoStack()->undo();  // one step
    QVERIFY(doc.annotations()->find(id)->handEdited);
    QVERIFY(!(doc.annotations()->find(id)->mask == kept));
}

void TestMaskEditing::newerFileIsRefusedAndKept() {
    const QString file = m_dir->filePath(QStringLiteral(".samdesk/annotations/img0.png.json"));
    QVERIFY(QDir().mkpath(QFileInfo(file).path()));
    const QByteArray newer =
        R"({"format": "samdesk-annotations", "version": 99, "image": "img0.png", "width": 240,
 "height": 180, "objects": [], "something": "from the future"})";
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(newer);
    }
    AnnotationDocument doc(grabCutFactory());
    QSignalSpy errors(&doc, &AnnotationDocument::error);
    QVERIFY(doc.openFolder(m_dir->path()));
    QVERIFY(!errors.isEmpty());
    QVERIFY2(errors.first().at(0).toString().contains(QStringLiteral("newer")),
             qPrintable(errors.first().at(0).toString()));
    // An edit is kept in the window but never written over the file.
    errors.clear();
    QVERIFY(doc.paintStroke(0, {{50, 50}}, 5.0, false) > 0);
    doc.flush();
    QVERIFY(!errors.isEmpty());
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), newer);
    QCOMPARE(QDir(QFileInfo(file).path()).entryList(QDir::Files).size(), 1);
}

void TestMaskEditing::oldFileLoads() {
    // A file as samdesk wrote it before prompts were kept (version 1): a 4 x 2 pixel object.
    BinaryMask mask(kImageW, kImageH);
    testmasks::fillRect(mask, 10, 20, 4, 2);
    const QString file = m_dir->filePath(QStringLiteral(".samdesk/annotations/img0.png.json"));
    QVERIFY(QDir().mkpath(QFileInfo(file).path()));
    const std::string v1 =
        R"({"format": "samdesk-annotations", "version": 1, "image": "img0.png", "width": 240,
 "height": 180, "objects": [{"id": 3, "label": "cat", "visible": true, "color": null,
 "source": "sam", "score": 0.9, "mask": {"size": [180, 240], "counts": ")" +
        mask.toRleString() + R"("}}]})";
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(v1.c_str());
    }
    AnnotationDocument doc(grabCutFactory());
    QSignalSpy errors(&doc, &AnnotationDocument::error);
    QVERIFY(doc.openFolder(m_dir->path()));
    QVERIFY(errors.isEmpty());
    const AnnotationObject* o = doc.annotations()->find(3);
    QVERIFY(o);
    QVERIFY(o->mask == mask);
    QVERIFY(!o->prompts);
    QVERIFY(!o->handEdited);
    // Reselected, its mask is the current mask (no prompts to bring back).
    doc.refineObject(3);
    QVERIFY(doc.prediction()->prompts().isEmpty());
    QVERIFY(doc.prediction()->currentMask() == mask);
}

QTEST_MAIN(TestMaskEditing)
#include "tst_maskediting.moc"
