// samdesk-cli encode: pre-encode a dataset into the embedding cache, one shard of a job array at
// a time, resumable. The keys are EmbeddingStore's, so the app finds every entry written here.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <set>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/imagelist.h"
#include "app/cli/interrupt.h"
#include "app/cli/modeloptions.h"
#include "core/cache/shardplan.h"
#include "core/sam/predictor/embeddingstore.h"
#include "core/sam/predictor/imagefile.h"

namespace samdesk::cli {

namespace fs = std::filesystem;

namespace {

const char* kEncodeHelp =
    "usage: samdesk-cli encode --checkpoint C --images DIR|LIST --cache DIR [--shard i/n]\n"
    "                          [--resume] [--device D] [--dtype T] [--threads N]\n"
    "                          [--max-cache-gb G]\n\n"
    "Encodes every image of DIR (recursively: png, jpg, jpeg, bmp, tif, tiff, webp, ppm, pgm)\n"
    "or of LIST (a text file, one path per line, relative to the list's folder) with the SAMv1\n"
    "checkpoint C and stores the embeddings in the cache folder DIR, where the app finds them\n"
    "(point the app's cache setting or SAMDESK_CACHE_DIR at it; the key is the image's pixels,\n"
    "the checkpoint, the input size and the dtype, so use the app's dtype: default auto).\n\n"
    "--shard i/n   only the images of shard i (0-based) of n: the shards are disjoint, cover\n"
    "              every image, and an image keeps its shard when others are added, so a job\n"
    "              array (Slurm --array=0-7 with --shard $SLURM_ARRAY_TASK_ID/8, Kubernetes\n"
    "              indexed jobs with $JOB_COMPLETION_INDEX) fills one shared cache.\n"
    "--resume      skip images that already have a valid entry (an interrupted run goes on\n"
    "              where it stopped); without it every image of the shard is encoded again.\n"
    "--max-cache-gb G  write ordinary entries and evict least-recently-used ones beyond G GiB.\n"
    "              Without it the entries are shared: no size limit evicts them, the app's\n"
    "              2 GiB default included (only emptying the folder removes them).\n\n"
    "A progress bar with ETA on a terminal, one line per image otherwise. Unreadable images\n"
    "are reported and skipped. Exit status: 0 when every image is cached, 2 when some failed\n"
    "(or on a usage error), 130 when interrupted (Ctrl-C; finished entries are kept).\n";

class Progress {
public:
    Progress(std::size_t total, bool terminal) : m_total(total), m_terminal(terminal) {}

    // While image `index` (0-based) is being encoded: `fraction` of its encoder blocks are done.
    void update(std::size_t index, double fraction, const std::string& name) {
        if (!m_terminal)
            return;
        const double done =
            (static_cast<double>(index) + fraction) / std::max<std::size_t>(1, m_total);
        const int width = 30, filled = static_cast<int>(done * width);
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.resize(width, '.');
        std::string shown = name.size() > 40 ? "..." + name.substr(name.size() - 37) : name;
        std::printf("\r%3d%% [%s] %zu/%zu  %s  %s\033[K", static_cast<int>(done * 100), bar.c_str(),
                    index + 1, m_total, eta(index, fraction).c_str(), shown.c_str());
        std::fflush(stdout);
    }

    // Image `index` finished; `what` says how ("encoded in 2.91 s", "cached", "FAILED").
    void finished(std::size_t index, const std::string& name, const std::string& what,
                  double encodeSeconds) {
        if (encodeSeconds > 0) {
            m_encodeSeconds += encodeSeconds;
            ++m_encoded;
        }
        if (m_terminal)
            return;
        std::printf("[%zu/%zu] %s: %s%s\n", index + 1, m_total, name.c_str(), what.c_str(),
                    m_encoded ? (", " + eta(index + 1, 0.0)).c_str() : "");
        std::fflush(stdout);
    }

    void close() {
        if (m_terminal)
            std::printf("\r\033[K");
    }

private:
    std::string eta(std::size_t index, double fraction) const {
        if (m_encoded == 0)
            return "ETA --";
        const double perImage = m_encodeSeconds / static_cast<double>(m_encoded);
        const double left = (static_cast<double>(m_total - index) - fraction) * perImage;
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f s/image, ETA %s", perImage,
                      duration(std::max(0.0, left)).c_str());
        return buf;
    }

    std::size_t m_total;
    bool m_terminal;
    double m_encodeSeconds = 0;
    std::size_t m_encoded = 0;
};

}  // namespace

int runEncode(const Argv& argv) {
    Args args(
        argv,
        {"checkpoint", "images", "cache", "shard", "device", "dtype", "threads", "max-cache-gb"},
        {"resume"});
    if (!args.error().empty())
        return fail(args.error());
    if (args.wantsHelp()) {
        std::cout << kEncodeHelp;
        return 0;
    }
    for (const char* required : {"checkpoint", "images", "cache"})
        if (!args.value(required))
            return fail(std::string("encode needs --") + required +
                        " (see samdesk-cli encode --help)");
    std::string err;
    const auto threads = args.integer("threads", &err);
    const auto maxGb = err.empty() ? args.number("max-cache-gb", &err) : std::nullopt;
    if (!err.empty())
        return fail(err);
    auto listed = listShard(*args.value("images"), args.value("shard"));
    if (!listed)
        return fail(listed.error().message);
    const Dataset& dataset = listed->dataset;
    const ShardSpec shard = listed->shard;
    const std::vector<std::string>& mine = listed->images;

    const PredictorOptions options = predictorOptions(args, threads, "auto");
    auto loaded = Predictor::load(*args.value("checkpoint"), options);
    if (!loaded)
        return fail(loaded.error().message);
    Predictor& predictor = *loaded.value();
    const std::uint64_t maxBytes = maxGb ? static_cast<std::uint64_t>(*maxGb * double(1ull << 30))
                                         : std::numeric_limits<std::uint64_t>::max();
    auto store =
        EmbeddingStore::open(*args.value("checkpoint"), predictor, *args.value("cache"), maxBytes);
    if (!store)
        return fail(store.error().message);
    // A dataset encoded ahead for others: no app's or CLI's size limit may evict these entries
    // (unless a limit was asked for: then they are ordinary, bounded entries).
    store->cache().setShared(!maxGb);

    std::printf("encoding %zu of %zu image(s) (shard %d/%d) with %s (%s, %s) into %s\n",
                mine.size(), dataset.images.size(), shard.index, shard.count,
                predictor.config().variant.c_str(), predictor.options().device.c_str(),
                predictor.options().dtype.c_str(), args.value("cache")->c_str());
    std::fflush(stdout);

    installInterruptHandlers();
    Progress progress(mine.size(), isatty(STDOUT_FILENO) == 1);
    std::size_t encoded = 0, skipped = 0, failed = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < mine.size() && !interrupted(); ++i) {
        const std::string& name = mine[i];
        const fs::path path = fs::path(name).is_absolute() ? fs::path(name) : dataset.root / name;
        progress.update(i, 0.0, name);
        auto image = readImageFile(path);
        auto key = image ? store->keyFor(image->view()) : Expected<EmbeddingKey>(image.error());
        if (!key) {
            ++failed;
            progress.close();
            std::fprintf(stderr, "error: %s\n", key.error().message.c_str());
            progress.finished(i, name, "FAILED", 0);
            continue;
        }
        if (args.flag("resume") && store->contains(*key)) {
            ++skipped;
            progress.finished(i, name, "already cached", 0);
            continue;
        }
        EncodeControl control;
        control.cancel = interruptFlag();
        control.progress = [&](int done, int total) {
            progress.update(i, static_cast<double>(done) / total, name);
        };
        const auto t0 = std::chrono::steady_clock::now();
        Status st = predictor.setImage(image->view(), control);
        if (st) {
            auto embedding = predictor.embedding();
            st = embedding ? store->store(*key, *embedding) : Status(embedding.error());
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!st) {
            if (st.error().kind == Error::Kind::Cancelled)
                break;
            ++failed;
            progress.close();
            std::fprintf(stderr, "error: %s: %s\n", path.string().c_str(),
                         st.error().message.c_str());
            progress.finished(i, name, "FAILED", 0);
            continue;
        }
        ++encoded;
        char what[64];
        std::snprintf(what, sizeof what, "encoded in %.2f s", seconds);
        progress.finished(i, name, what, seconds);
    }
    progress.close();
    const double total =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%zu encoded, %zu already cached, %zu failed, %zu not reached, in %s\n", encoded,
                skipped, failed, mine.size() - encoded - skipped - failed, duration(total).c_str());
    if (interrupted())
        return exitInterrupted("run again with --resume to continue");
    if (failed > 0)
        return fail(std::to_string(failed) + " image(s) could not be encoded (see above)");
    return 0;
}

}  // namespace samdesk::cli
