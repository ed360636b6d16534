#include "frames.hpp"

#include <string>

#include <ATen/ATen.h>

#include "corridorkey/config.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey_kernels/resize.hpp"
#if CORRIDORKEY_WITH_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace corridorkey::detail {
namespace {

std::string shape_of(const at::Tensor& t) {
  std::string s = "[";
  for (std::int64_t d = 0; d < t.dim(); ++d) s += (d ? ", " : "") + std::to_string(t.size(d));
  return s + "] " + std::string(c10::toString(t.scalar_type()));
}

// Checks the element type and returns the tensor in the form the kernels read (see plate_rgb).
at::Tensor kernel_typed(const at::Tensor& t, const char* what) {
  switch (t.scalar_type()) {
    case at::kByte:
    case at::kFloat:
      return t;
    case at::kDouble:
      return t.to(at::kFloat);
    case at::kUInt16:
      return t.view(at::kShort);
    default:
      throw FrameError(std::string("unsupported pixel type for the ") + what + " (" + shape_of(t) +
                       "): use 8-bit, 16-bit or float images");
  }
}

// The tensor on `device`, contiguous. A host frame goes to a GPU through pinned memory (LibTorch's
// caching host allocator: the same blocks frame after frame), copied on a pool stream of its own:
// the upload overlaps the work still queued on the calling thread's stream (the previous frame's
// network), and that stream waits for the copy only before the work that reads it. A pageable copy
// would first wait for all the work queued before it, so the GPU would idle while the next frame is
// queued.
at::Tensor on_device(const at::Tensor& t, c10::Device device) {
  if (!device.is_cuda() || !t.is_cpu()) return t.to(device).contiguous();
  at::Tensor staged = at::empty(t.sizes(), t.options().pinned_memory(true));
  staged.copy_(t);
#if CORRIDORKEY_WITH_CUDA
  const c10::DeviceIndex index = device.has_index() ? device.index() : c10::cuda::current_device();
  const c10::cuda::CUDAGuard device_guard(index);
  const c10::cuda::CUDAStream compute = c10::cuda::getCurrentCUDAStream(index);
  const c10::cuda::CUDAStream upload = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, index);
  at::Tensor on_gpu;
  {
    // Allocated on the upload stream, whose earlier work on the block is ordered before the copy.
    const c10::cuda::CUDAStreamGuard on_upload(upload);
    on_gpu = staged.to(c10::Device(c10::kCUDA, index), /*non_blocking=*/true);
  }
  at::cuda::CUDAEvent copied;
  copied.record(upload);
  copied.block(compute);
  // Used on the calling thread's stream: the allocator hands the block out again only after that
  // stream's work on it is done.
  on_gpu.record_stream(compute);
  return on_gpu;
#else
  return staged.to(device, /*non_blocking=*/true);
#endif
}

}  // namespace

void check_batch(std::size_t plates, std::size_t hints) {
  if (plates != hints || plates == 0) {
    throw FrameError("the engine needs one hint per plate (got " + std::to_string(plates) + " plates, " +
                     std::to_string(hints) + " hints)");
  }
}

at::Tensor plate_rgb(const at::Tensor& plate, c10::Device device) {
  if (!plate.defined() || plate.dim() != 3 || plate.size(2) < 3 || plate.size(0) == 0 || plate.size(1) == 0) {
    throw FrameError("the plate must be an RGB image, an [H, W, 3] tensor (got " +
                     (plate.defined() ? shape_of(plate) : std::string("none")) + ")");
  }
  return on_device(kernel_typed(plate.narrow(2, 0, 3), "plate"), device);
}

at::Tensor hint_channel(const at::Tensor& hint, c10::Device device) {
  if (!hint.defined() || hint.dim() < 2 || hint.dim() > 3 || hint.size(0) == 0 || hint.size(1) == 0 ||
      (hint.dim() == 3 && hint.size(2) == 0)) {
    throw FrameError("the alpha hint must be an [H, W] or [H, W, C] image (got " +
                     (hint.defined() ? shape_of(hint) : std::string("none")) + ")");
  }
  const at::Tensor first = hint.dim() == 3 ? hint.select(2, 0) : hint;
  return on_device(kernel_typed(first, "alpha hint"), device);
}

kernels::PostSettings post_settings(const InferenceSettings& settings) {
  kernels::PostSettings post;
  post.despill_strength = static_cast<float>(settings.despill_strength);
  post.spill_channel = spill_channel(settings.screen_color);
  post.generate_comp = settings.generate_comp;
  post.fg_is_straight = settings.fg_is_straight;
  return post;
}

int value_bytes(const at::Tensor& t) { return static_cast<int>(t.element_size()); }

at::Tensor hint_unit_cpu(const at::Tensor& hint, int height, int width) {
  const at::Tensor raw = hint_channel(hint, c10::Device(c10::kCPU));
  const int h = static_cast<int>(raw.size(0)), w = static_cast<int>(raw.size(1));
  at::Tensor unit = at::empty({h, w}, at::kFloat);
  kernels::cpu::unpack_planar(raw.data_ptr(), value_bytes(raw), unit.data_ptr<float>(), 1, h, w);
  if (h == height && w == width) return unit;
  at::Tensor resized = at::empty({height, width}, at::kFloat);
  kernels::cpu::resize_linear(unit.data_ptr<float>(), resized.data_ptr<float>(), h, w, height, width);
  return resized;
}

}  // namespace corridorkey::detail
