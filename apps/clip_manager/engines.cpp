#include "engines.hpp"

#include <unistd.h>

#include "corridorkey/hub/hub.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/model.hpp"

namespace clip_manager {
namespace ck = corridorkey;

Engines::Engines(const Options& options, Reporter& reporter, c10::Device device)
    : options_(options), reporter_(reporter), device_(device) {}

ck::Engine& Engines::get(ck::ScreenColor color) {
  const int key = options_.checkpoint.empty() ? static_cast<int>(color) : -1;
  Loaded& slot = loaded_[key];
  if (slot.engine) return *slot.engine;
  if (slot.failure) std::rethrow_exception(slot.failure);
  try {
    const c10::Device device = device_;
    ck::HubOptions hub = ck::HubOptions::from_environment();
    hub.progress_bar = ::isatty(STDERR_FILENO) != 0 && !options_.json;
    ck::ResolveRequest request{options_.checkpoint, options_.checkpoint_dir, true, color};
    const ck::ResolvedCheckpoint resolved = ck::resolve_checkpoint(request, hub);
    if (!options_.checkpoint.empty() && ck::checkpoint_screen_color(resolved.path) != color) {
      ck::log_warn("keying ", ck::screen_color_name(color), "-screen clips with ", resolved.path.string(),
                   ", whose name says it is the ", ck::screen_color_name(ck::checkpoint_screen_color(resolved.path)),
                   "-screen checkpoint");
    }
    const ck::StateDict sd = ck::load_state_dict(resolved.path);
    std::string origin;
    const ck::ModelConfig config = ck::ModelConfig::resolve(sd, &origin);
    ck::ModelOptions mo;
    mo.img_size = options_.img_size;
    mo.device = device;
    mo.precision = options_.precision.empty() ? (device.is_cuda() ? at::kHalf : at::kFloat)
                                              : ck::parse_precision(options_.precision);
    mo.allow_backbone_only = options_.backbone_only;
    mo.float32_stages = options_.float32_stages;
    slot.engine = std::make_unique<ck::Engine>(ck::GreenFormer::load(sd, config, mo));
    slot.checkpoint = resolved.path.string();
    ck::log_info(key < 0 ? "model" : std::string(ck::screen_color_name(color)) + "-screen model", ": ",
                 config.describe(), " (architecture from ", origin, "), ", resolved.path.string(), " [", resolved.how,
                 "], img_size ", options_.img_size, ", ", ck::precision_name(mo.precision), " on ", device.str());
    reporter_.event({{"event", "model"},
                     {"screen_color", key < 0 ? "any" : ck::screen_color_name(color)},
                     {"checkpoint", slot.checkpoint},
                     {"how", resolved.how},
                     {"img_size", options_.img_size},
                     {"precision", ck::precision_name(mo.precision)},
                     {"device", device.str()}});
  } catch (...) {
    slot.failure = std::current_exception();
    throw;
  }
  return *slot.engine;
}

std::string Engines::checkpoint(ck::ScreenColor color) const {
  const auto it = loaded_.find(options_.checkpoint.empty() ? static_cast<int>(color) : -1);
  return it == loaded_.end() ? std::string() : it->second.checkpoint;
}

}  // namespace clip_manager
