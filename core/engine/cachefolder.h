// The embedding cache folder as the app manages it (Model > Embedding Cache): where it is by
// default, how much it holds, emptying it. The engine owns the cache (core/cache); the document
// and the UI see it only through these plain values. Any thread; each call reads the folder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace samdesk {

struct CacheFolderUsage {
    std::size_t entries = 0;  // valid-looking cache entries (other files are not counted)
    std::uint64_t bytes = 0;  // their total size on disk
    // Of those, the shared entries `samdesk-cli encode` wrote for others: no size limit (the
    // app's included) evicts them; only emptying the folder removes them.
    std::size_t sharedEntries = 0;
    std::uint64_t sharedBytes = 0;
};

// $SAMDESK_CACHE_DIR, else $XDG_CACHE_HOME/samdesk/embeddings, else ~/.cache/samdesk/embeddings.
std::string defaultCacheDirectory();
// The size limit a cache folder gets when the user has not chosen one (2 GiB).
std::uint64_t defaultCacheMaxBytes();

CacheFolderUsage cacheFolderUsage(const std::string& directory);
// Removes every cache entry in `directory`, shared ones included (other files stay). Returns what
// is left: zero entries when all could be removed.
CacheFolderUsage clearCacheFolder(const std::string& directory);

}  // namespace samdesk
