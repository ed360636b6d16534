#include <optional>

#include <ATen/ATen.h>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/legacy_pth.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/zip_archive.hpp"
#include "tensor_view.hpp"

namespace corridorkey {

// Where the storages' bytes are: the zip index plus the archive's top-level folder ("archive/",
// "CorridorKey/", ...), or the legacy format's storage sections; and the storages materialised so
// far, so that views of one storage share it as in PyTorch.
struct PthArchive {
  std::optional<ZipArchive> zip;
  std::string prefix;
  std::map<std::string, std::span<const std::byte>> legacy;
  mutable std::map<std::string, at::Tensor> storages;

  std::span<const std::byte> record(const std::string& key, std::string& name) const {
    if (zip) {
      name = prefix + "data/" + key;
      return zip->record(name);
    }
    name = "legacy storage " + key;
    return legacy.at(key);
  }
};

namespace {

std::string find_prefix(const ZipArchive& zip, const std::filesystem::path& path) {
  std::string prefix;
  for (const auto& [name, _] : zip.records()) {
    const auto slash = name.find('/');
    if (slash != std::string::npos && name.substr(slash) == "/data.pkl") {
      if (!prefix.empty()) {
        throw CheckpointError("'" + path.string() + "' holds more than one data.pkl; it is not a torch.save file");
      }
      prefix = name.substr(0, slash + 1);
    }
  }
  if (prefix.empty()) {
    throw CheckpointError("'" + path.string() +
                          "' is a zip file without <folder>/data.pkl; it is not a torch.save checkpoint");
  }
  return prefix;
}

void flatten_into(const pickle::Value& v, const std::string& path, int depth,
                  std::vector<std::pair<std::string, const pickle::Value*>>& out) {
  using pickle::Kind;
  if (depth > pickle::kMaxNesting) {
    throw CheckpointError("checkpoint object nests deeper than " + std::to_string(pickle::kMaxNesting) +
                          " levels (cyclic or hostile pickle)");
  }
  auto child = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
  if (v.kind == Kind::Dict) {
    for (const auto& [k, val] : v.dict) {
      const std::string key = (k->kind == Kind::String) ? k->text : pickle::repr(*k);
      flatten_into(*val, child(key), depth + 1, out);
    }
  } else if (v.kind == Kind::List || v.kind == Kind::Tuple) {
    for (std::size_t i = 0; i < v.items.size(); ++i)
      flatten_into(*v.items[i], child(std::to_string(i)), depth + 1, out);
  } else {
    out.emplace_back(path, &v);
  }
}

}  // namespace

PthFile PthFile::open(const std::filesystem::path& path) {
  PthFile f;
  f.file_ = MappedFile::open(path);
  const auto bytes = f.file_->bytes();
  if (!looks_like_zip(bytes)) {
    if (looks_like_legacy_pth(bytes)) {  // torch < 1.6, or _use_new_zipfile_serialization=False
      LegacyPth legacy = parse_legacy_pth(bytes, path.string());
      f.object_ = std::move(legacy.object);
      f.legacy_ = true;
      f.archive_ = std::make_shared<PthArchive>(PthArchive{std::nullopt, {}, std::move(legacy.storages), {}});
      log_info("'", path.string(), "' uses PyTorch's legacy (pre-1.6) format; converting it is safer and loads faster");
      return f;
    }
    throw CheckpointError("'" + path.string() +
                          "' is neither a torch.save file (zip or legacy) nor a safetensors file");
  }
  ZipArchive zip(bytes, path.string());
  std::string prefix = find_prefix(zip, path);
  if (zip.contains(prefix + "byteorder")) {
    const auto bo = zip.record(prefix + "byteorder");
    const std::string order(reinterpret_cast<const char*>(bo.data()), bo.size());
    if (order != "little") {
      throw CheckpointError("'" + path.string() + "' was saved on a " + order +
                            "-endian machine; only little-endian checkpoints are supported. Re-save it on x86 or ARM.");
    }
  }
  f.object_ = pickle::unpickle(zip.record(prefix + "data.pkl"), path.string());
  f.archive_ = std::make_shared<PthArchive>(PthArchive{std::move(zip), std::move(prefix), {}, {}});
  return f;
}

at::Tensor PthFile::tensor(const pickle::Value& value) const {
  if (value.kind != pickle::Kind::Tensor) throw CheckpointError("value is not a tensor");
  const pickle::Value& s = *value.storage;
  auto it = archive_->storages.find(s.text);
  if (it == archive_->storages.end()) {
    std::string record;
    const auto bytes = archive_->record(s.text, record);
    std::uint64_t need = 0;
    if (__builtin_mul_overflow(s.storage_numel, static_cast<std::uint64_t>(itemsize(s.dtype)), &need) ||
        need > bytes.size()) {
      throw CheckpointError("storage record '" + record + "' in '" + file_->path().string() + "' holds " +
                            std::to_string(bytes.size()) + " bytes but the pickle claims " +
                            std::to_string(s.storage_numel) + " elements; the file is damaged or may be malicious");
    }
    const auto offset = static_cast<std::uint64_t>(bytes.data() - file_->bytes().data());
    at::Tensor storage = tensor_view(file_, offset, s.dtype, {static_cast<std::int64_t>(s.storage_numel)});
    it = archive_->storages.emplace(s.text, storage).first;
  }
  at::Tensor storage = it->second;
  if (value.dtype != s.dtype) {  // _rebuild_tensor_v3: the untyped bytes as the tensor's dtype
    const auto size = itemsize(value.dtype);
    const auto whole =
        static_cast<std::int64_t>(storage.numel() / static_cast<std::int64_t>(size) * static_cast<std::int64_t>(size));
    at::Tensor bytes = storage.narrow(0, 0, whole);
    if (reinterpret_cast<std::uintptr_t>(bytes.data_ptr()) % size != 0) bytes = bytes.clone();  // align
    storage = bytes.view(to_scalar_type(value.dtype));
  }
  return storage.as_strided(value.sizes, value.strides, value.storage_offset);
}

std::vector<std::pair<std::string, const pickle::Value*>> PthFile::flatten() const {
  std::vector<std::pair<std::string, const pickle::Value*>> out;
  flatten_into(*object_.root, "", 0, out);
  return out;
}

}  // namespace corridorkey
