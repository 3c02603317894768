// Region encoding for the predictor: the pixels of a part of an image as a view into the whole
// (no copy), the prompts moved into the part's frame, and its masks placed back into the whole
// image's frame, so that a region behaves exactly like the cropped image given to the predictor.
// Coordinates: original image pixels (ImageRegion, core/common/prompts.h).
#pragma once

#include <string>

#include "core/common/expected.h"
#include "core/common/prompts.h"
#include "core/sam/predictor/predictor.h"

namespace samdesk {

// "x0,y0,x1,y1" in image pixels, x1 and y1 exclusive. Errors: InvalidInput.
Expected<ImageRegion> parseRegion(const std::string& text);

// InvalidInput when the region is empty or not inside the image.
Status checkRegion(const ImageRegion& region, ImageSize image);

// The region's pixels of `image` (same rows, same stride): valid while `image`'s pixels are.
ImageView cropView(const ImageView& image, const ImageRegion& region);

// The prompts in the region's frame (moved by -x, -y). InvalidInput, naming the prompt, when a
// point or the box lies outside the region. The mask input goes along unchanged (it is in the
// model's mask frame of the region's embedding).
Expected<PromptSet> promptsInRegion(const PromptSet& prompts, const ImageRegion& region);

// `count` planes of region.width x region.height values placed into planes of the image's size
// at the region's place; every other value is `outside`.
std::vector<float> placeInImage(const std::vector<float>& regionPlanes, int count,
                                const ImageRegion& region, ImageSize image, float outside);

}  // namespace samdesk
