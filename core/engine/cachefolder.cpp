// The cache folder facade over core/cache's EmbeddingCache.
#include "core/engine/cachefolder.h"

#include "core/cache/embeddingcache.h"

namespace samdesk {

std::string defaultCacheDirectory() {
    return EmbeddingCache::defaultDirectory().string();
}

std::uint64_t defaultCacheMaxBytes() {
    return EmbeddingCache::kDefaultMaxBytes;
}

CacheFolderUsage cacheFolderUsage(const std::string& directory) {
    const EmbeddingCache cache(directory);
    return {cache.entryCount(), cache.totalBytes(), cache.sharedCount(), cache.sharedBytes()};
}

CacheFolderUsage clearCacheFolder(const std::string& directory) {
    EmbeddingCache cache(directory, 0);
    cache.removeAll();
    return cacheFolderUsage(directory);
}

}  // namespace samdesk
