// Predictor::predictPoints, the batched one-point decoder of the automatic mask generator, against
// the single-prompt decoder (itself checked against the original by tst_samparity): the same
// candidates and scores for every point of a grid, masks only where they are asked for, errors.
#include <QtTest>

#include <cmath>
#include <limits>

#include "tests/model/tinyfixture.h"

using namespace samdesk;
using namespace samdesk::test;

class TestPointBatch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void matchesSingleDecodes_data();
    void matchesSingleDecodes();
    void masksOnlyAboveTheIouBound();
    void rejectsBadInput();

private:
    std::unique_ptr<Predictor> m_predictor;
};

void TestPointBatch::initTestCase() {
    m_predictor = loadTiny();
    QVERIFY(m_predictor);
}

void TestPointBatch::matchesSingleDecodes_data() {
    QTest::addColumn<QString>("image");
    QTest::addColumn<int>("side");  // points per side of the grid
    QTest::newRow("image_a 7 x 7") << "image_a.png" << 7;
    QTest::newRow("image_b 5 x 5 (163 x 109)") << "image_b.png" << 5;
    // 37 points: two full chunks of 16 and a short one.
    QTest::newRow("image_a 37 in a row") << "image_a.png" << -37;
}

void TestPointBatch::matchesSingleDecodes() {
    QFETCH(QString, image);
    QFETCH(int, side);
    const cv::Mat pixels = readImage(tinyPath(image));
    QVERIFY(m_predictor->setImage(viewOf(pixels)).ok());
    std::vector<PromptPoint> points;
    if (side > 0) {
        for (int r = 0; r < side; ++r)
            for (int c = 0; c < side; ++c)
                points.push_back({(c + 0.5) * pixels.cols / side, (r + 0.5) * pixels.rows / side});
    } else {
        for (int i = 0; i < -side; ++i)
            points.push_back({pixels.cols * (i + 0.25) / -side, pixels.rows * 0.4});
    }
    const auto batch = m_predictor->predictPoints(points);
    QVERIFY2(batch.ok(), batch.ok() ? "" : batch.error().message.c_str());
    QCOMPARE(batch->count, int(points.size()));
    float worstLogit = 0, worstIou = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        PromptSet one;
        one.points = {points[i]};
        const auto single = m_predictor->predictLowRes(one);
        QVERIFY(single.ok());
        QCOMPARE(single->count, 3);
        QCOMPARE(batch->side, single->side);
        const std::size_t area = std::size_t(single->side) * single->side;
        for (int c = 0; c < 3; ++c) {
            worstIou = std::max(worstIou, std::abs(batch->iou[3 * i + c] - single->iou[c]));
            const float* ours = batch->lowRes(int(i), c);
            QVERIFY(ours);
            for (std::size_t j = 0; j < area; ++j)
                worstLogit = std::max(worstLogit, std::abs(ours[j] - single->logits[c * area + j]));
        }
    }
    // The single decode rounds the scaled point to float before the half-pixel shift; the
    // batch folds the attentions differently: both move the values by float rounding only.
    qInfo("max |diff|: low-res logits %.3g, iou %.3g", worstLogit, worstIou);
    QVERIFY2(worstLogit <= 1e-4f, qPrintable(QString::number(worstLogit)));
    QVERIFY2(worstIou <= 1e-5f, qPrintable(QString::number(worstIou)));
}

void TestPointBatch::masksOnlyAboveTheIouBound() {
    const cv::Mat pixels = readImage(tinyPath("image_a.png"));
    QVERIFY(m_predictor->setImage(viewOf(pixels)).ok());
    std::vector<PromptPoint> points;
    for (int i = 0; i < 20; ++i)
        points.push_back({12.0 * i + 6, 7.0 * i + 20});
    const auto all = m_predictor->predictPoints(points);
    QVERIFY(all.ok());
    std::vector<float> scores = all->iou;
    std::sort(scores.begin(), scores.end());
    const float bound = scores[scores.size() / 2];  // about half the points have a candidate above
    const auto some = m_predictor->predictPoints(points, bound);
    QVERIFY(some.ok());
    QVERIFY(some->iou == all->iou);
    const std::size_t area = std::size_t(all->side) * all->side;
    int with = 0;
    for (int i = 0; i < 20; ++i) {
        const bool wanted =
            std::max({all->iou[3 * i], all->iou[3 * i + 1], all->iou[3 * i + 2]}) > bound;
        QCOMPARE(some->lowRes(i, 0) != nullptr, wanted);
        if (!wanted)
            continue;
        ++with;
        for (int c = 0; c < 3; ++c)
            QVERIFY(std::equal(some->lowRes(i, c), some->lowRes(i, c) + area, all->lowRes(i, c)));
    }
    QVERIFY(with > 0 && with < 20);
    QCOMPARE(some->logits.size(), std::size_t(with) * 3 * area);
}

void TestPointBatch::rejectsBadInput() {
    auto fresh = loadTiny();
    QVERIFY(fresh);
    QVERIFY(!fresh->predictPoints({{5, 5, true}}).ok());  // no image
    const cv::Mat pixels = readImage(tinyPath("image_a.png"));
    QVERIFY(fresh->setImage(viewOf(pixels)).ok());
    const auto outside = fresh->predictPoints({{5, 5, true}, {300, 5, true}});
    QVERIFY(!outside.ok());
    QVERIFY2(outside.error().message.find("point 1") != std::string::npos,
             outside.error().message.c_str());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QVERIFY(!fresh->predictPoints({{nan, 5, true}}).ok());
    const auto none = fresh->predictPoints({});
    QVERIFY(none.ok());
    QCOMPARE(none->count, 0);
}

QTEST_GUILESS_MAIN(TestPointBatch)
#include "tst_pointbatch.moc"
