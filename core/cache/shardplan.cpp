// Stable hash-based shard assignment.
#include "core/cache/shardplan.h"

#include <algorithm>
#include <charconv>

#include "core/cache/contenthash.h"

namespace samdesk {

Expected<ShardSpec> parseShardSpec(const std::string& text) {
    const auto slash = text.find('/');
    ShardSpec spec;
    const auto parse = [](const std::string& s, int* out) {
        const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
        return ec == std::errc() && p == s.data() + s.size();
    };
    if (slash == std::string::npos || !parse(text.substr(0, slash), &spec.index) ||
        !parse(text.substr(slash + 1), &spec.count) || spec.count < 1 || spec.index < 0 ||
        spec.index >= spec.count)
        return Error::invalid("--shard expects i/n with 0 <= i < n (e.g. 0/4), got '" + text + "'");
    return spec;
}

int shardOf(const std::string& relativePath, int shardCount) {
    ContentHasher h;
    h.updateString(relativePath);
    return static_cast<int>(h.digest64() % static_cast<std::uint64_t>(std::max(1, shardCount)));
}

std::vector<std::string> selectShard(const std::vector<std::string>& relativePaths,
                                     const ShardSpec& shard) {
    std::vector<std::string> out;
    for (const auto& p : relativePaths)
        if (shardOf(p, shard.count) == shard.index)
            out.push_back(p);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace samdesk
