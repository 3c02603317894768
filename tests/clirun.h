// samdesk-cli run as a user runs it, for the command-line tests: its exit code and what it
// printed. Header-only; each test executable includes it.
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

namespace samdesk::test {

struct CliRun {
    int exitCode = -1;  // -1: did not finish in time, -2: crashed
    QString out, err;
};

inline CliRun runCli(const QStringList& args, int timeoutMs = 120000) {
    QProcess p;
    p.start(QStringLiteral(SAMDESK_BINARY_DIR "/app/samdesk-cli"), args);
    CliRun r;
    if (!p.waitForFinished(timeoutMs))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

}  // namespace samdesk::test
