#include "corridorkey/legacy_pth.hpp"

#include <cstdint>

#include "corridorkey/dtype.hpp"
#include "corridorkey/errors.hpp"

namespace corridorkey {
namespace {

using pickle::Kind;
using pickle::Value;

// 0x1950a86a20f9469cfc6c, as Python prints it (the unpickler keeps big integers as decimal text).
constexpr std::string_view kMagic = "119547037146038801333356";
constexpr std::int64_t kProtocolVersion = 1001;
// PROTO 2, LONG1 of 10 bytes: how every legacy file starts.
constexpr unsigned char kStart[] = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};

[[noreturn]] void fail(std::string_view source, const std::string& what) {
  throw CheckpointError("invalid legacy torch.save file '" + std::string(source) + "': " + what +
                        ". The file is damaged or not a PyTorch checkpoint; re-save or re-download it.");
}

}  // namespace

bool looks_like_legacy_pth(std::span<const std::byte> file) {
  if (file.size() < sizeof kStart) return false;
  for (std::size_t i = 0; i < sizeof kStart; ++i) {
    if (static_cast<unsigned char>(file[i]) != kStart[i]) return false;
  }
  return true;
}

LegacyPth parse_legacy_pth(std::span<const std::byte> file, std::string_view source) {
  std::size_t pos = 0;
  const auto next = [&]() {
    std::size_t used = 0;
    pickle::Object o = pickle::unpickle(file.subspan(pos), source, &used);
    pos += used;
    return o;
  };
  const pickle::Object magic = next();
  if (magic.root->kind != Kind::BigInt || magic.root->text != kMagic) fail(source, "wrong magic number");
  const pickle::Object version = next();
  if (version.root->kind != Kind::Int || version.root->integer != kProtocolVersion) {
    fail(source, "unknown legacy protocol version (expected 1001)");
  }
  const pickle::Object sys_info = next();
  if (sys_info.root->kind != Kind::Dict) fail(source, "the system information is not a dict");
  if (const Value* le = pickle::dict_get(*sys_info.root, "little_endian");
      le != nullptr && le->kind == Kind::Bool && !le->boolean) {
    fail(source, "it was saved on a big-endian machine; only little-endian checkpoints are supported");
  }
  LegacyPth out;
  out.object = next();
  const pickle::Object keys = next();
  if (keys.root->kind != Kind::List) fail(source, "the storage key list is not a list");

  // The storages the object refers to, by key.
  std::map<std::string, const Value*> used;
  for (const Value& v : *out.object.arena) {
    if (v.kind == Kind::Storage) used.emplace(v.text, &v);
  }
  for (const Value* key : keys.root->items) {
    if (key->kind != Kind::String) fail(source, "a storage key that is not a string");
    const auto it = used.find(key->text);
    if (it == used.end()) fail(source, "storage '" + key->text + "' is listed but the object does not use it");
    if (out.storages.count(key->text)) fail(source, "storage '" + key->text + "' is listed twice");
    if (file.size() - pos < 8) fail(source, "the file ends before storage '" + key->text + "' (truncated?)");
    std::uint64_t count = 0;
    for (int i = 7; i >= 0; --i)
      count = (count << 8) | static_cast<std::uint8_t>(file[pos + static_cast<std::size_t>(i)]);
    pos += 8;
    const Value& s = *it->second;
    if (count != s.storage_numel) {
      fail(source, "storage '" + key->text + "' holds " + std::to_string(count) + " elements but the object says " +
                       std::to_string(s.storage_numel));
    }
    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(count, static_cast<std::uint64_t>(itemsize(s.dtype)), &bytes) ||
        bytes > file.size() - pos) {
      fail(source, "storage '" + key->text + "' runs past the end of the file (truncated?)");
    }
    out.storages.emplace(key->text, file.subspan(pos, static_cast<std::size_t>(bytes)));
    pos += static_cast<std::size_t>(bytes);
  }
  for (const auto& [key, v] : used) {
    if (!out.storages.count(key)) fail(source, "storage '" + key + "' is used but its bytes are not in the file");
  }
  return out;
}

}  // namespace corridorkey
