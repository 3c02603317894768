// Nothing lost on a crash: the autosave writer is killed (SIGKILL) at random moments, again and
// again, and every time the annotation file reads back as one whole version, the last one the
// writer reported or the one it was writing, never half of one or a mix; temporary files left by
// the kill are not taken for annotations. $SAMDESK_CRASH_ITERATIONS sets the number of kills
// (25 in the suite; the benchmark run in docs/export.md uses 300).
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>

#include "core/annotation/annotationstore.h"
#include "tests/crash/crashversions.h"

using namespace samdesk;

class TestCrashSafety : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void autosaveSurvivesKills();
};

void TestCrashSafety::autosaveSurvivesKills() {
    const int iterations = qEnvironmentVariableIntValue("SAMDESK_CRASH_ITERATIONS") > 0
                               ? qEnvironmentVariableIntValue("SAMDESK_CRASH_ITERATIONS")
                               : 25;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const AnnotationStore store(dir.path().toStdString());
    QRandomGenerator rng(20261202);
    int lastOnDisk = 0;  // the version the file held after the previous kill
    int midWrite = 0;    // kills that landed after a version was started but before it was told
    for (int i = 0; i < iterations; ++i) {
        QProcess writer;
        writer.start(QStringLiteral(SAMDESK_BINARY_DIR "/tests/crash/crash_writer"),
                     {QStringLiteral("autosave"), dir.path()});
        QVERIFY2(writer.waitForStarted(10000), qPrintable(writer.errorString()));
        // Let it write a few versions, then kill it somewhere inside one.
        QVERIFY(writer.waitForReadyRead(10000));
        QTest::qSleep(int(rng.bounded(1, 40)));
        ::kill(pid_t(writer.processId()), SIGKILL);
        QVERIFY(writer.waitForFinished(10000));
        QCOMPARE(writer.exitStatus(), QProcess::CrashExit);
        const QStringList lines =
            QString::fromUtf8(writer.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
        QVERIFY(!lines.isEmpty());
        // The last complete line is the last version certainly on disk.
        int reported = 0;
        for (const QString& line : lines)
            if (line.startsWith(QLatin1String("saved ")))
                reported = std::max(reported, line.mid(6).toInt());
        QVERIFY(reported > 0);

        const auto loaded = store.load("photo.png");
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        QVERIFY(loaded.value().has_value());
        const ImageAnnotations& got = *loaded.value();
        QVERIFY(!got.objects.empty());
        const int version = std::stoi(got.objects.front().label.substr(1));
        QVERIFY2(version == reported || version == reported + 1,
                 qPrintable(QStringLiteral("file holds version %1, writer reported %2")
                                .arg(version)
                                .arg(reported)));
        QVERIFY2(got == test::crashVersion(version), "the file mixes versions");
        midWrite += version == reported + 1 ? 1 : 0;
        // The temporary file of a write in flight is not an image's annotations.
        QCOMPARE(store.annotatedImages(), std::vector<std::string>{"photo.png"});
        lastOnDisk = version;
    }
    qInfo("%d kills, last version on disk %d, %d kills after the rename but before the report",
          iterations, lastOnDisk, midWrite);
}

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
