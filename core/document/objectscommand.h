// Undo step for a change of some objects of the current image: each entry holds an object before
// and after (no "before": added; no "after": removed). Masks are stored as COCO RLE, so a long
// history of a large image stays small.
#pragma once

#include <QUndoCommand>
#include <QVector>

#include <optional>
#include <string>

#include "core/annotation/imageannotations.h"

namespace samdesk {

class DocumentAnnotations;

class ObjectsCommand : public QUndoCommand {
public:
    struct Change {
        int id = 0;
        int index = -1;  // where an added object goes (-1: on top)
        std::optional<AnnotationObject> before;
        std::optional<AnnotationObject> after;
    };

    ObjectsCommand(DocumentAnnotations* document, const QString& text,
                   const QVector<Change>& changes, QUndoCommand* parent = nullptr);

    void undo() override;
    void redo() override;

private:
    // An object with its mask packed.
    struct Packed {
        AnnotationObject object;  // mask left null
        int width = 0;
        int height = 0;
        std::string rle;
    };
    struct Entry {
        int id = 0;
        int index = -1;
        std::optional<Packed> before;
        std::optional<Packed> after;
    };
    static Packed pack(const AnnotationObject& object);
    static AnnotationObject unpack(const Packed& packed);
    void apply(bool after);

    DocumentAnnotations* m_document;
    QVector<Entry> m_entries;
};

}  // namespace samdesk
