// Random access to the bytes of an image file for the header parsers: an open file (read with
// pread, so a probe reads only the few bytes it looks at) or a block of memory (EXIF data inside
// a JPEG or PNG is parsed as the TIFF structure it is). Internal to core/imageio.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "core/common/expected.h"

namespace samdesk::imageio {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    virtual std::uint64_t size() const = 0;
    // Copies `n` bytes at `offset` into `dst`; false when they are not all there (the file ends
    // before, or reading fails).
    virtual bool read(std::uint64_t offset, void* dst, std::size_t n) const = 0;

    // Big- and little-endian integers at `offset`; false past the end.
    bool u8(std::uint64_t offset, std::uint8_t& v) const;
    bool be16(std::uint64_t offset, std::uint16_t& v) const;
    bool be32(std::uint64_t offset, std::uint32_t& v) const;
    bool le16(std::uint64_t offset, std::uint16_t& v) const;
    bool le24(std::uint64_t offset, std::uint32_t& v) const;
    bool le32(std::uint64_t offset, std::uint32_t& v) const;
};

// A file descriptor the caller owns (it stays open while the source is used).
class FileSource final : public ByteSource {
public:
    FileSource(int fd, std::uint64_t size) : m_fd(fd), m_size(size) {}
    std::uint64_t size() const override { return m_size; }
    bool read(std::uint64_t offset, void* dst, std::size_t n) const override;

private:
    int m_fd;
    std::uint64_t m_size;
};

// Borrowed memory.
class MemorySource final : public ByteSource {
public:
    explicit MemorySource(std::span<const std::uint8_t> bytes) : m_bytes(bytes) {}
    std::uint64_t size() const override { return m_bytes.size(); }
    bool read(std::uint64_t offset, void* dst, std::size_t n) const override;

private:
    std::span<const std::uint8_t> m_bytes;
};

// An image file opened for reading: a regular, non-empty file. Errors: Io (missing, a folder,
// unreadable, with the system's reason), Format (empty). Messages start with the path.
class OpenedFile {
public:
    static Expected<OpenedFile> open(const std::filesystem::path& path);
    ~OpenedFile();
    OpenedFile(OpenedFile&& other) noexcept;
    OpenedFile& operator=(OpenedFile&&) = delete;
    OpenedFile(const OpenedFile&) = delete;

    const std::string& name() const { return m_name; }
    std::uint64_t size() const { return m_size; }
    const FileSource& source() const { return m_source; }
    // The whole file (what is there when it shrank meanwhile). Errors: Io.
    Expected<std::vector<std::uint8_t>> readAll() const;

private:
    OpenedFile(std::string name, int fd, std::uint64_t size)
        : m_name(std::move(name)), m_fd(fd), m_size(size), m_source(fd, size) {}

    std::string m_name;
    int m_fd = -1;
    std::uint64_t m_size = 0;
    FileSource m_source;
};

}  // namespace samdesk::imageio
