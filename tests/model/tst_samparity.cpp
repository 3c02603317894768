// Parity with the original implementation: every fixture case on both images, through the
// public Predictor API, for the reference checkpoint and its re-packaged variants.
#include <QtTest>

#include "tests/model/tinyfixture.h"

using namespace samdesk;
using namespace samdesk::test;

class TestSamParity : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesFixtures_data();
    void matchesFixtures();
};

void TestSamParity::matchesFixtures_data() {
    QTest::addColumn<QString>("checkpoint");
    QTest::addColumn<QString>("image");
    QTest::addColumn<double>("tolerance");
    QTest::addColumn<double>("maskBand");
    // The float32 files hold the same values: the reference tolerances.
    for (const char* file : {"checkpoint.pth", "variant.safetensors", "variant_plain_dict.pth",
                             "variant_nested_module.pth"}) {
        for (const char* image : {"image_a.png", "image_b.png"})
            QTest::newRow(qPrintable(QString("%1 %2").arg(file, image)))
                << QString(file) << QString(image) << 1e-4 << 1e-3;
    }
    // float16 weights: rounding each weight to 11 significant bits (relative error <= 2^-11)
    // moves the outputs by up to 0.037 (low-res logits, image_b one_fg_point; measured), so
    // the logits are compared at 0.05 and the masks outside a 0.05 band around 0 (no pixel
    // differs at all in practice).
    for (const char* image : {"image_a.png", "image_b.png"})
        QTest::newRow(qPrintable(QString("variant_fp16.pth %1").arg(image)))
            << QString("variant_fp16.pth") << QString(image) << 5e-2 << 5e-2;
}

void TestSamParity::matchesFixtures() {
    QFETCH(QString, checkpoint);
    QFETCH(QString, image);
    QFETCH(double, tolerance);
    QFETCH(double, maskBand);
    const auto& expected = ExpectedTensors::instance();
    auto predictor = loadTiny(tinyPath(checkpoint));
    QVERIFY(predictor);

    const auto pixels = readImage(tinyPath(image));
    QVERIFY(!pixels.empty());
    auto st = predictor->setImage(viewOf(pixels));
    QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
    const std::string prefix = QFileInfo(image).completeBaseName().toStdString();

    // The resized image, byte for byte.
    const auto resized = predictor->resizedImage();
    QVERIFY(resized.ok());
    const auto refShape = expected.shape(prefix + "/resized_image");
    QCOMPARE(resized->height, int(refShape[0]));
    QCOMPARE(resized->width, int(refShape[1]));
    QVERIFY(resized->rgb == expected.bytes(prefix + "/resized_image"));

    const auto embedding = predictor->embedding();
    QVERIFY(embedding.ok());
    const float embDiff = maxAbsDiff(embedding->values, expected.floats(prefix + "/embedding"));
    qInfo("%s embedding max |diff| %.3g", qPrintable(image), embDiff);
    QVERIFY2(embDiff <= tolerance, qPrintable(QString::number(embDiff)));

    for (const auto& c : fixtureCases()) {
        if (c.image != image.toStdString())
            continue;
        PromptSet prompts = c.prompts;
        if (!c.maskInputFrom.empty()) {
            LowResLogits hint;
            hint.width = hint.height = int(expected.shape(c.key + "/mask_input")[1]);
            hint.values = expected.floats(c.key + "/mask_input");
            prompts.maskInput = hint;
        }
        const auto result = predictor->predict(prompts);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        const auto lowRes = expected.floats(c.key + "/low_res_logits");
        const auto masks = expected.floats(c.key + "/masks_logits");
        const auto iou = expected.floats(c.key + "/iou");
        QCOMPARE(result->lowRes.count, int(expected.shape(c.key + "/iou")[0]));
        const float lowDiff = maxAbsDiff(result->lowRes.logits, lowRes);
        const float maskDiff = maxAbsDiff(result->logits, masks);
        const float iouDiff = maxAbsDiff(result->lowRes.iou, iou);
        const auto mismatches = maskMismatches(result->logits, masks, float(maskBand));
        qInfo("%s: low-res %.3g, masks %.3g, iou %.3g, mask pixels off %zu", c.key.c_str(), lowDiff,
              maskDiff, iouDiff, mismatches);
        QVERIFY2(lowDiff <= tolerance, c.key.c_str());
        QVERIFY2(maskDiff <= tolerance, c.key.c_str());
        QVERIFY2(iouDiff <= tolerance, c.key.c_str());
        QCOMPARE(mismatches, std::size_t(0));

        // The refinement loop: our own earlier best low-res logits are the fixture's mask input.
        for (const auto& later : fixtureCases()) {
            if (later.image == c.image && later.maskInputFrom == c.name) {
                const auto hint = result->lowRes.mask(result->lowRes.best());
                const float hintDiff =
                    maxAbsDiff(hint.values, expected.floats(later.key + "/mask_input"));
                QVERIFY2(hintDiff <= tolerance, later.key.c_str());
            }
        }
    }
}

QTEST_GUILESS_MAIN(TestSamParity)
#include "tst_samparity.moc"
