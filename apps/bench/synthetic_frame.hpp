// The benchmarks' synthetic 1920x1080 green-screen frame: a grey disc on green (8-bit BGR, as
// OpenCV writes it) and its matte, slightly larger, as the hint (8-bit).
#pragma once

#include <cstdio>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace bench {

struct SyntheticFrame {
  cv::Mat plate, hint;
};

inline SyntheticFrame synthetic_frame() {
  SyntheticFrame f{cv::Mat(1080, 1920, CV_8UC3, cv::Scalar(40, 180, 60)), cv::Mat(1080, 1920, CV_8UC1, cv::Scalar(0))};
  cv::circle(f.plate, {960, 540}, 380, cv::Scalar(200, 170, 150), cv::FILLED);
  cv::circle(f.hint, {960, 540}, 390, cv::Scalar(255), cv::FILLED);
  return f;
}

/// A clip folder <clips>/shot with `count` copies of the frame: Input/frame_NNNN.png and
/// AlphaHint/frame_NNNN.png.
inline void write_synthetic_clip(const std::filesystem::path& clips, const SyntheticFrame& f, int count) {
  std::filesystem::create_directories(clips / "shot" / "Input");
  std::filesystem::create_directories(clips / "shot" / "AlphaHint");
  for (int i = 0; i < count; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%04d.png", i);
    cv::imwrite((clips / "shot" / "Input" / name).string(), f.plate);
    cv::imwrite((clips / "shot" / "AlphaHint" / name).string(), f.hint);
  }
}

}  // namespace bench
