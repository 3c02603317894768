// Test helper: emits pickle opcodes the way torch.save does (protocol 2), to build state dicts
// and hostile programs for the restricted pickle machine.
#pragma once

#include <cstdint>
#include <string>

#include "core/checkpoint/tensorrecord.h"

namespace samdesk::testing {

// Emits pickle opcodes (protocol 2, as torch.save does).
class PickleBuilder {
public:
    PickleBuilder& proto(int version = 2);
    PickleBuilder& global(const std::string& module, const std::string& name);
    PickleBuilder& mark();
    PickleBuilder& emptyDict();
    PickleBuilder& emptyTuple();
    PickleBuilder& emptyList();
    PickleBuilder& tuple();
    PickleBuilder& setItem();
    PickleBuilder& setItems();
    PickleBuilder& append();
    PickleBuilder& reduce();
    PickleBuilder& build();
    PickleBuilder& persistentId();
    PickleBuilder& string(const std::string& s);
    PickleBuilder& integer(std::int64_t v);  // BININT1/BININT2/BININT/LONG1 as Python picks
    PickleBuilder& real(double v);
    PickleBuilder& boolean(bool v);
    PickleBuilder& none();
    PickleBuilder& put(std::uint32_t index);
    PickleBuilder& get(std::uint32_t index);
    PickleBuilder& stop();
    PickleBuilder& raw(const std::string& bytes);

    // torch._utils._rebuild_tensor_v2((storage pid), offset, shape, strides, False, OrderedDict())
    PickleBuilder& tensor(const std::string& storageType, const std::string& key,
                          std::int64_t storageElements, std::int64_t offset, const Shape& shape,
                          const Shape& strides);

    const std::string& bytes() const { return m_out; }

private:
    std::string m_out;
};

}  // namespace samdesk::testing
