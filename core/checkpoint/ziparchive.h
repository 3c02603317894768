// A read-only view of a ZIP archive held in memory (usually a mapped file): the central
// directory, ZIP64 records, and the byte range of each stored (uncompressed) entry. PyTorch
// checkpoints store every entry uncompressed, so an entry's data is a span of the file: no copy.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/common/expected.h"

namespace samdesk {

struct ZipEntry {
    std::string name;
    std::uint64_t dataOffset = 0;  // from the start of the archive, after the local header
    std::uint64_t size = 0;
    std::uint32_t crc32 = 0;  // as the central directory states it
};

class ZipArchive {
public:
    // Reads the central directory and checks every entry's local header. Errors (kind Format)
    // name `source` and say what is wrong: no end record (truncated), multi-disk, a compressed
    // or encrypted entry, an entry outside the file, a local header that disagrees.
    static Expected<ZipArchive> open(std::span<const std::uint8_t> bytes,
                                     const std::string& source);

    const std::vector<ZipEntry>& entries() const { return m_entries; }
    const ZipEntry* find(const std::string& name) const;
    std::span<const std::uint8_t> data(const ZipEntry& entry) const {
        return m_bytes.subspan(entry.dataOffset, entry.size);
    }

    // CRC-32 (the ZIP polynomial) of `bytes`; pass the CRC of the preceding bytes to continue.
    static std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t previous = 0);

private:
    std::span<const std::uint8_t> m_bytes;
    std::vector<ZipEntry> m_entries;                       // in central directory order
    std::unordered_map<std::string, std::size_t> m_index;  // name -> m_entries index
};

// True when `bytes` start like a ZIP archive (a local file header or an empty archive's end).
bool looksLikeZip(std::span<const std::uint8_t> bytes);

}  // namespace samdesk
