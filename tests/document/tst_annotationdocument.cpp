// The annotation document with the GrabCut engine: a click or a box yields a mask of the object,
// undo/redo of prompts and objects, keeping and labelling objects, autosave per image restored on
// return and after a restart, the threshold, and candidates chosen by the user.
#include <QSignalSpy>
#include <QtTest>

#include "core/document/annotationdocument.h"
#include "core/engine/grabcutengine.h"
#include "testimages.h"

using namespace samdesk;
using namespace samdesk::test;

namespace {

EngineFactory grabCutFactory() {
    return [](const EngineChoice& choice) -> Expected<LoadedEngine> {
        if (!choice.checkpoint.empty())
            return Error::io("this test has no SAM engine: " + choice.checkpoint);
        LoadedEngine e;
        e.engine = std::make_unique<GrabCutEngine>();
        return e;
    };
}

}  // namespace

#define WAIT_READY(doc) \
    QTRY_COMPARE_WITH_TIMEOUT((doc).encodeState(), AnnotationDocument::EncodeState::Ready, 20000)

class TestAnnotationDocument : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void clickYieldsMask();
    void boxYieldsMask();
    void backgroundPointRemovesArea();
    void undoRedoPrompts();
    void keepAndLabelObject();
    void undoKeepRestoresPrompts();
    void switchImagesAndComeBack();
    void restoredAfterRestart();
    void thresholdChangesKeptMask();
    void refineObjectReplacesMask();
    void renameLabelRelabelsObjects();
    void unreadableImageKeepsCurrent();
    void hoverPreview();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestAnnotationDocument::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    writeDiscImages(m_dir->path(), 3);
}

void TestAnnotationDocument::clickYieldsMask() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    QCOMPARE(doc.images().count(), 3);
    QCOMPARE(doc.currentIndex(), 0);
    WAIT_READY(doc);
    QCOMPARE(doc.engine().name, QStringLiteral("GrabCut"));
    QVERIFY(!doc.isSam());

    doc.addPoint(discCentre(0), true);
    QCOMPARE(doc.prompts().points.size(), 1);
    QTRY_VERIFY(doc.hasPrediction());
    QCOMPARE(doc.candidateCount(), 1);
    QVERIFY(std::isnan(doc.candidateScore(0)));
    const BinaryMask& mask = doc.currentMask();
    QCOMPARE(mask.width(), kImageW);
    QCOMPARE(mask.height(), kImageH);
    const auto [covered, outside] = discCoverage(mask, 0);
    QVERIFY2(covered > 0.95, qPrintable(QString::number(covered)));
    QVERIFY2(outside < 60, qPrintable(QString::number(outside)));
}

void TestAnnotationDocument::boxYieldsMask() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    const QPointF c = discCentre(0);
    doc.setBox(QRectF(c - QPointF(44, 44), c + QPointF(44, 44)));
    QVERIFY(doc.prompts().box.has_value());
    QTRY_VERIFY(doc.hasPrediction());
    const auto [covered, outside] = discCoverage(doc.currentMask(), 0);
    QVERIFY2(covered > 0.95, qPrintable(QString::number(covered)));
    QVERIFY2(outside < 60, qPrintable(QString::number(outside)));
}

void TestAnnotationDocument::backgroundPointRemovesArea() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    const QPointF c = discCentre(0);
    doc.setBox(QRectF(c - QPointF(44, 44), c + QPointF(44, 44)));
    QTRY_VERIFY(doc.hasPrediction());
    QVERIFY(doc.currentMask().at(int(c.x()), int(c.y())));
    // A background point in the middle of the disc carves that part out.
    QSignalSpy changed(&doc, &AnnotationDocument::predictionChanged);
    doc.addPoint(c, false);
    QTRY_VERIFY(!changed.isEmpty());
    QTRY_VERIFY(!doc.currentMask().at(int(c.x()), int(c.y())));
}

void TestAnnotationDocument::undoRedoPrompts() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    doc.addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.hasPrediction());
    const std::size_t area = doc.currentMask().area();
    QVERIFY(area > 0);

    doc.undoStack()->undo();
    QVERIFY(doc.prompts().isEmpty());
    QVERIFY(!doc.hasPrediction());
    QVERIFY(doc.currentMask().isNull());

    doc.undoStack()->redo();
    QCOMPARE(doc.prompts().points.size(), 1);
    QTRY_VERIFY(doc.hasPrediction());
    QCOMPARE(doc.currentMask().area(), area);

    doc.clearPrompts();
    QVERIFY(doc.prompts().isEmpty());
    QVERIFY(!doc.hasPrediction());
    doc.undoStack()->undo();
    QCOMPARE(doc.prompts().points.size(), 1);
    QTRY_VERIFY(doc.hasPrediction());
}

void TestAnnotationDocument::keepAndLabelObject() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    QVERIFY(!doc.keepMask());  // nothing to keep yet
    doc.addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.hasPrediction());
    const BinaryMask mask = doc.currentMask();
    QVERIFY(doc.keepMask());
    QCOMPARE(int(doc.annotations().objects.size()), 1);
    const AnnotationObject o = doc.annotations().objects[0];
    QCOMPARE(o.id, 1);
    QCOMPARE(o.label, std::string("object"));
    QCOMPARE(o.source, std::string(source::kGrabCut));
    QVERIFY(o.mask == mask);
    QVERIFY(doc.prompts().isEmpty());
    QVERIFY(doc.currentMask().isNull());

    doc.setObjectLabel(o.id, QStringLiteral("ball"));
    QCOMPARE(doc.annotations().objects[0].label, std::string("ball"));
    QVERIFY(doc.labels().find("ball"));
    doc.setObjectVisible(o.id, false);
    QVERIFY(!doc.annotations().objects[0].visible);
    doc.setObjectColor(o.id, QColor(10, 20, 30));
    QCOMPARE(doc.objectColor(doc.annotations().objects[0]), QColor(10, 20, 30));

    doc.undoStack()->undo();  // colour
    QVERIFY(!doc.annotations().objects[0].color);
    doc.undoStack()->undo();  // visibility
    QVERIFY(doc.annotations().objects[0].visible);
    doc.undoStack()->undo();  // label (and the label it added)
    QCOMPARE(doc.annotations().objects[0].label, std::string("object"));
    QVERIFY(!doc.labels().find("ball"));
    doc.undoStack()->redo();
    QCOMPARE(doc.annotations().objects[0].label, std::string("ball"));

    doc.removeObject(o.id);
    QVERIFY(doc.annotations().objects.empty());
    doc.undoStack()->undo();
    QCOMPARE(int(doc.annotations().objects.size()), 1);
    QVERIFY(doc.annotations().objects[0].mask == mask);
}

void TestAnnotationDocument::undoKeepRestoresPrompts() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    doc.addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.hasPrediction());
    QVERIFY(doc.keepMask());
    QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Keep object #1"));
    doc.undoStack()->undo();
    QVERIFY(doc.annotations().objects.empty());
    QCOMPARE(doc.prompts().points.size(), 1);
    QTRY_VERIFY(doc.hasPrediction());
}

void TestAnnotationDocument::switchImagesAndComeBack() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    QVERIFY(!doc.images().isAnnotated(0));
    QSignalSpy annotated(&doc, &AnnotationDocument::annotatedChanged);
    doc.addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.hasPrediction());
    QVERIFY(doc.keepMask());
    const BinaryMask kept = doc.annotations().objects[0].mask;

    QVERIFY(doc.next());
    QCOMPARE(doc.currentIndex(), 1);
    QVERIFY(doc.annotations().objects.empty());
    QVERIFY(doc.prompts().isEmpty());
    QCOMPARE(doc.undoStack()->count(), 0);
    QVERIFY(QFile::exists(m_dir->filePath(QStringLiteral(".samdesk/annotations/img0.png.json"))));
    QCOMPARE(annotated.size(), 1);
    QCOMPARE(annotated[0][0].toInt(), 0);
    QVERIFY(doc.images().isAnnotated(0));
    QVERIFY(!doc.images().isAnnotated(1));
    WAIT_READY(doc);

    doc.addPoint(discCentre(1), true);
    QTRY_VERIFY(doc.hasPrediction());
    QVERIFY(doc.keepMask());
    QVERIFY(doc.previous());
    QCOMPARE(int(doc.annotations().objects.size()), 1);
    QVERIFY(doc.annotations().objects[0].mask == kept);
    QVERIFY(doc.setCurrentIndex(1));
    QCOMPARE(int(doc.annotations().objects.size()), 1);
    const auto [covered, outside] = discCoverage(doc.annotations().objects[0].mask, 1);
    QVERIFY(covered > 0.95);
    QVERIFY(!doc.setCurrentIndex(7));
    QCOMPARE(doc.currentIndex(), 1);
}

void TestAnnotationDocument::restoredAfterRestart() {
    BinaryMask kept;
    {
        AnnotationDocument doc(grabCutFactory());
        QVERIFY(doc.openFolder(m_dir->path()));
        WAIT_READY(doc);
        doc.addPoint(discCentre(0), true);
        QTRY_VERIFY(doc.hasPrediction());
        doc.setCurrentLabel(QStringLiteral("disc"));
        QVERIFY(doc.keepMask());
        kept = doc.annotations().objects[0].mask;
        // No image switch: the destructor writes the pending autosave.
    }
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    QVERIFY(doc.images().isAnnotated(0));
    QCOMPARE(int(doc.annotations().objects.size()), 1);
    QCOMPARE(doc.annotations().objects[0].label, std::string("disc"));
    QVERIFY(doc.annotations().objects[0].mask == kept);
    QVERIFY(doc.labels().find("disc"));
}

void TestAnnotationDocument::thresholdChangesKeptMask() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    doc.addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.hasPrediction());
    const std::size_t base = doc.currentMask().area();
    doc.setThreshold(3.0);
    QCOMPARE(doc.threshold(), 3.0);
    const std::size_t shrunk = doc.currentMask().area();
    QVERIFY(shrunk < base);
    doc.setThreshold(-3.0);
    QVERIFY(doc.currentMask().area() > base);
    doc.setThreshold(3.0);
    QVERIFY(doc.keepMask());
    QCOMPARE(doc.annotations().objects[0].mask.area(), shrunk);
    doc.setThreshold(100.0);
    QCOMPARE(doc.threshold(), 8.0);
}

void TestAnnotationDocument::refineObjectReplacesMask() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    const QPointF c = discCentre(0);
    doc.setBox(QRectF(c - QPointF(44, 44), c + QPointF(44, 44)));
    QTRY_VERIFY(doc.hasPrediction());
    QVERIFY(doc.keepMask());
    const BinaryMask first = doc.annotations().objects[0].mask;

    doc.refineObject(1);
    QCOMPARE(doc.refiningObject(), 1);
    QVERIFY(doc.prompts().box.has_value());  // the prompts it was kept with come back
    QTRY_VERIFY(doc.hasPrediction());
    doc.addPoint(c, false);
    QTRY_VERIFY(!doc.currentMask().at(int(c.x()), int(c.y())));
    QVERIFY(doc.keepMask());
    QCOMPARE(int(doc.annotations().objects.size()), 1);  // replaced, not added
    QVERIFY(!doc.annotations().objects[0].mask.at(int(c.x()), int(c.y())));
    QCOMPARE(doc.refiningObject(), 0);
    doc.undoStack()->undo();
    QVERIFY(doc.annotations().objects[0].mask == first);
    QCOMPARE(doc.refiningObject(), 1);
}

void TestAnnotationDocument::renameLabelRelabelsObjects() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    doc.addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.hasPrediction());
    QVERIFY(doc.keepMask());
    QVERIFY(doc.renameLabel(QStringLiteral("object"), QStringLiteral("disc")));
    QCOMPARE(doc.annotations().objects[0].label, std::string("disc"));
    QCOMPARE(doc.currentLabel(), QStringLiteral("disc"));
    QVERIFY(!doc.labels().find("object"));
    doc.undoStack()->undo();
    QCOMPARE(doc.annotations().objects[0].label, std::string("object"));
    QVERIFY(doc.labels().find("object"));
    doc.setLabelColor(QStringLiteral("object"), QColor(1, 2, 3));
    QCOMPARE(doc.objectColor(doc.annotations().objects[0]), QColor(1, 2, 3));
}

void TestAnnotationDocument::unreadableImageKeepsCurrent() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    QSignalSpy errors(&doc, &AnnotationDocument::error);
    QFile bad(m_dir->filePath(QStringLiteral("broken.png")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("not a png");
    bad.close();
    QVERIFY(!doc.openImage(bad.fileName()));
    QCOMPARE(errors.size(), 1);
    QVERIFY(errors[0][0].toString().contains(QStringLiteral("broken.png")));
    QCOMPARE(doc.currentIndex(), 0);
    QCOMPARE(doc.images().count(), 3);
    QCOMPARE(doc.image().size(), QSize(kImageW, kImageH));
}

void TestAnnotationDocument::hoverPreview() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    doc.hover(discCentre(0));  // off by default: nothing happens
    QVERIFY(!doc.hasPrediction());
    doc.setHoverPreview(true);
    doc.hover(discCentre(0) + QPointF(3, 0));
    QTRY_VERIFY(doc.hasPrediction());
    QVERIFY(doc.predictionIsHover());
    QVERIFY(doc.prompts().isEmpty());
    QVERIFY(discCoverage(doc.currentMask(), 0).first > 0.9);
    QVERIFY(!doc.keepMask());  // a preview is not kept
    QVERIFY(doc.annotations().objects.empty());
    doc.endHover();
    QVERIFY(!doc.hasPrediction());
    // A click replaces the preview with a real prediction.
    doc.hover(discCentre(0));
    QTRY_VERIFY(doc.hasPrediction());
    doc.addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.hasPrediction() && !doc.predictionIsHover());
    QVERIFY(doc.keepMask());
}

QTEST_GUILESS_MAIN(TestAnnotationDocument)
#include "tst_annotationdocument.moc"
