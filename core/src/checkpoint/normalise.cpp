#include <ATen/ATen.h>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/logging.hpp"
#include "loaders.hpp"

namespace corridorkey {

std::string NormalisationReport::summary() const {
  std::string s;
  auto add = [&](const std::string& part) { s += (s.empty() ? "" : "; ") + part; };
  for (const auto& w : unwrapped) add("unwrapped '" + w + "'");
  if (stripped_orig_mod) add("stripped '_orig_mod.' from " + std::to_string(stripped_orig_mod) + " names");
  if (stripped_module) add("stripped 'module.' from " + std::to_string(stripped_module) + " names");
  if (!skipped.empty()) add("skipped " + std::to_string(skipped.size()) + " non-tensor entries");
  return s.empty() ? "nothing to normalise" : s;
}

std::map<std::string, at::Tensor> normalise_names(std::vector<std::pair<std::string, at::Tensor>> named,
                                                  NormalisationReport& report, const std::string& source) {
  std::map<std::string, at::Tensor> out;
  std::map<std::string, std::string> original;
  for (auto& [name, tensor] : named) {
    std::string key = name;
    for (bool changed = true; changed;) {
      changed = false;
      if (key.rfind("_orig_mod.", 0) == 0) {
        key.erase(0, 10), ++report.stripped_orig_mod, changed = true;
      } else if (key.rfind("module.", 0) == 0) {
        key.erase(0, 7), ++report.stripped_module, changed = true;
      }
    }
    if (const auto it = original.find(key); it != original.end()) {
      throw CheckpointError("'" + source + "' holds both '" + it->second + "' and '" + name +
                            "', which are the same parameter once prefixes are stripped; keep only one");
    }
    original.emplace(key, name);
    out.emplace(std::move(key), std::move(tensor));
  }
  return out;
}

namespace {

using pickle::Kind;
using pickle::Value;

bool holds_tensors(const Value& dict) {
  for (const auto& [k, v] : dict.dict) {
    if (v->kind == Kind::Tensor) return true;
  }
  return false;
}

}  // namespace

StateDict state_dict_from_pth(const std::filesystem::path& path) {
  const PthFile file = PthFile::open(path);
  StateDict sd;
  sd.format = file.legacy() ? CheckpointFormat::LegacyPth : CheckpointFormat::Pth;
  sd.path = path;
  const Value* root = &file.root();
  if (root->kind != Kind::Dict) {
    throw CheckpointError("'" + path.string() + "' holds a " + pickle::repr(*root).substr(0, 40) +
                          " rather than a state dict (a dict of tensors)");
  }
  // Unwrap {"state_dict": {...}} / {"model": {...}} as long as the current level has no tensors.
  // At the top, a "state_dict" dict is taken even beside tensors, as the reference's loader does
  // (checkpoint.get("state_dict", checkpoint)): a trainer's file may keep tensors (an EMA, a step
  // counter) next to the weights.
  for (int guard = 0; guard < 4; ++guard) {
    const Value* top_state = guard == 0 ? dict_get(*root, "state_dict") : nullptr;
    const bool state_dict_at_top = top_state != nullptr && top_state->kind == Kind::Dict;
    if (holds_tensors(*root) && !state_dict_at_top) break;
    const Value* inner = nullptr;
    for (const char* key : {"state_dict", "model"}) {
      const Value* v = dict_get(*root, key);
      if (v != nullptr && v->kind == Kind::Dict) {
        inner = v;
        sd.report.unwrapped.emplace_back(key);
        break;
      }
    }
    if (inner == nullptr) break;
    for (const auto& [k, v] : root->dict) {
      if (v != inner) sd.report.skipped.push_back(k->kind == Kind::String ? k->text : pickle::repr(*k));
    }
    root = inner;
  }
  std::vector<std::pair<std::string, at::Tensor>> named;
  RawTensors raw;
  for (const auto& [k, v] : root->dict) {
    const std::string key = k->kind == Kind::String ? k->text : pickle::repr(*k);
    if (v->kind == Kind::Tensor) {
      named.emplace_back(key, file.tensor(*v));
      if (is_sub_byte(v->dtype)) raw[named.back().second.unsafeGetTensorImpl()] = std::string(torch_name(v->dtype));
    } else {
      log_debug(path.string(), ": skipping non-tensor entry '", key, "'");
      sd.report.skipped.push_back(key);
    }
  }
  sd.tensors = normalise_names(std::move(named), sd.report, path.string());
  note_raw(sd, raw);
  return sd;
}

}  // namespace corridorkey
