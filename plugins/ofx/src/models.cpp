// Shared networks, checkpoint folders and the device gate (models.hpp).
#include "models.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/device.hpp"
#include "corridorkey/hub/hub.hpp"
#include "corridorkey/logging.hpp"
#include "ofx_api.hpp"

namespace corridorkey::ofx {
namespace fs = std::filesystem;

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

constexpr std::size_t kKeptModels = 2;  // e.g. the green and the blue network

}  // namespace

fs::path bundle_folder() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<const void*>(&bundle_folder), &info) == 0 || info.dli_fname == nullptr) return {};
  // <bundle>/Contents/Linux-x86-64/CorridorKey.ofx
  std::error_code ec;
  const fs::path module = fs::weakly_canonical(fs::path(info.dli_fname), ec);
  return module.parent_path().parent_path().parent_path();
}

std::vector<fs::path> checkpoint_folders() {
  std::vector<fs::path> dirs;
  if (const std::string d = env("CORRIDORKEY_CHECKPOINT_DIR"); !d.empty()) dirs.emplace_back(expand_path(d));
  if (const fs::path bundle = bundle_folder(); !bundle.empty()) {
    dirs.push_back(bundle.parent_path() / "checkpoints");
    dirs.push_back(bundle / "Contents" / "Resources" / "checkpoints");
  }
  return dirs;
}

Models& Models::get() {
  static Models* models = new Models();  // never destroyed: hosts unload plugins in any order at exit
  return *models;
}

c10::Device Models::device() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!device_chosen_) {
    const std::string wanted = env("CORRIDORKEY_OFX_DEVICE");
    device_ = pick_device(wanted.empty() ? "auto" : wanted);
    device_chosen_ = true;
    int turns = device_.is_cuda() ? 2 : 1;
    if (const std::string n = env("CORRIDORKEY_OFX_CONCURRENT_FRAMES"); !n.empty())
      turns = std::max(1, std::atoi(n.c_str()));
    turns_total_ = turns;
    log_info("CorridorKey OFX: frames run on ", device_.str(), ", ", turns, " at a time");
  }
  return device_;
}

at::ScalarType Models::precision(PrecisionChoice choice) {
  const bool gpu = device().is_cuda();
  switch (choice) {
    case PrecisionChoice::float32:
      return at::kFloat;
    case PrecisionChoice::float16:
      if (!gpu) {
        throw OfxFailure(
            "Precision Float16 needs a GPU and this machine runs the network on the CPU: "
            "choose BFloat16 (fast on recent CPUs) or Float32",
            kOfxStatFailed);
      }
      return at::kHalf;
    case PrecisionChoice::bfloat16:
      return at::kBFloat16;
    case PrecisionChoice::automatic:
      break;
  }
  return gpu ? at::kHalf : at::kFloat;
}

std::shared_ptr<const Engine> Models::engine(ScreenColor color, int img_size, at::ScalarType precision) {
  const c10::Device dev = device();
  const Key key{static_cast<int>(color), img_size, static_cast<int>(precision), dev.str()};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = models_.find(key); it != models_.end()) {
      it->second.last_used = ++clock_;
      return it->second.engine;
    }
  }
  std::lock_guard<std::mutex> loading(load_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);  // loaded by another render meanwhile?
    if (auto it = models_.find(key); it != models_.end()) return it->second.engine;
  }

  // The checkpoint: the folders in order, then the Hugging Face cache; no download.
  const HubOptions hub = HubOptions::from_environment();
  const std::vector<fs::path> dirs = checkpoint_folders();
  fs::path file;
  std::string how;
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    if (fs::path found = discover_checkpoint(dir, color); !found.empty()) {
      file = found;
      how = "found in " + dir.string();
      break;
    }
  }
  if (file.empty()) {
    const CheckpointSource source = checkpoint_source(hub, color);
    const fs::path bundle = bundle_folder();
    const fs::path put_into = !bundle.empty() ? bundle.parent_path() / "checkpoints"
                              : dirs.empty()  ? fs::path("checkpoints")
                                              : dirs.front();
    try {
      ResolveRequest request;
      request.checkpoint_dir = dirs.empty() ? fs::path("checkpoints") : dirs.front();
      request.allow_download = false;
      request.color = color;
      ResolvedCheckpoint r = resolve_checkpoint(request, hub);
      file = r.path;
      how = r.how;
    } catch (const HubError&) {
      std::string looked;
      for (const fs::path& dir : dirs) looked += dir.string() + ", ";
      throw HubError("no " + std::string(screen_color_name(color)) + "-screen checkpoint: looked in " + looked +
                     "and the Hugging Face cache " + hub.hf_cache.string() + ". Put " + source.safetensors + " (from " +
                     hub.endpoint + "/" + source.repo + ") into " + put_into.string() +
                     " or set CORRIDORKEY_CHECKPOINT_DIR to its folder; plugins never download (clip_manager does, "
                     "into that cache)");
    }
  }
  const StateDict sd = load_state_dict(file);
  const ModelConfig config = ModelConfig::resolve(sd);
  ModelOptions mo;
  mo.img_size = img_size;
  mo.precision = precision;
  mo.device = dev;
  auto engine = std::make_shared<const Engine>(GreenFormer::load(sd, config, mo));
  log_info("CorridorKey OFX: ", screen_color_name(color), "-screen network ", file.string(), " [", how, "], ", img_size,
           " px, ", precision_name(precision), " on ", dev.str());

  std::lock_guard<std::mutex> lock(mutex_);
  models_[key] = Entry{engine, ++clock_};
  while (models_.size() > kKeptModels) {  // the least recently used one no render holds
    auto victim = models_.end();
    for (auto it = models_.begin(); it != models_.end(); ++it) {
      if (it->first != key && it->second.engine.use_count() == 1 &&
          (victim == models_.end() || it->second.last_used < victim->second.last_used))
        victim = it;
    }
    if (victim == models_.end()) break;
    models_.erase(victim);
  }
  return engine;
}

void Models::purge() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = models_.begin(); it != models_.end();) {
    it = it->second.engine.use_count() == 1 ? models_.erase(it) : std::next(it);
  }
}

Models::Turn::Turn(Models& models) : models_(models) {
  models.device();
  std::unique_lock<std::mutex> lock(models.mutex_);
  models.turn_free_.wait(lock, [&] { return models.turns_taken_ < models.turns_total_; });
  ++models.turns_taken_;
}

Models::Turn::~Turn() {
  {
    std::lock_guard<std::mutex> lock(models_.mutex_);
    --models_.turns_taken_;
  }
  models_.turn_free_.notify_one();
}

}  // namespace corridorkey::ofx
