// The on-disk embedding cache (core/cache) seen from a loaded model: the key of an image for this
// predictor, and "encode through the cache" (a hit sets the stored embedding, no encoder run; a
// miss encodes and stores). samdesk-cli encode and the app compute keys with this one class, so
// the app finds what a pre-encoding job wrote.
//
// Key = hash of the image's 8-bit RGB pixels exactly as the model sees them (any accepted pixel
// format is converted first, as setImage() does; the file format does not matter), the
// checkpoint's fingerprint, the model input size S and the encoder dtype in effect.
//
// Values: the cache stores float16, so a cached embedding differs from a fresh one by float16
// rounding (relative 2^-11, |error| <= 2^-11 |value|). encode() therefore continues with the
// rounded values after storing a fresh embedding: an image gives the same masks whether it came
// from the encoder or from the cache.
//
// Threads: like the Predictor, one thread at a time (the cache folder itself may be shared by
// several processes).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/cache/embeddingcache.h"
#include "core/common/expected.h"
#include "core/sam/predictor/predictor.h"

namespace samdesk {

class EmbeddingStore {
public:
    // `checkpoint` is the file `predictor` was loaded from (its fingerprint takes milliseconds).
    // Errors: the checkpoint cannot be read.
    static Expected<EmbeddingStore> open(
        const std::filesystem::path& checkpoint, const Predictor& predictor,
        const std::filesystem::path& directory = EmbeddingCache::defaultDirectory(),
        std::uint64_t maxBytes = EmbeddingCache::kDefaultMaxBytes);

    // Errors: an empty image or an unsupported pixel format (as setImage()).
    Expected<EmbeddingKey> keyFor(const ImageView& image) const;

    struct Outcome {
        EmbeddingKey key;
        bool fromCache = false;  // true: no encoder run
        std::string rejected;    // a corrupt or foreign entry found (and removed), and why
        Status stored;           // writing the fresh embedding (a full disk does not fail encode)
    };
    // The image's embedding into `predictor` (the one `open` was given, or one loaded from the
    // same checkpoint with the same options). Errors: those of setImage(), including Cancelled.
    Expected<Outcome> encode(Predictor& predictor, const ImageView& image,
                             const EncodeControl& control = {});
    // The same for a key computed earlier (prefetching computes keys before it encodes).
    Expected<Outcome> encode(Predictor& predictor, const EmbeddingKey& key, const ImageView& image,
                             const EncodeControl& control = {});

    // A valid entry for `key`, or nothing (a rejected file is removed; `rejected` says why).
    std::optional<ImageEmbedding> find(const EmbeddingKey& key, std::string* rejected = nullptr);
    // True when a valid entry exists (header check only: cheap enough to filter a folder).
    bool contains(const EmbeddingKey& key) const;
    Status store(const EmbeddingKey& key, const ImageEmbedding& embedding);

    EmbeddingCache& cache() { return m_cache; }
    const std::string& checkpointId() const { return m_checkpointId; }

private:
    EmbeddingStore(EmbeddingCache cache, std::string checkpointId, int inputSize,
                   std::string dtype);

    EmbeddingCache m_cache;
    std::string m_checkpointId;
    int m_inputSize;
    std::string m_dtype;
};

}  // namespace samdesk
