// Owns the inference thread and its worker (see inferenceworker.h). Created and destroyed on the
// UI thread; destruction cancels running work and waits for the thread to finish.
#pragma once

#include <QObject>
#include <QThread>

#include "core/document/inferenceworker.h"

namespace samdesk {

class InferenceThread : public QObject {
    Q_OBJECT
public:
    explicit InferenceThread(EngineFactory factory, QObject* parent = nullptr);
    ~InferenceThread() override;

    InferenceWorker* worker() const { return m_worker; }

private:
    QThread m_thread;
    InferenceWorker* m_worker = nullptr;
};

}  // namespace samdesk
