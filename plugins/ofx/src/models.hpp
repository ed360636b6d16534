// The networks of the process: loaded once, lazily, on first render, shared by every instance of
// the effect, from the same places the CLI looks (never downloaded from inside a host). Frames run
// concurrently up to what the device takes (a gate), not one at a time behind a global lock.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "corridorkey/pipeline.hpp"
#include "corridorkey/screen.hpp"
#include "params.hpp"

namespace corridorkey::ofx {

/// The folders searched for checkpoints, in order: $CORRIDORKEY_CHECKPOINT_DIR, `checkpoints/`
/// beside the bundle (e.g. /usr/OFX/Plugins/checkpoints), and the bundle's Contents/Resources/checkpoints.
/// The Hugging Face cache is searched after them.
std::vector<std::filesystem::path> checkpoint_folders();

/// The installed bundle's folder (CorridorKey.ofx.bundle), from the loaded module's path.
std::filesystem::path bundle_folder();

class Models {
 public:
  static Models& get();

  /// The device frames run on: $CORRIDORKEY_OFX_DEVICE (cpu, cuda, cuda:N) or the first GPU when one
  /// is visible, else the CPU. Chosen once.
  c10::Device device();

  /// The precision a choice means on this device (Auto: float16 on a GPU, float32 on the CPU).
  /// Throws OfxFailure for float16 on the CPU.
  at::ScalarType precision(PrecisionChoice choice);

  /// The engine (network) for `color` at img_size and precision, loaded on first use. Its const
  /// members (preprocess, model().forward) and Engine::postprocess are safe on any number of
  /// threads at once. Throws HubError, CheckpointError or ModelError saying what is missing and
  /// where to put it.
  std::shared_ptr<const Engine> engine(ScreenColor color, int img_size, at::ScalarType precision);

  /// Drops the networks no render is using (the purge-caches and unload actions).
  void purge();

  /// One network pass's turn on the device; passes beyond the device's share wait (pre- and
  /// post-processing run outside it, beside other frames' networks). CPU: 1 at a time (each uses
  /// every core), CUDA: 2; $CORRIDORKEY_OFX_CONCURRENT_FRAMES overrides.
  class Turn {
   public:
    explicit Turn(Models& models);
    ~Turn();
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;

   private:
    Models& models_;
  };

 private:
  Models() = default;
  using Key = std::tuple<int, int, int, std::string>;  // colour, img_size, precision, device
  struct Entry {
    std::shared_ptr<const Engine> engine;
    std::uint64_t last_used = 0;
  };

  std::mutex mutex_;       // the map, the device, the gate
  std::mutex load_mutex_;  // one load at a time (renders of loaded networks do not wait for it)
  std::condition_variable turn_free_;
  std::map<Key, Entry> models_;
  std::uint64_t clock_ = 0;
  bool device_chosen_ = false;
  c10::Device device_ = c10::Device(c10::kCPU);
  int turns_total_ = 0, turns_taken_ = 0;
};

}  // namespace corridorkey::ofx
