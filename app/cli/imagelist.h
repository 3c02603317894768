// The images of a dataset for the folder commands (encode, everything): a folder searched
// recursively or a list file, as sorted relative paths (what shards are computed from).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/cache/shardplan.h"
#include "core/common/expected.h"

namespace samdesk::cli {

// png, jpg, jpeg, jpe, bmp, tif, tiff, webp, ppm, pgm, pbm, pnm (any case).
bool isImageFile(const std::filesystem::path& p);

struct Dataset {
    std::filesystem::path root;       // paths are relative to it
    std::vector<std::string> images;  // as the shard plan names them, sorted, unique
};

// A folder (recursively, hidden files and folders skipped) or a text file with one path per
// line (relative to its folder; '#' starts a comment line). Errors: Io.
Expected<Dataset> listImages(const std::filesystem::path& source);

// The images of `source` that `shardText` ("i/n"; none: every image) selects, in shard order.
struct DatasetShard {
    Dataset dataset;
    ShardSpec shard;
    std::vector<std::string> images;
};
// Errors: a bad shard spec, listImages()'.
Expected<DatasetShard> listShard(const std::filesystem::path& source,
                                 const std::optional<std::string>& shardText);

// "42s", "3m07s", "2h05m".
std::string duration(double seconds);

}  // namespace samdesk::cli
