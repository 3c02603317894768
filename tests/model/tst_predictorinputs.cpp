// The predictor's inputs: pixel formats that are converted (gray, alpha, 16-bit, RGB order),
// the errors a user can cause, embedding export/import, progress and cancellation, and the
// low-res / one-candidate upscaling paths.
#include <QtTest>

#include <opencv2/imgproc.hpp>

#include "tests/model/tinyfixture.h"

using namespace samdesk;
using namespace samdesk::test;

Q_DECLARE_METATYPE(samdesk::PromptSet)

class TestPredictorInputs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void convertedFormatsGiveTheSameEmbedding_data();
    void convertedFormatsGiveTheSameEmbedding();
    void badPromptsAreErrors_data();
    void badPromptsAreErrors();
    void badImagesAreErrors();
    void noImageIsAnError();
    void badOptionsAreErrors_data();
    void badOptionsAreErrors();
    void embeddingRoundTrips();
    void progressAndCancel();
    void oneCandidateUpscales();

private:
    std::unique_ptr<Predictor> m_predictor;
    cv::Mat m_imageA;
    std::vector<float> m_reference;  // image_a's embedding from the BGR 8-bit file
};

void TestPredictorInputs::initTestCase() {
    m_predictor = loadTiny();
    QVERIFY(m_predictor);
    m_imageA = readImage(tinyPath("image_a.png"));
    QCOMPARE(m_imageA.type(), CV_8UC3);
    QVERIFY(m_predictor->setImage(viewOf(m_imageA)).ok());
    m_reference = m_predictor->embedding()->values;
}

void TestPredictorInputs::convertedFormatsGiveTheSameEmbedding_data() {
    QTest::addColumn<QString>("format");
    QTest::newRow("bgra 8-bit") << "bgra8";
    QTest::newRow("bgr 16-bit") << "bgr16";
    QTest::newRow("bgra 16-bit") << "bgra16";
    QTest::newRow("rgb 8-bit") << "rgb8";
    QTest::newRow("padded rows") << "stride";
    QTest::newRow("gray 8-bit") << "gray8";
    QTest::newRow("gray 16-bit") << "gray16";
}

void TestPredictorInputs::convertedFormatsGiveTheSameEmbedding() {
    QFETCH(QString, format);
    cv::Mat image;
    ImageView view;
    std::vector<float> expected = m_reference;
    if (format == "bgra8") {
        cv::cvtColor(m_imageA, image, cv::COLOR_BGR2BGRA);
        image.forEach<cv::Vec4b>([](cv::Vec4b& p, const int*) { p[3] = 17; });  // alpha ignored
    } else if (format == "bgr16" || format == "bgra16") {
        m_imageA.convertTo(image, CV_16U, 257.0);  // v * 257 comes back to v exactly
        if (format == "bgra16")
            cv::cvtColor(image, image, cv::COLOR_BGR2BGRA);
    } else if (format == "rgb8") {
        cv::cvtColor(m_imageA, image, cv::COLOR_BGR2RGB);
    } else if (format == "stride") {
        cv::Mat wide(m_imageA.rows, m_imageA.cols + 5, CV_8UC3, cv::Scalar(255, 0, 0));
        m_imageA.copyTo(wide(cv::Rect(0, 0, m_imageA.cols, m_imageA.rows)));
        image = wide(cv::Rect(0, 0, m_imageA.cols, m_imageA.rows));
    } else {
        cv::Mat gray;
        cv::cvtColor(m_imageA, gray, cv::COLOR_BGR2GRAY);
        // The reference for gray: the same gray replicated into three channels.
        cv::Mat gray3;
        cv::cvtColor(gray, gray3, cv::COLOR_GRAY2BGR);
        QVERIFY(m_predictor->setImage(viewOf(gray3)).ok());
        expected = m_predictor->embedding()->values;
        QVERIFY(maxAbsDiff(expected, m_reference) > 1e-3f);  // gray really differs from colour
        image = gray;
        if (format == "gray16")
            gray.convertTo(image, CV_16U, 257.0);
    }
    view = viewOf(image);
    if (format == "rgb8")
        view.order = PixelOrder::Rgb;
    const auto st = m_predictor->setImage(view);
    QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
    QCOMPARE(m_predictor->imageSize(), (ImageSize{256, 192}));
    QCOMPARE(maxAbsDiff(m_predictor->embedding()->values, expected), 0.0f);
}

void TestPredictorInputs::badPromptsAreErrors_data() {
    QTest::addColumn<PromptSet>("prompts");
    QTest::addColumn<QString>("message");  // a part of the error message
    PromptSet p;
    QTest::newRow("nothing") << p << "no prompt";
    p.points = {{256.5, 10, true}};
    QTest::newRow("point right of the image") << p << "outside the 256 x 192 image";
    p.points = {{10, -0.5, true}};
    QTest::newRow("point above the image") << p << "outside";
    p.points = {{10, std::nan(""), true}};
    QTest::newRow("point not a number") << p << "outside";
    p.points.clear();
    p.box = PromptBox{50, 10, 40, 60};
    QTest::newRow("box x1 < x0") << p << "reversed";
    p.box = PromptBox{10, 60, 40, 50};
    QTest::newRow("box y1 < y0") << p << "reversed";
    p.box = PromptBox{10, 10, 300, 50};
    QTest::newRow("box outside") << p << "outside";
    p.box.reset();
    p.maskInput = LowResLogits{32, 32, std::vector<float>(32 * 32)};
    QTest::newRow("mask input too small") << p << "needs 64 x 64";
    p.maskInput = LowResLogits{64, 64, std::vector<float>(10)};
    QTest::newRow("mask input short") << p << "needs 64 x 64";
}

void TestPredictorInputs::badPromptsAreErrors() {
    QFETCH(PromptSet, prompts);
    QFETCH(QString, message);
    QVERIFY(m_predictor->setImage(viewOf(m_imageA)).ok());
    for (int path = 0; path < 2; ++path) {
        const Error error = path == 0 ? m_predictor->predict(prompts).error()
                                      : m_predictor->predictLowRes(prompts).error();
        QCOMPARE(error.kind, Error::Kind::InvalidInput);
        QVERIFY2(QString::fromStdString(error.message).contains(message), error.message.c_str());
    }
    // A valid prompt still works afterwards.
    PromptSet ok;
    ok.points = {{0, 0, true}, {256, 192, false}};  // the image corners are inside
    QVERIFY(m_predictor->predict(ok).ok());
}

void TestPredictorInputs::badImagesAreErrors() {
    ImageView empty;
    auto st = m_predictor->setImage(empty);
    QVERIFY(!st.ok());
    QCOMPARE(st.error().kind, Error::Kind::InvalidInput);
    QVERIFY(QString::fromStdString(st.error().message).contains("empty image"));
    QVERIFY(!m_predictor->hasImage());  // a failed setImage leaves no image behind

    ImageView two = viewOf(m_imageA);
    two.channels = 2;
    st = m_predictor->setImage(two);
    QVERIFY(!st.ok());
    QVERIFY(QString::fromStdString(st.error().message).contains("2 channels"));

    ImageView deep = viewOf(m_imageA);
    deep.bitDepth = 32;
    QVERIFY(!m_predictor->setImage(deep).ok());

    const cv::Mat thin(600, 1, CV_8UC3, cv::Scalar(1, 2, 3));  // 1 pixel wide -> 0 at 256
    st = m_predictor->setImage(viewOf(thin));
    QVERIFY(!st.ok());
    QVERIFY2(QString::fromStdString(st.error().message).contains("too thin"),
             st.error().message.c_str());

    ImageView shortRows = viewOf(m_imageA);
    shortRows.strideBytes = 100;
    st = m_predictor->setImage(shortRows);
    QVERIFY(!st.ok());
    QVERIFY(QString::fromStdString(st.error().message).contains("stride"));
}

void TestPredictorInputs::noImageIsAnError() {
    m_predictor->clearImage();
    QVERIFY(!m_predictor->hasImage());
    PromptSet p;
    p.points = {{10, 10, true}};
    const auto r = m_predictor->predict(p);
    QVERIFY(!r.ok());
    QVERIFY(QString::fromStdString(r.error().message).contains("no image set"));
    QVERIFY(!m_predictor->embedding().ok());
    QVERIFY(!m_predictor->resizedImage().ok());
    QVERIFY(!m_predictor->upscaleLogits(LowResLogits{64, 64, std::vector<float>(64 * 64)}, {8, 8})
                 .ok());
}

void TestPredictorInputs::badOptionsAreErrors_data() {
    QTest::addColumn<QString>("device");
    QTest::addColumn<QString>("dtype");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown device") << "tpu"
                                    << "float32"
                                    << "unknown device 'tpu'";
    QTest::newRow("unknown dtype") << "cpu"
                                   << "int8"
                                   << "unknown dtype 'int8'";
    QTest::newRow("float16 on cpu") << "cpu"
                                    << "float16"
                                    << "float16 needs a CUDA device";
    QTest::newRow("bad cuda index") << "cuda:x"
                                    << "float32"
                                    << "cuda";
}

void TestPredictorInputs::badOptionsAreErrors() {
    QFETCH(QString, device);
    QFETCH(QString, dtype);
    QFETCH(QString, message);
    PredictorOptions o;
    o.device = device.toStdString();
    o.dtype = dtype.toStdString();
    const auto p = Predictor::load(tinyPath("checkpoint.pth").toStdString(), o);
    QVERIFY(!p.ok());
    QCOMPARE(p.error().kind, Error::Kind::InvalidInput);
    QVERIFY2(QString::fromStdString(p.error().message).contains(message),
             p.error().message.c_str());
}

void TestPredictorInputs::embeddingRoundTrips() {
    QVERIFY(m_predictor->setImage(viewOf(m_imageA)).ok());
    PromptSet p;
    p.points = {{128, 96, true}};
    const auto direct = m_predictor->predict(p);
    QVERIFY(direct.ok());
    const auto exported = m_predictor->embedding();
    QVERIFY(exported.ok());
    QCOMPARE(exported->channels, 32);
    QCOMPARE(exported->grid, 16);
    QCOMPARE(exported->imageSize, (ImageSize{256, 192}));

    auto other = loadTiny();
    QVERIFY(other);
    QVERIFY(other->setEmbedding(*exported).ok());
    QVERIFY(other->hasImage());
    QVERIFY(!other->resizedImage().ok());  // only setImage() has one
    const auto imported = other->predict(p);
    QVERIFY(imported.ok());
    QCOMPARE(imported->logits, direct->logits);
    QCOMPARE(imported->lowRes.iou, direct->lowRes.iou);

    ImageEmbedding wrong = *exported;
    wrong.grid = 8;
    const auto st = other->setEmbedding(wrong);
    QVERIFY(!st.ok());
    QVERIFY(QString::fromStdString(st.error().message).contains("needs 32 x 16 x 16"));
}

void TestPredictorInputs::progressAndCancel() {
    std::vector<std::pair<int, int>> calls;
    EncodeControl control;
    control.progress = [&](int done, int total) { calls.emplace_back(done, total); };
    QVERIFY(m_predictor->setImage(viewOf(m_imageA), control).ok());
    QCOMPARE(calls, (std::vector<std::pair<int, int>>{{1, 4}, {2, 4}, {3, 4}, {4, 4}}));

    std::atomic<bool> cancel{false};
    control.cancel = &cancel;
    calls.clear();
    control.progress = [&](int done, int total) {
        calls.emplace_back(done, total);
        if (done == 2)
            cancel = true;  // as another thread would, between blocks
    };
    const auto st = m_predictor->setImage(viewOf(m_imageA), control);
    QVERIFY(!st.ok());
    QCOMPARE(st.error().kind, Error::Kind::Cancelled);
    QCOMPARE(int(calls.size()), 2);
    QVERIFY(!m_predictor->hasImage());
}

void TestPredictorInputs::oneCandidateUpscales() {
    QVERIFY(m_predictor->setImage(viewOf(m_imageA)).ok());
    PromptSet p;
    p.points = {{128, 96, true}};
    const auto full = m_predictor->predict(p);
    const auto low = m_predictor->predictLowRes(p);
    QVERIFY(full.ok() && low.ok());
    QCOMPARE(low->logits, full->lowRes.logits);
    const int best = low->best();
    const auto logits = m_predictor->upscaleLogits(low->mask(best), {256, 192});
    QVERIFY(logits.ok());
    const std::size_t plane = 256 * 192;
    // Interpolating one plane or three at once may round differently in the last bit.
    const std::vector<float> fromFull(full->logits.begin() + plane * best,
                                      full->logits.begin() + plane * (best + 1));
    qInfo("one candidate vs all: max |diff| %.3g", maxAbsDiff(*logits, fromFull));
    QVERIFY(maxAbsDiff(*logits, fromFull) <= 1e-5f);
    const auto mask = m_predictor->upscaleMask(low->mask(best), {256, 192});
    QVERIFY(mask.ok());
    std::size_t on = 0;
    for (std::size_t i = 0; i < plane; ++i) {
        QCOMPARE((*mask)[i], std::uint8_t((*logits)[i] > 0 ? 255 : 0));
        on += (*mask)[i] != 0;
    }
    QVERIFY(on > 0 && on < plane);
    // Another size (a zoomed-out view): the right shape, and mostly the same mask.
    const auto small = m_predictor->upscaleMask(low->mask(best), {128, 96});
    QVERIFY(small.ok());
    QCOMPARE(small->size(), std::size_t(128 * 96));
}

QTEST_GUILESS_MAIN(TestPredictorInputs)
#include "tst_predictorinputs.moc"
