// Help -> Keyboard Shortcuts: every action with a shortcut (read from the actions themselves, so
// the list cannot go stale) and the mouse gestures of the canvas.
#pragma once

#include <QDialog>
#include <QList>

class QAction;
class QTableWidget;

namespace samdesk {

class ShortcutsDialog : public QDialog {
    Q_OBJECT
public:
    ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent = nullptr);

    QTableWidget* table() const { return m_table; }

private:
    QTableWidget* m_table;
};

}  // namespace samdesk
