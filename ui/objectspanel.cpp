// Labels and objects panel.
#include "ui/objectspanel.h"

#include <QColorDialog>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QToolButton>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>

#include "core/document/annotationdocument.h"
#include "ui/colorswatch.h"

namespace samdesk {

namespace {

QColor labelColor(const Label& l) {
    return QColor(l.color.r, l.color.g, l.color.b);
}

// Where the mask came from, marked when it was edited by hand on top of its prompts and when a
// model made it but its prompts are not kept (Re-run SAM cannot decode it again).
QString sourceText(const AnnotationObject& o) {
    QString text = QString::fromStdString(o.source);
    const bool model = o.source == source::kSam || o.source == source::kGrabCut;
    if (o.handEdited)
        text += ObjectsPanel::tr(", edited");
    else if (model && !o.prompts)
        text += ObjectsPanel::tr(", no prompts");
    return text;
}

// A row of the object list. Its pixel count is counted when the tooltip shows, not at every
// rebuild (one pass over a 48 MP mask per object per stroke would cost more than the stroke).
class ObjectItem : public QTreeWidgetItem {
public:
    ObjectItem(QTreeWidget* list, const AnnotationDocument* document)
        : QTreeWidgetItem(list), m_document(document) {}

    QVariant data(int column, int role) const override {
        if (column == 0 && role == Qt::ToolTipRole) {
            const AnnotationObject* o =
                m_document->annotations()->find(QTreeWidgetItem::data(0, Qt::UserRole).toInt());
            return o ? ObjectsPanel::tr("%1 pixels, score %2")
                           .arg(qulonglong(o->mask.area()))
                           .arg(o->score)
                     : QVariant();
        }
        return QTreeWidgetItem::data(column, role);
    }

private:
    const AnnotationDocument* m_document;
};

QString sourceTip(const AnnotationObject& o) {
    if (!o.prompts || (o.prompts->points.empty() && !o.prompts->box))
        return ObjectsPanel::tr("No kept prompts");
    const int n = int(o.prompts->points.size());
    QString what = ObjectsPanel::tr("%n point(s)", "", n);
    if (o.prompts->box)
        what = n ? ObjectsPanel::tr("%1 and a box").arg(what) : ObjectsPanel::tr("a box");
    QString tip = ObjectsPanel::tr("Kept prompts: %1 (%2); Re-run SAM decodes them again")
                      .arg(what, QString::fromStdString(o.prompts->engine));
    if (o.handEdited)
        tip += ObjectsPanel::tr(". Edited by hand since: a re-run replaces the edits");
    return tip;
}

}  // namespace

ObjectsPanel::ObjectsPanel(AnnotationDocument* document, QWidget* parent)
    : QWidget(parent), m_document(document) {
    setObjectName(QStringLiteral("objectsPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto* labelRow = new QHBoxLayout;
    labelRow->addWidget(new QLabel(tr("Label:"), this));
    m_labels = new QComboBox(this);
    m_labels->setObjectName(QStringLiteral("labelCombo"));
    m_labels->setToolTip(tr("The label new objects get"));
    m_labels->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(m_labels, &QComboBox::currentTextChanged, this, [this](const QString& text) {
        if (!m_rebuilding && !text.isEmpty())
            m_document->annotations()->setCurrentLabel(text);
    });
    labelRow->addWidget(m_labels);
    auto* add = new QToolButton(this);
    add->setText(QStringLiteral("+"));
    add->setToolTip(tr("New label"));
    connect(add, &QToolButton::clicked, this, &ObjectsPanel::newLabel);
    labelRow->addWidget(add);
    auto* more = new QToolButton(this);
    more->setText(QStringLiteral("..."));
    more->setToolTip(tr("Rename, recolour or remove the label"));
    connect(more, &QToolButton::clicked, this, &ObjectsPanel::showLabelMenu);
    labelRow->addWidget(more);
    layout->addLayout(labelRow);

    m_objects = new QTreeWidget(this);
    m_objects->setObjectName(QStringLiteral("objectList"));
    m_objects->setColumnCount(2);
    m_objects->setHeaderLabels({tr("Object"), tr("Source")});
    m_objects->setRootIsDecorated(false);
    m_objects->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_objects->setUniformRowHeights(true);
    m_objects->header()->setStretchLastSection(false);
    m_objects->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_objects->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_objects->setContextMenuPolicy(Qt::CustomContextMenu);
    m_objects->setToolTip(tr("Double click an object to refine it with new prompts"));
    connect(m_objects, &QTreeWidget::customContextMenuRequested, this,
            &ObjectsPanel::showContextMenu);
    connect(m_objects, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem* item, int col) {
        if (!m_rebuilding && col == 0)
            m_document->annotations()->setObjectVisible(item->data(0, Qt::UserRole).toInt(),
                                                        item->checkState(0) == Qt::Checked);
    });
    connect(m_objects, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        m_document->refineObject(item->data(0, Qt::UserRole).toInt());
    });
    connect(m_objects, &QTreeWidget::itemSelectionChanged, this, &ObjectsPanel::onSelectionChanged);
    layout->addWidget(m_objects);
    m_count = new QLabel(this);
    layout->addWidget(m_count);

    connect(document->annotations(), &DocumentAnnotations::labelsChanged, this,
            &ObjectsPanel::rebuildLabels);
    connect(document->annotations(), &DocumentAnnotations::labelsChanged, this,
            &ObjectsPanel::scheduleRebuild);
    connect(document->annotations(), &DocumentAnnotations::currentLabelChanged, this,
            &ObjectsPanel::rebuildLabels);
    connect(document->annotations(), &DocumentAnnotations::objectsChanged, this, [this] {
        // Deleted objects leave the selection now (the window's actions count it), the list
        // follows in its rebuild.
        QList<int> kept;
        for (int id : m_selection)
            if (m_document->annotations()->find(id))
                kept.append(id);
        if (kept != m_selection)
            applySelection(kept);
        scheduleRebuild();
    });
    connect(document->prediction(), &DocumentPrediction::promptsChanged, this,
            &ObjectsPanel::scheduleRebuild);
    rebuildLabels();
    rebuildObjects();
}

void ObjectsPanel::rebuildLabels() {
    m_rebuilding = true;
    m_labels->clear();
    for (const Label& l : m_document->annotations()->labels().labels())
        m_labels->addItem(colorSwatch(labelColor(l)), QString::fromStdString(l.name));
    m_labels->setCurrentText(m_document->annotations()->currentLabel());
    m_rebuilding = false;
}

void ObjectsPanel::scheduleRebuild() {
    // Later, not now: the change may come from a signal of an item of this very list (its check
    // box, a double click), which must not be deleted while it is still emitting.
    if (m_rebuildScheduled)
        return;
    m_rebuildScheduled = true;
    QMetaObject::invokeMethod(this, &ObjectsPanel::rebuildObjects, Qt::QueuedConnection);
}

void ObjectsPanel::rebuildObjects() {
    m_rebuildScheduled = false;
    const int selected = selectedObject();
    const QList<int> before = m_selection;
    const QList<int> wanted = m_selection;
    m_selection.clear();
    m_rebuilding = true;
    m_objects->clear();
    const int refining = m_document->prediction()->refiningObject();
    for (const auto& o : m_document->annotations()->annotations().objects) {
        auto* item = new ObjectItem(m_objects, m_document);
        const QString label = o.label.empty() ? tr("(no label)") : QString::fromStdString(o.label);
        item->setText(0, QStringLiteral("#%1  %2%3")
                             .arg(o.id)
                             .arg(label, o.id == refining ? tr("  (refining)") : QString()));
        item->setIcon(0, colorSwatch(m_document->annotations()->objectColor(o)));
        item->setData(0, Qt::UserRole, o.id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(0, o.visible ? Qt::Checked : Qt::Unchecked);
        item->setText(1, sourceText(o));
        item->setToolTip(1, sourceTip(o));
        if (wanted.contains(o.id))
            item->setSelected(true);
        if (!wanted.isEmpty() && o.id == wanted.first())
            m_objects->setCurrentItem(item, 0, QItemSelectionModel::NoUpdate);
    }
    for (int id : wanted)
        if (m_document->annotations()->find(id))
            m_selection.append(id);
    m_rebuilding = false;
    if (m_selection != before)
        Q_EMIT selectedObjectsChanged();
    if (selectedObject() != selected)
        Q_EMIT selectedObjectChanged(selectedObject());
    const int n = int(m_document->annotations()->annotations().objects.size());
    m_count->setText(n == 1 ? tr("1 object") : tr("%1 objects").arg(n));
}

int ObjectsPanel::selectedObject() const {
    return m_selection.value(0, 0);
}

void ObjectsPanel::onSelectionChanged() {
    if (m_rebuilding)
        return;
    // Keep the order things were selected in: those still selected, then the new ones.
    QList<int> now;
    for (const QTreeWidgetItem* item : m_objects->selectedItems())
        now.append(item->data(0, Qt::UserRole).toInt());
    QList<int> order;
    for (int id : m_selection)
        if (now.contains(id))
            order.append(id);
    for (int id : now)
        if (!order.contains(id))
            order.append(id);
    if (order == m_selection)
        return;
    const int first = selectedObject();
    m_selection = order;
    Q_EMIT selectedObjectsChanged();
    if (selectedObject() != first)
        Q_EMIT selectedObjectChanged(selectedObject());
}

void ObjectsPanel::applySelection(const QList<int>& ids) {
    const int first = selectedObject();
    const QList<int> before = m_selection;
    m_selection.clear();
    for (int id : ids)
        if (m_document->annotations()->find(id) && !m_selection.contains(id))
            m_selection.append(id);
    // A rebuild about to come (a new object may not be in the list yet) selects them itself.
    if (!m_rebuildScheduled) {
        m_rebuilding = true;
        for (int i = 0; i < m_objects->topLevelItemCount(); ++i) {
            QTreeWidgetItem* item = m_objects->topLevelItem(i);
            const int id = item->data(0, Qt::UserRole).toInt();
            item->setSelected(m_selection.contains(id));
            if (!m_selection.isEmpty() && id == m_selection.first())
                m_objects->setCurrentItem(item, 0, QItemSelectionModel::NoUpdate);
        }
        m_rebuilding = false;
    }
    if (m_selection != before)
        Q_EMIT selectedObjectsChanged();
    if (selectedObject() != first)
        Q_EMIT selectedObjectChanged(selectedObject());
}

void ObjectsPanel::selectObject(int id) {
    applySelection(id ? QList<int>{id} : QList<int>{});
}

void ObjectsPanel::selectObjects(const QList<int>& ids) {
    applySelection(ids);
}

void ObjectsPanel::deleteSelected() {
    const QList<int> ids = m_selection;
    if (ids.isEmpty())
        return;
    if (ids.size() == 1) {
        m_document->removeObject(ids.first());
        return;
    }
    QUndoStack* undo = m_document->undoStack();
    undo->beginMacro(tr("Delete %n object(s)", "", int(ids.size())));
    for (int id : ids)
        m_document->removeObject(id);
    undo->endMacro();
}

void ObjectsPanel::newLabel() {
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("New Label"), tr("Label name:"), QLineEdit::Normal, {}, &ok);
    if (ok && !name.trimmed().isEmpty())
        m_document->annotations()->setCurrentLabel(name.trimmed());
}

void ObjectsPanel::relabelSelected() {
    const int id = selectedObject();
    const AnnotationObject* o = m_document->annotations()->annotations().find(id);
    if (!o)
        return;
    QStringList names;
    for (const Label& l : m_document->annotations()->labels().labels())
        names << QString::fromStdString(l.name);
    bool ok = false;
    const QString name =
        QInputDialog::getItem(this, tr("Label of #%1").arg(id), tr("Label:"), names,
                              int(names.indexOf(o->label.c_str())), true, &ok);
    if (ok)
        m_document->annotations()->setObjectLabel(id, name);
}

void ObjectsPanel::recolourSelected() {
    const AnnotationObject* o = m_document->annotations()->annotations().find(selectedObject());
    if (!o)
        return;
    const QColor c = QColorDialog::getColor(m_document->annotations()->objectColor(*o), this,
                                            tr("Colour of #%1").arg(o->id));
    if (c.isValid())
        m_document->annotations()->setObjectColor(o->id, c);
}

void ObjectsPanel::showContextMenu(const QPoint& pos) {
    QTreeWidgetItem* item = m_objects->itemAt(pos);
    if (!item)
        return;
    const int id = item->data(0, Qt::UserRole).toInt();
    if (!m_selection.contains(id))
        selectObject(id);  // a right click inside the selection keeps it (boolean operations)
    const AnnotationObject* o = m_document->annotations()->annotations().find(id);
    if (!o)
        return;
    QMenu menu(this);
    menu.addAction(tr("Refine with New Prompts"), this,
                   [this, id] { m_document->refineObject(id); });
    QMenu* labels = menu.addMenu(tr("Label"));
    for (const Label& l : m_document->annotations()->labels().labels()) {
        const QString name = QString::fromStdString(l.name);
        QAction* a = labels->addAction(colorSwatch(labelColor(l)), name, this, [this, id, name] {
            m_document->annotations()->setObjectLabel(id, name);
        });
        a->setCheckable(true);
        a->setChecked(l.name == o->label);
    }
    labels->addSeparator();
    labels->addAction(tr("Other..."), this, &ObjectsPanel::relabelSelected);
    menu.addAction(tr("Colour..."), this, &ObjectsPanel::recolourSelected);
    if (o->color)
        menu.addAction(tr("Use the Label's Colour"), this,
                       [this, id] { m_document->annotations()->setObjectColor(id, std::nullopt); });
    menu.addAction(o->visible ? tr("Hide") : tr("Show"), this, [this, id, v = o->visible] {
        m_document->annotations()->setObjectVisible(id, !v);
    });
    if (!m_objectActions.isEmpty()) {
        menu.addSeparator();
        for (QAction* a : m_objectActions) {
            if (a)
                menu.addAction(a);
            else
                menu.addSeparator();
        }
    }
    menu.addSeparator();
    menu.addAction(m_selection.size() > 1 ? tr("Delete %n Objects", "", int(m_selection.size()))
                                          : tr("Delete"),
                   this, &ObjectsPanel::deleteSelected);
    menu.exec(m_objects->viewport()->mapToGlobal(pos));
}

void ObjectsPanel::showLabelMenu() {
    const QString current = m_document->annotations()->currentLabel();
    if (current.isEmpty())
        return;
    QMenu menu(this);
    menu.addAction(tr("Rename \"%1\"...").arg(current), this, [this, current] {
        bool ok = false;
        const QString to = QInputDialog::getText(this, tr("Rename Label"), tr("New name:"),
                                                 QLineEdit::Normal, current, &ok);
        if (ok && !to.trimmed().isEmpty() && !m_document->annotations()->renameLabel(current, to))
            Q_EMIT m_document->message(tr("Cannot rename: \"%1\" exists already").arg(to));
    });
    menu.addAction(tr("Colour of \"%1\"...").arg(current), this, [this, current] {
        const Label* l = m_document->annotations()->labels().find(current.toStdString());
        const QColor c = QColorDialog::getColor(l ? labelColor(*l) : Qt::white, this,
                                                tr("Colour of %1").arg(current));
        if (c.isValid())
            m_document->annotations()->setLabelColor(current, c);
    });
    menu.addAction(tr("Remove \"%1\"").arg(current), this,
                   [this, current] { m_document->annotations()->removeLabel(current); });
    menu.exec(QCursor::pos());
}

}  // namespace samdesk
