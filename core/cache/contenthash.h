// Fast 128-bit content hashes for cache keys: image pixels, checkpoint fingerprints, payload
// checksums. Not cryptographic: they tell files apart, they do not defend against forgery (a
// cache entry is validated field by field anyway).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/common/expected.h"

namespace samdesk {

class ContentHasher {
public:
    ContentHasher();
    void update(const void* data, std::size_t size);
    template <typename T>
    void updateValue(const T& v) {
        update(&v, sizeof v);
    }
    void updateString(const std::string& s);
    // 32 lowercase hex digits.
    std::string hexDigest() const;
    std::uint64_t digest64() const;

private:
    void mixBlock(std::uint64_t a, std::uint64_t b);
    std::uint64_t m_h1, m_h2;
    std::uint64_t m_length = 0;
    unsigned char m_tail[16];
    std::size_t m_tailSize = 0;
};

// Hash of decoded pixels and their layout (width, height, channels, bytes per channel).
// The same picture re-saved in another file format keeps its key.
std::string hashImagePixels(const std::uint8_t* data, std::size_t bytes, int width, int height,
                            int channels, int bytesPerChannel = 1);
// The same hash fed row by row: update() with the rows in order (each width * channels *
// bytesPerChannel bytes), then hexDigest() equals hashImagePixels() of the packed pixels.
ContentHasher imagePixelHasher(int width, int height, int channels, int bytesPerChannel = 1);

// Identity of a checkpoint file without reading all of it: its size and 64 samples of 16 KiB
// spread over the file (a fine-tune changes weights everywhere, so samples differ). Milliseconds
// even for a 2.5 GB file.
Expected<std::string> checkpointFingerprint(const std::filesystem::path& path);

}  // namespace samdesk
