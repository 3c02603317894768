// The checkpoint info dialog.
#include "ui/checkpointinfodialog.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace samdesk {

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

QTableWidget* twoColumnTable(const QStringList& headers, QWidget* parent) {
    auto* t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

void addRow(QTableWidget* t, const QStringList& cells) {
    const int r = t->rowCount();
    t->insertRow(r);
    for (int c = 0; c < cells.size(); ++c)
        t->setItem(r, c, new QTableWidgetItem(cells[c]));
}

}  // namespace

CheckpointInfoDialog::CheckpointInfoDialog(const CheckpointReport& report, QWidget* parent)
    : QDialog(parent), m_report(report) {
    setObjectName(QStringLiteral("checkpointInfoDialog"));
    setWindowTitle(tr("Checkpoint Info - %1").arg(QFileInfo(q(report.path)).fileName()));
    auto* layout = new QVBoxLayout(this);
    auto* tabs = new QTabWidget(this);
    tabs->addTab(summaryPage(report), tr("Summary"));
    tabs->addTab(keysPage(report), tr("Keys (%1)").arg(report.keys.size()));
    if (!report.warnings.empty()) {
        auto* list = new QListWidget(this);
        for (const auto& w : report.warnings)
            list->addItem(q(w));
        tabs->addTab(list, tr("Warnings (%1)").arg(report.warnings.size()));
    }
    layout->addWidget(tabs);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* copy = buttons->addButton(tr("Copy as JSON"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyJson"));
    connect(copy, &QPushButton::clicked, this, &CheckpointInfoDialog::copyJson);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(900, 680);
}

QWidget* CheckpointInfoDialog::summaryPage(const CheckpointReport& r) {
    auto* page = new QWidget(this);
    auto* layout = new QHBoxLayout(page);
    auto* left = new QVBoxLayout;
    auto* form = new QFormLayout;
    const QLocale locale(QLocale::English);  // thousands separators, whatever the system says
    auto label = [page](const QString& text) {
        auto* l = new QLabel(text, page);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setWordWrap(true);
        return l;
    };
    form->addRow(tr("File:"), label(q(r.path)));
    form->addRow(tr("Format:"), label(tr("%1 (%2 key names)").arg(q(r.format), q(r.naming))));
    form->addRow(tr("Size:"), label(tr("%1 MiB (%2 bytes)")
                                        .arg(double(r.fileSize) / (1024.0 * 1024.0), 0, 'f', 1)
                                        .arg(locale.toString(qulonglong(r.fileSize)))));
    form->addRow(tr("Weights dtype:"), label(q(r.dtype)));
    form->addRow(tr("Variant:"), label(q(r.variant)));
    form->addRow(tr("Device:"), label(r.device.empty() ? tr("(not loaded)") : q(r.device)));
    form->addRow(tr("Runs in:"), label(q(r.compute)));
    form->addRow(tr("Tensors:"), label(QString::number(r.tensorCount)));
    form->addRow(tr("Parameters:"), label(locale.toString(qlonglong(r.totalParameters()))));
    form->addRow(tr("Read time:"),
                 label(tr("%1 ms (reading, detection, conversion)").arg(r.readMs, 0, 'f', 1)));
    form->addRow(tr("Load time:"),
                 label(tr("%1 ms (the whole engine load)").arg(r.loadMs, 0, 'f', 1)));
    left->addLayout(form);
    m_parameters = twoColumnTable({tr("Part"), tr("Parameters"), tr("Share")}, page);
    m_parameters->setObjectName(QStringLiteral("parameterTable"));
    const double total = double(std::max<std::int64_t>(1, r.totalParameters()));
    for (const auto& [part, count] : r.parameters)
        addRow(m_parameters,
               {q(part), locale.toString(qlonglong(count)),
                QStringLiteral("%1 %").arg(100.0 * double(count) / total, 0, 'f', 1)});
    m_parameters->resizeColumnsToContents();
    left->addWidget(m_parameters);
    layout->addLayout(left, 3);

    m_config = twoColumnTable({tr("Config"), tr("Value")}, page);
    m_config->setObjectName(QStringLiteral("configTable"));
    for (const auto& [name, value] : r.config)
        addRow(m_config, {q(name), q(value)});
    m_config->resizeColumnsToContents();
    layout->addWidget(m_config, 2);
    return page;
}

QWidget* CheckpointInfoDialog::keysPage(const CheckpointReport& r) {
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    m_filter = new QLineEdit(page);
    m_filter->setObjectName(QStringLiteral("keyFilter"));
    m_filter->setPlaceholderText(tr("Search keys (original or converted name, shape)"));
    m_filter->setClearButtonEnabled(true);
    layout->addWidget(m_filter);
    auto* model = new QStandardItemModel(0, 4, page);
    model->setHorizontalHeaderLabels(
        {tr("Original key"), tr("Converted key"), tr("Shape"), tr("Converted shape")});
    for (const auto& k : r.keys) {
        QList<QStandardItem*> row;
        for (const std::string* s : {&k.original, &k.converted, &k.shape, &k.convertedShape}) {
            auto* item = new QStandardItem(q(*s));
            item->setEditable(false);
            row.append(item);
        }
        model->appendRow(row);
    }
    m_proxy = new QSortFilterProxyModel(page);
    m_proxy->setSourceModel(model);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    m_keys = new QTableView(page);
    m_keys->setObjectName(QStringLiteral("keyTable"));
    m_keys->setModel(m_proxy);
    m_keys->setSortingEnabled(false);
    m_keys->verticalHeader()->hide();
    m_keys->verticalHeader()->setDefaultSectionSize(m_keys->fontMetrics().height() + 6);
    m_keys->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_keys->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_keys->horizontalHeader()->setStretchLastSection(true);
    m_keys->setColumnWidth(0, 300);
    m_keys->setColumnWidth(1, 320);
    m_keys->setColumnWidth(2, 110);
    layout->addWidget(m_keys);
    return page;
}

int CheckpointInfoDialog::visibleKeyCount() const {
    return m_proxy->rowCount();
}

QJsonObject CheckpointInfoDialog::toJson(const CheckpointReport& r) {
    QJsonObject config;
    for (const auto& [name, value] : r.config) {
        bool isInt = false;
        const int v = q(value).toInt(&isInt);
        if (isInt) {
            config[q(name)] = v;
        } else if (value.size() > 1 && value.front() == '[') {
            QJsonArray a;
            for (const QString& part : q(value.substr(1, value.size() - 2)).split(','))
                if (!part.trimmed().isEmpty())
                    a.append(part.trimmed().toInt());
            config[q(name)] = a;
        } else {
            config[q(name)] = q(value);
        }
    }
    QJsonObject parameters;
    for (const auto& [part, count] : r.parameters)
        parameters[q(part)] = double(count);
    QJsonArray keys;
    for (const auto& k : r.keys)
        keys.append(QJsonObject{{"original", q(k.original)},
                                {"converted", q(k.converted)},
                                {"shape", q(k.shape)},
                                {"converted_shape", q(k.convertedShape)}});
    QJsonArray warnings;
    for (const auto& w : r.warnings)
        warnings.append(q(w));
    return QJsonObject{{"path", q(r.path)},
                       {"format", q(r.format)},
                       {"naming", q(r.naming)},
                       {"file_size", double(r.fileSize)},
                       {"dtype", q(r.dtype)},
                       {"variant", q(r.variant)},
                       {"device", q(r.device)},
                       {"compute_dtype", q(r.compute)},
                       {"read_ms", r.readMs},
                       {"load_ms", r.loadMs},
                       {"tensor_count", double(r.tensorCount)},
                       {"config", config},
                       {"parameters", parameters},
                       {"keys", keys},
                       {"warnings", warnings}};
}

void CheckpointInfoDialog::copyJson() const {
    const QByteArray json = QJsonDocument(toJson(m_report)).toJson(QJsonDocument::Indented);
    QGuiApplication::clipboard()->setText(QString::fromUtf8(json));
}

}  // namespace samdesk
