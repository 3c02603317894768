// The annotation document: three parts with one job each, and the operations that span them.
//   DocumentSession      the images, the current image, the engine, encoding (ahead)
//   DocumentPrediction   the prompts, their decode, the mask candidates, threshold, hover
//   DocumentAnnotations  the objects and labels, the undo stack, the autosave
// Observers (the canvas, the panels) connect to the part they show. What changes more than one
// part goes through this class: switching images (save, reset, load, announce, encode), keeping
// the current mask as an object, reselecting an object to refine it, deleting the object being
// refined. Every edit is an undo step on the one undo stack. QtCore/QtGui only.
//
// Coordinates: original image pixels. Thread affinity: the UI thread; the inference thread's
// results arrive as queued signals carrying values (see DocumentSession).
#pragma once

#include <QObject>

#include <memory>

#include "core/document/documentannotations.h"
#include "core/document/documentprediction.h"
#include "core/document/documentsession.h"

namespace samdesk {

class AnnotationDocument : public QObject {
    Q_OBJECT
public:
    // `factory` makes engines on the inference thread (createEngine in the app). The document
    // starts with GrabCut; call session()->loadCheckpoint() for SAM.
    explicit AnnotationDocument(EngineFactory factory, QObject* parent = nullptr);
    ~AnnotationDocument() override;

    DocumentSession* session() { return m_session.get(); }
    const DocumentSession* session() const { return m_session.get(); }
    DocumentPrediction* prediction() { return m_prediction.get(); }
    const DocumentPrediction* prediction() const { return m_prediction.get(); }
    DocumentAnnotations* annotations() { return m_annotations.get(); }
    const DocumentAnnotations* annotations() const { return m_annotations.get(); }
    QUndoStack* undoStack() { return m_annotations->undoStack(); }

    // ---- Images -------------------------------------------------------------------------------
    // Opens one image (a file or a Qt resource). False (and an error() signal) when unreadable;
    // the current image stays.
    bool openImage(const QString& path);
    // Opens a folder's images and shows the first one that can be read (or `select` when it is
    // one of them). False, with error(), when none can; the current images stay.
    bool openFolder(const QString& folder, const QString& select = {});
    bool setCurrentIndex(int index);
    bool next();
    bool previous();

    // Encodes the current image again and decodes its prompts after it.
    void reencode();

    // ---- Objects ------------------------------------------------------------------------------
    // Enter: stores the current mask as a new object with the current label (or as the new mask
    // of the object being refined) and clears the prompts, in one undo step. False when there
    // is no mask.
    bool keepMask();
    // Reselects an object to refine it: its prompts come back when they are known (made in this
    // visit), else its mask shows as the current mask (and, with SAM, goes with the first new
    // prompt as the mask input); Keep then replaces its mask.
    void refineObject(int id);
    // Deletes the object (and stops refining it when it is the one being refined).
    void removeObject(int id);

    // Writes pending autosaves now (also done on image switch and destruction).
    void flush();

Q_SIGNALS:
    void message(const QString& text);  // for the status bar, from every part
    void error(const QString& text);    // something the user should see, from every part

private:
    bool show(int index);  // the current image's work is saved; shows `index` of the list

    // Destroyed in reverse: the prediction and the annotations (whose destructor saves) go
    // before the session they read.
    std::unique_ptr<DocumentSession> m_session;
    std::unique_ptr<DocumentAnnotations> m_annotations;
    std::unique_ptr<DocumentPrediction> m_prediction;
};

}  // namespace samdesk
