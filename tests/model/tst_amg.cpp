// The automatic mask generator against the original's output on the tiny fixture
// (amg_expected_*.json: SamAutomaticMaskGenerator run on checkpoint.pth, see AMG.md there), and
// its steps against the worked examples of the spec (../shared/spec/amg.md): crop boxes, point
// grids, torchvision's NMS order, the stability cut, RLE, small regions, parameters, progress
// and cancel.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <atomic>
#include <cmath>

#include "core/sam/predictor/amggrid.h"
#include "core/sam/predictor/automaskgenerator.h"
#include "core/sam/predictor/boxnms.h"
#include "core/sam/predictor/candidatemask.h"
#include "core/sam/predictor/maskrle.h"
#include "tests/model/tinyfixture.h"

using namespace samdesk;
using namespace samdesk::test;

namespace {

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return QJsonDocument::fromJson(f.readAll()).object();
}

// The original's argument names -> AutoMaskParams.
AutoMaskParams paramsFrom(const QJsonObject& o) {
    AutoMaskParams p;
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString k = it.key();
        const double v = it.value().toDouble();
        if (k == "points_per_side")
            p.pointsPerSide = int(v);
        else if (k == "points_per_batch")
            p.pointsPerBatch = int(v);
        else if (k == "pred_iou_thresh")
            p.predIouThresh = v;
        else if (k == "stability_score_thresh")
            p.stabilityScoreThresh = v;
        else if (k == "stability_score_offset")
            p.stabilityScoreOffset = v;
        else if (k == "box_nms_thresh")
            p.boxNmsThresh = v;
        else if (k == "crop_n_layers")
            p.cropNLayers = int(v);
        else if (k == "crop_nms_thresh")
            p.cropNmsThresh = v;
        else if (k == "crop_overlap_ratio")
            p.cropOverlapRatio = v;
        else if (k == "crop_n_points_downscale_factor")
            p.cropNPointsDownscaleFactor = int(v);
        else if (k == "min_mask_region_area")
            p.minMaskRegionArea = int(v);
        else
            qFatal("unknown parameter %s", qPrintable(k));
    }
    return p;
}

std::array<int, 4> ints(const QJsonValue& v) {
    const auto a = v.toArray();
    return {int(a[0].toDouble()), int(a[1].toDouble()), int(a[2].toDouble()), int(a[3].toDouble())};
}

}  // namespace

class TestAutoMask : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void matchesTheOriginal_data();
    void matchesTheOriginal();
    void cropBoxesAsTheOriginal();
    void cropEdgeFilterAsTheOriginal();
    void pointGridsAsNumpy();
    void nmsAsTorchvision();
    void stabilityComparesInFloat32();
    void rleAndSmallRegions();
    void checksParameters();
    void multiCropWithoutMasksIsEmpty();
    void progressAndCancel();

private:
    std::unique_ptr<Predictor> m_predictor;
};

void TestAutoMask::initTestCase() {
    m_predictor = loadTiny();
    QVERIFY(m_predictor);
}

void TestAutoMask::matchesTheOriginal_data() {
    QTest::addColumn<QString>("file");
    for (const char* name : {"default", "nms", "b_filters", "all"})
        QTest::newRow(name) << QString("amg_expected_%1.json").arg(name);
}

// The same records in the same order: points, crop boxes and boxes exactly, areas and masks up
// to the pixels whose logit is within 1e-3 of the cut (our own logits for that point and
// candidate, upsampled, say which), scores within 1e-4.
void TestAutoMask::matchesTheOriginal() {
    QFETCH(QString, file);
    const QJsonObject ref = readJson(tinyPath(file));
    const AutoMaskParams params = paramsFrom(ref.value("params").toObject());
    const cv::Mat pixels = readImage(tinyPath(ref.value("image").toString()));
    QVERIFY(!pixels.empty());
    AutoMaskGenerator generator(*m_predictor, params);
    QElapsedTimer timer;
    timer.start();
    const auto result = generator.generate(viewOf(pixels));
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
    const auto& s = result->stats;
    qInfo(
        "%s: %zu masks in %lld ms (the original: %.3f s); encode %.3f s, decode %.3f s, "
        "masks %.3f s; %d points, %d of %d candidates upsampled, %lld pixels near the cut",
        qPrintable(file), result->masks.size(), static_cast<long long>(timer.elapsed()),
        ref.value("seconds").toDouble(), s.encodeSeconds, s.decodeSeconds, s.maskSeconds, s.points,
        s.upsampled, s.candidates, static_cast<long long>(s.nearCut));
    const QJsonArray masks = ref.value("masks").toArray();
    QCOMPARE(int(result->masks.size()), masks.size());

    // Our logits of every record's point on the whole image (every fixture record comes from it).
    QVERIFY(m_predictor->setImage(viewOf(pixels)).ok());
    const int W = pixels.cols, H = pixels.rows;
    std::size_t mismatched = 0, worstMask = 0;
    double worstIou = 0, worstStability = 0;
    for (int i = 0; i < masks.size(); ++i) {
        const QJsonObject r = masks[i].toObject();
        const AutoMask& m = result->masks[std::size_t(i)];
        const QString where = QString("%1 record %2").arg(file).arg(i);
        const auto point = r.value("point_coords").toArray()[0].toArray();
        QVERIFY2(m.pointX == point[0].toDouble() && m.pointY == point[1].toDouble(),
                 qPrintable(where));
        QVERIFY2(m.cropBox == ints(r.value("crop_box")), qPrintable(where));
        QCOMPARE(m.cropBox, (std::array<int, 4>{0, 0, W, H}));
        QVERIFY2(m.bbox == ints(r.value("bbox")), qPrintable(where));
        worstIou =
            std::max(worstIou, std::abs(m.predictedIou - r.value("predicted_iou").toDouble()));
        worstStability = std::max(
            worstStability, std::abs(m.stabilityScore - r.value("stability_score").toDouble()));

        const auto seg = r.value("segmentation").toObject();
        QCOMPARE(seg.value("size").toArray()[0].toInt(), H);
        QCOMPARE(seg.value("size").toArray()[1].toInt(), W);
        std::vector<std::uint32_t> counts;
        for (const auto& c : seg.value("counts").toArray())
            counts.push_back(std::uint32_t(c.toDouble()));
        QCOMPARE(std::int64_t(r.value("area").toDouble()), rleArea(counts));
        if (counts == m.counts) {
            QCOMPARE(m.area, rleArea(counts));
            continue;
        }
        // Where the masks differ, our logits must be within 1e-3 of the cut.
        const auto decoded = m_predictor->predictPoints({{m.pointX, m.pointY, true}});
        QVERIFY(decoded.ok());
        int candidate = 0;
        for (int c = 1; c < 3; ++c)
            if (std::abs(decoded->iou[c] - m.predictedIou) <
                std::abs(decoded->iou[candidate] - m.predictedIou))
                candidate = c;
        LowResLogits low;
        low.width = low.height = decoded->side;
        const float* values = decoded->lowRes(0, candidate);
        low.values.assign(values, values + std::size_t(decoded->side) * decoded->side);
        const auto logits = m_predictor->upscaleLogits(low, {W, H});
        QVERIFY(logits.ok());
        const auto ours = m.toMask(), theirs = decodeColumnRle(counts, W, H);
        std::size_t differ = 0;
        for (std::size_t p = 0; p < ours.size(); ++p) {
            if (ours[p] == theirs[p])
                continue;
            ++differ;
            QVERIFY2(std::abs((*logits)[p]) < 1e-3f,
                     qPrintable(QString("%1: pixel (%2, %3) differs with logit %4")
                                    .arg(where)
                                    .arg(p % W)
                                    .arg(p / W)
                                    .arg((*logits)[p])));
        }
        QCOMPARE(std::size_t(std::llabs(m.area - rleArea(counts))) <= differ, true);
        mismatched += differ;
        worstMask = std::max(worstMask, differ);
    }
    qInfo(
        "%s: %zu pixel(s) differ, all within 1e-3 of the cut (at most %zu in a mask); max "
        "|diff| predicted_iou %.3g, stability_score %.3g",
        qPrintable(file), mismatched, worstMask, worstIou, worstStability);
    QVERIFY(worstIou <= 1e-4);
    QVERIFY(worstStability <= 1e-4);
}

void TestAutoMask::cropBoxesAsTheOriginal() {
    // The spec's worked examples (measured with the original's generate_crop_boxes).
    const auto a = generateCropBoxes(640, 480, 2, 512.0 / 1500.0);
    QCOMPARE(a.size(), std::size_t(1 + 4 + 16));
    QCOMPARE(a[0], (CropBox{0, 0, 640, 480, 0}));
    QCOMPARE(a[1], (CropBox{0, 0, 402, 322, 1}));
    QCOMPARE(a[2], (CropBox{0, 159, 402, 480, 1}));
    QCOMPARE(a[3], (CropBox{239, 0, 640, 322, 1}));
    QCOMPARE(a[4], (CropBox{239, 159, 640, 480, 1}));
    // Layer 2: overlap 81, crops 221 x 181, x0 in {0, 140, 280, 420}, y0 in {0, 100, 200, 300},
    // the last column clipped from 641 to 640; columns first.
    QCOMPARE(a[5], (CropBox{0, 0, 221, 181, 2}));
    QCOMPARE(a[6], (CropBox{0, 100, 221, 281, 2}));
    QCOMPARE(a[9], (CropBox{140, 0, 361, 181, 2}));
    QCOMPARE(a[20], (CropBox{420, 300, 640, 480, 2}));
    const auto b = generateCropBoxes(2250, 1500, 1, 512.0 / 1500.0);
    QCOMPARE(b.size(), std::size_t(5));
    QCOMPARE(b[1], (CropBox{0, 0, 1381, 1006, 1}));
    QCOMPARE(b[2], (CropBox{0, 494, 1381, 1500, 1}));
    QCOMPARE(b[3], (CropBox{869, 0, 2250, 1006, 1}));
    QCOMPARE(b[4], (CropBox{869, 494, 2250, 1500, 1}));
    QCOMPARE(generateCropBoxes(640, 480, 0, 0.3).size(), std::size_t(1));
}

void TestAutoMask::cropEdgeFilterAsTheOriginal() {
    // The crop [239, 159, 640, 480) of a 640 x 480 image: its left and top edges are inside the
    // image, its right and bottom edges are the image's.
    const CropBox crop{239, 159, 640, 480, 1};
    QVERIFY(boxNearCropEdge(20, 100, 200, 200, crop, 640, 480));   // x0 = 20 from the left edge
    QVERIFY(!boxNearCropEdge(21, 100, 200, 200, crop, 640, 480));  // 21 is not
    QVERIFY(boxNearCropEdge(100, 0, 200, 200, crop, 640, 480));    // touches the top edge
    // Touching the right and bottom edges, which are the image's: kept.
    QVERIFY(!boxNearCropEdge(100, 100, 400, 320, crop, 640, 480));
    // The crop [0, 0, 402, 322): its right edge is inside the image; the inclusive x1 = 401 of a
    // mask touching it is 1 pixel from the exclusive 402, x1 = 381 is 21.
    const CropBox left{0, 0, 402, 322, 1};
    QVERIFY(boxNearCropEdge(0, 0, 401, 100, left, 640, 480));
    QVERIFY(boxNearCropEdge(0, 0, 382, 100, left, 640, 480));
    QVERIFY(!boxNearCropEdge(0, 0, 381, 100, left, 640, 480));
    // Near an edge shared with the image (x0 = 0 is the image's left edge too): kept.
    QVERIFY(!boxNearCropEdge(5, 5, 300, 300, left, 640, 480));
    // The whole image is never filtered.
    QVERIFY(!boxNearCropEdge(0, 0, 639, 479, CropBox{0, 0, 640, 480, 0}, 640, 480));
}

void TestAutoMask::pointGridsAsNumpy() {
    QCOMPARE(buildPointGrid(1), (PointGrid{{0.5, 0.5}}));
    // numpy.linspace(1/12, 11/12, 6): k * step + start, two roundings.
    const PointGrid six = buildPointGrid(6);
    QCOMPARE(six.size(), std::size_t(36));
    QCOMPARE(six[1][0], 0.25);
    QCOMPARE(six[6][1], 0.25);  // row 1: y varies by row, x fastest
    QCOMPARE(six[5][0], 1.0 - 1.0 / 12);
    QCOMPARE(six[0][0] * 109, 9.083333333333332);  // the b_filters fixture's first point
    const PointGrid eight = buildPointGrid(8);
    QCOMPARE(eight[3][0] * 256, 112.0);
    // Layer k gets int(32 / f^k) points per side; zero points is an error, not a crash.
    const auto layers = buildLayerPointGrids(32, 3, 3);
    QVERIFY(layers.ok());
    QCOMPARE(layers->size(), std::size_t(4));
    QCOMPARE((*layers)[1].size(), std::size_t(10 * 10));
    QCOMPARE((*layers)[2].size(), std::size_t(3 * 3));
    QCOMPARE((*layers)[3].size(), std::size_t(1));
    QVERIFY(!buildLayerPointGrids(4, 3, 2).ok());
}

void TestAutoMask::nmsAsTorchvision() {
    // Equal scores keep their order (stable), IoU equal to the threshold does not suppress, a
    // threshold >= 1 suppresses nothing but still orders by score, NaN scores come first.
    const std::vector<NmsBox> boxes = {
        {0, 0, 10, 10}, {0, 0, 10, 10}, {0, 0, 10, 5}, {20, 20, 30, 30}, {20, 20, 30, 30}};
    const std::vector<float> scores = {0.5f, 0.9f, 0.9f, 0.5f, std::nanf("")};
    QCOMPARE(nms(boxes, scores, 1.5), (std::vector<std::size_t>{4, 1, 2, 0, 3}));
    // Box 2 covers half of box 1: IoU 0.5 exactly, kept at 0.5, dropped below.
    QCOMPARE(nms(boxes, scores, 0.5), (std::vector<std::size_t>{4, 1, 2}));
    QCOMPARE(nms(boxes, scores, 0.49), (std::vector<std::size_t>{4, 1}));
    // A 1-pixel-wide inclusive box has area 0: 0/0 never suppresses.
    QCOMPARE(nms({{3, 3, 3, 3}, {3, 3, 3, 3}}, {1.0f, 0.5f}, 0.0),
             (std::vector<std::size_t>{0, 1}));
    // Above 1000 boxes: the same set; equal scores reordered by an unstable sort.
    std::vector<NmsBox> many;
    std::vector<float> tied;
    for (int i = 0; i < 1200; ++i) {
        many.push_back({float(i * 3), 0, float(i * 3 + 2), 2});
        tied.push_back(i % 7 == 0 ? 0.25f : 0.5f);
    }
    const auto stable = nms(many, tied, 0.7);
    const auto vanilla = batchedNms(many, tied, 0.7);
    QCOMPARE(vanilla.size(), stable.size());
    QVERIFY(std::is_permutation(vanilla.begin(), vanilla.end(), stable.begin()));
    QVERIFY(vanilla != stable);
    for (std::size_t i = 1; i < vanilla.size(); ++i)
        QVERIFY(tied[vanilla[i - 1]] >= tied[vanilla[i]]);
    QCOMPARE(batchedNms(boxes, scores, 0.5), nms(boxes, scores, 0.5));
}

void TestAutoMask::stabilityComparesInFloat32() {
    // 20 pixels above -1, 19 of them above +1: 19/20 = 0.95f passes the default threshold
    // 0.95 (float32 against float32; in double it would fail).
    const int side = 8;
    std::vector<float> low(side * side, -5.0f);
    for (int i = 0; i < 20; ++i)
        low[std::size_t(i)] = i == 0 ? 0.5f : 3.0f;
    const MaskUpscaler identity(side, side, side, side, side, side);
    CandidateScan scan;
    scan.scan(identity, low.data(), 1.0f, -1.0f);
    QCOMPARE(scan.stability(), 0.95f);
    QVERIFY(scan.stability() >= static_cast<float>(0.95));
    QVERIFY(!(double(scan.stability()) >= 0.95));
    QCOMPARE(scan.box(), (MaskBox{0, 0, 7, 2}));
    // The RLE of that mask placed at (2, 1) of a 12 x 6 image: column-major, zeros first.
    const auto counts = scan.rle(2, 1, 12, 6);
    QCOMPARE(rleArea(counts), std::int64_t(20));
    const auto mask = decodeColumnRle(counts, 12, 6);
    QCOMPARE(int(mask[1 * 12 + 2]), 1);
    QCOMPARE(int(mask[3 * 12 + 5]), 1);  // pixel 19 of the low-res: row 2, column 3
    QCOMPARE(int(mask[3 * 12 + 6]), 0);
    // No pixel above -1: 0/0.
    std::vector<float> none(side * side, -2.0f);
    scan.scan(identity, none.data(), 1.0f, -1.0f);
    QVERIFY(std::isnan(scan.stability()));
    QVERIFY(scan.empty());
    QCOMPARE(scan.box(), MaskBox{});
    QCOMPARE(scan.rle(0, 0, 4, 3), (std::vector<std::uint32_t>{12}));
}

void TestAutoMask::rleAndSmallRegions() {
    const int W = 6, H = 4;
    std::vector<std::uint8_t> all(W * H, 1), empty(W * H, 0);
    QCOMPARE(boxedMaskRle(all.data(), W, 0, 0, W, H, W, H),
             (std::vector<std::uint32_t>{0, std::uint32_t(W * H)}));
    QCOMPARE(boxedMaskRle(empty.data(), W, 0, 0, W, H, W, H),
             (std::vector<std::uint32_t>{std::uint32_t(W * H)}));
    // A ring with a one-pixel hole, and a lone pixel: holes first, then islands.
    std::vector<std::uint8_t> m(W * H, 0);
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 3; ++x)
            m[std::size_t(y * W + x)] = !(x == 1 && y == 1);
    m[3 * W + 5] = 1;
    QCOMPARE(decodeColumnRle(boxedMaskRle(m.data(), W, 0, 0, W, H, W, H), W, H), m);
    QCOMPARE(maskBox(m.data(), W, H), (MaskBox{0, 0, 5, 3}));
    auto filled = m;
    QVERIFY(removeSmallRegions(filled, W, H, 2, true));
    QCOMPARE(int(filled[1 * W + 1]), 1);
    QVERIFY(removeSmallRegions(filled, W, H, 2, false));
    QCOMPARE(int(filled[3 * W + 5]), 0);
    QCOMPARE(maskBox(filled.data(), W, H), (MaskBox{0, 0, 2, 2}));
    // Every island small: the largest stays and the mask still counts as changed.
    auto islands = m;
    QVERIFY(removeSmallRegions(islands, W, H, 100, false));
    QCOMPARE(int(islands[3 * W + 5]), 0);
    QCOMPARE(int(islands[0]), 1);
    auto lone = empty;
    lone[7] = 1;
    const auto before = lone;
    QVERIFY(removeSmallRegions(lone, W, H, 5, false));
    QCOMPARE(lone, before);
    QVERIFY(!removeSmallRegions(lone, W, H, 1, false));
}

void TestAutoMask::checksParameters() {
    const cv::Mat pixels = readImage(tinyPath("image_a.png"));
    const auto fails = [&](AutoMaskParams p, const char* name) {
        const auto r = AutoMaskGenerator(*m_predictor, p).generate(viewOf(pixels));
        QVERIFY2(!r.ok() && r.error().kind == Error::Kind::InvalidInput &&
                     r.error().message.find(name) != std::string::npos,
                 r.ok() ? name : r.error().message.c_str());
    };
    AutoMaskParams p;
    p.pointsPerSide = 0;
    fails(p, "points_per_side");
    p = {};
    p.pointGrids = {{{0.5, 0.5}}};
    fails(p, "point_grids");  // and points_per_side: both set
    p.pointsPerSide = 0;
    p.cropNLayers = 1;
    fails(p, "point_grids");  // one grid for two layers
    p = {};
    p.pointsPerBatch = 0;
    fails(p, "points_per_batch");
    p = {};
    p.cropNLayers = 2;
    p.pointsPerSide = 3;
    p.cropNPointsDownscaleFactor = 2;
    fails(p, "crop layer 2");
    p = {};
    p.stabilityScoreOffset = std::nan("");
    fails(p, "stability_score_offset");
    // Explicit grids, used as given: 2 points, 6 candidates, thresholds off.
    p = {};
    p.pointsPerSide = 0;
    p.pointGrids = {{{0.25, 0.5}, {0.75, 0.5}}};
    p.predIouThresh = p.stabilityScoreThresh = 0;
    p.boxNmsThresh = 2;
    const auto r = AutoMaskGenerator(*m_predictor, p).generate(viewOf(pixels));
    QVERIFY(r.ok());
    QCOMPARE(r->stats.points, 2);
    QCOMPARE(int(r->masks.size()), 6);
    QCOMPARE(r->masks[0].pointY, 96.0);
}

void TestAutoMask::multiCropWithoutMasksIsEmpty() {
    // Defaults with a crop layer on random weights: nothing passes the filters. The original
    // raises an IndexError here (box_area of an empty tensor); we return no mask.
    AutoMaskParams p;
    p.pointsPerSide = 4;
    p.cropNLayers = 1;
    const cv::Mat pixels = readImage(tinyPath("image_a.png"));
    const auto r = AutoMaskGenerator(*m_predictor, p).generate(viewOf(pixels));
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QVERIFY(r->masks.empty());
    QCOMPARE(r->stats.crops, 5);
    QCOMPARE(r->stats.points, 16 * 5);
}

void TestAutoMask::progressAndCancel() {
    const cv::Mat pixels = readImage(tinyPath("image_b.png"));
    AutoMaskParams p;
    p.pointsPerSide = 8;
    p.pointsPerBatch = 16;
    p.cropNLayers = 1;
    std::vector<std::pair<int, int>> steps;
    AutoMaskControl control;
    control.progress = [&](int done, int total) { steps.emplace_back(done, total); };
    int encodes = 0, wrongSize = 0;
    control.encode = [&](Predictor& predictor, const ImageView& crop, const ImageRegion& region,
                         const EncodeControl& c) {
        ++encodes;
        wrongSize += crop.width != region.width || crop.height != region.height;
        return predictor.setImage(crop, c);
    };
    const auto r = AutoMaskGenerator(*m_predictor, p).generate(viewOf(pixels), control);
    QVERIFY(r.ok());
    QCOMPARE(encodes, 5);
    QCOMPARE(wrongSize, 0);
    QVERIFY(!steps.empty());
    // 5 crops: the encoder's 4 blocks and 4 batches of 16 points each.
    const int total = 5 * (m_predictor->config().depth + 4);
    QCOMPARE(steps.back(), std::make_pair(total, total));
    for (std::size_t i = 1; i < steps.size(); ++i) {
        QVERIFY(steps[i].first >= steps[i - 1].first);
        QCOMPARE(steps[i].second, total);
    }
    // Cancelled after the first batch: Cancelled, from the decoder loop.
    std::atomic<bool> cancel{false};
    control.cancel = &cancel;
    control.progress = [&](int done, int) {
        if (done > m_predictor->config().depth)
            cancel = true;
    };
    const auto stopped = AutoMaskGenerator(*m_predictor, p).generate(viewOf(pixels), control);
    QVERIFY(!stopped.ok());
    QCOMPARE(stopped.error().kind, Error::Kind::Cancelled);
}

QTEST_GUILESS_MAIN(TestAutoMask)
#include "tst_amg.moc"
