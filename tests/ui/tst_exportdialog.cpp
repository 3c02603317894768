// The export dialog, driven like a person: pick a format and folder, click Export, answer the
// "folder is not empty" question; the files on disk and the dialog's state are checked.
#include <QtTest>
#include <QtWidgets>

#include <filesystem>

#include "core/annotation/annotationstore.h"
#include "ui/exportdialog.h"

using namespace samdesk;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(samdesk::ExportFormat)

namespace {

// Two annotated images (one with a ring-shaped object, one reviewed and empty).
LabelSet makeFolder(const QString& folder) {
    AnnotationStore store(folder.toStdString());
    ImageAnnotations a{"a.png", 40, 30, {}};
    AnnotationObject o;
    o.id = 1;
    o.label = "ring";
    o.mask = BinaryMask(40, 30);
    for (int y = 5; y < 20; ++y)
        for (int x = 5; x < 25; ++x)
            o.mask.set(x, y, !(x > 10 && x < 18 && y > 9 && y < 15));
    a.objects.push_back(o);
    if (!store.save(a).ok() || !store.save(ImageAnnotations{"b.png", 8, 8, {}}).ok())
        qFatal("cannot save the fixture");
    LabelSet labels;
    labels.add("ring");
    return labels;
}

QPushButton* exportButton(ExportDialog& d) {
    return d.findChild<QPushButton*>(QStringLiteral("exportButton"));
}

// Answers the next "folder is not empty" question with `button` once it is shown.
void answerOverwrite(QMessageBox::StandardButton button) {
    QTimer::singleShot(0, [button] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        QVERIFY(box);
        QCOMPARE(box->objectName(), QStringLiteral("overwriteQuestion"));
        box->button(button)->click();
    });
}

}  // namespace

class TestExportDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void exportsEveryFormat_data();
    void exportsEveryFormat();
    void cocoOptionOnlyForCoco();
    void labelMeShapesOption();
    void asksBeforeNonEmptyFolder();
    void showsErrors();
    void exportsImagesInMemory();
};

void TestExportDialog::exportsEveryFormat_data() {
    QTest::addColumn<ExportFormat>("format");
    QTest::addColumn<QString>("file");
    QTest::newRow("png") << ExportFormat::Png << "masks/a/1_ring.png";
    QTest::newRow("coco") << ExportFormat::Coco << "annotations.json";
    QTest::newRow("yolo") << ExportFormat::Yolo << "labels/b.txt";
    QTest::newRow("labelme") << ExportFormat::LabelMe << "a.json";
}

void TestExportDialog::exportsEveryFormat() {
    QFETCH(ExportFormat, format);
    QFETCH(QString, file);
    QTemporaryDir dir;
    const QString images = dir.filePath("images");
    const LabelSet labels = makeFolder(images);
    ExportDialog dialog(images, labels);
    dialog.show();
    QVERIFY(exportButton(dialog)->isEnabled());
    dialog.setFormat(format);
    dialog.setOutputFolder(dir.filePath("out"));
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    QTest::mouseClick(exportButton(dialog), Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(0).toBool(), true);
    QVERIFY(QFileInfo(dir.filePath("out/" + file)).isFile());
    QVERIFY(dialog.report().has_value());
    QCOMPARE(dialog.report()->images, 2);
    QCOMPARE(dialog.report()->objects, 1);
    auto* progress = dialog.findChild<QProgressBar*>(QStringLiteral("progress"));
    QCOMPARE(progress->value(), progress->maximum());
    QCOMPARE(progress->maximum(), 2);
    QVERIFY(dialog.statusText().contains("Exported 2 image(s)"));
    QVERIFY(!dialog.isRunning());
    QVERIFY(exportButton(dialog)->isEnabled());
}

void TestExportDialog::cocoOptionOnlyForCoco() {
    QTemporaryDir dir;
    const LabelSet labels = makeFolder(dir.path());
    ExportDialog dialog(dir.path(), labels);
    auto* segmentation = dialog.findChild<QComboBox*>(QStringLiteral("cocoSegmentation"));
    dialog.setFormat(ExportFormat::Coco);
    QVERIFY(segmentation->isEnabled());
    dialog.setFormat(ExportFormat::Yolo);
    QVERIFY(!segmentation->isEnabled());
    QCOMPARE(dialog.format(), ExportFormat::Yolo);
    dialog.setFormat(ExportFormat::Coco);
    dialog.setCocoSegmentation(CocoSegmentation::Polygon);
    dialog.setOutputFolder(dir.filePath("out"));
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    dialog.startExport();
    QVERIFY(finished.wait(20000));
    QFile f(dir.filePath("out/annotations.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
    QVERIFY(doc["annotations"].toArray()[0].toObject()["segmentation"].isArray());
}

void TestExportDialog::labelMeShapesOption() {
    QTemporaryDir dir;
    const LabelSet labels = makeFolder(dir.path());
    ExportDialog dialog(dir.path(), labels);
    auto* shapes = dialog.findChild<QComboBox*>(QStringLiteral("labelMeShapes"));
    QVERIFY(shapes);
    dialog.setFormat(ExportFormat::Coco);
    QVERIFY(!shapes->isEnabled());
    dialog.setFormat(ExportFormat::LabelMe);
    QVERIFY(shapes->isEnabled());
    QCOMPARE(dialog.labelMeShapes(), LabelMeShapes::Mask);  // the exact one by default
    // Each choice reaches the files: mask shapes, then polygons.
    for (LabelMeShapes choice : {LabelMeShapes::Mask, LabelMeShapes::Polygon}) {
        dialog.setLabelMeShapes(choice);
        const QString out = dir.filePath(choice == LabelMeShapes::Mask ? "masks" : "polygons");
        dialog.setOutputFolder(out);
        QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
        dialog.startExport();
        QVERIFY(finished.wait(20000));
        QFile f(out + "/a.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
        const QJsonArray list = doc["shapes"].toArray();
        QVERIFY(!list.isEmpty());
        QCOMPARE(list[0].toObject()["shape_type"].toString(),
                 QString(choice == LabelMeShapes::Mask ? "mask" : "polygon"));
    }
}

void TestExportDialog::asksBeforeNonEmptyFolder() {
    QTemporaryDir dir;
    const QString images = dir.filePath("images");
    const LabelSet labels = makeFolder(images);
    const QString out = dir.filePath("out");
    QDir().mkpath(out);
    QFile mine(out + "/mine.txt");
    QVERIFY(mine.open(QIODevice::WriteOnly));
    mine.close();
    ExportDialog dialog(images, labels);
    dialog.show();
    dialog.setFormat(ExportFormat::Yolo);
    dialog.setOutputFolder(out);
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);

    answerOverwrite(QMessageBox::No);
    QTest::mouseClick(exportButton(dialog), Qt::LeftButton);
    QVERIFY(!dialog.isRunning());
    QCOMPARE(finished.count(), 0);
    QVERIFY(!QFileInfo::exists(out + "/data.yaml"));

    answerOverwrite(QMessageBox::Yes);
    QTest::mouseClick(exportButton(dialog), Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(0).toBool(), true);
    QVERIFY(QFileInfo::exists(out + "/data.yaml"));
    QVERIFY(QFileInfo::exists(out + "/mine.txt"));
}

void TestExportDialog::showsErrors() {
    QTemporaryDir dir;
    const QString images = dir.filePath("images");
    const LabelSet labels = makeFolder(images);
    // Corrupt one annotation file: the export names it and fails.
    QFile bad(images + "/.samdesk/annotations/b.png.json");
    QVERIFY(bad.open(QIODevice::WriteOnly | QIODevice::Truncate));
    bad.write("{");
    bad.close();
    ExportDialog dialog(images, labels);
    dialog.setOutputFolder(dir.filePath("out"));
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    dialog.startExport();
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY(dialog.statusText().startsWith("Export failed"));
    QVERIFY(dialog.statusText().contains("b.png.json"));
    QVERIFY(!dialog.report().has_value());
    // No folder chosen: nothing starts.
    dialog.setOutputFolder(QString());
    dialog.startExport();
    QVERIFY(!dialog.isRunning());
    QVERIFY(dialog.statusText().contains("output folder"));
}

void TestExportDialog::exportsImagesInMemory() {
    QTemporaryDir dir;
    const LabelSet labels = makeFolder(dir.path());
    auto a = AnnotationStore(dir.path().toStdString()).load("a.png");
    QVERIFY(a.ok() && a->has_value());
    ExportDialog dialog({**a}, dir.path(), labels);
    dialog.setFormat(ExportFormat::Png);
    dialog.setOutputFolder(dir.filePath("out"));
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    dialog.startExport();
    QVERIFY(finished.wait(20000));
    QCOMPARE(dialog.report()->images, 1);
    QVERIFY(QFileInfo(dir.filePath("out/instances/a.png")).isFile());
    QVERIFY(!QFileInfo::exists(dir.filePath("out/instances/b.png")));
}

QTEST_MAIN(TestExportDialog)
#include "tst_exportdialog.moc"
