// Prompt validation with messages that name the offending prompt and the image size.
#include "core/sam/promptvalidation.h"

#include <cmath>
#include <sstream>

namespace samdesk {

namespace {

bool inside(double v, int limit) {
    return std::isfinite(v) && v >= 0.0 && v <= limit;
}

std::string sizeText(ImageSize s) {
    return std::to_string(s.width) + " x " + std::to_string(s.height);
}

}  // namespace

Status validatePrompts(const Prompts& prompts, ImageSize image, int maskSide) {
    if (prompts.points.empty() && !prompts.box && !prompts.maskInput)
        return Error::invalid("no prompt: give at least a point, a box or a mask input");
    for (std::size_t i = 0; i < prompts.points.size(); ++i) {
        const auto& p = prompts.points[i];
        if (!inside(p.x, image.width) || !inside(p.y, image.height)) {
            std::ostringstream s;
            s << "point " << i << " (" << p.x << ", " << p.y << ") is outside the "
              << sizeText(image) << " image";
            return Error::invalid(s.str());
        }
        if (p.label != 0 && p.label != 1)
            return Error::invalid("point " + std::to_string(i) + " has label " +
                                  std::to_string(p.label) +
                                  "; labels are 1 (foreground) or 0 (background)");
    }
    if (const auto& b = prompts.box) {
        std::ostringstream s;
        s << "box (" << b->x0 << ", " << b->y0 << ", " << b->x1 << ", " << b->y1 << ")";
        if (!inside(b->x0, image.width) || !inside(b->x1, image.width) ||
            !inside(b->y0, image.height) || !inside(b->y1, image.height))
            return Error::invalid(s.str() + " is outside the " + sizeText(image) + " image");
        if (b->x1 < b->x0 || b->y1 < b->y0)
            return Error::invalid(s.str() + " is reversed: it needs x0 <= x1 and y0 <= y1");
    }
    if (const auto& m = prompts.maskInput) {
        if (m->side != maskSide ||
            m->logits.size() != static_cast<std::size_t>(maskSide) * maskSide)
            return Error::invalid(
                "mask input has " + std::to_string(m->logits.size()) + " values (side " +
                std::to_string(m->side) + "); this model needs " + std::to_string(maskSide) +
                " x " + std::to_string(maskSide) + " low-res logits from an earlier prediction");
        for (float v : m->logits)
            if (!std::isfinite(v))
                return Error::invalid("mask input holds a non-finite value");
    }
    return {};
}

}  // namespace samdesk
