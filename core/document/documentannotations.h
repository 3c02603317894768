// The document's annotations of the current image: its objects and the folder's labels, the
// undo stack that covers every edit of the document (prompts included), and the autosave of
// both to the folder's AnnotationStore (debounced, atomic, flushed on image switch and exit).
// Each object carries the prompts it was made with (AnnotationObject::prompts), saved with it, so
// reselecting it in a later session brings them back. QtCore/QtGui only.
//
// Coordinates: original image pixels. Thread affinity: the UI thread.
#pragma once

#include <QColor>
#include <QObject>
#include <QTimer>
#include <QUndoStack>

#include <optional>
#include <string>
#include <unordered_map>

#include "core/annotation/imageannotations.h"
#include "core/annotation/labelset.h"

namespace samdesk {

class DocumentSession;

class DocumentAnnotations : public QObject {
    Q_OBJECT
public:
    // The name objects get when no label is chosen.
    static QString defaultLabel();

    // Saves through the session's image list (its store and annotated marks).
    explicit DocumentAnnotations(DocumentSession* session, QObject* parent = nullptr);
    ~DocumentAnnotations() override;

    const ImageAnnotations& annotations() const { return m_annotations; }
    const LabelSet& labels() const { return m_labels; }
    QString currentLabel() const { return m_currentLabel; }
    void setCurrentLabel(const QString& label);  // added to the labels when new
    QColor objectColor(const AnnotationObject& object) const;
    const AnnotationObject* find(int id) const { return m_annotations.find(id); }

    void setObjectLabel(int id, const QString& label);
    void setObjectColor(int id, std::optional<QColor> color);  // nullopt: the label's colour
    void setObjectVisible(int id, bool visible);

    void addLabel(const QString& name);
    bool renameLabel(const QString& from, const QString& to);
    void setLabelColor(const QString& name, const QColor& color);
    void removeLabel(const QString& name);  // its objects become unlabelled
    void ensureLabel(const QString& name);  // adds it (an undo step) when missing

    QUndoStack* undoStack() { return &m_undo; }

    // ---- For AnnotationDocument (switching images) ---------------------------------------------
    // Reads the current image's saved annotations (an error() when they cannot be read or are
    // for another image size) and clears the undo stack. Silent:
    // announce() tells the observers.
    void loadForCurrentImage();
    void announce() { Q_EMIT objectsChanged(); }
    // Reads the folder's labels (objects' labels that the set lost come back).
    void loadLabels();
    // Writes pending autosaves now (also done on image switch and destruction).
    void flush();

    // ---- For the undo commands -----------------------------------------------------------------
    struct ObjectUpdate {
        int id = 0;
        int index = -1;
        std::optional<AnnotationObject> object;  // nullopt: remove
        // The object's mask as BinaryMask::toRleString() writes it, when the caller has it (an
        // undo step keeps masks so): the autosave then writes it without encoding the mask.
        // Empty: encoded on the next save.
        std::string rle;
    };
    void applyObjects(const QVector<ObjectUpdate>& updates);
    // Writes `patch` into object `id`'s mask at (x, y) and sets its hand-edited mark.
    void applyMaskPatch(int id, int x, int y, const BinaryMask& patch, bool handEdited);
    void applyLabels(const LabelSet& labels);

Q_SIGNALS:
    void objectsChanged();
    void labelsChanged();
    void currentLabelChanged(const QString& label);
    void message(const QString& text);
    void error(const QString& text);

private:
    void scheduleSave();
    void saveNow();

    DocumentSession* m_session;
    ImageAnnotations m_annotations;
    LabelSet m_labels;
    QString m_currentLabel;
    bool m_dirtyObjects = false;
    bool m_dirtyLabels = false;
    QTimer m_saveTimer;
    // Each object's mask RLE, made by a save or handed in with an undo step, dropped when its
    // mask changes otherwise: an autosave after a stroke encodes the one mask that changed, not
    // every mask of a 48 MP photo.
    std::unordered_map<int, std::string> m_savedRle;
    QUndoStack m_undo;
};

}  // namespace samdesk
