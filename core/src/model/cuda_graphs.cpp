// CUDA graphs of the network's forward pass (cuda_graphs.hpp).
#include "cuda_graphs.hpp"

#include <atomic>

#include <ATen/ATen.h>
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/core/InferenceMode.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <c10/util/Exception.h>
#include <cuda_runtime.h>

#include "corridorkey/logging.hpp"

namespace corridorkey::detail {
namespace {

std::atomic<bool> g_fail_next_capture{false};

}  // namespace

struct CudaGraphs::Entry {
  int eager_passes = 0;
  bool failed = false;
  std::unique_ptr<at::cuda::CUDAGraph> graph;
  at::Tensor input, alpha, fg;   // the graph's own buffers: what it reads and what it writes
  at::cuda::CUDAEvent released;  // the last replay's outputs are copied: the buffers may be reused
};

void fail_next_graph_capture() { g_fail_next_capture = true; }

int CudaGraphs::captured() const {
  const std::lock_guard lock(mutex_);
  int n = 0;
  for (const auto& [key, entry] : entries_) n += entry->graph != nullptr;
  return n;
}

namespace {

// Records eager(input) as a graph on a side stream (a capture cannot run on the legacy default
// stream), after one eager pass there: the stream's own cuBLAS workspace and the like are made
// outside the capture. Only this thread's calls are checked during the capture, so other threads
// (downloads, pinned allocations) go on. The buffers the graph reads and writes come back in
// static_input and out.
void capture(CudaGraphs::Eager const& eager, const at::Tensor& input, c10::cuda::CUDAStream stream,
             std::unique_ptr<at::cuda::CUDAGraph>& graph, at::Tensor& static_input, ModelOutput& out) {
  const c10::Device device = input.device();
  static_input = at::empty(input.sizes(), input.options());
  static_input.copy_(input);
  const c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, device.index());
  at::cuda::CUDAEvent ready;
  ready.record(stream);
  ready.block(side);
  graph = std::make_unique<at::cuda::CUDAGraph>();
  {
    const c10::cuda::CUDAStreamGuard on_side(side);
    (void)eager(static_input);
    graph->capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
    bool ended = false;
    try {
      if (g_fail_next_capture.exchange(false)) (void)static_input.sum().item<float>();  // synchronises: not allowed
      out = eager(static_input);
      ended = true;
      graph->capture_end();
    } catch (...) {
      if (!ended) {
        try {
          graph->capture_end();  // ends the invalidated capture, so the stream can be used again
        } catch (...) {
        }
      }
      (void)cudaGetLastError();
      throw;
    }
  }
  at::cuda::CUDAEvent captured;
  captured.record(side);
  captured.block(stream);
}

}  // namespace

std::optional<ModelOutput> CudaGraphs::run(const at::Tensor& input, double refiner_scale, const Eager& eager,
                                           const std::string& what) {
  const c10::InferenceMode inference;
  const std::lock_guard lock(mutex_);
  std::shared_ptr<Entry>& slot = entries_[{input.size(0), refiner_scale}];
  if (!slot) slot = std::make_shared<Entry>();
  Entry& e = *slot;
  if (e.failed) return std::nullopt;
  if (!e.graph && e.eager_passes++ == 0) return std::nullopt;  // the warm-up
  const c10::Device device = input.device();
  const c10::cuda::CUDAGuard device_guard(device);
  const c10::cuda::CUDAStream stream = c10::cuda::getCurrentCUDAStream(device.index());
  if (!e.graph) {
    try {
      ModelOutput out;
      capture(eager, input, stream, e.graph, e.input, out);
      e.alpha = out.alpha;
      e.fg = out.fg;
      log_info("captured the network (", what, ", batch ", input.size(0), ") as a CUDA graph");
    } catch (const c10::Error& err) {
      e.failed = true;
      e.graph.reset();
      e.input = e.alpha = e.fg = at::Tensor();
      log_warn("could not capture the network (", what, ", batch ", input.size(0), ") as a CUDA graph (",
               err.what_without_backtrace(), "): it runs without one");
      return std::nullopt;
    }
  }
  // Replays on this stream go one after another through the same buffers; one on another stream
  // (another thread) first waits for the copies of the one before.
  e.released.block(stream);
  e.input.copy_(input, /*non_blocking=*/true);
  e.graph->replay();
  ModelOutput out;
  out.alpha = e.alpha.clone();
  out.fg = e.fg.clone();
  e.released.record(stream);
  return out;
}

}  // namespace corridorkey::detail
