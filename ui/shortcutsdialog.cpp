// The shortcuts table.
#include "ui/shortcutsdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace samdesk {

ShortcutsDialog::ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent)
    : QDialog(parent) {
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard Shortcuts"));
    auto* layout = new QVBoxLayout(this);
    m_table = new QTableWidget(0, 2, this);
    m_table->setObjectName(QStringLiteral("shortcutsTable"));
    m_table->setHorizontalHeaderLabels({tr("Action"), tr("Keys")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    auto add = [this](const QString& what, const QString& keys) {
        const int r = m_table->rowCount();
        m_table->insertRow(r);
        m_table->setItem(r, 0, new QTableWidgetItem(what));
        m_table->setItem(r, 1, new QTableWidgetItem(keys));
    };
    for (QAction* a : actions) {
        if (a->shortcuts().isEmpty())
            continue;
        QStringList keys;
        for (const QKeySequence& k : a->shortcuts())
            keys << k.toString(QKeySequence::NativeText);
        add(QString(a->text()).remove(QLatin1Char('&')).remove(QStringLiteral("...")),
            keys.join(QStringLiteral(", ")));
    }
    add(tr("Foreground point"), tr("Left click"));
    add(tr("Background point"), tr("Right click, Alt+Left click"));
    add(tr("Box"), tr("Shift+drag, or drag with the Box tool"));
    add(tr("Move a point"), tr("Drag its marker"));
    add(tr("Select a point or the box"), tr("Click its marker or the box outline"));
    add(tr("Zoom around the cursor"), tr("Mouse wheel"));
    add(tr("Pan"), tr("Middle drag, Space+drag"));
    add(tr("Refine an object"), tr("Double click it in the object list"));
    add(tr("Paint the selected object"), tr("Drag with the Brush (N)"));
    add(tr("Erase from the selected object"),
        tr("Shift+drag with the Brush, drag with the Eraser (E)"));
    add(tr("Brush size"), tr("Ctrl+wheel, or , and ."));
    add(tr("Cancel a stroke"), tr("Esc while dragging"));
    add(tr("Select several objects (Union, Subtract, Intersect)"),
        tr("Ctrl+click, Shift+click in the object list"));
    add(tr("Accept a proposal (Segment Everything)"), tr("Left click on it"));
    add(tr("Reject a proposal"), tr("Right click, Alt+Left click on it"));
    add(tr("Accept the proposals inside a rectangle"), tr("Drag while proposals are shown"));
    add(tr("Reject the proposals inside a rectangle"), tr("Shift+drag, right drag"));
    layout->addWidget(m_table);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(520, 640);
}

}  // namespace samdesk
