// libFuzzer entry: arbitrary bytes through format sniffing, the zip, pickle and safetensors
// readers and the SAM loader. Any record a reader returns must lie inside the input: its first
// and last bytes are read, so AddressSanitizer reports a record that escapes the buffer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "core/checkpoint/bytes.h"
#include "core/checkpoint/checkpointreader.h"
#include "core/checkpoint/safetensorsreader.h"
#include "core/checkpoint/samcheckpoint.h"
#include "core/checkpoint/ziparchive.h"

using namespace samdesk;

namespace {

void touch(const TensorRecord& t, std::span<const std::uint8_t> input) {
    std::uint64_t extent = 0;
    if (!bytes::stridedByteExtent(t.shape, t.strides, t.dtype, &extent) ||
        extent > t.bytesAvailable || t.data < input.data() ||
        t.data + t.bytesAvailable > input.data() + input.size())
        std::abort();
    if (extent > 0) {
        volatile std::uint8_t first = t.data[0], last = t.data[extent - 1];
        (void)first;
        (void)last;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);
    if (auto zip = ZipArchive::open(input, "fuzz.pth")) {
        for (const auto& e : zip->entries()) {
            const auto bytes = zip->data(e);
            if (!bytes.empty()) {
                volatile std::uint8_t last = bytes.back();
                (void)last;
            }
        }
    }
    if (auto dict = parseSafetensors(input, nullptr, "fuzz.safetensors"))
        for (const auto& t : dict->tensors)
            touch(t.tensor, input);
    auto dict = parseCheckpoint(input, nullptr, "fuzz.pth");
    if (!dict)
        return 0;
    for (const auto& t : dict->tensors)
        touch(t.tensor, input);
    if (auto sam = samCheckpointFromStateDict(std::move(dict).value(), "fuzz.pth"))
        for (const auto& t : sam->tensors)
            touch(t.tensor, input);
    return 0;
}
