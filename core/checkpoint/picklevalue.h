// The values the restricted pickle machine can build: plain data (None, bools, integers, floats,
// strings, tuples, lists, dicts) plus the few torch objects a state dict is made of (storage
// references and tensors). There is no "object" value: nothing a pickle describes is executed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/checkpoint/tensorrecord.h"

namespace samdesk {

enum class PickleKind : std::uint8_t {
    None,
    Bool,
    Int,
    Float,
    String,
    Tuple,
    List,
    Dict,
    Global,   // an allow-listed callable or type, see PickleGlobal
    Storage,  // a persistent reference to a storage entry of the archive
    Tensor,   // the result of torch._utils._rebuild_tensor_v2
};

// The allow-list: the only globals a pickle may name.
enum class PickleGlobal : std::uint8_t {
    OrderedDict,       // collections.OrderedDict
    RebuildTensorV2,   // torch._utils._rebuild_tensor_v2
    RebuildParameter,  // torch._utils._rebuild_parameter
    StorageType,       // torch.FloatStorage, torch.HalfStorage, ... (dtype in PickleValue::dtype)
    Device,            // torch.device
    Size,              // torch.Size
    Set,               // builtins.set / builtins.frozenset (optimizer state)
};

struct PickleValue;

struct PickleTensor {
    const PickleValue* storage = nullptr;  // kind Storage
    std::int64_t storageOffset = 0;        // in elements
    Shape shape;
    Shape strides;  // in elements
};

struct PickleValue {
    PickleKind kind = PickleKind::None;
    PickleGlobal global = PickleGlobal::OrderedDict;  // Global
    DType dtype = DType::Float32;                     // Global StorageType, Storage
    std::int64_t integer = 0;                         // Int, Bool (0/1), Storage element count
    double real = 0;                                  // Float
    std::string text;  // String; Global: "module.name"; Storage: the archive key
    // Tuple/List: the elements; Dict: key, value, key, value... in insertion order (a repeated
    // key is kept twice here; readers let the later one win, as Python would).
    std::vector<PickleValue*> items;
    std::unique_ptr<PickleTensor> tensor;  // Tensor

    bool isString() const { return kind == PickleKind::String; }
    std::size_t dictSize() const { return items.size() / 2; }
};

// A readable name of a value's kind ("dict", "tensor", ...), for messages.
const char* pickleKindName(PickleKind kind);

}  // namespace samdesk
