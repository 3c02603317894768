// samdesk-cli segment and synth, run as a user runs them (QProcess): a prompts file built from
// cases.json reproduces the fixture outputs, masks are written as PNGs, errors exit with 2.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>

#include <cstring>

#include "core/checkpoint/safetensorsreader.h"
#include "core/checkpoint/synthcheckpoint.h"
#include "tests/clirun.h"
#include "tests/model/tinyfixture.h"

using namespace samdesk;
using namespace samdesk::test;

namespace {

// The prompts of one image's cases, in the documented file format.
QString writePrompts(const QDir& dir, const std::string& image) {
    QJsonArray prompts;
    for (const auto& c : fixtureCases()) {
        if (c.image != image)
            continue;
        QJsonObject o;
        o["name"] = QString::fromStdString(c.name);
        QJsonArray points, labels;
        for (const auto& p : c.prompts.points) {
            points.append(QJsonArray{p.x, p.y});
            labels.append(p.foreground ? 1 : 0);
        }
        if (!points.isEmpty()) {
            o["points"] = points;
            o["labels"] = labels;
        }
        if (c.prompts.box)
            o["box"] = QJsonArray{c.prompts.box->x0, c.prompts.box->y0, c.prompts.box->x1,
                                  c.prompts.box->y1};
        o["multimask"] = c.prompts.multimask;
        if (!c.maskInputFrom.empty())
            o["mask_input_from"] = QString::fromStdString(c.maskInputFrom);
        prompts.append(o);
    }
    const QString path = dir.filePath(QString::fromStdString(image) + ".json");
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(QJsonDocument(QJsonObject{{"prompts", prompts}}).toJson());
    return path;
}

std::vector<float> floatsOf(const StateDict& dict, const std::string& name, Shape* shape) {
    const auto* t = dict.find(name);
    if (!t || t->dtype != DType::Float32)
        return {};
    *shape = t->shape;
    std::vector<float> v(static_cast<std::size_t>(t->numel()));
    std::memcpy(v.data(), t->data, v.size() * sizeof(float));
    return v;
}

}  // namespace

class TestSegmentCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void reproducesFixtures_data();
    void reproducesFixtures();
    void errorsExitWith2_data();
    void errorsExitWith2();
    void synthWritesARandomModelThatRuns();
    void regionIsTheCroppedImage();
};

void TestSegmentCli::reproducesFixtures_data() {
    QTest::addColumn<QString>("image");
    QTest::newRow("image_a") << "image_a.png";
    QTest::newRow("image_b") << "image_b.png";
}

void TestSegmentCli::reproducesFixtures() {
    QFETCH(QString, image);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QDir dir(tmp.path());
    const QString prompts = writePrompts(dir, image.toStdString());
    const QString out = dir.filePath("result.safetensors");
    const CliRun r =
        runCli({"segment", "--checkpoint", tinyPath("checkpoint.pth"), "--image", tinyPath(image),
                "--prompts", prompts, "--out", out, "--mask-out", dir.filePath("masks")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));

    auto dict = readSafetensors(out.toStdString());
    QVERIFY2(dict.ok(), dict.ok() ? "" : dict.error().message.c_str());
    const auto& expected = ExpectedTensors::instance();
    const std::string prefix = QFileInfo(image).completeBaseName().toStdString();

    const auto* resized = dict->find("resized_image");
    QVERIFY(resized && resized->dtype == DType::UInt8);
    QVERIFY(resized->shape == expected.shape(prefix + "/resized_image"));
    QVERIFY(std::vector<std::uint8_t>(resized->data, resized->data + resized->nbytes()) ==
            expected.bytes(prefix + "/resized_image"));
    Shape shape;
    const auto embedding = floatsOf(*dict, "embedding", &shape);
    const auto refShape = expected.shape(prefix + "/embedding");  // (P, G, G) in the fixture
    QVERIFY(shape == (Shape{1, refShape[0], refShape[1], refShape[2]}));
    QVERIFY(maxAbsDiff(embedding, expected.floats(prefix + "/embedding")) <= 1e-4f);

    const cv::Mat original = readImage(tinyPath(image));
    for (const auto& c : fixtureCases()) {
        if (c.image != image.toStdString())
            continue;
        for (const char* part : {"masks_logits", "iou", "low_res_logits"}) {
            const std::string key = c.key + "/" + part;
            const auto ours = floatsOf(*dict, c.name + "/" + part, &shape);
            QVERIFY2(shape == expected.shape(key), key.c_str());
            // mask_hint_refine is fed the CLI's own box_and_points logits here, which differ
            // from the fixture's by ~1e-5: still well inside the tolerance.
            const float diff = maxAbsDiff(ours, expected.floats(key));
            qInfo("%s: max |diff| %.3g", key.c_str(), diff);
            QVERIFY2(diff <= 1e-4f, key.c_str());
        }
        // The PNG: the best-IoU mask, 0/255, original size.
        const auto iou = expected.floats(c.key + "/iou");
        const int best = int(std::max_element(iou.begin(), iou.end()) - iou.begin());
        const auto logits = expected.floats(c.key + "/masks_logits");
        const cv::Mat png = cv::imread(
            dir.filePath("masks/" + QString::fromStdString(c.name) + ".png").toStdString(),
            cv::IMREAD_UNCHANGED);
        QVERIFY2(!png.empty(), c.name.c_str());
        QCOMPARE(png.type(), CV_8UC1);
        QCOMPARE(png.cols, original.cols);
        QCOMPARE(png.rows, original.rows);
        const std::size_t plane = std::size_t(png.cols) * png.rows;
        std::size_t off = 0, on = 0;
        for (int y = 0; y < png.rows; ++y) {
            for (int x = 0; x < png.cols; ++x) {
                const std::uint8_t v = png.at<std::uint8_t>(y, x);
                QVERIFY(v == 0 || v == 255);
                const float ref = logits[plane * best + std::size_t(y) * png.cols + x];
                on += v == 255;
                if ((v == 255) != (ref > 0) && std::abs(ref) >= 1e-3f)
                    ++off;
            }
        }
        QCOMPARE(off, std::size_t(0));
        QVERIFY(on > 0);
    }
}

void TestSegmentCli::errorsExitWith2_data() {
    QTest::addColumn<QString>("promptsJson");  // empty: do not write a prompts file
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("message");
    const QString ok = R"({"prompts": [{"name": "a", "points": [[10, 10]]}]})";
    QTest::newRow("missing image") << ok << "nope.png"
                                   << "no such image file";
    QTest::newRow("not json") << "{oops"
                              << "image_a.png"
                              << "not valid JSON";
    QTest::newRow("unknown mask_input_from")
        << R"({"prompts": [{"name": "a", "points": [[1, 2]], "mask_input_from": "b"}]})"
        << "image_a.png"
        << "not the name of an earlier prompt";
    QTest::newRow("point outside") << R"({"prompts": [{"name": "a", "points": [[999, 2]]}]})"
                                   << "image_a.png"
                                   << "outside the 256 x 192 image";
    // The predictor's points are foreground or background: other labels stop at the parser.
    QTest::newRow("label 2")
        << R"({"prompts": [{"name": "a", "points": [[1, 2], [3, 4]], "labels": [1, 2]}]})"
        << "image_a.png"
        << "point 1 has label 2; labels are 1 (foreground) or 0 (background)";
    // Broken images: libpng's and libjpeg's own lines are folded into the one error line.
    QTest::newRow("png cut in its data") << ok << "cut.png"
                                         << "libpng: ";
    QTest::newRow("png with a damaged chunk") << ok << "chunk.png"
                                              << "libpng: ";
    QTest::newRow("truncated jpeg") << ok << "truncated.jpg"
                                    << "truncated";
}

void TestSegmentCli::errorsExitWith2() {
    QFETCH(QString, promptsJson);
    QFETCH(QString, image);
    QFETCH(QString, message);
    QTemporaryDir tmp;
    const QDir dir(tmp.path());
    QFile f(dir.filePath("p.json"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(promptsJson.toUtf8());
    f.close();
    const QString out = dir.filePath("r.safetensors");
    QString path = tinyPath(image);
    if (image == "nope.png") {
        path = dir.filePath(image);
    } else if (image == "cut.png" || image == "chunk.png") {
        QFile png(tinyPath("image_a.png"));
        QVERIFY(png.open(QIODevice::ReadOnly));
        QByteArray bytes = png.readAll();
        if (image == "cut.png")
            bytes.chop(bytes.size() / 3);
        else
            bytes[bytes.indexOf("IDAT") + 3] = '\x01';
        path = dir.filePath(image);
        QFile broken(path);
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write(bytes);
    } else if (image == "truncated.jpg") {
        path = QStringLiteral(SAMDESK_TEST_DATA "/images/truncated.jpg");
    }
    const CliRun r = runCli({"segment", "--checkpoint", tinyPath("checkpoint.pth"), "--image", path,
                             "--prompts", f.fileName(), "--out", out});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.startsWith("error: ") && r.err.contains(message), qPrintable(r.err));
    // Exactly one line: nothing of the libraries' own before or after it.
    QVERIFY2(r.err.count('\n') == 1 && r.err.endsWith('\n'), qPrintable(r.err));
    QVERIFY(!QFile::exists(out));
}

void TestSegmentCli::synthWritesARandomModelThatRuns() {
    const CliRun help = runCli({"synth", "--help"});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("RANDOM weights"));

    QTemporaryDir tmp;
    const QDir dir(tmp.path());
    const QString a = dir.filePath("a.safetensors"), b = dir.filePath("b.safetensors");
    QCOMPARE(runCli({"synth", "--variant", "tiny", "--out", a, "--seed", "5"}).exitCode, 0);
    QCOMPARE(runCli({"synth", "--variant", "vit_x", "--out", b}).exitCode, 2);
    QVERIFY(!QFile::exists(b));
    // In process (each samdesk-cli start costs seconds): same seed, same bytes; not another.
    const SamConfig tiny = synthConfig("tiny").value();
    QVERIFY(writeSynthCheckpoint(tiny, 5, b.toStdString()).ok());
    const QString c = dir.filePath("c.safetensors");
    QVERIFY(writeSynthCheckpoint(tiny, 6, c.toStdString()).ok());
    auto bytes = [](const QString& path) {
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        return f.readAll();
    };
    QCOMPARE(bytes(a), bytes(b));  // deterministic
    QVERIFY(bytes(a) != bytes(c));

    // The original key layout, the tiny architecture.
    auto dict = readSafetensors(a.toStdString());
    QVERIFY(dict.ok());
    QVERIFY(dict->find("image_encoder.blocks.3.attn.rel_pos_h"));
    QVERIFY(dict->find("mask_decoder.iou_prediction_head.layers.2.weight"));
    QVERIFY(dict->metadataJson.find("RANDOM") != std::string::npos);

    const QString prompts = writePrompts(dir, "image_a.png");
    const QString out = dir.filePath("r.safetensors");
    const CliRun r = runCli({"segment", "--checkpoint", a, "--image", tinyPath("image_a.png"),
                             "--prompts", prompts, "--out", out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    auto result = readSafetensors(out.toStdString());
    QVERIFY(result.ok());
    Shape shape;
    const auto logits = floatsOf(*result, "one_fg_point/low_res_logits", &shape);
    QVERIFY(shape == (Shape{3, 64, 64}));
    QVERIFY(std::all_of(logits.begin(), logits.end(), [](float v) { return std::isfinite(v); }));
    QVERIFY(!synthConfig("vit_x").ok());
}

// --region: the same outputs as the cropped image given whole (the crop written by hand), the
// masks placed at the region's place in an image-sized plane with -inf around.
void TestSegmentCli::regionIsTheCroppedImage() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const int x = 60, y = 40, w = 150, h = 110;
    const cv::Mat full = cv::imread(tinyPath("image_a.png").toStdString(), cv::IMREAD_COLOR);
    QVERIFY(!full.empty());
    const QString cropped = tmp.filePath("crop.png");
    QVERIFY(cv::imwrite(cropped.toStdString(), full(cv::Rect(x, y, w, h)).clone()));
    const auto writePrompts = [&](const QString& file, double dx, double dy) {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral(R"({"prompts": [{"name": "a", "points": [[%1, %2]]}]})")
                    .arg(100.5 + dx)
                    .arg(90.5 + dy)
                    .toUtf8());
    };
    writePrompts(tmp.filePath("crop.json"), -x, -y);
    writePrompts(tmp.filePath("full.json"), 0, 0);
    const QString cropOut = tmp.filePath("crop.safetensors"), regionOut = tmp.filePath("r.st");
    QCOMPARE(runCli({"segment", "--checkpoint", tinyPath("checkpoint.pth"), "--image", cropped,
                     "--prompts", tmp.filePath("crop.json"), "--out", cropOut})
                 .exitCode,
             0);
    const QString region = QStringLiteral("%1,%2,%3,%4").arg(x).arg(y).arg(x + w).arg(y + h);
    const CliRun r = runCli({"segment", "--checkpoint", tinyPath("checkpoint.pth"), "--image",
                             tinyPath("image_a.png"), "--prompts", tmp.filePath("full.json"),
                             "--out", regionOut, "--region", region});
    QCOMPARE(r.exitCode, 0);
    auto a = readSafetensors(cropOut.toStdString());
    auto b = readSafetensors(regionOut.toStdString());
    QVERIFY(a.ok() && b.ok());
    Shape sa, sb;
    for (const char* name : {"embedding", "a/iou", "a/low_res_logits"})
        QVERIFY2(floatsOf(*a, name, &sa) == floatsOf(*b, name, &sb) && sa == sb, name);
    const auto crop = floatsOf(*a, "a/masks_logits", &sa);
    const auto placed = floatsOf(*b, "a/masks_logits", &sb);
    QVERIFY(sa == (Shape{3, h, w}));
    QVERIFY(sb == (Shape{3, full.rows, full.cols}));
    long mismatches = 0, outside = 0;
    for (int c = 0; c < 3; ++c)
        for (int py = 0; py < full.rows; ++py)
            for (int px = 0; px < full.cols; ++px) {
                const float v = placed[(std::size_t(c) * full.rows + py) * full.cols + px];
                if (px < x || py < y || px >= x + w || py >= y + h)
                    outside += !(std::isinf(v) && v < 0);
                else
                    mismatches += v != crop[(std::size_t(c) * h + py - y) * w + px - x];
            }
    QCOMPARE(mismatches, 0L);
    QCOMPARE(outside, 0L);
    // A point outside the region is the user's mistake, named.
    QFile f(tmp.filePath("out.json"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"prompts": [{"name": "a", "points": [[5, 5]]}]})");
    f.close();
    const CliRun bad = runCli({"segment", "--checkpoint", tinyPath("checkpoint.pth"), "--image",
                               tinyPath("image_a.png"), "--prompts", f.fileName(), "--out",
                               regionOut, "--region", region});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("outside the region (60, 40)"), qPrintable(bad.err));
}

QTEST_GUILESS_MAIN(TestSegmentCli)
#include "tst_segmentcli.moc"
