// The autosave file format: one versioned JSON document per image, masks as COCO compressed RLE.
//
//   {"format": "samdesk-annotations", "version": 2, "image": "a.png", "width": W, "height": H,
//    "objects": [{"id": 1, "label": "cat", "visible": true, "color": "#e6194b" | null,
//                 "source": "sam", "score": 0.97, "hand_edited": false,
//                 "prompts": {"points": [[x, y, 1 | 0], ...], "box": [x0, y0, x1, y1] | null,
//                             "candidate": 0, "threshold": 0.0, "mask_input": false,
//                             "engine": "SAM vit_b", "checkpoint": "<fingerprint>"},
//                 "mask": {"size": [H, W], "counts": "<COCO RLE string>"}}]}
//
// Version 2 added "prompts" (written only for objects that have them; all seven fields are
// written and required, "box" may be null; point label 1 = foreground, 0 = background;
// coordinates in original image pixels) and "hand_edited" (always written; false when absent).
// Version 1 files (without both) still load: no prompts, not hand-edited. A newer version is
// refused.
//
// And the folder's label set, still version 1: {"format": "samdesk-labels", "version": 1,
//                              "labels": [{"id": 1, "name": "cat", "color": "#e6194b"}]}
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/annotation/imageannotations.h"
#include "core/annotation/labelset.h"
#include "core/common/expected.h"

namespace samdesk {

// The version annotationsToJson() writes and the newest one annotationsFromJson() reads.
inline constexpr int kAnnotationFileVersion = 2;
// The labels file has its own version (its layout did not change with annotation version 2).
inline constexpr int kLabelsFileVersion = 1;

// Each object's mask as its COCO RLE string. Empty: toRleString() of every mask; the document
// passes a cache of the masks that did not change since its last save (on a 48 MP photo an
// object's RLE takes tens of milliseconds).
using MaskRleOf = std::function<std::string(const AnnotationObject&)>;

std::string annotationsToJson(const ImageAnnotations& annotations, const MaskRleOf& rleOf = {});
// `origin` (a file name) goes into error messages. Fails (Format) on bad JSON, a missing or
// mistyped field, a newer version, a mask whose RLE is broken or whose size is not the image's.
Expected<ImageAnnotations> annotationsFromJson(std::string_view text, const std::string& origin);

// The same checks as annotationsFromJson() without decoding the masks (their RLE strings are
// checked to parse and cover the image): fast enough to run before every overwrite. Returns the
// file's image name.
Expected<std::string> checkAnnotationsJson(std::string_view text, const std::string& origin);

// Only the header: the version of an annotation file, also one newer than this samdesk reads
// (the store never overwrites those). Fails (Format) when `text` is not JSON or not an
// annotation file with an integer "version".
Expected<int> annotationFileVersion(std::string_view text, const std::string& origin);

std::string labelsToJson(const LabelSet& labels);
Expected<LabelSet> labelsFromJson(std::string_view text, const std::string& origin);

}  // namespace samdesk
