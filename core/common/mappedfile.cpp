// mmap-backed file view (POSIX).
#include "core/common/mappedfile.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace samdesk {

Expected<std::shared_ptr<const MappedFile>> MappedFile::open(const std::filesystem::path& path) {
    const std::string name = path.string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error::io(name + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        return Error::io(name + ": cannot stat: " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return Error::io(name + ": not a regular file");
    }
    if (st.st_size == 0) {
        ::close(fd);
        return Error::format(name + ": the file is empty");
    }
    const auto size = static_cast<std::size_t>(st.st_size);
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    const int err = errno;
    ::close(fd);
    if (p == MAP_FAILED)
        return Error::io(name + ": cannot map the file: " + std::strerror(err));
    return std::shared_ptr<const MappedFile>(
        new MappedFile(path, static_cast<std::uint8_t*>(p), size));
}

MappedFile::~MappedFile() {
    if (m_data)
        ::munmap(m_data, m_size);
}

}  // namespace samdesk
