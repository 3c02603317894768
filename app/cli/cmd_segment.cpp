// samdesk-cli segment: one image, a file of prompts, every output of the predictor in one
// safetensors file (the interface other tools and the parity tests call), optional mask PNGs.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "app/cli/args.h"
#include "app/cli/clock.h"
#include "app/cli/commands.h"
#include "app/cli/modeloptions.h"
#include "core/annotation/pngwriter.h"
#include "core/checkpoint/safetensorswriter.h"
#include "core/sam/predictor/imagefile.h"
#include "core/sam/predictor/predictor.h"
#include "core/sam/predictor/regioncrop.h"

namespace samdesk::cli {

namespace {

const char* kSegmentHelp =
    "usage: samdesk-cli segment --checkpoint C --image I --prompts P.json --out R.safetensors\n"
    "                           [--device cpu|cuda|cuda:N] [--dtype "
    "float32|bfloat16|mixed|float16]\n"
    "                           [--threads N] [--mask-out DIR] [--region x0,y0,x1,y1]\n\n"
    "Encodes image I once with the SAMv1 checkpoint C, then decodes every prompt of P.json:\n"
    "  {\"prompts\": [{\"name\": \"a\", \"points\": [[x, y], ...], \"labels\": [1, 0, ...],\n"
    "                \"box\": [x0, y0, x1, y1], \"multimask\": true,\n"
    "                \"mask_input_from\": \"<an earlier prompt's name>\"}, ...]}\n"
    "All fields but name are optional. Coordinates are original image pixels; labels are\n"
    "1 (foreground, the default) or 0 (background); multimask (default true) gives 3 candidate\n"
    "masks, false 1; mask_input_from feeds that prompt's best-IoU low-res logits back in.\n\n"
    "R.safetensors (float32): embedding (1, P, G, G), resized_image (uint8, h', w', 3) and per\n"
    "prompt <name>/masks_logits (C, H, W), <name>/iou (C), <name>/low_res_logits (C, 4G, 4G).\n"
    "--mask-out DIR writes DIR/<name>.png: the best-IoU mask, 0/255, at the image size.\n"
    "--threads N sets libtorch's CPU threads (default: all cores). Exit status 2 on error.\n"
    "--region x0,y0,x1,y1 encodes only that part of the image (pixels, x1 and y1 exclusive), as\n"
    "if it were the whole image (small objects of a large photo keep their detail): prompts stay\n"
    "in image pixels and must lie inside it; embedding, resized_image and low_res_logits are the\n"
    "region's; masks_logits and the mask PNGs are at the image's size, -inf outside the region.\n";

struct PromptSpec {
    std::string name;
    PromptSet prompts;
    std::string maskInputFrom;
};

Expected<std::vector<PromptSpec>> parsePrompts(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return Error::io(path + ": cannot read the prompts file");
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        return Error::format(path + ": not valid JSON: " + e.what());
    }
    if (!root.is_object() || !root.contains("prompts") || !root["prompts"].is_array())
        return Error::format(path + ": expected {\"prompts\": [...]}");
    std::vector<PromptSpec> out;
    std::map<std::string, bool> seen;
    try {
        for (const auto& p : root["prompts"]) {
            const std::string where = path + ": prompt " + std::to_string(out.size());
            if (!p.is_object() || !p.contains("name") || !p["name"].is_string())
                return Error::format(where + " has no \"name\"");
            PromptSpec spec;
            spec.name = p["name"].get<std::string>();
            if (spec.name.empty() || spec.name.find_first_of("/\\") != std::string::npos ||
                spec.name[0] == '.')
                return Error::format(where + ": name '" + spec.name +
                                     "' must be non-empty, without '/' or a leading '.'");
            if (seen.count(spec.name))
                return Error::format(where + ": name '" + spec.name + "' is used twice");
            const auto points = p.value("points", nlohmann::json::array());
            const auto labels = p.value("labels", nlohmann::json::array());
            if (!labels.empty() && labels.size() != points.size())
                return Error::format(where + " ('" + spec.name + "') has " +
                                     std::to_string(points.size()) + " points but " +
                                     std::to_string(labels.size()) + " labels");
            for (std::size_t i = 0; i < points.size(); ++i) {
                if (!points[i].is_array() || points[i].size() != 2)
                    return Error::format(where + ": points must be [[x, y], ...]");
                const int label = labels.empty() ? 1 : labels[i].get<int>();
                if (label != 0 && label != 1)
                    return Error::format(where + ": point " + std::to_string(i) + " has label " +
                                         std::to_string(label) +
                                         "; labels are 1 (foreground) or 0 (background)");
                spec.prompts.points.push_back(
                    {points[i][0].get<double>(), points[i][1].get<double>(), label == 1});
            }
            if (p.contains("box")) {
                const auto& b = p["box"];
                if (!b.is_array() || b.size() != 4)
                    return Error::format(where + ": box must be [x0, y0, x1, y1]");
                spec.prompts.box = PromptBox{b[0].get<double>(), b[1].get<double>(),
                                             b[2].get<double>(), b[3].get<double>()};
            }
            spec.prompts.multimask = p.value("multimask", true);
            spec.maskInputFrom = p.value("mask_input_from", std::string());
            if (!spec.maskInputFrom.empty() && !seen.count(spec.maskInputFrom))
                return Error::format(where + ": mask_input_from '" + spec.maskInputFrom +
                                     "' is not the name of an earlier prompt");
            seen[spec.name] = true;
            out.push_back(std::move(spec));
        }
    } catch (const nlohmann::json::exception& e) {
        return Error::format(path + ": " + e.what());
    }
    if (out.empty())
        return Error::format(path + ": no prompts");
    return out;
}

}  // namespace

int runSegment(const Argv& argv) {
    Args args(argv,
              {"checkpoint", "image", "prompts", "out", "device", "dtype", "threads", "mask-out",
               "region"},
              {});
    if (!args.error().empty())
        return fail(args.error());
    if (args.wantsHelp()) {
        std::cout << kSegmentHelp;
        return 0;
    }
    for (const char* required : {"checkpoint", "image", "prompts", "out"})
        if (!args.value(required))
            return fail(std::string("segment needs --") + required +
                        " (see samdesk-cli segment --help)");
    std::string err;
    const auto threads = args.integer("threads", &err);
    if (!err.empty())
        return fail(err);

    auto specs = parsePrompts(*args.value("prompts"));
    if (!specs)
        return fail(specs.error().message);
    auto image = readImageFile(*args.value("image"));
    if (!image)
        return fail(image.error().message);
    const ImageSize imageSize{image->width, image->height};
    std::optional<ImageRegion> region;
    if (const auto text = args.value("region")) {
        auto parsed = parseRegion(*text);
        if (!parsed)
            return fail(parsed.error().message);
        if (auto st = checkRegion(*parsed, imageSize); !st)
            return fail(*args.value("image") + ": " + st.error().message);
        region = *parsed;
        for (auto& spec : specs.value()) {
            auto moved = promptsInRegion(spec.prompts, *region);
            if (!moved)
                return fail("prompt '" + spec.name + "': " + moved.error().message);
            spec.prompts = std::move(moved.value());
        }
    }
    const ImageView view = region ? cropView(image->view(), *region) : image->view();

    const PredictorOptions options = predictorOptions(args, threads, "float32");
    auto t0 = std::chrono::steady_clock::now();
    auto loaded = Predictor::load(*args.value("checkpoint"), options);
    if (!loaded)
        return fail(loaded.error().message);
    Predictor& predictor = *loaded.value();
    const double loadSeconds = secondsSince(t0);

    t0 = std::chrono::steady_clock::now();
    if (auto st = predictor.setImage(view); !st)
        return fail(*args.value("image") + ": " + st.error().message);
    const double encodeSeconds = secondsSince(t0);
    std::printf("%s: %s, %d x %d, loaded in %.2f s, encoded in %.2f s (%s, %s)\n",
                args.value("image")->c_str(), predictor.config().variant.c_str(), image->width,
                image->height, loadSeconds, encodeSeconds, options.device.c_str(),
                options.dtype.c_str());

    const auto embedding = predictor.embedding();
    const auto resized = predictor.resizedImage();
    if (!embedding || !resized)
        return fail(!embedding ? embedding.error().message : resized.error().message);

    // Every tensor's values stay alive in `results` until the file is written.
    std::vector<SafetensorsEntry> entries;
    const std::int64_t P = embedding->channels, G = embedding->grid;
    entries.push_back({"embedding",
                       DType::Float32,
                       {1, P, G, G},
                       embedding->values.data(),
                       embedding->values.size() * sizeof(float)});
    entries.push_back({"resized_image",
                       DType::UInt8,
                       {resized->height, resized->width, 3},
                       resized->rgb.data(),
                       resized->rgb.size()});
    std::map<std::string, Prediction> results;
    const std::optional<std::string> maskDir = args.value("mask-out");
    if (maskDir) {
        std::error_code ec;
        std::filesystem::create_directories(*maskDir, ec);
        if (ec)
            return fail(*maskDir + ": cannot create the mask directory: " + ec.message());
    }
    for (auto& spec : specs.value()) {
        if (!spec.maskInputFrom.empty()) {
            const auto& earlier = results.at(spec.maskInputFrom).lowRes;
            spec.prompts.maskInput = earlier.mask(earlier.best());
        }
        t0 = std::chrono::steady_clock::now();
        auto prediction = predictor.predict(spec.prompts);
        if (!prediction)
            return fail("prompt '" + spec.name + "': " + prediction.error().message);
        const double ms = secondsSince(t0) * 1000;
        Prediction& r = results.emplace(spec.name, std::move(prediction.value())).first->second;
        if (region) {  // the region's masks at their place in the image
            r.logits = placeInImage(r.logits, r.lowRes.count, *region, imageSize,
                                    -std::numeric_limits<float>::infinity());
            r.size = imageSize;
        }
        const std::int64_t C = r.lowRes.count, H = r.size.height, W = r.size.width,
                           side = r.lowRes.side;
        entries.push_back({spec.name + "/masks_logits",
                           DType::Float32,
                           {C, H, W},
                           r.logits.data(),
                           r.logits.size() * sizeof(float)});
        entries.push_back({spec.name + "/iou",
                           DType::Float32,
                           {C},
                           r.lowRes.iou.data(),
                           r.lowRes.iou.size() * sizeof(float)});
        entries.push_back({spec.name + "/low_res_logits",
                           DType::Float32,
                           {C, side, side},
                           r.lowRes.logits.data(),
                           r.lowRes.logits.size() * sizeof(float)});
        const int best = r.lowRes.best();
        std::printf("  %s: %lld mask(s), best %d with IoU %.3f, %.1f ms\n", spec.name.c_str(),
                    static_cast<long long>(C), best, r.lowRes.iou[best], ms);
        if (maskDir) {
            const std::size_t plane = static_cast<std::size_t>(H) * W;
            std::vector<std::uint8_t> bits(plane);
            for (std::size_t i = 0; i < plane; ++i)
                bits[i] = r.logits[plane * best + i] > 0.0f ? 1 : 0;
            auto mask =
                BinaryMask::fromBytes(static_cast<int>(W), static_cast<int>(H), std::move(bits));
            if (!mask)
                return fail(mask.error().message);
            const auto file = std::filesystem::path(*maskDir) / (spec.name + ".png");
            if (auto st = writeMaskPng(file, mask.value()); !st)
                return fail(st.error().message);
        }
    }
    if (auto st = writeSafetensors(*args.value("out"), entries, {{"format", "pt"}}); !st)
        return fail(st.error().message);
    std::printf("wrote %s (%zu prompts)\n", args.value("out")->c_str(), specs->size());
    return 0;
}

}  // namespace samdesk::cli
