// The document's "segment everything" proposals for the current image: the run on the inference
// thread (waiting for the image's encoding, with progress and Cancel), the masks it proposes with
// their outlines, and the review: a proposal accepted becomes an ordinary object with the current
// label, a rejected one goes away; each accept or reject is one undo step that also brings the
// proposals back on undo. A new image or a new run replaces the proposals. QtCore/QtGui only.
//
// Coordinates: original image pixels. Thread affinity: the UI thread.
#pragma once

#include <QList>
#include <QObject>
#include <QRectF>
#include <QString>
#include <QVector>

#include <vector>

#include "core/annotation/polygon.h"
#include "core/common/automask.h"
#include "core/document/inferencetypes.h"

namespace samdesk {

class DocumentAnnotations;
class DocumentSession;

class DocumentProposals : public QObject {
    Q_OBJECT
public:
    // Idle: nothing asked; Waiting: for the image's encoding; Running: on the inference thread;
    // Ready: proposals are in (possibly none); Failed and Cancelled: the last run's end.
    enum class State { Idle, Waiting, Running, Ready, Failed, Cancelled };
    Q_ENUM(State)
    enum class Status { Pending, Accepted, Rejected };

    struct Proposal {
        AutoMask mask;
        std::vector<Polygon> outline;  // outer rings of its parts (display)
        Status status = Status::Pending;
        int objectId = 0;  // the object it became (Accepted)
    };

    DocumentProposals(DocumentSession* session, DocumentAnnotations* annotations,
                      QObject* parent = nullptr);
    ~DocumentProposals() override;

    // The generator's parameters for the next run (the original's defaults until set).
    const AutoMaskParams& params() const { return m_params; }
    void setParams(const AutoMaskParams& params) { m_params = params; }

    // Segment everything on the current image (now, or once it is encoded). False, with an
    // error(), when there is no image, the engine is not SAM or the parameters are wrong.
    bool run();
    // Stops the run (or the wait); the proposals of an earlier run stay.
    void cancel();
    State state() const { return m_state; }
    bool busy() const { return m_state == State::Waiting || m_state == State::Running; }
    // The running step and the total (encoder blocks and decoder batches; 0, 0 when unknown).
    int progressDone() const { return m_done; }
    int progressTotal() const { return m_total; }
    // Milliseconds of the last run on the inference thread, and from run() to Ready.
    double lastRunMs() const { return m_runMs; }
    double lastReadyMs() const { return m_readyMs; }
    const AutoMaskStats& lastStats() const { return m_stats; }

    const QVector<Proposal>& proposals() const { return m_proposals; }
    int pendingCount() const;
    QList<int> pending() const;
    // Increases whenever the proposals are replaced (a new run, a new image, clear()).
    int generation() const { return m_generation; }

    // The pending proposal under pixel (x, y): the smallest one containing it; -1 when none.
    int proposalAt(double x, double y) const;
    // The pending proposals whose mask box lies inside `rect` (image pixels).
    QList<int> proposalsInside(const QRectF& rect) const;

    // Accepts proposals as objects with the current label (the default label when none), in
    // one undo step; returns the objects' ids. Proposals not pending are skipped.
    QList<int> accept(const QList<int>& indices);
    QList<int> acceptAll() { return accept(pending()); }
    // Rejects proposals (one undo step); returns how many were pending.
    int reject(const QList<int>& indices);
    int rejectAll() { return reject(pending()); }
    // Drops every proposal (no undo step) and stops a run.
    void clear();

    // ---- The folder's other images -------------------------------------------------------------
    // Segment everything on every other image of the folder, in the background, one image at a
    // time after the window's own work: each image's masks go into its saved annotations as
    // unlabelled objects (source "everything"; objects of an earlier run that nobody labelled or
    // edited are replaced: core/annotation/automaskmerge.h), which the window shows when the
    // image is opened. An image shown in the window when its turn comes is skipped (the window
    // holds its annotations). Returns the number of images queued; 0, with an error(), when
    // there are none or the engine is not SAM.
    int runFolder();
    void cancelFolder();
    bool folderBusy() const { return m_folderId != 0; }
    struct FolderSummary {
        int images = 0;  // queued
        int done = 0;    // gone through (added, skipped or failed)
        int objects = 0, replaced = 0, skipped = 0, failed = 0;
    };
    const FolderSummary& folderSummary() const { return m_folder; }

    // ---- For AnnotationDocument and the undo command ------------------------------------------
    void resetForImage();  // a new image: drop the proposals, stop a run
    // Sets the status of proposals of `generation` (ignored when the proposals were replaced).
    void applyStatus(int generation, const QList<int>& indices, Status status,
                     const QList<int>& objectIds);

Q_SIGNALS:
    void stateChanged(samdesk::DocumentProposals::State state);
    void progress(int done, int total);
    void proposalsChanged();
    // A run is done: `count` proposals in `milliseconds` (from run()).
    void finished(int count, double milliseconds);
    void message(const QString& text);
    void error(const QString& text);
    // The folder run: image `image` of `images` (0-based) at step `done` of `total`.
    void folderProgress(int image, int images, int done, int total);
    void folderFinished(bool cancelled);

private:
    void setState(State state);
    // Of `indices`, the pending proposals, each once, in the order given.
    QList<int> pendingOf(const QList<int>& indices) const;
    void startRun();
    void onEncoded();
    void onDone(const EverythingResultPtr& result);
    void onFailed(quint64 id, const QString& key, const QString& message, bool cancelled);
    void onProgress(quint64 id, int done, int total);

    DocumentSession* m_session;
    DocumentAnnotations* m_annotations;
    AutoMaskParams m_params;
    State m_state = State::Idle;
    QVector<Proposal> m_proposals;
    int m_generation = 0;
    quint64 m_nextId = 1;
    quint64 m_runningId = 0;  // the request in flight (0: none)
    QString m_runKey;         // the image it is for
    int m_done = 0, m_total = 0;
    double m_runMs = 0, m_readyMs = 0;
    AutoMaskStats m_stats;
    qint64 m_startedAt = 0;  // QDateTime ms of run()
    quint64 m_folderId = 0;  // the folder run in flight (0: none)
    FolderSummary m_folder;
    QVector<int> m_folderIndices;  // the run's items as indices of the image list
    QString m_folderRoot;          // the folder it runs on
};

}  // namespace samdesk
