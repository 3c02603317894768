// The module tree: its parameters and buffers are exactly the converted-name table (names and
// shapes) for the tiny, vit_b and custom configurations, and weights bind strictly and, for a
// float32 file on the CPU, without a copy.
#include <QtTest>

#include <torch/torch.h>

#include <map>

#include "core/checkpoint/keyconversion.h"
#include "core/checkpoint/samcheckpoint.h"
#include "core/checkpoint/synthcheckpoint.h"
#include "core/sam/model/encoderattention.h"
#include "core/sam/model/encoderblock.h"
#include "core/sam/model/sammodel.h"
#include "core/sam/model/weightbinder.h"
#include "tests/common/testconfigs.h"
#include "tests/model/tinyfixture.h"

using namespace samdesk;

Q_DECLARE_METATYPE(samdesk::SamConfig)

class TestSamModules : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void namesAndShapesMatchTable_data();
    void namesAndShapesMatchTable();
    void customConfigRuns();
    void chunkedAttentionMatchesDirect_data();
    void chunkedAttentionMatchesDirect();
    void blockCpuPathMatchesLibtorch_data();
    void blockCpuPathMatchesLibtorch();
    void float32BindsWithoutCopy();
    void float16IsConverted();
};

void TestSamModules::namesAndShapesMatchTable_data() {
    QTest::addColumn<SamConfig>("config");
    QTest::newRow("tiny") << synthConfig("tiny").value();
    QTest::newRow("vit_b") << samConfigVitB();
    QTest::newRow("custom") << test::customConfig();
}

void TestSamModules::namesAndShapesMatchTable() {
    QFETCH(SamConfig, config);
    SamModel model(config);
    std::map<std::string, Shape> registered;
    for (const auto& [name, tensor] : namedTensors(*model))
        QVERIFY2(
            registered.emplace(name, Shape(tensor.sizes().begin(), tensor.sizes().end())).second,
            name.c_str());
    std::map<std::string, Shape> table;
    for (const auto& spec : samKeySpecs(config))
        table.emplace(spec.converted, spec.convertedShape);
    for (const auto& [name, shape] : table) {
        const auto it = registered.find(name);
        QVERIFY2(it != registered.end(), ("not registered: " + name).c_str());
        QVERIFY2(it->second == shape, (name + " " + shapeToString(it->second)).c_str());
    }
    for (const auto& [name, shape] : registered)
        QVERIFY2(table.count(name), ("not in the table: " + name).c_str());
    QCOMPARE(registered.size(), table.size());
}

void TestSamModules::customConfigRuns() {
    // The structure follows any config: random weights, shapes checked through a full pass.
    const SamConfig config = test::customConfig();
    SamModel model(config);
    torch::manual_seed(7);
    c10::InferenceMode guard;
    for (auto& [name, t] : namedTensors(*model))
        t.normal_(0.0, 0.05);
    const auto G = config.gridSize();
    const auto embedding = model->imageEncoder->forward(torch::randn({1, 3, 128, 128}));
    QCOMPARE(embedding.sizes().vec(), (std::vector<std::int64_t>{1, 48, G, G}));
    const auto encoded =
        model->promptEncoder->forward(torch::tensor({{10.f, 20.f}}), torch::tensor({1L}),
                                      std::nullopt, torch::randn({1, 1, 4 * G, 4 * G}));
    QCOMPARE(encoded.sparse.sizes().vec(), (std::vector<std::int64_t>{1, 2, 48}));
    const auto out =
        model->maskDecoder->forward(embedding, model->promptEncoder->denseImagePositions(),
                                    encoded.sparse, encoded.dense, true);
    QCOMPARE(out.lowResLogits.sizes().vec(), (std::vector<std::int64_t>{1, 2, 4 * G, 4 * G}));
    QCOMPARE(out.iou.sizes().vec(), (std::vector<std::int64_t>{1, 2}));
    QVERIFY(torch::isfinite(out.lowResLogits).all().item<bool>());
}

void TestSamModules::chunkedAttentionMatchesDirect_data() {
    QTest::addColumn<int>("batch");
    QTest::addColumn<int>("side");
    // A 48 x 48 global grid: its weights (2 heads x 2304 x 2304) exceed one chunk, so the query
    // rows are split unevenly (37 + 11). 200 windows of 14 x 14: chunks of whole windows with
    // a shorter last one. The tiny fixtures exercise neither.
    QTest::newRow("global rows") << 1 << 48;
    QTest::newRow("many windows") << 200 << 14;
}

void TestSamModules::chunkedAttentionMatchesDirect() {
    QFETCH(int, batch);
    QFETCH(int, side);
    torch::manual_seed(3);
    c10::InferenceMode guard;
    const std::int64_t C = 32, heads = 2, hd = C / heads, n = std::int64_t(side) * side;
    EncoderAttention attention(C, heads, side);
    std::map<std::string, torch::Tensor> p;
    for (auto& [name, t] : namedTensors(*attention)) {
        t.normal_(0.0, 0.2);
        p[name] = t;
    }
    const auto x = torch::randn({batch, side, side, C});
    const auto chunked = attention(x);

    // The reference's computation on whole tensors.
    const auto qkv = torch::linear(x, p["qkv.weight"], p["qkv.bias"])
                         .reshape({batch, n, 3, heads, hd})
                         .permute({2, 0, 3, 1, 4})
                         .reshape({3, batch * heads, n, hd});
    const auto q = qkv[0], k = qkv[1], v = qkv[2];
    const auto rq = q.reshape({batch * heads, side, side, hd});
    const auto relH =
        torch::einsum("bhwc,hkc->bhwk", {rq, relativePositions(p["rel_pos_rows"], side)});
    const auto relW =
        torch::einsum("bhwc,wkc->bhwk", {rq, relativePositions(p["rel_pos_cols"], side)});
    auto attn = torch::matmul(q * std::pow(double(hd), -0.5), k.transpose(-2, -1));
    attn =
        (attn.view({batch * heads, side, side, side, side}) + relH.unsqueeze(4) + relW.unsqueeze(3))
            .view({batch * heads, n, n})
            .softmax(-1);
    auto direct = torch::matmul(attn, v)
                      .view({batch, heads, side, side, hd})
                      .permute({0, 2, 3, 1, 4})
                      .reshape({batch, side, side, C});
    direct = torch::linear(direct, p["out_proj.weight"], p["out_proj.bias"]);
    const float diff = (chunked - direct).abs().max().item<float>();
    qInfo("max |chunked - direct| = %.3g", diff);
    QVERIFY(diff <= 1e-5f);
}

void TestSamModules::blockCpuPathMatchesLibtorch_data() {
    QTest::addColumn<int>("batch");
    QTest::addColumn<int>("side");
    QTest::addColumn<int>("window");
    QTest::addColumn<bool>("bf16");
    // 20 = 3 * 6 + 2: the last row and column of windows are mostly padding, whose q, k and v
    // the CPU path takes from the bias instead of computing them.
    QTest::newRow("windowed, padded") << 1 << 20 << 6 << false;
    QTest::newRow("windowed, batch 2") << 2 << 13 << 6 << false;
    QTest::newRow("windowed, exact fit") << 1 << 12 << 6 << false;
    QTest::newRow("global") << 1 << 20 << 0 << false;
    QTest::newRow("windowed, bfloat16 products") << 1 << 20 << 6 << true;
    QTest::newRow("global, bfloat16 products") << 1 << 20 << 0 << true;
}

void TestSamModules::blockCpuPathMatchesLibtorch() {
    QFETCH(int, batch);
    QFETCH(int, side);
    QFETCH(int, window);
    QFETCH(bool, bf16);
    torch::manual_seed(5);
    c10::InferenceMode guard;
    SamConfig config = synthConfig("tiny").value();
    config.embedDim = 64;
    config.numHeads = 4;
    config.mlpDim = 96;
    config.windowSize = 6;
    config.imageSize = side * config.patchSize;
    EncoderBlock block(config, window);
    for (auto& [name, t] : namedTensors(*block))
        t.normal_(0.0, name.find("norm.weight") != std::string::npos ? 0.0 : 0.2)
            .add_(name.find("norm.weight") != std::string::npos ? 1.0 : 0.0);
    const auto x = torch::randn({batch, side, side, config.embedDim});
    // The reference: libtorch ops with the reference's padding and partition, float32.
    const auto reference = block->forwardTorch(x);
    if (bf16) {
        // As the predictor binds a bfloat16 encoder on the CPU: matrices only.
        for (auto& [name, t] : namedTensors(*block))
            if (name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0 &&
                name.find("norm") == std::string::npos)
                t.set_data(t.to(torch::kBFloat16));
    }
    const auto fast = block(x);
    QCOMPARE(fast.sizes(), reference.sizes());
    const float diff = (fast - reference).abs().max().item<float>();
    const float scale = reference.abs().max().item<float>();
    qInfo("max |cpu path - libtorch| = %.3g (values up to %.3g)", diff, scale);
    QVERIFY(diff <= (bf16 ? 0.03f * scale : 1e-5f * scale));
}

void TestSamModules::float32BindsWithoutCopy() {
    auto checkpoint = loadSamCheckpoint(test::tinyPath("checkpoint.pth").toStdString());
    QVERIFY(checkpoint.ok());
    SamModel model(checkpoint->config);
    const auto report = bindWeights(
        *model, *checkpoint, [](const std::string&) { return torch::kFloat32; }, torch::kCPU);
    QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
    QCOMPARE(report->tensors, checkpoint->tensors.size());
    QCOMPARE(report->zeroCopy, report->tensors);
    for (const auto& [name, tensor] : namedTensors(*model)) {
        const auto* source = checkpoint->find(name);
        QVERIFY(source);
        QCOMPARE(static_cast<const void*>(tensor.data_ptr()),
                 static_cast<const void*>(source->tensor.data));
    }
}

void TestSamModules::float16IsConverted() {
    auto checkpoint = loadSamCheckpoint(test::tinyPath("variant_fp16.pth").toStdString());
    QVERIFY(checkpoint.ok());
    SamModel model(checkpoint->config);
    const auto report = bindWeights(
        *model, *checkpoint, [](const std::string&) { return torch::kFloat32; }, torch::kCPU);
    QVERIFY(report.ok());
    QCOMPARE(report->converted, report->tensors);
    for (const auto& [name, tensor] : namedTensors(*model))
        QCOMPARE(tensor.scalar_type(), torch::kFloat32);
    // The converted values are the file's float16 values exactly.
    const auto* pe = checkpoint->find("prompt_encoder.positional_encoding.gaussian_matrix");
    const auto half = tensorFromRecord(pe->tensor).to(torch::kFloat32);
    for (const auto& [name, tensor] : namedTensors(*model))
        if (name == "prompt_encoder.positional_encoding.gaussian_matrix")
            QVERIFY(torch::equal(tensor, half));
}

QTEST_GUILESS_MAIN(TestSamModules)
#include "tst_sammodules.moc"
