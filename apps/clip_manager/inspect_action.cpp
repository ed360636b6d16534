#include <iostream>
#include <sstream>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "actions.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/inspect.hpp"
#include "corridorkey/model.hpp"

namespace clip_manager {
namespace ck = corridorkey;

int run_inspect(const Options& o) {
  const ck::CheckpointSummary s = ck::inspect_checkpoint(o.checkpoint);
  int code = kOk;
  nlohmann::json extra = nlohmann::json::object();
  std::ostringstream tail;
  if (o.verify) {
    // Integrity: every tensor readable and finite, and the network builds from it.
    const ck::StateDict sd = ck::load_state_dict(o.checkpoint);
    std::vector<std::string> bad;
    for (const auto& [name, t] : sd.tensors) {
      if (at::isFloatingType(t.scalar_type()) && t.numel() > 0 && !at::isfinite(t).all().item<bool>())
        bad.push_back(name);
    }
    std::string build = "ok";
    try {
      const ck::ModelConfig config = ck::ModelConfig::resolve(sd);
      ck::GreenFormer::load(sd, config, {.img_size = config.train_img_size, .allow_backbone_only = true});
    } catch (const ck::Error& e) {
      build = e.what();
    }
    extra["verify"] = {{"non_finite_tensors", bad}, {"builds", build}};
    if (!bad.empty() || build != "ok") code = kModel;
    if (!o.json) {
      tail << "Verify:      "
           << (bad.empty() ? "all tensors finite" : std::to_string(bad.size()) + " tensors hold NaN/Inf")
           << "; network " << (build == "ok" ? "builds" : "does not build: " + build) << "\n";
    }
  }
  if (!o.compare.empty()) {
    const auto diffs = ck::compare_state_dicts(ck::load_state_dict(o.checkpoint), ck::load_state_dict(o.compare));
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : diffs) list.push_back({{"tensor", d.name}, {"difference", d.what}});
    extra["compare"] = {{"other", o.compare.string()}, {"identical", diffs.empty()}, {"differences", list}};
    if (!diffs.empty()) code = kSomeFailed;
    if (!o.json) {
      tail << "Compare:     "
           << (diffs.empty() ? "identical to " : std::to_string(diffs.size()) + " tensors differ from ")
           << o.compare.string() << "\n";
      for (const auto& d : diffs) tail << "  " << d.name << ": " << d.what << "\n";
    }
  }
  if (o.json) {
    nlohmann::json j = nlohmann::json::parse(s.to_json());
    j.update(extra);
    std::cout << j.dump() << "\n";
  } else {
    std::cout << s.to_text() << tail.str();
  }
  return code;
}

}  // namespace clip_manager
