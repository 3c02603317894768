// The inference thread: decode requests that arrive while the model is busy coalesce into one
// decode of the newest prompts; Cancel stops an encode between blocks (and the document can
// encode again); a failing engine load keeps the previous engine; encode progress is per block.
#include <QSignalSpy>
#include <QtTest>

#include "core/document/annotationdocument.h"
#include "core/document/inferencethread.h"
#include "gatedengine.h"
#include "testimages.h"

using namespace samdesk;
using namespace samdesk::test;

namespace {

DecodeRequest pointRequest(quint64 id, const QString& key, float x) {
    DecodeRequest r;
    r.id = id;
    r.imageKey = key;
    r.prompts.points = {{x, 90.f, true}};
    return r;
}

// Collects a worker's signals on the test's thread (queued connections), so that the test reads
// them without racing the worker thread that emits them.
struct WorkerLog : QObject {
    QStringList ready, encoded, cancelled;
    QList<QPoint> progress;  // (done, total)
    QList<quint64> decoded, notEncoded;

    explicit WorkerLog(InferenceWorker* w) {
        connect(w, &InferenceWorker::engineReady, this,
                [this](const EngineStatus& s) { ready.append(s.name); });
        connect(w, &InferenceWorker::encoded, this,
                [this](const QString& key, double, bool) { encoded.append(key); });
        connect(w, &InferenceWorker::encodeProgress, this,
                [this](const QString&, int done, int total) {
                    progress.append({done, total});
                });
        connect(w, &InferenceWorker::encodeFailed, this,
                [this](const QString& key, const QString&, bool wasCancelled) {
                    if (wasCancelled)
                        cancelled.append(key);
                });
        connect(w, &InferenceWorker::decoded, this,
                [this](const DecodeResultPtr& r) { decoded.append(r->requestId); });
        connect(w, &InferenceWorker::decodeFailed, this,
                [this](quint64 id, const QString&, const QString&, bool missing) {
                    if (missing)
                        notEncoded.append(id);
                });
    }
};

// A worker on a thread of its own over the gated engine, its signals logged. The engine is
// loaded with w->requestEngine({}); log.ready says when.
struct GatedWorker {
    Gates gates;
    InferenceThread thread{gatedFactory(&gates)};  // stopped before the gates go
    InferenceWorker* w = thread.worker();
    WorkerLog log{w};
};

}  // namespace

class TestInferenceWorker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void decodesCoalesce();
    void cancelStopsEncode();
    void documentCancelAndResume();
    void badEngineKeepsPrevious();
    void switchingImageCancelsItsEncode();
    void nextImageEncodedAhead();
    void backgroundEncodeYieldsToOtherWork();
    void oneRegionPerImage();
};

void TestInferenceWorker::decodesCoalesce() {
    GatedWorker g;
    g.gates.gateEncode = false;
    g.w->requestEngine({});
    QTRY_COMPARE_WITH_TIMEOUT(g.log.ready.size(), 1, 10000);
    g.w->requestEncode({QStringLiteral("img"), discImage(0), QString(), {}});
    QTRY_COMPARE_WITH_TIMEOUT(g.log.encoded.size(), 1, 10000);

    // The first decode starts and blocks; four more requests arrive meanwhile.
    g.w->requestDecode(pointRequest(1, QStringLiteral("img"), 60.f));
    QTRY_COMPARE(g.gates.predictsStarted.load(), 1);
    for (quint64 id = 2; id <= 5; ++id)
        g.w->requestDecode(pointRequest(id, QStringLiteral("img"), 60.f + float(id)));
    g.gates.predict.release(10);
    QTRY_COMPARE(g.log.decoded.size(), 2);
    QCOMPARE(g.log.decoded[0], quint64(1));
    QCOMPARE(g.log.decoded[1], quint64(5));
    QCOMPARE(g.w->decodesRun(), 2);
    QCOMPARE(g.gates.predictsStarted.load(), 2);
}

void TestInferenceWorker::cancelStopsEncode() {
    GatedWorker g;
    g.w->requestEngine({});
    QTRY_COMPARE_WITH_TIMEOUT(g.log.ready.size(), 1, 10000);
    g.w->requestEncode({QStringLiteral("img"), discImage(0), QString(), {}});
    g.gates.encodeBlock.release(2);
    QTRY_COMPARE(g.log.progress.size(), 2);
    QCOMPARE(g.log.progress[1], QPoint(2, Gates::kBlocks));
    g.w->cancelEncode();
    g.gates.encodeBlock.release(1);  // the encoder reaches its next block check
    QTRY_COMPARE(g.log.cancelled.size(), 1);
    QCOMPARE(g.log.cancelled[0], QStringLiteral("img"));
    QCOMPARE(g.gates.blocksDone.load(), 2);
    QCOMPARE(g.log.encoded.size(), 0);

    // A decode for the cancelled image says it is not encoded.
    g.w->requestDecode(pointRequest(1, QStringLiteral("img"), 60.f));
    QTRY_COMPARE_WITH_TIMEOUT(g.log.notEncoded.size(), 1, 10000);
    QCOMPARE(g.log.notEncoded[0], quint64(1));
}

void TestInferenceWorker::documentCancelAndResume() {
    QTemporaryDir dir;
    writeDiscImages(dir.path(), 2);
    Gates gates;
    AnnotationDocument doc(gatedFactory(&gates));
    QSignalSpy progress(doc.session(), &DocumentSession::encodeProgress);
    QVERIFY(doc.openFolder(dir.path()));
    QCOMPARE(doc.session()->encodeState(), DocumentSession::EncodeState::Encoding);
    gates.encodeBlock.release(3);
    QTRY_VERIFY(!progress.isEmpty() && progress.last()[0].toInt() == 3);
    QCOMPARE(progress.last()[1].toInt(), Gates::kBlocks);
    doc.session()->cancelEncode();
    gates.encodeBlock.release(1);
    QTRY_COMPARE(doc.session()->encodeState(), DocumentSession::EncodeState::Cancelled);
    QCOMPARE(gates.blocksDone.load(), 3);

    // The window stays usable: a click is recorded at once and restarts the encode.
    gates.gateEncode = false;
    gates.gatePredict = false;
    gates.encodeBlock.release(Gates::kBlocks);
    doc.prediction()->addPoint(discCentre(0), true);
    QCOMPARE(doc.prediction()->prompts().points.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(doc.session()->encodeState(), DocumentSession::EncodeState::Ready,
                              20000);
    QTRY_VERIFY_WITH_TIMEOUT(doc.prediction()->hasPrediction(), 20000);
    QVERIFY(doc.prediction()->currentMask().at(int(discCentre(0).x()), int(discCentre(0).y())));
}

void TestInferenceWorker::badEngineKeepsPrevious() {
    QTemporaryDir dir;
    writeDiscImages(dir.path(), 1);
    Gates gates;
    gates.gateEncode = false;
    gates.gatePredict = false;
    AnnotationDocument doc(gatedFactory(&gates));
    QVERIFY(doc.openFolder(dir.path()));
    QTRY_COMPARE(doc.session()->encodeState(), DocumentSession::EncodeState::Ready);
    QSignalSpy failed(doc.session(), &DocumentSession::engineFailed);
    doc.session()->loadCheckpoint(QStringLiteral("/nowhere/broken.pth"));
    QVERIFY(doc.session()->engineLoading());
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed[0][0].toString(), QStringLiteral("/nowhere/broken.pth"));
    QVERIFY(failed[0][1].toString().contains(QStringLiteral("broken.pth")));
    QVERIFY(!doc.session()->engineLoading());
    QCOMPARE(doc.session()->engine().name, QStringLiteral("Gated GrabCut"));
    QTRY_COMPARE(doc.session()->encodeState(), DocumentSession::EncodeState::Ready);
    doc.prediction()->addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
}

void TestInferenceWorker::switchingImageCancelsItsEncode() {
    QTemporaryDir dir;
    writeDiscImages(dir.path(), 3);
    Gates gates;
    AnnotationDocument doc(gatedFactory(&gates));
    QSignalSpy progress(doc.session(), &DocumentSession::encodeProgress);
    QVERIFY(doc.openFolder(dir.path()));
    gates.encodeBlock.release(1);
    QTRY_VERIFY(gates.blocksDone.load() == 1);
    // The user moves on twice while image 0 encodes: image 0's encode stops, image 1's never
    // starts, image 2 is encoded.
    QVERIFY(doc.next());
    QVERIFY(doc.next());
    QCOMPARE(doc.session()->currentIndex(), 2);
    gates.gateEncode = false;
    gates.encodeBlock.release(100);
    QTRY_COMPARE(doc.session()->encodeState(), DocumentSession::EncodeState::Ready);
    // One block of image 0, none of image 1, all of image 2 (the last: nothing to encode ahead).
    QCOMPARE(gates.blocksDone.load(), 1 + Gates::kBlocks);
}

void TestInferenceWorker::nextImageEncodedAhead() {
    QTemporaryDir dir;
    writeDiscImages(dir.path(), 3);
    Gates gates;
    gates.gateEncode = false;
    gates.gatePredict = false;
    AnnotationDocument doc(gatedFactory(&gates));
    QVERIFY(doc.openFolder(dir.path()));
    QTRY_COMPARE(doc.session()->encodeState(), DocumentSession::EncodeState::Ready);
    // While the user looks at image 0, image 1 is encoded without being asked.
    QTRY_COMPARE(gates.blocksDone.load(), 2 * Gates::kBlocks);
    QVERIFY(doc.next());
    // Already encoded: ready at once (the worker answers from memory), no encoder block runs.
    QTRY_COMPARE(doc.session()->encodeState(), DocumentSession::EncodeState::Ready);
    doc.prediction()->addPoint(discCentre(1), true);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    // Image 2 is then encoded ahead in turn; image 0 is still in memory when going back.
    QTRY_COMPARE(gates.blocksDone.load(), 3 * Gates::kBlocks);
    QVERIFY(doc.previous());
    QTRY_COMPARE(doc.session()->encodeState(), DocumentSession::EncodeState::Ready);
    QCOMPARE(gates.blocksDone.load(), 3 * Gates::kBlocks);
}

// A background encode (the view's region) runs when the thread is idle and reports like the
// user's own; a click stops it while it runs (between encoder blocks) and drops it while it
// waits, each time with one cancelled report, and the click is decoded.
void TestInferenceWorker::backgroundEncodeYieldsToOtherWork() {
    GatedWorker g;
    g.gates.gateEncode = false;
    g.gates.gatePredict = false;
    g.w->requestEngine({});
    QTRY_COMPARE_WITH_TIMEOUT(g.log.ready.size(), 1, 10000);
    g.w->requestEncode({QStringLiteral("img"), discImage(0), QString(), {}});
    QTRY_COMPARE_WITH_TIMEOUT(g.log.encoded.size(), 1, 10000);
    const int blocksBefore = g.gates.blocksDone.load();

    // Running: stopped by a click.
    g.gates.gateEncode = true;
    g.w->requestBackgroundEncode({QStringLiteral("bg"), discImage(1), QString(), {}});
    g.gates.encodeBlock.release(2);
    QTRY_COMPARE(g.gates.blocksDone.load(), blocksBefore + 2);
    g.w->requestDecode(pointRequest(1, QStringLiteral("img"), 60.f));
    g.gates.encodeBlock.release(1);  // the encoder reaches its next block check
    QTRY_COMPARE(g.log.cancelled, QStringList{QStringLiteral("bg")});
    QTRY_COMPARE(g.log.decoded, QList<quint64>{1});
    QCOMPARE(g.gates.blocksDone.load(), blocksBefore + 2);

    // Waiting behind a decode: dropped by the next click, never run.
    g.gates.gatePredict = true;
    g.w->requestDecode(pointRequest(2, QStringLiteral("img"), 62.f));
    QTRY_COMPARE(g.gates.predictsStarted.load(), 2);
    g.w->requestBackgroundEncode({QStringLiteral("bg"), discImage(1), QString(), {}});
    g.w->requestDecode(pointRequest(3, QStringLiteral("img"), 64.f));
    QTRY_COMPARE(g.log.cancelled.size(), 2);
    g.gates.predict.release(2);
    QTRY_COMPARE(g.log.decoded, (QList<quint64>{1, 2, 3}));
    g.gates.encodeBlock.release(Gates::kBlocks);
    QTest::qWait(50);
    QCOMPARE(g.gates.blocksDone.load(), blocksBefore + 2);
    QCOMPARE(g.log.encoded.size(), 1);

    // A newer background encode (the view moved on) stops the one running, then runs itself.
    g.gates.encodeBlock.acquire(Gates::kBlocks);  // take back the permits left above
    g.w->requestBackgroundEncode({QStringLiteral("old"), discImage(1), QString(), {}});
    g.gates.encodeBlock.release(1);
    QTRY_COMPARE(g.gates.blocksDone.load(), blocksBefore + 3);
    g.gates.gateEncode = false;
    g.w->requestBackgroundEncode({QStringLiteral("new"), discImage(2), QString(), {}});
    g.gates.encodeBlock.release(1);  // "old" reaches its next block check
    QTRY_COMPARE(g.log.cancelled.size(), 3);
    QCOMPARE(g.log.cancelled.last(), QStringLiteral("old"));
    QTRY_COMPARE(g.log.encoded, (QStringList{QStringLiteral("img"), QStringLiteral("new")}));

    // Left alone it finishes, reported as encoded, without the progress of a user's encode.
    const int progressBefore = int(g.log.progress.size());
    g.w->requestBackgroundEncode({QStringLiteral("bg"), discImage(1), QString(), {}});
    QTRY_COMPARE(g.log.encoded,
                 (QStringList{QStringLiteral("img"), QStringLiteral("new"), QStringLiteral("bg")}));
    QCOMPARE(int(g.log.progress.size()), progressBefore);
    QCOMPARE(g.log.cancelled.size(), 3);
}

// A new region of an image replaces its last one in memory, so regions encoded one after another
// (the view resting here and there) never push the whole image's encoding out.
void TestInferenceWorker::oneRegionPerImage() {
    GatedWorker g;
    g.gates.gateEncode = false;
    g.gates.gatePredict = false;
    g.w->requestEngine({});
    QTRY_COMPARE_WITH_TIMEOUT(g.log.ready.size(), 1, 10000);
    const QString img = QStringLiteral("img");
    const QString first = regionSessionKey(img, {0, 0, 100, 80});
    const QString second = regionSessionKey(img, {40, 30, 100, 80});
    QCOMPARE(imageKeyOf(first), img);
    QCOMPARE(imageKeyOf(img), img);
    int n = 0;
    for (const QString& key : {img, first, second, QStringLiteral("other")}) {
        g.w->requestEncode({key, discImage(0), QString(), {}});
        ++n;
        QTRY_COMPARE_WITH_TIMEOUT(int(g.log.encoded.size()), n, 10000);
    }
    QVERIFY(InferenceWorker::kSessionsKept <= 3);  // without the rule, img would be gone
    g.w->requestDecode(pointRequest(1, img, 60.f));
    QTRY_COMPARE(g.log.decoded, QList<quint64>{1});
    g.w->requestDecode(pointRequest(2, second, 60.f));
    QTRY_COMPARE(g.log.decoded, (QList<quint64>{1, 2}));
    g.w->requestDecode(pointRequest(3, first, 60.f));
    QTRY_COMPARE(g.log.notEncoded, QList<quint64>{3});
}

QTEST_GUILESS_MAIN(TestInferenceWorker)
#include "tst_inferenceworker.moc"
