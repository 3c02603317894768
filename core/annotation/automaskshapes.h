// The automatic mask generator's records (core/common/automask.h) as annotation values: the
// mask as a BinaryMask, and its outline for display. Both work on the record's box only, so a
// small proposal on a 48 MP photo costs its own pixels, not the photo's.
#pragma once

#include <vector>

#include <string>

#include "core/annotation/binarymask.h"
#include "core/annotation/imageannotations.h"
#include "core/annotation/polygon.h"
#include "core/common/automask.h"

namespace samdesk {

// The record's mask at the image's size (width x height).
BinaryMask autoMaskToBinary(const AutoMask& mask);

// The record's mask inside its box (bbox[2] + 1 x bbox[3] + 1 pixels; the box's top-left pixel
// is (bbox[0], bbox[1])). Null for an empty record.
BinaryMask autoMaskBoxCrop(const AutoMask& mask);

// The outer rings of the mask's parts in image pixels, along pixel edges (vertices on pixel
// corners; holes are left out), for display: exact when the box's longer side is at most
// `maxSide` pixels, else traced on a grid of cells of f x f pixels (f the smallest factor that
// brings the side within maxSide; a cell counts when any of its pixels is set), so that a mask
// over a whole 48 MP photo gives a bounded outline. 0: always exact.
std::vector<Polygon> autoMaskOutline(const AutoMask& mask, int maxSide = 2048);

// The record as object `id` with `label`, as the app's Accept and the CLI's --into-annotations
// make it: its mask, source "everything", its predicted IoU as the score; and when it is a mask
// of the whole image's grid that no clean-up changed, its point as the prompts (what a multimask
// click there gives as that candidate: reselection and Re-run SAM then work on it), made by
// `engine` ("SAM vit_b") with the checkpoint of `fingerprint`. Other records keep no prompts.
AnnotationObject autoMaskObject(const AutoMask& mask, int id, const std::string& label,
                                const std::string& engine, const std::string& fingerprint);

}  // namespace samdesk
