// samdesk-cli everything: "segment everything", the original's automatic mask generator
// (core/sam/predictor/automaskgenerator.h) on one image or a whole folder (shards, resume, the
// embedding cache), each image's masks as one JSON file with COCO's compressed RLE.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "app/cli/amgoptions.h"
#include "app/cli/args.h"
#include "app/cli/clock.h"
#include "app/cli/commands.h"
#include "app/cli/imagelist.h"
#include "app/cli/modeloptions.h"
#include "core/cache/shardplan.h"
#include "core/common/atomicfile.h"
#include "core/sam/predictor/automaskgenerator.h"
#include "core/sam/predictor/embeddingstore.h"
#include "core/sam/predictor/imagefile.h"

namespace samdesk::cli {

namespace fs = std::filesystem;

namespace {

const char* kEverythingHelp =
    "usage: samdesk-cli everything --checkpoint C --image I --out MASKS.json [options]\n"
    "       samdesk-cli everything --checkpoint C --images DIR|LIST --out DIR [--shard i/n]\n"
    "                              [--resume] [options]\n"
    "options: [--cache DIR] [--device D] [--dtype T] [--threads N] [generator parameters]\n\n"
    "Segments everything in an image as the original SAM automatic mask generator does (the\n"
    "same masks in the same order, docs/everything.md) with the SAMv1 checkpoint C, and writes\n"
    "its records as JSON: {\"image\", \"width\", \"height\", \"params\", \"masks\": [{\n"
    "\"segmentation\": {\"size\": [h, w], \"counts\": COCO compressed RLE}, \"area\", \"bbox\"\n"
    "[x, y, w, h], \"predicted_iou\", \"point_coords\" [[x, y]], \"stability_score\",\n"
    "\"crop_box\" [x, y, w, h]}, ...]} (pixels; the original's output, coco_rle mode).\n\n"
    "--images DIR|LIST  every image of the folder (recursively) or list file, as encode takes\n"
    "              them: DIR/<relative path>.json for each, the folders made as needed.\n"
    "--shard i/n   only the images of shard i of n (as encode: disjoint, stable shards).\n"
    "--resume      skip images whose output file exists (an interrupted run goes on).\n"
    "--cache DIR   take the embeddings from the cache folder (encode's and the app's) and store\n"
    "              those computed (cached values are float16: a few pixels at mask edges may\n"
    "              differ from a fresh encode). Every crop of --crop-n-layers is its own entry.\n"
    "--dtype auto (default, as encode and the app) | float32 | bfloat16 | float16 (CUDA);\n"
    "              float32 gives the original's masks.\n\n";

const char* kEverythingTail =
    "\nA progress line per image on a terminal. Exit status: 0 when every image is done, 2 when\n"
    "some failed (or on a usage error), 130 when interrupted (finished files are kept).\n";

std::atomic<bool> g_stop{false};

extern "C" void onEverythingInterrupt(int) {
    g_stop.store(true);
}

struct Job {
    std::string name;  // as printed
    fs::path image, out;
};

}  // namespace

int runEverything(const Argv& argv) {
    std::set<std::string> valued = {"checkpoint", "image",  "images", "out",    "cache",
                                    "shard",      "device", "dtype",  "threads"};
    valued.insert(autoMaskOptionNames().begin(), autoMaskOptionNames().end());
    Args args(argv, valued, {"resume"});
    if (!args.error().empty())
        return fail(args.error());
    if (args.wantsHelp()) {
        std::cout << kEverythingHelp << autoMaskOptionsHelp() << kEverythingTail;
        return 0;
    }
    for (const char* required : {"checkpoint", "out"})
        if (!args.value(required))
            return fail(std::string("everything needs --") + required +
                        " (see samdesk-cli everything --help)");
    if (args.value("image").has_value() == args.value("images").has_value())
        return fail("everything needs one of --image I and --images DIR|LIST");
    const bool folder = args.value("images").has_value();
    if (!folder && (args.value("shard") || args.flag("resume")))
        return fail("--shard and --resume go with --images");
    std::string err;
    const auto threads = args.integer("threads", &err);
    if (!err.empty())
        return fail(err);
    auto params = autoMaskParams(args);
    if (!params)
        return fail(params.error().message);

    std::vector<Job> jobs;
    if (folder) {
        ShardSpec shard;
        if (const auto text = args.value("shard")) {
            auto parsed = parseShardSpec(*text);
            if (!parsed)
                return fail(parsed.error().message);
            shard = *parsed;
        }
        auto dataset = listImages(*args.value("images"));
        if (!dataset)
            return fail(dataset.error().message);
        for (const std::string& name : selectShard(dataset->images, shard)) {
            const fs::path rel(name);
            const fs::path image = rel.is_absolute() ? rel : dataset->root / rel;
            fs::path file = rel.is_absolute() ? rel.relative_path() : rel;
            file += ".json";
            jobs.push_back({name, image, fs::path(*args.value("out")) / file});
        }
    } else {
        jobs.push_back({*args.value("image"), *args.value("image"), *args.value("out")});
    }

    const PredictorOptions options = predictorOptions(args, threads, "auto");
    auto loaded = Predictor::load(*args.value("checkpoint"), options);
    if (!loaded)
        return fail(loaded.error().message);
    Predictor& predictor = *loaded.value();
    std::optional<EmbeddingStore> store;
    if (const auto cache = args.value("cache")) {
        auto opened = EmbeddingStore::open(*args.value("checkpoint"), predictor, *cache);
        if (!opened)
            return fail(opened.error().message);
        store.emplace(std::move(opened.value()));
    }
    if (folder)
        std::printf("segmenting everything in %zu image(s) with %s (%s, %s)\n", jobs.size(),
                    predictor.config().variant.c_str(), predictor.options().device.c_str(),
                    predictor.options().dtype.c_str());
    std::fflush(stdout);

    std::signal(SIGINT, onEverythingInterrupt);
    std::signal(SIGTERM, onEverythingInterrupt);
    const bool terminal = isatty(STDOUT_FILENO) == 1;
    AutoMaskGenerator generator(predictor, *params);
    std::size_t done = 0, skipped = 0, failed = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < jobs.size() && !g_stop.load(); ++i) {
        const Job& job = jobs[i];
        const std::string prefix =
            folder ? "[" + std::to_string(i + 1) + "/" + std::to_string(jobs.size()) + "] " : "";
        std::error_code ec;
        if (args.flag("resume") && fs::exists(job.out, ec)) {
            ++skipped;
            if (!terminal)
                std::printf("%s%s: done before\n", prefix.c_str(), job.name.c_str());
            continue;
        }
        const auto t0 = std::chrono::steady_clock::now();
        auto image = readImageFile(job.image);
        if (!image) {
            if (!folder)
                return fail(image.error().message);
            ++failed;
            std::fprintf(stderr, "error: %s\n", image.error().message.c_str());
            continue;
        }
        AutoMaskControl control;
        control.cancel = &g_stop;
        if (terminal)
            control.progress = [&](int step, int total) {
                std::printf("\r%s%s: %3d%%\033[K", prefix.c_str(), job.name.c_str(),
                            total ? 100 * step / total : 0);
                std::fflush(stdout);
            };
        if (store)
            control.encode = [&](Predictor& p, const ImageView& crop, const ImageRegion&,
                                 const EncodeControl& c) -> Status {
                auto outcome = store->encode(p, crop, c);
                if (!outcome)
                    return outcome.error();
                return {};
            };
        auto result = generator.generate(image->view(), control);
        if (terminal)
            std::printf("\r\033[K");
        if (!result) {
            if (result.error().kind == Error::Kind::Cancelled)
                break;
            const std::string message =
                job.image.string() + ": " + withFlagNames(result.error().message);
            if (!folder)
                return fail(message);
            ++failed;
            std::fprintf(stderr, "error: %s\n", message.c_str());
            continue;
        }
        nlohmann::json doc;
        doc["image"] = job.image.string();
        doc["width"] = image->width;
        doc["height"] = image->height;
        doc["params"] = autoMaskParamsJson(*params);
        doc["masks"] = nlohmann::json::array();
        for (const AutoMask& m : result->masks)
            doc["masks"].push_back(autoMaskJson(m));
        if (job.out.has_parent_path())
            fs::create_directories(job.out.parent_path(), ec);
        if (auto st = writeFileAtomically(job.out, doc.dump() + "\n"); !st) {
            if (!folder)
                return fail(st.error().message);
            ++failed;
            std::fprintf(stderr, "error: %s\n", st.error().message.c_str());
            continue;
        }
        ++done;
        const AutoMaskStats& s = result->stats;
        std::printf(
            "%s%s: %zu masks from %d points in %.2f s (encoder %.2f s, after it %.2f s)"
            " -> %s\n",
            prefix.c_str(), job.name.c_str(), result->masks.size(), s.points, secondsSince(t0),
            s.encodeSeconds, s.decodeSeconds + s.maskSeconds, job.out.string().c_str());
        std::fflush(stdout);
    }
    if (folder)
        std::printf("%zu done, %zu done before, %zu failed, %zu not reached, in %s\n", done,
                    skipped, failed, jobs.size() - done - skipped - failed,
                    duration(secondsSince(start)).c_str());
    if (g_stop.load()) {
        std::fprintf(stderr, "interrupted%s\n", folder ? ": run again with --resume to go on" : "");
        return 130;
    }
    if (failed > 0)
        return fail(std::to_string(failed) + " image(s) failed (see above)");
    return 0;
}

}  // namespace samdesk::cli
