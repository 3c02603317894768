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
#include <QVBoxLayout>

#include "core/document/annotationdocument.h"
#include "ui/colorswatch.h"

namespace samdesk {

namespace {

QColor labelColor(const Label& l) {
    return QColor(l.color.r, l.color.g, l.color.b);
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
    connect(m_objects, &QTreeWidget::itemSelectionChanged, this, [this] {
        if (!m_rebuilding)
            Q_EMIT selectedObjectChanged(selectedObject());
    });
    layout->addWidget(m_objects);
    m_count = new QLabel(this);
    layout->addWidget(m_count);

    connect(document->annotations(), &DocumentAnnotations::labelsChanged, this,
            &ObjectsPanel::rebuildLabels);
    connect(document->annotations(), &DocumentAnnotations::labelsChanged, this,
            &ObjectsPanel::scheduleRebuild);
    connect(document->annotations(), &DocumentAnnotations::currentLabelChanged, this,
            &ObjectsPanel::rebuildLabels);
    connect(document->annotations(), &DocumentAnnotations::objectsChanged, this,
            &ObjectsPanel::scheduleRebuild);
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
    m_rebuilding = true;
    m_objects->clear();
    const int refining = m_document->prediction()->refiningObject();
    for (const auto& o : m_document->annotations()->annotations().objects) {
        auto* item = new QTreeWidgetItem(m_objects);
        const QString label = o.label.empty() ? tr("(no label)") : QString::fromStdString(o.label);
        item->setText(0, QStringLiteral("#%1  %2%3")
                             .arg(o.id)
                             .arg(label, o.id == refining ? tr("  (refining)") : QString()));
        item->setIcon(0, colorSwatch(m_document->annotations()->objectColor(o)));
        item->setData(0, Qt::UserRole, o.id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(0, o.visible ? Qt::Checked : Qt::Unchecked);
        item->setText(1, QString::fromStdString(o.source));
        item->setToolTip(0, tr("%1 pixels, score %2").arg(qulonglong(o.mask.area())).arg(o.score));
        if (o.id == selected)
            item->setSelected(true);
    }
    m_rebuilding = false;
    if (selectedObject() != selected)
        Q_EMIT selectedObjectChanged(selectedObject());
    const int n = int(m_document->annotations()->annotations().objects.size());
    m_count->setText(n == 1 ? tr("1 object") : tr("%1 objects").arg(n));
}

int ObjectsPanel::selectedObject() const {
    const auto items = m_objects->selectedItems();
    return items.isEmpty() ? 0 : items.first()->data(0, Qt::UserRole).toInt();
}

void ObjectsPanel::selectObject(int id) {
    for (int i = 0; i < m_objects->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_objects->topLevelItem(i);
        const bool match = item->data(0, Qt::UserRole).toInt() == id;
        item->setSelected(match);
        if (match)
            m_objects->setCurrentItem(item);
    }
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
    selectObject(id);
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
    menu.addSeparator();
    menu.addAction(tr("Delete"), this, [this, id] { m_document->removeObject(id); });
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
