// Object undo steps.
#include "core/document/objectscommand.h"

#include "core/document/documentannotations.h"

namespace samdesk {

ObjectsCommand::ObjectsCommand(DocumentAnnotations* document, const QString& text,
                               const QVector<Change>& changes, QUndoCommand* parent)
    : QUndoCommand(text, parent), m_document(document) {
    for (const Change& c : changes) {
        Entry e;
        e.id = c.id;
        e.index = c.index;
        if (c.before)
            e.before = pack(*c.before);
        if (c.after)
            e.after = pack(*c.after);
        m_entries.append(std::move(e));
    }
}

ObjectsCommand::Packed ObjectsCommand::pack(const AnnotationObject& object) {
    Packed p;
    p.object = object;
    p.object.mask = BinaryMask();
    p.width = object.mask.width();
    p.height = object.mask.height();
    p.rle = object.mask.toRleString();
    return p;
}

AnnotationObject ObjectsCommand::unpack(const Packed& packed) {
    AnnotationObject o = packed.object;
    // The RLE was made by toRleString() of a mask this size: it always decodes.
    auto mask = BinaryMask::fromRleString(packed.width, packed.height, packed.rle);
    o.mask = mask ? std::move(mask.value()) : BinaryMask(packed.width, packed.height);
    return o;
}

void ObjectsCommand::apply(bool after) {
    QVector<DocumentAnnotations::ObjectUpdate> updates;
    // Undo walks the entries backwards so that insert positions are restored in order.
    for (int k = 0; k < m_entries.size(); ++k) {
        const Entry& e = m_entries[after ? k : m_entries.size() - 1 - k];
        const auto& target = after ? e.after : e.before;
        DocumentAnnotations::ObjectUpdate u;
        u.id = e.id;
        u.index = e.index;
        if (target) {
            u.object = unpack(*target);
            u.rle = target->rle;
        }
        updates.append(std::move(u));
    }
    m_document->applyObjects(updates);
}

void ObjectsCommand::undo() {
    apply(false);
}

void ObjectsCommand::redo() {
    apply(true);
}

}  // namespace samdesk
