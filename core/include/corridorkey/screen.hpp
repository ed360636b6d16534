// The screen colour of a plate (green or blue): which checkpoint keys it and which channel the
// despill limits, and how it is recognised from a clip's frames.
//
// Recognition looks at several frames of a clip. In each, the background is where the coarse hint
// is below 0.3 (the whole frame when there is no hint). A background pixel is "green" when G
// exceeds both R and B by 0.04 (sRGB), "blue" likewise. A frame is green when at least half of
// its background pixels are green (a quarter without a hint: the subject is part of the frame),
// at least 3x as many as are blue, and (with a hint) mean G exceeds mean R and mean B by 0.05;
// blue likewise; otherwise undecided. A clip is the colour its decided frames agree on; undecided
// everywhere is ambiguous (green, with a warning); green and blue frames together are mixed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <ATen/core/Tensor.h>

namespace corridorkey {

enum class ScreenColor { green, blue };

/// "green" or "blue".
const char* screen_color_name(ScreenColor color);

/// The channel that carries the spill: 1 (G) for green screens, 2 (B) for blue ones.
int spill_channel(ScreenColor color);

/// "green" or "blue" (any case); throws UsageError otherwise.
ScreenColor parse_screen_color(std::string_view name);

/// The screen colour a checkpoint file is for, from its name: "Blue" anywhere in the file name
/// (any case) marks the blue-screen checkpoint, anything else is green.
ScreenColor checkpoint_screen_color(const std::filesystem::path& file);

/// Background statistics of one frame.
struct ScreenSample {
  bool used_hint = false;
  double background = 0;       ///< share of the sampled pixels taken as background
  double green = 0;            ///< share of the background pixels dominated by G
  double blue = 0;             ///< ... by B
  double mean[3] = {0, 0, 0};  ///< mean sRGB R, G, B of the background
};

/// The statistics of `plate` ([H, W, C >= 3], the types the pipeline takes, on the CPU or a GPU)
/// with `hint` ([H, W] or [H, W, C]; undefined when the clip has none). Linear plates are measured
/// in sRGB. Looks at about 65k pixels on a regular grid.
ScreenSample measure_screen(const at::Tensor& plate, const at::Tensor& hint, bool input_is_linear);

enum class ScreenVerdict { green, blue, undecided };

/// The verdict on one frame (see the top of this file).
ScreenVerdict judge_screen(const ScreenSample& sample);

/// What a clip's frames say together.
struct ScreenDecision {
  ScreenColor color = ScreenColor::green;
  bool ambiguous = false;               ///< no frame decided: green by default
  bool mixed = false;                   ///< some frames green, some blue
  std::vector<ScreenVerdict> verdicts;  ///< one per sample
  std::string evidence;                 ///< the statistics in one line, for logs
};

ScreenDecision decide_screen(const std::vector<ScreenSample>& samples);

/// The indices of `samples` frames to look at in a clip of `frame_count` frames: up to `count`
/// spread evenly from the first to the last.
std::vector<int> screen_sample_frames(int frame_count, int count = 5);

}  // namespace corridorkey
