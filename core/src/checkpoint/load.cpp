#include <fstream>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/logging.hpp"
#include "loaders.hpp"

namespace corridorkey {
namespace fs = std::filesystem;
namespace {

void collect_raw(const SafetensorsFile& file, const std::string& name, const at::Tensor& t, RawTensors& raw) {
  const DType dtype = file.entry(name).dtype;
  if (is_sub_byte(dtype)) raw[t.unsafeGetTensorImpl()] = std::string(safetensors_name(dtype));
}

}  // namespace

void note_raw(StateDict& sd, const RawTensors& raw) {
  for (const auto& [name, t] : sd.tensors) {
    const auto it = raw.find(t.unsafeGetTensorImpl());
    if (it != raw.end()) sd.raw_dtypes[name] = it->second;
  }
}

StateDict state_dict_from_safetensors(const fs::path& path) {
  const SafetensorsFile file = SafetensorsFile::open(path);
  StateDict sd;
  sd.format = CheckpointFormat::Safetensors;
  sd.path = path;
  sd.metadata = file.metadata();
  const auto tensors = file.tensors();
  RawTensors raw;
  for (const auto& [name, t] : tensors) collect_raw(file, name, t, raw);
  sd.tensors = normalise_names({tensors.begin(), tensors.end()}, sd.report, path.string());
  note_raw(sd, raw);
  return sd;
}

StateDict state_dict_from_index(const fs::path& index) {
  nlohmann::json j;
  try {
    std::ifstream in(index);
    if (!in) throw CheckpointError("cannot read shard index '" + index.string() + "'");
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError("shard index '" + index.string() + "' is not valid JSON: " + e.what());
  }
  if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object()) {
    throw CheckpointError("shard index '" + index.string() + "' has no \"weight_map\" object");
  }
  StateDict sd;
  sd.format = CheckpointFormat::ShardedSafetensors;
  sd.path = index;
  std::map<std::string, SafetensorsFile> shards;
  std::vector<std::pair<std::string, at::Tensor>> named;
  RawTensors raw;
  for (const auto& [name, file] : j["weight_map"].items()) {
    if (!file.is_string())
      throw CheckpointError("shard index '" + index.string() + "': weight_map['" + name + "'] is not a file name");
    const std::string shard = file.get<std::string>();
    if (shard.find('/') != std::string::npos || shard.find("..") != std::string::npos) {
      throw CheckpointError("shard index '" + index.string() + "' names '" + shard + "', outside its folder");
    }
    auto it = shards.find(shard);
    if (it == shards.end()) {
      it = shards.emplace(shard, SafetensorsFile::open(index.parent_path() / shard)).first;
      for (const auto& [k, v] : it->second.metadata()) sd.metadata.emplace(k, v);
    }
    named.emplace_back(name, it->second.tensor(name));
    collect_raw(it->second, name, named.back().second, raw);
  }
  for (const auto& [shard, file] : shards) {
    if (file.header().entries.size() > 0) {
      for (const auto& e : file.header().entries) {
        if (!j["weight_map"].contains(e.name)) {
          throw CheckpointError("shard '" + shard + "' holds '" + e.name + "', which index '" + index.string() +
                                "' does not list");
        }
      }
    }
  }
  if (j.contains("metadata") && j["metadata"].is_object() && j["metadata"].contains("total_size")) {
    std::uint64_t total = 0;
    for (const auto& [n, t] : named) total += static_cast<std::uint64_t>(t.nbytes());
    const auto& ts = j["metadata"]["total_size"];
    if (!ts.is_number_unsigned() || ts.get<std::uint64_t>() != total) {
      throw CheckpointError("shard index '" + index.string() + "' says total_size " + ts.dump() +
                            " but the shards hold " + std::to_string(total) + " bytes; a shard is missing or damaged");
    }
  }
  sd.tensors = normalise_names(std::move(named), sd.report, index.string());
  note_raw(sd, raw);
  return sd;
}

StateDict load_state_dict(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> indexes;
    for (const auto& e : fs::directory_iterator(path)) {
      const std::string name = e.path().filename().string();
      if (name.size() > 22 && name.ends_with(".safetensors.index.json")) indexes.push_back(e.path());
    }
    if (indexes.size() != 1) {
      throw CheckpointError("folder '" + path.string() + "' must hold exactly one *.safetensors.index.json (found " +
                            std::to_string(indexes.size()) + ")");
    }
    return state_dict_from_index(indexes.front());
  }
  if (!fs::exists(path, ec)) {
    throw CheckpointError("checkpoint '" + path.string() +
                          "' does not exist. Check the path, or put CorridorKey.safetensors into checkpoints/.");
  }
  if (path.extension() == ".json") return state_dict_from_index(path);
  // Sniff the content rather than trusting the extension.
  char head[9] = {};
  {
    std::ifstream in(path, std::ios::binary);
    in.read(head, sizeof head);
    if (in.gcount() < 4)
      throw CheckpointError("checkpoint '" + path.string() + "' is too small to be a checkpoint (" +
                            std::to_string(in.gcount()) + " bytes)");
  }
  StateDict sd;
  if (head[0] == 'P' && head[1] == 'K') {
    sd = state_dict_from_pth(path);
  } else if (head[8] == '{') {  // 8-byte length, then the JSON header
    sd = state_dict_from_safetensors(path);
  } else if (static_cast<unsigned char>(head[0]) == 0x80) {
    sd = state_dict_from_pth(path);  // a bare pickle: the legacy format, refused with advice
  } else {
    sd = state_dict_from_safetensors(path);  // reports precisely why it is not safetensors
  }
  log_debug("loaded ", sd.tensors.size(), " tensors from '", path.string(), "' (", format_name(sd.format),
            "): ", sd.report.summary());
  return sd;
}

}  // namespace corridorkey
