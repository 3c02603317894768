// Normalising the names of a state dict before SAM detection: prefixes added by training
// wrappers, and files that already use samdesk's converted names (written by `convert`).
#pragma once

#include <string>

#include "core/checkpoint/samcheckpoint.h"

namespace samdesk {

// Metadata keys `convert` writes into safetensors files.
inline constexpr const char* kMetaNaming = "samdesk.naming";  // "original" | "converted"
inline constexpr const char* kMetaConfig = "samdesk.config";  // samConfigToJson

// Removes "module." (DataParallel) and "model." prefixes when every key carries them, repeatedly
// ("module.model."), and records each removal in dict.warnings.
void stripSharedPrefixes(StateDict& dict);

// The naming the keys use: the safetensors metadata says it, else the names show it.
SamNaming detectNaming(const StateDict& dict);

// For a dict with converted names: the layout that decides the names (encoder blocks and which
// are global, decoder layers, mask tokens, IoU head depth), read from the names; the other
// fields keep their defaults. Errors (NotSam) when the stage names are inconsistent.
Expected<SamConfig> convertedLayout(const StateDict& dict, const std::string& source);

}  // namespace samdesk
