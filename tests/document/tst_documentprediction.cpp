// The document's prediction on its own, over a session with GrabCut and an annotations part:
// prompts as undo steps and what they decode to, the box clipped to the image, the threshold,
// a prompt removed, the hover preview, the mask of an object being refined, and a new image.
#include <QSignalSpy>
#include <QtTest>

#include "core/document/documentannotations.h"
#include "core/document/documentprediction.h"
#include "core/document/documentsession.h"
#include "testimages.h"

using namespace samdesk;
using namespace samdesk::test;

class TestDocumentPrediction : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void pointDecodesAndUndoes();
    void boxIsClippedAndRemovable();
    void thresholdChangesTheMask();
    void hoverPreviewComesAndGoes();
    void refiningShowsTheObject();
    void newImageClearsAll();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<DocumentSession> m_session;
    std::unique_ptr<DocumentAnnotations> m_annotations;
    std::unique_ptr<DocumentPrediction> m_prediction;
};

void TestDocumentPrediction::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    writeDiscImages(m_dir->path(), 2);
    m_session = std::make_unique<DocumentSession>(grabCutFactory());
    m_annotations = std::make_unique<DocumentAnnotations>(m_session.get());
    m_prediction = std::make_unique<DocumentPrediction>(m_session.get(), m_annotations.get(),
                                                        m_annotations->undoStack());
    auto folder = ImageFolder::open(m_dir->path());
    QVERIFY(folder);
    m_session->setImages(std::move(folder.value()));
    QVERIFY(m_session->showImage(0));
    m_annotations->loadForCurrentImage();
    m_session->requestEncode();
    QTRY_COMPARE(m_session->encodeState(), DocumentSession::EncodeState::Ready);
}

void TestDocumentPrediction::cleanup() {
    m_prediction.reset();
    m_annotations.reset();
    m_session.reset();
}

void TestDocumentPrediction::pointDecodesAndUndoes() {
    DocumentPrediction& p = *m_prediction;
    QSignalSpy prompts(&p, &DocumentPrediction::promptsChanged);
    const int id = p.addPoint(discCentre(0), true);
    QVERIFY(id >= 1);
    QCOMPARE(prompts.size(), 1);
    QCOMPARE(p.prompts().points.size(), 1);
    QCOMPARE(p.prompts().points[0].position(), discCentre(0));
    QVERIFY(p.prompts().points[0].point.foreground);
    QTRY_VERIFY(p.hasPrediction());
    QVERIFY(!p.predictionIsHover());
    QCOMPARE(p.candidateCount(), 1);
    const auto [covered, outside] = discCoverage(p.currentMask(), 0);
    QVERIFY2(covered > 0.95, qPrintable(QString::number(covered)));
    QVERIFY2(outside < 60, qPrintable(QString::number(outside)));
    QVERIFY(p.lastRoundTripMs() >= p.lastDecodeMs());
    QCOMPARE(m_annotations->undoStack()->count(), 1);

    m_annotations->undoStack()->undo();
    QVERIFY(p.prompts().isEmpty());
    QVERIFY(!p.hasPrediction());
    QVERIFY(p.currentMask().isNull());
    m_annotations->undoStack()->redo();
    QCOMPARE(p.prompts().points[0].id, id);
    QTRY_VERIFY(p.hasPrediction());

    // A drag is one undo step however many moves it makes.
    p.movePoint(id, discCentre(0) + QPointF(2, 0));
    p.movePoint(id, discCentre(0) + QPointF(4, 0));
    QCOMPARE(m_annotations->undoStack()->count(), 2);
    QCOMPARE(p.prompts().points[0].position(), discCentre(0) + QPointF(4, 0));
    m_annotations->undoStack()->undo();
    QCOMPARE(p.prompts().points[0].position(), discCentre(0));
}

void TestDocumentPrediction::boxIsClippedAndRemovable() {
    DocumentPrediction& p = *m_prediction;
    p.setBox(QRectF(-20, -10, 100, 60));
    QVERIFY(p.prompts().box);
    QCOMPARE(*p.prompts().boxRect(), QRectF(0, 0, 80, 50));
    p.setBox(QRectF(-5, -5, 4, 4));  // nothing left inside the image: ignored
    QCOMPARE(*p.prompts().boxRect(), QRectF(0, 0, 80, 50));
    QTRY_VERIFY(p.hasPrediction());
    p.removePrompt(PromptState::kBoxId);
    QVERIFY(!p.prompts().box);
    QVERIFY(!p.hasPrediction());
    QCOMPARE(m_annotations->undoStack()->undoText(), QStringLiteral("Remove box"));
}

void TestDocumentPrediction::thresholdChangesTheMask() {
    DocumentPrediction& p = *m_prediction;
    p.addPoint(discCentre(0), true);
    QTRY_VERIFY(p.hasPrediction());
    const auto area = p.currentMask().area();
    QSignalSpy threshold(&p, &DocumentPrediction::thresholdChanged);
    p.setThreshold(1e9);  // clamped to the largest the logits can hold
    QCOMPARE(threshold.size(), 1);
    QCOMPARE(p.threshold(), double(LogitMap::kMaxThreshold));
    QVERIFY(p.currentMask().area() < area);
    p.setThreshold(0.0);
    QCOMPARE(p.currentMask().area(), area);
    QCOMPARE(threshold.size(), 2);
}

void TestDocumentPrediction::hoverPreviewComesAndGoes() {
    DocumentPrediction& p = *m_prediction;
    p.hover(discCentre(0));  // off: nothing happens
    QTest::qWait(150);
    QVERIFY(!p.hasPrediction());
    p.setHoverPreview(true);
    p.hover(discCentre(0));
    QTRY_VERIFY(p.hasPrediction());
    QVERIFY(p.predictionIsHover());
    QCOMPARE(m_annotations->undoStack()->count(), 0);  // hovering is no edit
    p.endHover();
    QVERIFY(!p.hasPrediction());
}

void TestDocumentPrediction::refiningShowsTheObject() {
    AnnotationObject o;
    o.id = 7;
    o.label = "object";
    std::vector<std::uint8_t> bytes(std::size_t(kImageW) * kImageH, 0);
    bytes[5 * kImageW + 5] = 1;
    o.mask = BinaryMask::fromBytes(kImageW, kImageH, bytes).value();
    m_annotations->applyObjects({{7, -1, o, {}}});
    DocumentPrediction& p = *m_prediction;
    PromptState refine;
    refine.refiningObject = 7;
    p.pushPrompts(QStringLiteral("Refine #7"), refine);
    QCOMPARE(p.refiningObject(), 7);
    QVERIFY(!p.hasPrediction());
    QCOMPARE(int(p.currentMask().area()), 1);
    // The object changes under it (another edit, an undo): the shown mask follows.
    bytes[6 * kImageW + 6] = 1;
    o.mask = BinaryMask::fromBytes(kImageW, kImageH, bytes).value();
    m_annotations->applyObjects({{7, -1, o, {}}});
    QCOMPARE(int(p.currentMask().area()), 2);
    m_annotations->undoStack()->undo();
    QCOMPARE(p.refiningObject(), 0);
    QVERIFY(p.currentMask().isNull());
}

void TestDocumentPrediction::newImageClearsAll() {
    DocumentPrediction& p = *m_prediction;
    p.addPoint(discCentre(0), true);
    QTRY_VERIFY(p.hasPrediction());
    QSignalSpy prompts(&p, &DocumentPrediction::promptsChanged);
    QVERIFY(m_session->showImage(1));
    p.resetForImage();
    QVERIFY(p.prompts().isEmpty());
    QVERIFY(!p.hasPrediction());
    QCOMPARE(prompts.size(), 0);  // silent until announced
    p.announce();
    QCOMPARE(prompts.size(), 1);
    // A result for the old image that arrives late is not shown on the new one.
    m_session->requestEncode();
    QTRY_COMPARE(m_session->encodeState(), DocumentSession::EncodeState::Ready);
    QTest::qWait(50);
    QVERIFY(!p.hasPrediction());
}

QTEST_GUILESS_MAIN(TestDocumentPrediction)
#include "tst_documentprediction.moc"
