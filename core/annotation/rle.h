// Run-length encoding of masks exactly as COCO (pycocotools) does it: runs over the pixels in
// column-major order (x outer, y inner), starting with a run of zeros (possibly of length 0),
// and the compact "counts" string (5-bit groups in ASCII, each count after the second stored as
// the difference to the count two before it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/annotation/binarymask.h"
#include "core/common/expected.h"

namespace samdesk {

// COCO's uncompressed RLE: `size` is [height, width] in COCO's JSON.
struct Rle {
    int height = 0;
    int width = 0;
    std::vector<std::uint32_t> counts;

    bool operator==(const Rle&) const = default;
};

Rle encodeRle(const BinaryMask& mask);
// Fails (InvalidInput) when the counts do not add up to height * width or the size is negative.
Expected<BinaryMask> decodeRle(const Rle& rle);

// COCO's compact string form of `counts` (pycocotools rleToString).
std::string rleCountsToString(const std::vector<std::uint32_t>& counts);
// The inverse (pycocotools rleFrString); fails on characters outside COCO's alphabet, a string
// that ends inside a number, or counts that come out negative.
Expected<std::vector<std::uint32_t>> rleCountsFromString(std::string_view text);

}  // namespace samdesk
