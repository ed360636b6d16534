// The frame pipeline: plate + coarse alpha hint -> network -> alpha, straight fg, comp and
// linear premultiplied RGBA, with the reference engine's post-processing maths. Tensors in,
// tensors out, on the CPU (the kernels' CPU twins, which match the reference's OpenCV calls) or on
// a CUDA device (the CUDA kernels, frames kept on the GPU).
#pragma once

#include <vector>

#include <ATen/core/Tensor.h>

#include "corridorkey/image.hpp"
#include "corridorkey/model.hpp"
#include "corridorkey/screen.hpp"

namespace corridorkey {

struct InferenceSettings {
  bool input_is_linear = false;                   ///< plate is linear light (EXR): resized in linear, then to sRGB
  ScreenColor screen_color = ScreenColor::green;  ///< the despill works on this colour's channel
  double despill_strength = 1.0;
  bool auto_despeckle = true;
  int despeckle_size = 400;  ///< islands smaller than this many pixels are removed from the matte
  double refiner_scale = 1.0;
  bool generate_comp = true;
  /// The comp takes the network's fg as straight colour (the reference's default); false composites
  /// it as premultiplied, as the reference's fg_is_straight=False does.
  bool fg_is_straight = true;
};

/// Which outputs FrameResult::to_host brings to the host, and in what type.
struct HostOutputs {
  bool alpha = true, fg = true, comp = true, processed = true;
  /// From a GPU: alpha, fg and processed as float16, half the bytes to copy. A half-float EXR stores
  /// the same bits (round to nearest even, as the host's conversion of the float32 values). comp
  /// stays float32: its 8-bit PNG quantises the float32 values. Outputs on the CPU stay float32.
  bool half = false;
};

/// The outputs of one frame at the plate's size: [H, W, C] float32 tensors on the device that ran
/// the post-processing (the CPU, or the GPU for CUDA network outputs; `to(kCPU)` or `to_host()`
/// downloads them).
struct FrameResult {
  at::Tensor alpha;      ///< [H, W, 1] linear, raw network alpha
  at::Tensor fg;         ///< [H, W, 3] RGB, sRGB, straight, raw
  at::Tensor comp;       ///< [H, W, 3] RGB, sRGB, over the checkerboard (undefined without generate_comp)
  at::Tensor processed;  ///< [H, W, 4] RGBA, linear, premultiplied (despilled fg, despeckled alpha)

  /// The same outputs on `device` (a copy unless they are there already).
  FrameResult to(c10::Device device) const;

  /// The chosen outputs on the CPU, contiguous (the others undefined). From a GPU they are copied
  /// into pinned (page-locked) host memory, reused from frame to frame, on a copy stream of their
  /// own: it waits for the work queued so far on the calling thread's current stream, and no other
  /// work waits for it. Returns once the outputs are on the host.
  FrameResult to_host(const HostOutputs& which = {}) const;
};

/// Seconds spent per stage for the frames processed so far.
struct StageTimes {
  double preprocess = 0, model = 0, postprocess = 0;
};

/// Frames in, results out. Plates and hints are [H, W, C] tensors (see to_tensor() for plain
/// buffers) on the CPU or the model's CUDA device:
/// - plate: C >= 3, the first three channels RGB (a fourth, alpha, is ignored); uint8 (/ 255),
///   uint16 (/ 65535), float32 or float64 (as is); sRGB unless settings.input_is_linear.
/// - hint: [H, W] or [H, W, C] (the first channel is used), of those types, scaled to 0-1. A hint
///   of another size is resized to the plate (bilinear, as cv::resize INTER_LINEAR), as the
///   reference does.
/// Bad frames throw FrameError saying what is wrong with which input.
class Engine {
 public:
  explicit Engine(GreenFormer model) : model_(std::move(model)) {}

  FrameResult process_frame(const at::Tensor& plate, const at::Tensor& hint, const InferenceSettings& settings);
  /// The same for plain buffers (wrapped without a copy where the layout allows it).
  FrameResult process_frame(const ImageView& plate, const ImageView& hint, const InferenceSettings& settings);
  std::vector<FrameResult> process_batch(const std::vector<at::Tensor>& plates, const std::vector<at::Tensor>& hints,
                                         const InferenceSettings& settings);

  /// Pre-processing and the network only (no post-processing): alpha [B,1,S,S] and fg [B,3,S,S],
  /// float32 on the model's device, ready for postprocess() — which a caller may run on another
  /// thread. On a CUDA device the frames stay on the GPU.
  ModelOutput infer(const std::vector<at::Tensor>& plates, const std::vector<at::Tensor>& hints,
                    const InferenceSettings& settings);

  /// The normalised network input [B,4,S,S] (float32, on the model's device) the reference builds
  /// from these frames.
  at::Tensor preprocess(const std::vector<at::Tensor>& plates, const std::vector<at::Tensor>& hints,
                        bool input_is_linear) const;
  /// Post-processing of one network output (alpha [1,S,S], fg [3,S,S]) back to width x height:
  /// the CPU twins for CPU tensors, the CUDA kernels for tensors on a GPU (results stay there).
  static FrameResult postprocess(const at::Tensor& alpha, const at::Tensor& fg, int width, int height,
                                 const InferenceSettings& settings);

  const GreenFormer& model() const { return model_; }
  const StageTimes& times() const { return times_; }

 private:
  GreenFormer model_;
  StageTimes times_;
};

/// The reference's auto-despeckle of an [H, W] or [H, W, 1] float32 CPU alpha: keeps 8-connected
/// islands of alpha > 0.5 with at least `min_area` pixels, dilates them (ellipse, radius 25),
/// blurs (11x11 Gaussian) and multiplies the result into alpha. Returns a new tensor of the same shape.
at::Tensor despeckle(const at::Tensor& alpha, int min_area);

}  // namespace corridorkey
