// The document's image session on its own (no prompts, no objects): showing images of a list,
// the encode state through a gated engine (Encoding, progress, Ready, Cancelled and the encode
// again), how an image was made ready, encoding ahead of the next image, and an unreadable file.
#include <QSignalSpy>
#include <QtTest>

#include "core/document/documentsession.h"
#include "core/document/inferenceworker.h"
#include "gatedengine.h"
#include "testimages.h"

using namespace samdesk;
using namespace samdesk::test;

namespace {

// Declared after the session, so destroyed before it: the worker may be waiting at a gate (an
// image encoded ahead), and the session's destructor waits for the worker.
struct OpenGatesAtExit {
    Gates& gates;
    ~OpenGatesAtExit() {
        gates.gateEncode = false;
        gates.gatePredict = false;
        gates.encodeBlock.release(4 * Gates::kBlocks);
        gates.predict.release(16);
    }
};

// The session loads its first engine (GrabCut) on the inference thread: wait for it, so that
// the engine's arrival does not ask for a second encode of an image shown before it.
#define WAIT_ENGINE(session) QTRY_VERIFY(!(session).engineLoading())

ImageFolder folderOf(const QString& path) {
    auto f = ImageFolder::open(path);
    return f ? std::move(f.value()) : ImageFolder();
}

}  // namespace

class TestDocumentSession : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void showsAndEncodes();
    void cancelThenEncodeAgain();
    void revisitIsFromMemory();
    void unreadableImageChangesNothing();
    void markAnnotatedOnce();
    void regionEncodingHelpsWhenSamSeesMore();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestDocumentSession::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    writeDiscImages(m_dir->path(), 3);
}

void TestDocumentSession::showsAndEncodes() {
    Gates gates;
    DocumentSession session(gatedFactory(&gates));
    const OpenGatesAtExit open{gates};
    WAIT_ENGINE(session);
    QCOMPARE(session.encodeState(), DocumentSession::EncodeState::NoImage);
    session.setImages(folderOf(m_dir->path()));
    QCOMPARE(session.images().count(), 3);
    QSignalSpy shown(&session, &DocumentSession::currentImageChanged);
    QSignalSpy states(&session, &DocumentSession::encodeStateChanged);
    QSignalSpy progress(&session, &DocumentSession::encodeProgress);
    QSignalSpy ready(&session, &DocumentSession::encoded);

    QVERIFY(session.showImage(1));
    // Silent until announced: the document resets its other parts in between.
    QCOMPARE(shown.size(), 0);
    QCOMPARE(session.currentIndex(), 1);
    QCOMPARE(session.image().size(), QSize(kImageW, kImageH));
    QVERIFY(session.imageKey().contains(QStringLiteral("img1.png")));
    session.announceImage();
    QCOMPARE(shown.size(), 1);

    session.requestEncode();
    QCOMPARE(session.encodeState(), DocumentSession::EncodeState::Encoding);
    gates.encodeBlock.release(Gates::kBlocks);
    QTRY_COMPARE(session.encodeState(), DocumentSession::EncodeState::Ready);
    QCOMPARE(ready.size(), 1);
    QCOMPARE(session.lastEncodeSource(), DocumentSession::EncodeSource::Encoder);
    QVERIFY(session.lastReadyMs() >= session.lastEncodeMs());
    // Progress of the current image: the reset (0, 0), then each of the engine's blocks.
    QTRY_COMPARE(progress.size(), 1 + Gates::kBlocks);
    QCOMPARE(progress.last().at(0).toInt(), Gates::kBlocks);
    QCOMPARE(progress.last().at(1).toInt(), Gates::kBlocks);
    QCOMPARE(states.first().at(0).value<DocumentSession::EncodeState>(),
             DocumentSession::EncodeState::Encoding);
    QCOMPARE(states.last().at(0).value<DocumentSession::EncodeState>(),
             DocumentSession::EncodeState::Ready);
}

void TestDocumentSession::cancelThenEncodeAgain() {
    Gates gates;
    DocumentSession session(gatedFactory(&gates));
    const OpenGatesAtExit open{gates};
    WAIT_ENGINE(session);
    session.setImages(folderOf(m_dir->path()));
    QVERIFY(session.showImage(0));
    session.requestEncode();
    gates.encodeBlock.release(2);
    QTRY_COMPARE(gates.blocksDone.load(), 2);
    session.cancelEncode();
    gates.encodeBlock.release(Gates::kBlocks);  // let the worker see the flag
    QTRY_COMPARE(session.encodeState(), DocumentSession::EncodeState::Cancelled);
    QVERIFY(gates.blocksDone.load() < Gates::kBlocks);

    gates.gateEncode = false;
    session.requestEncode();
    QTRY_COMPARE(session.encodeState(), DocumentSession::EncodeState::Ready);
    QCOMPARE(session.lastEncodeSource(), DocumentSession::EncodeSource::Encoder);
}

void TestDocumentSession::revisitIsFromMemory() {
    Gates gates;
    gates.gateEncode = false;
    DocumentSession session(gatedFactory(&gates));
    const OpenGatesAtExit open{gates};
    WAIT_ENGINE(session);
    session.setImages(folderOf(m_dir->path()));
    QVERIFY(session.showImage(0));
    session.requestEncode();
    QTRY_COMPARE(session.encodeState(), DocumentSession::EncodeState::Ready);
    // Ready encodes the next image ahead of time (its pixels come back with it).
    QTRY_COMPARE(gates.blocksDone.load(), 2 * Gates::kBlocks);
    QVERIFY(session.showImage(1));
    session.requestEncode();
    QTRY_COMPARE(session.encodeState(), DocumentSession::EncodeState::Ready);
    QCOMPARE(session.lastEncodeSource(), DocumentSession::EncodeSource::Memory);
    QVERIFY(session.showImage(0));
    session.requestEncode();
    QTRY_COMPARE(session.encodeState(), DocumentSession::EncodeState::Ready);
    QCOMPARE(session.lastEncodeSource(), DocumentSession::EncodeSource::Memory);
}

void TestDocumentSession::unreadableImageChangesNothing() {
    QFile bad(QDir(m_dir->path()).filePath(QStringLiteral("img9.png")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("not a png");
    bad.close();
    Gates gates;
    DocumentSession session(gatedFactory(&gates));
    const OpenGatesAtExit open{gates};
    WAIT_ENGINE(session);
    session.setImages(folderOf(m_dir->path()));
    QVERIFY(session.showImage(0));
    const QString key = session.imageKey();
    QSignalSpy errors(&session, &DocumentSession::error);
    const int badIndex = session.images().indexOf(bad.fileName());
    QVERIFY(badIndex >= 0);
    QVERIFY(!session.showImage(badIndex));
    QCOMPARE(errors.size(), 1);
    QVERIFY(errors.first().at(0).toString().contains(QStringLiteral("img9.png")));
    QCOMPARE(session.currentIndex(), 0);
    QCOMPARE(session.imageKey(), key);
}

void TestDocumentSession::markAnnotatedOnce() {
    Gates gates;
    DocumentSession session(gatedFactory(&gates));
    const OpenGatesAtExit open{gates};
    WAIT_ENGINE(session);
    session.setImages(folderOf(m_dir->path()));
    QVERIFY(session.showImage(2));
    QSignalSpy marked(&session, &DocumentSession::annotatedChanged);
    session.markAnnotated();
    session.markAnnotated();
    QCOMPARE(marked.size(), 1);
    QCOMPARE(marked.first().at(0).toInt(), 2);
    QVERIFY(session.images().isAnnotated(2));
    QVERIFY(!session.images().isAnnotated(0));
}

// When the view of a large photo is worth encoding alone (what Encode the Visible Region
// Automatically decides): the model's input shrinks the image, the view is at most half its
// long side, and no region already holds it at about that scale.
void TestDocumentSession::regionEncodingHelpsWhenSamSeesMore() {
    const QSize photo(8000, 6000);
    auto helps = [&](const QRect& view, const QRect& current = QRect(), QSize image = QSize()) {
        return DocumentSession::regionEncodingHelps(image.isValid() ? image : photo, view, current,
                                                    1024);
    };
    QVERIFY(helps(QRect(0, 0, 1000, 750)));
    QVERIFY(helps(QRect(3000, 2000, 4000, 3000)));   // exactly half the long side
    QVERIFY(!helps(QRect(3000, 2000, 4001, 3000)));  // more than half
    QVERIFY(!helps(QRect(0, 0, 8000, 6000)));
    QVERIFY(!helps(QRect(7995, 100, 500, 400)));    // 5 pixels of it inside the image
    QVERIFY(helps(QRect(7000, 5500, 2000, 1500)));  // clipped to 1000 x 500
    // The whole image fits the model's input: a region adds no detail.
    QVERIFY(!helps(QRect(0, 0, 300, 200), QRect(), QSize(1024, 768)));
    QVERIFY(helps(QRect(0, 0, 300, 200), QRect(), QSize(1025, 768)));
    // GrabCut (no model input) never.
    QVERIFY(!DocumentSession::regionEncodingHelps(photo, QRect(0, 0, 500, 500), QRect(), 0));
    // A region that holds the view at about its scale is enough; a much larger one or one the
    // view left is not.
    QVERIFY(!helps(QRect(100, 100, 1000, 750), QRect(0, 0, 1500, 1000)));
    QVERIFY(helps(QRect(100, 100, 1000, 750), QRect(0, 0, 1501, 1000)));
    QVERIFY(helps(QRect(500, 0, 1000, 750), QRect(0, 0, 1000, 750)));
    QVERIFY(!helps(QRect(0, 0, 1000, 750), QRect(0, 0, 1000, 750)));
}

QTEST_GUILESS_MAIN(TestDocumentSession)
#include "tst_documentsession.moc"
