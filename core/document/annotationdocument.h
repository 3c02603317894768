// The annotation document: three parts with one job each, and the operations that span them.
//   DocumentSession      the images, the current image, the engine, encoding (ahead)
//   DocumentPrediction   the prompts, their decode, the mask candidates, threshold, hover
//   DocumentAnnotations  the objects and labels, the undo stack, the autosave
//   DocumentProposals    segment everything's proposals and their review
// Observers (the canvas, the panels) connect to the part they show. What changes more than one
// part goes through this class: switching images (save, reset, load, announce, encode), keeping
// the current mask as an object, reselecting an object to refine it, deleting the object being
// refined. Every edit is an undo step on the one undo stack. QtCore/QtGui only.
//
// Coordinates: original image pixels. Thread affinity: the UI thread; the inference thread's
// results arrive as queued signals carrying values (see DocumentSession).
#pragma once

#include <QObject>

#include <QHash>
#include <QList>

#include <memory>
#include <vector>

#include "core/annotation/maskedit.h"
#include "core/document/documentannotations.h"
#include "core/document/documentprediction.h"
#include "core/document/documentproposals.h"
#include "core/document/documentsession.h"

namespace samdesk {

class AnnotationDocument : public QObject {
    Q_OBJECT
public:
    // `factory` makes engines on the inference thread (createEngine in the app). The document
    // starts with GrabCut; call session()->loadCheckpoint() for SAM.
    explicit AnnotationDocument(EngineFactory factory, QObject* parent = nullptr);
    ~AnnotationDocument() override;

    DocumentSession* session() { return m_session.get(); }
    const DocumentSession* session() const { return m_session.get(); }
    DocumentPrediction* prediction() { return m_prediction.get(); }
    const DocumentPrediction* prediction() const { return m_prediction.get(); }
    DocumentAnnotations* annotations() { return m_annotations.get(); }
    const DocumentAnnotations* annotations() const { return m_annotations.get(); }
    // Segment everything's proposals for the current image, and their review.
    DocumentProposals* proposals() { return m_proposals.get(); }
    const DocumentProposals* proposals() const { return m_proposals.get(); }
    QUndoStack* undoStack() { return m_annotations->undoStack(); }

    // ---- Images -------------------------------------------------------------------------------
    // Opens one image (a file or a Qt resource). False (and an error() signal) when unreadable;
    // the current image stays.
    bool openImage(const QString& path);
    // Opens a folder's images and shows the first one that can be read (or `select` when it is
    // one of them). False, with error(), when none can; the current images stay.
    bool openFolder(const QString& folder, const QString& select = {});
    bool setCurrentIndex(int index);
    bool next();
    bool previous();

    // Encodes the current image again and decodes its prompts after it.
    void reencode();
    // The view rests on `visible` (image pixels): encodes it alone in the background when that
    // shows SAM more (DocumentSession::encodeRegionInBackground) and nothing is in progress on
    // the image: no prompts, no object being refined, no re-run, no segment-everything run or
    // proposals to review. True when started.
    bool encodeViewInBackground(const QRect& visible);

    // ---- Objects ------------------------------------------------------------------------------
    // Enter: stores the current mask as a new object with the current label (or as the new mask
    // of the object being refined: in Add and Subtract combined with it) and clears the prompts,
    // in one undo step. The object keeps the prompts that made it (AnnotationObject::prompts).
    // False when there is no mask.
    bool keepMask();
    // Reselects an object to refine it. In New mode its kept prompts come back (with the
    // candidate and threshold chosen then), unless it was edited by hand on top of them; else
    // its mask shows as the current mask (and, with SAM, goes with the first new prompt as the
    // mask input). In Add and Subtract the next prompts start afresh and their mask is combined
    // with it. Keep then replaces its mask.
    void refineObject(int id);
    // Deletes the object (and stops refining it when it is the one being refined).
    void removeObject(int id);

    // ---- Editing masks by hand (all at full resolution, each one undo step) ------------------
    // Where a hand edit goes: the object being refined, else `selected` (0: none).
    int editTarget(int selected) const;
    // A brush (or, with `erase`, eraser) stroke of `radius` along `points` (image pixels; see
    // paintStroke in core/annotation/maskedit.h) on object `target`. A mask from prompts not
    // kept yet is kept first (as Enter would) and painted on; with no target and no such mask,
    // a brush stroke starts a new object (source "brush"). Returns the object painted on, 0
    // when nothing changed (an eraser with nothing to erase).
    int paintStroke(int target, const std::vector<StrokePoint>& points, double radius, bool erase);
    enum class CleanUp { FillHoles, RemoveIslands, KeepLargestPart };
    // Cleans up object `id`'s mask; `minArea`: RemoveIslands' smallest part kept. False when
    // nothing changed.
    bool cleanUpObject(int id, CleanUp op, std::size_t minArea = 0);
    // `first` op `second` into `first` (Union and Intersect then delete `second`; Subtract keeps
    // it). False when either is missing or they are the same object.
    bool combineObjects(int first, int second, MaskOp op);

    // ---- Re-running kept prompts -------------------------------------------------------------
    // Decodes objects' kept prompts again with the engine loaded now (a fine-tune, say), in
    // the order they were placed (predictSteps), and replaces their masks in one undo step when
    // all are back (rerunFinished). Objects edited by hand on top of their prompts are left out
    // unless `includeHandEdited`. Returns how many objects are re-run (0: none has prompts,
    // the image is not encoded, or a re-run is running).
    int rerunObjects(const QList<int>& ids, bool includeHandEdited);
    bool rerunning() const { return !m_rerunPending.isEmpty(); }
    // Of `ids`, the objects with kept prompts, and those of them edited by hand.
    QList<int> objectsWithPrompts(const QList<int>& ids) const;
    QList<int> handEditedObjects(const QList<int>& ids) const;

    // Writes pending autosaves now (also done on image switch and destruction).
    void flush();

Q_SIGNALS:
    void message(const QString& text);  // for the status bar, from every part
    void error(const QString& text);    // something the user should see, from every part
    // A re-run is done: `changed` masks replaced (one undo step), `failed` decodes that failed.
    void rerunFinished(int changed, int failed);

private:
    bool show(int index);
    void onRerunDecoded(const DecodeResultPtr& result);
    void onRerunFailed(quint64 id, const QString& key, const QString& message);
    void finishRerun();
    // Pushes the change of `id`'s mask from `before` to `after` (same size) as a patch of the
    // rectangle that differs; false when nothing differs.
    bool pushMaskEdit(
        int id, const QString& text, const BinaryMask& before, const BinaryMask& after,
        PixelRect touched);  // the current image's work is saved; shows `index` of the list

    // Destroyed in reverse: the prediction and the annotations (whose destructor saves) go
    // before the session they read.
    std::unique_ptr<DocumentSession> m_session;
    std::unique_ptr<DocumentAnnotations> m_annotations;
    std::unique_ptr<DocumentPrediction> m_prediction;
    std::unique_ptr<DocumentProposals> m_proposals;

    // The re-run in progress: request id -> object id, and the results that are back.
    QHash<quint64, int> m_rerunPending;
    QHash<int, DecodeResultPtr> m_rerunDone;
    QString m_rerunImageKey;
    int m_rerunFailed = 0;
    quint64 m_nextRerunId = 1;
};

}  // namespace samdesk
