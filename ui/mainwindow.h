// The main window: the canvas in the middle, the image list on the left, the candidates and the
// objects on the right, menus and a toolbar for every action, and a status bar that says which
// engine runs (and how to load SAM), the encoding progress with Cancel, the zoom and the cursor,
// and a hint for the tool in use. Editing masks by hand (brush, combine modes, clean-up, boolean
// operations, re-run SAM) is in mainwindow_edit.cpp; segment everything (the run with progress
// and Cancel, its parameters, the review's actions) in mainwindow_everything.cpp.
#pragma once

#include <QHash>
#include <QMainWindow>
#include <QString>

#include "core/document/appsettings.h"
#include "core/document/inferencetypes.h"

class QActionGroup;
class QLabel;
class QMenu;
class QProgressBar;
class QToolButton;

namespace samdesk {

class AnnotationDocument;
class CandidatesPanel;
class CanvasView;
class CheckpointInfoDialog;
class EmbeddingCacheDialog;
class EverythingPanel;
class ImageListPanel;
class ObjectsPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `factory` makes the engines (createEngine: GrabCut, or SAM from a checkpoint).
    explicit MainWindow(EngineFactory factory = createEngine, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens an image file (or a Qt resource such as the sample). False and a message when it
    // cannot be read; the current image stays.
    bool openImage(const QString& path);
    bool openFolder(const QString& folder);
    // Loads a SAM checkpoint with the remembered device and precision (asynchronously). A
    // failure shows the loader's message and keeps the current engine.
    void loadCheckpoint(const QString& path);
    // Restores the window layout and view options; loads the remembered checkpoint when
    // `loadLastCheckpoint` (and it still exists).
    void restoreSettings(bool loadLastCheckpoint);

    QString currentImagePath() const;
    QSize currentImageSize() const;
    static QString sampleImagePath();

    AnnotationDocument* document() const { return m_document; }
    CanvasView* canvas() const { return m_canvas; }
    CandidatesPanel* candidatesPanel() const { return m_candidates; }
    ObjectsPanel* objectsPanel() const { return m_objects; }
    ImageListPanel* imageListPanel() const { return m_images; }
    QLabel* engineLabel() const { return m_engineLabel; }
    // Actions by object name ("keepMask", "nextImage", ...); nullptr when unknown.
    QAction* action(const QString& name) const { return m_actions.value(name); }
    QList<QAction*> allActions() const { return m_actionList; }

    // Opens the checkpoint info dialog (non-modal); nullptr while no SAM checkpoint is loaded.
    CheckpointInfoDialog* showCheckpointInfo();
    // Opens the embedding cache dialog (non-modal). Accepting it stores the values and, with a
    // SAM checkpoint loaded, reloads it so that they apply.
    EmbeddingCacheDialog* showEmbeddingCache();
    // Stores embedding cache settings and applies them (reloading a loaded SAM checkpoint).
    void setEmbeddingCache(bool enabled, const QString& directory, quint64 maxBytes);

    // ---- Editing masks by hand ----------------------------------------------------------------
    // Where Fill Holes and the like go: the object being refined, else the highlighted one.
    int editTarget() const;
    // Remove Small Islands on the edit target: parts under `minArea` pixels go; the value is
    // remembered as the dialog's next default. False when nothing changed.
    bool removeSmallIslands(int minArea);
    int islandMinArea() const;  // remembered across runs (default 100)
    // What Re-run SAM decodes: the selected objects (all of them with `all` or no selection).
    QList<int> rerunTargets(bool all) const;
    // Re-runs the kept prompts of `ids`. Objects edited by hand since: `Ask` asks whether to
    // re-run them too (their edits are replaced), `Include` re-runs them, `Exclude` leaves them.
    // Returns how many objects are re-run (0: none, cancelled, or one is running already).
    enum class HandEdited { Ask, Include, Exclude };
    int rerunSam(const QList<int>& ids, HandEdited handEdited = HandEdited::Ask);

    // ---- Segment everything -------------------------------------------------------------------
    // Runs it on the current image with everythingParams() (in the background; the status bar
    // shows the progress and Cancel). False, with the document's error, when it cannot start.
    bool runEverything();
    // Segment everything on the folder's other images (DocumentProposals::runFolder), after a
    // confirmation when `ask`.
    int runEverythingFolder(bool ask);
    // The parameters of the next run: the remembered ones at start; `remember` stores them too
    // (the panel does; a --script does not).
    const AutoMaskParams& everythingParams() const { return m_everythingParams; }
    void setEverythingParams(const AutoMaskParams& params, bool remember);
    // Opens the parameter panel (non-modal); OK stores its values for the next runs.
    EverythingPanel* showEverythingSettings();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createDocks();
    void createStatusBar();
    void createActions();
    void createEditActions();
    void createEverythingActions();
    void createEverythingStatus();
    void updateEverythingStatus();
    void updateEverythingActions();
    void createMenus();
    void createToolBar();
    QAction* makeAction(const QString& name, const QString& text,
                        const QList<QKeySequence>& keys = {}, const QString& tip = {});
    void rebuildRecentMenu();
    void updateEngineStatus();
    void updateEncodeStatus();
    void updateActions();
    void updateEditActions();
    void updateToolHint();
    void updateTitle();
    void showError(const QString& title, const QString& text);
    void chooseCheckpoint();
    void chooseImage();
    void chooseFolder();
    void deleteSelection();
    void exportAnnotations();
    void setDevice(const QString& device);
    void setPrecision(const QString& precision);

    AppSettings m_settings;
    AnnotationDocument* m_document = nullptr;
    CanvasView* m_canvas = nullptr;
    CandidatesPanel* m_candidates = nullptr;
    ObjectsPanel* m_objects = nullptr;
    ImageListPanel* m_images = nullptr;
    QLabel* m_engineLabel = nullptr;
    QLabel* m_zoomLabel = nullptr;
    QLabel* m_cursorLabel = nullptr;
    QLabel* m_toolHint = nullptr;  // hidden while a status message shows
    QProgressBar* m_encodeBar = nullptr;
    QToolButton* m_cancelButton = nullptr;
    QProgressBar* m_everythingBar = nullptr;
    QToolButton* m_everythingCancel = nullptr;
    AutoMaskParams m_everythingParams;
    QMenu* m_recentMenu = nullptr;
    QActionGroup* m_deviceGroup = nullptr;
    QActionGroup* m_precisionGroup = nullptr;
    QHash<QString, QAction*> m_actions;
    QList<QAction*> m_actionList;
    QString m_pendingCheckpoint;  // being loaded
};

}  // namespace samdesk
