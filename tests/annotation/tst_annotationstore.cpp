// The autosave store and its JSON: round trips (with prompts and the hand-edited flag of version
// 2), version 1 files, files of a newer samdesk left untouched, the folder layout, corrupt files
// kept aside, atomic writes that leave the old file intact when they fail, and the folder's
// labels.
#include <QtTest>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "core/annotation/annotationjson.h"
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

// An object as SAM made it and the user then brushed over.
ObjectPrompts samPrompts() {
    ObjectPrompts p;
    p.points = {{12.5, 7.25, true}, {3.0, 40.125, false}, {63.9, 0.1, true}};
    p.box = PromptBox{1.5, 2.0, 60.25, 47.75};
    p.candidate = 2;
    p.threshold = -0.3125;
    p.maskInput = true;
    p.engine = "SAM vit_b";
    p.checkpoint = "sha256:01ab";
    return p;
}

// A version 1 file as the version 1 writer wrote it: no "prompts", no "hand_edited".
const char* const kVersion1File = R"({
 "format": "samdesk-annotations",
 "height": 2,
 "image": "a.png",
 "objects": [
  {
   "color": null,
   "id": 3,
   "label": "cat",
   "mask": {
    "counts": "04",
    "size": [
     2,
     2
    ]
   },
   "score": 0.5,
   "source": "sam",
   "visible": true
  }
 ],
 "version": 1,
 "width": 2
}
)";

// A version 2 file of one 2x2 object whose "prompts" (and "hand_edited") are given as JSON.
std::string version2File(const std::string& prompts, const std::string& handEdited = "false") {
    return R"({"format": "samdesk-annotations", "version": 2, "image": "a.png", "width": 2,
               "height": 2, "objects": [{"id": 1, "label": "x", "hand_edited": )" +
           handEdited + (prompts.empty() ? std::string() : ", \"prompts\": " + prompts) +
           R"(, "mask": {"size": [2, 2], "counts": "04"}}]})";
}

const char* const kGoodPrompts =
    R"({"points": [[1, 1.5, 1], [0.5, 0, 0]], "box": [0, 0, 2, 2], "candidate": 1,
        "threshold": 0.5, "mask_input": false, "engine": "SAM vit_b", "checkpoint": "c"})";

std::vector<fs::path> corruptCopies(const fs::path& folder) {
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(folder))
        if (e.path().filename().string().find(".corrupt-") != std::string::npos)
            found.push_back(e.path());
    return found;
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
    void jsonRoundTripWithPrompts();
    void version1FileLoads();
    void promptsParsed();
    void rejectsMistypedPrompts_data();
    void rejectsMistypedPrompts();
    void newerVersionRefused();
    void newerFileIsNeverTouched();
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

void TestAnnotationStore::jsonRoundTripWithPrompts() {
    ImageAnnotations a = sample("a.png");
    a.objects[0].prompts = samPrompts();
    a.objects[0].handEdited = true;
    ObjectPrompts grabCut;
    grabCut.box = PromptBox{0, 0, 10, 10};
    grabCut.engine = "GrabCut";
    a.objects[1].prompts = grabCut;  // no points, an empty checkpoint
    AnnotationObject brushed;
    brushed.id = 9;
    brushed.mask = testmasks::onePixel(64, 48, 3, 3);
    brushed.source = source::kBrush;
    a.objects.push_back(brushed);  // no prompts, not hand-edited

    const std::string text = annotationsToJson(a);
    QVERIFY(text.find("\"version\": 2") != std::string::npos);
    QVERIFY(text.find("\"mask_input\": true") != std::string::npos);
    // "prompts" only for the objects that have them; "hand_edited" for every object.
    std::size_t prompts = 0, handEdited = 0;
    for (auto at = text.find("\"prompts\""); at != std::string::npos;
         at = text.find("\"prompts\"", at + 1))
        ++prompts;
    for (auto at = text.find("\"hand_edited\""); at != std::string::npos;
         at = text.find("\"hand_edited\"", at + 1))
        ++handEdited;
    QCOMPARE(prompts, std::size_t{2});
    QCOMPARE(handEdited, std::size_t{3});

    auto back = annotationsFromJson(text, "a.png.json");
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QCOMPARE(back->objects.size(), std::size_t{3});
    const AnnotationObject& sam = back->objects[0];
    QVERIFY(sam.prompts.has_value());
    QCOMPARE(sam.prompts->points.size(), std::size_t{3});
    QCOMPARE(sam.prompts->points[1].x, 3.0);
    QCOMPARE(sam.prompts->points[1].y, 40.125);
    QCOMPARE(sam.prompts->points[1].foreground, false);
    QCOMPARE(sam.prompts->points[2].foreground, true);
    QVERIFY(sam.prompts->box.has_value());
    QCOMPARE(sam.prompts->box->x1, 60.25);
    QCOMPARE(sam.prompts->candidate, 2);
    QCOMPARE(sam.prompts->threshold, -0.3125);
    QCOMPARE(sam.prompts->maskInput, true);
    QCOMPARE(sam.prompts->engine, std::string("SAM vit_b"));
    QCOMPARE(sam.prompts->checkpoint, std::string("sha256:01ab"));
    QCOMPARE(sam.handEdited, true);
    QVERIFY(back->objects[1].prompts == grabCut);
    QCOMPARE(back->objects[1].handEdited, false);
    QVERIFY(!back->objects[2].prompts.has_value());
    QCOMPARE(back->objects[2].handEdited, false);
    QVERIFY(back.value() == a);
    QCOMPARE(annotationFileVersion(text, "a.png.json").value(), 2);

    // And through the store.
    QTemporaryDir dir;
    AnnotationStore store(dir.path().toStdString());
    QVERIFY(store.save(a).ok());
    auto loaded = store.load("a.png");
    QVERIFY(loaded.ok() && loaded->has_value());
    QVERIFY(**loaded == a);
}

void TestAnnotationStore::version1FileLoads() {
    auto parsed = annotationsFromJson(kVersion1File, "a.png.json");
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
    QCOMPARE(parsed->objects.size(), std::size_t{1});
    const AnnotationObject& o = parsed->objects[0];
    QCOMPARE(o.id, 3);
    QCOMPARE(o.label, std::string("cat"));
    QCOMPARE(o.mask.area(), std::size_t{4});
    QCOMPARE(o.score, 0.5);
    QVERIFY(!o.prompts.has_value());
    QCOMPARE(o.handEdited, false);
    QCOMPARE(annotationFileVersion(kVersion1File, "a.png.json").value(), 1);

    // In the store: loads, and the next save replaces it with version 2 (nothing set aside).
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    AnnotationStore store(folder);
    const fs::path file = folder / ".samdesk/annotations/a.png.json";
    writeText(file, kVersion1File);
    auto loaded = store.load("a.png");
    QVERIFY(loaded.ok() && loaded->has_value());
    QVERIFY(**loaded == parsed.value());
    fs::path aside;
    QVERIFY(store.save(**loaded, &aside).ok());
    QVERIFY(aside.empty());
    QVERIFY(readAll(file).find("\"version\": 2") != std::string::npos);
    QVERIFY(corruptCopies(file.parent_path()).empty());
}

void TestAnnotationStore::promptsParsed() {
    auto a = annotationsFromJson(version2File(kGoodPrompts, "true"), "a.png.json");
    QVERIFY2(a.ok(), a.ok() ? "" : a.error().message.c_str());
    const AnnotationObject& o = a->objects[0];
    QVERIFY(o.prompts.has_value());
    QCOMPARE(o.prompts->points.size(), std::size_t{2});
    QCOMPARE(o.prompts->points[0], (PromptPoint{1, 1.5, true}));
    QCOMPARE(o.prompts->points[1], (PromptPoint{0.5, 0, false}));
    QCOMPARE(*o.prompts->box, (PromptBox{0, 0, 2, 2}));
    QCOMPARE(o.prompts->candidate, 1);
    QCOMPARE(o.prompts->threshold, 0.5);
    QCOMPARE(o.handEdited, true);
    // No "prompts" (or null) is an object without prompts; a null box is no box.
    auto none = annotationsFromJson(version2File(""), "a.png.json");
    QVERIFY(none.ok() && !none->objects[0].prompts.has_value());
    auto null = annotationsFromJson(version2File("null"), "a.png.json");
    QVERIFY(null.ok() && !null->objects[0].prompts.has_value());
    std::string noBox = kGoodPrompts;
    noBox.replace(noBox.find("[0, 0, 2, 2]"), 12, "null");
    auto boxless = annotationsFromJson(version2File(noBox), "a.png.json");
    QVERIFY(boxless.ok() && boxless->objects[0].prompts.has_value());
    QVERIFY(!boxless->objects[0].prompts->box.has_value());
}

void TestAnnotationStore::rejectsMistypedPrompts_data() {
    QTest::addColumn<QString>("from");  // a piece of kGoodPrompts...
    QTest::addColumn<QString>("to");    // ...replaced by this
    QTest::addColumn<QString>("why");   // expected in the message
    QTest::newRow("points not a list") << R"([[1, 1.5, 1], [0.5, 0, 0]])"
                                       << "7"
                                       << "points";
    QTest::newRow("point of two") << "[0.5, 0, 0]"
                                  << "[0.5, 0]"
                                  << "point";
    QTest::newRow("point label 2") << "[0.5, 0, 0]"
                                   << "[0.5, 0, 2]"
                                   << "label 2";
    QTest::newRow("point label -1") << "[0.5, 0, 0]"
                                    << "[0.5, 0, -1]"
                                    << "label -1";
    QTest::newRow("point label bool") << "[0.5, 0, 0]"
                                      << "[0.5, 0, true]"
                                      << "point";
    QTest::newRow("point x string") << "[0.5, 0, 0]"
                                    << R"(["0.5", 0, 0])"
                                    << "point";
    QTest::newRow("box of three") << "[0, 0, 2, 2]"
                                  << "[0, 0, 2]"
                                  << "box";
    QTest::newRow("box a string") << "[0, 0, 2, 2]"
                                  << R"("0 0 2 2")"
                                  << "box";
    QTest::newRow("box inverted") << "[0, 0, 2, 2]"
                                  << "[2, 0, 0, 2]"
                                  << "box";
    QTest::newRow("box missing") << R"("box": [0, 0, 2, 2], )"
                                 << ""
                                 << "box";
    QTest::newRow("candidate string") << R"("candidate": 1)"
                                      << R"("candidate": "1")"
                                      << "candidate";
    QTest::newRow("candidate negative") << R"("candidate": 1)"
                                        << R"("candidate": -1)"
                                        << "candidate";
    QTest::newRow("threshold string") << R"("threshold": 0.5)"
                                      << R"("threshold": "0.5")"
                                      << "threshold";
    QTest::newRow("mask_input a number") << R"("mask_input": false)"
                                         << R"("mask_input": 0)"
                                         << "mask_input";
    QTest::newRow("engine a number") << R"("engine": "SAM vit_b")"
                                     << R"("engine": 5)"
                                     << "engine";
    QTest::newRow("checkpoint missing") << R"(, "checkpoint": "c")"
                                        << ""
                                        << "checkpoint";
    QTest::newRow("prompts a list") << QString(kGoodPrompts) << "[]"
                                    << "prompts";
    QTest::newRow("hand_edited a string") << ""
                                          << ""
                                          << "hand_edited";
}

void TestAnnotationStore::rejectsMistypedPrompts() {
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, why);
    std::string prompts = kGoodPrompts;
    std::string handEdited = "false";
    if (from.isEmpty()) {
        handEdited = "\"yes\"";
    } else {
        const auto at = prompts.find(from.toStdString());
        QVERIFY(at != std::string::npos);
        prompts.replace(at, static_cast<std::size_t>(from.size()), to.toStdString());
    }
    auto a = annotationsFromJson(version2File(prompts, handEdited), "dir/a.png.json");
    QVERIFY(!a.ok());
    QCOMPARE(a.error().kind, Error::Kind::Format);
    const std::string& m = a.error().message;
    QVERIFY2(m.find("dir/a.png.json, object 1") != std::string::npos, m.c_str());
    QVERIFY2(m.find(why.toStdString()) != std::string::npos, m.c_str());
}

void TestAnnotationStore::newerVersionRefused() {
    std::string text = version2File(kGoodPrompts);
    text.replace(text.find("\"version\": 2"), 12, "\"version\": 3");
    auto a = annotationsFromJson(text, "a.png.json");
    QVERIFY(!a.ok());
    QCOMPARE(a.error().kind, Error::Kind::Format);
    QVERIFY2(a.error().message.find("newer") != std::string::npos, a.error().message.c_str());
    QVERIFY(!checkAnnotationsJson(text, "a.png.json").ok());
    QCOMPARE(annotationFileVersion(text, "a.png.json").value(), 3);
    QVERIFY(!annotationFileVersion("{\"format\": \"samdesk-labels\", \"version\": 1}", "x").ok());
    QVERIFY(!annotationFileVersion("{", "x").ok());
    // The labels file stays at version 1.
    LabelSet labels;
    labels.add("cat");
    const std::string labelsText = labelsToJson(labels);
    QVERIFY(labelsText.find("\"version\": 1") != std::string::npos);
    QVERIFY(labelsFromJson(labelsText, "labels.json").ok());
}

void TestAnnotationStore::newerFileIsNeverTouched() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    AnnotationStore store(folder);
    const fs::path file = folder / ".samdesk/annotations/a.png.json";
    // A version 3 file with a field this samdesk does not know.
    const std::string newer =
        R"({"format": "samdesk-annotations", "version": 3, "image": "a.png", "width": 64,
            "height": 48, "objects": [], "layers": [{"id": 1}]})";
    writeText(file, newer);

    auto loaded = store.load("a.png");
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().kind, Error::Kind::Format);
    QVERIFY(loaded.error().message.find(file.string()) != std::string::npos);
    QVERIFY(loaded.error().message.find("newer samdesk") != std::string::npos);

    fs::path aside;
    const Status st = store.save(sample("a.png"), &aside);
    QVERIFY(!st.ok());
    QCOMPARE(st.error().kind, Error::Kind::Format);
    const std::string& m = st.error().message;
    QVERIFY2(
        m.find(file.string() + ": written by a newer samdesk (file version 3") != std::string::npos,
        m.c_str());
    QVERIFY2(m.find("left untouched") != std::string::npos, m.c_str());
    QVERIFY(aside.empty());
    QCOMPARE(readAll(file), newer);  // byte for byte
    QVERIFY(corruptCopies(file.parent_path()).empty());
    QVERIFY(!store.save(sample("a.png")).ok());  // and again
    QCOMPARE(readAll(file), newer);
    QCOMPARE(store.annotatedImages(), std::vector<std::string>{"a.png"});

    // A broken file that merely claims version 3 is still newer: left alone as well.
    const std::string broken = R"({"format": "samdesk-annotations", "version": 3, "objects": 7})";
    writeText(file, broken);
    QVERIFY(!store.save(sample("a.png")).ok());
    QCOMPARE(readAll(file), broken);
    // A corrupt version 2 file is moved aside as before.
    writeText(file, version2File("[]"));
    QVERIFY(store.save(sample("a.png"), &aside).ok());
    QVERIFY(!aside.empty());
    QCOMPARE(corruptCopies(file.parent_path()).size(), std::size_t{1});
    QCOMPARE(readAll(aside), version2File("[]"));
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
    QVERIFY(text.find("\"version\": 2") != std::string::npos);
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
    // (A newer version is not corrupt: see newerFileIsNeverTouched.)
    QTest::newRow("bad version") << QByteArray(
        "{\"format\": \"samdesk-annotations\", \"version\": 0, \"image\": "
        "\"a.png\", \"width\": 2, \"height\": 2, \"objects\": []}");
    QTest::newRow("bad prompts") << QByteArray(
        "{\"format\": \"samdesk-annotations\", \"version\": 2, \"image\": "
        "\"a.png\", \"width\": 2, \"height\": 2, \"objects\": [{\"id\": 1, "
        "\"label\": \"x\", \"prompts\": {\"points\": [[0, 0, 5]]}, "
        "\"mask\": {\"size\": [2, 2], \"counts\": \"04\"}}]}");
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
    QVERIFY(readAll(folder / ".samdesk/labels.json").find("\"version\": 1") != std::string::npos);
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
