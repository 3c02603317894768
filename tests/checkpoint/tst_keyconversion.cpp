// Key conversion and config detection on shapes alone: the released sizes, a custom layout, and
// the errors detection gives for state dicts that are not SAMv1.
#include <QtTest>

#include <set>

#include "core/checkpoint/keyconversion.h"
#include "core/checkpoint/samconfig.h"

using namespace samdesk;

Q_DECLARE_METATYPE(samdesk::SamConfig)

namespace {

// A state dict with the right names and shapes but no data: enough for detection.
StateDict shapesOnly(const SamConfig& config) {
    StateDict dict;
    dict.format = "test";
    for (const auto& spec : samKeySpecs(config)) {
        TensorRecord t;
        t.shape = spec.originalShape;
        dict.tensors.push_back({spec.original, t});
    }
    return dict;
}

const KeySpec* findOriginal(const std::vector<KeySpec>& specs, const std::string& name) {
    for (const auto& s : specs)
        if (s.original == name)
            return &s;
    return nullptr;
}

}  // namespace

class TestKeyConversion : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void releasedSizes_data();
    void releasedSizes();
    void convertedNamesShowStages();
    void customLayoutRoundTrips();
    void notSamIsRejected();
    void missingDetectionKeyIsNamed();
};

void TestKeyConversion::releasedSizes_data() {
    QTest::addColumn<SamConfig>("config");
    QTest::addColumn<int>("keys");
    QTest::addColumn<qlonglong>("values");
    // Numbers from the released checkpoints (spec/samv1-model.md).
    QTest::newRow("vit_b") << samConfigVitB() << 314 << 93735728LL;
    QTest::newRow("vit_l") << samConfigVitL() << 482 << 312343088LL;
    QTest::newRow("vit_h") << samConfigVitH() << 594 << 641090864LL;
}

void TestKeyConversion::releasedSizes() {
    QFETCH(SamConfig, config);
    QFETCH(int, keys);
    QFETCH(qlonglong, values);
    const auto specs = samKeySpecs(config);
    QCOMPARE(int(specs.size()), keys);
    qlonglong total = 0;
    std::set<std::string> originals, converted;
    for (const auto& s : specs) {
        total += shapeNumel(s.originalShape);
        QCOMPARE(shapeNumel(s.convertedShape), shapeNumel(s.originalShape));
        originals.insert(s.original);
        converted.insert(s.converted);
    }
    QCOMPARE(total, values);
    QCOMPARE(int(originals.size()), keys);  // no name used twice on either side
    QCOMPARE(int(converted.size()), keys);

    const auto detected = detectSamConfig(shapesOnly(config), "test.pth");
    QVERIFY2(detected.ok(), detected.ok() ? "" : detected.error().message.c_str());
    QCOMPARE(detected->variant, config.variant);
    QVERIFY(*detected == config);
}

void TestKeyConversion::convertedNamesShowStages() {
    const auto specs = samKeySpecs(samConfigVitB());
    const auto* lin2 = findOriginal(specs, "image_encoder.blocks.11.mlp.lin2.bias");
    QVERIFY(lin2);
    QCOMPARE(lin2->converted, std::string("image_encoder.stages.3.global_block.mlp.fc2.bias"));
    const auto* rel = findOriginal(specs, "image_encoder.blocks.4.attn.rel_pos_h");
    QVERIFY(rel);
    QCOMPARE(rel->converted,
             std::string("image_encoder.stages.1.windowed_blocks.1.attention.rel_pos_rows"));
    QCOMPARE(rel->originalShape, (Shape{27, 64}));
    const auto* globalRel = findOriginal(specs, "image_encoder.blocks.5.attn.rel_pos_w");
    QVERIFY(globalRel);
    QCOMPARE(globalRel->originalShape, (Shape{127, 64}));
    const auto* neck = findOriginal(specs, "image_encoder.neck.1.weight");
    QVERIFY(neck);
    QCOMPARE(neck->originalShape, (Shape{256}));
    QCOMPARE(neck->convertedShape, (Shape{1, 256, 1, 1}));
    const auto* deconv = findOriginal(specs, "mask_decoder.output_upscaling.0.weight");
    QVERIFY(deconv);
    QCOMPARE(deconv->originalShape, (Shape{256, 64, 2, 2}));
}

void TestKeyConversion::customLayoutRoundTrips() {
    SamConfig c = samConfigVitB();
    c.embedDim = 96;
    c.numHeads = 3;
    c.mlpDim = 384;
    c.depth = 5;
    c.globalBlocks = {0, 3};  // a global block first, and a trailing windowed block
    c.windowSize = 7;
    c.imageSize = 512;
    c.promptDim = 64;
    c.maskInChans = 8;
    c.decoderMlpDim = 128;
    c.crossAttentionDim = 32;
    c.iouHeadHiddenDim = 48;
    c.variant = "custom";
    const auto stages = c.stages();
    QCOMPARE(int(stages.size()), 3);
    QCOMPARE(stages[0].globalBlock, 0);
    QVERIFY(stages[0].windowedBlocks.empty());
    QCOMPARE(stages[1].windowedBlocks, (std::vector<int>{1, 2}));
    QCOMPARE(stages[2].globalBlock, -1);
    QCOMPARE(stages[2].windowedBlocks, (std::vector<int>{4}));

    const auto detected = detectSamConfig(shapesOnly(c), "custom.pth");
    QVERIFY2(detected.ok(), detected.ok() ? "" : detected.error().message.c_str());
    QCOMPARE(detected->variant, std::string("custom"));
    QVERIFY(*detected == c);
}

void TestKeyConversion::notSamIsRejected() {
    StateDict resnet;
    TensorRecord t;
    t.shape = {64, 3, 7, 7};
    resnet.tensors.push_back({"conv1.weight", t});
    const auto r = detectSamConfig(resnet, "resnet50.pth");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind, Error::Kind::NotSam);
    QVERIFY(r.error().message.find("resnet50.pth") != std::string::npos);
    QVERIFY(r.error().message.find("conv1.weight") != std::string::npos);
}

void TestKeyConversion::missingDetectionKeyIsNamed() {
    StateDict dict = shapesOnly(samConfigVitB());
    std::erase_if(dict.tensors,
                  [](const NamedTensor& t) { return t.name == "image_encoder.pos_embed"; });
    const auto r = detectSamConfig(dict, "sam.pth");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind, Error::Kind::MissingKey);
    QVERIFY(r.error().message.find("image_encoder.pos_embed") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestKeyConversion)
#include "tst_keyconversion.moc"
