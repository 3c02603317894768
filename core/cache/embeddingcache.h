// An on-disk cache of image embeddings, so that a second visit to an image needs no encoder run.
// Entries are keyed by the image's pixels, the checkpoint's identity, the model input size and
// the dtype; stored as float16 (~2 MiB for a 256 x 64 x 64 embedding); bounded in size with
// least-recently-used eviction of the entries the app and `segment` write, while the shared
// entries that `samdesk-cli encode` writes for others are never evicted (setShared()). Every entry
// is validated on read (magic, version, key, shape, payload checksum): a corrupt or foreign file is
// reported, deleted and never used. Thread-safety: one EmbeddingCache per thread; several processes
// may share a folder (writes are atomic renames, eviction tolerates files that vanish).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/common/expected.h"

namespace samdesk {

struct EmbeddingKey {
    std::string imageHash;     // hashImagePixels()
    std::string checkpointId;  // checkpointFingerprint()
    int inputSize = 1024;      // model input side (S)
    std::string dtype;         // the encoder's dtype: "float32", "bfloat16", ...

    // The entry's file name: a hash of all fields, so any field change is a different entry.
    std::string fileName() const;
    // All fields in one line, stored inside the entry and compared on read.
    std::string canonical() const;
};

struct CachedEmbedding {
    int channels = 0;                     // P
    int grid = 0;                         // G (the embedding is P x G x G, row-major)
    int imageWidth = 0, imageHeight = 0;  // the original image the embedding belongs to
    std::vector<float> values;
};

class EmbeddingCache {
public:
    static constexpr std::uint64_t kDefaultMaxBytes = 2ull << 30;  // 2 GiB

    // $SAMDESK_CACHE_DIR, else $XDG_CACHE_HOME/samdesk/embeddings, else
    // ~/.cache/samdesk/embeddings.
    static std::filesystem::path defaultDirectory();

    // maxBytes = std::numeric_limits<std::uint64_t>::max(): no limit, no eviction.
    explicit EmbeddingCache(std::filesystem::path directory,
                            std::uint64_t maxBytes = kDefaultMaxBytes);

    const std::filesystem::path& directory() const { return m_dir; }
    std::uint64_t maxBytes() const { return m_maxBytes; }
    void setMaxBytes(std::uint64_t bytes) { m_maxBytes = bytes; }
    // Entries this cache writes are shared: a dataset encoded ahead of time for others
    // (samdesk-cli encode fills a folder the app is pointed at). They are stored as
    // "<key hash>.shared.sdemb", found by every cache on the folder, and never evicted: the size
    // limit of any cache applies only to the entries that are not shared.
    bool shared() const { return m_shared; }
    void setShared(bool shared) { m_shared = shared; }

    enum class Lookup { Hit, Miss, Corrupt, Foreign };
    struct LoadResult {
        Lookup status = Lookup::Miss;
        std::optional<CachedEmbedding> embedding;  // set on Hit
        std::string reason;                        // why a file was rejected
    };
    // A hit refreshes the entry's recency. A rejected file is deleted (it will be rewritten).
    LoadResult load(const EmbeddingKey& key);

    // True when a valid entry exists (reads and checks the header only, not the payload).
    bool contains(const EmbeddingKey& key) const;

    // Writes atomically, then evicts least-recently-used entries beyond the size limit (never the
    // entry just written).
    Status store(const EmbeddingKey& key, const CachedEmbedding& embedding);

    // Removes least-recently-used entries that are not shared until their total is within
    // `maxBytes`.
    void evict();
    // Removes every entry, shared ones included (the user emptying the folder).
    void removeAll();

    // Every entry, shared ones included.
    std::uint64_t totalBytes() const;
    std::size_t entryCount() const;
    // The shared entries alone.
    std::uint64_t sharedBytes() const;
    std::size_t sharedCount() const;

private:
    // The entry's file: the shared one when it exists, else the one this cache would write.
    std::filesystem::path pathFor(const EmbeddingKey& key) const;
    std::filesystem::path writePathFor(const EmbeddingKey& key, bool shared) const;
    void evictExcept(const std::filesystem::path& keep);

    std::filesystem::path m_dir;
    std::uint64_t m_maxBytes;
    bool m_shared = false;
};

}  // namespace samdesk
