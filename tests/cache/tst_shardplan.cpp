// Dataset shards for job arrays: disjoint, complete, stable when the dataset grows.
#include <QtTest>

#include <set>

#include "core/cache/shardplan.h"

using namespace samdesk;

namespace {
std::vector<std::string> names(int n, const std::string& prefix = "img_") {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i)
        out.push_back(prefix + std::to_string(i) + ".jpg");
    return out;
}
}  // namespace

class TestShardPlan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void shardsAreDisjointAndComplete();
    void shardsAreBalanced();
    void addingImagesKeepsAssignments();
};

void TestShardPlan::parse_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("index");
    QTest::addColumn<int>("count");
    QTest::newRow("first") << "0/4" << true << 0 << 4;
    QTest::newRow("last") << "3/4" << true << 3 << 4;
    QTest::newRow("single") << "0/1" << true << 0 << 1;
    QTest::newRow("index == count") << "4/4" << false << 0 << 0;
    QTest::newRow("negative") << "-1/4" << false << 0 << 0;
    QTest::newRow("zero shards") << "0/0" << false << 0 << 0;
    QTest::newRow("no slash") << "3" << false << 0 << 0;
    QTest::newRow("junk") << "a/b" << false << 0 << 0;
    QTest::newRow("trailing") << "1/4x" << false << 0 << 0;
}

void TestShardPlan::parse() {
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(int, index);
    QFETCH(int, count);
    const auto spec = parseShardSpec(text.toStdString());
    QCOMPARE(spec.ok(), ok);
    if (ok) {
        QCOMPARE(spec->index, index);
        QCOMPARE(spec->count, count);
    } else {
        QCOMPARE(spec.error().kind, Error::Kind::InvalidInput);
    }
}

void TestShardPlan::shardsAreDisjointAndComplete() {
    const auto all = names(1000);
    for (int n : {1, 2, 3, 7, 16}) {
        std::set<std::string> seen;
        std::size_t total = 0;
        for (int i = 0; i < n; ++i) {
            const auto part = selectShard(all, {i, n});
            QVERIFY(std::is_sorted(part.begin(), part.end()));
            total += part.size();
            seen.insert(part.begin(), part.end());
        }
        QCOMPARE(total, all.size());        // no image twice
        QCOMPARE(seen.size(), all.size());  // every image once
    }
}

void TestShardPlan::shardsAreBalanced() {
    const auto all = names(4000);
    for (int i = 0; i < 4; ++i) {
        const auto part = selectShard(all, {i, 4});
        QVERIFY2(part.size() > 850 && part.size() < 1150, qPrintable(QString::number(part.size())));
    }
}

void TestShardPlan::addingImagesKeepsAssignments() {
    const auto before = names(300);
    auto after = before;
    const auto extra = names(100, "new_");
    after.insert(after.end(), extra.begin(), extra.end());
    for (int i = 0; i < 5; ++i) {
        const auto a = selectShard(before, {i, 5});
        const auto b = selectShard(after, {i, 5});
        for (const auto& name : a)
            QVERIFY(std::binary_search(b.begin(), b.end(), name));
    }
}

QTEST_GUILESS_MAIN(TestShardPlan)
#include "tst_shardplan.moc"
