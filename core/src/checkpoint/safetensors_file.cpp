#include <algorithm>

#include <ATen/ATen.h>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "tensor_view.hpp"

namespace corridorkey {

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
  SafetensorsFile f;
  f.file_ = MappedFile::open(path);
  f.header_ = parse_safetensors_header(f.file_->bytes(), path.string());
  return f;
}

const SafetensorsEntry& SafetensorsFile::entry(std::string_view name) const {
  const auto& entries = header_.entries;
  const auto it = std::lower_bound(entries.begin(), entries.end(), name,
                                   [](const SafetensorsEntry& e, std::string_view n) { return e.name < n; });
  if (it == entries.end() || it->name != name) {
    throw CheckpointError("tensor '" + std::string(name) + "' is not in '" + file_->path().string() + "'");
  }
  return *it;
}

at::Tensor SafetensorsFile::tensor(std::string_view name) const {
  const SafetensorsEntry& e = entry(name);
  if (is_sub_byte(e.dtype)) {  // no LibTorch type: its bytes, as they are
    return tensor_view(file_, header_.data_start + e.begin, DType::U8, {static_cast<std::int64_t>(e.end - e.begin)});
  }
  return tensor_view(file_, header_.data_start + e.begin, e.dtype, e.shape);
}

std::map<std::string, at::Tensor> SafetensorsFile::tensors() const {
  std::map<std::string, at::Tensor> out;
  for (const auto& e : header_.entries) out.emplace(e.name, tensor(e.name));
  return out;
}

}  // namespace corridorkey
