// The autosave file format: one versioned JSON document per image, masks as COCO compressed RLE.
//
//   {"format": "samdesk-annotations", "version": 1, "image": "a.png", "width": W, "height": H,
//    "objects": [{"id": 1, "label": "cat", "visible": true, "color": "#e6194b" | null,
//                 "source": "sam", "score": 0.97,
//                 "mask": {"size": [H, W], "counts": "<COCO RLE string>"}}]}
//
// And the folder's label set: {"format": "samdesk-labels", "version": 1,
//                              "labels": [{"id": 1, "name": "cat", "color": "#e6194b"}]}
#pragma once

#include <string>
#include <string_view>

#include "core/annotation/imageannotations.h"
#include "core/annotation/labelset.h"
#include "core/common/expected.h"

namespace samdesk {

inline constexpr int kAnnotationFileVersion = 1;

std::string annotationsToJson(const ImageAnnotations& annotations);
// `origin` (a file name) goes into error messages. Fails (Format) on bad JSON, a missing or
// mistyped field, a newer version, a mask whose RLE is broken or whose size is not the image's.
Expected<ImageAnnotations> annotationsFromJson(std::string_view text, const std::string& origin);

// The same checks as annotationsFromJson() without decoding the masks (their RLE strings are
// checked to parse and cover the image): fast enough to run before every overwrite. Returns the
// file's image name.
Expected<std::string> checkAnnotationsJson(std::string_view text, const std::string& origin);

std::string labelsToJson(const LabelSet& labels);
Expected<LabelSet> labelsFromJson(std::string_view text, const std::string& origin);

}  // namespace samdesk
