// The autosave store: round trips, the folder layout, corrupt files kept aside, atomic writes
// that leave the old file intact when they fail, and the folder's labels.
#include <QtTest>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "core/annotation/annotationstore.h"
#include "core/common/atomicfile.h"
#include "tests/annotation/testmasks.h"

using namespace samdesk;
namespace fs = std::filesystem;

namespace {

ImageAnnotations sample(const std::string& imageFile, int w = 64, int h = 48) {
    ImageAnnotations a;
    a.imageFile = imageFile;
    a.width = w;
    a.height = h;
    AnnotationObject ring;
    ring.id = 1;
    ring.label = "donut";
    ring.mask = testmasks::withHoles(w, h);
    ring.source = source::kSam;
    ring.score = 0.9137254901960784;
    AnnotationObject dot;
    dot.id = 7;
    dot.label = "";
    dot.mask = testmasks::onePixel(w, h, w - 1, h - 1);
    dot.visible = false;
    dot.color = Rgb{1, 2, 250};
    dot.source = source::kGrabCut;
    dot.score = 1.0;
    a.objects = {ring, dot};
    return a;
}

std::string readAll(const fs::path& p) {
    auto text = readFile(p);
    return text ? text.value() : std::string("<unreadable>");
}

void writeText(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

class TestAnnotationStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip();
    void layoutAndListing();
    void missingImageHasNoAnnotations();
    void corruptFileIsKeptAside_data();
    void corruptFileIsKeptAside();
    void failedWriteKeepsOldFile();
    void rejectsNamesOutsideFolder_data();
    void rejectsNamesOutsideFolder();
    void rejectsInconsistentAnnotations();
    void singleImageUsesItsFolder();
    void labelsSeededAndSaved();
    void corruptLabelsReported();
};

void TestAnnotationStore::roundTrip() {
    QTemporaryDir dir;
    AnnotationStore store(dir.path().toStdString());
    const ImageAnnotations a = sample("a.png");
    QVERIFY(store.save(a).ok());
    auto back = store.load("a.png");
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QVERIFY(back->has_value());
    const ImageAnnotations& b = **back;
    QCOMPARE(b.objects.size(), std::size_t{2});
    QVERIFY(b.objects[0].mask == a.objects[0].mask);  // holes survive
    QCOMPARE(b.objects[1].color, a.objects[1].color);
    QCOMPARE(b.objects[1].visible, false);
    QCOMPARE(b.objects[0].score, a.objects[0].score);
    QCOMPARE(b.objects[0].source, std::string("sam"));
    QVERIFY(b == a);
    QCOMPARE(b.nextObjectId(), 8);
    // Saving again overwrites in place; an image with no objects is still saved (reviewed).
    ImageAnnotations empty = a;
    empty.objects.clear();
    QVERIFY(store.save(empty).ok());
    back = store.load("a.png");
    QVERIFY(back.ok() && back->has_value());
    QVERIFY((*back)->objects.empty());
    QCOMPARE((*back)->width, 64);
}

void TestAnnotationStore::layoutAndListing() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    AnnotationStore store(folder);
    QVERIFY(store.annotatedImages().empty());
    QVERIFY(store.save(sample("b.jpg")).ok());
    QVERIFY(store.save(sample("sub/c.png")).ok());
    QVERIFY(store.save(sample("a.png")).ok());
    QVERIFY(fs::is_regular_file(folder / ".samdesk/annotations/a.png.json"));
    QVERIFY(fs::is_regular_file(folder / ".samdesk/annotations/sub/c.png.json"));
    // A leftover temporary file and a moved-aside corrupt file are not annotated images.
    writeText(folder / ".samdesk/annotations/.x.png.json.tmp-1234", "{");
    writeText(folder / ".samdesk/annotations/x.png.json.corrupt-20240101-000000", "{");
    QCOMPARE(store.annotatedImages(), (std::vector<std::string>{"a.png", "b.jpg", "sub/c.png"}));
    QVERIFY(store.hasAnnotations("b.jpg"));
    QVERIFY(!store.hasAnnotations("x.png"));
    QVERIFY(store.remove("b.jpg").ok());
    QVERIFY(store.remove("b.jpg").ok());  // already gone: fine
    QCOMPARE(store.annotatedImages(), (std::vector<std::string>{"a.png", "sub/c.png"}));
    // The file is the documented format.
    const std::string text = readAll(folder / ".samdesk/annotations/a.png.json");
    QVERIFY(text.find("\"format\": \"samdesk-annotations\"") != std::string::npos);
    QVERIFY(text.find("\"version\": 1") != std::string::npos);
    QVERIFY(text.find(testmasks::withHoles().toRleString()) != std::string::npos);
}

void TestAnnotationStore::missingImageHasNoAnnotations() {
    QTemporaryDir dir;
    AnnotationStore store(dir.path().toStdString());
    auto none = store.load("nothing.png");
    QVERIFY(none.ok());
    QVERIFY(!none->has_value());
}

void TestAnnotationStore::corruptFileIsKeptAside_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("truncated") << QByteArray("{\"format\": \"samdesk-annotations\", \"vers");
    QTest::newRow("not ours") << QByteArray("{\"hello\": 1}");
    QTest::newRow("newer version") << QByteArray(
        "{\"format\": \"samdesk-annotations\", \"version\": 99, \"image\": "
        "\"a.png\", \"width\": 2, \"height\": 2, \"objects\": []}");
    QTest::newRow("broken rle") << QByteArray(
        "{\"format\": \"samdesk-annotations\", \"version\": 1, \"image\": "
        "\"a.png\", \"width\": 2, \"height\": 2, \"objects\": [{\"id\": 1, "
        "\"label\": \"x\", \"mask\": {\"size\": [2, 2], \"counts\": \"05\"}}]}");
    QTest::newRow("mask size differs") << QByteArray(
        "{\"format\": \"samdesk-annotations\", \"version\": 1, \"image\": "
        "\"a.png\", \"width\": 2, \"height\": 2, \"objects\": [{\"id\": 1, "
        "\"label\": \"x\", \"mask\": {\"size\": [3, 2], \"counts\": \"06\"}}]}");
    QTest::newRow("another image's file") << QByteArray(
        "{\"format\": \"samdesk-annotations\", \"version\": 1, \"image\": "
        "\"other.png\", \"width\": 2, \"height\": 2, \"objects\": []}");
    QTest::newRow("binary junk") << QByteArray("\x00\x01\x02\xff", 4);
}

void TestAnnotationStore::corruptFileIsKeptAside() {
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    AnnotationStore store(folder);
    const fs::path file = folder / ".samdesk/annotations/a.png.json";
    writeText(file, content.toStdString());

    auto loaded = store.load("a.png");
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().kind, Error::Kind::Format);
    QVERIFY(loaded.error().message.find(file.string()) != std::string::npos);
    QCOMPARE(readAll(file), content.toStdString());  // loading never touches it

    fs::path aside;
    QVERIFY(store.save(sample("a.png"), &aside).ok());
    QVERIFY(!aside.empty());
    QVERIFY(aside.filename().string().starts_with("a.png.json.corrupt-"));
    QCOMPARE(readAll(aside), content.toStdString());  // kept, byte for byte
    auto back = store.load("a.png");
    QVERIFY(back.ok() && back->has_value());
    QVERIFY(**back == sample("a.png"));
    QCOMPARE(store.annotatedImages(), std::vector<std::string>{"a.png"});

    // A good file is simply replaced, nothing set aside.
    fs::path none;
    QVERIFY(store.save(sample("a.png"), &none).ok());
    QVERIFY(none.empty());
}

void TestAnnotationStore::failedWriteKeepsOldFile() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    AnnotationStore store(folder);
    ImageAnnotations small = sample("a.png");
    small.objects.resize(1);
    QVERIFY(store.save(small).ok());
    const fs::path file = folder / ".samdesk/annotations/a.png.json";
    const std::string before = readAll(file);

    // A big save under a file-size limit below its size: write(2) fails like on a full disk
    // (this also works as root, unlike a read-only folder).
    ImageAnnotations big = sample("a.png", 400, 300);
    for (int i = 0; i < 40; ++i) {
        AnnotationObject o;
        o.id = 100 + i;
        o.label = "noise";
        o.mask = testmasks::noise(400, 300, static_cast<unsigned>(i));
        big.objects.push_back(o);
    }
    struct rlimit old {};
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
    const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit limited = old;
    limited.rlim_cur = static_cast<rlim_t>(before.size() + 4096);
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &limited), 0);
    const Status st = store.save(big);
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, oldHandler);

    QVERIFY(!st.ok());
    QCOMPARE(st.error().kind, Error::Kind::Io);
    QVERIFY(st.error().message.find(file.string()) != std::string::npos);
    QCOMPARE(readAll(file), before);
    // No temporary file is left behind.
    int entries = 0;
    for (const auto& e : fs::directory_iterator(file.parent_path())) {
        Q_UNUSED(e);
        ++entries;
    }
    QCOMPARE(entries, 1);
    auto back = store.load("a.png");
    QVERIFY(back.ok() && back->has_value());
    QVERIFY(**back == small);
}

void TestAnnotationStore::rejectsNamesOutsideFolder_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("empty") << "";
    QTest::newRow("parent") << "../x.png";
    QTest::newRow("sneaky parent") << "sub/../../x.png";
    QTest::newRow("absolute") << "/etc/x.png";
    QTest::newRow("data folder") << ".samdesk/labels.png";
}

void TestAnnotationStore::rejectsNamesOutsideFolder() {
    QFETCH(QString, name);
    QTemporaryDir dir;
    AnnotationStore store(dir.path().toStdString());
    QVERIFY(!store.annotationPath(name.toStdString()).ok());
    QVERIFY(!store.load(name.toStdString()).ok());
    QCOMPARE(store.save(sample(name.toStdString())).error().kind, Error::Kind::InvalidInput);
}

void TestAnnotationStore::rejectsInconsistentAnnotations() {
    QTemporaryDir dir;
    AnnotationStore store(dir.path().toStdString());
    ImageAnnotations a = sample("a.png");
    a.objects[1].mask = BinaryMask(10, 10);
    const Status st = store.save(a);
    QVERIFY(!st.ok());
    QVERIFY(st.error().message.find("object 7") != std::string::npos);
    a = sample("a.png");
    a.objects[1].id = 1;
    QVERIFY(!store.save(a).ok());
    QVERIFY(!store.hasAnnotations("a.png"));
}

void TestAnnotationStore::singleImageUsesItsFolder() {
    QTemporaryDir dir;
    const fs::path image = fs::path(dir.path().toStdString()) / "photo.jpg";
    AnnotationStore store = AnnotationStore::forImage(image);
    QCOMPARE(store.folder(), image.parent_path());
    QVERIFY(store.save(sample("photo.jpg")).ok());
    QVERIFY(fs::is_regular_file(image.parent_path() / ".samdesk/annotations/photo.jpg.json"));
}

void TestAnnotationStore::labelsSeededAndSaved() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    AnnotationStore store(folder);
    auto none = store.loadLabels();
    QVERIFY(none.ok() && none->isEmpty());

    writeText(folder / "classes.txt", "cat\ndog\n");
    auto seeded = store.loadLabels();
    QVERIFY(seeded.ok());
    QCOMPARE(seeded->size(), std::size_t{2});
    QCOMPARE(seeded->labels()[1].name, std::string("dog"));
    QCOMPARE(seeded->labels()[1].id, 2);

    // The user recolours and renames; saved labels keep ids and colours.
    LabelSet edited = seeded.value();
    QVERIFY(edited.setColor("cat", Rgb{0, 0, 0}));
    QVERIFY(edited.rename("dog", "puppy"));
    QVERIFY(edited.add("bird"));
    QVERIFY(store.saveLabels(edited).ok());
    QVERIFY(fs::is_regular_file(folder / ".samdesk/labels.json"));
    // classes.txt still lists "dog": it is appended again, after the saved labels.
    auto back = store.loadLabels();
    QVERIFY(back.ok());
    QCOMPARE(back->size(), std::size_t{4});
    QCOMPARE(back->find("cat")->color, (Rgb{0, 0, 0}));
    QCOMPARE(back->find("puppy")->id, 2);
    QCOMPARE(back->find("bird")->id, 3);
    QCOMPARE(back->find("dog")->id, 4);
}

void TestAnnotationStore::corruptLabelsReported() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    AnnotationStore store(folder);
    writeText(folder / ".samdesk/labels.json", "{\"format\": \"samdesk-labels\"");
    auto labels = store.loadLabels();
    QVERIFY(!labels.ok());
    QCOMPARE(labels.error().kind, Error::Kind::Format);
    LabelSet set;
    set.add("a");
    QVERIFY(store.saveLabels(set).ok());
    int aside = 0;
    for (const auto& e : fs::directory_iterator(folder / ".samdesk"))
        aside += e.path().filename().string().starts_with("labels.json.corrupt-") ? 1 : 0;
    QCOMPARE(aside, 1);
    QVERIFY(store.loadLabels().ok());
}

QTEST_GUILESS_MAIN(TestAnnotationStore)
#include "tst_annotationstore.moc"
