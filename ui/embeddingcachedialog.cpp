// The embedding cache dialog: a form over AppSettings' cache values and the engine's cache folder
// facade.
#include "ui/embeddingcachedialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

#include "core/engine/cachefolder.h"

namespace samdesk {

namespace {
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
}

EmbeddingCacheDialog::EmbeddingCacheDialog(bool enabled, const QString& directory, quint64 maxBytes,
                                           QWidget* parent)
    : QDialog(parent) {
    setObjectName(QStringLiteral("embeddingCacheDialog"));
    setWindowTitle(tr("Embedding Cache"));

    auto* intro = new QLabel(
        tr("Each image SAM encodes is kept on disk (about 2 MiB for the released checkpoints), "
           "so opening it again shows masks at once, without the encoder. Entries are keyed by "
           "the image's pixels, the checkpoint and the precision; the least recently used go "
           "first when the cache is full. <tt>samdesk-cli encode</tt> fills the same cache "
           "ahead of time."),
        this);
    intro->setWordWrap(true);

    m_enabled = new QCheckBox(tr("Keep encoded images on disk"), this);
    m_enabled->setChecked(enabled);

    m_directory = new QLineEdit(directory, this);
    m_directory->setObjectName(QStringLiteral("cacheDirectory"));
    m_directory->setMinimumWidth(m_directory->fontMetrics().averageCharWidth() * 48);
    auto* browse = new QPushButton(tr("Browse..."), this);
    auto* reset = new QPushButton(tr("Default"), this);
    reset->setToolTip(tr("$SAMDESK_CACHE_DIR, else $XDG_CACHE_HOME/samdesk/embeddings"));
    auto* dirRow = new QHBoxLayout;
    dirRow->addWidget(m_directory, 1);
    dirRow->addWidget(browse);
    dirRow->addWidget(reset);

    m_limit = new QDoubleSpinBox(this);
    m_limit->setObjectName(QStringLiteral("cacheLimit"));
    m_limit->setRange(0.1, 10000.0);
    m_limit->setDecimals(1);
    m_limit->setSingleStep(0.5);
    m_limit->setSuffix(tr(" GiB"));
    m_limit->setValue(double(maxBytes) / kGiB);
    m_limit->setToolTip(
        tr("Applies to the entries the app writes; the shared entries samdesk-cli "
           "encode writes for a dataset are never evicted"));

    m_usage = new QLabel(this);
    m_usage->setObjectName(QStringLiteral("cacheUsage"));
    m_clear = new QPushButton(tr("Clear Cache..."), this);
    m_clear->setObjectName(QStringLiteral("clearCache"));
    auto* usageRow = new QHBoxLayout;
    usageRow->addWidget(m_usage, 1);
    usageRow->addWidget(m_clear);

    auto* form = new QFormLayout;
    form->addRow(QString(), m_enabled);
    form->addRow(tr("Folder:"), dirRow);
    form->addRow(tr("Size limit:"), m_limit);
    form->addRow(tr("In use:"), usageRow);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, &EmbeddingCacheDialog::chooseDirectory);
    connect(reset, &QPushButton::clicked, this,
            [this] { m_directory->setText(QString::fromStdString(defaultCacheDirectory())); });
    connect(m_directory, &QLineEdit::editingFinished, this, &EmbeddingCacheDialog::refreshUsage);
    connect(m_clear, &QPushButton::clicked, this, &EmbeddingCacheDialog::confirmClear);
    auto enable = [this, browse, reset](bool on) {
        for (QWidget* w : {static_cast<QWidget*>(m_directory), static_cast<QWidget*>(browse),
                           static_cast<QWidget*>(reset), static_cast<QWidget*>(m_limit)})
            w->setEnabled(on);
    };
    connect(m_enabled, &QCheckBox::toggled, this, enable);
    enable(enabled);
    refreshUsage();
}

bool EmbeddingCacheDialog::cacheEnabled() const {
    return m_enabled->isChecked();
}

QString EmbeddingCacheDialog::directory() const {
    return m_directory->text().trimmed();
}

quint64 EmbeddingCacheDialog::maxBytes() const {
    return quint64(std::llround(m_limit->value() * kGiB));
}

void EmbeddingCacheDialog::refreshUsage() {
    const QString dir = directory();
    if (dir.isEmpty()) {
        m_usage->setText(tr("no folder"));
        m_clear->setEnabled(false);
        return;
    }
    const CacheFolderUsage usage = cacheFolderUsage(dir.toStdString());
    const std::size_t n = usage.entries;
    const QString size = QLocale().formattedDataSize(qint64(usage.bytes));
    QString text = tr("%n image(s), %1", "", int(n)).arg(size);
    if (usage.sharedEntries > 0)
        // Written by samdesk-cli encode for everyone using the folder: the limit below does
        // not apply to them and the app never evicts them.
        text += tr("; %n shared (%1, from samdesk-cli encode: never evicted by the limit)", "",
                   int(usage.sharedEntries))
                    .arg(QLocale().formattedDataSize(qint64(usage.sharedBytes)));
    m_usage->setText(text);
    m_clear->setEnabled(n > 0);
}

bool EmbeddingCacheDialog::clearCache() {
    const QString dir = directory();
    if (dir.isEmpty())
        return true;
    const bool empty = clearCacheFolder(dir.toStdString()).entries == 0;
    refreshUsage();
    return empty;
}

void EmbeddingCacheDialog::chooseDirectory() {
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Embedding Cache Folder"), directory());
    if (dir.isEmpty())
        return;
    m_directory->setText(dir);
    refreshUsage();
}

void EmbeddingCacheDialog::confirmClear() {
    const auto answer = QMessageBox::question(
        this, tr("Clear Cache"),
        tr("Remove every cached embedding in %1? Images will be encoded again when opened.")
            .arg(directory()));
    if (answer != QMessageBox::Yes)
        return;
    if (!clearCache())
        QMessageBox::warning(this, tr("Clear Cache"),
                             tr("Some entries could not be removed (permissions?)."));
}

}  // namespace samdesk
