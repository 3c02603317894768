// The encoder's and decoder's own CPU building blocks against libtorch's formulation: GEMMs
// (oneDNN or fallback), the fused relative-position softmax, LayerNorm, bfloat16 rounding, the
// separable mask upscaler, and the caching allocator. Each kernel runs twice: the plain C++
// implementation called directly, and the public function (the x86 clones, unless the build or
// SAMDESK_KERNELS=portable chose the plain ones). CTest also runs this with SAMDESK_GEMM=torch
// and with SAMDESK_KERNELS=portable (tests/model/CMakeLists.txt).
#include <QtTest>

#include <torch/torch.h>

#include <dlfcn.h>

#include <cmath>
#include <cstring>

#include "core/sam/predictor/maskupscaler.h"
#include "core/sam/runtime/cachingallocator.h"
#include "core/sam/runtime/cpukernels.h"
#include "core/sam/runtime/fastgemm.h"
#include "core/sam/runtime/portablekernels.h"

using namespace samdesk;

namespace {

// One implementation of every kernel of cpukernels.h.
struct KernelSet {
    const char* name;
    void (*relPosSoftmaxRow)(float*, int, int, const float*, const float*, float*, std::uint16_t*);
    void (*softmaxRows)(float*, std::int64_t, int, std::int64_t);
    void (*softmaxColumns)(float*, int, std::int64_t, std::int64_t);
    void (*geluInPlace)(float*, std::int64_t);
    void (*layerNormRows)(const float*, std::int64_t, std::int64_t, const float*, const float*,
                          float, float*, std::uint16_t*);
    void (*floatToBf16Rows)(const float*, std::int64_t, std::uint16_t*, std::int64_t, std::int64_t,
                            std::int64_t);
    std::uint16_t (*floatToBf16)(float);
};

const KernelSet kKernelSets[] = {
    {"portable", kernels::portable::relPosSoftmaxRow, kernels::portable::softmaxRows,
     kernels::portable::softmaxColumns, kernels::portable::geluInPlace,
     kernels::portable::layerNormRows, kernels::portable::floatToBf16Rows,
     kernels::portable::floatToBf16},
    {"public", kernels::relPosSoftmaxRow, kernels::softmaxRows, kernels::softmaxColumns,
     kernels::geluInPlace, kernels::layerNormRows, kernels::floatToBf16Rows, kernels::floatToBf16},
};

// The `impl` column (an index into kKernelSets) with one row per implementation.
void addKernelSetRows() {
    QTest::addColumn<int>("impl");
    for (int i = 0; i < int(std::size(kKernelSets)); ++i)
        QTest::newRow(kKernelSets[i].name) << i;
}

const KernelSet& fetchKernelSet() {
    QFETCH(int, impl);
    return kKernelSets[impl];
}

bool isPortableBuild() {
#if defined(SAMDESK_PORTABLE_KERNELS) || !(defined(__x86_64__) || defined(__i386__))
    return true;
#else
    return false;
#endif
}

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
    void backendsFollowEnvironment();
    void gemmMatchesTorch_data();
    void gemmMatchesTorch();
    void gemmTransposedAMatchesTorch_data();
    void gemmTransposedAMatchesTorch();
    void relPosSoftmaxMatchesTorch_data();
    void relPosSoftmaxMatchesTorch();
    void softmaxRowsMatchesTorch_data();
    void softmaxRowsMatchesTorch();
    void softmaxColumnsMatchesTorch_data();
    void softmaxColumnsMatchesTorch();
    void geluMatchesTorch_data();
    void geluMatchesTorch();
    void bf16RoundingMatchesTorch_data();
    void bf16RoundingMatchesTorch();
    void layerNormMatchesTorch_data();
    void layerNormMatchesTorch();
    void upscalerMatchesTwoStepReference_data();
    void upscalerMatchesTwoStepReference();
    void upscalerRegionIsPartOfWhole();
    void allocatorReusesLargeBlocks();
};

void TestCpuKernels::initTestCase() {
    torch::manual_seed(11);
    qInfo("GEMM backend: %s, kernels: %s", gemm::backendName(), kernels::kernelsName());
}

// SAMDESK_GEMM and SAMDESK_KERNELS are read once per process, so CTest sets them for whole runs;
// this checks that such a run really gets what it asked for.
void TestCpuKernels::backendsFollowEnvironment() {
    const bool oneDnnLoaded = dlsym(RTLD_DEFAULT, "dnnl_sgemm") != nullptr &&
                              dlsym(RTLD_DEFAULT, "dnnl_gemm_bf16bf16f32") != nullptr;
    const bool torchGemm = qgetenv("SAMDESK_GEMM") == "torch";
    QCOMPARE(QString(gemm::backendName()),
             QString(oneDnnLoaded && !torchGemm ? "oneDNN" : "libtorch"));

    const QString kernelsName = kernels::kernelsName();
    if (isPortableBuild() || qgetenv("SAMDESK_KERNELS") == "portable")
        QCOMPARE(kernelsName, QString("portable"));
    else
        QVERIFY2(kernelsName.startsWith("x86 ("), qPrintable(kernelsName));
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

void TestCpuKernels::gemmTransposedAMatchesTorch_data() {
    QTest::addColumn<bool>("transposedB");
    QTest::addColumn<float>("beta");
    QTest::newRow("TN accumulate") << false << 1.0f;
    QTest::newRow("TT") << true << 0.0f;
}

void TestCpuKernels::gemmTransposedAMatchesTorch() {
    QFETCH(bool, transposedB);
    QFETCH(float, beta);
    c10::InferenceMode guard;
    const std::int64_t m = 37, n = 29, k = 45;
    const auto aWide = torch::randn({k, m + 7});  // a^T is the product's left side
    const auto bWide = transposedB ? torch::randn({n, k + 3}) : torch::randn({k, n + 5});
    const auto a = aWide.slice(1, 0, m);
    const auto b = transposedB ? bWide.slice(1, 0, k) : bWide.slice(1, 0, n);
    auto cWide = torch::randn({m, n + 4});
    const auto c0 = cWide.slice(1, 0, n).clone();
    gemm::multiplyTransposedA(transposedB, m, n, k, 0.5f, aWide.data_ptr<float>(), aWide.size(1),
                              bWide.data_ptr<float>(), bWide.size(1), beta, cWide.data_ptr<float>(),
                              cWide.size(1));
    const auto bf = (transposedB ? b.t() : b).to(torch::kFloat64);
    const auto expected =
        0.5 * torch::mm(a.t().to(torch::kFloat64), bf) + beta * c0.to(torch::kFloat64);
    const float diff = maxAbs(cWide.slice(1, 0, n), expected);
    qInfo("max |gemm - torch| = %.3g", diff);
    QVERIFY(diff < 1e-4f);
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
    constexpr float kSentinel = -1234.5f;
    cWide.slice(1, n).fill_(kSentinel);
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
    // Columns beyond n (inside the row stride ldc) are untouched.
    QVERIFY(torch::all(cWide.slice(1, n) == kSentinel).item<bool>());
}

void TestCpuKernels::relPosSoftmaxMatchesTorch_data() {
    QTest::addColumn<int>("impl");
    QTest::addColumn<int>("H");
    QTest::addColumn<int>("W");
    QTest::addColumn<bool>("bf16");
    for (int i = 0; i < int(std::size(kKernelSets)); ++i) {
        const auto row = [i](const char* name) -> QTestData& {
            return QTest::addRow("%s: %s", kKernelSets[i].name, name) << i;
        };
        row("global 64 x 64") << 64 << 64 << false;
        row("window 14 x 14") << 14 << 14 << false;
        row("odd 5 x 7") << 5 << 7 << false;
        row("global, bf16 out") << 32 << 32 << true;
    }
}

void TestCpuKernels::relPosSoftmaxMatchesTorch() {
    const KernelSet& k = fetchKernelSet();
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
    k.relPosSoftmaxRow(work.data_ptr<float>(), H, W, bh.data_ptr<float>(), bw.data_ptr<float>(),
                       work.data_ptr<float>(),
                       bf16 ? reinterpret_cast<std::uint16_t*>(probs16.data_ptr()) : nullptr);
    const float diff = maxAbs(bf16 ? probs16.to(torch::kFloat32) : work, reference);
    qInfo("max |kernel - torch| = %.3g", diff);
    QVERIFY(diff < (bf16 ? 4e-3f : 1e-6f));
}

void TestCpuKernels::softmaxRowsMatchesTorch_data() {
    addKernelSetRows();
}

// The decoder's attention rows: strided (row stride > n), n not a multiple of the vector width.
void TestCpuKernels::softmaxRowsMatchesTorch() {
    const KernelSet& k = fetchKernelSet();
    c10::InferenceMode guard;
    const std::int64_t rows = 9, n = 37, ld = 45;
    constexpr float kSentinel = -1234.5f;
    auto s = torch::randn({rows, ld}) * 5;
    s.slice(1, n).fill_(kSentinel);
    const auto reference = torch::softmax(s.slice(1, 0, n), 1);
    k.softmaxRows(s.data_ptr<float>(), rows, static_cast<int>(n), ld);
    const float diff = maxAbs(s.slice(1, 0, n), reference);
    qInfo("max |kernel - torch| = %.3g", diff);
    QVERIFY(diff < 1e-6f);
    QVERIFY(torch::all(s.slice(1, n) == kSentinel).item<bool>());
}

void TestCpuKernels::softmaxColumnsMatchesTorch_data() {
    addKernelSetRows();
}

// The batched point decoder's image -> token softmax: 7 rows (a prompt's tokens), the image
// tokens along the row (not a multiple of the vector width), row stride > columns.
void TestCpuKernels::softmaxColumnsMatchesTorch() {
    const KernelSet& k = fetchKernelSet();
    c10::InferenceMode guard;
    const std::int64_t rows = 7, cols = 53, ld = 60;
    constexpr float kSentinel = -1234.5f;
    auto s = torch::randn({rows, ld}) * 5;
    s.slice(1, cols).fill_(kSentinel);
    const auto reference = torch::softmax(s.slice(1, 0, cols), 0);
    k.softmaxColumns(s.data_ptr<float>(), int(rows), cols, ld);
    const float diff = maxAbs(s.slice(1, 0, cols), reference);
    qInfo("max |kernel - torch| = %.3g", diff);
    QVERIFY(diff < 1e-6f);
    QVERIFY(torch::all(s.slice(1, cols) == kSentinel).item<bool>());
}

void TestCpuKernels::geluMatchesTorch_data() {
    addKernelSetRows();
}

// The mask upscaler's GELU (exact erf form) against libtorch's, on the range activations take
// and beyond, with a tail shorter than the vector width.
void TestCpuKernels::geluMatchesTorch() {
    const KernelSet& k = fetchKernelSet();
    c10::InferenceMode guard;
    auto x = torch::cat({torch::linspace(-12, 12, 4001), torch::randn({1000}) * 3,
                         torch::tensor({0.0f, -0.0f, 1e-20f, -1e-20f, 50.0f, -50.0f, 1e30f})});
    const auto expected = torch::gelu(x.to(torch::kFloat64));
    auto y = x.clone();
    k.geluInPlace(y.data_ptr<float>(), y.numel());
    // Absolute below 1, relative above (float32 itself rounds 12 by 4.8e-7).
    const float diff = ((y.to(torch::kFloat64) - expected).abs() / expected.abs().clamp_min(1.0))
                           .max()
                           .item<float>();
    qInfo("max |kernel - torch (double)| / max(1, |gelu|) = %.3g", diff);
    QVERIFY(diff < 3e-7f);
    QCOMPARE(y[4001 + 1000 + 6].item<float>(), 1e30f);  // large values pass through
    QCOMPARE(y[4001 + 1000 + 5].item<float>(), -0.0f);
}

void TestCpuKernels::bf16RoundingMatchesTorch_data() {
    addKernelSetRows();
}

void TestCpuKernels::bf16RoundingMatchesTorch() {
    const KernelSet& k = fetchKernelSet();
    c10::InferenceMode guard;
    auto x = torch::randn({1000, 37}) * 100;
    x.view({-1}).slice(0, 0, 4).copy_(torch::tensor({0.0f, -0.0f, 1e-30f, 65504.0f}));
    // Ties: 1 + 2^-8 rounds down to 1 (even), 1 + 3 * 2^-8 up to 1 + 2^-6.
    x.view({-1}).slice(0, 4, 6).copy_(torch::tensor({1.00390625f, 1.01171875f}));
    auto out = torch::empty({1000, 37}, torch::kBFloat16);
    k.floatToBf16Rows(x.data_ptr<float>(), 37, reinterpret_cast<std::uint16_t*>(out.data_ptr()), 37,
                      1000, 37);
    const auto expected = x.to(torch::kBFloat16);
    QVERIFY(torch::equal(out, expected));
    // The single-value form rounds the same way.
    const auto* bits = reinterpret_cast<const std::uint16_t*>(expected.data_ptr());
    for (int i = 0; i < 200; ++i)
        QCOMPARE(k.floatToBf16(x.data_ptr<float>()[i]), bits[i]);
}

void TestCpuKernels::layerNormMatchesTorch_data() {
    QTest::addColumn<int>("impl");
    QTest::addColumn<int>("cols");
    for (int i = 0; i < int(std::size(kKernelSets)); ++i) {
        QTest::addRow("%s: 768 (ViT-B)", kKernelSets[i].name) << i << 768;
        QTest::addRow("%s: 77 (vector tail)", kKernelSets[i].name) << i << 77;
    }
}

void TestCpuKernels::layerNormMatchesTorch() {
    const KernelSet& k = fetchKernelSet();
    QFETCH(int, cols);
    c10::InferenceMode guard;
    const std::int64_t rows = 50;
    const auto x = torch::randn({rows, cols}) * 3 + 1;
    const auto w = torch::randn({cols}), b = torch::randn({cols});
    auto out = torch::empty_like(x);
    auto out16 = torch::empty({rows, cols}, torch::kBFloat16);
    k.layerNormRows(x.data_ptr<float>(), rows, cols, w.data_ptr<float>(), b.data_ptr<float>(),
                    1e-6f, out.data_ptr<float>(), nullptr);
    k.layerNormRows(x.data_ptr<float>(), rows, cols, w.data_ptr<float>(), b.data_ptr<float>(),
                    1e-6f, nullptr, reinterpret_cast<std::uint16_t*>(out16.data_ptr()));
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
