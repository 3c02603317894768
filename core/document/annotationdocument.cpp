// AnnotationDocument: the parts wired together, and the operations that change more than one.
#include "core/document/annotationdocument.h"

#include <QFileInfo>

#include <cmath>

#include "core/document/objectscommand.h"
#include "core/document/promptcommand.h"

namespace samdesk {

AnnotationDocument::AnnotationDocument(EngineFactory factory, QObject* parent)
    : QObject(parent)
    , m_session(std::make_unique<DocumentSession>(std::move(factory)))
    , m_annotations(std::make_unique<DocumentAnnotations>(m_session.get()))
    , m_prediction(std::make_unique<DocumentPrediction>(m_session.get(), m_annotations.get(),
                                                        m_annotations->undoStack())) {
    connect(m_session.get(), &DocumentSession::message, this, &AnnotationDocument::message);
    connect(m_session.get(), &DocumentSession::error, this, &AnnotationDocument::error);
    connect(m_annotations.get(), &DocumentAnnotations::message, this, &AnnotationDocument::message);
    connect(m_annotations.get(), &DocumentAnnotations::error, this, &AnnotationDocument::error);
    connect(m_prediction.get(), &DocumentPrediction::message, this, &AnnotationDocument::message);
    connect(m_prediction.get(), &DocumentPrediction::error, this, &AnnotationDocument::error);
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
    m_prediction->resetForImage();
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
    if (p.hasPrediction()) {
        object.mask = mask;
        object.source = m_session->isSam() ? source::kSam : source::kGrabCut;
        object.score = std::isnan(score) ? 0.0 : double(score);
    }
    change.id = object.id;
    change.after = object;
    const QString label = QString::fromStdString(object.label);
    QUndoStack* undo = undoStack();
    undo->beginMacro(old ? tr("Refine %1 #%2").arg(label).arg(object.id)
                         : tr("Keep %1 #%2").arg(label).arg(object.id));
    if (!old)
        m_annotations->ensureLabel(labelName);
    undo->push(new ObjectsCommand(m_annotations.get(), QString(), {change}));
    PromptState kept = p.prompts();
    kept.refiningObject = 0;
    m_annotations->rememberPrompts(object.id, kept);
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
    const auto known = m_annotations->promptsOf(id);
    PromptState next = known.value_or(PromptState());
    const EngineStatus& engine = m_session->engine();
    if (!known && engine.acceptsMaskInput && !o->mask.isNull()) {
        // Kept in an earlier session: its prompts are gone, so its mask itself goes to SAM with
        // the first new prompt.
        next.hint = {std::make_shared<const LowResLogits>(maskToLowRes(
                         o->mask.data(), o->mask.width(), o->mask.height(), engine.maskFrame)),
                     m_session->engineGeneration(), m_session->imageKey()};
    }
    next.refiningObject = id;
    m_prediction->pushPrompts(tr("Refine #%1").arg(id), std::move(next));
}

}  // namespace samdesk
