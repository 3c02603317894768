// The window with SAM (the tiny fixture checkpoint, the real engine factory): a click gives the
// three candidates with their IoU and the best one chosen, keys 1-3 choose, a second click is a
// single mask refined with the previous low-res logits, kept objects say "sam"; a broken
// checkpoint shows the loader's message and leaves the previous engine working; the info dialog
// shows the fixture's config.json values, filters keys and copies JSON; the checkpoint is
// remembered for the next start. The embedding cache: a later run of the app (a new window and
// engine, nothing in memory) opens an encoded image without the encoder; the cache dialog shows
// the entries, clears them, and its settings apply at once.
#include <QAction>
#include <QClipboard>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QToolButton>
#include <QtTest>

#include <cmath>

#include "core/cache/embeddingcache.h"
#include "core/document/annotationdocument.h"
#include "core/document/appsettings.h"
#include "ui/candidatespanel.h"
#include "ui/checkpointinfodialog.h"
#include "ui/embeddingcachedialog.h"
#include "ui/objectspanel.h"
#include "uitest.h"

using namespace samdesk;
using namespace samdesk::test;

namespace {
const QString kData = QStringLiteral(SAMDESK_TEST_DATA "/samv1-tiny/");
}

class TestSamWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void clickGivesCandidates();
    void secondClickRefines();
    void keepRecordsSam();
    void refineObjectFromEarlierVisit();
    void brokenCheckpointKeepsEngine_data();
    void brokenCheckpointKeepsEngine();
    void brokenCheckpointFromGrabCut();
    void infoDialogShowsConfig();
    void checkpointRemembered();
    void candidatesUpsampledOnDemand();
    void candidateBoundsOfALargerImage();
    void panelKeepsTheCanvasSize();
    void revisitFromDiskCache();
    void cacheDialog();
    void regionEncoding();
    void regionEncodedWhenTheViewRests();

private:
    // Opens image_a scaled to `size` (saved beside it) in the window; false when it cannot.
    bool openScaledImageA(QSize size);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
};

bool TestSamWindow::openScaledImageA(QSize size) {
    const QString file =
        m_dir->filePath(QStringLiteral("image_a_%1x%2.png").arg(size.width()).arg(size.height()));
    return QImage(m_dir->filePath("image_a.png"))
               .scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
               .save(file) &&
           m_window->openImage(file);
}

void TestSamWindow::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    // Deterministic runs: the reference's precision, and a cache folder of this test's own.
    AppSettings settings;
    settings.setPrecision(QStringLiteral("float32"));
    settings.setEmbeddingCacheEnabled(true);
    settings.setEmbeddingCacheDirectory(m_dir->filePath("cache"));
    settings.setEmbeddingCacheMaxBytes(EmbeddingCache::kDefaultMaxBytes);
    settings.setAutoRegionEncoding(false);
    openTinySamWindow(*m_dir, m_window);
}

void TestSamWindow::cleanup() {
    m_window.reset();
    m_dir.reset();
}

void TestSamWindow::clickGivesCandidates() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    QVERIFY(w.engineLabel()->text().contains(QStringLiteral("SAM custom")));
    QVERIFY(w.engineLabel()->text().contains(QStringLiteral("cpu, float32")));
    clickImage(w, QPointF(128, 96));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QCOMPARE(doc->prediction()->candidateCount(), 3);
    int best = 0;
    for (int i = 0; i < 3; ++i) {
        QVERIFY(std::isfinite(doc->prediction()->candidateScore(i)));
        if (doc->prediction()->candidateScore(i) > doc->prediction()->candidateScore(best))
            best = i;
        QToolButton* b = w.candidatesPanel()->candidateButton(i);
        QVERIFY(b->isVisible());
        QVERIFY(b->text().contains(QStringLiteral("IoU")));
    }
    QCOMPARE(doc->prediction()->selectedCandidate(), best);
    QVERIFY(w.candidatesPanel()->candidateButton(best)->isChecked());
    const int other = (best + 1) % 3;
    QTest::keyClick(&w, Qt::Key(Qt::Key_1 + other));
    QCOMPARE(doc->prediction()->selectedCandidate(), other);
    QVERIFY(doc->prediction()->currentMask() == doc->prediction()->candidateMask(other));
    QVERIFY(w.candidatesPanel()->candidateButton(other)->isChecked());
}

void TestSamWindow::secondClickRefines() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    clickImage(w, QPointF(128, 96));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QSignalSpy changed(doc->prediction(), &DocumentPrediction::predictionChanged);
    clickImage(w, QPointF(166, 58), Qt::RightButton);
    // The previous choice's low-res logits go with the new prompts (the refinement loop).
    QVERIFY(doc->prediction()->prompts().hint.logits);
    QCOMPARE(doc->prediction()->prompts().hint.logits->width, 64);
    QTRY_COMPARE(doc->prediction()->candidateCount(), 1);
    QVERIFY(!changed.isEmpty());
    QVERIFY(!w.candidatesPanel()->candidateButton(1)->isVisible());
    // Without the loop (the toggle off) the same prompts decode without the hint: another mask.
    const BinaryMask withHint = doc->prediction()->currentMask();
    doc->prediction()->setRefineWithPrevious(false);
    doc->undoStack()->undo();
    QTRY_COMPARE(doc->prediction()->candidateCount(), 3);
    doc->undoStack()->redo();
    QVERIFY(doc->prediction()->prompts().hint.logits);  // still recorded with the prompts
    QTRY_COMPARE(doc->prediction()->candidateCount(), 1);
    QVERIFY(!(doc->prediction()->currentMask() == withHint));
    doc->prediction()->setRefineWithPrevious(true);
    doc->undoStack()->undo();
    QTRY_COMPARE(doc->prediction()->candidateCount(), 3);
    doc->undoStack()->redo();
    QTRY_COMPARE(doc->prediction()->candidateCount(), 1);
    QVERIFY(doc->prediction()->currentMask() == withHint);
}

void TestSamWindow::keepRecordsSam() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    clickImage(w, QPointF(128, 96));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    const float score = doc->prediction()->candidateScore(doc->prediction()->selectedCandidate());
    const BinaryMask mask = doc->prediction()->currentMask();
    QTRY_VERIFY(w.action(QStringLiteral("keepMask"))->isEnabled());
    QTest::keyClick(&w, Qt::Key_Enter);
    QCOMPARE(int(doc->annotations()->annotations().objects.size()), 1);
    const AnnotationObject& o = doc->annotations()->annotations().objects[0];
    QCOMPARE(o.source, std::string("sam"));
    QVERIFY(std::abs(o.score - double(score)) < 1e-6);
    QVERIFY(o.mask == mask);
}

void TestSamWindow::refineObjectFromEarlierVisit() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    clickImage(w, QPointF(128, 96));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QTRY_VERIFY(w.action(QStringLiteral("keepMask"))->isEnabled());
    QTest::keyClick(&w, Qt::Key_Return);
    const BinaryMask kept = doc->annotations()->annotations().objects[0].mask;
    // Away and back: the prompts the object was made with were saved with it; reselected, they
    // come back and decode to the mask that was kept.
    QTest::keyClick(&w, Qt::Key_D);
    QTest::keyClick(&w, Qt::Key_A);
    QTRY_COMPARE(doc->session()->encodeState(), DocumentSession::EncodeState::Ready);
    QCOMPARE(int(doc->annotations()->annotations().objects.size()), 1);
    QVERIFY(doc->annotations()->annotations().objects[0].prompts.has_value());
    doc->refineObject(1);
    QCOMPARE(doc->prediction()->refiningObject(), 1);
    QCOMPARE(doc->prediction()->prompts().points.size(), 1);
    QVERIFY(QLineF(doc->prediction()->prompts().points[0].position(), QPointF(128, 96)).length() <
            1.5);
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QVERIFY(doc->prediction()->currentMask() == kept);
    QTest::keyClick(&w, Qt::Key_Escape);
    QCOMPARE(doc->prediction()->refiningObject(), 0);
    // Edited by hand on top of its prompts (a brush stroke): its mask shows as the current mask
    // instead, and goes to SAM with the first new prompt.
    w.objectsPanel()->selectObject(1);
    QTest::keyClick(&w, Qt::Key_N);
    dragImage(w, QPointF(10, 10), QPointF(40, 12));
    QVERIFY(doc->annotations()->annotations().objects[0].handEdited);
    const BinaryMask edited = doc->annotations()->annotations().objects[0].mask;
    QVERIFY(edited.area() > kept.area());
    QTest::keyClick(&w, Qt::Key_P);
    doc->refineObject(1);
    QCOMPARE(doc->prediction()->refiningObject(), 1);
    QVERIFY(doc->prediction()->prompts().isEmpty());
    QVERIFY(doc->prediction()->currentMask() == edited);  // its mask shows as the current mask
    QVERIFY(doc->prediction()->prompts().hint.logits);  // and goes to SAM with the first new prompt
    QCOMPARE(doc->prediction()->prompts().hint.logits->width, 64);
    clickImage(w, QPointF(166, 58), Qt::RightButton);
    QVERIFY(doc->prediction()->prompts().hint.logits);
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QCOMPARE(doc->prediction()->candidateCount(), 1);
    QTest::keyClick(&w, Qt::Key_Return);
    QCOMPARE(int(doc->annotations()->annotations().objects.size()), 1);  // replaced, not added
    QCOMPARE(doc->prediction()->refiningObject(), 0);
}

void TestSamWindow::brokenCheckpointKeepsEngine_data() {
    QTest::addColumn<QString>("file");
    QTest::newRow("bad shape") << "broken_bad_shape.pth";
    QTest::newRow("missing key") << "broken_missing_key.pth";
    QTest::newRow("truncated") << "broken_truncated.pth";
}

void TestSamWindow::brokenCheckpointKeepsEngine() {
    QFETCH(QString, file);
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    w.loadCheckpoint(kData + file);
    QMessageBox* box = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (box = w.findChild<QMessageBox*>(QStringLiteral("errorBox"))) && box->isVisible(), 30000);
    QVERIFY2(box->text().contains(file), qPrintable(box->text()));
    QVERIFY(box->text().contains(QStringLiteral("Still using SAM custom")));
    box->close();
    QVERIFY(!doc->session()->engineLoading());
    QVERIFY(doc->session()->isSam());
    QVERIFY(doc->session()->engine().checkpoint.endsWith(QStringLiteral("checkpoint.pth")));
    QVERIFY(w.engineLabel()->text().contains(QStringLiteral("SAM custom")));
    // Still usable.
    QTRY_COMPARE(doc->session()->encodeState(), DocumentSession::EncodeState::Ready);
    clickImage(w, QPointF(128, 96));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QCOMPARE(doc->prediction()->candidateCount(), 3);
}

void TestSamWindow::brokenCheckpointFromGrabCut() {
    MainWindow w(grabCutOnly());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFolder(m_dir->path()));
    w.loadCheckpoint(kData + "broken_missing_key.pth");
    QTRY_VERIFY_WITH_TIMEOUT(w.findChild<QMessageBox*>(QStringLiteral("errorBox")), 30000);
    QVERIFY(!w.document()->session()->isSam());
    QCOMPARE(w.document()->session()->engine().name, QStringLiteral("GrabCut"));
    QVERIFY(w.engineLabel()->text().contains(QStringLiteral("GrabCut")));
    QVERIFY(!w.action(QStringLiteral("checkpointInfo"))->isEnabled());
    QTRY_COMPARE(w.document()->session()->encodeState(), DocumentSession::EncodeState::Ready);
    clickImage(w, QPointF(128, 96));
    QTRY_VERIFY(w.document()->prediction()->hasPrediction());
}

void TestSamWindow::infoDialogShowsConfig() {
    MainWindow& w = *m_window;
    QVERIFY(w.action(QStringLiteral("checkpointInfo"))->isEnabled());
    QTest::keyClick(&w, Qt::Key_I, Qt::ControlModifier);
    CheckpointInfoDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = w.findChild<CheckpointInfoDialog*>()) && dialog->isVisible());

    QFile f(kData + "config.json");
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject cfg = QJsonDocument::fromJson(f.readAll()).object();
    QHash<QString, QString> shown;
    QTableWidget* t = dialog->configTable();
    for (int r = 0; r < t->rowCount(); ++r)
        shown.insert(t->item(r, 0)->text(), t->item(r, 1)->text());
    const QList<QPair<QString, QString>> pairs{{"image_size", "img"},
                                               {"embed_dim", "embed"},
                                               {"depth", "depth"},
                                               {"num_heads", "heads"},
                                               {"window_size", "window"},
                                               {"prompt_dim", "prompt"},
                                               {"mask_in_chans", "mask_in"},
                                               {"decoder_mlp_dim", "mlp"},
                                               {"iou_head_hidden_dim", "iou_hidden"},
                                               {"decoder_depth", "dec_depth"}};
    for (const auto& [name, key] : pairs)
        QCOMPARE(shown.value(name), QString::number(cfg[key].toInt()));
    QCOMPARE(shown.value("global_blocks"), QStringLiteral("[1, 3]"));
    QCOMPARE(shown.value("variant"), QStringLiteral("custom"));
    QVERIFY(dialog->parameterTable()->rowCount() >= 4);

    const int all = dialog->visibleKeyCount();
    QVERIFY(all > 50);
    QTest::keyClicks(dialog->keyFilter(), QStringLiteral("global_block.attention"));
    QVERIFY(dialog->visibleKeyCount() > 0);
    QVERIFY(dialog->visibleKeyCount() < all);

    dialog->copyJson();
    const QJsonObject json =
        QJsonDocument::fromJson(QGuiApplication::clipboard()->text().toUtf8()).object();
    QCOMPARE(json["config"].toObject()["image_size"].toInt(), 256);
    QCOMPARE(json["config"].toObject()["global_blocks"].toArray().size(), 2);
    QCOMPARE(json["device"].toString(), QStringLiteral("cpu"));
    QCOMPARE(json["keys"].toArray().size(), all);
    QVERIFY(json["path"].toString().endsWith(QStringLiteral("checkpoint.pth")));
}

void TestSamWindow::checkpointRemembered() {
    m_window->close();  // writes the settings
    m_window.reset();
    MainWindow w;
    w.restoreSettings(true);
    QVERIFY(w.openFolder(m_dir->path()));
    w.show();
    WAIT_SAM_READY(w);
    QVERIFY(
        w.document()->session()->engine().checkpoint.endsWith(QStringLiteral("checkpoint.pth")));
}

// A click upsamples only the best candidate; the thumbnails are made at their own size; the
// others come at full size when chosen, equal to what a scaled-down mask and its box say.
void TestSamWindow::candidatesUpsampledOnDemand() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    QList<qint64> placeholders;  // the buttons' icons before any candidate
    for (int i = 0; i < 3; ++i)
        placeholders.append(w.candidatesPanel()->candidateButton(i)->icon().cacheKey());
    clickImage(w, QPointF(128, 96));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QCOMPARE(doc->prediction()->candidateCount(), 3);
    const QSize size = doc->session()->image().size();
    for (int i = 0; i < 3; ++i) {
        const BinaryMask full = doc->prediction()->candidateMask(i);
        QCOMPARE(full.width(), size.width());
        // At the image's own scale, a region is that part of the full mask.
        const QRect region(10, 20, 60, 40);
        const BinaryMask part = doc->prediction()->candidateMaskScaled(i, size, region);
        QCOMPARE(part.width(), 60);
        QCOMPARE(part.height(), 40);
        int differ = 0;
        for (int y = 0; y < 40; ++y)
            for (int x = 0; x < 60; ++x)
                differ += part.at(x, y) != full.at(x + 10, y + 20);
        QCOMPARE(differ, 0);
        // The box from a reduced mask holds the exact box (a small image: 512 is full size).
        const PixelRect exact = full.boundingBox();
        const QRect box = doc->prediction()->candidateBounds(i);
        QVERIFY(box.contains(QRect(exact.x, exact.y, exact.width, exact.height)));
        // A thumbnail-sized mask of the whole image.
        const BinaryMask thumb =
            doc->prediction()->candidateMaskScaled(i, QSize(40, 30), QRect(0, 0, 40, 30));
        QCOMPARE(thumb.width(), 40);
        QVERIFY(doc->prediction()
                    ->candidateMaskScaled(i, QSize(40, 30), QRect(30, 0, 20, 10))
                    .isNull());
    }
    const int other = (doc->prediction()->selectedCandidate() + 1) % 3;
    doc->prediction()->selectCandidate(other);
    QVERIFY(doc->prediction()->currentMask() == doc->prediction()->candidateMask(other));
    // The thumbnails come once the canvas has painted the mask.
    for (int i = 0; i < 3; ++i)
        QTRY_VERIFY(w.candidatesPanel()->candidateButton(i)->icon().cacheKey() != placeholders[i]);
}

// Zoomed-out bounds (a mask of long side 256, with a cell of margin) hold each candidate's exact
// box and are at most two of those cells larger on each side.
void TestSamWindow::candidateBoundsOfALargerImage() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    QVERIFY(openScaledImageA(QSize(1500, 1100)));
    WAIT_SAM_READY(w);
    clickImage(w, QPointF(760, 520));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QCOMPARE(doc->prediction()->candidateCount(), 3);
    const int cell = int(std::ceil(1500.0 / 256));
    int nonEmpty = 0;
    for (int i = 0; i < 3; ++i) {
        const QRect box = doc->prediction()->candidateBounds(i);  // before the full mask exists
        const PixelRect exact = doc->prediction()->candidateMask(i).boundingBox();
        if (exact.width <= 0) {
            QVERIFY(box.isEmpty());
            continue;
        }
        ++nonEmpty;
        const QRect e(exact.x, exact.y, exact.width, exact.height);
        QVERIFY2(box.contains(e), qPrintable(QStringLiteral("candidate %1").arg(i)));
        QVERIFY(e.left() - box.left() <= 2 * cell);
        QVERIFY(e.top() - box.top() <= 2 * cell);
        QVERIFY(box.right() - e.right() <= 2 * cell);
        QVERIFY(box.bottom() - e.bottom() <= 2 * cell);
    }
    QVERIFY(nonEmpty > 0);
}

// Candidates coming and going leave the panel's size, hence the canvas and its zoom, alone (the
// panel once grew and shrank with its buttons: the image was refitted on every new object).
void TestSamWindow::panelKeepsTheCanvasSize() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    QApplication::processEvents();
    const QSize before = w.canvas()->viewport()->size();
    const double zoom = w.canvas()->zoom();
    clickImage(w, QPointF(128, 96));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QApplication::processEvents();
    QCOMPARE(w.canvas()->viewport()->size(), before);
    QCOMPARE(w.canvas()->zoom(), zoom);
    QTest::keyClick(&w, Qt::Key_Escape);
    QVERIFY(doc->prediction()->prompts().isEmpty());
    QApplication::processEvents();
    QCOMPARE(w.canvas()->viewport()->size(), before);
    QCOMPARE(w.canvas()->zoom(), zoom);
}

void TestSamWindow::revisitFromDiskCache() {
    // init() encoded image_a with the encoder, and the engine stored it.
    AnnotationDocument* doc = m_window->document();
    QCOMPARE(doc->session()->lastEncodeSource(), DocumentSession::EncodeSource::Encoder);
    QCOMPARE(m_window->document()->session()->engine().cacheDirectory, m_dir->filePath("cache"));
    QTRY_COMPARE_WITH_TIMEOUT(EmbeddingCache(m_dir->filePath("cache").toStdString()).entryCount(),
                              std::size_t(2), 30000);  // image_b was encoded ahead
    clickImage(*m_window, QPointF(128, 96));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    const BinaryMask before = doc->prediction()->currentMask();

    // The next run of the app: a new window, a new engine, nothing in memory.
    m_window.reset();
    MainWindow w;
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openImage(m_dir->filePath("image_a.png")));
    QTRY_COMPARE_WITH_TIMEOUT(w.document()->session()->encodeState(),
                              DocumentSession::EncodeState::Ready,
                              30000);  // GrabCut, the engine without a checkpoint
    QSignalSpy progress(w.document()->session(), &DocumentSession::encodeProgress);
    w.loadCheckpoint(kData + "checkpoint.pth");
    WAIT_SAM_READY(w);
    QCOMPARE(w.document()->session()->lastEncodeSource(), DocumentSession::EncodeSource::DiskCache);
    for (const QList<QVariant>& p : progress)
        QCOMPARE(p.at(0).toInt(), 0);  // no encoder block ran
    QVERIFY(w.document()->session()->lastReadyMs() > 0);
    clickImage(w, QPointF(128, 96));
    QTRY_VERIFY(w.document()->prediction()->hasPrediction());
    QVERIFY(w.document()->prediction()->currentMask() ==
            before);  // the same masks as after the encoder

    // With the cache off, the image is encoded again.
    w.setEmbeddingCache(false, m_dir->filePath("cache"), EmbeddingCache::kDefaultMaxBytes);
    QTRY_VERIFY_WITH_TIMEOUT(!w.document()->session()->engineLoading() &&
                                 w.document()->session()->engine().cacheDirectory.isEmpty(),
                             30000);
    QTRY_COMPARE_WITH_TIMEOUT(w.document()->session()->encodeState(),
                              DocumentSession::EncodeState::Ready, 30000);
    QCOMPARE(w.document()->session()->lastEncodeSource(), DocumentSession::EncodeSource::Encoder);
}

void TestSamWindow::cacheDialog() {
    const QString cacheDir = m_dir->filePath("cache");
    QTRY_COMPARE_WITH_TIMEOUT(EmbeddingCache(cacheDir.toStdString()).entryCount(), std::size_t(2),
                              30000);
    // An entry samdesk-cli encode wrote for others: shown as the shared part.
    {
        EmbeddingCache shared(cacheDir.toStdString());
        shared.setShared(true);
        CachedEmbedding e;
        e.channels = 4;
        e.grid = 4;
        e.imageWidth = e.imageHeight = 16;
        e.values.assign(64, 0.5f);
        QVERIFY(shared.store({"pixels", "checkpoint", 1024, "float32"}, e).ok());
    }
    EmbeddingCacheDialog* d = m_window->showEmbeddingCache();
    QVERIFY(d);
    QVERIFY(d->cacheEnabled());
    QCOMPARE(d->directory(), cacheDir);
    QCOMPARE(d->maxBytes(), EmbeddingCache::kDefaultMaxBytes);
    QVERIFY2(d->usageLabel()->text().contains(QStringLiteral("3 image")) &&
                 d->usageLabel()->text().contains(QStringLiteral("1 shared")),
             qPrintable(d->usageLabel()->text()));
    QVERIFY(d->clearButton()->isEnabled());
    // A file that is not an entry stays.
    {
        QFile other(cacheDir + "/notes.txt");
        QVERIFY(other.open(QIODevice::WriteOnly));
    }
    QVERIFY(d->clearCache());
    QCOMPARE(EmbeddingCache(cacheDir.toStdString()).entryCount(), std::size_t(0));
    QVERIFY(QFile::exists(cacheDir + "/notes.txt"));
    QVERIFY(d->usageLabel()->text().contains(QStringLiteral("0 image")));
    QVERIFY(!d->clearButton()->isEnabled());

    // A new folder and limit, accepted: stored, and the model reloads with them.
    const QString elsewhere = m_dir->filePath("elsewhere");
    d->directoryEdit()->setText(elsewhere);
    d->limitBox()->setValue(0.5);
    d->accept();
    AppSettings settings;
    QCOMPARE(settings.embeddingCacheDirectory(), elsewhere);
    QCOMPARE(settings.embeddingCacheMaxBytes(), quint64(512) << 20);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->document()->session()->engine().cacheDirectory, elsewhere,
                              30000);
    WAIT_SAM_READY(*m_window);
    QTRY_VERIFY_WITH_TIMEOUT(EmbeddingCache(elsewhere.toStdString()).entryCount() >= 1, 30000);
}

// R encodes what the view shows alone; clicks inside it decode against it (their masks stay
// inside it), a click outside goes to the whole image; Shift+R drops it.
void TestSamWindow::regionEncoding() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    QSignalSpy regions(doc->session(), &DocumentSession::regionChanged);
    doc->session()->encodeRegion(QRect(60, 40, 150, 110));
    QCOMPARE(doc->session()->region(), QRect(60, 40, 150, 110));
    QTRY_VERIFY_WITH_TIMEOUT(doc->session()->regionReady(), 30000);
    QVERIFY(regions.size() >= 2);  // asked for, then ready

    clickImage(w, QPointF(130.5, 90.5));
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QVERIFY(doc->prediction()->predictionFromRegion());
    const BinaryMask mask = doc->prediction()->currentMask();
    QCOMPARE(mask.width(), 256);
    long outside = 0;
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x)
            if (mask.at(x, y) && !QRect(60, 40, 150, 110).contains(x, y))
                ++outside;
    QCOMPARE(outside, 0L);
    QVERIFY(w.document()->keepMask());
    QCOMPARE(int(doc->annotations()->annotations().objects.size()), 1);

    // Half a pixel past the region's right edge is outside it for the engine too: the click
    // goes to the whole image instead of failing against the region.
    QSignalSpy errors(doc, &AnnotationDocument::error);
    clickImage(w, QPointF(210.5, 90.5));
    QTRY_VERIFY(doc->prediction()->hasPrediction() && !doc->prediction()->predictionFromRegion());
    QCOMPARE(errors.size(), 0);
    QTest::keyClick(&w, Qt::Key_Escape);
    QVERIFY(doc->prediction()->prompts().isEmpty());

    // A point outside the region: the whole prompt set goes to the image's embedding.
    clickImage(w, QPointF(20.5, 20.5));
    QTRY_VERIFY(doc->prediction()->hasPrediction() && !doc->prediction()->predictionFromRegion());

    QTest::keyClick(&w, Qt::Key_R, Qt::ShiftModifier);
    QVERIFY(doc->session()->region().isNull());
    QVERIFY(!doc->session()->regionReady());
    // The view's own region: the whole image fits the window, so R covers all of it.
    QTest::keyClick(&w, Qt::Key_R);
    QCOMPARE(doc->session()->region(), QRect(0, 0, 256, 192));
}

// Model > Encode the Visible Region Automatically: off, a zoomed view is left alone; on, the view
// the user rests on is encoded alone in the background and prompts inside it use it; prompts
// being placed keep their region; after Keep, the next view gets its own. Remembered.
void TestSamWindow::regionEncodedWhenTheViewRests() {
    MainWindow& w = *m_window;
    AnnotationDocument* doc = w.document();
    // 600 x 450: larger than the tiny model's input (256), so a region shows SAM more.
    QVERIFY(openScaledImageA(QSize(600, 450)));
    WAIT_SAM_READY(w);
    auto* autoRegion = w.findChild<QAction*>(QStringLiteral("autoRegion"));
    QVERIFY(autoRegion);
    QVERIFY(!autoRegion->isChecked());  // off by default
    w.canvas()->showImageArea(QRectF(200, 150, 200, 150));
    QTest::qWait(CanvasView::kViewRestMs + 300);
    QVERIFY(doc->session()->region().isNull());

    autoRegion->setChecked(true);  // looks at the view at once
    QTRY_VERIFY_WITH_TIMEOUT(doc->session()->regionReady(), 30000);
    QVERIFY(doc->session()->regionInBackground());
    const QRect first = doc->session()->region();
    QCOMPARE(first, w.canvas()->visibleImageRect().intersected(QRect(0, 0, 600, 450)));
    QVERIFY(std::max(first.width(), first.height()) <= 300);
    clickImage(w, QRectF(first).center());
    QTRY_VERIFY(doc->prediction()->hasPrediction());
    QVERIFY(doc->prediction()->predictionFromRegion());

    // With prompts placed, another view rests without a new region.
    w.canvas()->showImageArea(QRectF(20, 20, 150, 110));
    QTest::qWait(CanvasView::kViewRestMs + 300);
    QCOMPARE(doc->session()->region(), first);
    QVERIFY(doc->session()->regionReady());
    // Kept: the view it rests on now gets its own region.
    QVERIFY(doc->keepMask());
    QTRY_VERIFY_WITH_TIMEOUT(doc->session()->region() != first && doc->session()->regionReady(),
                             30000);
    QVERIFY(doc->session()->region().intersects(QRect(20, 20, 150, 110)));
    // The whole image in view: nothing to gain, the region stays as it is.
    const QRect second = doc->session()->region();
    w.canvas()->zoomToFit();
    QTest::qWait(CanvasView::kViewRestMs + 300);
    QCOMPARE(doc->session()->region(), second);
    QVERIFY(AppSettings().autoRegionEncoding());
    autoRegion->setChecked(false);
    QVERIFY(!AppSettings().autoRegionEncoding());
}

QTEST_MAIN(TestSamWindow)
#include "tst_samwindow.moc"
