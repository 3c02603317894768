// The annotation document with the GrabCut engine: a click or a box yields a mask of the object,
// undo/redo of prompts and objects, keeping and labelling objects, autosave per image restored on
// return and after a restart, the threshold, and candidates chosen by the user.
#include <QSignalSpy>
#include <QtTest>

#include "core/document/annotationdocument.h"
#include "testimages.h"

using namespace samdesk;
using namespace samdesk::test;

#define WAIT_READY(doc)                                                                            \
    QTRY_COMPARE_WITH_TIMEOUT((doc).session()->encodeState(), DocumentSession::EncodeState::Ready, \
                              20000)

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
    QCOMPARE(doc.session()->images().count(), 3);
    QCOMPARE(doc.session()->currentIndex(), 0);
    WAIT_READY(doc);
    QCOMPARE(doc.session()->engine().name, QStringLiteral("GrabCut"));
    QVERIFY(!doc.session()->isSam());

    doc.prediction()->addPoint(discCentre(0), true);
    QCOMPARE(doc.prediction()->prompts().points.size(), 1);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    QCOMPARE(doc.prediction()->candidateCount(), 1);
    QVERIFY(std::isnan(doc.prediction()->candidateScore(0)));
    const BinaryMask& mask = doc.prediction()->currentMask();
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
    doc.prediction()->setBox(QRectF(c - QPointF(44, 44), c + QPointF(44, 44)));
    QVERIFY(doc.prediction()->prompts().box.has_value());
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    const auto [covered, outside] = discCoverage(doc.prediction()->currentMask(), 0);
    QVERIFY2(covered > 0.95, qPrintable(QString::number(covered)));
    QVERIFY2(outside < 60, qPrintable(QString::number(outside)));
}

void TestAnnotationDocument::backgroundPointRemovesArea() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    const QPointF c = discCentre(0);
    doc.prediction()->setBox(QRectF(c - QPointF(44, 44), c + QPointF(44, 44)));
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    QVERIFY(doc.prediction()->currentMask().at(int(c.x()), int(c.y())));
    // A background point in the middle of the disc carves that part out.
    QSignalSpy changed(doc.prediction(), &DocumentPrediction::predictionChanged);
    doc.prediction()->addPoint(c, false);
    QTRY_VERIFY(!changed.isEmpty());
    QTRY_VERIFY(!doc.prediction()->currentMask().at(int(c.x()), int(c.y())));
}

void TestAnnotationDocument::undoRedoPrompts() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    doc.prediction()->addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    const std::size_t area = doc.prediction()->currentMask().area();
    QVERIFY(area > 0);

    doc.undoStack()->undo();
    QVERIFY(doc.prediction()->prompts().isEmpty());
    QVERIFY(!doc.prediction()->hasPrediction());
    QVERIFY(doc.prediction()->currentMask().isNull());

    doc.undoStack()->redo();
    QCOMPARE(doc.prediction()->prompts().points.size(), 1);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    QCOMPARE(doc.prediction()->currentMask().area(), area);

    doc.prediction()->clearPrompts();
    QVERIFY(doc.prediction()->prompts().isEmpty());
    QVERIFY(!doc.prediction()->hasPrediction());
    doc.undoStack()->undo();
    QCOMPARE(doc.prediction()->prompts().points.size(), 1);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
}

void TestAnnotationDocument::keepAndLabelObject() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    QVERIFY(!doc.keepMask());  // nothing to keep yet
    doc.prediction()->addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    const BinaryMask mask = doc.prediction()->currentMask();
    QVERIFY(doc.keepMask());
    QCOMPARE(int(doc.annotations()->annotations().objects.size()), 1);
    const AnnotationObject o = doc.annotations()->annotations().objects[0];
    QCOMPARE(o.id, 1);
    QCOMPARE(o.label, std::string("object"));
    QCOMPARE(o.source, std::string(source::kGrabCut));
    QVERIFY(o.mask == mask);
    QVERIFY(doc.prediction()->prompts().isEmpty());
    QVERIFY(doc.prediction()->currentMask().isNull());

    doc.annotations()->setObjectLabel(o.id, QStringLiteral("ball"));
    QCOMPARE(doc.annotations()->annotations().objects[0].label, std::string("ball"));
    QVERIFY(doc.annotations()->labels().find("ball"));
    doc.annotations()->setObjectVisible(o.id, false);
    QVERIFY(!doc.annotations()->annotations().objects[0].visible);
    doc.annotations()->setObjectColor(o.id, QColor(10, 20, 30));
    QCOMPARE(doc.annotations()->objectColor(doc.annotations()->annotations().objects[0]),
             QColor(10, 20, 30));

    doc.undoStack()->undo();  // colour
    QVERIFY(!doc.annotations()->annotations().objects[0].color);
    doc.undoStack()->undo();  // visibility
    QVERIFY(doc.annotations()->annotations().objects[0].visible);
    doc.undoStack()->undo();  // label (and the label it added)
    QCOMPARE(doc.annotations()->annotations().objects[0].label, std::string("object"));
    QVERIFY(!doc.annotations()->labels().find("ball"));
    doc.undoStack()->redo();
    QCOMPARE(doc.annotations()->annotations().objects[0].label, std::string("ball"));

    doc.removeObject(o.id);
    QVERIFY(doc.annotations()->annotations().objects.empty());
    doc.undoStack()->undo();
    QCOMPARE(int(doc.annotations()->annotations().objects.size()), 1);
    QVERIFY(doc.annotations()->annotations().objects[0].mask == mask);
}

void TestAnnotationDocument::undoKeepRestoresPrompts() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    doc.prediction()->addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    QVERIFY(doc.keepMask());
    QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Keep object #1"));
    doc.undoStack()->undo();
    QVERIFY(doc.annotations()->annotations().objects.empty());
    QCOMPARE(doc.prediction()->prompts().points.size(), 1);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
}

void TestAnnotationDocument::switchImagesAndComeBack() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    QVERIFY(!doc.session()->images().isAnnotated(0));
    QSignalSpy annotated(doc.session(), &DocumentSession::annotatedChanged);
    doc.prediction()->addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    QVERIFY(doc.keepMask());
    const BinaryMask kept = doc.annotations()->annotations().objects[0].mask;

    QVERIFY(doc.next());
    QCOMPARE(doc.session()->currentIndex(), 1);
    QVERIFY(doc.annotations()->annotations().objects.empty());
    QVERIFY(doc.prediction()->prompts().isEmpty());
    QCOMPARE(doc.undoStack()->count(), 0);
    QVERIFY(QFile::exists(m_dir->filePath(QStringLiteral(".samdesk/annotations/img0.png.json"))));
    QCOMPARE(annotated.size(), 1);
    QCOMPARE(annotated[0][0].toInt(), 0);
    QVERIFY(doc.session()->images().isAnnotated(0));
    QVERIFY(!doc.session()->images().isAnnotated(1));
    WAIT_READY(doc);

    doc.prediction()->addPoint(discCentre(1), true);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    QVERIFY(doc.keepMask());
    QVERIFY(doc.previous());
    QCOMPARE(int(doc.annotations()->annotations().objects.size()), 1);
    QVERIFY(doc.annotations()->annotations().objects[0].mask == kept);
    QVERIFY(doc.setCurrentIndex(1));
    QCOMPARE(int(doc.annotations()->annotations().objects.size()), 1);
    const auto [covered, outside] =
        discCoverage(doc.annotations()->annotations().objects[0].mask, 1);
    QVERIFY(covered > 0.95);
    QVERIFY(!doc.setCurrentIndex(7));
    QCOMPARE(doc.session()->currentIndex(), 1);
}

void TestAnnotationDocument::restoredAfterRestart() {
    BinaryMask kept;
    {
        AnnotationDocument doc(grabCutFactory());
        QVERIFY(doc.openFolder(m_dir->path()));
        WAIT_READY(doc);
        doc.prediction()->addPoint(discCentre(0), true);
        QTRY_VERIFY(doc.prediction()->hasPrediction());
        doc.annotations()->setCurrentLabel(QStringLiteral("disc"));
        QVERIFY(doc.keepMask());
        kept = doc.annotations()->annotations().objects[0].mask;
        // No image switch: the destructor writes the pending autosave.
    }
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    QVERIFY(doc.session()->images().isAnnotated(0));
    QCOMPARE(int(doc.annotations()->annotations().objects.size()), 1);
    QCOMPARE(doc.annotations()->annotations().objects[0].label, std::string("disc"));
    QVERIFY(doc.annotations()->annotations().objects[0].mask == kept);
    QVERIFY(doc.annotations()->labels().find("disc"));
}

void TestAnnotationDocument::thresholdChangesKeptMask() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    doc.prediction()->addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    const std::size_t base = doc.prediction()->currentMask().area();
    doc.prediction()->setThreshold(3.0);
    QCOMPARE(doc.prediction()->threshold(), 3.0);
    const std::size_t shrunk = doc.prediction()->currentMask().area();
    QVERIFY(shrunk < base);
    doc.prediction()->setThreshold(-3.0);
    QVERIFY(doc.prediction()->currentMask().area() > base);
    doc.prediction()->setThreshold(3.0);
    QVERIFY(doc.keepMask());
    QCOMPARE(doc.annotations()->annotations().objects[0].mask.area(), shrunk);
    doc.prediction()->setThreshold(100.0);
    QCOMPARE(doc.prediction()->threshold(), 8.0);
}

void TestAnnotationDocument::refineObjectReplacesMask() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    const QPointF c = discCentre(0);
    doc.prediction()->setBox(QRectF(c - QPointF(44, 44), c + QPointF(44, 44)));
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    QVERIFY(doc.keepMask());
    const BinaryMask first = doc.annotations()->annotations().objects[0].mask;

    doc.refineObject(1);
    QCOMPARE(doc.prediction()->refiningObject(), 1);
    QVERIFY(doc.prediction()->prompts().box.has_value());  // the prompts it was kept with come back
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    doc.prediction()->addPoint(c, false);
    QTRY_VERIFY(!doc.prediction()->currentMask().at(int(c.x()), int(c.y())));
    QVERIFY(doc.keepMask());
    QCOMPARE(int(doc.annotations()->annotations().objects.size()), 1);  // replaced, not added
    QVERIFY(!doc.annotations()->annotations().objects[0].mask.at(int(c.x()), int(c.y())));
    QCOMPARE(doc.prediction()->refiningObject(), 0);
    doc.undoStack()->undo();
    QVERIFY(doc.annotations()->annotations().objects[0].mask == first);
    QCOMPARE(doc.prediction()->refiningObject(), 1);
}

void TestAnnotationDocument::renameLabelRelabelsObjects() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    doc.prediction()->addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    QVERIFY(doc.keepMask());
    QVERIFY(doc.annotations()->renameLabel(QStringLiteral("object"), QStringLiteral("disc")));
    QCOMPARE(doc.annotations()->annotations().objects[0].label, std::string("disc"));
    QCOMPARE(doc.annotations()->currentLabel(), QStringLiteral("disc"));
    QVERIFY(!doc.annotations()->labels().find("object"));
    doc.undoStack()->undo();
    QCOMPARE(doc.annotations()->annotations().objects[0].label, std::string("object"));
    QVERIFY(doc.annotations()->labels().find("object"));
    doc.annotations()->setLabelColor(QStringLiteral("object"), QColor(1, 2, 3));
    QCOMPARE(doc.annotations()->objectColor(doc.annotations()->annotations().objects[0]),
             QColor(1, 2, 3));
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
    QCOMPARE(doc.session()->currentIndex(), 0);
    QCOMPARE(doc.session()->images().count(), 3);
    QCOMPARE(doc.session()->image().size(), QSize(kImageW, kImageH));
}

void TestAnnotationDocument::hoverPreview() {
    AnnotationDocument doc(grabCutFactory());
    QVERIFY(doc.openFolder(m_dir->path()));
    WAIT_READY(doc);
    doc.prediction()->hover(discCentre(0));  // off by default: nothing happens
    QVERIFY(!doc.prediction()->hasPrediction());
    doc.prediction()->setHoverPreview(true);
    doc.prediction()->hover(discCentre(0) + QPointF(3, 0));
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    QVERIFY(doc.prediction()->predictionIsHover());
    QVERIFY(doc.prediction()->prompts().isEmpty());
    QVERIFY(discCoverage(doc.prediction()->currentMask(), 0).first > 0.9);
    QVERIFY(!doc.keepMask());  // a preview is not kept
    QVERIFY(doc.annotations()->annotations().objects.empty());
    doc.prediction()->endHover();
    QVERIFY(!doc.prediction()->hasPrediction());
    // A click replaces the preview with a real prediction.
    doc.prediction()->hover(discCentre(0));
    QTRY_VERIFY(doc.prediction()->hasPrediction());
    doc.prediction()->addPoint(discCentre(0), true);
    QTRY_VERIFY(doc.prediction()->hasPrediction() && !doc.prediction()->predictionIsHover());
    QVERIFY(doc.keepMask());
}

QTEST_GUILESS_MAIN(TestAnnotationDocument)
#include "tst_annotationdocument.moc"
