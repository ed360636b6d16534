// A weights-only unpickler (torch-free, fuzzed). It understands the opcodes torch.save emits
// and an allowlist of globals that follows torch.load(weights_only=True). It never imports or
// calls anything: allowed globals are recognised by name and interpreted here; every other
// GLOBAL, REDUCE target, INST/OBJ or unknown opcode is refused with a CheckpointError that names
// what was found and says the file may be malicious.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "corridorkey/dtype.hpp"

namespace corridorkey::pickle {

enum class Kind {
  None,
  Bool,
  Int,
  BigInt,
  Float,
  String,
  Bytes,
  List,
  Tuple,
  Dict,
  Set,
  Global,   // an allowed global used as a value (a dtype, a class)
  Storage,  // a persistent-id storage reference: ('storage', <Class>, key, location, numel)
  Tensor,   // a tensor view into a storage (from _rebuild_tensor_v2 and friends)
};

struct Value {
  Kind kind = Kind::None;
  bool boolean = false;
  std::int64_t integer = 0;
  double real = 0.0;
  std::string text;                             // String, Bytes, BigInt (decimal), Global (module.name), Storage key
  std::vector<Value*> items;                    // List, Tuple, Set
  std::vector<std::pair<Value*, Value*>> dict;  // Dict (insertion order kept)
  // Storage
  DType dtype = DType::F32;
  std::uint64_t storage_numel = 0;
  std::string location;
  // Tensor
  const Value* storage = nullptr;
  std::int64_t storage_offset = 0;
  std::vector<std::int64_t> sizes, strides;
  bool parameter = false;
};

/// The result of unpickling: every Value lives in the arena, so destruction is flat (no
/// recursion however deep or cyclic the object graph is).
struct Object {
  std::shared_ptr<std::deque<Value>> arena;
  const Value* root = nullptr;
};

/// Unpickles `data` up to its STOP opcode. `source` names the file in error messages. When
/// `consumed` is given it receives the bytes read (the next pickle of a stream starts there).
Object unpickle(std::span<const std::byte> data, std::string_view source, std::size_t* consumed = nullptr);

/// The value under string key `key` of a Dict value, or nullptr.
const Value* dict_get(const Value& dict, std::string_view key);

/// Python's repr() of a scalar or container value (tensors print as "tensor(dtype, shape)").
std::string repr(const Value& value);

/// Deepest nesting any traversal of a pickled object accepts.
inline constexpr int kMaxNesting = 256;

}  // namespace corridorkey::pickle
