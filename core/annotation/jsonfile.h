// Reads a whole file as JSON for the importers (internal): one place that turns an unreadable
// file or a parse failure into an Error naming the file.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/common/expected.h"

namespace samdesk {

// Errors: Io when the file cannot be read (readFile's message), Format "<file>: not valid
// JSON (<parser's reason>)".
Expected<nlohmann::json> readJsonFile(const std::filesystem::path& file);

}  // namespace samdesk
