// Undo step for a change of the prompts (a point added, moved or removed, a box drawn, the
// prompts cleared, an object reselected for refinement): the state before and after.
#pragma once

#include <QUndoCommand>

#include "core/document/promptstate.h"

namespace samdesk {

class DocumentPrediction;

class PromptCommand : public QUndoCommand {
public:
    // `mergeKey` != 0 merges consecutive commands with the same key into one step (a marker
    // dragged across the image is one move).
    PromptCommand(DocumentPrediction* document, const QString& text, PromptState before,
                  PromptState after, int mergeKey = 0, QUndoCommand* parent = nullptr);

    void undo() override;
    void redo() override;
    int id() const override { return m_mergeKey ? 0x5044 : -1; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    DocumentPrediction* m_document;
    PromptState m_before;
    PromptState m_after;
    int m_mergeKey;
};

}  // namespace samdesk
