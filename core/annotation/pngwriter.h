// PNG files for masks and label maps, written atomically (temporary file + rename).
// `writeMaskPng` is the one writer for a single binary mask, shared by the dataset export and
// `samdesk-cli segment --mask-out`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/annotation/binarymask.h"
#include "core/annotation/labelset.h"
#include "core/common/expected.h"

namespace samdesk {

// 8-bit grayscale PNG at the mask's size: 255 where the mask is set, 0 elsewhere.
Status writeMaskPng(const std::filesystem::path& path, const BinaryMask& mask);

// 16-bit grayscale PNG; `values` row-major, width * height of them.
Status writeGray16Png(const std::filesystem::path& path, int width, int height,
                      const std::vector<std::uint16_t>& values);

// 8-bit indexed-colour PNG: `indices` row-major; `palette[i]` is the colour of index i (missing
// entries up to 255 are black).
Status writeIndexedPng(const std::filesystem::path& path, int width, int height,
                       const std::vector<std::uint8_t>& indices, const std::vector<Rgb>& palette);

// The bytes of a PNG (for callers that write elsewhere); fails on a bad size.
Expected<std::string> encodeMaskPng(const BinaryMask& mask);

}  // namespace samdesk
