// The encoder's and decoder's own CPU building blocks against libtorch's formulation: GEMMs
// (oneDNN or fallback), the fused relative-position softmax, LayerNorm, bfloat16 rounding, the
// separable mask upscaler, and the caching allocator.
#include <QtTest>

#include <torch/torch.h>

#include <cmath>
#include <cstring>

#include "core/sam/cachingallocator.h"
#include "core/sam/cpukernels.h"
#include "core/sam/fastgemm.h"
#include "core/sam/maskupscaler.h"

using namespace samdesk;

namespace {

float maxAbs(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kFloat32) - b.to(torch::kFloat32)).abs().max().item<float>();
}

// The reference: bilinear (align_corners = false) to S x S, crop, bilinear to the output size.
torch::Tensor referenceUpscale(const torch::Tensor& low, int S, int cropW, int cropH, int outW,
                               int outH) {
    namespace F = torch::nn::functional;
    auto x = F::interpolate(low.view({1, 1, low.size(0), low.size(1)}),
                            F::InterpolateFuncOptions()
                                .size(std::vector<std::int64_t>{S, S})
                                .mode(torch::kBilinear)
                                .align_corners(false));
    x = x.slice(2, 0, cropH).slice(3, 0, cropW);
    return F::interpolate(x, F::InterpolateFuncOptions()
                                 .size(std::vector<std::int64_t>{outH, outW})
                                 .mode(torch::kBilinear)
                                 .align_corners(false))
        .view({outH, outW});
}

}  // namespace

class TestCpuKernels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void gemmMatchesTorch_data();
    void gemmMatchesTorch();
    void relPosSoftmaxMatchesTorch_data();
    void relPosSoftmaxMatchesTorch();
    void bf16RoundingMatchesTorch();
    void layerNormMatchesTorch();
    void upscalerMatchesTwoStepReference_data();
    void upscalerMatchesTwoStepReference();
    void upscalerRegionIsPartOfWhole();
    void allocatorReusesLargeBlocks();
};

void TestCpuKernels::initTestCase() {
    torch::manual_seed(11);
    qInfo("GEMM backend: %s", gemm::backendName());
}

void TestCpuKernels::gemmMatchesTorch_data() {
    QTest::addColumn<bool>("bf16");
    QTest::addColumn<bool>("transposedB");
    QTest::addColumn<float>("beta");
    QTest::newRow("f32 NT") << false << true << 0.0f;
    QTest::newRow("f32 NN accumulate") << false << false << 1.0f;
    QTest::newRow("bf16 NT") << true << true << 0.0f;
    QTest::newRow("bf16 NN accumulate") << true << false << 1.0f;
}

void TestCpuKernels::gemmMatchesTorch() {
    QFETCH(bool, bf16);
    QFETCH(bool, transposedB);
    QFETCH(float, beta);
    c10::InferenceMode guard;
    const std::int64_t m = 37, n = 29, k = 45;
    const auto type = bf16 ? torch::kBFloat16 : torch::kFloat32;
    // Strided operands: every matrix is a column slice of a wider one (row stride > columns).
    const auto aWide = torch::randn({m, k + 7}).to(type);
    const auto bWide = (transposedB ? torch::randn({n, k + 3}) : torch::randn({k, n + 5})).to(type);
    const auto a = aWide.slice(1, 0, k);
    const auto b = transposedB ? bWide.slice(1, 0, k) : bWide.slice(1, 0, n);
    auto cWide = torch::randn({m, n + 4});
    const auto c0 = cWide.slice(1, 0, n).clone();
    gemm::multiply(bf16 ? gemm::Inputs::BFloat16 : gemm::Inputs::Float32, transposedB, m, n, k,
                   0.5f, aWide.data_ptr(), aWide.size(1), bWide.data_ptr(), bWide.size(1), beta,
                   cWide.data_ptr<float>(), cWide.size(1));
    const auto bf = (transposedB ? b.t() : b).to(torch::kFloat64);
    const auto expected =
        0.5 * torch::mm(a.to(torch::kFloat64), bf) + beta * c0.to(torch::kFloat64);
    const float diff = maxAbs(cWide.slice(1, 0, n), expected);
    qInfo("max |gemm - torch| = %.3g", diff);
    QVERIFY(diff < 1e-4f);  // float32 accumulation of exact (bfloat16) inputs
    // Columns beyond n are untouched.
    QVERIFY(torch::isfinite(cWide).all().item<bool>());
}

void TestCpuKernels::relPosSoftmaxMatchesTorch_data() {
    QTest::addColumn<int>("H");
    QTest::addColumn<int>("W");
    QTest::addColumn<bool>("bf16");
    QTest::newRow("global 64 x 64") << 64 << 64 << false;
    QTest::newRow("window 14 x 14") << 14 << 14 << false;
    QTest::newRow("odd 5 x 7") << 5 << 7 << false;
    QTest::newRow("global, bf16 out") << 32 << 32 << true;
}

void TestCpuKernels::relPosSoftmaxMatchesTorch() {
    QFETCH(int, H);
    QFETCH(int, W);
    QFETCH(bool, bf16);
    c10::InferenceMode guard;
    const auto s = torch::randn({H * W}) * 4;
    const auto bh = torch::randn({H}) * 3, bw = torch::randn({W}) * 3;
    // One softmax over all H * W keys of the row.
    const auto reference =
        torch::softmax(((s.view({H, W}) + bh.view({H, 1})) + bw.view({1, W})).view({-1}), 0);
    auto work = s.clone();
    auto probs16 = torch::empty({H * W}, torch::kBFloat16);
    kernels::relPosSoftmaxRow(
        work.data_ptr<float>(), H, W, bh.data_ptr<float>(), bw.data_ptr<float>(),
        work.data_ptr<float>(),
        bf16 ? reinterpret_cast<std::uint16_t*>(probs16.data_ptr()) : nullptr);
    const float diff = maxAbs(bf16 ? probs16.to(torch::kFloat32) : work, reference);
    qInfo("max |kernel - torch| = %.3g", diff);
    QVERIFY(diff < (bf16 ? 4e-3f : 1e-6f));
}

void TestCpuKernels::bf16RoundingMatchesTorch() {
    c10::InferenceMode guard;
    auto x = torch::randn({1000, 37}) * 100;
    x.view({-1}).slice(0, 0, 4).copy_(torch::tensor({0.0f, -0.0f, 1e-30f, 65504.0f}));
    auto out = torch::empty({1000, 37}, torch::kBFloat16);
    kernels::floatToBf16Rows(x.data_ptr<float>(), 37,
                             reinterpret_cast<std::uint16_t*>(out.data_ptr()), 37, 1000, 37);
    QVERIFY(torch::equal(out, x.to(torch::kBFloat16)));
}

void TestCpuKernels::layerNormMatchesTorch() {
    c10::InferenceMode guard;
    const std::int64_t rows = 50, cols = 768;
    const auto x = torch::randn({rows, cols}) * 3 + 1;
    const auto w = torch::randn({cols}), b = torch::randn({cols});
    auto out = torch::empty_like(x);
    auto out16 = torch::empty({rows, cols}, torch::kBFloat16);
    kernels::layerNormRows(x.data_ptr<float>(), rows, cols, w.data_ptr<float>(),
                           b.data_ptr<float>(), 1e-6f, out.data_ptr<float>(), nullptr);
    kernels::layerNormRows(x.data_ptr<float>(), rows, cols, w.data_ptr<float>(),
                           b.data_ptr<float>(), 1e-6f, nullptr,
                           reinterpret_cast<std::uint16_t*>(out16.data_ptr()));
    const auto expected = torch::layer_norm(x, {cols}, w, b, 1e-6);
    QVERIFY(maxAbs(out, expected) < 1e-5f);
    QVERIFY(maxAbs(out16, expected) < 0.05f);  // bfloat16: 8 bits of mantissa, |y| < 15
}

void TestCpuKernels::upscalerMatchesTwoStepReference_data() {
    QTest::addColumn<int>("cropW");
    QTest::addColumn<int>("cropH");
    QTest::addColumn<int>("outW");
    QTest::addColumn<int>("outH");
    QTest::newRow("landscape, original size") << 1024 << 768 << 1365 << 1024;
    QTest::newRow("portrait, shown smaller") << 576 << 1024 << 300 << 533;
    QTest::newRow("square, same size") << 1024 << 1024 << 1024 << 1024;
    QTest::newRow("thin strip") << 1024 << 3 << 2000 << 6;
}

void TestCpuKernels::upscalerMatchesTwoStepReference() {
    QFETCH(int, cropW);
    QFETCH(int, cropH);
    QFETCH(int, outW);
    QFETCH(int, outH);
    c10::InferenceMode guard;
    const int side = 256, S = 1024;
    const auto low = torch::randn({side, side}) * 8;
    const MaskUpscaler up(side, S, cropW, cropH, outW, outH);
    std::vector<float> logits(static_cast<std::size_t>(outW) * outH);
    std::vector<std::uint8_t> mask(logits.size());
    up.logits(low.data_ptr<float>(), {0, 0, outW, outH}, logits.data());
    up.mask(low.data_ptr<float>(), {0, 0, outW, outH}, mask.data());
    const auto expected = referenceUpscale(low, S, cropW, cropH, outW, outH);
    const auto ours = torch::from_blob(logits.data(), {outH, outW});
    const float diff = maxAbs(ours, expected);
    qInfo("max |separable - two-step| = %.3g", diff);
    QVERIFY(diff < 1e-5f);
    // The mask is the threshold of the same values.
    for (std::size_t i = 0; i < logits.size(); ++i)
        QCOMPARE(mask[i], std::uint8_t(logits[i] > 0 ? 255 : 0));
}

void TestCpuKernels::upscalerRegionIsPartOfWhole() {
    c10::InferenceMode guard;
    const auto low = torch::randn({64, 64});
    const MaskUpscaler up(64, 256, 256, 170, 900, 600);
    std::vector<float> whole(900 * 600);
    up.logits(low.data_ptr<float>(), {0, 0, 900, 600}, whole.data());
    const UpscaleRegion region{123, 457, 301, 77};
    std::vector<float> part(static_cast<std::size_t>(region.width) * region.height);
    up.logits(low.data_ptr<float>(), region, part.data());
    for (int y = 0; y < region.height; ++y)
        for (int x = 0; x < region.width; ++x)
            QCOMPARE(part[std::size_t(y) * region.width + x],
                     whole[std::size_t(y + region.y) * 900 + x + region.x]);
}

void TestCpuKernels::allocatorReusesLargeBlocks() {
    cachingallocator::install();
    QVERIFY(cachingallocator::installed());
    c10::InferenceMode guard;
    const void* first = nullptr;
    {
        const auto t = torch::empty({3 << 20});  // 12 MB
        first = t.data_ptr();
    }
    const auto before = cachingallocator::stats();
    QVERIFY(before.cachedBytes >= (std::size_t(12) << 20));
    const auto again = torch::empty({3 << 20});
    QCOMPARE(static_cast<const void*>(again.data_ptr()), first);
    QCOMPARE(cachingallocator::stats().hits, before.hits + 1);
    // Alignment as libtorch's own allocator (vectorised kernels rely on it).
    QCOMPARE(reinterpret_cast<std::uintptr_t>(again.data_ptr()) % 64, std::uintptr_t(0));
    cachingallocator::releaseCached();
    QCOMPARE(cachingallocator::stats().cachedBytes, std::size_t(0));
}

QTEST_GUILESS_MAIN(TestCpuKernels)
#include "tst_cpukernels.moc"
