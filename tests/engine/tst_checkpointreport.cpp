// The checkpoint description the info dialog shows: every config value of the tiny fixture as its
// maker wrote it in config.json, parameter counts that add up, the key table, and the file facts
// of each fixture variant.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <map>

#include "core/engine/checkpointreport.h"

using namespace samdesk;

namespace {

const QString kData = QStringLiteral(SAMDESK_TEST_DATA "/samv1-tiny/");

std::map<std::string, std::string> asMap(const CheckpointReport& r) {
    return {r.config.begin(), r.config.end()};
}

std::int64_t shapeNumel(const std::string& shape) {
    std::int64_t n = 1;
    for (const QString& part : QString::fromStdString(shape).remove('(').remove(')').split(','))
        if (!part.trimmed().isEmpty())
            n *= part.trimmed().toLongLong();
    return n;
}

}  // namespace

class TestCheckpointReport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void configMatchesFixture();
    void parametersAddUp();
    void keyTable();
    void variants_data();
    void variants();
    void brokenFileNamesIt();
};

void TestCheckpointReport::configMatchesFixture() {
    QFile f(kData + "config.json");
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject cfg = QJsonDocument::fromJson(f.readAll()).object();
    auto report = describeCheckpoint((kData + "checkpoint.pth").toStdString());
    QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
    auto c = asMap(report.value());
    auto num = [&](const char* k) { return std::to_string(cfg[k].toInt()); };
    QCOMPARE(c["image_size"], num("img"));
    QCOMPARE(c["embed_dim"], num("embed"));
    QCOMPARE(c["depth"], num("depth"));
    QCOMPARE(c["num_heads"], num("heads"));
    QCOMPARE(c["window_size"], num("window"));
    QCOMPARE(c["prompt_dim"], num("prompt"));
    QCOMPARE(c["mask_in_chans"], num("mask_in"));
    QCOMPARE(c["decoder_mlp_dim"], num("mlp"));
    QCOMPARE(c["iou_head_hidden_dim"], num("iou_hidden"));
    QCOMPARE(c["decoder_depth"], num("dec_depth"));
    QStringList glob;
    for (const auto& v : cfg["glob"].toArray())
        glob << QString::number(v.toInt());
    QCOMPARE(QString::fromStdString(c["global_blocks"]), "[" + glob.join(", ") + "]");
    QCOMPARE(c["variant"], std::string("custom"));
    QCOMPARE(report->variant, std::string("custom"));
    QCOMPARE(report->config.size(), std::size_t(18));
}

void TestCheckpointReport::parametersAddUp() {
    auto report = describeCheckpoint((kData + "checkpoint.pth").toStdString());
    QVERIFY(report.ok());
    std::map<std::string, std::int64_t> p(report->parameters.begin(), report->parameters.end());
    QVERIFY(p["total"] > 0);
    QCOMPARE(report->totalParameters(), p["total"]);
    QCOMPARE(p["image_encoder"] + p["prompt_encoder"] + p["mask_decoder"], p["total"]);
    QCOMPARE(p["image_encoder.patch_and_position"] + p["image_encoder.windowed_blocks"] +
                 p["image_encoder.global_blocks"] + p["image_encoder.neck"],
             p["image_encoder"]);
    // Two global and two windowed blocks of the same width: the same weights except the
    // relative position tables (2 * 16 - 1 rows for global, 2 * 6 - 1 for windowed, 2 tables,
    // head dim 32).
    QCOMPARE(p["image_encoder.global_blocks"] - p["image_encoder.windowed_blocks"],
             std::int64_t(2 * 2 * (31 - 11) * 32));
    std::int64_t sum = 0;
    for (const auto& k : report->keys)
        sum += shapeNumel(k.shape);
    QCOMPARE(sum, p["total"]);
}

void TestCheckpointReport::keyTable() {
    auto report = describeCheckpoint((kData + "checkpoint.pth").toStdString());
    QVERIFY(report.ok());
    QCOMPARE(report->keys.size(), report->tensorCount);
    bool found = false;
    for (const auto& k : report->keys) {
        QCOMPARE(shapeNumel(k.shape), shapeNumel(k.convertedShape));
        if (k.original == "image_encoder.blocks.3.mlp.lin2.bias") {
            found = true;
            QCOMPARE(k.converted, std::string("image_encoder.stages.1.global_block.mlp.fc2.bias"));
            QCOMPARE(k.shape, std::string("(64,)"));
        }
    }
    QVERIFY(found);
}

void TestCheckpointReport::variants_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("dtype");
    QTest::addColumn<bool>("warns");
    QTest::newRow("official") << "checkpoint.pth"
                              << "pytorch-zip"
                              << "float32" << false;
    QTest::newRow("fp16") << "variant_fp16.pth"
                          << "pytorch-zip"
                          << "float16" << false;
    QTest::newRow("safetensors") << "variant.safetensors"
                                 << "safetensors"
                                 << "float32" << false;
    QTest::newRow("wrapped") << "variant_nested_module.pth"
                             << "pytorch-zip"
                             << "float32" << true;
}

void TestCheckpointReport::variants() {
    QFETCH(QString, file);
    QFETCH(QString, format);
    QFETCH(QString, dtype);
    QFETCH(bool, warns);
    auto report = describeCheckpoint((kData + file).toStdString());
    QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
    QCOMPARE(QString::fromStdString(report->format), format);
    QCOMPARE(QString::fromStdString(report->dtype), dtype);
    QCOMPARE(report->fileSize, std::uint64_t(QFileInfo(kData + file).size()));
    QCOMPARE(!report->warnings.empty(), warns);
    QVERIFY(QString::fromStdString(report->path).endsWith(file));
}

void TestCheckpointReport::brokenFileNamesIt() {
    auto report = describeCheckpoint((kData + "broken_bad_shape.pth").toStdString());
    QVERIFY(!report.ok());
    QVERIFY(QString::fromStdString(report.error().message).contains("broken_bad_shape.pth"));
    QCOMPARE(report.error().kind, Error::Kind::BadShape);
}

QTEST_GUILESS_MAIN(TestCheckpointReport)
#include "tst_checkpointreport.moc"
