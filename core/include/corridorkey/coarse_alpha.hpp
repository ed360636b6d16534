// The built-in coarse alpha hint, for clips that come without one: a chroma key of the plate on its
// screen colour, made coarse on purpose like the hints the network was trained with (a slightly
// eroded, softened core, not a finished matte). Good on evenly lit screens; it fails where the
// screen is uneven (shadows, wrinkles read as foreground) and loses spill-heavy hair and motion
// blur (the network recovers those from the plate).
#pragma once

#include <ATen/core/Tensor.h>

#include "corridorkey/screen.hpp"

namespace corridorkey {

struct CoarseAlphaSettings {
  ScreenColor screen = ScreenColor::green;
  bool input_is_linear = false;  ///< plate is linear light (keyed in sRGB)
  /// A pixel is foreground where its screen channel exceeds the other two by less than this share
  /// of the screen's own excess (the median over clearly screen-coloured pixels).
  double threshold = 0.5;
  /// Radii as shares of the frame's shorter side (at least a pixel; 0 leaves the step out): holes
  /// closed, core eroded, edge softened.
  double close = 0.004, erode = 0.006, soften = 0.008;
  int threads = 0;  ///< CPU threads for one frame (0: at::get_num_threads())
};

struct CoarseAlpha {
  at::Tensor alpha;           ///< [H, W] float32 on the CPU, 0 (screen) to 1 (foreground)
  double screen_share = 0;    ///< share of the pixels clearly screen-coloured
  double screen_excess = 0;   ///< the screen's median excess of its channel over the others (sRGB)
  bool found_screen = false;  ///< false: too little screen (< 0.5 % of the frame); alpha is all 1
};

/// The coarse hint of one plate ([H, W, C >= 3], the pipeline's types, CPU or GPU). Runs on the
/// CPU (settings.threads threads). Throws FrameError for a malformed plate.
CoarseAlpha coarse_alpha(const at::Tensor& plate, const CoarseAlphaSettings& settings);

}  // namespace corridorkey
