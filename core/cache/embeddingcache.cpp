// Embedding cache entries: a fixed binary header, the canonical key, then float16 values.
#include "core/cache/embeddingcache.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>

#include "core/cache/contenthash.h"
#include "core/cache/halffloat.h"
#include "core/common/atomicfile.h"

namespace samdesk {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'S', 'D', 'E', 'M', 'B', 'E', 'D', '\0'};
constexpr std::uint32_t kVersion = 1;
constexpr const char* kSuffix = ".sdemb";
constexpr const char* kSharedSuffix = ".shared.sdemb";
constexpr std::int32_t kMaxDim = 1 << 16;

#pragma pack(push, 1)
struct Header {
    char magic[8];
    std::uint32_t version;
    std::uint32_t keyBytes;
    std::int32_t channels, grid, imageWidth, imageHeight;
    std::uint64_t payloadBytes;
    std::uint64_t payloadHash;
};
#pragma pack(pop)

std::uint64_t payloadHash(const void* data, std::size_t bytes) {
    ContentHasher h;
    h.update(data, bytes);
    return h.digest64();
}

// Reads header + key; returns an empty string on success, else why the file is unusable.
std::string readHeader(std::ifstream& in, const EmbeddingKey& key, Header* header) {
    if (!in.read(reinterpret_cast<char*>(header), sizeof(Header)))
        return "truncated header";
    if (std::memcmp(header->magic, kMagic, sizeof kMagic) != 0)
        return "not a samdesk embedding file";
    if (header->version != kVersion)
        return "unsupported version " + std::to_string(header->version);
    if (header->keyBytes > 4096)
        return "implausible key length";
    std::string stored(header->keyBytes, '\0');
    if (!in.read(stored.data(), stored.size()))
        return "truncated key";
    if (stored != key.canonical())
        return "foreign entry (its key is '" + stored + "')";
    const auto dimOk = [](std::int32_t v) { return v > 0 && v <= kMaxDim; };
    if (!dimOk(header->channels) || !dimOk(header->grid) || !dimOk(header->imageWidth) ||
        !dimOk(header->imageHeight))
        return "implausible shape";
    const std::uint64_t expected =
        std::uint64_t(header->channels) * header->grid * header->grid * 2;
    if (header->payloadBytes != expected)
        return "payload size does not match the shape";
    return {};
}

}  // namespace

std::string EmbeddingKey::canonical() const {
    return "image=" + imageHash + ";checkpoint=" + checkpointId +
           ";input=" + std::to_string(inputSize) + ";dtype=" + dtype;
}

std::string EmbeddingKey::fileName() const {
    ContentHasher h;
    h.updateString(canonical());
    return h.hexDigest() + kSuffix;
}

fs::path EmbeddingCache::defaultDirectory() {
    if (const char* dir = std::getenv("SAMDESK_CACHE_DIR"); dir && *dir)
        return dir;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return fs::path(xdg) / "samdesk" / "embeddings";
    if (const char* home = std::getenv("HOME"); home && *home)
        return fs::path(home) / ".cache" / "samdesk" / "embeddings";
    return fs::temp_directory_path() / "samdesk-embeddings";
}

EmbeddingCache::EmbeddingCache(fs::path directory, std::uint64_t maxBytes)
    : m_dir(std::move(directory)), m_maxBytes(maxBytes) {}

fs::path EmbeddingCache::writePathFor(const EmbeddingKey& key, bool shared) const {
    std::string name = key.fileName();
    if (shared)
        name = name.substr(0, name.size() - std::strlen(kSuffix)) + kSharedSuffix;
    return m_dir / name;
}

fs::path EmbeddingCache::pathFor(const EmbeddingKey& key) const {
    std::error_code ec;
    fs::path shared = writePathFor(key, true);
    if (fs::exists(shared, ec))
        return shared;
    return writePathFor(key, false);
}

EmbeddingCache::LoadResult EmbeddingCache::load(const EmbeddingKey& key) {
    LoadResult result;
    const fs::path path = pathFor(key);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return result;  // Miss
    Header header{};
    std::string reason = readHeader(in, key, &header);
    std::vector<std::uint16_t> halves;
    if (reason.empty()) {
        halves.resize(header.payloadBytes / 2);
        if (!in.read(reinterpret_cast<char*>(halves.data()), std::streamsize(header.payloadBytes)))
            reason = "truncated payload";
        else if (in.peek() != std::char_traits<char>::eof())
            reason = "trailing bytes after the payload";
        else if (payloadHash(halves.data(), header.payloadBytes) != header.payloadHash)
            reason = "payload checksum mismatch";
    }
    in.close();
    if (!reason.empty()) {
        result.status = reason.rfind("foreign", 0) == 0 ? Lookup::Foreign : Lookup::Corrupt;
        result.reason = path.string() + ": " + reason;
        std::error_code ec;
        fs::remove(path, ec);
        return result;
    }
    CachedEmbedding e;
    e.channels = header.channels;
    e.grid = header.grid;
    e.imageWidth = header.imageWidth;
    e.imageHeight = header.imageHeight;
    e.values.resize(halves.size());
    halvesToFloats(halves.data(), e.values.data(), halves.size());
    // Recency for LRU eviction is the file's modification time (atime is often disabled).
    std::error_code ec;
    fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
    result.status = Lookup::Hit;
    result.embedding = std::move(e);
    return result;
}

bool EmbeddingCache::contains(const EmbeddingKey& key) const {
    std::ifstream in(pathFor(key), std::ios::binary);
    if (!in)
        return false;
    Header header{};
    if (!readHeader(in, key, &header).empty())
        return false;
    std::error_code ec;
    const auto size = fs::file_size(pathFor(key), ec);
    return !ec && size == sizeof(Header) + header.keyBytes + header.payloadBytes;
}

Status EmbeddingCache::store(const EmbeddingKey& key, const CachedEmbedding& e) {
    const std::size_t count = std::size_t(e.channels) * e.grid * e.grid;
    if (e.channels <= 0 || e.grid <= 0 || e.values.size() != count)
        return Error::invalid("embedding cache: values do not match the shape " +
                              std::to_string(e.channels) + " x " + std::to_string(e.grid) + " x " +
                              std::to_string(e.grid));
    std::error_code ec;
    fs::create_directories(m_dir, ec);
    if (ec)
        return Error::io("cannot create the cache folder " + m_dir.string() + ": " + ec.message());
    std::vector<std::uint16_t> halves(count);
    floatsToHalves(e.values.data(), halves.data(), count);
    const std::string canonical = key.canonical();
    Header header{};
    std::memcpy(header.magic, kMagic, sizeof kMagic);
    header.version = kVersion;
    header.keyBytes = static_cast<std::uint32_t>(canonical.size());
    header.channels = e.channels;
    header.grid = e.grid;
    header.imageWidth = e.imageWidth;
    header.imageHeight = e.imageHeight;
    header.payloadBytes = count * 2;
    header.payloadHash = payloadHash(halves.data(), count * 2);
    const fs::path path = writePathFor(key, m_shared);
    Status written = writeFileAtomicallyWith(path, [&](int fd) {
        return writeAll(fd, &header, sizeof header) &&
               writeAll(fd, canonical.data(), canonical.size()) &&
               writeAll(fd, halves.data(), count * 2);
    });
    if (!written)
        return written;
    if (m_shared)  // the same entry written earlier by a cache with a limit: one copy is enough
        fs::remove(writePathFor(key, false), ec);
    evictExcept(path);
    return {};
}

namespace {

struct EntryFile {
    fs::path path;
    std::uint64_t bytes;
    fs::file_time_type used;
    bool shared;
};

bool isSharedEntry(const fs::path& path) {
    const std::string name = path.filename().string();
    const std::size_t n = std::strlen(kSharedSuffix);
    return name.size() > n && name.compare(name.size() - n, n, kSharedSuffix) == 0;
}

std::vector<EntryFile> listEntries(const fs::path& dir) {
    std::vector<EntryFile> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() != kSuffix)
            continue;
        std::error_code e1, e2;
        const auto bytes = it->file_size(e1);
        const auto used = it->last_write_time(e2);
        if (!e1 && !e2)
            out.push_back({it->path(), bytes, used, isSharedEntry(it->path())});
    }
    return out;
}

}  // namespace

void EmbeddingCache::evict() {
    evictExcept({});
}

void EmbeddingCache::evictExcept(const fs::path& keep) {
    if (m_maxBytes == std::numeric_limits<std::uint64_t>::max())
        return;  // unlimited (a dataset pre-encoding): no folder scan per entry
    auto entries = listEntries(m_dir);
    // Shared entries (a dataset encoded for others) count against no limit and are never removed.
    std::erase_if(entries, [](const EntryFile& e) { return e.shared; });
    std::uint64_t total = 0;
    for (const auto& e : entries)
        total += e.bytes;
    if (total <= m_maxBytes)
        return;
    std::sort(entries.begin(), entries.end(),
              [](const EntryFile& a, const EntryFile& b) { return a.used < b.used; });
    for (const auto& e : entries) {
        if (total <= m_maxBytes)
            break;
        if (e.path == keep)
            continue;
        std::error_code ec;
        if (fs::remove(e.path, ec) || !fs::exists(e.path))
            total -= e.bytes;  // also when another process removed it first
    }
}

std::uint64_t EmbeddingCache::totalBytes() const {
    std::uint64_t total = 0;
    for (const auto& e : listEntries(m_dir))
        total += e.bytes;
    return total;
}

std::size_t EmbeddingCache::entryCount() const {
    return listEntries(m_dir).size();
}

void EmbeddingCache::removeAll() {
    for (const auto& e : listEntries(m_dir)) {
        std::error_code ec;
        fs::remove(e.path, ec);
    }
}

std::uint64_t EmbeddingCache::sharedBytes() const {
    std::uint64_t total = 0;
    for (const auto& e : listEntries(m_dir))
        total += e.shared ? e.bytes : 0;
    return total;
}

std::size_t EmbeddingCache::sharedCount() const {
    std::size_t n = 0;
    for (const auto& e : listEntries(m_dir))
        n += e.shared ? 1 : 0;
    return n;
}

}  // namespace samdesk
