// The automatic mask generator's mask records as the original keeps them (amg.py): COCO's
// uncompressed RLE (runs over the pixels column by column, x outer and y inner, starting with a
// run of zeros), the area and box of a mask, and the small-region cleanup
// (remove_small_regions, OpenCV's connected components as the original calls them).
// Masks here are row-major bytes, nonzero = set. Torch-free.
#pragma once

#include <cstdint>
#include <vector>

namespace samdesk {

// Builds the runs pixel by pixel (or run by run) in column-major order.
class RunLengths {
public:
    void add(bool value, std::uint64_t count);
    // The counts; the builder is left empty.
    std::vector<std::uint32_t> finish();

private:
    std::vector<std::uint32_t> m_counts;
    bool m_value = false;
    std::uint64_t m_length = 0;
};

// The RLE of an imageWidth x imageHeight mask that is empty outside a box of boxWidth x
// boxHeight pixels at (boxX, boxY): `pixels` holds the box's rows, `stride` bytes apart.
std::vector<std::uint32_t> boxedMaskRle(const std::uint8_t* pixels, std::size_t stride, int boxX,
                                        int boxY, int boxWidth, int boxHeight, int imageWidth,
                                        int imageHeight);

// The number of set pixels: the counts at odd positions.
std::int64_t rleArea(const std::vector<std::uint32_t>& counts);

// batched_mask_to_box: the first and last set column and row (inclusive); 0, 0, 0, 0 when empty.
struct MaskBox {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    bool operator==(const MaskBox&) const = default;
};
MaskBox maskBox(const std::uint8_t* mask, int width, int height);

// remove_small_regions(mask, minArea, "holes" or "islands"): 8-connected components of the
// background (holes) or the foreground (islands) smaller than minArea are filled or removed; when
// every island is small the largest one stays. True when some region was small, even if no
// pixel changed (the original's "changed" flag).
bool removeSmallRegions(std::vector<std::uint8_t>& mask, int width, int height, int minArea,
                        bool holes);

}  // namespace samdesk
