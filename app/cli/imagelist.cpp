// Dataset listing for the folder commands (see imagelist.h).
#include "app/cli/imagelist.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>

namespace samdesk::cli {

namespace fs = std::filesystem;

Expected<DatasetShard> listShard(const fs::path& source,
                                 const std::optional<std::string>& shardText) {
    DatasetShard out;
    if (shardText) {
        auto parsed = parseShardSpec(*shardText);
        if (!parsed)
            return parsed.error();
        out.shard = *parsed;
    }
    auto dataset = listImages(source);
    if (!dataset)
        return dataset.error();
    out.dataset = std::move(dataset.value());
    out.images = selectShard(out.dataset.images, out.shard);
    return out;
}

bool isImageFile(const fs::path& p) {
    static const std::set<std::string> kExtensions = {".png", ".jpg", ".jpeg", ".jpe",
                                                      ".bmp", ".tif", ".tiff", ".webp",
                                                      ".ppm", ".pgm", ".pbm",  ".pnm"};
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    return kExtensions.count(ext) > 0;
}

Expected<Dataset> listImages(const fs::path& source) {
    std::error_code ec;
    Dataset d;
    if (fs::is_directory(source, ec)) {
        d.root = source;
        for (fs::recursive_directory_iterator it(source, ec), end; !ec && it != end;
             it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (!name.empty() && name[0] == '.') {  // hidden files and folders
                if (it->is_directory())
                    it.disable_recursion_pending();
                continue;
            }
            if (it->is_regular_file() && isImageFile(it->path()))
                d.images.push_back(fs::relative(it->path(), source).generic_string());
        }
        if (ec)
            return Error::io(source.string() + ": cannot list the folder: " + ec.message());
    } else if (fs::is_regular_file(source, ec)) {
        d.root = source.parent_path();
        std::ifstream in(source);
        std::string line;
        while (std::getline(in, line)) {
            while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
                line.pop_back();
            if (!line.empty() && line[0] != '#')
                d.images.push_back(line);
        }
    } else {
        return Error::io(source.string() + ": no such folder or list file");
    }
    std::sort(d.images.begin(), d.images.end());
    d.images.erase(std::unique(d.images.begin(), d.images.end()), d.images.end());
    return d;
}

std::string duration(double seconds) {
    const long s = static_cast<long>(seconds + 0.5);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
    else if (s >= 60)
        std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%lds", s);
    return buf;
}

}  // namespace samdesk::cli
