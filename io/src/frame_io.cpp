#include "corridorkey/io/frame_io.hpp"

#include <algorithm>
#include <cstdlib>

#include "corridorkey/atomic_file.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/text.hpp"
#include "encoders.hpp"

namespace corridorkey {
namespace fs = std::filesystem;
namespace {

std::string lower_ext(const fs::path& path) { return ascii_lower(path.extension().string()); }

// Writes encoded bytes through AtomicFile (temporary name, fsync, rename); a failure is a
// FrameError that names the file and leaves nothing behind.
void write_atomically(const fs::path& path, const std::uint8_t* data, std::size_t size) {
  try {
    AtomicFile file(path);
    file.write(data, size);
    file.commit();
  } catch (const IoError& e) {
    throw FrameError(std::string(e.what()) + " Check that the output folder exists and is writable.");
  }
}

}  // namespace

cv::Mat to_unit_float(const cv::Mat& image) {
  cv::Mat out;
  switch (image.depth()) {
    case CV_8U:
      image.convertTo(out, CV_32F, 1.0 / 255.0);
      break;
    case CV_16U:
      image.convertTo(out, CV_32F, 1.0 / 65535.0);
      break;
    case CV_32F:
      out = image;
      break;
    case CV_64F:
      image.convertTo(out, CV_32F);
      break;
    default:
      throw FrameError("unsupported pixel type (use 8-bit, 16-bit or float images)");
  }
  return out;
}

bool is_linear_image(const fs::path& path) { return lower_ext(path) == ".exr"; }

bool is_image_file(const fs::path& path) {
  static const char* kExt[] = {".exr", ".dpx", ".cin", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".bmp"};
  const std::string ext = lower_ext(path);
  return std::any_of(std::begin(kExt), std::end(kExt), [&](const char* e) { return ext == e; });
}

bool is_video_file(const fs::path& path) {
  static const char* kExt[] = {".mp4", ".mov", ".avi", ".mkv", ".mxf"};
  const std::string ext = lower_ext(path);
  return std::any_of(std::begin(kExt), std::end(kExt), [&](const char* e) { return ext == e; });
}

namespace {
constexpr std::pair<ExrCompression, const char*> kExrCompressions[] = {
    {ExrCompression::pxr24, "pxr24"}, {ExrCompression::zip, "zip"},   {ExrCompression::zips, "zips"},
    {ExrCompression::piz, "piz"},     {ExrCompression::dwaa, "dwaa"}, {ExrCompression::dwab, "dwab"},
    {ExrCompression::rle, "rle"},     {ExrCompression::none, "none"}};
}  // namespace

ExrCompression parse_exr_compression(const std::string& name) {
  const std::string n = ascii_lower(name);
  for (const auto& [c, s] : kExrCompressions) {
    if (n == s) return c;
  }
  throw UsageError("unknown EXR compression '" + name + "': use pxr24, zip, zips, piz, dwaa, dwab, rle or none");
}

const char* exr_compression_name(ExrCompression compression) {
  for (const auto& [c, s] : kExrCompressions) {
    if (c == compression) return s;
  }
  return "?";
}

ExrDataType parse_exr_data_type(const std::string& name) {
  const std::string n = ascii_lower(name);
  if (n == "half" || n == "16") return ExrDataType::half;
  if (n == "float" || n == "32") return ExrDataType::float32;
  throw UsageError("unknown EXR data type '" + name + "': use half (16-bit) or float (32-bit)");
}

const char* exr_data_type_name(ExrDataType type) { return type == ExrDataType::half ? "half" : "float"; }

void write_exr(const fs::path& path, const cv::Mat& image, ExrCompression compression, ExrDataType type,
               const ExrAttributes& attributes) {
  const bool as_float = type == ExrDataType::float32;
  if (attributes.data_window &&
      (attributes.data_window->width != image.cols || attributes.data_window->height != image.rows)) {
    throw FrameError("cannot write '" + path.string() + "': its data window is " +
                     std::to_string(attributes.data_window->width) + "x" +
                     std::to_string(attributes.data_window->height) + ", the image " + std::to_string(image.cols) +
                     "x" + std::to_string(image.rows));
  }
  cv::Mat f = image;  // float16 images go to half-float files as they are
  if (f.depth() != CV_32F && !(f.depth() == CV_16F && !as_float)) image.convertTo(f, CV_32F);
  std::vector<std::uint8_t> bytes;
  try {
    bytes = compression == ExrCompression::pxr24 && !as_float
                ? detail::encode_exr_half_pxr24(f, attributes)
                : detail::encode_exr_openexr(f, static_cast<int>(compression), as_float, attributes);
  } catch (const FrameError& e) {
    throw FrameError("cannot write '" + path.string() + "': " + e.what());
  }
  write_atomically(path, bytes.data(), bytes.size());
}

void write_png8(const fs::path& path, const cv::Mat& rgb) {
  if (rgb.depth() != CV_32F || rgb.channels() != 3) {
    throw FrameError("cannot write '" + path.string() + "': PNG output needs a float RGB image");
  }
  // Clipped to 0-1, scaled, then truncated toward zero, as numpy's astype(uint8) does.
  cv::Mat u8(rgb.size(), CV_8UC3);
  for (int y = 0; y < rgb.rows; ++y) {
    const float* s = rgb.ptr<float>(y);
    std::uint8_t* d = u8.ptr<std::uint8_t>(y);
    for (int x = 0; x < 3 * rgb.cols; ++x) {
      d[x] = static_cast<std::uint8_t>(detail::clip_unit(s[x]) * 255.0f);
    }
  }
  const std::vector<std::uint8_t> bytes = detail::encode_png_rgb8(u8.data, u8.cols, u8.rows, u8.step[0]);
  write_atomically(path, bytes.data(), bytes.size());
}

void write_png16(const fs::path& path, const cv::Mat& gray) {
  if (gray.depth() != CV_32F || gray.channels() != 1) {
    throw FrameError("cannot write '" + path.string() + "': 16-bit PNG output needs a one-channel float image");
  }
  cv::Mat u16(gray.size(), CV_16UC1);
  for (int y = 0; y < gray.rows; ++y) {
    const float* s = gray.ptr<float>(y);
    std::uint16_t* d = u16.ptr<std::uint16_t>(y);
    for (int x = 0; x < gray.cols; ++x) {
      d[x] = detail::unit_to_u16(s[x]);
    }
  }
  const std::vector<std::uint8_t> bytes =
      detail::encode_png_gray16(u16.ptr<std::uint16_t>(), u16.cols, u16.rows, u16.step[0]);
  write_atomically(path, bytes.data(), bytes.size());
}

}  // namespace corridorkey
