// The restricted pickle machine: what torch.save writes is understood, everything else is
// refused with the right error kind, and hostile programs hit the limits instead of memory.
#include <QtTest>

#include "core/checkpoint/picklemachine.h"
#include "tests/checkpoint/torchsave.h"

using namespace samdesk;
using samdesk::testing::PickleBuilder;

namespace {

std::span<const std::uint8_t> asBytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

Q_DECLARE_METATYPE(samdesk::Error::Kind)

class TestPickleMachine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stateDictWithTensor();
    void scalarsAndContainers();
    void memoSharesObjects();
    void refused_data();
    void refused();
    void limits_data();
    void limits();
};

void TestPickleMachine::stateDictWithTensor() {
    PickleBuilder p;
    p.proto().global("collections", "OrderedDict").emptyTuple().reduce().put(0).mark();
    p.string("w").tensor("HalfStorage", "7", 24, 4, {2, 3}, {1, 2});
    p.string("p").global("torch._utils", "_rebuild_parameter").mark();
    p.tensor("FloatStorage", "8", 5, 0, {5}, {1}).boolean(true).emptyDict().tuple().reduce();
    p.setItems().emptyDict().build().stop();  // BUILD with _metadata-like state is ignored
    PickleMachine machine("t.pkl");
    const auto root = machine.run(asBytes(p.bytes()));
    QVERIFY2(root.ok(), root.ok() ? "" : root.error().message.c_str());
    const PickleValue& d = *root.value();
    QCOMPARE(d.kind, PickleKind::Dict);
    QCOMPARE(int(d.dictSize()), 2);
    QCOMPARE(d.items[0]->text, std::string("w"));
    const PickleValue& w = *d.items[1];
    QCOMPARE(w.kind, PickleKind::Tensor);
    QCOMPARE(w.tensor->storage->text, std::string("7"));
    QCOMPARE(w.tensor->storage->dtype, DType::Float16);
    QCOMPARE(w.tensor->storage->integer, std::int64_t(24));
    QCOMPARE(w.tensor->storageOffset, std::int64_t(4));
    QCOMPARE(w.tensor->shape, (Shape{2, 3}));
    QCOMPARE(w.tensor->strides, (Shape{1, 2}));
    QCOMPARE(d.items[3]->kind, PickleKind::Tensor);  // a Parameter is its tensor
    QCOMPARE(d.items[3]->tensor->storage->dtype, DType::Float32);
}

void TestPickleMachine::scalarsAndContainers() {
    PickleBuilder p;
    p.proto().emptyDict().mark();
    p.string("small").integer(200).string("mid").integer(60000).string("neg").integer(-5);
    p.string("big").integer(std::int64_t(1) << 40).string("pi").real(3.25);
    p.string("none").none().string("yes").boolean(true);
    p.string("list").emptyList().mark().integer(1).integer(2).raw("e");  // APPENDS
    p.string("set").global("builtins", "set").mark().emptyList().integer(3).append().tuple();
    p.raw("R");
    p.string("size").global("torch", "Size").mark().mark().integer(4).integer(5).tuple();
    p.tuple().reduce();
    p.setItems().stop();
    PickleMachine machine("s.pkl");
    const auto root = machine.run(asBytes(p.bytes()));
    QVERIFY2(root.ok(), root.ok() ? "" : root.error().message.c_str());
    const auto& it = root.value()->items;
    QCOMPARE(int(it.size()), 20);
    QCOMPARE(it[1]->integer, std::int64_t(200));
    QCOMPARE(it[3]->integer, std::int64_t(60000));
    QCOMPARE(it[5]->integer, std::int64_t(-5));
    QCOMPARE(it[7]->integer, std::int64_t(1) << 40);
    QCOMPARE(it[9]->real, 3.25);
    QCOMPARE(it[11]->kind, PickleKind::None);
    QCOMPARE(it[13]->kind, PickleKind::Bool);
    QCOMPARE(it[13]->integer, std::int64_t(1));
    QCOMPARE(int(it[15]->items.size()), 2);
    QCOMPARE(int(it[17]->items.size()), 1);
    QCOMPARE(it[17]->items[0]->integer, std::int64_t(3));
    QCOMPARE(it[19]->kind, PickleKind::Tuple);
    QCOMPARE(it[19]->items[1]->integer, std::int64_t(5));
}

void TestPickleMachine::memoSharesObjects() {
    // BINPUT then BINGET yields the same object, as in Python (mutations are shared).
    PickleBuilder p;
    p.proto().emptyList().put(3).get(3).integer(9).append().raw("\x86").stop();  // TUPLE2
    PickleMachine machine("m.pkl");
    const auto root = machine.run(asBytes(p.bytes()));
    QVERIFY2(root.ok(), root.ok() ? "" : root.error().message.c_str());
    QCOMPARE(root.value()->items[0], root.value()->items[1]);
    QCOMPARE(int(root.value()->items[0]->items.size()), 1);
}

void TestPickleMachine::refused_data() {
    QTest::addColumn<QByteArray>("program");
    QTest::addColumn<Error::Kind>("kind");
    QTest::addColumn<QString>("needle");
    auto row = [](const char* name, const PickleBuilder& p, Error::Kind kind, const char* needle) {
        QTest::newRow(name) << QByteArray::fromStdString(p.bytes()) << kind << QString(needle);
    };
    using K = Error::Kind;
    row("os.system",
        PickleBuilder().proto().global("os", "system").string("id").raw("\x85").reduce().stop(),
        K::Forbidden, "'os.system'");
    row("posix.system", PickleBuilder().proto().global("posix", "system"), K::Forbidden,
        "'posix.system'");
    row("builtins.eval", PickleBuilder().proto().global("builtins", "eval"), K::Forbidden,
        "'builtins.eval'");
    row("stack global exec", PickleBuilder().proto(4).string("builtins").string("exec").raw("\x93"),
        K::Forbidden, "'builtins.exec'");
    row("torch.load", PickleBuilder().proto().global("torch", "load"), K::Forbidden,
        "'torch.load'");
    row("numpy", PickleBuilder().proto().global("numpy.core.multiarray", "_reconstruct"),
        K::Forbidden, "numpy.core.multiarray._reconstruct");
    row("subclass of allowed module",
        PickleBuilder().proto().global("torch._utils", "_rebuild_qtensor"), K::Forbidden,
        "_rebuild_qtensor");
    row("complex storage", PickleBuilder().proto().global("torch", "ComplexFloatStorage"),
        K::Format, "unsupported tensor type torch.ComplexFloatStorage");
    row("INST opcode", PickleBuilder().proto().raw("ios\nsystem\n"), K::Format,
        "unsupported pickle opcode INST");
    row("NEWOBJ opcode", PickleBuilder().proto().raw("\x81"), K::Format, "NEWOBJ");
    row("unknown opcode", PickleBuilder().proto().raw("\xff"), K::Format, "0xff");
    row("truncated", PickleBuilder().proto().emptyDict(), K::Format, "without a STOP");
    row("truncated argument",
        PickleBuilder().proto().raw(std::string("X\x10\x00\x00\x00"
                                                "abc",
                                                8)),
        K::Format, "truncated");
    row("empty stack", PickleBuilder().proto().setItem().stop(), K::Format, "stack is empty");
    row("pop through mark", PickleBuilder().proto().emptyDict().mark().stop(), K::Format,
        "stack is empty");
    row("setitem on list",
        PickleBuilder().proto().emptyList().string("a").integer(1).setItem().stop(), K::Format,
        "cannot add items to a list");
    row("memo never stored", PickleBuilder().proto().get(5).stop(), K::Format, "never stored");
    row("call a string", PickleBuilder().proto().string("x").emptyTuple().reduce().stop(),
        K::Format, "REDUCE calls a str");
    row("storage type called",
        PickleBuilder().proto().global("torch", "FloatStorage").emptyTuple().reduce().stop(),
        K::Format, "cannot be called");
    row("bad persistent id", PickleBuilder().proto().string("x").persistentId().stop(), K::Format,
        "not a storage reference");
    row("negative shape",
        PickleBuilder().proto().tensor("FloatStorage", "0", 4, 0, {-2}, {1}).stop(), K::Format,
        "negative");
    row("LONG1 too wide", PickleBuilder().proto().raw("\x8a\x09" + std::string(9, '\x01')),
        K::Format, "too large");
    row("non-printable global", PickleBuilder().proto().raw("cos\x01\nsystem\n"), K::Format,
        "non-printable");
    row("unterminated global", PickleBuilder().proto().raw("c" + std::string(400, 'a')), K::Format,
        "too long");
    row("build on a list", PickleBuilder().proto().emptyList().none().build().stop(), K::Format,
        "BUILD on a list");
    row("backward hooks",
        PickleBuilder()
            .proto()
            .global("torch._utils", "_rebuild_tensor_v2")
            .mark()
            .mark()
            .string("storage")
            .global("torch", "FloatStorage")
            .string("0")
            .string("cpu")
            .integer(1)
            .tuple()
            .persistentId()
            .integer(0)
            .mark()
            .integer(1)
            .tuple()
            .mark()
            .integer(1)
            .tuple()
            .boolean(false)
            .emptyDict()
            .string("h")
            .none()
            .setItem()
            .tuple()
            .reduce()
            .stop(),
        K::Format, "backward hooks");
}

void TestPickleMachine::refused() {
    QFETCH(QByteArray, program);
    QFETCH(Error::Kind, kind);
    QFETCH(QString, needle);
    const std::string bytes = program.toStdString();
    PickleMachine machine("evil.pth");
    const auto root = machine.run(asBytes(bytes));
    QVERIFY(!root.ok());
    const QString message = QString::fromStdString(root.error().message);
    QVERIFY2(root.error().kind == kind, qPrintable(message));
    QVERIFY2(message.startsWith("evil.pth: "), qPrintable(message));
    QVERIFY2(message.contains(needle), qPrintable(message));
    if (kind == Error::Kind::Forbidden)
        QVERIFY(message.contains("nothing was run"));
}

void TestPickleMachine::limits_data() {
    QTest::addColumn<QByteArray>("program");
    QTest::addColumn<bool>("smallLimits");  // 1000 elements, 5000 stack entries
    QTest::addColumn<QString>("needle");
    auto row = [](const char* name, const std::string& p, bool small, const char* needle) {
        QTest::newRow(name) << QByteArray::fromStdString(p) << small << QString(needle);
    };
    const std::string head("\x80\x02", 2);
    row("deep nesting", head + std::string(100000, '('), false, "nesting deeper than 1024");
    row("many objects", head + std::string(2'000'000, ']'), false, "more than 1048576 objects");
    row("huge memo index", head + std::string("]r\xff\xff\xff\x7f", 6), false, "memo index");
    // One list memoized, then appended to itself again and again: no new objects, but every
    // APPENDS costs elements, and the element budget ends it.
    std::string appends = head + std::string("]q\x00", 3);
    for (int round = 0; round < 4; ++round) {
        appends += '(';
        for (int i = 0; i < 400; ++i)
            appends += std::string("h\x00", 2);
        appends += 'e';
    }
    row("element budget", appends + ".", true, "containers hold more than 1000 elements");
    std::string pushes = head;
    for (int i = 0; i < 6000; ++i)
        pushes += 'N';
    row("stack", pushes, true, "stack grows past 5000");
}

void TestPickleMachine::limits() {
    QFETCH(QByteArray, program);
    QFETCH(bool, smallLimits);
    QFETCH(QString, needle);
    PickleLimits limits;
    if (smallLimits) {
        limits.maxContainerItems = 1000;
        limits.maxStack = 5000;
    }
    const std::string bytes = program.toStdString();
    PickleMachine machine("big.pth", limits);
    const auto root = machine.run(asBytes(bytes));
    QVERIFY(!root.ok());
    QCOMPARE(root.error().kind, Error::Kind::Format);
    QVERIFY2(QString::fromStdString(root.error().message).contains(needle),
             root.error().message.c_str());
}

QTEST_GUILESS_MAIN(TestPickleMachine)
#include "tst_picklemachine.moc"
