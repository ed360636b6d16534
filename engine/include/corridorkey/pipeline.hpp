// The frame pipeline: plate + coarse alpha hint -> network -> alpha, straight fg, comp and
// linear premultiplied RGBA, with the reference engine's CPU (OpenCV) post-processing maths.
#pragma once

#include <vector>

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

#include "corridorkey/model.hpp"

namespace corridorkey {

struct InferenceSettings {
  bool input_is_linear = false;  ///< plate is linear light (EXR): resized in linear, then to sRGB
  double despill_strength = 1.0;
  bool auto_despeckle = true;
  int despeckle_size = 400;  ///< islands smaller than this many pixels are removed from the matte
  double refiner_scale = 1.0;
  bool generate_comp = true;
};

struct FrameResult {
  cv::Mat alpha;      ///< H x W, CV_32FC1, linear, raw network alpha
  cv::Mat fg;         ///< H x W, CV_32FC3 RGB, sRGB, straight, raw
  cv::Mat comp;       ///< H x W, CV_32FC3 RGB, sRGB, over the checkerboard (empty without generate_comp)
  cv::Mat processed;  ///< H x W, CV_32FC4 RGBA, linear, premultiplied (despilled fg, despeckled alpha)
};

/// Seconds spent per stage for the frames processed so far.
struct StageTimes {
  double preprocess = 0, model = 0, postprocess = 0;
};

class Engine {
 public:
  explicit Engine(GreenFormer model) : model_(std::move(model)) {}

  /// plate: H x W x 3 RGB (CV_8U, CV_16U or CV_32F; sRGB unless settings.input_is_linear).
  /// hint: H x W (x 1, or the first of several channels) of any of those depths, scaled to 0-1.
  /// A hint of another size is resized to the plate (bilinear), as the reference does.
  FrameResult process_frame(const cv::Mat& plate, const cv::Mat& hint, const InferenceSettings& settings);
  std::vector<FrameResult> process_batch(const std::vector<cv::Mat>& plates, const std::vector<cv::Mat>& hints,
                                         const InferenceSettings& settings);

  /// Pre-processing and the network only (no post-processing): alpha [B,1,S,S] and fg [B,3,S,S],
  /// float32 on the model's device, ready for postprocess() — which a caller may run on another
  /// thread. On a CUDA device the frames stay on the GPU until postprocess() downloads the results.
  ModelOutput infer(const std::vector<cv::Mat>& plates, const std::vector<cv::Mat>& hints,
                    const InferenceSettings& settings);

  /// The normalised network input [B,4,S,S] (float32) the reference builds from these frames.
  at::Tensor preprocess(const std::vector<cv::Mat>& plates, const std::vector<cv::Mat>& hints,
                        bool input_is_linear) const;
  /// Post-processing of one network output (alpha [1,S,S], fg [3,S,S]) back to width x height:
  /// OpenCV and the CPU twins for CPU tensors, the CUDA kernels for tensors on a GPU.
  static FrameResult postprocess(const at::Tensor& alpha, const at::Tensor& fg, int width, int height,
                                 const InferenceSettings& settings);

  const GreenFormer& model() const { return model_; }
  const StageTimes& times() const { return times_; }

 private:
  GreenFormer model_;
  StageTimes times_;
};

/// Converts an image of any supported depth to float32 in 0-1 (8-bit / 255, 16-bit / 65535,
/// float as is), keeping its channels. Throws FrameError for other depths.
cv::Mat to_unit_float(const cv::Mat& image);

/// The reference's auto-despeckle: keeps 8-connected islands of alpha > 0.5 with at least
/// `min_area` pixels, dilates them (ellipse, radius 25), blurs (11x11 Gaussian) and multiplies
/// the result into alpha.
cv::Mat despeckle(const cv::Mat& alpha, int min_area);

}  // namespace corridorkey
