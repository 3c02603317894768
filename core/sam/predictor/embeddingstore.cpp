// Keys from the model's view of the pixels; hits and misses through the Predictor's public API.
#include "core/sam/predictor/embeddingstore.h"

#include <vector>

#include "core/cache/contenthash.h"
#include "core/cache/halffloat.h"
#include "core/sam/predictor/imagepreprocessing.h"

namespace samdesk {

namespace {

CachedEmbedding toCached(const ImageEmbedding& e) {
    CachedEmbedding c;
    c.channels = e.channels;
    c.grid = e.grid;
    c.imageWidth = e.imageSize.width;
    c.imageHeight = e.imageSize.height;
    c.values = e.values;
    return c;
}

ImageEmbedding fromCached(CachedEmbedding c) {
    ImageEmbedding e;
    e.channels = c.channels;
    e.grid = c.grid;
    e.imageSize = {c.imageWidth, c.imageHeight};
    e.values = std::move(c.values);
    return e;
}

}  // namespace

EmbeddingStore::EmbeddingStore(EmbeddingCache cache, std::string checkpointId, int inputSize,
                               std::string dtype)
    : m_cache(std::move(cache))
    , m_checkpointId(std::move(checkpointId))
    , m_inputSize(inputSize)
    , m_dtype(std::move(dtype)) {}

Expected<EmbeddingStore> EmbeddingStore::open(const std::filesystem::path& checkpoint,
                                              const Predictor& predictor,
                                              const std::filesystem::path& directory,
                                              std::uint64_t maxBytes) {
    auto id = checkpointFingerprint(checkpoint);
    if (!id)
        return id.error();
    return EmbeddingStore(EmbeddingCache(directory, maxBytes), std::move(id.value()),
                          predictor.config().imageSize, predictor.options().dtype);
}

Expected<EmbeddingKey> EmbeddingStore::keyFor(const ImageView& image) const {
    EmbeddingKey key{{}, m_checkpointId, m_inputSize, m_dtype};
    const bool packedRgb8 = image.data && image.width > 0 && image.height > 0 &&
                            image.channels == 3 && image.bitDepth == 8;
    if (packedRgb8) {
        // The common case (the app's RGB images, OpenCV's BGR): row by row, no full copy.
        const std::size_t row = static_cast<std::size_t>(image.width) * 3;
        const std::size_t stride = image.strideBytes ? image.strideBytes : row;
        if (stride < row)
            return Error::invalid("image stride " + std::to_string(stride) +
                                  " is shorter than a row of " + std::to_string(row) + " bytes");
        ContentHasher h = imagePixelHasher(image.width, image.height, 3, 1);
        std::vector<std::uint8_t> swapped(image.order == PixelOrder::Bgr ? row : 0);
        const auto* base = static_cast<const std::uint8_t*>(image.data);
        for (int y = 0; y < image.height; ++y) {
            const std::uint8_t* src = base + stride * static_cast<std::size_t>(y);
            if (image.order == PixelOrder::Bgr) {
                for (std::size_t i = 0; i < row; i += 3) {
                    swapped[i] = src[i + 2];
                    swapped[i + 1] = src[i + 1];
                    swapped[i + 2] = src[i];
                }
                src = swapped.data();
            }
            h.update(src, row);
        }
        key.imageHash = h.hexDigest();
        return key;
    }
    const auto rgb = imageToRgb8(image);
    if (!rgb)
        return rgb.error();
    key.imageHash = hashImagePixels(rgb->rgb.data(), rgb->rgb.size(), rgb->width, rgb->height, 3);
    return key;
}

Expected<EmbeddingStore::Outcome> EmbeddingStore::encode(Predictor& predictor,
                                                         const ImageView& image,
                                                         const EncodeControl& control) {
    auto key = keyFor(image);
    if (!key)
        return key.error();
    return encode(predictor, *key, image, control);
}

Expected<EmbeddingStore::Outcome> EmbeddingStore::encode(Predictor& predictor,
                                                         const EmbeddingKey& key,
                                                         const ImageView& image,
                                                         const EncodeControl& control) {
    Outcome outcome;
    outcome.key = key;
    if (auto cached = find(key, &outcome.rejected)) {
        if (cached->imageSize == ImageSize{image.width, image.height}) {
            if (auto st = predictor.setEmbedding(*cached); st) {
                outcome.fromCache = true;
                return outcome;
            }
        }
        // A valid entry that does not fit this image (a hash collision, or another model
        // behind the same key) is not trusted: encode and overwrite it.
        outcome.rejected = "entry for another image size or model";
    }
    if (auto st = predictor.setImage(image, control); !st)
        return st.error();
    auto fresh = predictor.embedding();
    if (!fresh)
        return fresh.error();
    outcome.stored = store(key, *fresh);
    if (outcome.stored) {
        // Continue with the values a later hit will give (float16-rounded).
        std::vector<std::uint16_t> halves(fresh->values.size());
        floatsToHalves(fresh->values.data(), halves.data(), halves.size());
        halvesToFloats(halves.data(), fresh->values.data(), halves.size());
        if (auto st = predictor.setEmbedding(*fresh); !st)
            return st.error();
    }
    return outcome;
}

std::optional<ImageEmbedding> EmbeddingStore::find(const EmbeddingKey& key, std::string* rejected) {
    auto result = m_cache.load(key);
    if (rejected && !result.reason.empty())
        *rejected = result.reason;
    if (result.status != EmbeddingCache::Lookup::Hit || !result.embedding)
        return std::nullopt;
    return fromCached(std::move(*result.embedding));
}

bool EmbeddingStore::contains(const EmbeddingKey& key) const {
    return m_cache.contains(key);
}

Status EmbeddingStore::store(const EmbeddingKey& key, const ImageEmbedding& embedding) {
    return m_cache.store(key, toCached(embedding));
}

}  // namespace samdesk
