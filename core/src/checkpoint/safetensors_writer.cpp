#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <random>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "corridorkey/atomic_file.hpp"
#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"

namespace corridorkey {
namespace fs = std::filesystem;

std::uint64_t parse_byte_size(std::string_view text) {
  static const std::pair<std::string_view, std::uint64_t> kUnits[] = {{"KIB", 1ull << 10},
                                                                      {"MIB", 1ull << 20},
                                                                      {"GIB", 1ull << 30},
                                                                      {"TIB", 1ull << 40},
                                                                      {"KB", 1000ull},
                                                                      {"MB", 1000'000ull},
                                                                      {"GB", 1000'000'000ull},
                                                                      {"TB", 1000'000'000'000ull},
                                                                      {"B", 1}};
  std::string upper;
  for (char c : text)
    if (c != ' ') upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  std::uint64_t unit = 1;
  for (const auto& [suffix, mult] : kUnits) {
    if (upper.size() > suffix.size() && upper.ends_with(suffix)) {
      unit = mult;
      upper.resize(upper.size() - suffix.size());
      break;
    }
  }
  if (upper.empty() || upper.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError("invalid size '" + std::string(text) + "': use bytes or a unit, e.g. 500MB, 2GB, 100KiB");
  }
  const std::uint64_t value = std::stoull(upper);
  if (value == 0 || value > UINT64_MAX / unit) throw UsageError("invalid size '" + std::string(text) + "'");
  return value * unit;
}

namespace {

// The position of a dtype in safetensors' Dtype enum, which is in increasing alignment.
int safetensors_rank(DType dtype) {
  static constexpr DType kOrder[] = {
      DType::BOOL,    DType::F4,      DType::F6_E2M3, DType::F6_E3M2,     DType::U8,          DType::I8,
      DType::F8_E5M2, DType::F8_E4M3, DType::F8_E8M0, DType::F8_E4M3FNUZ, DType::F8_E5M2FNUZ, DType::I16,
      DType::U16,     DType::F16,     DType::BF16,    DType::I32,         DType::U32,         DType::F32,
      DType::C64,     DType::F64,     DType::I64,     DType::U64};
  for (int i = 0; i < static_cast<int>(std::size(kOrder)); ++i) {
    if (kOrder[i] == dtype) return i;
  }
  return 0;
}

}  // namespace

void write_safetensors(const fs::path& path, const std::map<std::string, at::Tensor>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  // As safetensors orders them: by descending alignment, then by name, so that every tensor of a
  // mixed-dtype file starts at a multiple of its element size.
  std::vector<std::pair<std::string, at::Tensor>> ordered;
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__") throw CheckpointError("a tensor cannot be named '__metadata__'");
    ordered.emplace_back(name, t.to(at::kCPU).contiguous());
  }
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return safetensors_rank(from_scalar_type(a.second.scalar_type())) >
           safetensors_rank(from_scalar_type(b.second.scalar_type()));
  });
  std::vector<at::Tensor> data;
  std::uint64_t offset = 0;
  for (auto& [name, c] : ordered) {  // names sorted within a dtype rank (from std::map, kept by stable_sort)
    const DType dtype = from_scalar_type(c.scalar_type());
    const auto bytes = static_cast<std::uint64_t>(c.nbytes());
    header[name] = {
        {"dtype", safetensors_name(dtype)}, {"shape", c.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    data.push_back(std::move(c));
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  AtomicFile out(path);
  std::uint64_t n = text.size();
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
  out.write(len, 8);
  out.write(text.data(), text.size());
  for (const auto& t : data) out.write(t.data_ptr(), static_cast<std::size_t>(t.nbytes()));
  out.commit();
}

fs::path write_sharded_safetensors(const fs::path& folder, const std::map<std::string, at::Tensor>& tensors,
                                   std::uint64_t max_shard_bytes, const std::map<std::string, std::string>& metadata) {
  std::vector<std::map<std::string, at::Tensor>> shards(1);
  std::uint64_t current = 0, total = 0;
  for (const auto& [name, t] : tensors) {
    const auto bytes = static_cast<std::uint64_t>(t.nbytes());
    if (current > 0 && current + bytes > max_shard_bytes) {
      shards.emplace_back();
      current = 0;
    }
    shards.back().emplace(name, t);
    current += bytes;
    total += bytes;
  }
  fs::create_directories(folder);
  nlohmann::json index = {{"metadata", {{"total_size", total}}}, {"weight_map", nlohmann::json::object()}};
  char fname[64];
  for (std::size_t i = 0; i < shards.size(); ++i) {
    std::snprintf(fname, sizeof fname, "model-%05zu-of-%05zu.safetensors", i + 1, shards.size());
    write_safetensors(folder / fname, shards[i], metadata);
    for (const auto& [name, _] : shards[i]) index["weight_map"][name] = fname;
  }
  const fs::path index_path = folder / "model.safetensors.index.json";
  AtomicFile out(index_path);
  const std::string text = index.dump(2) + "\n";
  out.write(text.data(), text.size());
  out.commit();
  return index_path;
}

}  // namespace corridorkey
