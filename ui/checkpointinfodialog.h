// Model -> Checkpoint Info: everything about the loaded checkpoint (file, format, size, dtype,
// variant, every detected config value, parameters per part, load time, device) and a searchable
// table of its keys (original -> converted -> shape), with Copy as JSON.
#pragma once

#include <QDialog>
#include <QJsonObject>

#include "core/engine/checkpointreport.h"

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QTableWidget;

namespace samdesk {

class CheckpointInfoDialog : public QDialog {
    Q_OBJECT
public:
    explicit CheckpointInfoDialog(const CheckpointReport& report, QWidget* parent = nullptr);

    static QJsonObject toJson(const CheckpointReport& report);

    QTableWidget* configTable() const { return m_config; }
    QTableWidget* parameterTable() const { return m_parameters; }
    QTableView* keyTable() const { return m_keys; }
    QLineEdit* keyFilter() const { return m_filter; }
    int visibleKeyCount() const;
    void copyJson() const;

private:
    QWidget* summaryPage(const CheckpointReport& report);
    QWidget* keysPage(const CheckpointReport& report);

    CheckpointReport m_report;
    QTableWidget* m_config = nullptr;
    QTableWidget* m_parameters = nullptr;
    QTableView* m_keys = nullptr;
    QLineEdit* m_filter = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
};

}  // namespace samdesk
