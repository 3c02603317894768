// File -> Export: choose a format, its options and an output folder, then export a folder's
// autosaved annotations (or annotations given in memory) on a worker thread with a progress bar
// and Cancel. Asks before writing into a folder that already has files.
// Usage: ExportDialog dialog(folder, labels, this); dialog.exec();
// Save the open document first: the folder export reads the autosave files.
#pragma once

#include <QDialog>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "core/annotation/datasetexport.h"
#include "core/annotation/imageannotations.h"
#include "core/annotation/labelset.h"

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QThread;

namespace samdesk {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    // Exports every annotated image of `imageFolder` (its .samdesk autosave store).
    ExportDialog(const QString& imageFolder, const LabelSet& labels, QWidget* parent = nullptr);
    // Exports `images` (e.g. the open image), whose file names are relative to `imageFolder`.
    ExportDialog(std::vector<ImageAnnotations> images, const QString& imageFolder,
                 const LabelSet& labels, QWidget* parent = nullptr);
    ~ExportDialog() override;

    ExportFormat format() const;
    void setFormat(ExportFormat format);
    CocoSegmentation cocoSegmentation() const;
    void setCocoSegmentation(CocoSegmentation segmentation);
    LabelMeShapes labelMeShapes() const;
    void setLabelMeShapes(LabelMeShapes shapes);
    QString outputFolder() const;
    void setOutputFolder(const QString& folder);

    bool isRunning() const { return m_thread != nullptr; }
    // The last finished export's report (nullopt before, or after a failure).
    const std::optional<ExportReport>& report() const { return m_report; }
    // What the dialog shows under the progress bar.
    QString statusText() const;

public Q_SLOTS:
    // What the Export button does: checks the folder (asks when it has files), then starts.
    void startExport();
    // Asks a running export to stop after the current image.
    void cancelExport();
    void reject() override;

Q_SIGNALS:
    // After each export; `message` is the summary or the error.
    void exportFinished(bool ok, const QString& message);

private:
    void buildUi();
    void updateOptions();
    void finishExport();
    bool confirmOverwrite(const QString& folder);

    QString m_imageFolder;
    LabelSet m_labels;
    std::optional<std::vector<ImageAnnotations>> m_images;  // set: export these, not the folder

    QComboBox* m_format = nullptr;
    QComboBox* m_segmentation = nullptr;
    QComboBox* m_labelMeShapes = nullptr;
    QLineEdit* m_output = nullptr;
    QLabel* m_summary = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QPlainTextEdit* m_warnings = nullptr;
    QPushButton* m_exportButton = nullptr;
    QDialogButtonBox* m_buttons = nullptr;

    QThread* m_thread = nullptr;
    std::atomic<bool> m_cancel{false};
    std::shared_ptr<std::optional<Expected<ExportReport>>> m_result;
    std::optional<ExportReport> m_report;
};

}  // namespace samdesk
