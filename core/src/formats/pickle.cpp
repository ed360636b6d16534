#include "corridorkey/pickle.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "corridorkey/errors.hpp"

namespace corridorkey::pickle {
namespace {

// The globals a weights-only checkpoint may name, and what each one is to this unpickler.
enum class Callable {
  None,
  OrderedDict,
  RebuildTensorV2,
  RebuildTensorV3,
  UntypedStorage,
  Complex,
  ByteArray,
  RebuildParameter,
  RebuildParameterWithState,
  RebuildFromTypeV2,
  Size,
  CodecsEncode,
  Set,
  Device,
  StorageClass,
  TensorClass,
  DTypeValue,
};

struct GlobalInfo {
  Callable callable = Callable::None;
  DType dtype = DType::F32;
};

std::optional<GlobalInfo> allowed_global(const std::string& given_module, const std::string& name) {
  // Protocol-2 pickles (Python 2's names) call the builtins module __builtin__, as torch maps it.
  const std::string module = given_module == "__builtin__" ? "builtins" : given_module;
  const std::string full = module + "." + name;
  static const std::array<std::pair<std::string_view, Callable>, 16> kFixed{{
      {"collections.OrderedDict", Callable::OrderedDict},
      {"torch._utils._rebuild_tensor_v2", Callable::RebuildTensorV2},
      {"torch._utils._rebuild_tensor_v3", Callable::RebuildTensorV3},
      {"torch.storage.UntypedStorage", Callable::UntypedStorage},
      {"builtins.frozenset", Callable::Set},
      {"builtins.complex", Callable::Complex},
      {"builtins.bytearray", Callable::ByteArray},
      {"torch._utils._rebuild_parameter", Callable::RebuildParameter},
      {"torch._utils._rebuild_parameter_with_state", Callable::RebuildParameterWithState},
      {"torch._tensor._rebuild_from_type_v2", Callable::RebuildFromTypeV2},
      {"torch.Size", Callable::Size},
      {"_codecs.encode", Callable::CodecsEncode},
      {"builtins.set", Callable::Set},
      {"torch.device", Callable::Device},
      {"torch.nn.parameter.Parameter", Callable::TensorClass},
      {"torch.Tensor", Callable::TensorClass},
  }};
  for (const auto& [n, c] : kFixed) {
    if (full == n) return GlobalInfo{c};
  }
  if (module == "torch") {
    if (auto dt = dtype_from_storage_class(name)) return GlobalInfo{Callable::StorageClass, *dt};
    for (int i = 0; i < kDTypeCount; ++i) {
      const auto dt = static_cast<DType>(i);
      if (full == torch_name(dt)) return GlobalInfo{Callable::DTypeValue, dt};  // float4_e2m1fn_x2: F4
    }
  }
  return std::nullopt;
}

class Machine {
 public:
  Machine(std::span<const std::byte> data, std::string_view source)
      : data_(data), source_(source), arena_(std::make_shared<std::deque<Value>>()) {}

  std::size_t position() const { return pos_; }

  Object run() {
    while (true) {
      const std::size_t at = pos_;
      const auto op = static_cast<std::uint8_t>(take(1)[0]);
      if (op == '.') {  // STOP
        op_start_ = at;
        Object result{arena_, pop("STOP")};
        check_depth(result.root);
        return result;
      }
      step(op, at);
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw CheckpointError("refusing pickle in '" + source_ + "' at byte " + std::to_string(op_start_) + ": " + what +
                          ". The file may be malicious or damaged; nothing from it was executed.");
  }

  std::span<const std::byte> take(std::size_t n) {
    if (n > data_.size() - pos_) {
      throw CheckpointError("pickle in '" + source_ + "' ends unexpectedly at byte " + std::to_string(data_.size()) +
                            " (truncated file?). Re-save or re-download the checkpoint.");
    }
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  std::uint64_t le(std::size_t n) {
    const auto s = take(n);
    std::uint64_t v = 0;
    for (std::size_t i = n; i-- > 0;) v = (v << 8) | static_cast<std::uint8_t>(s[i]);
    return v;
  }
  std::string line() {
    const std::size_t start = pos_;
    while (true) {
      if (static_cast<char>(take(1)[0]) == '\n') break;
      if (pos_ - start > 4096) fail("a text line longer than 4096 bytes");
    }
    return std::string(reinterpret_cast<const char*>(data_.data() + start), pos_ - start - 1);
  }

  Value* make(Kind kind) {
    arena_->emplace_back();
    arena_->back().kind = kind;
    return &arena_->back();
  }
  Value* push(Value* v) {
    if (stack_.size() > kMaxStack) fail("stack deeper than " + std::to_string(kMaxStack) + " entries");
    stack_.push_back(v);
    return v;
  }
  Value* pop(const char* op) {
    if (stack_.size() <= base()) fail(std::string(op) + " on an empty stack");
    Value* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Value* top(const char* op) {
    if (stack_.size() <= base()) fail(std::string(op) + " on an empty stack");
    return stack_.back();
  }
  std::size_t base() const { return marks_.empty() ? 0 : marks_.back(); }
  std::vector<Value*> pop_mark(const char* op) {
    if (marks_.empty()) fail(std::string(op) + " without a MARK");
    const std::size_t m = marks_.back();
    marks_.pop_back();
    std::vector<Value*> items(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return items;
  }
  void memo_put(std::uint64_t index) { memo_[index] = top("PUT"); }
  void memo_get(std::uint64_t index) {
    const auto it = memo_.find(index);
    if (it == memo_.end()) fail("memo index " + std::to_string(index) + " was never stored (memo out of range)");
    push(it->second);
  }

  Value* string_value(Kind kind, std::size_t n) {
    Value* v = make(kind);
    const auto s = take(n);
    v->text.assign(reinterpret_cast<const char*>(s.data()), n);
    return v;
  }
  Value* int_value(std::int64_t i) {
    Value* v = make(Kind::Int);
    v->integer = i;
    return v;
  }
  Value* long_value(std::size_t n);

  void append_to(Value* target, const std::vector<Value*>& items, const char* op) {
    if (target->kind != Kind::List && target->kind != Kind::Set) fail(std::string(op) + " on a non-list");
    target->items.insert(target->items.end(), items.begin(), items.end());
  }
  void set_items(Value* target, const std::vector<Value*>& kv, const char* op) {
    if (target->kind != Kind::Dict) fail(std::string(op) + " on a non-dict");
    if (kv.size() % 2 != 0) fail(std::string(op) + " with an odd number of items");
    for (std::size_t i = 0; i < kv.size(); i += 2) {
      bool replaced = false;
      for (auto& entry : target->dict) {
        if (same_key(entry.first, kv[i])) {
          entry.second = kv[i + 1];
          replaced = true;
          break;
        }
      }
      if (!replaced) target->dict.emplace_back(kv[i], kv[i + 1]);
    }
  }
  static bool same_key(const Value* a, const Value* b) {
    if (a == b) return true;
    if (a->kind != b->kind) return false;
    switch (a->kind) {
      case Kind::String:
      case Kind::Bytes:
      case Kind::BigInt:
        return a->text == b->text;
      case Kind::Int:
        return a->integer == b->integer;
      case Kind::Bool:
        return a->boolean == b->boolean;
      case Kind::None:
        return true;
      default:
        return false;
    }
  }
  Value* tuple(std::vector<Value*> items) {
    Value* v = make(Kind::Tuple);
    v->items = std::move(items);
    return v;
  }

  void global(const std::string& module, const std::string& name) {
    const auto info = allowed_global(module, name);
    if (!info) {
      fail("GLOBAL " + module + "." + name + " is not an allowed global in a weights-only checkpoint");
    }
    Value* v = make(Kind::Global);
    v->text = module + "." + name;
    v->dtype = info->dtype;
    globals_[v] = *info;
    push(v);
  }
  const GlobalInfo& callable_of(const Value* v, const char* op) {
    const auto it = globals_.find(v);
    if (v->kind != Kind::Global || it == globals_.end()) fail(std::string(op) + " of a value that is not callable");
    return it->second;
  }

  void check_depth(const Value* root) const;
  void reduce();
  Value* rebuild_tensor(const std::vector<Value*>& args, bool parameter, bool v3 = false);
  void persistent_load();
  void build();
  void step(std::uint8_t op, std::size_t at);

  static constexpr std::size_t kMaxStack = 1'000'000;
  static constexpr std::size_t kMaxMarks = 10'000;

  std::span<const std::byte> data_;
  std::string source_;
  std::size_t pos_ = 0;
  std::size_t op_start_ = 0;
  std::shared_ptr<std::deque<Value>> arena_;
  std::vector<Value*> stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::uint64_t, Value*> memo_;
  std::unordered_map<const Value*, GlobalInfo> globals_;
  std::unordered_map<std::string, Value*> storages_;
};

// Refuses cycles and nesting deeper than kMaxNesting, so every later traversal of the result is
// bounded. Iterative post-order walk; shared sub-objects are visited once.
void Machine::check_depth(const Value* root) const {
  struct Frame {
    const Value* node;
    std::vector<const Value*> kids;
    std::size_t next = 0;
  };
  auto frame = [](const Value* v) {
    Frame f{v, {v->items.begin(), v->items.end()}};
    for (const auto& [k, val] : v->dict) f.kids.push_back(k), f.kids.push_back(val);
    return f;
  };
  std::unordered_map<const Value*, int> depth;  // -1 while on the current path
  std::vector<Frame> path{frame(root)};
  depth[root] = -1;
  while (!path.empty()) {
    Frame& top = path.back();
    if (top.next < top.kids.size()) {
      const Value* child = top.kids[top.next++];
      const auto it = depth.find(child);
      if (it == depth.end()) {
        if (path.size() >= static_cast<std::size_t>(kMaxNesting)) {
          fail("the object nests deeper than " + std::to_string(kMaxNesting) + " levels");
        }
        depth[child] = -1;
        path.push_back(frame(child));
      } else if (it->second < 0) {
        fail("a cyclic object (a container that contains itself)");
      }
      continue;
    }
    int d = 0;
    for (const Value* k : top.kids) d = std::max(d, depth[k] + 1);
    depth[top.node] = d;
    path.pop_back();
  }
}

// LONG1/LONG4: little-endian two's complement of n bytes.
Value* Machine::long_value(std::size_t n) {
  const auto s = take(n);
  if (n == 0) return int_value(0);
  const bool negative = (static_cast<std::uint8_t>(s[n - 1]) & 0x80) != 0;
  if (n <= 8) {
    std::uint64_t v = 0;
    for (std::size_t i = n; i-- > 0;) v = (v << 8) | static_cast<std::uint8_t>(s[i]);
    if (negative && n < 8) v |= ~std::uint64_t{0} << (8 * n);
    return int_value(static_cast<std::int64_t>(v));
  }
  if (n > 4096) fail("an integer of " + std::to_string(n) + " bytes");
  // Wider than 64 bits: keep its decimal text (magnitude by repeated division).
  std::vector<std::uint8_t> mag(n);
  for (std::size_t i = 0; i < n; ++i) mag[i] = static_cast<std::uint8_t>(s[i]);
  if (negative) {  // two's complement negate
    unsigned carry = 1;
    for (auto& b : mag) {
      const unsigned x = static_cast<std::uint8_t>(~b) + carry;
      b = static_cast<std::uint8_t>(x);
      carry = x >> 8;
    }
  }
  std::string digits;
  bool nonzero = true;
  while (nonzero) {
    unsigned rem = 0;
    nonzero = false;
    for (std::size_t i = n; i-- > 0;) {
      const unsigned cur = (rem << 8) | mag[i];
      mag[i] = static_cast<std::uint8_t>(cur / 10);
      rem = cur % 10;
      if (mag[i] != 0) nonzero = true;
    }
    digits.push_back(static_cast<char>('0' + rem));
  }
  if (negative) digits.push_back('-');
  Value* v = make(Kind::BigInt);
  v->text.assign(digits.rbegin(), digits.rend());
  return v;
}

void Machine::persistent_load() {
  Value* pid = pop("BINPERSID");
  // ('storage', <StorageClass>, key, location, numel), and in the legacy (non-zip) format a sixth
  // item, view_metadata, which is None unless the storage is a view of another.
  if (pid->kind != Kind::Tuple || (pid->items.size() != 5 && pid->items.size() != 6) ||
      pid->items[0]->kind != Kind::String || pid->items[0]->text != "storage") {
    fail("a persistent id that is not ('storage', <StorageClass>, key, location, numel)");
  }
  if (pid->items.size() == 6 && pid->items[5]->kind != Kind::None) {
    fail("a storage that is a view of another (legacy view_metadata), which PyTorch >= 0.4 never writes");
  }
  const GlobalInfo& cls = callable_of(pid->items[1], "persistent id");
  if (cls.callable != Callable::StorageClass && cls.callable != Callable::UntypedStorage)
    fail("a persistent id whose storage class is " + pid->items[1]->text);
  // An UntypedStorage (torch >= 2.1, for the types without a typed storage) counts bytes; the
  // tensor's dtype comes with _rebuild_tensor_v3.
  const DType storage_dtype = cls.callable == Callable::UntypedStorage ? DType::U8 : cls.dtype;
  if (pid->items[2]->kind != Kind::String || pid->items[3]->kind != Kind::String || pid->items[4]->kind != Kind::Int ||
      pid->items[4]->integer < 0) {
    fail("a malformed storage persistent id");
  }
  const std::string& key = pid->items[2]->text;
  if (auto it = storages_.find(key); it != storages_.end()) {
    if (it->second->dtype != storage_dtype) fail("storage '" + key + "' used with two different dtypes");
    push(it->second);
    return;
  }
  Value* s = make(Kind::Storage);
  s->text = key;
  s->dtype = storage_dtype;
  s->location = pid->items[3]->text;
  s->storage_numel = static_cast<std::uint64_t>(pid->items[4]->integer);
  storages_[key] = s;
  push(s);
}

bool as_int_tuple(const Value* v, std::vector<std::int64_t>& out) {
  if (v->kind != Kind::Tuple && v->kind != Kind::List) return false;
  for (const Value* item : v->items) {
    if (item->kind != Kind::Int || item->integer < 0) return false;
    out.push_back(item->integer);
  }
  return true;
}

// _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
// _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype
//                    [, metadata]): an untyped (byte) storage viewed as `dtype`.
Value* Machine::rebuild_tensor(const std::vector<Value*>& args, bool parameter, bool v3) {
  const std::size_t min_args = v3 ? 7 : 4, max_args = v3 ? 8 : 7;
  const std::string fn = v3 ? "_rebuild_tensor_v3" : "_rebuild_tensor_v2";
  if (args.size() < min_args || args.size() > max_args)
    fail(fn + " with " + std::to_string(args.size()) + " arguments");
  if (args[0]->kind != Kind::Storage) fail(fn + " of something that is not a storage");
  if (args[1]->kind != Kind::Int || args[1]->integer < 0) fail(fn + " with a bad storage offset");
  Value* t = make(Kind::Tensor);
  t->storage = args[0];
  t->dtype = args[0]->dtype;
  std::uint64_t storage_elements = args[0]->storage_numel;
  if (v3) {
    const GlobalInfo& dt = callable_of(args[6], "_rebuild_tensor_v3");
    if (dt.callable != Callable::DTypeValue) fail("_rebuild_tensor_v3 with a dtype that is not a torch dtype");
    if (args[0]->dtype != DType::U8 && args[0]->dtype != dt.dtype)
      fail("_rebuild_tensor_v3 of a typed storage of another dtype");
    t->dtype = dt.dtype;
    storage_elements = args[0]->storage_numel / itemsize(dt.dtype);  // bytes -> elements
  }
  t->storage_offset = args[1]->integer;
  if (!as_int_tuple(args[2], t->sizes) || !as_int_tuple(args[3], t->strides) || t->sizes.size() != t->strides.size()) {
    fail(fn + " with malformed size/stride tuples");
  }
  if (t->sizes.size() > 64) fail("a tensor with " + std::to_string(t->sizes.size()) + " dimensions");
  // The view must stay inside its storage: offset + sum((size-1)*stride) < numel, with no overflow.
  bool empty = false;
  for (const auto d : t->sizes) empty = empty || d == 0;
  if (!empty) {
    std::uint64_t last = static_cast<std::uint64_t>(t->storage_offset);
    bool overflow = false;
    for (std::size_t i = 0; i < t->sizes.size(); ++i) {
      std::uint64_t span = 0;
      overflow = overflow || __builtin_mul_overflow(static_cast<std::uint64_t>(t->sizes[i] - 1),
                                                    static_cast<std::uint64_t>(t->strides[i]), &span);
      overflow = overflow || __builtin_add_overflow(last, span, &last);
    }
    if (overflow || last >= storage_elements) {
      fail("a tensor view (offset " + std::to_string(t->storage_offset) + ", " + std::to_string(t->sizes.size()) +
           " dims) reaches outside its storage '" + t->storage->text + "' of " + std::to_string(storage_elements) +
           " elements");
    }
  }
  t->parameter = parameter;
  return t;
}

void Machine::reduce() {
  Value* args = pop("REDUCE");
  Value* fn = pop("REDUCE");
  if (args->kind != Kind::Tuple) fail("REDUCE with arguments that are not a tuple");
  const GlobalInfo& g = callable_of(fn, "REDUCE");
  const auto& a = args->items;
  switch (g.callable) {
    case Callable::OrderedDict:
      if (!a.empty()) fail("REDUCE collections.OrderedDict with arguments");
      push(make(Kind::Dict));
      return;
    case Callable::RebuildTensorV2:
      push(rebuild_tensor(a, false));
      return;
    case Callable::RebuildTensorV3:
      push(rebuild_tensor(a, false, true));
      return;
    case Callable::Complex: {  // complex(real[, imag]): kept as a (real, imag) tuple
      if (a.empty() || a.size() > 2) fail("builtins.complex with " + std::to_string(a.size()) + " arguments");
      for (const Value* part : a) {
        if (part->kind != Kind::Float && part->kind != Kind::Int) fail("builtins.complex of a non-number");
      }
      push(tuple(a));
      return;
    }
    case Callable::ByteArray: {  // bytearray(), bytearray(bytes) or bytearray(str, 'latin-1'/'latin1')
      Value* b = make(Kind::Bytes);
      if (a.size() == 1 && a[0]->kind == Kind::Bytes) {
        b->text = a[0]->text;
      } else if (a.size() == 2 && a[0]->kind == Kind::String && a[1]->kind == Kind::String &&
                 (a[1]->text == "latin-1" || a[1]->text == "latin1")) {
        b->text = a[0]->text;  // the code points, as UTF-8: an extra, not read further
      } else if (!a.empty()) {
        fail("builtins.bytearray with unexpected arguments");
      }
      push(b);
      return;
    }
    case Callable::RebuildParameter:
    case Callable::RebuildParameterWithState: {
      if (a.size() < 2 || a[0]->kind != Kind::Tensor) fail("_rebuild_parameter of something that is not a tensor");
      Value* t = make(Kind::Tensor);
      *t = *a[0];
      t->parameter = true;
      push(t);
      return;
    }
    case Callable::RebuildFromTypeV2: {
      // (func, new_type, args, state): only plain tensors and Parameters are allowed.
      if (a.size() != 4 || a[2]->kind != Kind::Tuple) fail("malformed _rebuild_from_type_v2");
      const GlobalInfo& inner = callable_of(a[0], "_rebuild_from_type_v2");
      const GlobalInfo& type = callable_of(a[1], "_rebuild_from_type_v2");
      if ((inner.callable != Callable::RebuildTensorV2 && inner.callable != Callable::RebuildTensorV3) ||
          type.callable != Callable::TensorClass) {
        fail("_rebuild_from_type_v2 of " + a[0]->text + " into " + a[1]->text);
      }
      push(rebuild_tensor(a[2]->items, a[1]->text == "torch.nn.parameter.Parameter",
                          inner.callable == Callable::RebuildTensorV3));
      return;
    }
    case Callable::Size: {
      if (a.size() != 1 || (a[0]->kind != Kind::Tuple && a[0]->kind != Kind::List)) fail("malformed torch.Size");
      push(tuple(a[0]->items));
      return;
    }
    case Callable::CodecsEncode: {
      if (a.size() != 2 || a[0]->kind != Kind::String || a[1]->kind != Kind::String || a[1]->text != "latin1") {
        fail("_codecs.encode with arguments other than (str, 'latin1')");
      }
      // The str holds code points 0-255 as UTF-8; latin1 maps each back to one byte.
      Value* b = make(Kind::Bytes);
      const std::string& u = a[0]->text;
      for (std::size_t i = 0; i < u.size(); ++i) {
        const auto c = static_cast<unsigned char>(u[i]);
        if (c < 0x80) {
          b->text.push_back(static_cast<char>(c));
        } else if ((c == 0xC2 || c == 0xC3) && i + 1 < u.size()) {
          b->text.push_back(static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(u[++i]) & 0x3F)));
        } else {
          fail("_codecs.encode of a character outside latin1");
        }
      }
      push(b);
      return;
    }
    case Callable::Set: {
      Value* s = make(Kind::Set);
      if (a.size() == 1 && (a[0]->kind == Kind::List || a[0]->kind == Kind::Tuple)) {
        s->items = a[0]->items;
      } else if (!a.empty()) {
        fail("builtins.set with unexpected arguments");
      }
      push(s);
      return;
    }
    case Callable::Device: {
      if (a.empty() || a[0]->kind != Kind::String) fail("torch.device without a device name");
      Value* d = make(Kind::String);
      d->text = a[0]->text;
      push(d);
      return;
    }
    default:
      fail("REDUCE of " + fn->text + ", which is not callable in a weights-only checkpoint");
  }
}

void Machine::build() {
  Value* state = pop("BUILD");
  Value* target = top("BUILD");
  // OrderedDict carries `_metadata` (Module.state_dict) and tensors may carry an empty state:
  // both are accepted and ignored; BUILD of anything else would set attributes we cannot trust.
  if (target->kind == Kind::Dict || target->kind == Kind::Tensor) {
    if (state->kind == Kind::Dict || state->kind == Kind::None || state->kind == Kind::Tuple) return;
  }
  fail("BUILD on a value of this kind is not allowed in a weights-only checkpoint");
}

void Machine::step(std::uint8_t op, std::size_t at) {
  op_start_ = at;
  switch (op) {
    case 0x80: {  // PROTO
      const auto v = le(1);
      if (v > 5) fail("pickle protocol " + std::to_string(v) + " is newer than any known");
      return;
    }
    case 0x95:
      le(8);
      return;  // FRAME
    case '(':
      if (marks_.size() >= kMaxMarks) fail("more than " + std::to_string(kMaxMarks) + " nested MARKs (deep nesting)");
      marks_.push_back(stack_.size());
      return;
    case '0':
      pop("POP");
      return;
    case '1':
      pop_mark("POP_MARK");
      return;
    case '2':
      push(top("DUP"));
      return;
    case 'N':
      push(make(Kind::None));
      return;
    case 0x88:
    case 0x89: {
      Value* v = make(Kind::Bool);
      v->boolean = op == 0x88;
      push(v);
      return;
    }
    case 'J':
      push(int_value(static_cast<std::int32_t>(le(4))));
      return;
    case 'K':
      push(int_value(static_cast<std::int64_t>(le(1))));
      return;
    case 'M':
      push(int_value(static_cast<std::int64_t>(le(2))));
      return;
    case 0x8a:
      push(long_value(le(1)));
      return;
    case 0x8b:
      push(long_value(le(4)));
      return;
    case 'G': {
      const auto s = take(8);
      std::uint64_t bits = 0;
      for (int i = 0; i < 8; ++i) bits = (bits << 8) | static_cast<std::uint8_t>(s[i]);
      Value* v = make(Kind::Float);
      v->real = std::bit_cast<double>(bits);
      push(v);
      return;
    }
    case 'X':
      push(string_value(Kind::String, le(4)));
      return;
    case 0x8c:
      push(string_value(Kind::String, le(1)));
      return;
    case 0x8d:
      push(string_value(Kind::String, le(8)));
      return;
    case 'C':
      push(string_value(Kind::Bytes, le(1)));
      return;
    case 'B':
      push(string_value(Kind::Bytes, le(4)));
      return;
    case 0x8e:
      push(string_value(Kind::Bytes, le(8)));
      return;
    case 'U':
      push(string_value(Kind::String, le(1)));
      return;  // SHORT_BINSTRING
    case 'T':
      push(string_value(Kind::String, le(4)));
      return;  // BINSTRING
    case ')':
      push(tuple({}));
      return;
    case 't':
      push(tuple(pop_mark("TUPLE")));
      return;
    case 0x85: {
      Value* a = pop("TUPLE1");
      push(tuple({a}));
      return;
    }
    case 0x86: {
      Value* b = pop("TUPLE2");
      Value* a = pop("TUPLE2");
      push(tuple({a, b}));
      return;
    }
    case 0x87: {
      Value* c = pop("TUPLE3");
      Value* b = pop("TUPLE3");
      Value* a = pop("TUPLE3");
      push(tuple({a, b, c}));
      return;
    }
    case ']':
      push(make(Kind::List));
      return;
    case 'l': {
      auto items = pop_mark("LIST");
      Value* l = make(Kind::List);
      l->items = std::move(items);
      push(l);
      return;
    }
    case 'a': {
      Value* v = pop("APPEND");
      append_to(top("APPEND"), {v}, "APPEND");
      return;
    }
    case 'e': {
      auto items = pop_mark("APPENDS");
      append_to(top("APPENDS"), items, "APPENDS");
      return;
    }
    case '}':
      push(make(Kind::Dict));
      return;
    case 'd': {
      auto kv = pop_mark("DICT");
      Value* d = make(Kind::Dict);
      set_items(d, kv, "DICT");
      push(d);
      return;
    }
    case 's': {
      Value* v = pop("SETITEM");
      Value* k = pop("SETITEM");
      set_items(top("SETITEM"), {k, v}, "SETITEM");
      return;
    }
    case 'u': {
      auto kv = pop_mark("SETITEMS");
      set_items(top("SETITEMS"), kv, "SETITEMS");
      return;
    }
    case 0x8f:
      push(make(Kind::Set));
      return;
    case 0x90: {
      auto items = pop_mark("ADDITEMS");
      append_to(top("ADDITEMS"), items, "ADDITEMS");
      return;
    }
    case 0x91: {
      auto items = pop_mark("FROZENSET");
      Value* s = make(Kind::Set);
      s->items = std::move(items);
      push(s);
      return;
    }
    case 'q':
      memo_put(le(1));
      return;
    case 'r':
      memo_put(le(4));
      return;
    case 0x94:
      memo_put(memo_.size());
      return;  // MEMOIZE
    case 'h':
      memo_get(le(1));
      return;
    case 'j':
      memo_get(le(4));
      return;
    case 'c': {
      const std::string module = line();
      const std::string name = line();
      global(module, name);
      return;
    }
    case 0x93: {  // STACK_GLOBAL
      Value* name = pop("STACK_GLOBAL");
      Value* module = pop("STACK_GLOBAL");
      if (name->kind != Kind::String || module->kind != Kind::String) fail("STACK_GLOBAL of non-strings");
      global(module->text, name->text);
      return;
    }
    case 'R':
      reduce();
      return;
    case 0x81: {  // NEWOBJ: only OrderedDict() may be created this way
      Value* args = pop("NEWOBJ");
      Value* cls = pop("NEWOBJ");
      if (callable_of(cls, "NEWOBJ").callable != Callable::OrderedDict || args->kind != Kind::Tuple ||
          !args->items.empty()) {
        fail("NEWOBJ of " + cls->text + " is not allowed in a weights-only checkpoint");
      }
      push(make(Kind::Dict));
      return;
    }
    case 'b':
      build();
      return;
    case 'Q':
      persistent_load();
      return;
    case 'i':
      fail("INST opcode (creates an arbitrary object) is not allowed");
    case 'o':
      fail("OBJ opcode (creates an arbitrary object) is not allowed");
    case 0x92:
      fail("NEWOBJ_EX opcode is not allowed");
    case 'P':
      fail("text PERSID opcode is not allowed");
    case 0x82:
    case 0x83:
    case 0x84:
      fail("EXT opcodes (extension registry) are not allowed");
    default: {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", op);
      fail(std::string("unknown or unsupported opcode ") + hex);
    }
  }
}

std::string float_repr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  // Shortest round-trip digits, laid out the way Python's repr() does.
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  const auto e = sci.find('e');
  std::string mant = sci.substr(0, e);
  const int exp = std::stoi(sci.substr(e + 1));
  std::string sign;
  if (mant[0] == '-') sign = "-", mant.erase(0, 1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits.push_back(c);
  if (exp >= -4 && exp < 16) {
    std::string out;
    if (exp < 0) {
      out = "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
    } else if (static_cast<int>(digits.size()) <= exp + 1) {
      out = digits + std::string(static_cast<std::size_t>(exp + 1 - static_cast<int>(digits.size())), '0') + ".0";
    } else {
      out =
          digits.substr(0, static_cast<std::size_t>(exp + 1)) + "." + digits.substr(static_cast<std::size_t>(exp + 1));
    }
    return sign + out;
  }
  std::string out = digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char ebuf[16];
  std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
  return sign + out + ebuf;
}

std::string quote(const std::string& s, const char* prefix) {
  const char q = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out = prefix;
  out.push_back(q);
  for (char c : s) {
    if (c == q || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  out.push_back(q);
  return out;
}

std::string repr_at(const Value& v, int depth) {
  if (depth > kMaxNesting)
    throw CheckpointError("object nests deeper than " + std::to_string(kMaxNesting) +
                          " levels (cyclic or hostile pickle)");
  auto join = [&](const std::vector<Value*>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + repr_at(*items[i], depth + 1);
    return out;
  };
  switch (v.kind) {
    case Kind::None:
      return "None";
    case Kind::Bool:
      return v.boolean ? "True" : "False";
    case Kind::Int:
      return std::to_string(v.integer);
    case Kind::BigInt:
      return v.text;
    case Kind::Float:
      return float_repr(v.real);
    case Kind::String:
      return quote(v.text, "");
    case Kind::Bytes:
      return quote(v.text, "b");
    case Kind::List:
      return "[" + join(v.items) + "]";
    case Kind::Tuple:
      return "(" + join(v.items) + (v.items.size() == 1 ? ",)" : ")");
    case Kind::Set:
      return v.items.empty() ? "set()" : "{" + join(v.items) + "}";
    case Kind::Dict: {
      std::string out = "{";
      for (std::size_t i = 0; i < v.dict.size(); ++i) {
        out += (i ? ", " : "") + repr_at(*v.dict[i].first, depth + 1) + ": " + repr_at(*v.dict[i].second, depth + 1);
      }
      return out + "}";
    }
    case Kind::Global:
      return v.text;
    case Kind::Storage:
      return "<storage " + v.text + ">";
    case Kind::Tensor: {
      std::string shape;
      for (std::size_t i = 0; i < v.sizes.size(); ++i) shape += (i ? ", " : "") + std::to_string(v.sizes[i]);
      return "tensor(" + std::string(torch_name(v.dtype)) + ", [" + shape + "])";
    }
  }
  return "?";
}

}  // namespace

Object unpickle(std::span<const std::byte> data, std::string_view source, std::size_t* consumed) {
  Machine machine(data, source);
  Object object = machine.run();
  if (consumed != nullptr) *consumed = machine.position();
  return object;
}

std::string repr(const Value& value) { return repr_at(value, 0); }

const Value* dict_get(const Value& dict, std::string_view key) {
  for (const auto& [k, v] : dict.dict) {
    if (k->kind == Kind::String && k->text == key) return v;
  }
  return nullptr;
}

}  // namespace corridorkey::pickle
