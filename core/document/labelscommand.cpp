// Label set undo steps.
#include "core/document/labelscommand.h"

#include "core/document/documentannotations.h"

namespace samdesk {

LabelsCommand::LabelsCommand(DocumentAnnotations* document, const QString& text, LabelSet before,
                             LabelSet after, QUndoCommand* parent)
    : QUndoCommand(text, parent)
    , m_document(document)
    , m_before(std::move(before))
    , m_after(std::move(after)) {}

void LabelsCommand::undo() {
    m_document->applyLabels(m_before);
}

void LabelsCommand::redo() {
    m_document->applyLabels(m_after);
}

}  // namespace samdesk
