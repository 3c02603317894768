// A murmur3-style 128-bit hash (two 64-bit lanes, 16 bytes per step) and the fingerprints built on
// it.
#include "core/cache/contenthash.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace samdesk {

namespace {

constexpr std::uint64_t kC1 = 0x87c37b91114253d5ULL;
constexpr std::uint64_t kC2 = 0x4cf5ad432745937fULL;

inline std::uint64_t rotl(std::uint64_t x, int r) {
    return (x << r) | (x >> (64 - r));
}

inline std::uint64_t fmix(std::uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

inline std::uint64_t load64(const unsigned char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

}  // namespace

ContentHasher::ContentHasher() : m_h1(0x9e3779b97f4a7c15ULL), m_h2(0x5851f42d4c957f2dULL) {}

void ContentHasher::mixBlock(std::uint64_t k1, std::uint64_t k2) {
    k1 *= kC1;
    k1 = rotl(k1, 31);
    k1 *= kC2;
    m_h1 ^= k1;
    m_h1 = rotl(m_h1, 27);
    m_h1 += m_h2;
    m_h1 = m_h1 * 5 + 0x52dce729;
    k2 *= kC2;
    k2 = rotl(k2, 33);
    k2 *= kC1;
    m_h2 ^= k2;
    m_h2 = rotl(m_h2, 31);
    m_h2 += m_h1;
    m_h2 = m_h2 * 5 + 0x38495ab5;
}

void ContentHasher::update(const void* data, std::size_t size) {
    auto* p = static_cast<const unsigned char*>(data);
    m_length += size;
    if (m_tailSize > 0) {
        const std::size_t take = std::min(size, 16 - m_tailSize);
        std::memcpy(m_tail + m_tailSize, p, take);
        m_tailSize += take;
        p += take;
        size -= take;
        if (m_tailSize < 16)
            return;
        mixBlock(load64(m_tail), load64(m_tail + 8));
        m_tailSize = 0;
    }
    while (size >= 16) {
        mixBlock(load64(p), load64(p + 8));
        p += 16;
        size -= 16;
    }
    std::memcpy(m_tail, p, size);
    m_tailSize = size;
}

void ContentHasher::updateString(const std::string& s) {
    updateValue(static_cast<std::uint64_t>(s.size()));
    update(s.data(), s.size());
}

std::uint64_t ContentHasher::digest64() const {
    std::uint64_t h1 = m_h1, h2 = m_h2;
    unsigned char tail[16] = {};
    std::memcpy(tail, m_tail, m_tailSize);
    std::uint64_t k1 = load64(tail), k2 = load64(tail + 8);
    k1 *= kC1;
    k1 = rotl(k1, 31);
    k1 *= kC2;
    h1 ^= k1;
    k2 *= kC2;
    k2 = rotl(k2, 33);
    k2 *= kC1;
    h2 ^= k2;
    h1 ^= m_length;
    h2 ^= m_length;
    h1 += h2;
    h2 += h1;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 += h2;
    return h1;
}

std::string ContentHasher::hexDigest() const {
    // Two lanes: the 64-bit digest of this state, and of this state extended by a marker.
    ContentHasher second = *this;
    second.updateValue(static_cast<std::uint64_t>(0xa5a5a5a5a5a5a5a5ULL));
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(digest64()),
                  static_cast<unsigned long long>(second.digest64()));
    return buf;
}

ContentHasher imagePixelHasher(int width, int height, int channels, int bytesPerChannel) {
    ContentHasher h;
    h.updateString("samdesk-image-v1");
    h.updateValue(width);
    h.updateValue(height);
    h.updateValue(channels);
    h.updateValue(bytesPerChannel);
    return h;
}

std::string hashImagePixels(const std::uint8_t* data, std::size_t bytes, int width, int height,
                            int channels, int bytesPerChannel) {
    ContentHasher h = imagePixelHasher(width, height, channels, bytesPerChannel);
    h.update(data, bytes);
    return h.hexDigest();
}

Expected<std::string> checkpointFingerprint(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error::io(path.string() + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return Error::io(path.string() + ": not a regular file");
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    ContentHasher h;
    h.updateString("samdesk-checkpoint-v1");
    h.updateValue(size);
    constexpr int kSamples = 64;
    constexpr std::size_t kSampleBytes = 16 * 1024;
    std::vector<unsigned char> buf(kSampleBytes);
    for (int i = 0; i < kSamples; ++i) {
        const std::uint64_t offset =
            size > kSampleBytes
                ? (size - kSampleBytes) * static_cast<std::uint64_t>(i) / (kSamples - 1)
                : 0;
        const ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(offset));
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            return Error::io(path.string() + ": cannot read: " + std::strerror(err));
        }
        h.update(buf.data(), static_cast<std::size_t>(n));
        if (size <= kSampleBytes)
            break;
    }
    ::close(fd);
    return h.hexDigest();
}

}  // namespace samdesk
