// Labels and objects. The label for new objects (with its colour) is chosen at the top, where
// labels are also added, renamed, recoloured and removed. Below, the objects of the image: the
// check box shows or hides one, double click reselects it for refinement, the context menu
// relabels, recolours and deletes (and offers the window's editing actions: boolean operations
// on two selected objects, clean-up, re-run SAM). Several objects can be selected (Ctrl+click,
// Shift+click); the first one selected is the highlighted one. The Source column says where a
// mask came from and marks hand edits ("sam, edited") and objects without kept prompts. Every
// change goes through the document's undo stack.
#pragma once

#include <QList>
#include <QWidget>

class QAction;
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
    // The highlighted object: the first of the selection (0: none).
    int selectedObject() const;
    // The selected objects in the order they were selected (the first is `first` of a boolean
    // operation).
    QList<int> selectedObjects() const { return m_selection; }
    void selectObject(int id);  // only it (0: none); also an object the list shows only later
    void selectObjects(const QList<int>& ids);  // in this order
    // Deletes the selected objects (one undo step).
    void deleteSelected();
    // Actions the context menu offers after its own (the window's editing actions).
    void setObjectActions(const QList<QAction*>& actions) { m_objectActions = actions; }

    // Dialog-driven edits (also in the context menu).
    void newLabel();
    void relabelSelected();
    void recolourSelected();

Q_SIGNALS:
    void selectedObjectChanged(int id);  // 0: none
    void selectedObjectsChanged();

private:
    void rebuildLabels();
    void scheduleRebuild();
    void rebuildObjects();
    void showContextMenu(const QPoint& pos);
    void showLabelMenu();
    void applySelection(const QList<int>& ids);
    void onSelectionChanged();

    AnnotationDocument* m_document;
    QComboBox* m_labels;
    QTreeWidget* m_objects;
    QLabel* m_count;
    bool m_rebuilding = false;
    bool m_rebuildScheduled = false;
    QList<int> m_selection;              // in selection order
    std::optional<QList<int>> m_wanted;  // selected by the next rebuild
    QList<QAction*> m_objectActions;
};

}  // namespace samdesk
