// libFuzzer entry: arbitrary bytes straight into the restricted pickle machine (what data.pkl
// would hold), with the default limits.
#include <cstddef>
#include <cstdint>

#include "core/checkpoint/picklemachine.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    samdesk::PickleMachine machine("fuzz.pkl");
    (void)machine.run({data, size});
    return 0;
}
