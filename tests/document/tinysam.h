// The document tests' tiny SAM fixture (tests/data/samv1-tiny): a folder opened with its
// checkpoint loaded in float32, the precision of the reference outputs.
#pragma once

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QString>
#include <QtTest>

#include "core/document/annotationdocument.h"

namespace samdesk::test {

inline const QString kTiny = QStringLiteral(SAMDESK_TEST_DATA "/samv1-tiny/");

// Opens `folder` and loads the tiny checkpoint; true once the engine is SAM (within a minute),
// false when the folder does not open or the load fails (with the loader's message).
inline bool loadTinySam(AnnotationDocument& doc, const QString& folder) {
    if (!doc.openFolder(folder))
        return false;
    QSignalSpy failed(doc.session(), &DocumentSession::engineFailed);
    doc.session()->loadCheckpoint(kTiny + QStringLiteral("checkpoint.pth"), QStringLiteral("cpu"),
                                  QStringLiteral("float32"));
    QElapsedTimer clock;
    clock.start();
    while (!doc.session()->isSam() && failed.isEmpty() && clock.elapsed() < 60000)
        QTest::qWait(20);
    if (!failed.isEmpty())
        qWarning() << failed.first();
    return doc.session()->isSam();
}

}  // namespace samdesk::test
