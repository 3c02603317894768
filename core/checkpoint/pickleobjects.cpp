// Containers, globals and calls of the restricted pickle machine: the allow-list lives here.
// A "call" never runs code: each allow-listed global maps to a fixed data transformation.
#include "core/checkpoint/picklemachine.h"

namespace samdesk {

namespace {

struct StorageName {
    const char* name;
    DType dtype;
};
constexpr StorageName kStorages[] = {
    {"FloatStorage", DType::Float32},     {"HalfStorage", DType::Float16},
    {"BFloat16Storage", DType::BFloat16}, {"DoubleStorage", DType::Float64},
    {"LongStorage", DType::Int64},        {"IntStorage", DType::Int32},
    {"ShortStorage", DType::Int16},       {"CharStorage", DType::Int8},
    {"ByteStorage", DType::UInt8},        {"BoolStorage", DType::Bool},
};

bool isNonNegativeInt(const PickleValue* v) {
    return v->kind == PickleKind::Int && v->integer >= 0;
}

}  // namespace

const char* pickleKindName(PickleKind kind) {
    switch (kind) {
        case PickleKind::None:
            return "None";
        case PickleKind::Bool:
            return "bool";
        case PickleKind::Int:
            return "int";
        case PickleKind::Float:
            return "float";
        case PickleKind::String:
            return "str";
        case PickleKind::Tuple:
            return "tuple";
        case PickleKind::List:
            return "list";
        case PickleKind::Dict:
            return "dict";
        case PickleKind::Global:
            return "global";
        case PickleKind::Storage:
            return "storage";
        case PickleKind::Tensor:
            return "tensor";
    }
    return "?";
}

Status PickleMachine::stepContainer(std::uint8_t op, Reader& in, bool* handled) {
    *handled = true;
    auto pushNew = [&](PickleKind kind, std::vector<PickleValue*> items) -> Status {
        auto value = make(kind);
        if (!value)
            return value.error();
        if (auto s = addItems(value.value(), items.size()); !s)
            return s;
        value.value()->items = std::move(items);
        return push(value.value());
    };
    // Appends `items` to the container on top of the stack, which must be of `kind`.
    auto extend = [&](PickleKind kind, const std::vector<PickleValue*>& items) -> Status {
        auto target = top();
        if (!target)
            return target.error();
        if (target.value()->kind != kind)
            return bad(std::string("cannot add items to a ") +
                       pickleKindName(target.value()->kind));
        if (auto s = addItems(target.value(), items.size()); !s)
            return s;
        auto& dest = target.value()->items;
        dest.insert(dest.end(), items.begin(), items.end());
        return {};
    };
    switch (op) {
        case '(':  // MARK
            if (m_marks.size() >= m_limits.maxMarks)
                return bad("nesting deeper than " + std::to_string(m_limits.maxMarks) + " levels");
            m_marks.push_back(m_stack.size());
            return {};
        case '}':  // EMPTY_DICT
            return pushNew(PickleKind::Dict, {});
        case ']':  // EMPTY_LIST
            return pushNew(PickleKind::List, {});
        case ')':  // EMPTY_TUPLE
            return pushNew(PickleKind::Tuple, {});
        case 't': {  // TUPLE
            auto items = popToMark();
            if (!items)
                return items.error();
            return pushNew(PickleKind::Tuple, std::move(items).value());
        }
        case 0x85:    // TUPLE1
        case 0x86:    // TUPLE2
        case 0x87: {  // TUPLE3
            std::vector<PickleValue*> items(op - 0x84);
            for (std::size_t i = items.size(); i-- > 0;) {
                auto v = pop();
                if (!v)
                    return v.error();
                items[i] = v.value();
            }
            return pushNew(PickleKind::Tuple, std::move(items));
        }
        case 's': {  // SETITEM
            auto value = pop();
            if (!value)
                return value.error();
            auto key = pop();
            if (!key)
                return key.error();
            return extend(PickleKind::Dict, {key.value(), value.value()});
        }
        case 'u': {  // SETITEMS
            auto items = popToMark();
            if (!items)
                return items.error();
            if (items.value().size() % 2 != 0)
                return bad("SETITEMS with an odd number of items");
            return extend(PickleKind::Dict, items.value());
        }
        case 'a': {  // APPEND
            auto value = pop();
            if (!value)
                return value.error();
            return extend(PickleKind::List, {value.value()});
        }
        case 'e': {  // APPENDS
            auto items = popToMark();
            if (!items)
                return items.error();
            return extend(PickleKind::List, items.value());
        }
        default:
            *handled = false;
            return {};
    }
}

Status PickleMachine::stepObject(std::uint8_t op, Reader& in, bool* handled) {
    *handled = true;
    // GLOBAL's arguments: a printable line of at most 256 bytes.
    auto readLine = [&](std::string* out) -> Status {
        for (std::size_t i = 0; i <= 256 && in.has(1); ++i) {
            const char c = static_cast<char>(*in.take(1));
            if (c == '\n')
                return {};
            if (c < 0x20 || c > 0x7e)
                return bad("a GLOBAL name holds a non-printable byte");
            out->push_back(c);
        }
        return bad("a GLOBAL name is too long or truncated");
    };
    switch (op) {
        case 'c': {  // GLOBAL
            std::string module, name;
            if (auto s = readLine(&module); !s)
                return s;
            if (auto s = readLine(&name); !s)
                return s;
            return global(module, name);
        }
        case 0x93: {  // STACK_GLOBAL
            auto name = pop();
            if (!name)
                return name.error();
            auto module = pop();
            if (!module)
                return module.error();
            if (!name.value()->isString() || !module.value()->isString())
                return bad("STACK_GLOBAL needs two strings");
            return global(module.value()->text, name.value()->text);
        }
        case 'R': {  // REDUCE
            auto args = pop();
            if (!args)
                return args.error();
            auto callable = pop();
            if (!callable)
                return callable.error();
            auto result = call(*callable.value(), *args.value());
            if (!result)
                return result.error();
            return push(result.value());
        }
        case 'b': {  // BUILD: only the state of an OrderedDict (its _metadata) or a tensor
            auto state = pop();
            if (!state)
                return state.error();
            auto target = top();
            if (!target)
                return target.error();
            const PickleKind kind = target.value()->kind;
            if (kind != PickleKind::Dict && kind != PickleKind::Tensor)
                return bad(std::string("BUILD on a ") + pickleKindName(kind));
            return {};
        }
        case 'Q': {  // BINPERSID
            auto pid = pop();
            if (!pid)
                return pid.error();
            auto storage = persistentLoad(*pid.value());
            if (!storage)
                return storage.error();
            return push(storage.value());
        }
        default:
            *handled = false;
            return {};
    }
}

Status PickleMachine::global(const std::string& module, const std::string& name) {
    auto value = make(PickleKind::Global);
    if (!value)
        return value.error();
    PickleValue* v = value.value();
    v->text = module + "." + name;
    if (module == "collections" && name == "OrderedDict") {
        v->global = PickleGlobal::OrderedDict;
    } else if (module == "torch._utils" && name == "_rebuild_tensor_v2") {
        v->global = PickleGlobal::RebuildTensorV2;
    } else if (module == "torch._utils" && name == "_rebuild_parameter") {
        v->global = PickleGlobal::RebuildParameter;
    } else if (module == "torch" && name == "device") {
        v->global = PickleGlobal::Device;
    } else if (module == "torch" && name == "Size") {
        v->global = PickleGlobal::Size;
    } else if ((module == "builtins" || module == "__builtin__") &&
               (name == "set" || name == "frozenset")) {
        v->global = PickleGlobal::Set;
    } else if (module == "torch" && name.size() > 7 &&
               name.compare(name.size() - 7, 7, "Storage") == 0) {
        v->global = PickleGlobal::StorageType;
        bool known = false;
        for (const auto& s : kStorages) {
            if (name == s.name) {
                v->dtype = s.dtype;
                known = true;
            }
        }
        if (!known)
            return Error::format(m_source + ": unsupported tensor type torch." + name +
                                 " (supported: float32, float16, bfloat16, float64 and integers)");
    } else {
        return Error{Error::Kind::Forbidden,
                     m_source + ": refused to load: the checkpoint asks for the Python global '" +
                         v->text +
                         "', which a file of weights never needs (it is not on the allow-list); "
                         "nothing was run"};
    }
    return push(v);
}

Expected<PickleValue*> PickleMachine::call(const PickleValue& callable, const PickleValue& args) {
    if (callable.kind != PickleKind::Global)
        return bad(std::string("REDUCE calls a ") + pickleKindName(callable.kind));
    if (args.kind != PickleKind::Tuple)
        return bad("REDUCE arguments are not a tuple");
    const auto& a = args.items;
    auto copyOf = [&](PickleKind kind,
                      const std::vector<PickleValue*>& items) -> Expected<PickleValue*> {
        auto value = make(kind);
        if (!value)
            return value;
        if (auto s = addItems(value.value(), items.size()); !s)
            return s.error();
        value.value()->items = items;
        return value;
    };
    switch (callable.global) {
        case PickleGlobal::OrderedDict:
            if (!a.empty())
                return bad("collections.OrderedDict called with arguments");
            return make(PickleKind::Dict);
        case PickleGlobal::RebuildTensorV2:
            return rebuildTensor(args);
        case PickleGlobal::RebuildParameter:
            if (a.size() < 2 || a.size() > 4 || a[0]->kind != PickleKind::Tensor)
                return bad("torch._utils._rebuild_parameter called without a tensor");
            return a[0];
        case PickleGlobal::Size:
            if (a.size() != 1 || a[0]->kind != PickleKind::Tuple)
                return bad("torch.Size called without a tuple");
            return copyOf(PickleKind::Tuple, a[0]->items);
        case PickleGlobal::Device:
            if (a.empty() || a.size() > 2 || !a[0]->isString())
                return bad("torch.device called without a device name");
            return a[0];
        case PickleGlobal::Set:
            if (a.empty())
                return make(PickleKind::List);
            if (a.size() != 1 ||
                (a[0]->kind != PickleKind::List && a[0]->kind != PickleKind::Tuple))
                return bad(callable.text + " called without a list");
            return copyOf(PickleKind::List, a[0]->items);
        case PickleGlobal::StorageType:
            break;
    }
    return bad(callable.text + " cannot be called");
}

Expected<PickleValue*> PickleMachine::rebuildTensor(const PickleValue& args) {
    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[,
    // metadata])
    const auto& a = args.items;
    if (a.size() < 6 || a.size() > 7 || a[0]->kind != PickleKind::Storage ||
        !isNonNegativeInt(a[1]) || a[2]->kind != PickleKind::Tuple ||
        a[3]->kind != PickleKind::Tuple || a[2]->items.size() != a[3]->items.size() ||
        a[4]->kind != PickleKind::Bool || a[5]->kind != PickleKind::Dict)
        return bad("torch._utils._rebuild_tensor_v2 called with unexpected arguments");
    if (a[5]->dictSize() != 0)
        return bad("a tensor carries backward hooks");
    if (a[2]->items.size() > m_limits.maxRank)
        return bad("a tensor has more than " + std::to_string(m_limits.maxRank) + " dimensions");
    auto value = make(PickleKind::Tensor);
    if (!value)
        return value;
    auto tensor = std::make_unique<PickleTensor>();
    tensor->storage = a[0];
    tensor->storageOffset = a[1]->integer;
    for (std::size_t i = 0; i < a[2]->items.size(); ++i) {
        const PickleValue* size = a[2]->items[i];
        const PickleValue* stride = a[3]->items[i];
        if (!isNonNegativeInt(size) || !isNonNegativeInt(stride))
            return bad("a tensor has a negative or non-integer size or stride");
        tensor->shape.push_back(size->integer);
        tensor->strides.push_back(stride->integer);
    }
    value.value()->tensor = std::move(tensor);
    return value;
}

Expected<PickleValue*> PickleMachine::persistentLoad(const PickleValue& pid) {
    // ('storage', torch.<T>Storage, key, location, element count)
    const auto& a = pid.items;
    if (pid.kind != PickleKind::Tuple || a.size() != 5 || !a[0]->isString() ||
        a[0]->text != "storage" || a[1]->kind != PickleKind::Global ||
        a[1]->global != PickleGlobal::StorageType || !a[2]->isString() || !a[3]->isString() ||
        !isNonNegativeInt(a[4]))
        return bad("a persistent id that is not a storage reference");
    auto value = make(PickleKind::Storage);
    if (!value)
        return value;
    value.value()->dtype = a[1]->dtype;
    value.value()->text = a[2]->text;
    value.value()->integer = a[4]->integer;
    return value;
}

}  // namespace samdesk
