// Frame I/O: stills through OpenImageIO (EXR with its windows and parts, DPX, Cineon, TIFF, PNG,
// JPEG, BMP), videos through FFmpeg's libraries at their own bit depth and colour matrix
// (video_reader.cpp); our own EXR (PXR24) and PNG writers, outputs written atomically.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <opencv2/core/mat.hpp>

namespace corridorkey {

/// A pixel rectangle as OpenEXR's windows are: origin and size.
struct ImageBox {
  int x = 0, y = 0, width = 0, height = 0;
  bool operator==(const ImageBox&) const = default;
};

/// What a still or a video says about itself (its header; no pixels).
struct PlateInfo {
  std::string format;  ///< "openexr", "dpx", "cineon", "tiff", "png", "jpeg", "bmp"; a video's codec ("h264", "prores")
  int bits = 0;        ///< bits per channel as stored (10 for 10-bit DPX, 16 for half)
  bool is_float = false;   ///< half or float samples
  std::string colorspace;  ///< from the file's tags, "" when it has none (OpenImageIO's oiio:ColorSpace; a video's
                           ///< matrix and range)
  std::string part;        ///< the EXR part read (its name), "" for single-part files
  ImageBox display, data;  ///< display and data windows (they differ only where the file says so: EXR overscan)
  float pixel_aspect = 1.0f;
  std::optional<std::array<std::uint32_t, 2>> timecode;  ///< SMPTE time and flags, user data (EXR timeCode)
  std::optional<std::array<float, 8>> chromaticities;    ///< red, green, blue and white xy (EXR chromaticities)
  bool windowed() const { return !(display == data); }
};

/// True for extensions read as linear light (.exr).
bool is_linear_image(const std::filesystem::path& path);
/// True for the image extensions a clip may hold (exr, dpx, cin, tif, tiff, png, jpg, jpeg, bmp).
bool is_image_file(const std::filesystem::path& path);
/// True for mp4, mov, avi, mkv, mxf (case-insensitive).
bool is_video_file(const std::filesystem::path& path);

/// Converts an image of any supported depth to float32 in 0-1 (8-bit / 255, 16-bit / 65535,
/// float as is), keeping its channels. Throws FrameError for other depths.
cv::Mat to_unit_float(const cv::Mat& image);

/// A plate as RGB at its display window: CV_8UC3 (8-bit files), CV_16UC3 (10, 12 and 16-bit: DPX
/// and Cineon codes scaled to 16 bits), CV_32FC3 (half and float; negatives clamped to 0). Alpha
/// and other channels are dropped; a grey image is repeated into RGB. Pixels of the display window
/// outside the data window are black; data outside the display window (overscan) is not returned.
/// `exr_part` names the part of a multi-part EXR to read (its "name"); empty: the first part with
/// R, G and B. `info`, when given, receives the file's header. Throws FrameError naming the file
/// when it cannot be read or decoded (missing, truncated, corrupt, no RGB part, unknown part).
cv::Mat read_plate(const std::filesystem::path& path, PlateInfo* info = nullptr, const std::string& exr_part = {});

/// An image with alpha (a Processed EXR) as CV_32FC4 RGBA at its display window, float values as
/// they are; throws FrameError naming the file when it has no R, G, B and A channels.
cv::Mat read_rgba(const std::filesystem::path& path);

/// The header of a still (no pixels decoded); throws FrameError as read_plate does.
PlateInfo probe_plate(const std::filesystem::path& path, const std::string& exr_part = {});

/// A hint as CV_32FC1 in 0-1 at its display window: the first channel OpenCV's BGR order gives (the
/// blue of a colour image, as the reference reads it), 8/16-bit scaled, float as is.
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

/// The header attributes of an EXR output beyond its channels. Default: the image at 0,0 as both
/// windows, square pixels, no timecode or chromaticities (the files the reference writes).
struct ExrAttributes {
  std::optional<ImageBox> data_window;     ///< where the image's pixels sit (its size must be the image's)
  std::optional<ImageBox> display_window;  ///< default: the data window
  float pixel_aspect = 1.0f;
  std::optional<std::array<std::uint32_t, 2>> timecode;
  std::optional<std::array<float, 8>> chromaticities;
};

/// EXR, written atomically. `image` is float RGB (3), one channel ("Y"), or RGBA (4), in RGB(A)
/// order; OpenCV's BGR(A) order is handled here. A float16 image (CV_16F) writes the same file as
/// its values in float32. Throws FrameError when the data window's size is not the image's.
void write_exr(const std::filesystem::path& path, const cv::Mat& image,
               ExrCompression compression = ExrCompression::pxr24, ExrDataType type = ExrDataType::half,
               const ExrAttributes& attributes = {});

/// 8-bit PNG of a float RGB image in 0-1 (clipped, then truncated like the reference), atomically.
void write_png8(const std::filesystem::path& path, const cv::Mat& rgb);

/// 16-bit greyscale PNG of a one-channel float image in 0-1 (clipped, rounded to nearest), atomically:
/// how generated alpha hints are stored.
void write_png16(const std::filesystem::path& path, const cv::Mat& gray);

/// A video's frames decoded with FFmpeg's libraries, in presentation order, one by one (variable
/// frame rate clips too): 8-bit sources as RGB CV_8UC3, deeper ones (10, 12, 16-bit) as CV_16UC3,
/// never through 8 bits. YUV is converted with the stream's own matrix (BT.601, BT.709, BT.2020,
/// ...) and range (limited or full); an untagged stream as ffmpeg converts it (BT.601, limited
/// range unless a JPEG pixel format says full). Alpha (ProRes 4444) is ignored.
class VideoReader {
 public:
  /// Throws FrameError naming the file when it is missing, damaged or has no video stream.
  explicit VideoReader(const std::filesystem::path& path);
  ~VideoReader();
  VideoReader(const VideoReader&) = delete;
  VideoReader& operator=(const VideoReader&) = delete;
  /// Frames in the stream: the container's count, or counted from its packets where it has none.
  int frame_count() const { return frames_; }
  double fps() const { return fps_; }
  int width() const { return width_; }
  int height() const { return height_; }
  /// Codec, bit depth and colour (matrix, range) of the stream.
  const PlateInfo& info() const { return info_; }
  /// The next frame as RGB, or an empty Mat at the end. Throws FrameError for a frame that cannot
  /// be decoded.
  cv::Mat next();
  /// The red channel of the next frame scaled to 0-1 (how the reference reads hint videos).
  cv::Mat next_hint();
  /// Skips `n` frames (decoding them).
  void skip(int n);
  /// Frame-accurate: the next frame returned is frame `index` (the packets' timestamps are indexed
  /// once, then the decoder starts at the keyframe before it). False when the video has no such
  /// frame or cannot seek (the reader is then unchanged, or at its end when decoding failed).
  bool seek(int index);
  /// The index of the frame next() returns.
  int position() const { return position_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path path_;
  int frames_ = 0, width_ = 0, height_ = 0, position_ = 0;
  double fps_ = 0;
  PlateInfo info_;
};

}  // namespace corridorkey
