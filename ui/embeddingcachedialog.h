// Model -> Embedding Cache: where encoded images are kept on disk, how much room they may take,
// what they take now, and a button to empty the cache. The dialog edits values; the main window
// stores them (AppSettings) and reloads the model so that they apply at once.
#pragma once

#include <QDialog>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace samdesk {

class EmbeddingCacheDialog : public QDialog {
    Q_OBJECT
public:
    EmbeddingCacheDialog(bool enabled, const QString& directory, quint64 maxBytes,
                         QWidget* parent = nullptr);

    bool cacheEnabled() const;
    QString directory() const;  // as typed, trimmed
    quint64 maxBytes() const;

    // Re-reads the folder: number of entries and their total size.
    void refreshUsage();
    // Removes every cache entry in the folder (other files are left alone); false when some
    // could not be removed. The usage shown is refreshed.
    bool clearCache();

    QCheckBox* enabledBox() const { return m_enabled; }
    QLineEdit* directoryEdit() const { return m_directory; }
    QDoubleSpinBox* limitBox() const { return m_limit; }
    QLabel* usageLabel() const { return m_usage; }
    QPushButton* clearButton() const { return m_clear; }

private:
    void chooseDirectory();
    void confirmClear();

    QCheckBox* m_enabled;
    QLineEdit* m_directory;
    QDoubleSpinBox* m_limit;
    QLabel* m_usage;
    QPushButton* m_clear;
};

}  // namespace samdesk
