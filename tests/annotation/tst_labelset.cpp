// Labels: stable ids, colours, the labels file that seeds a folder's set.
#include <QtTest>

#include <fstream>

#include "core/annotation/labelset.h"

using namespace samdesk;

class TestLabelSet : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void idsAreStable();
    void colours();
    void labelsFile_data();
    void labelsFile();
    void labelsTxtWinsOverClassesTxt();
    void fromLabelsRejectsDuplicates();
};

void TestLabelSet::idsAreStable() {
    LabelSet set;
    QCOMPARE(set.add("cat")->id, 1);
    QCOMPARE(set.add("dog")->id, 2);
    QCOMPARE(set.add(" cat ")->id, 1);  // trimmed, already there
    QVERIFY(set.add("   ") == nullptr);
    QCOMPARE(set.add("bird")->id, 3);
    QVERIFY(set.remove("dog"));
    QCOMPARE(set.findId(3)->name, std::string("bird"));
    QCOMPARE(set.add("fish")->id, 4);  // never reuses a lower id while a higher one exists
    QVERIFY(set.rename("bird", "parrot"));
    QCOMPARE(set.find("parrot")->id, 3);
    QVERIFY(!set.rename("parrot", "cat"));  // taken
    QVERIFY(!set.rename("nope", "x"));
    QCOMPARE(set.indexOf("cat"), 0);
    QCOMPARE(set.indexOf("parrot"), 1);
    QCOMPARE(set.indexOf("fish"), 2);
    QCOMPARE(set.indexOf("dog"), -1);
}

void TestLabelSet::colours() {
    QCOMPARE((Rgb{255, 0, 16}).toHex(), std::string("#ff0010"));
    QCOMPARE(Rgb::fromHex("#FF0010"), std::optional<Rgb>(Rgb{255, 0, 16}));
    QCOMPARE(Rgb::fromHex("0a0b0c"), std::optional<Rgb>(Rgb{10, 11, 12}));
    QVERIFY(!Rgb::fromHex("#ff00"));
    QVERIFY(!Rgb::fromHex("#gg0000"));
    QVERIFY(LabelSet::paletteColor(1) != LabelSet::paletteColor(2));
    LabelSet set;
    QCOMPARE(set.add("a")->color, LabelSet::paletteColor(1));
    QCOMPARE(set.add("b", Rgb{1, 2, 3})->color, (Rgb{1, 2, 3}));
    QVERIFY(set.setColor("a", Rgb{9, 9, 9}));
    QCOMPARE(set.find("a")->color, (Rgb{9, 9, 9}));
}

void TestLabelSet::labelsFile_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("plain") << QByteArray("cat\ndog\n") << QStringList{"cat", "dog"};
    QTest::newRow("crlf, blanks, comments, bom")
        << QByteArray("\xEF\xBB\xBF# classes\r\ncat\r\n\r\n  dog  \r\n#x\r\ncat\r\nhot dog")
        << QStringList{"cat", "dog", "hot dog"};
    QTest::newRow("empty") << QByteArray("") << QStringList{};
}

void TestLabelSet::labelsFile() {
    QFETCH(QByteArray, text);
    QFETCH(QStringList, names);
    QTemporaryDir dir;
    QFile f(dir.filePath("labels.txt"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
    f.close();
    const auto found = LabelSet::findLabelsFile(dir.path().toStdString());
    QVERIFY(found.has_value());
    auto set = LabelSet::fromLabelsFile(*found);
    QVERIFY(set.ok());
    QCOMPARE(static_cast<int>(set->size()), names.size());
    for (int i = 0; i < names.size(); ++i) {
        QCOMPARE(QString::fromStdString(set->labels()[i].name), names[i]);
        QCOMPARE(set->labels()[i].id, i + 1);
    }
    QCOMPARE(set->toLabelsText(),
             names.isEmpty() ? std::string() : (names.join('\n') + '\n').toStdString());
}

void TestLabelSet::labelsTxtWinsOverClassesTxt() {
    QTemporaryDir dir;
    QVERIFY(!LabelSet::findLabelsFile(dir.path().toStdString()));
    std::ofstream(dir.filePath("classes.txt").toStdString()) << "a\n";
    QCOMPARE(LabelSet::findLabelsFile(dir.path().toStdString())->filename().string(),
             std::string("classes.txt"));
    std::ofstream(dir.filePath("labels.txt").toStdString()) << "b\n";
    QCOMPARE(LabelSet::findLabelsFile(dir.path().toStdString())->filename().string(),
             std::string("labels.txt"));
    auto missing = LabelSet::fromLabelsFile(dir.filePath("nope.txt").toStdString());
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().kind, Error::Kind::Io);
}

void TestLabelSet::fromLabelsRejectsDuplicates() {
    QVERIFY(LabelSet::fromLabels({{1, "a", {}}, {5, "b", {}}}).ok());
    QCOMPARE(LabelSet::fromLabels({{1, "a", {}}, {5, "b", {}}})->add("c")->id, 6);
    QVERIFY(!LabelSet::fromLabels({{1, "a", {}}, {1, "b", {}}}).ok());
    QVERIFY(!LabelSet::fromLabels({{1, "a", {}}, {2, "a", {}}}).ok());
    QVERIFY(!LabelSet::fromLabels({{0, "a", {}}}).ok());
    QVERIFY(!LabelSet::fromLabels({{1, " ", {}}}).ok());
}

QTEST_GUILESS_MAIN(TestLabelSet)
#include "tst_labelset.moc"
