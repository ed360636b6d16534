#include "gpu_path.hpp"

#include <atomic>
#include <string>

#include <ATen/ATen.h>
#include <ATen/cuda/CUDAEvent.h>
#include <c10/core/InferenceMode.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <c10/util/Exception.h>

#include "corridorkey/errors.hpp"

#include "corridorkey_kernels/color.hpp"
#include "corridorkey_kernels/despeckle.hpp"
#include "corridorkey_kernels/resize.hpp"
#include "frames.hpp"

namespace corridorkey::detail {
namespace {

void* current_stream(c10::Device device) { return c10::cuda::getCurrentCUDAStream(device.index()).stream(); }

float* ptr(at::Tensor& t) { return t.data_ptr<float>(); }

std::atomic<int> g_failing_allocations{0};

// Device scratch bytes from LibTorch's caching allocator (on the current stream), not the
// device's own pool: memory LibTorch holds cached stays usable, and nothing is mapped per frame.
at::Tensor scratch_bytes(std::size_t bytes, c10::Device device) {
  int pending = g_failing_allocations.load();
  while (pending > 0 && !g_failing_allocations.compare_exchange_weak(pending, pending - 1)) {
  }
  // The test hook asks for more than any device has, so the allocator fails as it does for real.
  const auto size = static_cast<std::int64_t>(pending > 0 ? (std::size_t{1} << 50) : bytes);
  return at::empty({size}, at::TensorOptions().dtype(at::kByte).device(device));
}

// Post-processing inputs may come from another thread's stream: the caching allocator must not
// hand their memory out again before the work queued on this stream has used it.
void used_on_current_stream(const at::Tensor& t) {
  if (!t.is_cuda()) return;
  c10::cuda::CUDACachingAllocator::recordStream(t.storage().data_ptr(),
                                                c10::cuda::getCurrentCUDAStream(t.device().index()));
}

}  // namespace

void fail_gpu_allocations(int count) { g_failing_allocations.store(count); }

at::Tensor preprocess_cuda(const std::vector<at::Tensor>& plates, const std::vector<at::Tensor>& hints, int s,
                           bool input_is_linear, c10::Device device) {
  const c10::cuda::CUDAGuard device_guard(device);  // Engine::preprocess holds the InferenceMode guard
  void* stream = current_stream(device);
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(device);
  at::Tensor batch = at::empty({static_cast<std::int64_t>(plates.size()), 4, s, s}, f32);
  for (std::size_t i = 0; i < plates.size(); ++i) {
    // The kernels unpack 8/16-bit and float values; the raw bytes are what crosses the bus.
    const at::Tensor raw = plate_rgb(plates[i], device);
    const int h = static_cast<int>(raw.size(0)), w = static_cast<int>(raw.size(1));
    at::Tensor rgb = at::empty({3, h, w}, f32);
    kernels::cuda::unpack_planar(raw.data_ptr(), value_bytes(raw), ptr(rgb), 3, h, w, stream);
    at::Tensor hint;
    const at::Tensor hint_raw = hint_channel(hints[i], device);
    if (hint_raw.size(0) == h && hint_raw.size(1) == w) {
      hint = at::empty({1, h, w}, f32);
      kernels::cuda::unpack_planar(hint_raw.data_ptr(), value_bytes(hint_raw), ptr(hint), 1, h, w, stream);
    } else {  // a hint of another size is resized on the host, as the CPU path does
      hint = hint_unit_cpu(hints[i], h, w).to(device);
    }
    at::Tensor rgb_s = at::empty({3, s, s}, f32), hint_s = at::empty({1, s, s}, f32);
    at::Tensor scratch = at::empty({3, h, s}, f32);
    kernels::cuda::resize_bilinear_aa(ptr(rgb), ptr(rgb_s), ptr(scratch), 3, h, w, s, s, stream);
    kernels::cuda::resize_bilinear_aa(ptr(hint), ptr(hint_s), ptr(scratch), 1, h, w, s, s, stream);
    at::Tensor packed = batch[static_cast<std::int64_t>(i)];
    kernels::cuda::normalize_pack(ptr(rgb_s), ptr(hint_s), packed.data_ptr<float>(), static_cast<std::size_t>(s) * s,
                                  input_is_linear, stream);
  }
  return batch;
}

FrameResult postprocess_cuda(const at::Tensor& alpha_in, const at::Tensor& fg_in, int width, int height,
                             const InferenceSettings& settings) {
  const c10::Device device = alpha_in.device();
  const c10::cuda::CUDAGuard device_guard(device);  // Engine::postprocess holds the InferenceMode guard
  try {
    return postprocess_on(device, alpha_in, fg_in, width, height, settings);
  } catch (const c10::OutOfMemoryError& e) {
    throw FrameError("out of GPU memory post-processing a " + std::to_string(width) + " x " + std::to_string(height) +
                     " frame on " + device.str() + ": " + e.what_without_backtrace() +
                     " Free GPU memory (other processes), or use a smaller --img-size or --device cpu.");
  }
}

FrameResult postprocess_on(c10::Device device, const at::Tensor& alpha_in, const at::Tensor& fg_in, int width,
                           int height, const InferenceSettings& settings) {
  void* stream = current_stream(device);
  used_on_current_stream(alpha_in);
  used_on_current_stream(fg_in);
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(device);
  at::Tensor alpha_s = alpha_in.to(at::kFloat).contiguous(), fg_s = fg_in.to(at::kFloat).contiguous();
  const int s_h = static_cast<int>(alpha_s.size(-2)), s_w = static_cast<int>(alpha_s.size(-1));
  at::Tensor scratch = at::empty({3, s_h, width}, f32);
  FrameResult r;
  r.alpha = at::empty({height, width, 1}, f32);
  r.fg = at::empty({height, width, 3}, f32);
  kernels::cuda::resize_lanczos4(ptr(alpha_s), ptr(r.alpha), ptr(scratch), 1, s_h, s_w, height, width, stream);
  kernels::cuda::resize_lanczos4(ptr(fg_s), ptr(r.fg), ptr(scratch), 3, s_h, s_w, height, width, stream);
  at::Tensor matte = r.alpha;
  if (settings.auto_despeckle) {
    matte = at::empty({height, width, 1}, f32);
    at::Tensor scratch = scratch_bytes(kernels::cuda::despeckle_scratch_bytes(width, height), device);
    kernels::cuda::despeckle(ptr(r.alpha), ptr(matte), width, height, settings.despeckle_size, scratch.data_ptr(),
                             stream);
  }
  r.processed = at::empty({height, width, 4}, f32);
  if (settings.generate_comp) r.comp = at::empty({height, width, 3}, f32);
  const kernels::PostSettings post = post_settings(settings);
  kernels::cuda::postprocess(ptr(r.fg), ptr(matte), ptr(r.processed), settings.generate_comp ? ptr(r.comp) : nullptr,
                             width, height, post, stream);
  return r;
}

FrameResult to_host_cuda(const FrameResult& r, const HostOutputs& which, c10::Device device) {
  const c10::cuda::CUDAGuard device_guard(device);
  const c10::InferenceMode inference;
  try {
    // The conversions go behind the post-processing on its stream; then a pool stream copies what
    // they made while the calling thread's stream goes on with the next frame's work.
    const auto source = [&](bool wanted, const at::Tensor& t, bool half) {
      if (!wanted || !t.defined()) return at::Tensor();
      const at::Tensor on_gpu = t.to(device);
      return half ? on_gpu.to(at::kHalf).contiguous() : on_gpu.contiguous();
    };
    const at::Tensor sources[] = {source(which.alpha, r.alpha, which.half), source(which.fg, r.fg, which.half),
                                  source(which.comp, r.comp, false), source(which.processed, r.processed, which.half)};
    at::cuda::CUDAEvent made;
    made.record(c10::cuda::getCurrentCUDAStream(device.index()));
    const c10::cuda::CUDAStream copy = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, device.index());
    made.block(copy);
    at::Tensor hosts[4];
    {
      const c10::cuda::CUDAStreamGuard on_copy(copy);
      for (int i = 0; i < 4; ++i) {
        if (!sources[i].defined()) continue;
        // Pinned blocks come from LibTorch's caching host allocator: the same few every frame.
        hosts[i] = at::empty(sources[i].sizes(), sources[i].options().device(c10::kCPU).pinned_memory(true));
        hosts[i].copy_(sources[i], /*non_blocking=*/true);
      }
    }
    copy.synchronize();  // the sources live until here, so their memory is not handed out mid-copy
    return {hosts[0], hosts[1], hosts[2], hosts[3]};
  } catch (const c10::OutOfMemoryError& e) {
    throw FrameError("out of GPU memory downloading a frame's outputs from " + device.str() + ": " +
                     e.what_without_backtrace() + " Free GPU memory (other processes), or use a smaller --img-size.");
  }
}

}  // namespace corridorkey::detail
