// Splitting a dataset between the workers of a job array (`samdesk-cli encode --shard i/n`).
// Each image goes to shard hash(relative path) mod n: the shards are disjoint, together they
// cover every image, and an image keeps its shard when others are added to or removed from the
// folder, so re-running a job array after adding images only encodes the new ones.
#pragma once

#include <string>
#include <vector>

#include "core/common/expected.h"

namespace samdesk {

struct ShardSpec {
    int index = 0;  // 0-based
    int count = 1;
};

// Parses "i/n" with 0 <= i < n (e.g. "3/8"), as Slurm's $SLURM_ARRAY_TASK_ID/$N would give.
Expected<ShardSpec> parseShardSpec(const std::string& text);

// The shard an image (named by its path relative to the dataset root) belongs to.
int shardOf(const std::string& relativePath, int shardCount);

// The images of `relativePaths` that belong to `shard`, sorted by path (stable order).
std::vector<std::string> selectShard(const std::vector<std::string>& relativePaths,
                                     const ShardSpec& shard);

}  // namespace samdesk
