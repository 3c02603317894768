// A read-only view of a whole file through mmap. Checkpoint tensors point straight into it, so
// the mapping is shared (std::shared_ptr) and lives as long as the last tensor that uses it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "core/common/expected.h"

namespace samdesk {

class MappedFile {
public:
    // Maps `path` copy-on-write: pages are shared with the page cache and never written back.
    // Errors: not found, a directory, empty, unreadable.
    static Expected<std::shared_ptr<const MappedFile>> open(const std::filesystem::path& path);

    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::uint8_t* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    std::span<const std::uint8_t> bytes() const { return {m_data, m_size}; }
    const std::filesystem::path& path() const { return m_path; }

private:
    MappedFile(std::filesystem::path path, std::uint8_t* data, std::size_t size)
        : m_path(std::move(path)), m_data(data), m_size(size) {}

    std::filesystem::path m_path;
    std::uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
};

}  // namespace samdesk
