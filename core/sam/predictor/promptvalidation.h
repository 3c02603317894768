// Checks a prompt set against the image before it reaches the model, so a user's mistake (a
// click outside the image, a flipped box, a mask from another model) is a clear error instead of
// a silently wrong mask or a libtorch exception.
#pragma once

#include "core/common/expected.h"
#include "core/sam/predictor/predictor.h"

namespace samdesk {

// `image`: original image size; `maskSide`: the model's low-res mask side (4G).
// Points must lie in [0, width] x [0, height] (original pixels), the box be
// ordered (x0 <= x1, y0 <= y1) and inside the image, the mask input maskSide x maskSide, and at
// least one of points, box or mask input be given. Errors are InvalidInput.
Status validatePrompts(const PromptSet& prompts, ImageSize image, int maskSide);

}  // namespace samdesk
