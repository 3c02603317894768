// LabelMe JSON import (internal; see datasetimport.h for the rules).
#pragma once

#include <filesystem>

#include "core/annotation/datasetimport.h"

namespace samdesk {

// `input`: one LabelMe .json file, or a folder searched recursively for them.
Expected<ImportReport> importLabelMe(const std::filesystem::path& input,
                                     const AnnotationStore& store, const ImportOptions& options);

}  // namespace samdesk
