// Undo step for a hand edit of one object's mask (a brush or eraser stroke, a clean-up): only the
// rectangle of pixels the edit touched is kept, before and after, so a stroke on a 48 MP photo
// costs its own area in the history, not the photo's.
#pragma once

#include <QUndoCommand>

#include "core/annotation/binarymask.h"

namespace samdesk {

class DocumentAnnotations;

class MaskPatchCommand : public QUndoCommand {
public:
    struct Patch {
        BinaryMask pixels;  // the rectangle's pixels
        bool handEdited = false;
    };
    // `before` and `after` cover the same rectangle, whose top-left pixel is (x, y).
    MaskPatchCommand(DocumentAnnotations* document, const QString& text, int id, int x, int y,
                     Patch before, Patch after, QUndoCommand* parent = nullptr);

    void undo() override;
    void redo() override;

private:
    DocumentAnnotations* m_document;
    int m_id;
    int m_x;
    int m_y;
    Patch m_before;
    Patch m_after;
};

}  // namespace samdesk
