// The inference thread's lifetime.
#include "core/document/inferencethread.h"

namespace samdesk {

InferenceThread::InferenceThread(EngineFactory factory, QObject* parent) : QObject(parent) {
    m_thread.setObjectName(QStringLiteral("samdesk-inference"));
    m_worker = new InferenceWorker(std::move(factory));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

InferenceThread::~InferenceThread() {
    m_worker->cancelEncode();
    m_thread.quit();
    m_thread.wait();
}

}  // namespace samdesk
