// AnnotationDocument: the parts wired together, and the operations that change more than one.
#include "core/document/annotationdocument.h"

#include <QFileInfo>

#include <cmath>

#include "core/document/inferenceworker.h"
#include "core/document/maskpatchcommand.h"
#include "core/document/objectscommand.h"
#include "core/document/promptcommand.h"

namespace samdesk {

AnnotationDocument::AnnotationDocument(EngineFactory factory, QObject* parent)
    : QObject(parent)
    , m_session(std::make_unique<DocumentSession>(std::move(factory)))
    , m_annotations(std::make_unique<DocumentAnnotations>(m_session.get()))
    , m_prediction(std::make_unique<DocumentPrediction>(m_session.get(), m_annotations.get(),
                                                        m_annotations->undoStack()))
    , m_proposals(std::make_unique<DocumentProposals>(m_session.get(), m_annotations.get())) {
    connect(m_session.get(), &DocumentSession::message, this, &AnnotationDocument::message);
    connect(m_session.get(), &DocumentSession::error, this, &AnnotationDocument::error);
    connect(m_annotations.get(), &DocumentAnnotations::message, this, &AnnotationDocument::message);
    connect(m_annotations.get(), &DocumentAnnotations::error, this, &AnnotationDocument::error);
    connect(m_prediction.get(), &DocumentPrediction::message, this, &AnnotationDocument::message);
    connect(m_prediction.get(), &DocumentPrediction::error, this, &AnnotationDocument::error);
    connect(m_proposals.get(), &DocumentProposals::message, this, &AnnotationDocument::message);
    connect(m_proposals.get(), &DocumentProposals::error, this, &AnnotationDocument::error);
    connect(m_session->worker(), &InferenceWorker::stepsDecoded, this,
            &AnnotationDocument::onRerunDecoded);
    connect(m_session->worker(), &InferenceWorker::stepsFailed, this,
            &AnnotationDocument::onRerunFailed);
}

AnnotationDocument::~AnnotationDocument() {
    flush();
}

void AnnotationDocument::flush() {
    m_annotations->flush();
}

// ---- Images -----------------------------------------------------------------------------------

bool AnnotationDocument::show(int index) {
    if (!m_session->showImage(index))
        return false;
    if (rerunning()) {  // its results are for the image left
        m_session->worker()->cancelSteps();
        m_rerunPending.clear();
        m_rerunDone.clear();
    }
    m_prediction->resetForImage();
    m_proposals->resetForImage();
    m_annotations->loadForCurrentImage();
    m_session->announceImage();
    m_annotations->announce();
    m_prediction->announce();
    m_session->requestEncode();
    return true;
}

bool AnnotationDocument::openImage(const QString& path) {
    const QFileInfo info(path);
    const QString abs = path.startsWith(QLatin1String(":/")) ? path : info.absoluteFilePath();
    flush();
    ImageFolder previous = m_session->images();
    m_session->setImages(ImageFolder::single(abs));
    if (!show(0)) {
        m_session->setImages(std::move(previous));
        return false;
    }
    m_annotations->loadLabels();
    m_session->announceImageList();
    return true;
}

bool AnnotationDocument::openFolder(const QString& folder, const QString& select) {
    auto opened = ImageFolder::open(folder);
    if (!opened) {
        Q_EMIT error(QString::fromStdString(opened.error().message));
        return false;
    }
    flush();
    ImageFolder previous = m_session->images();
    m_session->setImages(std::move(opened.value()));
    const int count = m_session->images().count();
    const int first = select.isEmpty() ? 0 : std::max(0, m_session->images().indexOf(select));
    // The first image that opens: an unreadable file must not make the whole folder unusable.
    bool shown = false;
    for (int i = 0; i < count && !shown; ++i)
        shown = show((first + i) % count);
    if (!shown) {
        m_session->setImages(std::move(previous));
        return false;
    }
    m_annotations->loadLabels();
    m_session->announceImageList();
    return true;
}

bool AnnotationDocument::setCurrentIndex(int index) {
    if (index < 0 || index >= m_session->images().count())
        return false;
    if (index == m_session->currentIndex())
        return true;
    flush();
    return show(index);
}

bool AnnotationDocument::next() {
    const int i = m_session->currentIndex();
    return i + 1 < m_session->images().count() && setCurrentIndex(i + 1);
}

bool AnnotationDocument::previous() {
    const int i = m_session->currentIndex();
    return i > 0 && setCurrentIndex(i - 1);
}

void AnnotationDocument::reencode() {
    m_session->requestEncode();
    m_prediction->scheduleDecode();
}

bool AnnotationDocument::encodeViewInBackground(const QRect& visible) {
    if (!m_prediction->prompts().isEmpty() || m_prediction->refiningObject() != 0 || rerunning() ||
        m_proposals->busy() || m_proposals->pendingCount() > 0)
        return false;
    return m_session->encodeRegionInBackground(visible);
}

// ---- Objects ----------------------------------------------------------------------------------

bool AnnotationDocument::keepMask() {
    DocumentPrediction& p = *m_prediction;
    const BinaryMask& mask = p.currentMask();
    if (mask.isNull() || mask.isEmpty() || p.predictionIsHover()) {
        Q_EMIT message(tr("Nothing to keep: click on an object first"));
        return false;
    }
    const float score = p.candidateScore(p.selectedCandidate());
    const int refining = p.refiningObject();
    const AnnotationObject* old = refining ? m_annotations->find(refining) : nullptr;
    ObjectsCommand::Change change;
    AnnotationObject object;
    const QString current = m_annotations->currentLabel();
    const QString labelName = current.isEmpty() ? DocumentAnnotations::defaultLabel() : current;
    if (old) {
        object = *old;
        change.before = *old;
    } else {
        object.id = m_annotations->annotations().nextObjectId();
        object.label = labelName.toStdString();
    }
    const bool combining = p.combining();
    if (combining) {
        // Added to or cut from the object: its prompts no longer make its mask alone.
        object.mask = mask;
        object.handEdited = object.prompts.has_value();
    } else if (p.hasPrediction()) {
        object.mask = mask;
        object.source = m_session->isSam() ? source::kSam : source::kGrabCut;
        object.score = std::isnan(score) ? 0.0 : double(score);
        object.prompts = p.keptPrompts();
        object.handEdited = false;
    }
    change.id = object.id;
    change.after = object;
    const QString label = QString::fromStdString(object.label);
    QUndoStack* undo = undoStack();
    const QString verb = !old         ? tr("Keep %1 #%2")
                         : !combining ? tr("Refine %1 #%2")
                         : p.combineMode() == DocumentPrediction::CombineMode::Add
                             ? tr("Add to %1 #%2")
                             : tr("Cut from %1 #%2");
    undo->beginMacro(verb.arg(label).arg(object.id));
    if (!old)
        m_annotations->ensureLabel(labelName);
    undo->push(new ObjectsCommand(m_annotations.get(), QString(), {change}));
    undo->push(new PromptCommand(m_prediction.get(), QString(), p.prompts(), PromptState()));
    undo->endMacro();
    Q_EMIT message(old ? tr("Refined %1 #%2").arg(label).arg(object.id)
                       : tr("Kept %1 #%2 (%3 pixels)")
                             .arg(label)
                             .arg(object.id)
                             .arg(qulonglong(object.mask.area())));
    return true;
}

void AnnotationDocument::removeObject(int id) {
    const auto& objs = m_annotations->annotations().objects;
    for (int i = 0; i < int(objs.size()); ++i) {
        if (objs[std::size_t(i)].id != id)
            continue;
        ObjectsCommand::Change change;
        change.id = id;
        change.index = i;
        change.before = objs[std::size_t(i)];
        const QString text =
            tr("Delete %1 #%2").arg(QString::fromStdString(objs[std::size_t(i)].label)).arg(id);
        QUndoStack* undo = undoStack();
        if (m_prediction->refiningObject() == id) {
            undo->beginMacro(text);
            undo->push(new PromptCommand(m_prediction.get(), QString(), m_prediction->prompts(),
                                         PromptState()));
            undo->push(new ObjectsCommand(m_annotations.get(), QString(), {change}));
            undo->endMacro();
        } else {
            undo->push(new ObjectsCommand(m_annotations.get(), text, {change}));
        }
        return;
    }
}

void AnnotationDocument::refineObject(int id) {
    const AnnotationObject* o = m_annotations->find(id);
    if (!o || m_prediction->refiningObject() == id)
        return;
    PromptState next;
    const bool fresh = m_prediction->combineMode() != DocumentPrediction::CombineMode::New;
    const EngineStatus& engine = m_session->engine();
    if (!fresh && !objectsWithPrompts({id}).isEmpty() && !o->handEdited)
        next = m_prediction->promptsFrom(*o->prompts, id);
    if (!fresh && engine.acceptsMaskInput && !o->mask.isNull() &&
        (next.isEmpty() || o->prompts->maskInput)) {
        // Its mask itself goes to SAM with the first new prompt (or with its kept prompts when
        // they were decoded with a mask input): the refinement starts from what was kept.
        next.hint = {std::make_shared<const LowResLogits>(maskToLowRes(
                         o->mask.data(), o->mask.width(), o->mask.height(), engine.maskFrame)),
                     m_session->engineGeneration(), m_session->imageKey()};
    }
    next.refiningObject = id;
    if (!fresh && o->handEdited)
        Q_EMIT message(tr("#%1 was edited by hand: its mask is shown, its kept prompts stay for "
                          "Re-run SAM")
                           .arg(id));
    m_prediction->pushPrompts(tr("Refine #%1").arg(id), std::move(next));
}

// ---- Editing masks by hand ----------------------------------------------------------------------

int AnnotationDocument::editTarget(int selected) const {
    if (const int r = m_prediction->refiningObject(); r && m_annotations->find(r))
        return r;
    return selected && m_annotations->find(selected) ? selected : 0;
}

bool AnnotationDocument::pushMaskEdit(int id, const QString& text, const BinaryMask& before,
                                      const BinaryMask& after, PixelRect touched) {
    const AnnotationObject* o = m_annotations->find(id);
    if (!o || touched.isEmpty())
        return false;
    MaskPatchCommand::Patch b{cropMask(before, touched), o->handEdited};
    MaskPatchCommand::Patch a{cropMask(after, touched), o->prompts.has_value()};
    if (b.pixels == a.pixels)
        return false;
    undoStack()->push(new MaskPatchCommand(m_annotations.get(), text, id, touched.x, touched.y,
                                           std::move(b), std::move(a)));
    return true;
}

int AnnotationDocument::paintStroke(int target, const std::vector<StrokePoint>& points,
                                    double radius, bool erase) {
    const QImage& image = m_session->image();
    if (image.isNull() || points.empty())
        return 0;
    const PixelRect bounds = strokeBounds(points, radius, image.width(), image.height());
    if (bounds.isEmpty())
        return 0;
    QUndoStack* undo = undoStack();
    const QString text = erase ? tr("Erase") : tr("Brush");
    // The stroke on object `id`: only the rectangle it touched goes into the undo step.
    auto strokeOn = [&](int id, const QString& stepText) {
        const AnnotationObject* o = m_annotations->find(id);
        BinaryMask patch = cropMask(o->mask, bounds);
        const BinaryMask before = patch;
        std::vector<StrokePoint> local(points);
        for (auto& p : local)
            p = {p.x - bounds.x, p.y - bounds.y};
        samdesk::paintStroke(patch, local, radius, !erase);
        if (patch == before)
            return false;
        undo->push(new MaskPatchCommand(m_annotations.get(), stepText, id, bounds.x, bounds.y,
                                        {before, o->handEdited},
                                        {std::move(patch), o->prompts.has_value()}));
        return true;
    };
    if (m_prediction->hasPrediction() && !m_prediction->predictionIsHover()) {
        // A mask from prompts that is not kept yet: kept first, as Enter would, then painted on.
        const int refining = m_prediction->refiningObject();
        const int kept = refining && m_annotations->find(refining)
                             ? refining
                             : m_annotations->annotations().nextObjectId();
        undo->beginMacro(text);
        const bool ok = keepMask() && m_annotations->find(kept);
        if (ok)
            strokeOn(kept, QString());
        undo->endMacro();
        return ok ? kept : 0;
    }
    if (const int id = editTarget(target))
        return strokeOn(id, text) ? id : 0;
    if (erase)
        return 0;
    // Nothing to paint on: the stroke starts a new object.
    AnnotationObject object;
    object.id = m_annotations->annotations().nextObjectId();
    const QString current = m_annotations->currentLabel();
    const QString labelName = current.isEmpty() ? DocumentAnnotations::defaultLabel() : current;
    object.label = labelName.toStdString();
    object.mask = BinaryMask(image.width(), image.height());
    samdesk::paintStroke(object.mask, points, radius, true);
    object.source = source::kBrush;
    object.score = 1.0;
    ObjectsCommand::Change change;
    change.id = object.id;
    change.after = std::move(object);
    undo->beginMacro(tr("Brush %1 #%2").arg(labelName).arg(change.id));
    m_annotations->ensureLabel(labelName);
    undo->push(new ObjectsCommand(m_annotations.get(), QString(), {change}));
    undo->endMacro();
    return change.id;
}

bool AnnotationDocument::cleanUpObject(int id, CleanUp op, std::size_t minArea) {
    const AnnotationObject* o = m_annotations->find(id);
    if (!o || o->mask.isNull())
        return false;
    BinaryMask after = o->mask;
    std::size_t n = 0;
    QString text;
    switch (op) {
        case CleanUp::FillHoles:
            n = fillHoles(after);
            text = tr("Fill holes of #%1").arg(id);
            break;
        case CleanUp::RemoveIslands:
            n = removeIslands(after, minArea);
            text = tr("Remove islands of #%1").arg(id);
            break;
        case CleanUp::KeepLargestPart:
            n = keepLargestPart(after);
            text = tr("Keep the largest part of #%1").arg(id);
            break;
    }
    if (n == 0) {
        Q_EMIT message(tr("Nothing to clean up in #%1").arg(id));
        return false;
    }
    // Only the rectangle that changed goes into the undo history.
    const PixelRect touched = o->mask.boundingBox();
    PixelRect all = touched;
    const PixelRect grown = after.boundingBox();
    if (!grown.isEmpty()) {
        const int x0 = std::min(all.x, grown.x), y0 = std::min(all.y, grown.y);
        const int x1 = std::max(all.x + all.width, grown.x + grown.width);
        const int y1 = std::max(all.y + all.height, grown.y + grown.height);
        all = {x0, y0, x1 - x0, y1 - y0};
    }
    const bool pushed = pushMaskEdit(id, text, o->mask, after, all);
    if (pushed)
        Q_EMIT message(tr("%1: %2 pixels changed").arg(text).arg(qulonglong(n)));
    return pushed;
}

bool AnnotationDocument::combineObjects(int first, int second, MaskOp op) {
    const AnnotationObject* a = m_annotations->find(first);
    const AnnotationObject* b = m_annotations->find(second);
    if (!a || !b || first == second)
        return false;
    auto mask = combineMasks(a->mask, b->mask, op);
    if (!mask) {
        Q_EMIT error(QString::fromStdString(mask.error().message));
        return false;
    }
    const auto& objs = m_annotations->annotations().objects;
    QVector<ObjectsCommand::Change> changes;
    ObjectsCommand::Change ca;
    ca.id = first;
    ca.before = *a;
    AnnotationObject after = *a;
    after.mask = std::move(mask.value());
    after.handEdited = after.prompts.has_value();
    ca.after = std::move(after);
    changes.append(std::move(ca));
    if (op != MaskOp::Subtract) {
        ObjectsCommand::Change cb;
        cb.id = second;
        for (int i = 0; i < int(objs.size()); ++i)
            if (objs[std::size_t(i)].id == second)
                cb.index = i;
        cb.before = *b;
        changes.append(std::move(cb));
    }
    const QString text = op == MaskOp::Union      ? tr("Union of #%1 and #%2")
                         : op == MaskOp::Subtract ? tr("#%1 minus #%2")
                                                  : tr("Intersection of #%1 and #%2");
    QUndoStack* undo = undoStack();
    const bool refiningGone = op != MaskOp::Subtract && m_prediction->refiningObject() == second;
    undo->beginMacro(text.arg(first).arg(second));
    if (refiningGone)
        undo->push(new PromptCommand(m_prediction.get(), QString(), m_prediction->prompts(),
                                     PromptState()));
    undo->push(new ObjectsCommand(m_annotations.get(), QString(), changes));
    undo->endMacro();
    return true;
}

// ---- Re-running kept prompts ------------------------------------------------------------------

QList<int> AnnotationDocument::objectsWithPrompts(const QList<int>& ids) const {
    QList<int> out;
    for (int id : ids)
        if (const AnnotationObject* o = m_annotations->find(id);
            o && o->prompts && (!o->prompts->points.empty() || o->prompts->box))
            out.append(id);
    return out;
}

QList<int> AnnotationDocument::handEditedObjects(const QList<int>& ids) const {
    QList<int> out;
    for (int id : objectsWithPrompts(ids))
        if (m_annotations->find(id)->handEdited)
            out.append(id);
    return out;
}

namespace {

// The decodes that make an object's mask from its kept prompts: one, or (when it was made with
// SAM's refinement loop) one per point in the order placed, each fed the mask before it.
std::vector<PromptSet> rerunSteps(const ObjectPrompts& kept) {
    const std::size_t n = kept.points.size();
    std::vector<PromptSet> steps;
    // Without the refinement loop the kept prompts decode at once; with it, point by point (a
    // box first: drawing one starts a new outline).
    if (kept.maskInput && kept.box && n > 0) {
        PromptSet box;
        box.box = kept.box;
        box.multimask = false;
        steps.push_back(std::move(box));
    }
    for (std::size_t k = kept.maskInput && (n > 1 || kept.box) ? 1 : n; k <= n; ++k) {
        PromptSet set;
        set.points.assign(kept.points.begin(), kept.points.begin() + std::ptrdiff_t(k));
        set.box = kept.box;
        set.multimask = set.points.size() == 1 && !set.box;
        steps.push_back(std::move(set));
        if (n == 0)
            break;
    }
    return steps;
}

}  // namespace

int AnnotationDocument::rerunObjects(const QList<int>& ids, bool includeHandEdited) {
    if (rerunning() || m_session->encodeState() != DocumentSession::EncodeState::Ready)
        return 0;
    m_rerunDone.clear();
    m_rerunFailed = 0;
    m_rerunImageKey = m_session->imageKey();
    for (int id : objectsWithPrompts(ids)) {
        const AnnotationObject* o = m_annotations->find(id);
        if (o->handEdited && !includeHandEdited)
            continue;
        StepsRequest request;
        request.id = m_nextRerunId++;
        request.imageKey = m_prediction->sessionKeyFor(o->prompts->points, o->prompts->box);
        request.steps = rerunSteps(*o->prompts);
        m_rerunPending.insert(request.id, id);
        m_session->worker()->requestSteps(request);
    }
    return int(m_rerunPending.size());
}

void AnnotationDocument::onRerunDecoded(const DecodeResultPtr& result) {
    const auto it = m_rerunPending.constFind(result->requestId);
    if (it == m_rerunPending.constEnd())
        return;
    m_rerunDone.insert(it.value(), result);
    m_rerunPending.erase(it);
    if (m_rerunPending.isEmpty())
        finishRerun();
}

void AnnotationDocument::onRerunFailed(quint64 id, const QString& key, const QString& text) {
    (void)key;
    if (!m_rerunPending.remove(id))
        return;
    ++m_rerunFailed;
    Q_EMIT error(tr("Re-run SAM: %1").arg(text));
    if (m_rerunPending.isEmpty())
        finishRerun();
}

void AnnotationDocument::finishRerun() {
    QVector<ObjectsCommand::Change> changes;
    const EngineStatus& engine = m_session->engine();
    for (auto it = m_rerunDone.constBegin(); it != m_rerunDone.constEnd(); ++it) {
        const AnnotationObject* o = m_annotations->find(it.key());
        if (!o || !o->prompts)
            continue;  // deleted while it ran
        const SegmentResult& r = it.value()->result;
        const int c = std::clamp(o->prompts->candidate, 0, int(r.candidates.size()) - 1);
        const LogitMap logits = r.fullLogits(c);
        auto mask = BinaryMask::fromBytes(logits.width(), logits.height(),
                                          logits.mask(float(o->prompts->threshold)));
        if (!mask || mask->width() != o->mask.width() || mask->height() != o->mask.height())
            continue;
        AnnotationObject after = *o;
        after.mask = std::move(mask.value());
        after.handEdited = false;
        after.prompts->candidate = c;
        after.prompts->engine = engine.name.toStdString();
        after.prompts->checkpoint = engine.report ? engine.report->fingerprint : std::string();
        const float score = r.candidates[std::size_t(c)].score;
        after.score = std::isnan(score) ? o->score : double(score);
        if (after == *o)
            continue;
        ObjectsCommand::Change change;
        change.id = o->id;
        change.before = *o;
        change.after = std::move(after);
        changes.append(std::move(change));
    }
    m_rerunDone.clear();
    if (!changes.isEmpty())
        undoStack()->push(new ObjectsCommand(
            m_annotations.get(), tr("Re-run SAM on %n object(s)", "", changes.size()), changes));
    Q_EMIT message(tr("Re-run with %1: %2 mask(s) changed%3")
                       .arg(engine.name)
                       .arg(changes.size())
                       .arg(m_rerunFailed ? tr(", %1 failed").arg(m_rerunFailed) : QString()));
    Q_EMIT rerunFinished(int(changes.size()), m_rerunFailed);
}

}  // namespace samdesk
