// Prompt undo steps.
#include "core/document/promptcommand.h"

#include "core/document/documentprediction.h"

namespace samdesk {

PromptCommand::PromptCommand(DocumentPrediction* document, const QString& text, PromptState before,
                             PromptState after, int mergeKey, QUndoCommand* parent)
    : QUndoCommand(text, parent)
    , m_document(document)
    , m_before(std::move(before))
    , m_after(std::move(after))
    , m_mergeKey(mergeKey) {}

void PromptCommand::undo() {
    m_document->applyPrompts(m_before);
}

void PromptCommand::redo() {
    m_document->applyPrompts(m_after);
}

bool PromptCommand::mergeWith(const QUndoCommand* other) {
    const auto* o = static_cast<const PromptCommand*>(other);
    if (o->m_mergeKey != m_mergeKey)
        return false;
    m_after = o->m_after;
    return true;
}

}  // namespace samdesk
