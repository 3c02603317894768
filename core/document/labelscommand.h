// Undo step for a change of the folder's label set (a label added, renamed, recoloured,
// removed): the set before and after. Objects that change with it are a separate ObjectsCommand
// in the same macro.
#pragma once

#include <QUndoCommand>

#include "core/annotation/labelset.h"

namespace samdesk {

class DocumentAnnotations;

class LabelsCommand : public QUndoCommand {
public:
    LabelsCommand(DocumentAnnotations* document, const QString& text, LabelSet before,
                  LabelSet after, QUndoCommand* parent = nullptr);

    void undo() override;
    void redo() override;

private:
    DocumentAnnotations* m_document;
    LabelSet m_before;
    LabelSet m_after;
};

}  // namespace samdesk
