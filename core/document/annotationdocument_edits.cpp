// AnnotationDocument, part 2: every edit goes through an undo command (prompts, objects,
// labels); the commands call the apply*() functions, which change the state, autosave and notify.
#include <QFileInfo>

#include <cmath>

#include "core/document/annotationdocument.h"
#include "core/document/labelscommand.h"
#include "core/document/objectscommand.h"
#include "core/document/promptcommand.h"

namespace samdesk {

namespace {

QColor toQColor(const Rgb& c) {
    return QColor(c.r, c.g, c.b);
}

Rgb toRgb(const QColor& c) {
    return Rgb{std::uint8_t(c.red()), std::uint8_t(c.green()), std::uint8_t(c.blue())};
}

const QString kDefaultLabel = QStringLiteral("object");

}  // namespace

// ---- Prompts ----------------------------------------------------------------------------------

PromptState AnnotationDocument::withHint(PromptState state) const {
    // The refinement loop: the next prompt set carries the chosen candidate's low-res logits.
    // Without a prediction yet, a hint already there (an object reselected for refinement) stays.
    if (m_prediction && !m_predictionIsHover && m_selected < candidateCount()) {
        const auto& lowRes = m_prediction->result.candidates[std::size_t(m_selected)].lowRes;
        state.hint = lowRes.empty() ? MaskHint()
                                    : MaskHint{std::make_shared<const LowResLogits>(lowRes),
                                               m_engineGeneration};
    }
    return state;
}

void AnnotationDocument::pushPrompts(const QString& text, PromptState after, int mergeKey) {
    m_undo.push(new PromptCommand(this, text, m_prompts, std::move(after), mergeKey));
}

int AnnotationDocument::addPoint(QPointF position, bool foreground) {
    if (m_image.isNull())
        return 0;
    m_hoverTimer.stop();
    m_hoverPoint.reset();
    PromptState next = withHint(m_prompts);
    const int id = m_nextPointId++;
    next.points.append({id, position, foreground});
    pushPrompts(foreground ? tr("Add foreground point") : tr("Add background point"),
                std::move(next));
    return id;
}

void AnnotationDocument::movePoint(int id, QPointF position) {
    PromptState next = m_prompts;
    for (auto& p : next.points)
        if (p.id == id)
            p.position = position;
    if (next == m_prompts)
        return;
    next.hint = MaskHint();  // the old mask would pull the result back to where the point was
    pushPrompts(tr("Move point"), std::move(next), id);
}

void AnnotationDocument::setBox(const QRectF& box) {
    if (m_image.isNull())
        return;
    const QRectF clipped =
        box.normalized().intersected(QRectF(0, 0, m_image.width(), m_image.height()));
    if (clipped.width() < 1 || clipped.height() < 1)
        return;
    m_hoverPoint.reset();
    PromptState next = m_prompts;
    next.hint = MaskHint();  // a new box starts a new object outline
    next.box = clipped;
    pushPrompts(m_prompts.box ? tr("Change box") : tr("Draw box"), std::move(next));
}

void AnnotationDocument::removePrompt(int id) {
    PromptState next = m_prompts;
    if (id == PromptState::kBoxId) {
        if (!next.box)
            return;
        next.box.reset();
    } else {
        const auto before = next.points.size();
        next.points.removeIf([id](const PromptPointItem& p) { return p.id == id; });
        if (next.points.size() == before)
            return;
    }
    // Feeding back a mask made with the removed prompt would keep its effect.
    next.hint = MaskHint();
    pushPrompts(id == PromptState::kBoxId ? tr("Remove box") : tr("Remove point"), std::move(next));
}

void AnnotationDocument::clearPrompts() {
    if (m_prompts.isEmpty() && !m_prompts.refiningObject)
        return;
    pushPrompts(tr("Clear prompts"), PromptState());
}

void AnnotationDocument::applyPrompts(const PromptState& state) {
    m_prompts = state;
    Q_EMIT promptsChanged();
    scheduleDecode();
}

// ---- Objects ----------------------------------------------------------------------------------

QColor AnnotationDocument::objectColor(const AnnotationObject& object) const {
    if (object.color)
        return toQColor(*object.color);
    if (const Label* l = m_labels.find(object.label))
        return toQColor(l->color);
    return QColor(200, 200, 200);
}

bool AnnotationDocument::keepMask() {
    if (m_currentMask.isNull() || m_currentMask.isEmpty() || m_predictionIsHover) {
        Q_EMIT message(tr("Nothing to keep: click on an object first"));
        return false;
    }
    const float score = candidateScore(m_selected);
    const int refining = m_prompts.refiningObject;
    const AnnotationObject* old = refining ? m_annotations.find(refining) : nullptr;
    ObjectsCommand::Change change;
    AnnotationObject object;
    const QString labelName = m_currentLabel.isEmpty() ? kDefaultLabel : m_currentLabel;
    if (old) {
        object = *old;
        change.before = *old;
    } else {
        object.id = m_annotations.nextObjectId();
        object.label = labelName.toStdString();
    }
    if (m_prediction) {
        object.mask = m_currentMask;
        object.source = isSam() ? source::kSam : source::kGrabCut;
        object.score = std::isnan(score) ? 0.0 : double(score);
    }
    change.id = object.id;
    change.after = object;
    const QString label = QString::fromStdString(object.label);
    m_undo.beginMacro(old ? tr("Refine %1 #%2").arg(label).arg(object.id)
                          : tr("Keep %1 #%2").arg(label).arg(object.id));
    if (!old)
        ensureLabel(labelName);
    m_undo.push(new ObjectsCommand(this, QString(), {change}));
    PromptState kept = m_prompts;
    kept.refiningObject = 0;
    m_objectPrompts.insert(object.id, kept);
    m_undo.push(new PromptCommand(this, QString(), m_prompts, PromptState()));
    m_undo.endMacro();
    Q_EMIT message(old ? tr("Refined %1 #%2").arg(label).arg(object.id)
                       : tr("Kept %1 #%2 (%3 pixels)")
                             .arg(label)
                             .arg(object.id)
                             .arg(qulonglong(object.mask.area())));
    return true;
}

void AnnotationDocument::removeObject(int id) {
    const auto& objs = m_annotations.objects;
    for (int i = 0; i < int(objs.size()); ++i) {
        if (objs[std::size_t(i)].id != id)
            continue;
        ObjectsCommand::Change change;
        change.id = id;
        change.index = i;
        change.before = objs[std::size_t(i)];
        const QString text =
            tr("Delete %1 #%2").arg(QString::fromStdString(objs[std::size_t(i)].label)).arg(id);
        if (m_prompts.refiningObject == id) {
            m_undo.beginMacro(text);
            m_undo.push(new PromptCommand(this, QString(), m_prompts, PromptState()));
            m_undo.push(new ObjectsCommand(this, QString(), {change}));
            m_undo.endMacro();
        } else {
            m_undo.push(new ObjectsCommand(this, text, {change}));
        }
        return;
    }
}

void AnnotationDocument::setObjectLabel(int id, const QString& label) {
    const AnnotationObject* o = m_annotations.find(id);
    const QString name = label.trimmed();
    if (!o || name.isEmpty() || QString::fromStdString(o->label) == name)
        return;
    ObjectsCommand::Change change{id, -1, *o, *o};
    change.after->label = name.toStdString();
    m_undo.beginMacro(tr("Label #%1 as %2").arg(id).arg(name));
    if (!m_labels.find(name.toStdString())) {
        LabelSet after = m_labels;
        after.add(name.toStdString());
        m_undo.push(new LabelsCommand(this, QString(), m_labels, after));
    }
    m_undo.push(new ObjectsCommand(this, QString(), {change}));
    m_undo.endMacro();
}

void AnnotationDocument::setObjectColor(int id, std::optional<QColor> color) {
    const AnnotationObject* o = m_annotations.find(id);
    if (!o)
        return;
    ObjectsCommand::Change change{id, -1, *o, *o};
    change.after->color = color ? std::optional<Rgb>(toRgb(*color)) : std::nullopt;
    if (change.after->color == o->color)
        return;
    m_undo.push(new ObjectsCommand(this, tr("Recolour #%1").arg(id), {change}));
}

void AnnotationDocument::setObjectVisible(int id, bool visible) {
    const AnnotationObject* o = m_annotations.find(id);
    if (!o || o->visible == visible)
        return;
    ObjectsCommand::Change change{id, -1, *o, *o};
    change.after->visible = visible;
    m_undo.push(new ObjectsCommand(this, visible ? tr("Show #%1").arg(id) : tr("Hide #%1").arg(id),
                                   {change}));
}

void AnnotationDocument::refineObject(int id) {
    const AnnotationObject* o = m_annotations.find(id);
    if (!o || m_prompts.refiningObject == id)
        return;
    PromptState next = m_objectPrompts.value(id);
    if (!m_objectPrompts.contains(id) && m_engine.acceptsMaskInput && !o->mask.isNull()) {
        // Kept in an earlier session: its prompts are gone, so its mask itself goes to SAM with
        // the first new prompt.
        next.hint = {std::make_shared<const LowResLogits>(maskToLowRes(
                         o->mask.data(), o->mask.width(), o->mask.height(), m_engine.maskFrame)),
                     m_engineGeneration};
    }
    next.refiningObject = id;
    pushPrompts(tr("Refine #%1").arg(id), std::move(next));
}

void AnnotationDocument::applyObjects(const QVector<ObjectUpdate>& updates) {
    auto& objs = m_annotations.objects;
    for (const ObjectUpdate& u : updates) {
        auto it = std::find_if(objs.begin(), objs.end(),
                               [&](const AnnotationObject& o) { return o.id == u.id; });
        if (!u.object) {
            if (it != objs.end())
                objs.erase(it);
        } else if (it != objs.end()) {
            *it = *u.object;
        } else if (u.index >= 0 && u.index <= int(objs.size())) {
            objs.insert(objs.begin() + u.index, *u.object);
        } else {
            objs.push_back(*u.object);
        }
    }
    m_dirtyObjects = true;
    scheduleSave();
    Q_EMIT objectsChanged();
    if (m_prompts.refiningObject && !m_prediction)
        updateCurrentMask();
}

// ---- Labels -----------------------------------------------------------------------------------

void AnnotationDocument::loadLabels() {
    auto labels = m_folder.store().loadLabels();
    if (!labels)
        Q_EMIT error(QString::fromStdString(labels.error().message));
    LabelSet set = labels ? std::move(labels.value()) : LabelSet();
    // Objects may carry labels the set lost (a labels.json deleted by hand): list them again.
    for (const auto& o : m_annotations.objects)
        if (!o.label.empty())
            set.add(o.label);
    if (set.isEmpty())
        set.add(kDefaultLabel.toStdString());
    m_labels = std::move(set);
    m_dirtyLabels = false;
    Q_EMIT labelsChanged();
    if (!m_labels.find(m_currentLabel.toStdString()))
        setCurrentLabel(QString::fromStdString(m_labels.labels().front().name));
}

void AnnotationDocument::applyLabels(const LabelSet& labels) {
    m_labels = labels;
    m_dirtyLabels = true;
    scheduleSave();
    Q_EMIT labelsChanged();
    if (!m_labels.isEmpty() && !m_labels.find(m_currentLabel.toStdString()))
        setCurrentLabel(QString::fromStdString(m_labels.labels().front().name));
}

void AnnotationDocument::setCurrentLabel(const QString& label) {
    const QString name = label.trimmed();
    if (name.isEmpty())
        return;
    if (!m_labels.find(name.toStdString()))
        addLabel(name);
    if (m_currentLabel == name)
        return;
    m_currentLabel = name;
    Q_EMIT currentLabelChanged(name);
}

void AnnotationDocument::ensureLabel(const QString& name) {
    if (!m_labels.find(name.toStdString()))
        addLabel(name);
}

void AnnotationDocument::addLabel(const QString& name) {
    const std::string n = name.trimmed().toStdString();
    if (n.empty() || m_labels.find(n))
        return;
    LabelSet after = m_labels;
    after.add(n);
    m_undo.push(new LabelsCommand(this, tr("Add label %1").arg(name.trimmed()), m_labels, after));
}

bool AnnotationDocument::renameLabel(const QString& from, const QString& to) {
    const std::string f = from.toStdString(), t = to.trimmed().toStdString();
    LabelSet after = m_labels;
    if (!after.rename(f, t))
        return false;
    QVector<ObjectsCommand::Change> changes;
    for (const auto& o : m_annotations.objects) {
        if (o.label != f)
            continue;
        ObjectsCommand::Change c{o.id, -1, o, o};
        c.after->label = t;
        changes.append(std::move(c));
    }
    m_undo.beginMacro(tr("Rename label %1 to %2").arg(from, to.trimmed()));
    m_undo.push(new LabelsCommand(this, QString(), m_labels, after));
    if (!changes.isEmpty())
        m_undo.push(new ObjectsCommand(this, QString(), changes));
    m_undo.endMacro();
    if (m_currentLabel == from)
        setCurrentLabel(to.trimmed());
    return true;
}

void AnnotationDocument::setLabelColor(const QString& name, const QColor& color) {
    LabelSet after = m_labels;
    if (!after.setColor(name.toStdString(), toRgb(color)) || after == m_labels)
        return;
    m_undo.push(new LabelsCommand(this, tr("Recolour label %1").arg(name), m_labels, after));
}

void AnnotationDocument::removeLabel(const QString& name) {
    const std::string n = name.toStdString();
    LabelSet after = m_labels;
    if (!after.remove(n))
        return;
    QVector<ObjectsCommand::Change> changes;
    for (const auto& o : m_annotations.objects) {
        if (o.label != n)
            continue;
        ObjectsCommand::Change c{o.id, -1, o, o};
        c.after->label.clear();
        changes.append(std::move(c));
    }
    m_undo.beginMacro(tr("Remove label %1").arg(name));
    if (!changes.isEmpty())
        m_undo.push(new ObjectsCommand(this, QString(), changes));
    m_undo.push(new LabelsCommand(this, QString(), m_labels, after));
    m_undo.endMacro();
}

// ---- Autosave ---------------------------------------------------------------------------------

void AnnotationDocument::scheduleSave() {
    m_saveTimer.start();
}

void AnnotationDocument::flush() {
    if (m_saveTimer.isActive() || m_dirtyObjects || m_dirtyLabels) {
        m_saveTimer.stop();
        saveNow();
    }
}

void AnnotationDocument::saveNow() {
    const AnnotationStore& store = m_folder.store();
    if (m_dirtyLabels) {
        if (auto st = store.saveLabels(m_labels); !st)
            Q_EMIT error(
                tr("Cannot save the labels: %1").arg(QString::fromStdString(st.error().message)));
        else
            m_dirtyLabels = false;
    }
    if (m_dirtyObjects && m_index >= 0) {
        std::filesystem::path setAside;
        if (auto st = store.save(m_annotations, &setAside); !st) {
            Q_EMIT error(tr("Cannot save the annotations: %1")
                             .arg(QString::fromStdString(st.error().message)));
            return;
        }
        m_dirtyObjects = false;
        if (!setAside.empty())
            Q_EMIT message(tr("An unreadable annotation file was kept as %1")
                               .arg(QString::fromStdString(setAside.string())));
        if (!m_folder.isAnnotated(m_index)) {
            m_folder.setAnnotated(m_index, true);
            Q_EMIT annotatedChanged(m_index, true);
        }
    }
}

}  // namespace samdesk
