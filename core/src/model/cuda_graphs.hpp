// The network's forward pass as CUDA graphs (ModelOptions::cuda_graphs): one per batch size and
// refiner scale, captured after a warm-up pass and replayed after that, so that the host launches
// one graph instead of some thousand kernels a frame. A capture that fails is logged and that
// batch size runs eagerly from then on. Built only with CUDA.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <ATen/core/Tensor.h>

#include "corridorkey/model.hpp"

namespace corridorkey::detail {

class CudaGraphs {
 public:
  using Eager = std::function<ModelOutput(const at::Tensor& input)>;

  /// The network's outputs for `input` ([B, 4, S, S] on the model's device), from its graph, on the
  /// calling thread's current stream; `eager(x)` runs the network itself (it is what a capture
  /// records). Returns nothing where the caller must run the network eagerly: the first pass of
  /// each (batch, refiner_scale), the warm-up a capture needs (cuDNN's algorithm search, cuBLAS's
  /// workspaces), and every pass after its capture failed. `what` names the run in the logs.
  /// The outputs are the caller's own (copies of the graph's), safe on any stream or thread.
  std::optional<ModelOutput> run(const at::Tensor& input, double refiner_scale, const Eager& eager,
                                 const std::string& what);

  /// How many graphs are captured and replayable.
  int captured() const;

 private:
  struct Entry;
  mutable std::mutex mutex_;
  std::map<std::pair<std::int64_t, double>, std::shared_ptr<Entry>> entries_;
};

/// Test hook: the next capture fails as a real one does (a synchronising call inside it).
void fail_next_graph_capture();

}  // namespace corridorkey::detail
