// COCO instance JSON import (internal; see datasetimport.h for the rules).
#pragma once

#include <filesystem>

#include "core/annotation/datasetimport.h"

namespace samdesk {

Expected<ImportReport> importCoco(const std::filesystem::path& file, const AnnotationStore& store,
                                  const ImportOptions& options);

}  // namespace samdesk
