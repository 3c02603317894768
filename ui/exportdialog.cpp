// ExportDialog: the form, the worker thread and what the user sees when it is done.
#include "ui/exportdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

#include "core/annotation/annotationstore.h"

namespace samdesk {

namespace {

std::filesystem::path toPath(const QString& s) {
    return std::filesystem::path(s.toStdString());
}

}  // namespace

ExportDialog::ExportDialog(const QString& imageFolder, const LabelSet& labels, QWidget* parent)
    : QDialog(parent), m_imageFolder(imageFolder), m_labels(labels) {
    buildUi();
}

ExportDialog::ExportDialog(std::vector<ImageAnnotations> images, const QString& imageFolder,
                           const LabelSet& labels, QWidget* parent)
    : QDialog(parent), m_imageFolder(imageFolder), m_labels(labels), m_images(std::move(images)) {
    buildUi();
}

ExportDialog::~ExportDialog() {
    if (m_thread) {
        // The export stops after its current image; the dialog cannot outlive its worker.
        m_cancel = true;
        m_thread->wait();
    }
}

void ExportDialog::buildUi() {
    setWindowTitle(tr("Export annotations"));
    m_format = new QComboBox(this);
    m_format->setObjectName(QStringLiteral("format"));
    m_format->addItem(tr("PNG masks (per object, instance and semantic maps)"),
                      static_cast<int>(ExportFormat::Png));
    m_format->addItem(tr("COCO instance segmentation (JSON)"),
                      static_cast<int>(ExportFormat::Coco));
    m_format->addItem(tr("YOLO segmentation (txt + data.yaml)"),
                      static_cast<int>(ExportFormat::Yolo));
    m_format->addItem(tr("LabelMe (JSON per image)"), static_cast<int>(ExportFormat::LabelMe));
    m_format->setCurrentIndex(1);

    m_segmentation = new QComboBox(this);
    m_segmentation->setObjectName(QStringLiteral("cocoSegmentation"));
    m_segmentation->addItem(tr("RLE (exact, keeps holes)"),
                            static_cast<int>(CocoSegmentation::Rle));
    m_segmentation->addItem(tr("Polygons (one per outer contour)"),
                            static_cast<int>(CocoSegmentation::Polygon));

    m_labelMeShapes = new QComboBox(this);
    m_labelMeShapes->setObjectName(QStringLiteral("labelMeShapes"));
    m_labelMeShapes->addItem(tr("Masks (exact, keeps holes; a recent labelme)"),
                             static_cast<int>(LabelMeShapes::Mask));
    m_labelMeShapes->addItem(tr("Polygons (any labelme version; holes filled)"),
                             static_cast<int>(LabelMeShapes::Polygon));

    m_output = new QLineEdit(this);
    m_output->setObjectName(QStringLiteral("outputFolder"));
    auto* browse = new QPushButton(tr("Browse..."), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Export to folder"), m_output->text());
        if (!dir.isEmpty())
            m_output->setText(dir);
    });
    auto* outputRow = new QHBoxLayout;
    outputRow->addWidget(m_output, 1);
    outputRow->addWidget(browse);

    const int count =
        m_images
            ? static_cast<int>(m_images->size())
            : static_cast<int>(AnnotationStore(toPath(m_imageFolder)).annotatedImages().size());
    m_summary =
        new QLabel(tr("%n annotated image(s) in %1", nullptr, count).arg(m_imageFolder), this);
    m_summary->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("COCO masks:"), m_segmentation);
    form->addRow(tr("LabelMe shapes:"), m_labelMeShapes);
    form->addRow(tr("Output folder:"), outputRow);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setRange(0, std::max(count, 1));
    m_progress->setValue(0);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_warnings = new QPlainTextEdit(this);
    m_warnings->setObjectName(QStringLiteral("warnings"));
    m_warnings->setReadOnly(true);
    m_warnings->setVisible(false);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_exportButton = m_buttons->addButton(tr("Export"), QDialogButtonBox::ActionRole);
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_exportButton->setDefault(true);
    m_exportButton->setEnabled(count > 0);
    connect(m_exportButton, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(m_warnings);
    layout->addWidget(m_buttons);

    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::updateOptions);
    updateOptions();
}

void ExportDialog::updateOptions() {
    m_segmentation->setEnabled(format() == ExportFormat::Coco && !isRunning());
    m_labelMeShapes->setEnabled(format() == ExportFormat::LabelMe && !isRunning());
}

LabelMeShapes ExportDialog::labelMeShapes() const {
    return static_cast<LabelMeShapes>(m_labelMeShapes->currentData().toInt());
}

void ExportDialog::setLabelMeShapes(LabelMeShapes shapes) {
    m_labelMeShapes->setCurrentIndex(m_labelMeShapes->findData(static_cast<int>(shapes)));
}

ExportFormat ExportDialog::format() const {
    return static_cast<ExportFormat>(m_format->currentData().toInt());
}

void ExportDialog::setFormat(ExportFormat format) {
    m_format->setCurrentIndex(m_format->findData(static_cast<int>(format)));
}

CocoSegmentation ExportDialog::cocoSegmentation() const {
    return static_cast<CocoSegmentation>(m_segmentation->currentData().toInt());
}

void ExportDialog::setCocoSegmentation(CocoSegmentation segmentation) {
    m_segmentation->setCurrentIndex(m_segmentation->findData(static_cast<int>(segmentation)));
}

QString ExportDialog::outputFolder() const {
    return m_output->text().trimmed();
}

void ExportDialog::setOutputFolder(const QString& folder) {
    m_output->setText(folder);
}

QString ExportDialog::statusText() const {
    return m_status->text();
}

bool ExportDialog::confirmOverwrite(const QString& folder) {
    QMessageBox box(QMessageBox::Question, tr("Folder is not empty"),
                    tr("%1 already has files. Files with the same names will be replaced; "
                       "other files are left alone.\n\nExport into it anyway?")
                        .arg(QDir::toNativeSeparators(folder)),
                    QMessageBox::Yes | QMessageBox::No, this);
    box.setObjectName(QStringLiteral("overwriteQuestion"));
    box.setDefaultButton(QMessageBox::No);
    return box.exec() == QMessageBox::Yes;
}

void ExportDialog::startExport() {
    if (isRunning())
        return;
    const QString out = outputFolder();
    if (out.isEmpty()) {
        m_status->setText(tr("Choose an output folder."));
        return;
    }
    ExportOptions options;
    options.format = format();
    options.cocoSegmentation = cocoSegmentation();
    options.labelMeShapes = labelMeShapes();
    if (folderHasEntries(toPath(out))) {
        if (!confirmOverwrite(out))
            return;
        options.overwrite = true;
    }

    m_cancel = false;
    m_report.reset();
    m_warnings->clear();
    m_warnings->setVisible(false);
    m_progress->setValue(0);
    m_status->setText(tr("Exporting..."));
    m_exportButton->setEnabled(false);
    m_format->setEnabled(false);
    m_output->setEnabled(false);
    m_buttons->button(QDialogButtonBox::Close)->setText(tr("Cancel"));
    updateOptions();

    // The worker owns copies of everything it reads; results come back through m_result once
    // the thread has finished (QThread::finished is delivered on this thread).
    auto result = std::make_shared<std::optional<Expected<ExportReport>>>();
    m_result = result;
    const auto progress = [this](int done, int total) {
        QMetaObject::invokeMethod(
            this,
            [this, done, total] {
                m_progress->setRange(0, std::max(total, 1));
                m_progress->setValue(done);
            },
            Qt::QueuedConnection);
        return !m_cancel.load();
    };
    const auto folder = toPath(m_imageFolder);
    const auto target = toPath(out);
    m_thread = QThread::create(
        [result, progress, folder, target, options, labels = m_labels, images = m_images] {
            if (images)
                result->emplace(exportImages(*images, folder, labels, target, options, progress));
            else
                result->emplace(
                    exportFolder(AnnotationStore(folder), labels, target, options, progress));
        });
    connect(m_thread, &QThread::finished, this, &ExportDialog::finishExport);
    m_thread->start();
}

void ExportDialog::finishExport() {
    m_thread->wait();
    m_thread->deleteLater();
    m_thread = nullptr;
    m_exportButton->setEnabled(true);
    m_format->setEnabled(true);
    m_output->setEnabled(true);
    m_buttons->button(QDialogButtonBox::Close)->setText(tr("Close"));
    updateOptions();

    const auto& result = m_result->value();
    if (!result) {
        const bool cancelled = result.error().kind == Error::Kind::Cancelled;
        const QString message =
            cancelled ? tr("Export cancelled.")
                      : tr("Export failed: %1").arg(QString::fromStdString(result.error().message));
        m_status->setText(message);
        Q_EMIT exportFinished(false, message);
        return;
    }
    m_report = result.value();
    m_progress->setValue(m_progress->maximum());
    QString message = tr("Exported %n image(s)", nullptr, m_report->images) + ", " +
                      tr("%n object(s) to %1.", nullptr, m_report->objects)
                          .arg(QDir::toNativeSeparators(outputFolder()));
    if (!m_report->warnings.empty()) {
        message += " " + tr("%n warning(s):", nullptr, static_cast<int>(m_report->warnings.size()));
        for (const auto& w : m_report->warnings)
            m_warnings->appendPlainText(QString::fromStdString(w));
        m_warnings->setVisible(true);
    }
    m_status->setText(message);
    Q_EMIT exportFinished(true, message);
}

void ExportDialog::cancelExport() {
    if (isRunning()) {
        m_cancel = true;
        m_status->setText(tr("Cancelling..."));
    }
}

void ExportDialog::reject() {
    // Cancel first: the dialog closes only when no export is running.
    if (isRunning()) {
        cancelExport();
        return;
    }
    QDialog::reject();
}

}  // namespace samdesk
