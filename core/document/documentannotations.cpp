// DocumentAnnotations: objects, labels, their undo steps and the autosave.
#include "core/document/documentannotations.h"

#include "core/annotation/maskedit.h"
#include "core/document/documentsession.h"
#include "core/document/labelscommand.h"
#include "core/document/objectscommand.h"

namespace samdesk {

namespace {

QColor toQColor(const Rgb& c) {
    return QColor(c.r, c.g, c.b);
}

Rgb toRgb(const QColor& c) {
    return Rgb{std::uint8_t(c.red()), std::uint8_t(c.green()), std::uint8_t(c.blue())};
}

}  // namespace

QString DocumentAnnotations::defaultLabel() {
    return QStringLiteral("object");
}

DocumentAnnotations::DocumentAnnotations(DocumentSession* session, QObject* parent)
    : QObject(parent), m_session(session) {
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(400);
    connect(&m_saveTimer, &QTimer::timeout, this, &DocumentAnnotations::saveNow);
    m_undo.setUndoLimit(500);
}

DocumentAnnotations::~DocumentAnnotations() {
    flush();
}

// ---- Switching images -------------------------------------------------------------------------

void DocumentAnnotations::loadForCurrentImage() {
    m_undo.clear();
    const ImageFolder& folder = m_session->images();
    const int index = m_session->currentIndex();
    const QImage& image = m_session->image();
    const QString path = m_session->currentImagePath();
    const std::string file = folder.files().value(index).toStdString();
    m_annotations = ImageAnnotations();
    m_savedRle.clear();
    m_annotations.imageFile = file;
    m_annotations.width = image.width();
    m_annotations.height = image.height();
    auto loaded = folder.store().load(file);
    if (!loaded) {
        Q_EMIT error(tr("The saved annotations of %1 cannot be read: %2")
                         .arg(path, QString::fromStdString(loaded.error().message)));
    } else if (loaded.value()) {
        ImageAnnotations& a = *loaded.value();
        if (a.width == image.width() && a.height == image.height())
            m_annotations = std::move(a);
        else
            Q_EMIT error(tr("The saved annotations of %1 are for a %2 x %3 image, not %4 x %5: "
                            "not shown (the file is kept until you save new ones)")
                             .arg(path)
                             .arg(a.width)
                             .arg(a.height)
                             .arg(image.width())
                             .arg(image.height()));
    }
    m_dirtyObjects = false;
}

// ---- Objects ----------------------------------------------------------------------------------

QColor DocumentAnnotations::objectColor(const AnnotationObject& object) const {
    if (object.color)
        return toQColor(*object.color);
    if (const Label* l = m_labels.find(object.label))
        return toQColor(l->color);
    return QColor(200, 200, 200);
}

void DocumentAnnotations::setObjectLabel(int id, const QString& label) {
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

void DocumentAnnotations::setObjectColor(int id, std::optional<QColor> color) {
    const AnnotationObject* o = m_annotations.find(id);
    if (!o)
        return;
    ObjectsCommand::Change change{id, -1, *o, *o};
    change.after->color = color ? std::optional<Rgb>(toRgb(*color)) : std::nullopt;
    if (change.after->color == o->color)
        return;
    m_undo.push(new ObjectsCommand(this, tr("Recolour #%1").arg(id), {change}));
}

void DocumentAnnotations::setObjectVisible(int id, bool visible) {
    const AnnotationObject* o = m_annotations.find(id);
    if (!o || o->visible == visible)
        return;
    ObjectsCommand::Change change{id, -1, *o, *o};
    change.after->visible = visible;
    m_undo.push(new ObjectsCommand(this, visible ? tr("Show #%1").arg(id) : tr("Hide #%1").arg(id),
                                   {change}));
}

void DocumentAnnotations::applyObjects(const QVector<ObjectUpdate>& updates) {
    auto& objs = m_annotations.objects;
    for (const ObjectUpdate& u : updates) {
        if (u.object && !u.rle.empty())
            m_savedRle[u.id] = u.rle;
        else
            m_savedRle.erase(u.id);
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
}

void DocumentAnnotations::applyMaskPatch(int id, int x, int y, const BinaryMask& patch,
                                         bool handEdited) {
    AnnotationObject* o = m_annotations.find(id);
    if (!o)
        return;
    pasteMask(o->mask, patch, x, y);
    m_savedRle.erase(id);
    o->handEdited = handEdited;
    m_dirtyObjects = true;
    scheduleSave();
    Q_EMIT objectsChanged();
}

// ---- Labels -----------------------------------------------------------------------------------

void DocumentAnnotations::loadLabels() {
    auto labels = m_session->images().store().loadLabels();
    if (!labels)
        Q_EMIT error(QString::fromStdString(labels.error().message));
    LabelSet set = labels ? std::move(labels.value()) : LabelSet();
    // Objects may carry labels the set lost (a labels.json deleted by hand): list them again.
    for (const auto& o : m_annotations.objects)
        if (!o.label.empty())
            set.add(o.label);
    if (set.isEmpty())
        set.add(defaultLabel().toStdString());
    m_labels = std::move(set);
    m_dirtyLabels = false;
    Q_EMIT labelsChanged();
    if (!m_labels.find(m_currentLabel.toStdString()))
        setCurrentLabel(QString::fromStdString(m_labels.labels().front().name));
}

void DocumentAnnotations::applyLabels(const LabelSet& labels) {
    m_labels = labels;
    m_dirtyLabels = true;
    scheduleSave();
    Q_EMIT labelsChanged();
    if (!m_labels.isEmpty() && !m_labels.find(m_currentLabel.toStdString()))
        setCurrentLabel(QString::fromStdString(m_labels.labels().front().name));
}

void DocumentAnnotations::setCurrentLabel(const QString& label) {
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

void DocumentAnnotations::ensureLabel(const QString& name) {
    if (!m_labels.find(name.toStdString()))
        addLabel(name);
}

void DocumentAnnotations::addLabel(const QString& name) {
    const std::string n = name.trimmed().toStdString();
    if (n.empty() || m_labels.find(n))
        return;
    LabelSet after = m_labels;
    after.add(n);
    m_undo.push(new LabelsCommand(this, tr("Add label %1").arg(name.trimmed()), m_labels, after));
}

bool DocumentAnnotations::renameLabel(const QString& from, const QString& to) {
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

void DocumentAnnotations::setLabelColor(const QString& name, const QColor& color) {
    LabelSet after = m_labels;
    if (!after.setColor(name.toStdString(), toRgb(color)) || after == m_labels)
        return;
    m_undo.push(new LabelsCommand(this, tr("Recolour label %1").arg(name), m_labels, after));
}

void DocumentAnnotations::removeLabel(const QString& name) {
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

void DocumentAnnotations::scheduleSave() {
    m_saveTimer.start();
}

void DocumentAnnotations::flush() {
    if (m_saveTimer.isActive() || m_dirtyObjects || m_dirtyLabels) {
        m_saveTimer.stop();
        saveNow();
    }
}

void DocumentAnnotations::saveNow() {
    const AnnotationStore& store = m_session->images().store();
    if (m_dirtyLabels) {
        if (auto st = store.saveLabels(m_labels); !st)
            Q_EMIT error(
                tr("Cannot save the labels: %1").arg(QString::fromStdString(st.error().message)));
        else
            m_dirtyLabels = false;
    }
    if (m_dirtyObjects && m_session->currentIndex() >= 0) {
        std::filesystem::path setAside;
        auto rleOf = [this](const AnnotationObject& o) {
            auto it = m_savedRle.find(o.id);
            if (it == m_savedRle.end())
                it = m_savedRle.emplace(o.id, o.mask.toRleString()).first;
            return it->second;
        };
        if (auto st = store.save(m_annotations, &setAside, rleOf); !st) {
            Q_EMIT error(tr("Cannot save the annotations: %1")
                             .arg(QString::fromStdString(st.error().message)));
            return;
        }
        m_dirtyObjects = false;
        if (!setAside.empty())
            Q_EMIT message(tr("An unreadable annotation file was kept as %1")
                               .arg(QString::fromStdString(setAside.string())));
        m_session->markAnnotated();
    }
}

}  // namespace samdesk
