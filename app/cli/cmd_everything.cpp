// samdesk-cli everything: "segment everything", the original's automatic mask generator
// (core/sam/predictor/automaskgenerator.h) on one image or a whole folder (shards, resume, the
// embedding cache), each image's masks as one JSON file with COCO's compressed RLE and/or as
// unlabelled objects of the image's annotations (--into-annotations,
// core/annotation/automaskmerge.h).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "app/cli/amgoptions.h"
#include "app/cli/args.h"
#include "app/cli/clock.h"
#include "app/cli/commands.h"
#include "app/cli/imagelist.h"
#include "app/cli/interrupt.h"
#include "app/cli/modeloptions.h"
#include "core/annotation/automaskmerge.h"
#include "core/cache/contenthash.h"
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
    "       samdesk-cli everything --checkpoint C --image I|--images DIR|LIST\n"
    "                              --into-annotations [--out ...] [options]\n"
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
    "--resume      skip images whose output file exists (an interrupted run goes on); with\n"
    "              --into-annotations and no --out, images whose annotations already hold\n"
    "              objects of segment everything.\n"
    "--cache DIR   take the embeddings from the cache folder (encode's and the app's) and store\n"
    "              those computed (cached values are float16: a few pixels at mask edges may\n"
    "              differ from a fresh encode). Every crop of --crop-n-layers is its own entry.\n"
    "--dtype auto (default, as encode and the app) | float32 | bfloat16 | mixed | float16\n"
    "              (CUDA);\n"
    "              float32 gives the original's masks.\n"
    "--into-annotations  also (or, without --out, only) put the masks into the annotations\n"
    "              samdesk autosaves and shows: <image's folder>/.samdesk/annotations/<file\n"
    "              name>.json, as unlabelled objects (source \"everything\", score = predicted\n"
    "              IoU; a mask of the whole image's crop that no clean-up changed keeps its\n"
    "              point as prompts). Other objects stay as they are; the unlabelled, unedited\n"
    "              \"everything\" objects of an earlier run are replaced, labelled or edited ones\n"
    "              are kept. An image fails, its file untouched, when the file cannot be read\n"
    "              back, was written by a newer samdesk or is for another image size. Close the\n"
    "              image in samdesk first: the app's autosave writes what it holds.\n\n";

const char* kEverythingTail =
    "\nA progress line per image on a terminal. Exit status: 0 when every image is done, 2 when\n"
    "some failed (or on a usage error), 130 when interrupted (finished files are kept).\n";

struct Job {
    std::string name;     // as printed
    fs::path image, out;  // out: empty without --out
};

// What every image of a run shares.
struct Run {
    AutoMaskGenerator& generator;
    const AutoMaskParams& params;
    EmbeddingStore* cache;  // null without --cache
    EverythingOrigin origin;
    bool json = false, into = false, resume = false, terminal = false;
};

enum class Outcome { Done, DoneBefore, Failed, Interrupted };

// One image: its masks, then its annotations and its JSON file (in that order: a JSON file on
// disk means the image is finished, which is what --resume with --out looks at). Prints the
// image's line, or its error line on stderr.
Outcome segmentImage(const Run& run, const Job& job, const std::string& prefix) {
    auto failed = [&](const std::string& message) {
        std::fprintf(stderr, "error: %s\n", message.c_str());
        return Outcome::Failed;
    };
    auto doneBefore = [&] {
        if (!run.terminal)
            std::printf("%s%s: done before\n", prefix.c_str(), job.name.c_str());
        return Outcome::DoneBefore;
    };
    std::error_code ec;
    if (run.resume && run.json && fs::exists(job.out, ec))
        return doneBefore();
    const std::string intoFailed = job.name + ": masks not put into its annotations: ";
    std::optional<AnnotationTarget> target;
    std::optional<ImageAnnotations> saved;
    if (run.into) {
        // Read before the generator runs, so that annotations that cannot take the masks
        // (unreadable, of a newer samdesk) fail the image at once rather than after the work.
        target = annotationTargetFor(job.image);
        auto loaded = target->store.load(target->imageFile);
        if (!loaded)
            return failed(intoFailed + loaded.error().message);
        saved = std::move(loaded.value());
        if (run.resume && !run.json && saved && hasEverythingObjects(*saved))
            return doneBefore();
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto image = readImageFile(job.image);
    if (!image)
        return failed(image.error().message);
    if (saved)
        if (auto st = checkSameSize(*saved, *target, image->width, image->height); !st)
            return failed(intoFailed + st.error().message);

    AutoMaskControl control;
    control.cancel = interruptFlag();
    if (run.terminal)
        control.progress = [&](int step, int total) {
            std::printf("\r%s%s: %3d%%\033[K", prefix.c_str(), job.name.c_str(),
                        total ? 100 * step / total : 0);
            std::fflush(stdout);
        };
    if (run.cache)
        control.encode = [&](Predictor& p, const ImageView& crop, const ImageRegion&,
                             const EncodeControl& c) -> Status {
            auto outcome = run.cache->encode(p, crop, c);
            if (!outcome)
                return outcome.error();
            return {};
        };
    auto result = run.generator.generate(image->view(), control);
    if (run.terminal)
        std::printf("\r\033[K");
    if (!result) {
        if (result.error().kind == Error::Kind::Cancelled)
            return Outcome::Interrupted;
        return failed(job.image.string() + ": " + withFlagNames(result.error().message));
    }

    std::string written;
    if (run.into) {
        auto merged =
            putIntoAnnotations(*target, image->width, image->height, result->masks, run.origin);
        if (!merged)
            return failed(intoFailed + merged.error().message);
        const auto path = target->store.annotationPath(target->imageFile);
        written = "annotations: " + std::to_string(merged->added) + " added, " +
                  std::to_string(merged->replaced) + " replaced" +
                  (merged->empty ? ", " + std::to_string(merged->empty) + " empty left out" : "") +
                  " (" + (path ? path->string() : target->imageFile) + ")";
    }
    if (run.json) {
        nlohmann::json doc;
        doc["image"] = job.image.string();
        doc["width"] = image->width;
        doc["height"] = image->height;
        doc["params"] = autoMaskParamsJson(run.params);
        doc["masks"] = nlohmann::json::array();
        for (const AutoMask& m : result->masks)
            doc["masks"].push_back(autoMaskJson(m));
        if (job.out.has_parent_path())
            fs::create_directories(job.out.parent_path(), ec);
        if (auto st = writeFileAtomically(job.out, doc.dump() + "\n"); !st)
            return failed(st.error().message);
        written = job.out.string() + (written.empty() ? "" : "; " + written);
    }
    const AutoMaskStats& s = result->stats;
    std::printf(
        "%s%s: %zu masks from %d points in %.2f s (encoder %.2f s, after it %.2f s)"
        " -> %s\n",
        prefix.c_str(), job.name.c_str(), result->masks.size(), s.points, secondsSince(t0),
        s.encodeSeconds, s.decodeSeconds + s.maskSeconds, written.c_str());
    std::fflush(stdout);
    return Outcome::Done;
}

}  // namespace

int runEverything(const Argv& argv) {
    std::set<std::string> valued = {"checkpoint", "image",  "images", "out",    "cache",
                                    "shard",      "device", "dtype",  "threads"};
    valued.insert(autoMaskOptionNames().begin(), autoMaskOptionNames().end());
    Args args(argv, valued, {"resume", "into-annotations"});
    if (!args.error().empty())
        return fail(args.error());
    if (args.wantsHelp()) {
        std::cout << kEverythingHelp << autoMaskOptionsHelp() << kEverythingTail;
        return 0;
    }
    const bool into = args.flag("into-annotations");
    if (!args.value("checkpoint"))
        return fail("everything needs --checkpoint (see samdesk-cli everything --help)");
    if (!args.value("out") && !into)
        return fail(
            "everything needs --out or --into-annotations (see samdesk-cli everything --help)");
    const bool json = args.value("out").has_value();
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
        auto listed = listShard(*args.value("images"), args.value("shard"));
        if (!listed)
            return fail(listed.error().message);
        for (const std::string& name : listed->images) {
            const fs::path rel(name);
            const fs::path image = rel.is_absolute() ? rel : listed->dataset.root / rel;
            fs::path file = rel.is_absolute() ? rel.relative_path() : rel;
            file += ".json";
            jobs.push_back({name, image, json ? fs::path(*args.value("out")) / file : fs::path()});
        }
    } else {
        jobs.push_back({*args.value("image"), *args.value("image"), args.value("out", "")});
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
    EverythingOrigin origin{"SAM " + predictor.config().variant, {}};
    // Milliseconds (the file's size and samples of it): the objects' prompts record which
    // weights made them, as the app's do.
    if (auto fingerprint = checkpointFingerprint(*args.value("checkpoint")))
        origin.checkpoint = std::move(fingerprint.value());
    if (folder)
        std::printf("segmenting everything in %zu image(s) with %s (%s, %s)\n", jobs.size(),
                    predictor.config().variant.c_str(), predictor.options().device.c_str(),
                    predictor.options().dtype.c_str());
    std::fflush(stdout);

    installInterruptHandlers();
    AutoMaskGenerator generator(predictor, *params);
    const Run run{.generator = generator,
                  .params = *params,
                  .cache = store ? &*store : nullptr,
                  .origin = std::move(origin),
                  .json = json,
                  .into = into,
                  .resume = args.flag("resume"),
                  .terminal = isatty(STDOUT_FILENO) == 1};
    std::size_t done = 0, skipped = 0, failed = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < jobs.size() && !interrupted(); ++i) {
        const std::string prefix =
            folder ? "[" + std::to_string(i + 1) + "/" + std::to_string(jobs.size()) + "] " : "";
        const Outcome outcome = segmentImage(run, jobs[i], prefix);
        if (outcome == Outcome::Interrupted)
            break;
        done += outcome == Outcome::Done;
        skipped += outcome == Outcome::DoneBefore;
        failed += outcome == Outcome::Failed;
    }
    if (folder)
        std::printf("%zu done, %zu done before, %zu failed, %zu not reached, in %s\n", done,
                    skipped, failed, jobs.size() - done - skipped - failed,
                    duration(secondsSince(start)).c_str());
    if (interrupted())
        return exitInterrupted(folder ? "run again with --resume to go on" : "");
    if (failed > 0)  // one image: its error line is the message
        return folder ? fail(std::to_string(failed) + " image(s) failed (see above)") : 2;
    return 0;
}

}  // namespace samdesk::cli
