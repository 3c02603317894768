// Mask patch undo steps.
#include "core/document/maskpatchcommand.h"

#include "core/document/documentannotations.h"

namespace samdesk {

MaskPatchCommand::MaskPatchCommand(DocumentAnnotations* document, const QString& text, int id,
                                   int x, int y, Patch before, Patch after, QUndoCommand* parent)
    : QUndoCommand(text, parent)
    , m_document(document)
    , m_id(id)
    , m_x(x)
    , m_y(y)
    , m_before(std::move(before))
    , m_after(std::move(after)) {}

void MaskPatchCommand::undo() {
    m_document->applyMaskPatch(m_id, m_x, m_y, m_before.pixels, m_before.handEdited);
}

void MaskPatchCommand::redo() {
    m_document->applyMaskPatch(m_id, m_x, m_y, m_after.pixels, m_after.handEdited);
}

}  // namespace samdesk
