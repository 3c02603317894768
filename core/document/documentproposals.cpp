// DocumentProposals: segment everything on the inference thread, and the review of its masks.
#include "core/document/documentproposals.h"

#include <QDateTime>
#include <QUndoCommand>

#include <algorithm>
#include <cmath>

#include "core/annotation/automaskshapes.h"
#include "core/document/documentannotations.h"
#include "core/document/documentsession.h"
#include "core/document/inferenceworker.h"
#include "core/document/objectscommand.h"

namespace samdesk {

namespace {

// Accepting or rejecting proposals: their status before and after, for the proposals of one
// run (a later run or image makes it a no-op; the objects part of an accept is its own command).
class ProposalStatusCommand : public QUndoCommand {
public:
    ProposalStatusCommand(DocumentProposals* proposals, const QList<int>& indices,
                          DocumentProposals::Status status, const QList<int>& objectIds)
        : m_proposals(proposals)
        , m_generation(proposals->generation())
        , m_indices(indices)
        , m_status(status)
        , m_objectIds(objectIds) {}
    void redo() override {
        m_proposals->applyStatus(m_generation, m_indices, m_status, m_objectIds);
    }
    void undo() override {
        m_proposals->applyStatus(m_generation, m_indices, DocumentProposals::Status::Pending, {});
    }

private:
    DocumentProposals* m_proposals;
    int m_generation;
    QList<int> m_indices;
    DocumentProposals::Status m_status;
    QList<int> m_objectIds;
};

}  // namespace

DocumentProposals::DocumentProposals(DocumentSession* session, DocumentAnnotations* annotations,
                                     QObject* parent)
    : QObject(parent), m_session(session), m_annotations(annotations) {
    InferenceWorker* worker = m_session->worker();
    connect(worker, &InferenceWorker::everythingDone, this, &DocumentProposals::onDone,
            Qt::QueuedConnection);
    connect(worker, &InferenceWorker::everythingFailed, this, &DocumentProposals::onFailed,
            Qt::QueuedConnection);
    connect(worker, &InferenceWorker::everythingProgress, this, &DocumentProposals::onProgress,
            Qt::QueuedConnection);
    connect(m_session, &DocumentSession::encoded, this, &DocumentProposals::onEncoded);
    connect(worker, &InferenceWorker::folderEverythingProgress, this,
            [this](quint64 id, int image, int images, int done, int total) {
                if (id == m_folderId)
                    Q_EMIT folderProgress(image, images, done, total);
            });
    connect(worker, &InferenceWorker::folderEverythingImageDone, this,
            [this](const FolderEverythingImage& r) {
                if (r.requestId != m_folderId)
                    return;
                ++m_folder.done;
                if (!r.error.isEmpty()) {
                    ++m_folder.failed;
                    Q_EMIT error(tr("Segment everything on %1: %2").arg(r.imageFile, r.error));
                } else if (r.skipped) {
                    ++m_folder.skipped;
                } else {
                    m_folder.objects += r.added;
                    m_folder.replaced += r.replaced;
                    const int index =
                        r.index < m_folderIndices.size() ? m_folderIndices[r.index] : -1;
                    if (r.added > 0 && index >= 0 && m_session->images().root() == m_folderRoot)
                        m_session->markAnnotated(index);
                }
            });
    connect(worker, &InferenceWorker::folderEverythingFinished, this,
            [this](quint64 id, bool cancelled) {
                if (id != m_folderId)
                    return;
                m_folderId = 0;
                const FolderSummary& f = m_folder;
                Q_EMIT message(
                    tr("Segment everything on the folder%1: %2 of %3 images, %4 objects added "
                       "(%5 replaced), %6 skipped (open in the window), %7 failed")
                        .arg(cancelled ? tr(" cancelled") : QString())
                        .arg(f.done)
                        .arg(f.images)
                        .arg(f.objects)
                        .arg(f.replaced)
                        .arg(f.skipped)
                        .arg(f.failed));
                Q_EMIT folderFinished(cancelled);
            });
    // A run waiting for an encode that is cancelled or fails would wait for good.
    connect(m_session, &DocumentSession::encodeStateChanged, this,
            [this](DocumentSession::EncodeState state) {
                if (m_state != State::Waiting)
                    return;
                if (state == DocumentSession::EncodeState::Cancelled) {
                    setState(State::Cancelled);
                    Q_EMIT message(tr("Segment everything cancelled with the encoding"));
                } else if (state == DocumentSession::EncodeState::Failed) {
                    setState(State::Failed);
                    Q_EMIT error(tr("Segment everything: the image could not be encoded"));
                }
            });
}

DocumentProposals::~DocumentProposals() = default;

void DocumentProposals::setState(State state) {
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

bool DocumentProposals::run() {
    if (m_session->image().isNull()) {
        Q_EMIT error(tr("Segment everything: open an image first"));
        return false;
    }
    if (!m_session->isSam() && !m_session->engineLoading()) {
        Q_EMIT error(tr("Segment everything needs a SAM checkpoint: load one first"));
        return false;
    }
    if (auto st = checkAutoMaskParams(m_params); !st) {
        Q_EMIT error(tr("Segment everything: %1").arg(QString::fromStdString(st.error().message)));
        return false;
    }
    if (m_runningId)
        m_session->worker()->cancelEverything();
    m_runningId = 0;
    m_startedAt = QDateTime::currentMSecsSinceEpoch();
    m_done = m_total = 0;
    m_runKey = m_session->imageKey();
    if (m_session->encodeState() == DocumentSession::EncodeState::Ready &&
        !m_session->engineLoading()) {
        startRun();
    } else {
        setState(State::Waiting);
        if (m_session->encodeState() != DocumentSession::EncodeState::Encoding)
            m_session->requestEncode();
        Q_EMIT message(tr("Segment everything waits for the image's encoding"));
    }
    return true;
}

void DocumentProposals::startRun() {
    EverythingRequest request;
    request.id = m_nextId++;
    request.imageKey = m_runKey;
    request.image = m_session->image();
    request.params = m_params;
    m_runningId = request.id;
    setState(State::Running);
    m_session->worker()->requestEverything(request);
}

void DocumentProposals::onEncoded() {
    if (m_state != State::Waiting || m_session->imageKey() != m_runKey)
        return;
    if (m_session->encodeState() == DocumentSession::EncodeState::Ready &&
        !m_session->engineLoading())
        startRun();
}

void DocumentProposals::cancel() {
    if (!busy())
        return;
    if (m_runningId)
        m_session->worker()->cancelEverything();
    m_runningId = 0;
    setState(State::Cancelled);
    Q_EMIT message(tr("Segment everything cancelled"));
}

void DocumentProposals::onProgress(quint64 id, int done, int total) {
    if (id != m_runningId)
        return;
    m_done = done;
    m_total = total;
    Q_EMIT progress(done, total);
}

void DocumentProposals::onDone(const EverythingResultPtr& result) {
    if (!result || result->requestId != m_runningId || result->imageKey != m_session->imageKey())
        return;
    m_runningId = 0;
    m_proposals.clear();
    m_proposals.reserve(int(result->result.masks.size()));
    for (std::size_t i = 0; i < result->result.masks.size(); ++i) {
        if (result->result.masks[i].area == 0)
            continue;  // nothing to show or accept (a clean-up can empty a mask)
        Proposal p;
        p.mask = result->result.masks[i];
        if (i < result->outlines.size())
            p.outline = result->outlines[i];
        m_proposals.append(std::move(p));
    }
    ++m_generation;
    m_stats = result->result.stats;
    m_runMs = result->milliseconds;
    m_readyMs = double(QDateTime::currentMSecsSinceEpoch() - m_startedAt);
    setState(State::Ready);
    Q_EMIT proposalsChanged();
    Q_EMIT finished(int(m_proposals.size()), m_readyMs);
    Q_EMIT message(m_proposals.isEmpty()
                       ? tr("Segment everything found no mask (try lower thresholds)")
                       : tr("Segment everything: %n proposal(s) in %1 s; click to accept, "
                            "right-click to reject, Enter accepts all",
                            nullptr, int(m_proposals.size()))
                             .arg(m_readyMs / 1000.0, 0, 'f', 1));
}

void DocumentProposals::onFailed(quint64 id, const QString& key, const QString& text,
                                 bool cancelled) {
    (void)key;
    if (id != m_runningId)
        return;
    m_runningId = 0;
    if (cancelled) {
        setState(State::Cancelled);
        return;
    }
    setState(State::Failed);
    Q_EMIT error(tr("Segment everything failed: %1").arg(text));
}

int DocumentProposals::pendingCount() const {
    return int(std::count_if(m_proposals.begin(), m_proposals.end(),
                             [](const Proposal& p) { return p.status == Status::Pending; }));
}

QList<int> DocumentProposals::pending() const {
    QList<int> out;
    for (int i = 0; i < m_proposals.size(); ++i)
        if (m_proposals[i].status == Status::Pending)
            out.append(i);
    return out;
}

int DocumentProposals::proposalAt(double x, double y) const {
    const int ix = int(std::floor(x)), iy = int(std::floor(y));
    int best = -1;
    std::int64_t bestArea = 0;
    for (int i = 0; i < m_proposals.size(); ++i) {
        const Proposal& p = m_proposals[i];
        const AutoMask& m = p.mask;
        if (p.status != Status::Pending || ix < m.bbox[0] || iy < m.bbox[1] ||
            ix > m.bbox[0] + m.bbox[2] || iy > m.bbox[1] + m.bbox[3])
            continue;
        if (best >= 0 && m.area >= bestArea)
            continue;
        if (columnRleAt(m.counts, m.height, ix, iy)) {
            best = i;
            bestArea = m.area;
        }
    }
    return best;
}

QList<int> DocumentProposals::proposalsInside(const QRectF& rect) const {
    QList<int> out;
    const QRectF r = rect.normalized();
    for (int i = 0; i < m_proposals.size(); ++i) {
        const Proposal& p = m_proposals[i];
        const AutoMask& m = p.mask;
        // The box's pixels [x0, x0 + w] as the square they cover.
        const QRectF box(m.bbox[0], m.bbox[1], m.bbox[2] + 1, m.bbox[3] + 1);
        if (p.status == Status::Pending && m.area > 0 && r.contains(box))
            out.append(i);
    }
    return out;
}

QList<int> DocumentProposals::pendingOf(const QList<int>& indices) const {
    QList<int> chosen;
    for (const int i : indices)
        if (i >= 0 && i < m_proposals.size() && m_proposals[i].status == Status::Pending &&
            !chosen.contains(i))
            chosen.append(i);
    return chosen;
}

QList<int> DocumentProposals::accept(const QList<int>& indices) {
    const QList<int> chosen = pendingOf(indices);
    if (chosen.isEmpty())
        return {};
    const QString current = m_annotations->currentLabel();
    const QString labelName = current.isEmpty() ? DocumentAnnotations::defaultLabel() : current;
    const EngineStatus& engine = m_session->engine();
    QVector<ObjectsCommand::Change> changes;
    QList<int> ids;
    int nextId = m_annotations->annotations().nextObjectId();
    for (const int i : chosen) {
        const AutoMask& m = m_proposals[i].mask;
        AnnotationObject object =
            autoMaskObject(m, nextId++, labelName.toStdString(), engine.name.toStdString(),
                           engine.report ? engine.report->fingerprint : std::string());
        ObjectsCommand::Change change;
        change.id = object.id;
        change.after = std::move(object);
        changes.append(std::move(change));
        ids.append(change.id);
    }
    QUndoStack* undo = m_annotations->undoStack();
    undo->beginMacro(chosen.size() == 1
                         ? tr("Accept proposal as %1 #%2").arg(labelName).arg(ids[0])
                         : tr("Accept %1 proposals as %2").arg(chosen.size()).arg(labelName));
    m_annotations->ensureLabel(labelName);
    undo->push(new ObjectsCommand(m_annotations, QString(), changes));
    undo->push(new ProposalStatusCommand(this, chosen, Status::Accepted, ids));
    undo->endMacro();
    Q_EMIT message(tr("Accepted %n proposal(s) as %1; %2 left", nullptr, int(chosen.size()))
                       .arg(labelName)
                       .arg(pendingCount()));
    return ids;
}

int DocumentProposals::reject(const QList<int>& indices) {
    const QList<int> chosen = pendingOf(indices);
    if (chosen.isEmpty())
        return 0;
    auto* command = new ProposalStatusCommand(this, chosen, Status::Rejected, {});
    command->setText(tr("Reject %n proposal(s)", nullptr, int(chosen.size())));
    m_annotations->undoStack()->push(command);
    Q_EMIT message(
        tr("Rejected %n proposal(s); %1 left", nullptr, int(chosen.size())).arg(pendingCount()));
    return int(chosen.size());
}

void DocumentProposals::clear() {
    if (busy())
        cancel();
    if (m_proposals.isEmpty())
        return;
    m_proposals.clear();
    ++m_generation;
    setState(State::Idle);
    Q_EMIT proposalsChanged();
}

int DocumentProposals::runFolder() {
    const ImageFolder& folder = m_session->images();
    if (!m_session->isSam()) {
        Q_EMIT error(tr("Segment everything needs a SAM checkpoint: load one first"));
        return 0;
    }
    if (auto st = checkAutoMaskParams(m_params); !st) {
        Q_EMIT error(tr("Segment everything: %1").arg(QString::fromStdString(st.error().message)));
        return 0;
    }
    FolderEverythingRequest request;
    request.id = m_nextId++;
    request.params = m_params;
    request.store = folder.store();
    const EngineStatus& engine = m_session->engine();
    request.engine = engine.name.toStdString();
    request.fingerprint = engine.report ? engine.report->fingerprint : std::string();
    m_folderIndices.clear();
    for (int i = 0; i < folder.count(); ++i) {
        if (i == m_session->currentIndex())
            continue;  // its proposals are reviewed in the window (run())
        const QString path = folder.absolutePath(i);
        request.items.append({m_session->keyFor(path), path, folder.files()[i]});
        m_folderIndices.append(i);
    }
    if (request.items.isEmpty()) {
        Q_EMIT error(
            tr("Segment everything on the folder: no other image (use Segment "
               "Everything for this one)"));
        return 0;
    }
    m_folderId = request.id;
    m_folder = FolderSummary{};
    m_folder.images = int(request.items.size());
    m_folderRoot = folder.root();
    m_session->worker()->requestFolderEverything(request);
    Q_EMIT message(tr("Segment everything on %n other image(s) of the folder, in the background",
                      nullptr, m_folder.images));
    return m_folder.images;
}

void DocumentProposals::cancelFolder() {
    if (m_folderId)
        m_session->worker()->cancelFolderEverything();  // folderFinished(cancelled) follows
}

void DocumentProposals::resetForImage() {
    // Before the window reads the new image's annotations: a folder run leaves them alone.
    m_session->worker()->setShownImage(m_session->imageKey());
    if (m_runningId)
        m_session->worker()->cancelEverything();
    m_runningId = 0;
    const bool had = !m_proposals.isEmpty() || m_state != State::Idle;
    m_proposals.clear();
    ++m_generation;
    m_state = State::Idle;
    if (had) {
        Q_EMIT stateChanged(m_state);
        Q_EMIT proposalsChanged();
    }
}

void DocumentProposals::applyStatus(int generation, const QList<int>& indices, Status status,
                                    const QList<int>& objectIds) {
    if (generation != m_generation)
        return;
    for (int k = 0; k < indices.size(); ++k) {
        const int i = indices[k];
        if (i < 0 || i >= m_proposals.size())
            continue;
        m_proposals[i].status = status;
        m_proposals[i].objectId = k < objectIds.size() ? objectIds[k] : 0;
    }
    Q_EMIT proposalsChanged();
}

}  // namespace samdesk
