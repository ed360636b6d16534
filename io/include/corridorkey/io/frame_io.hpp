// Frame I/O as the reference reads and writes it: images through OpenCV (PNG 8/16-bit, JPEG, TIFF,
// EXR half/float), videos through OpenCV's FFmpeg backend; outputs written atomically.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <opencv2/core/mat.hpp>

namespace corridorkey {

/// True for extensions read as linear light (.exr).
bool is_linear_image(const std::filesystem::path& path);
/// True for the image extensions a clip may hold (png, jpg, jpeg, tif, tiff, exr, bmp, dpx-free).
bool is_image_file(const std::filesystem::path& path);
/// True for mp4, mov, avi, mkv (case-insensitive).
bool is_video_file(const std::filesystem::path& path);

/// Converts an image of any supported depth to float32 in 0-1 (8-bit / 255, 16-bit / 65535,
/// float as is), keeping its channels. Throws FrameError for other depths.
cv::Mat to_unit_float(const cv::Mat& image);

/// A plate as RGB: CV_8UC3, CV_16UC3, or CV_32FC3 for EXR (alpha dropped, negatives clamped to 0).
/// Throws FrameError naming the file when it cannot be decoded.
cv::Mat read_plate(const std::filesystem::path& path);

/// A hint as CV_32FC1 in 0-1: the first channel of a colour image, 8/16-bit scaled, float as is.
cv::Mat read_hint(const std::filesystem::path& path);

/// EXR compressions (OpenEXR's codes). PXR24 (the reference's) is our own fast writer; the others
/// are written through OpenEXR.
enum class ExrCompression { none = 0, rle = 1, zips = 2, zip = 3, piz = 4, pxr24 = 5, dwaa = 8, dwab = 9 };

/// "pxr24", "zip", ... (any case); throws UsageError naming the choices otherwise.
ExrCompression parse_exr_compression(const std::string& name);
const char* exr_compression_name(ExrCompression compression);

/// The EXR channels' data type: 16-bit half (the reference's) or 32-bit float (full precision, for
/// comparisons and further processing; with PXR24 OpenEXR stores floats as 24-bit, so pair it with
/// a lossless compression such as zip).
enum class ExrDataType { half, float32 };

/// "half" or "float" (any case; also "16" / "32"); throws UsageError naming the choices otherwise.
ExrDataType parse_exr_data_type(const std::string& name);
const char* exr_data_type_name(ExrDataType type);

/// EXR, written atomically. `image` is float RGB (3), one channel ("Y"), or RGBA (4), in RGB(A)
/// order; OpenCV's BGR(A) order is handled here. A float16 image (CV_16F) writes the same file as
/// its values in float32.
void write_exr(const std::filesystem::path& path, const cv::Mat& image,
               ExrCompression compression = ExrCompression::pxr24, ExrDataType type = ExrDataType::half);

/// 8-bit PNG of a float RGB image in 0-1 (clipped, then truncated like the reference), atomically.
void write_png8(const std::filesystem::path& path, const cv::Mat& rgb);

/// 16-bit greyscale PNG of a one-channel float image in 0-1 (clipped, rounded to nearest), atomically:
/// how generated alpha hints are stored.
void write_png16(const std::filesystem::path& path, const cv::Mat& gray);

/// Sequential reader of a video file's frames as RGB CV_8UC3.
class VideoReader {
 public:
  explicit VideoReader(const std::filesystem::path& path);
  ~VideoReader();
  VideoReader(const VideoReader&) = delete;
  VideoReader& operator=(const VideoReader&) = delete;
  int frame_count() const { return frames_; }
  double fps() const { return fps_; }
  int width() const { return width_; }
  int height() const { return height_; }
  /// The next frame as RGB, or an empty Mat at the end.
  cv::Mat next();
  /// The red channel of the next frame scaled to 0-1 (how the reference reads hint videos).
  cv::Mat next_hint();
  /// Skips `n` frames (decoding them: exact, but as slow as reading them).
  void skip(int n);
  /// Jumps to frame `index` through the container's index (fast, but the next frame may be a few
  /// frames off with some codecs): for sampling a long video, not for keying it. False on failure.
  bool seek(int index);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path path_;
  int frames_ = 0, width_ = 0, height_ = 0;
  double fps_ = 0;
};

}  // namespace corridorkey
