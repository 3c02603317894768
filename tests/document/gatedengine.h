// A test engine that runs GrabCut but lets the test decide when each step may proceed: encode
// waits at every one of its blocks and predict waits before running, on semaphores the test
// releases. It makes "a click arrives while the model is busy" and "Cancel during an encode"
// deterministic without sleeps.
#pragma once

#include <QSemaphore>

#include <atomic>

#include "core/document/inferencetypes.h"
#include "core/engine/grabcutengine.h"

namespace samdesk::test {

struct Gates {
    static constexpr int kBlocks = 8;
    QSemaphore encodeBlock;  // one release per encoder block
    QSemaphore predict;      // one release per predict
    std::atomic<int> blocksDone{0};
    std::atomic<int> predictsStarted{0};
    std::atomic<bool> gateEncode{true};
    std::atomic<bool> gatePredict{true};
};

class GatedEngine final : public Segmenter {
public:
    explicit GatedEngine(Gates* gates) : m_gates(gates) {}
    std::string name() const override { return "Gated GrabCut"; }
    bool acceptsMaskInput() const override { return false; }

    Expected<std::shared_ptr<ImageSession>> encode(const RgbImage& image,
                                                   const EncodeControl& hooks) override {
        for (int b = 1; b <= Gates::kBlocks; ++b) {
            if (m_gates->gateEncode)
                m_gates->encodeBlock.acquire();
            if (hooks.cancel && hooks.cancel->load())
                return Error{Error::Kind::Cancelled, "encoding cancelled"};
            ++m_gates->blocksDone;
            if (hooks.progress)
                hooks.progress(b, Gates::kBlocks);
        }
        return m_grabCut.encode(image, {});
    }

    Expected<SegmentResult> predict(ImageSession& session, const PromptSet& prompts) override {
        ++m_gates->predictsStarted;
        if (m_gates->gatePredict)
            m_gates->predict.acquire();
        return m_grabCut.predict(session, prompts);
    }

private:
    Gates* m_gates;
    GrabCutEngine m_grabCut;
};

// The gated engine for every choice without a checkpoint; a checkpoint is a load error (the
// tests of a failed load).
inline EngineFactory gatedFactory(Gates* gates) {
    return [gates](const EngineChoice& choice) -> Expected<LoadedEngine> {
        if (!choice.checkpoint.empty())
            return Error::format(choice.checkpoint + ": not a checkpoint");
        LoadedEngine e;
        e.engine = std::make_unique<GatedEngine>(gates);
        return e;
    };
}

}  // namespace samdesk::test
