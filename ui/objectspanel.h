// Labels and objects. The label for new objects (with its colour) is chosen at the top, where
// labels are also added, renamed, recoloured and removed. Below, the objects of the image: the
// check box shows or hides one, double click reselects it for refinement, the context menu
// relabels, recolours and deletes. Every change goes through the document's undo stack.
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace samdesk {

class AnnotationDocument;

class ObjectsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ObjectsPanel(AnnotationDocument* document, QWidget* parent = nullptr);

    QTreeWidget* objectList() const { return m_objects; }
    QComboBox* labelCombo() const { return m_labels; }
    int selectedObject() const;  // 0: none
    void selectObject(int id);

    // Dialog-driven edits (also in the context menu).
    void newLabel();
    void relabelSelected();
    void recolourSelected();

Q_SIGNALS:
    void selectedObjectChanged(int id);  // 0: none

private:
    void rebuildLabels();
    void scheduleRebuild();
    void rebuildObjects();
    void showContextMenu(const QPoint& pos);
    void showLabelMenu();

    AnnotationDocument* m_document;
    QComboBox* m_labels;
    QTreeWidget* m_objects;
    QLabel* m_count;
    bool m_rebuilding = false;
    bool m_rebuildScheduled = false;
};

}  // namespace samdesk
