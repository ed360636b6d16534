// The networks of a run, one per screen colour, loaded on first use (only the checkpoints the
// clips need are found, downloaded and loaded) and kept for the rest of the run. With --checkpoint
// one network serves every clip.
#pragma once

#include <exception>
#include <map>
#include <memory>
#include <string>

#include "corridorkey/pipeline.hpp"
#include "corridorkey/screen.hpp"
#include "options.hpp"
#include "reporter.hpp"

namespace clip_manager {

class Engines {
 public:
  Engines(const Options& options, Reporter& reporter, c10::Device device);

  /// The engine for `color`'s clips, loading its checkpoint the first time. Throws HubError,
  /// CheckpointError or ModelError (the same one each time it is asked for, once it failed).
  corridorkey::Engine& get(corridorkey::ScreenColor color);
  /// The checkpoint file behind get(color) (empty before it is loaded).
  std::string checkpoint(corridorkey::ScreenColor color) const;

 private:
  struct Loaded {
    std::unique_ptr<corridorkey::Engine> engine;
    std::string checkpoint;
    std::exception_ptr failure;  // rethrown when asked again
  };
  const Options& options_;
  Reporter& reporter_;
  c10::Device device_;
  std::map<int, Loaded> loaded_;  // by colour; a single entry (-1) with --checkpoint
};

}  // namespace clip_manager
