// The prompts of the current mask, as the undo stack sees them: points (each with an id, so the
// canvas can move or remove one), at most one box, the low-res logits to feed back as SAM's mask
// input, and the object being refined (if any). The points and the box are the shared prompt
// types (core/common/prompts.h). Coordinates: original image pixels (the canvas scene uses the
// same units).
#pragma once

#include <QPointF>
#include <QRectF>
#include <QString>
#include <QVector>

#include <memory>
#include <optional>

#include "core/common/prompts.h"

namespace samdesk {

struct PromptPointItem {
    int id = 0;  // >= 1, unique within a document
    PromptPoint point;

    QPointF position() const { return {point.x, point.y}; }
    bool operator==(const PromptPointItem&) const = default;
};

// The chosen candidate's low-res logits of an earlier prediction, the engine that made them and
// the encoding they lie over (logits of another engine or checkpoint, or of the whole image
// when the next decode uses a region's encoding, must not be fed back).
struct MaskHint {
    std::shared_ptr<const LowResLogits> logits;
    int engineGeneration = 0;
    QString sessionKey;  // the image's key, or its region's (DocumentSession::regionKey)
    bool operator==(const MaskHint&) const = default;
};

struct PromptState {
    static constexpr int kBoxId = 0;  // the box's prompt id (points have ids >= 1)

    QVector<PromptPointItem> points;
    std::optional<PromptBox> box;
    MaskHint hint;
    int refiningObject = 0;  // the object whose mask Keep replaces; 0: Keep adds a new object

    bool isEmpty() const { return points.isEmpty() && !box; }
    bool operator==(const PromptState&) const = default;

    std::optional<QRectF> boxRect() const {
        if (!box)
            return std::nullopt;
        return QRectF(QPointF(box->x0, box->y0), QPointF(box->x1, box->y1));
    }

    // What the engine gets. SAM's guidance: several candidates for one ambiguous point, a single
    // mask for several prompts, a box or a mask input.
    PromptSet toPromptSet(bool withHint) const {
        PromptSet set;
        for (const auto& p : points)
            set.points.push_back(p.point);
        set.box = box;
        if (withHint && hint.logits)
            set.maskInput = *hint.logits;
        // One candidate as soon as a mask goes with the prompt: it says which object is meant.
        set.multimask = points.size() == 1 && !box && set.maskInput.empty();
        return set;
    }
};

}  // namespace samdesk
