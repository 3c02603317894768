// Base64 (RFC 4648, standard alphabet, padded) for the PNG masks inside LabelMe files.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace samdesk {

// One line, no line breaks.
std::string base64Encode(std::string_view bytes);
// Whitespace (line breaks, as Python's base64.encodebytes writes) is skipped; the padding may
// be missing. nullopt on any other character outside the alphabet or a truncated last group.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace samdesk
