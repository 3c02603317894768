// `samdesk-cli inspect` and `convert` as other tools call them: the JSON on the tiny fixture
// reports exactly the numbers of its config.json; failures exit 2 with one `error:` line and
// nothing on stdout; a converted file inspects to the same model in both namings.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "tests/clirun.h"

using samdesk::test::CliRun;

namespace {

const QString kTiny = QStringLiteral(SAMDESK_TEST_DATA "/samv1-tiny/");

CliRun cli(const QStringList& args) {
    return samdesk::test::runCli(args, 60000);
}

QJsonObject inspectJson(const QString& file) {
    const CliRun r = cli({"inspect", file, "--json"});
    if (r.exitCode != 0)
        qWarning("inspect failed: %s", qPrintable(r.err));
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

}  // namespace

class TestInspectCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void jsonMatchesFixtureConfig();
    void humanSummary();
    void failures_data();
    void failures();
    void convertRoundTrip_data();
    void convertRoundTrip();
};

void TestInspectCli::jsonMatchesFixtureConfig() {
    QFile configFile(kTiny + "config.json");
    QVERIFY(configFile.open(QIODevice::ReadOnly));
    const QJsonObject expected = QJsonDocument::fromJson(configFile.readAll()).object();
    const CliRun r = cli({"inspect", kTiny + "checkpoint.pth", "--json"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    QJsonParseError parseError;
    const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8(), &parseError).object();
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    QCOMPARE(j["format"].toString(), QString("pytorch-zip"));
    QCOMPARE(j["variant"].toString(), QString("custom"));
    QCOMPARE(j["dtype"].toString(), QString("float32"));
    QCOMPARE(j["tensors"].toInt(), 202);
    const QJsonObject c = j["config"].toObject();
    // config.json's names -> inspect's names.
    const std::pair<const char*, const char*> fields[] = {
        {"img", "image_size"},
        {"embed", "embed_dim"},
        {"depth", "depth"},
        {"heads", "num_heads"},
        {"window", "window_size"},
        {"prompt", "prompt_dim"},
        {"mask_in", "mask_in_chans"},
        {"mlp", "decoder_mlp_dim"},
        {"iou_hidden", "iou_head_hidden_dim"},
        {"dec_depth", "decoder_depth"},
    };
    for (const auto& [from, to] : fields)
        QVERIFY2(c[to].toInt() == expected[from].toInt() && c.contains(to), to);
    QCOMPARE(c["global_blocks"].toArray(), expected["glob"].toArray());
    QCOMPARE(c["patch_size"].toInt(), 16);
    QCOMPARE(c["decoder_heads"].toInt(), 8);
    QCOMPARE(c["num_mask_tokens"].toInt(), 4);
    // The parameter count is the sum over the listed keys' shapes.
    const QJsonArray keys = j["keys"].toArray();
    QCOMPARE(keys.size(), 202);
    qint64 total = 0;
    for (const auto& k : keys) {
        qint64 n = 1;
        for (const auto& d : k.toObject()["shape"].toArray())
            n *= d.toInteger();
        total += n;
        QVERIFY(!k.toObject()["original"].toString().isEmpty());
        QVERIFY(!k.toObject()["converted"].toString().isEmpty());
    }
    QCOMPARE(j["parameters"].toInteger(), total);
    QCOMPARE(total, 323331);
    QCOMPARE(keys[0].toObject()["original"].toString(), QString("image_encoder.pos_embed"));
    QCOMPARE(keys[0].toObject()["converted"].toString(),
             QString("image_encoder.position_embedding"));
    QVERIFY(j["warnings"].toArray().isEmpty());
    QVERIFY(j["load_ms"].toDouble() >= 0.0);
}

void TestInspectCli::humanSummary() {
    const CliRun r = cli({"inspect", kTiny + "variant_nested_module.pth"});
    QCOMPARE(r.exitCode, 0);
    const QString out = r.out;
    QVERIFY2(out.contains("variant     custom"), qPrintable(out));
    QVERIFY(out.contains("parameters  323,331 in 202 tensors"));
    QVERIFY(out.contains("global blocks 1, 3"));
    QVERIFY(out.contains("removed the prefix 'module.' from all 202 keys"));
}

void TestInspectCli::failures_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("needle");
    QTest::newRow("missing key") << QStringList{"inspect", kTiny + "broken_missing_key.pth",
                                                "--json"}
                                 << "missing key 'mask_decoder.iou_token.weight'";
    QTest::newRow("bad shape") << QStringList{"inspect", kTiny + "broken_bad_shape.pth"}
                               << "expected (32, 64, 1, 1)";
    QTest::newRow("truncated") << QStringList{"inspect", kTiny + "broken_truncated.pth", "--json"}
                               << "broken_truncated.pth: corrupt or truncated zip archive";
    QTest::newRow("no such file") << QStringList{"inspect", "/nonexistent.pth"}
                                  << "/nonexistent.pth: cannot open";
    QTest::newRow("no argument") << QStringList{"inspect"} << "exactly one CHECKPOINT";
    QTest::newRow("bad naming") << QStringList{"convert", kTiny + "checkpoint.pth",
                                               "/tmp/x.safetensors", "--naming", "camel"}
                                << "--naming must be";
    QTest::newRow("convert bad input")
        << QStringList{"convert", kTiny + "image_a.png", "/tmp/never-written.safetensors"}
        << "not a checkpoint";
}

void TestInspectCli::failures() {
    QFETCH(QStringList, args);
    QFETCH(QString, needle);
    const CliRun r = cli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
    const QString err = r.err;
    QVERIFY2(err.startsWith("error: ") && err.endsWith('\n') && err.count('\n') == 1,
             qPrintable(err));
    QVERIFY2(err.contains(needle), qPrintable(err));
}

void TestInspectCli::convertRoundTrip_data() {
    QTest::addColumn<QString>("naming");
    QTest::newRow("default") << "";
    QTest::newRow("converted") << "converted";
    QTest::newRow("original") << "original";
}

void TestInspectCli::convertRoundTrip() {
    QFETCH(QString, naming);
    QTemporaryDir dir;
    const QString out = dir.filePath("tiny.safetensors");
    QStringList args{"convert", kTiny + "variant_fp16.pth", out};
    if (!naming.isEmpty())
        args << "--naming" << naming;
    const CliRun r = cli(args);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.startsWith("wrote " + out), qPrintable(r.out));
    static const QJsonObject before = inspectJson(kTiny + "variant_fp16.pth");  // once per run
    const QJsonObject after = inspectJson(out);
    QCOMPARE(after["format"].toString(), QString("safetensors"));
    QCOMPARE(after["naming"].toString(), naming.isEmpty() ? QString("converted") : naming);
    QCOMPARE(after["config"], before["config"]);
    QCOMPARE(after["parameters"], before["parameters"]);
    QCOMPARE(after["dtype"].toString(), QString("float16"));
    QCOMPARE(after["keys"], before["keys"]);
    QVERIFY(after["warnings"].toArray().isEmpty());
}

QTEST_GUILESS_MAIN(TestInspectCli)
#include "tst_inspectcli.moc"
