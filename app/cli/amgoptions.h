// The automatic mask generator's parameters on the command line (everything, bench
// --everything): one flag per parameter of the original, named after it with dashes
// (--points-per-side 32, --box-nms-thresh 0.7, ...), and the records as JSON.
#pragma once

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "app/cli/args.h"
#include "core/common/expected.h"
#include "core/sam/predictor/automaskgenerator.h"

namespace samdesk::cli {

// The flags' names without the dashes, for Args.
const std::set<std::string>& autoMaskOptionNames();
// The help lines listing them with their defaults.
const char* autoMaskOptionsHelp();

// The defaults with the flags given applied. Errors: a malformed number, a bad value (the
// generator's own check, naming the flag).
Expected<AutoMaskParams> autoMaskParams(const Args& args);

// A generator message with the original's parameter names (crop_n_layers) as the flags.
std::string withFlagNames(std::string message);

// The parameters in the original's names, every one of them.
nlohmann::json autoMaskParamsJson(const AutoMaskParams& params);

// One record as the original's with output_mode "coco_rle": segmentation {"size": [h, w],
// "counts": COCO's compressed string}, area, bbox (XYWH), predicted_iou, point_coords [[x, y]],
// stability_score, crop_box (XYWH).
nlohmann::json autoMaskJson(const AutoMask& mask);

}  // namespace samdesk::cli
