// The automatic mask generator's driver: crops, batches, filters, NMS, records. Each step cites
// the section of ../shared/spec/amg.md it reproduces.
#include "core/sam/predictor/automaskgenerator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/sam/predictor/amggrid.h"
#include "core/sam/predictor/boxnms.h"
#include "core/sam/predictor/candidatemask.h"
#include "core/sam/predictor/imagepreprocessing.h"
#include "core/sam/predictor/maskrle.h"
#include "core/sam/predictor/regioncrop.h"

namespace samdesk {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// A record while the generator works on it (MaskData's columns for one mask).
struct Record {
    std::vector<std::uint32_t> counts;  // image-sized RLE
    MaskBox box;                        // inclusive; the crop's frame, then the image's
    float iou = 0, stability = 0;
    double x = 0, y = 0;   // the point; the crop's frame, then the image's
    int candidate = 0;     // of the decoder's three masks for the point
    bool cleaned = false;  // changed by §6
    CropBox crop;
};

// body(index, worker) for index in [0, n) on up to `threads` threads; the first exception is
// rethrown on the calling thread.
void parallelFor(int n, int threads, const std::function<void(int, int)>& body) {
    threads = std::max(1, std::min(threads, n));
    std::atomic<int> next{0};
    std::exception_ptr failure;
    std::mutex failureMutex;
    const auto run = [&](int worker) {
        try {
            for (int i; (i = next.fetch_add(1)) < n;)
                body(i, worker);
        } catch (...) {
            std::lock_guard lock(failureMutex);
            if (!failure)
                failure = std::current_exception();
            next.store(n);
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(run, t);
    run(0);
    for (auto& t : pool)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
}

// §5.1-§5.3: NMS over the records' boxes as float32, then the records in the kept order.
void keepByNms(std::vector<Record>& records, const std::vector<float>& scores, double threshold) {
    std::vector<NmsBox> boxes(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        const MaskBox& b = records[i].box;
        boxes[i] = {float(b.x0), float(b.y0), float(b.x1), float(b.y1)};
    }
    const auto keep = batchedNms(boxes, scores, threshold);
    std::vector<Record> kept;
    kept.reserve(keep.size());
    for (const std::size_t i : keep)
        kept.push_back(std::move(records[i]));
    records = std::move(kept);
}

}  // namespace

AutoMaskGenerator::AutoMaskGenerator(Predictor& predictor, AutoMaskParams params)
    : m_predictor(predictor), m_params(std::move(params)) {}

Expected<AutoMaskResult> AutoMaskGenerator::generate(const ImageView& image,
                                                     const AutoMaskControl& control) {
    if (auto st = checkAutoMaskParams(m_params); !st)
        return st.error();
    if (!image.data || image.width <= 0 || image.height <= 0)
        return Error::invalid("empty image (" + std::to_string(image.width) + " x " +
                              std::to_string(image.height) + " pixels)");
    const AutoMaskParams& p = m_params;
    const int W = image.width, H = image.height;
    const SamConfig& config = m_predictor.config();
    const int S = config.imageSize, side = 4 * config.gridSize();
    const int threads = control.threads > 0 ? control.threads
                        : m_predictor.options().decodeThreads > 0
                            ? m_predictor.options().decodeThreads
                            : std::max(1, int(std::thread::hardware_concurrency()));
    const auto cancelled = [&] { return control.cancel && control.cancel->load(); };
    const Error cancelError{Error::Kind::Cancelled, "segment everything cancelled"};

    // §2: crops and grids.
    const std::vector<CropBox> crops = generateCropBoxes(W, H, p.cropNLayers, p.cropOverlapRatio);
    std::vector<PointGrid> grids = p.pointGrids;
    if (grids.empty()) {
        auto built =
            buildLayerPointGrids(p.pointsPerSide, p.cropNLayers, p.cropNPointsDownscaleFactor);
        if (!built)
            return built.error();
        grids = std::move(built.value());
    }
    int totalSteps = 0;
    for (const CropBox& crop : crops) {
        const int points = static_cast<int>(grids[static_cast<std::size_t>(crop.layer)].size());
        totalSteps += config.depth + (points + p.pointsPerBatch - 1) / p.pointsPerBatch;
    }
    int doneSteps = 0;
    const auto report = [&](int done) {
        if (control.progress)
            control.progress(std::min(done, totalSteps), totalSteps);
    };

    AutoMaskResult result;
    AutoMaskStats& stats = result.stats;
    stats.crops = static_cast<int>(crops.size());
    const auto started = Clock::now();
    const float hi = static_cast<float>(0.0 + p.stabilityScoreOffset);
    const float lo = static_cast<float>(0.0 - p.stabilityScoreOffset);
    const float iouThresh = static_cast<float>(p.predIouThresh);
    const float stabilityThresh = static_cast<float>(p.stabilityScoreThresh);
    std::vector<CandidateScan> scans(static_cast<std::size_t>(threads));
    std::vector<Record> records;
    try {
        for (const CropBox& crop : crops) {
            if (cancelled())
                return cancelError;
            // §3.1-3.2: the crop's own embedding.
            const ImageRegion region{crop.x0, crop.y0, crop.width(), crop.height()};
            const ImageView view = cropView(image, region);
            EncodeControl encodeControl;
            encodeControl.cancel = control.cancel;
            const int base = doneSteps;
            encodeControl.progress = [&](int done, int total) {
                report(base + done * config.depth / std::max(1, total));
            };
            auto t0 = Clock::now();
            const Status encoded = control.encode
                                       ? control.encode(m_predictor, view, region, encodeControl)
                                       : m_predictor.setImage(view, encodeControl);
            stats.encodeSeconds += secondsSince(t0);
            if (!encoded)
                return encoded.error();
            doneSteps = base + config.depth;
            report(doneSteps);

            const int w = crop.width(), h = crop.height();
            const ImageSize input = modelInputSize({w, h}, S);
            const MaskUpscaler upscaler(side, S, input.width, input.height, w, h);
            const bool fullImage = crop.x0 == 0 && crop.y0 == 0 && w == W && h == H;
            const PointGrid& grid = grids[static_cast<std::size_t>(crop.layer)];
            std::vector<Record> cropRecords;
            // §3.4: batches of points in crop pixels.
            for (std::size_t start = 0; start < grid.size();
                 start += static_cast<std::size_t>(p.pointsPerBatch)) {
                if (cancelled())
                    return cancelError;
                const std::size_t end =
                    std::min(grid.size(), start + static_cast<std::size_t>(p.pointsPerBatch));
                std::vector<PromptPoint> points;
                for (std::size_t i = start; i < end; ++i)
                    points.push_back({grid[i][0] * w, grid[i][1] * h, true});
                t0 = Clock::now();
                auto decoded = m_predictor.predictPoints(
                    points, p.predIouThresh > 0 ? std::optional<float>(iouThresh) : std::nullopt);
                stats.decodeSeconds += secondsSince(t0);
                if (!decoded)
                    return decoded.error();
                stats.points += decoded->count;
                stats.candidates += 3 * decoded->count;
                // §4.0-4.1: records point-major, the IoU filter.
                std::vector<std::pair<int, int>> candidates;
                for (int b = 0; b < decoded->count; ++b)
                    for (int j = 0; j < 3; ++j)
                        if (!(p.predIouThresh > 0) || decoded->iou[3 * b + j] > iouThresh)
                            candidates.emplace_back(b, j);
                stats.upsampled += static_cast<int>(candidates.size());
                // §4.2-4.7, each candidate on its own.
                std::vector<std::optional<Record>> made(candidates.size());
                std::vector<std::int64_t> nearCut(static_cast<std::size_t>(threads), 0);
                parallelFor(static_cast<int>(candidates.size()), threads, [&](int i, int worker) {
                    const auto [b, j] = candidates[static_cast<std::size_t>(i)];
                    CandidateScan& scan = scans[static_cast<std::size_t>(worker)];
                    scan.scan(upscaler, decoded->lowRes(b, j), hi, lo);
                    nearCut[static_cast<std::size_t>(worker)] += scan.nearCut();
                    const float stability = scan.stability();
                    if (p.stabilityScoreThresh > 0 && !(stability >= stabilityThresh))
                        return;
                    const MaskBox& box = scan.box();
                    if (!fullImage && boxNearCropEdge(box.x0, box.y0, box.x1, box.y1, crop, W, H))
                        return;
                    Record r;
                    r.counts = scan.rle(crop.x0, crop.y0, W, H);
                    r.box = scan.box();
                    r.iou = decoded->iou[3 * b + j];
                    r.stability = stability;
                    r.x = points[static_cast<std::size_t>(b)].x;
                    r.y = points[static_cast<std::size_t>(b)].y;
                    r.candidate = j;
                    made[static_cast<std::size_t>(i)] = std::move(r);
                });
                for (const std::int64_t n : nearCut)
                    stats.nearCut += n;
                for (auto& r : made)
                    if (r)
                        cropRecords.push_back(std::move(*r));
                report(++doneSteps);
            }
            // §5.2: NMS within the crop by predicted IoU, then the image's frame.
            std::vector<float> scores(cropRecords.size());
            for (std::size_t i = 0; i < cropRecords.size(); ++i)
                scores[i] = cropRecords[i].iou;
            keepByNms(cropRecords, scores, p.boxNmsThresh);
            for (Record& r : cropRecords) {
                r.box = {r.box.x0 + crop.x0, r.box.y0 + crop.y0, r.box.x1 + crop.x0,
                         r.box.y1 + crop.y0};
                r.x += crop.x0;
                r.y += crop.y0;
                r.crop = crop;
                records.push_back(std::move(r));
            }
        }
        // §5.3: NMS across crops, the smaller crop first.
        if (crops.size() > 1) {
            std::vector<float> scores(records.size());
            for (std::size_t i = 0; i < records.size(); ++i) {
                const CropBox& c = records[i].crop;
                const auto area = static_cast<std::int64_t>(c.width()) * c.height();
                scores[i] = 1.0f / static_cast<float>(area);
            }
            keepByNms(records, scores, p.cropNmsThresh);
        }
        // §6: holes and islands, re-scored, NMS again.
        if (p.minMaskRegionArea > 0 && !records.empty()) {
            if (cancelled())
                return cancelError;
            std::vector<float> scores(records.size());
            std::vector<MaskBox> boxes(records.size());
            std::vector<std::vector<std::uint32_t>> changedCounts(records.size());
            for (std::size_t i = 0; i < records.size(); ++i) {
                std::vector<std::uint8_t> mask = decodeColumnRle(records[i].counts, W, H);
                const bool holes = removeSmallRegions(mask, W, H, p.minMaskRegionArea, true);
                const bool islands = removeSmallRegions(mask, W, H, p.minMaskRegionArea, false);
                const bool changed = holes || islands;
                scores[i] = changed ? 0.0f : 1.0f;
                boxes[i] = maskBox(mask.data(), W, H);
                if (changed) {
                    const MaskBox& b = boxes[i];
                    const bool empty = std::all_of(mask.begin(), mask.end(),
                                                   [](std::uint8_t v) { return v == 0; });
                    changedCounts[i] =
                        empty ? boxedMaskRle(nullptr, 0, 0, 0, 0, 0, W, H)
                              : boxedMaskRle(mask.data() + std::size_t(b.y0) * W + b.x0,
                                             std::size_t(W), b.x0, b.y0, b.x1 - b.x0 + 1,
                                             b.y1 - b.y0 + 1, W, H);
                }
            }
            std::vector<NmsBox> nmsBoxes(records.size());
            for (std::size_t i = 0; i < records.size(); ++i)
                nmsBoxes[i] = {float(boxes[i].x0), float(boxes[i].y0), float(boxes[i].x1),
                               float(boxes[i].y1)};
            const auto keep =
                batchedNms(nmsBoxes, scores, std::max(p.boxNmsThresh, p.cropNmsThresh));
            std::vector<Record> kept;
            for (const std::size_t i : keep) {
                if (scores[i] == 0.0f) {
                    records[i].counts = std::move(changedCounts[i]);
                    records[i].box = boxes[i];
                    records[i].cleaned = true;
                }
                kept.push_back(std::move(records[i]));
            }
            records = std::move(kept);
        }
    } catch (const std::bad_alloc&) {
        return Error::runtime("segment everything: out of memory");
    } catch (const std::exception& e) {
        return Error::runtime(std::string("segment everything: ") + e.what());
    }

    // §7: the output records.
    result.masks.reserve(records.size());
    for (Record& r : records) {
        AutoMask m;
        m.width = W;
        m.height = H;
        m.area = rleArea(r.counts);
        m.counts = std::move(r.counts);
        m.bbox = {r.box.x0, r.box.y0, r.box.x1 - r.box.x0, r.box.y1 - r.box.y0};
        m.predictedIou = r.iou;
        m.pointX = r.x;
        m.pointY = r.y;
        m.stabilityScore = r.stability;
        m.cropBox = {r.crop.x0, r.crop.y0, r.crop.width(), r.crop.height()};
        m.candidate = r.candidate;
        m.cleaned = r.cleaned;
        result.masks.push_back(std::move(m));
    }
    stats.maskSeconds = secondsSince(started) - stats.encodeSeconds - stats.decodeSeconds;
    report(totalSteps);
    return result;
}

}  // namespace samdesk
