// Released-size checkpoints are named after their variant from shapes alone, in both formats.
// The files are sparse (only headers are written), so a 2.5 GB vit_h costs no disk and no time.
#include <QtTest>

#include <fcntl.h>
#include <unistd.h>

#include "core/checkpoint/keyconversion.h"
#include "core/checkpoint/samcheckpoint.h"
#include "tests/checkpoint/torchsave.h"

using namespace samdesk;
using namespace samdesk::testing;

Q_DECLARE_METATYPE(samdesk::SamConfig)

namespace {

// A safetensors file with the original names and shapes of `config`, data left as a hole.
bool writeSparseSafetensors(const std::string& path, const SamConfig& config) {
    std::string header = "{";
    std::uint64_t offset = 0;
    for (const auto& spec : samKeySpecs(config)) {
        const std::uint64_t n = std::uint64_t(shapeNumel(spec.originalShape)) * 4;
        std::string shape;
        for (auto d : spec.originalShape) {
            if (!shape.empty())
                shape += ',';
            shape += std::to_string(d);
        }
        // Appended piecewise: GCC 12 warns (-Wrestrict, a false positive) on "lit" + string.
        header += offset ? ",\"" : "\"";
        header += spec.original;
        header += "\":{\"dtype\":\"F32\",\"shape\":[";
        header += shape;
        header += "],\"data_offsets\":[";
        header += std::to_string(offset) + "," + std::to_string(offset + n) + "]}";
        offset += n;
    }
    header += "}";
    std::string length(8, '\0');
    for (int i = 0; i < 8; ++i)
        length[i] = char((header.size() >> (8 * i)) & 0xff);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return false;
    const std::string head = length + header;
    bool ok = ::write(fd, head.data(), head.size()) == ssize_t(head.size());
    ok = ok && ::ftruncate(fd, off_t(head.size() + offset)) == 0;
    return ::close(fd) == 0 && ok;
}

SamConfig withGlobalBlocks(std::vector<int> blocks) {
    SamConfig c = samConfigVitB();
    c.globalBlocks = std::move(blocks);
    c.variant = "custom";
    return c;
}

}  // namespace

class TestVariantNaming : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void named_data();
    void named();
};

void TestVariantNaming::named_data() {
    QTest::addColumn<SamConfig>("config");
    QTest::addColumn<QString>("variant");
    QTest::addColumn<qlonglong>("parameters");
    QTest::addColumn<int>("tensors");
    QTest::addColumn<bool>("safetensors");
    for (bool st : {false, true}) {
        const char* suffix = st ? " safetensors" : " pth";
        QTest::newRow(qPrintable(QString("vit_b") + suffix))
            << samConfigVitB() << "vit_b" << 93735728LL << 314 << st;
        QTest::newRow(qPrintable(QString("vit_l") + suffix))
            << samConfigVitL() << "vit_l" << 312343088LL << 482 << st;
        QTest::newRow(qPrintable(QString("vit_h") + suffix))
            << samConfigVitH() << "vit_h" << 641090864LL << 594 << st;
        // Global blocks are read from the tables, not assumed: other positions are "custom".
        QTest::newRow(qPrintable(QString("vit_b globals 3,7,11") + suffix))
            << withGlobalBlocks({3, 7, 11}) << "custom" << 93735728LL - 2 * 100 * 64 << 314 << st;
    }
}

void TestVariantNaming::named() {
    QFETCH(SamConfig, config);
    QFETCH(QString, variant);
    QFETCH(qlonglong, parameters);
    QFETCH(int, tensors);
    QFETCH(bool, safetensors);
    QTemporaryDir dir;
    const std::string path = dir.filePath(safetensors ? "m.safetensors" : "m.pth").toStdString();
    if (safetensors)
        QVERIFY(writeSparseSafetensors(path, config));
    else
        QVERIFY(writeTorchSave(path, samTensors(config, false)));
    const auto c = loadSamCheckpoint(path);
    QVERIFY2(c.ok(), c.ok() ? "" : c.error().message.c_str());
    QCOMPARE(QString::fromStdString(c->config.variant), variant);
    QVERIFY(c->config == config);
    QCOMPARE(qlonglong(c->info.parameters), parameters);
    QCOMPARE(int(c->info.tensorCount), tensors);
    QVERIFY(c->warnings.empty());
    QCOMPARE(c->info.fileSize, std::uint64_t(QFileInfo(QString::fromStdString(path)).size()));
    QVERIFY(c->info.fileSize > std::uint64_t(parameters) * 4);
}

QTEST_GUILESS_MAIN(TestVariantNaming)
#include "tst_variantnaming.moc"
