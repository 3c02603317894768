// The document's annotations on their own (no engine, no prompts): objects changed through the
// undo commands' entry point and through undoable edits, labels added, renamed and removed with
// their objects, the autosave written when flushed (and the image marked annotated), saved
// annotations read back for the current image, and a file for another image size refused.
#include <QSignalSpy>
#include <QtTest>

#include "core/document/documentannotations.h"
#include "core/document/documentsession.h"
#include "core/document/objectscommand.h"
#include "testimages.h"
#include "tests/annotation/testmasks.h"

using namespace samdesk;
using namespace samdesk::test;

namespace {

// A rectangle of `w` x `h` pixels at (x, y) on the test image size.
BinaryMask box(int x, int y, int w, int h) {
    BinaryMask m(kImageW, kImageH);
    testmasks::fillRect(m, x, y, w, h);
    return m;
}

AnnotationObject object(int id, const std::string& label, BinaryMask mask) {
    AnnotationObject o;
    o.id = id;
    o.label = label;
    o.mask = std::move(mask);
    o.source = "test";
    o.score = 1.0;
    return o;
}

}  // namespace

class TestDocumentAnnotations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void applyAndSave();
    void undoStepsSaveTheirMasks();
    void labelsWithTheirObjects();
    void wrongSizeFileIsNotShown();

private:
    // A session showing image `index` of the folder (no encode is asked for).
    std::unique_ptr<DocumentSession> sessionAt(int index);
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestDocumentAnnotations::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    writeDiscImages(m_dir->path(), 2);
}

std::unique_ptr<DocumentSession> TestDocumentAnnotations::sessionAt(int index) {
    auto session = std::make_unique<DocumentSession>(grabCutFactory());
    auto folder = ImageFolder::open(m_dir->path());
    if (!folder)
        return nullptr;
    session->setImages(std::move(folder.value()));
    if (!session->showImage(index))
        return nullptr;
    return session;
}

void TestDocumentAnnotations::applyAndSave() {
    auto session = sessionAt(1);
    QVERIFY(session);
    QSignalSpy marked(session.get(), &DocumentSession::annotatedChanged);
    {
        DocumentAnnotations annotations(session.get());
        annotations.loadForCurrentImage();
        annotations.loadLabels();
        QVERIFY(annotations.annotations().objects.empty());
        QCOMPARE(annotations.annotations().width, kImageW);
        QCOMPARE(annotations.annotations().imageFile, std::string("img1.png"));
        QCOMPARE(annotations.currentLabel(), DocumentAnnotations::defaultLabel());

        QSignalSpy changed(&annotations, &DocumentAnnotations::objectsChanged);
        annotations.applyObjects({{1, -1, object(1, "object", box(10, 20, 30, 40)), {}},
                                  {2, -1, object(2, "object", box(100, 50, 5, 5)), {}}});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(int(annotations.annotations().objects.size()), 2);
        // An update replaces in place, an index inserts there, no object removes.
        annotations.applyObjects({{2, -1, object(2, "object", box(100, 50, 6, 6)), {}},
                                  {3, 0, object(3, "object", box(0, 0, 2, 2)), {}},
                                  {1, -1, std::nullopt, {}}});
        const auto& objs = annotations.annotations().objects;
        QCOMPARE(int(objs.size()), 2);
        QCOMPARE(objs[0].id, 3);
        QCOMPARE(objs[1].id, 2);
        QCOMPARE(int(objs[1].mask.area()), 36);

        // Undoable edits go on the part's own stack.
        annotations.setObjectVisible(2, false);
        QVERIFY(!annotations.find(2)->visible);
        QCOMPARE(annotations.undoStack()->count(), 1);
        annotations.undoStack()->undo();
        QVERIFY(annotations.find(2)->visible);

        QCOMPARE(marked.size(), 0);  // nothing written yet (the autosave is debounced)
        annotations.flush();
        QCOMPARE(marked.size(), 1);
        QVERIFY(session->images().isAnnotated(1));
    }
    QVERIFY(QFile::exists(m_dir->filePath(QStringLiteral(".samdesk/annotations/img1.png.json"))));

    // Read back for the same image by a new part: the same objects, no undo history.
    DocumentAnnotations again(session.get());
    again.loadForCurrentImage();
    QCOMPARE(int(again.annotations().objects.size()), 2);
    QVERIFY(again.find(2)->mask == box(100, 50, 6, 6));
    QCOMPARE(int(again.find(3)->mask.area()), 4);
    QCOMPARE(again.undoStack()->count(), 0);
}

// An undo step hands its masks' RLE to the autosave (no encoding): what is written after each undo
// and redo is the mask shown then, read back bit for bit.
void TestDocumentAnnotations::undoStepsSaveTheirMasks() {
    auto session = sessionAt(0);
    QVERIFY(session);
    DocumentAnnotations annotations(session.get());
    annotations.loadForCurrentImage();
    const auto savedMask = [&](int id) {
        annotations.flush();
        DocumentAnnotations reader(session.get());
        reader.loadForCurrentImage();
        const AnnotationObject* o = reader.find(id);
        return o ? o->mask : BinaryMask();
    };
    const BinaryMask first = box(10, 20, 30, 40), second = box(50, 60, 7, 9);
    ObjectsCommand::Change add;
    add.id = 1;
    add.after = object(1, "object", first);
    annotations.undoStack()->push(new ObjectsCommand(&annotations, "add", {add}));
    QVERIFY(savedMask(1) == first);
    ObjectsCommand::Change edit;
    edit.id = 1;
    edit.before = object(1, "object", first);
    edit.after = object(1, "object", second);
    annotations.undoStack()->push(new ObjectsCommand(&annotations, "edit", {edit}));
    QVERIFY(savedMask(1) == second);
    annotations.undoStack()->undo();
    QVERIFY(annotations.find(1)->mask == first);
    QVERIFY(savedMask(1) == first);
    annotations.undoStack()->redo();
    QVERIFY(savedMask(1) == second);
    // A direct update without an RLE is encoded on save.
    annotations.applyObjects({{1, -1, object(1, "object", box(0, 0, 3, 3)), {}}});
    QCOMPARE(int(savedMask(1).area()), 9);
}

void TestDocumentAnnotations::labelsWithTheirObjects() {
    auto session = sessionAt(0);
    QVERIFY(session);
    DocumentAnnotations annotations(session.get());
    annotations.loadForCurrentImage();
    annotations.loadLabels();
    annotations.applyObjects({{1, -1, object(1, "cat", box(0, 0, 4, 4)), {}},
                              {2, -1, object(2, "dog", box(10, 10, 4, 4)), {}}});
    annotations.addLabel(QStringLiteral("cat"));
    annotations.addLabel(QStringLiteral("dog"));
    QVERIFY(annotations.labels().find("cat"));

    QVERIFY(annotations.renameLabel(QStringLiteral("cat"), QStringLiteral("tabby")));
    QCOMPARE(annotations.find(1)->label, std::string("tabby"));
    QCOMPARE(annotations.find(2)->label, std::string("dog"));
    QVERIFY(!annotations.labels().find("cat"));
    annotations.removeLabel(QStringLiteral("dog"));
    QCOMPARE(annotations.find(2)->label, std::string());
    QVERIFY(!annotations.labels().find("dog"));

    // Undo walks back label and objects together, step by step.
    annotations.undoStack()->undo();
    QCOMPARE(annotations.find(2)->label, std::string("dog"));
    QVERIFY(annotations.labels().find("dog"));
    annotations.undoStack()->undo();
    QCOMPARE(annotations.find(1)->label, std::string("cat"));
    QVERIFY(annotations.labels().find("cat"));
    QVERIFY(!annotations.labels().find("tabby"));

    // A current label that is new joins the set (one undo step, replacing the two undone).
    const int steps = annotations.undoStack()->index();
    annotations.setCurrentLabel(QStringLiteral(" bird "));
    QCOMPARE(annotations.currentLabel(), QStringLiteral("bird"));
    QVERIFY(annotations.labels().find("bird"));
    QCOMPARE(annotations.undoStack()->count(), steps + 1);
}

void TestDocumentAnnotations::wrongSizeFileIsNotShown() {
    {
        auto session = sessionAt(0);
        QVERIFY(session);
        DocumentAnnotations annotations(session.get());
        annotations.loadForCurrentImage();
        annotations.applyObjects({{1, -1, object(1, "object", box(0, 0, 4, 4)), {}}});
        annotations.flush();
    }
    // The image changes size on disk: its saved objects no longer fit it.
    test::discImage(0).scaled(kImageW * 2, kImageH * 2).save(m_dir->filePath("img0.png"));
    auto session = sessionAt(0);
    QVERIFY(session);
    DocumentAnnotations annotations(session.get());
    QSignalSpy errors(&annotations, &DocumentAnnotations::error);
    annotations.loadForCurrentImage();
    QCOMPARE(errors.size(), 1);
    QVERIFY(
        errors.first().at(0).toString().contains(QStringLiteral("240 x 180 image, not 480 x 360")));
    QVERIFY(annotations.annotations().objects.empty());
    QCOMPARE(annotations.annotations().width, kImageW * 2);
    // The old file stays until something new is saved.
    QVERIFY(QFile::exists(m_dir->filePath(QStringLiteral(".samdesk/annotations/img0.png.json"))));
}

QTEST_GUILESS_MAIN(TestDocumentAnnotations)
#include "tst_documentannotations.moc"
