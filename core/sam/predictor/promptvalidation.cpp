// Prompt validation with messages that name the offending prompt and the image size.
#include "core/sam/predictor/promptvalidation.h"

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

Status validatePrompts(const PromptSet& prompts, ImageSize image, int maskSide) {
    if (prompts.points.empty() && !prompts.box && prompts.maskInput.empty())
        return Error::invalid("no prompt: give at least a point, a box or a mask input");
    for (std::size_t i = 0; i < prompts.points.size(); ++i) {
        const auto& p = prompts.points[i];
        if (!inside(p.x, image.width) || !inside(p.y, image.height)) {
            std::ostringstream s;
            s << "point " << i << " (" << p.x << ", " << p.y << ") is outside the "
              << sizeText(image) << " image";
            return Error::invalid(s.str());
        }
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
    if (const LowResLogits& m = prompts.maskInput; !m.empty()) {
        if (m.width != maskSide || m.height != maskSide ||
            m.values.size() != static_cast<std::size_t>(maskSide) * maskSide)
            return Error::invalid("mask input has " + std::to_string(m.values.size()) +
                                  " values (" + std::to_string(m.width) + " x " +
                                  std::to_string(m.height) + "); this model needs " +
                                  std::to_string(maskSide) + " x " + std::to_string(maskSide) +
                                  " low-res logits from an earlier prediction");
        for (float v : m.values)
            if (!std::isfinite(v))
                return Error::invalid("mask input holds a non-finite value");
    }
    return {};
}

}  // namespace samdesk
