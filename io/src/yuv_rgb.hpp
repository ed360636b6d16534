// YUV frames to RGB, exactly: planar YUV (4:2:0, 4:2:2, 4:4:4 at 8 to 16 bits) to interleaved
// 8 or 16-bit RGB in floating point, with the frame's matrix and range and linear chroma upsampling
// at its chroma siting. libswscale's fixed-point path is off by up to 0.4% on 10-bit sources, and
// its accurate flags cost 4x; these vectorised row loops are exact to the output's rounding.
#pragma once

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
}

#include <opencv2/core/mat.hpp>

namespace corridorkey::detail {

/// Whether `desc` is planar YUV with one component a plane, little-endian, 8 to 16 bits: what
/// yuv_to_rgb converts.
bool plain_planar_yuv(const AVPixFmtDescriptor* desc);

/// Frame `f` (of such a format) into `rgb`, CV_8UC3 or CV_16UC3 of the frame's size; `full` for
/// full-range codes. Runs in bands on half the engine's threads (FFmpeg's decoding threads run
/// beside it).
void yuv_to_rgb(const AVFrame* f, const AVPixFmtDescriptor* desc, bool full, cv::Mat& rgb);

}  // namespace corridorkey::detail
