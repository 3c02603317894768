// Atomic writes through temp file + fsync + rename (POSIX).
#include "core/common/atomicfile.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace samdesk {

namespace {

std::string systemReason(int err) {
    return std::strerror(err);
}

std::filesystem::path temporarySibling(const std::filesystem::path& path) {
    std::random_device rd;
    std::ostringstream name;
    name << "." << path.filename().string() << ".tmp-" << std::hex << rd() << rd();
    return path.parent_path() / name.str();
}

}  // namespace

bool isAtomicWriteTemporary(const std::filesystem::path& path) {
    const std::string name = path.filename().string();
    const auto tmp = name.rfind(".tmp-");
    if (name.size() < 7 || name[0] != '.' || tmp == std::string::npos || tmp + 5 >= name.size())
        return false;
    return name.find_first_not_of("0123456789abcdef", tmp + 5) == std::string::npos;
}

std::size_t removeAtomicWriteTemporaries(const std::filesystem::path& folder) {
    namespace fs = std::filesystem;
    std::size_t removed = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code e;
        if (it->is_regular_file(e) && isAtomicWriteTemporary(it->path()) &&
            fs::remove(it->path(), e))
            ++removed;
    }
    return removed;
}

bool writeAll(int fd, const void* data, std::size_t size) {
    auto* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, p, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

Status writeFileAtomicallyWith(const std::filesystem::path& path,
                               const std::function<bool(int fd)>& write) {
    const auto tmp = temporarySibling(path);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return Error::io("cannot write " + path.string() + ": " + systemReason(errno));
    bool ok = write(fd);
    int err = ok ? 0 : errno;
    if (ok && ::fsync(fd) != 0) {
        ok = false;
        err = errno;
    }
    if (::close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        ::unlink(tmp.c_str());
        return Error::io("cannot write " + path.string() + ": " + systemReason(err ? err : EIO));
    }
    // Make the rename itself durable.
    const auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

Status writeFileAtomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
    return writeFileAtomicallyWith(
        path, [&](int fd) { return writeAll(fd, bytes.data(), bytes.size()); });
}

Status writeFileAtomically(const std::filesystem::path& path, std::string_view text) {
    return writeFileAtomicallyWith(path,
                                   [&](int fd) { return writeAll(fd, text.data(), text.size()); });
}

Expected<std::string> readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error::io("cannot open " + path.string() + ": " + systemReason(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        return Error::io("cannot read " + path.string());
    return ss.str();
}

}  // namespace samdesk
