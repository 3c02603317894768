// PNG files for masks and label maps, written atomically (temporary file + rename), and the
// decoding of mask PNGs embedded in LabelMe files. `writeMaskPng` is the one writer for a single
// binary mask, shared by the dataset export and `samdesk-cli segment --mask-out`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
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

// The bytes of an 8-bit grayscale PNG of the mask, `on` where it is set (for callers that write
// elsewhere; LabelMe's mask shapes use 1, as labelme writes them); fails on a bad size.
Expected<std::string> encodeMaskPng(const BinaryMask& mask, std::uint8_t on = 255);

// A single-channel PNG (any bit depth) as a mask: every non-zero pixel is set (how labelme reads
// a mask shape). Fails (Format) on bytes that are not a PNG or an image with colour channels.
Expected<BinaryMask> decodeMaskPng(std::string_view bytes);

}  // namespace samdesk
