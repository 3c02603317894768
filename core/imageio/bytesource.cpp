// Byte access for the header parsers.
#include "core/imageio/bytesource.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace samdesk::imageio {

bool ByteSource::u8(std::uint64_t offset, std::uint8_t& v) const {
    return read(offset, &v, 1);
}

bool ByteSource::be16(std::uint64_t offset, std::uint16_t& v) const {
    std::uint8_t b[2];
    if (!read(offset, b, 2))
        return false;
    v = static_cast<std::uint16_t>(b[0] << 8 | b[1]);
    return true;
}

bool ByteSource::be32(std::uint64_t offset, std::uint32_t& v) const {
    std::uint8_t b[4];
    if (!read(offset, b, 4))
        return false;
    v = std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3];
    return true;
}

bool ByteSource::le16(std::uint64_t offset, std::uint16_t& v) const {
    std::uint8_t b[2];
    if (!read(offset, b, 2))
        return false;
    v = static_cast<std::uint16_t>(b[1] << 8 | b[0]);
    return true;
}

bool ByteSource::le24(std::uint64_t offset, std::uint32_t& v) const {
    std::uint8_t b[3];
    if (!read(offset, b, 3))
        return false;
    v = std::uint32_t(b[2]) << 16 | std::uint32_t(b[1]) << 8 | b[0];
    return true;
}

bool ByteSource::le32(std::uint64_t offset, std::uint32_t& v) const {
    std::uint8_t b[4];
    if (!read(offset, b, 4))
        return false;
    v = std::uint32_t(b[3]) << 24 | std::uint32_t(b[2]) << 16 | std::uint32_t(b[1]) << 8 | b[0];
    return true;
}

bool FileSource::read(std::uint64_t offset, void* dst, std::size_t n) const {
    if (offset > m_size || n > m_size - offset)
        return false;
    auto* out = static_cast<char*>(dst);
    while (n > 0) {
        const ssize_t got = ::pread(m_fd, out, n, static_cast<off_t>(offset));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        out += got;
        offset += static_cast<std::uint64_t>(got);
        n -= static_cast<std::size_t>(got);
    }
    return true;
}

bool MemorySource::read(std::uint64_t offset, void* dst, std::size_t n) const {
    if (offset > m_bytes.size() || n > m_bytes.size() - offset)
        return false;
    if (n)
        std::memcpy(dst, m_bytes.data() + offset, n);
    return true;
}

Expected<OpenedFile> OpenedFile::open(const std::filesystem::path& path) {
    std::string name = path.string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT)
            return Error::io(name + ": no such image file");
        return Error::io(name + ": cannot open the file: " + std::strerror(err));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        return Error::io(name + ": cannot read the file: " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return Error::io(name + (S_ISDIR(st.st_mode) ? ": a folder, not an image file"
                                                     : ": not a regular file"));
    }
    if (st.st_size == 0) {
        ::close(fd);
        return Error::format(name + ": the file is empty");
    }
    return OpenedFile(std::move(name), fd, static_cast<std::uint64_t>(st.st_size));
}

OpenedFile::OpenedFile(OpenedFile&& other) noexcept
    : m_name(std::move(other.m_name))
    , m_fd(other.m_fd)
    , m_size(other.m_size)
    , m_source(other.m_fd, other.m_size) {
    other.m_fd = -1;
}

OpenedFile::~OpenedFile() {
    if (m_fd >= 0)
        ::close(m_fd);
}

Expected<std::vector<std::uint8_t>> OpenedFile::readAll() const {
    std::vector<std::uint8_t> bytes(m_size);
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t got =
            ::pread(m_fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return Error::io(m_name + ": cannot read the file: " + std::strerror(errno));
        if (got == 0)
            break;
        done += static_cast<std::size_t>(got);
    }
    bytes.resize(done);
    return bytes;
}

}  // namespace samdesk::imageio
