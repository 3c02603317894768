// bfloat16 inference (the image encoder in bfloat16, prompts and decoder in float32) and mixed
// (the encoder's linear layers in bfloat16, its attention in float32): on every fixture case the
// binary masks agree with float32 inference at IoU >= 0.97.
#include <QtTest>

#include "tests/model/tinyfixture.h"

using namespace samdesk;
using namespace samdesk::test;

class TestSamBfloat16 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void masksAgreeWithFloat32_data();
    void masksAgreeWithFloat32();
};

void TestSamBfloat16::masksAgreeWithFloat32_data() {
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("dtype");
    for (const char* dtype : {"bfloat16", "mixed"}) {
        QTest::addRow("image_a %s", dtype) << "image_a.png" << dtype;
        QTest::addRow("image_b %s", dtype) << "image_b.png" << dtype;
    }
}

void TestSamBfloat16::masksAgreeWithFloat32() {
    QFETCH(QString, image);
    QFETCH(QString, dtype);
    PredictorOptions options;
    options.dtype = dtype.toStdString();
    auto reduced = loadTiny({}, options);
    auto reference = loadTiny();
    QVERIFY(reduced && reference);
    QCOMPARE(reduced->options().dtype, dtype.toStdString());
    const auto pixels = readImage(tinyPath(image));
    QVERIFY(reduced->setImage(viewOf(pixels)).ok());
    QVERIFY(reference->setImage(viewOf(pixels)).ok());
    // The embeddings differ (this is not float32 in disguise) but stay close.
    const float embDiff = maxAbsDiff(reduced->embedding()->values, reference->embedding()->values);
    qInfo("embedding max |diff| %.3g", embDiff);
    QVERIFY(embDiff > 0.0f);
    if (dtype == QLatin1String("mixed")) {
        // Not bfloat16 in disguise either: the attention ran in float32.
        PredictorOptions bf16;
        bf16.dtype = "bfloat16";
        auto all = loadTiny({}, bf16);
        QVERIFY(all && all->setImage(viewOf(pixels)).ok());
        const float fromBf16 = maxAbsDiff(reduced->embedding()->values, all->embedding()->values);
        qInfo("mixed against bfloat16: embedding max |diff| %.3g", fromBf16);
        QVERIFY(fromBf16 > 0.0f);
    }

    const auto& expected = ExpectedTensors::instance();
    for (const auto& c : fixtureCases()) {
        if (c.image != image.toStdString())
            continue;
        PromptSet prompts = c.prompts;
        if (!c.maskInputFrom.empty())
            prompts.maskInput = LowResLogits{64, 64, expected.floats(c.key + "/mask_input")};
        const auto a = reduced->predict(prompts);
        const auto b = reference->predict(prompts);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->lowRes.count, b->lowRes.count);
        const std::size_t plane = std::size_t(a->size.width) * a->size.height;
        for (int i = 0; i < a->lowRes.count; ++i) {
            const double iou =
                maskIou(a->logits.data() + plane * i, b->logits.data() + plane * i, plane);
            qInfo("%s candidate %d: mask IoU %.4f", c.key.c_str(), i, iou);
            QVERIFY2(iou >= 0.97, c.key.c_str());
        }
    }
}

QTEST_GUILESS_MAIN(TestSamBfloat16)
#include "tst_sambfloat16.moc"
