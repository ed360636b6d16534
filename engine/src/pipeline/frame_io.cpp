#include "corridorkey/frame_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "corridorkey/errors.hpp"
#include "corridorkey/pipeline.hpp"

namespace corridorkey {
namespace fs = std::filesystem;
namespace {

// OpenCV reads EXR only when this is set before its first use (a security default).
const bool kExrEnabled = [] {
  ::setenv("OPENCV_IO_ENABLE_OPENEXR", "1", 0);
  return true;
}();

std::string lower_ext(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

cv::Mat read_any(const fs::path& path, int flags) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw FrameError("frame '" + path.string() + "' does not exist or is not a file");
  cv::Mat img;
  try {
    img = cv::imread(path.string(), flags);
  } catch (const cv::Exception& e) {
    throw FrameError("cannot decode frame '" + path.string() + "': " + e.what());
  }
  if (img.empty()) {
    throw FrameError("cannot decode frame '" + path.string() +
                     "': the file is damaged, truncated or not an image OpenCV can read");
  }
  return img;
}

void atomic_imwrite(const fs::path& path, const cv::Mat& image, const std::vector<int>& params) {
  static std::atomic<unsigned> counter{0};
  std::string leaf = ".";
  leaf.append(path.stem().string()).append(".tmp-").append(std::to_string(::getpid())).append("-");
  leaf.append(std::to_string(counter++)).append(path.extension().string());
  const fs::path temp = path.parent_path() / leaf;
  bool ok = false;
  try {
    ok = cv::imwrite(temp.string(), image, params);
  } catch (const cv::Exception& e) {
    ok = false;
  }
  const int fd = ok ? ::open(temp.c_str(), O_RDONLY | O_CLOEXEC) : -1;
  ok = ok && fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    std::error_code ec;
    fs::remove(temp, ec);
    throw FrameError("cannot write '" + path.string() +
                     "': check that the folder exists, is writable and the disk is not full");
  }
}

}  // namespace

bool is_linear_image(const fs::path& path) { return lower_ext(path) == ".exr"; }

bool is_image_file(const fs::path& path) {
  static const char* kExt[] = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".exr", ".bmp"};
  const std::string ext = lower_ext(path);
  return std::any_of(std::begin(kExt), std::end(kExt), [&](const char* e) { return ext == e; });
}

bool is_video_file(const fs::path& path) {
  static const char* kExt[] = {".mp4", ".mov", ".avi", ".mkv"};
  const std::string ext = lower_ext(path);
  return std::any_of(std::begin(kExt), std::end(kExt), [&](const char* e) { return ext == e; });
}

cv::Mat read_plate(const fs::path& path) {
  (void)kExrEnabled;
  cv::Mat img = read_any(path, cv::IMREAD_UNCHANGED | cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR);
  if (img.depth() != CV_8U && img.depth() != CV_16U && img.depth() != CV_32F) {
    cv::Mat f;
    img.convertTo(f, CV_32F);
    img = f;
  }
  cv::Mat rgb;
  switch (img.channels()) {
    case 1:
      cv::cvtColor(img, rgb, cv::COLOR_GRAY2RGB);
      break;
    case 3:
      cv::cvtColor(img, rgb, cv::COLOR_BGR2RGB);
      break;
    case 4:
      cv::cvtColor(img, rgb, cv::COLOR_BGRA2RGB);
      break;
    default:
      throw FrameError("frame '" + path.string() + "' has " + std::to_string(img.channels()) +
                       " channels; expected RGB");
  }
  if (rgb.depth() == CV_32F) rgb = cv::max(rgb, 0.0f);
  return rgb;
}

cv::Mat read_hint(const fs::path& path) {
  (void)kExrEnabled;
  cv::Mat img = to_unit_float(read_any(path, cv::IMREAD_UNCHANGED | cv::IMREAD_ANYDEPTH));
  if (img.channels() > 1) cv::extractChannel(img, img, 0);
  return img;
}

void write_exr(const fs::path& path, const cv::Mat& image) {
  cv::Mat f, bgr;
  image.convertTo(f, CV_32F);
  switch (f.channels()) {
    case 1:
      bgr = f;
      break;
    case 3:
      cv::cvtColor(f, bgr, cv::COLOR_RGB2BGR);
      break;
    case 4:
      cv::cvtColor(f, bgr, cv::COLOR_RGBA2BGRA);
      break;
    default:
      throw FrameError("cannot write '" + path.string() + "': EXR output needs 1, 3 or 4 channels");
  }
  atomic_imwrite(path, bgr,
                 {cv::IMWRITE_EXR_TYPE, cv::IMWRITE_EXR_TYPE_HALF, cv::IMWRITE_EXR_COMPRESSION,
                  cv::IMWRITE_EXR_COMPRESSION_PXR24});
}

void write_png8(const fs::path& path, const cv::Mat& rgb) {
  cv::Mat clipped = cv::min(cv::max(rgb, 0.0f), 1.0f) * 255.0f;
  cv::Mat u8(clipped.size(), CV_8UC(clipped.channels()));
  // Truncation toward zero, as numpy's astype(uint8) does (convertTo would round).
  const cv::Mat flat = clipped.reshape(1);
  cv::Mat out = u8.reshape(1);
  for (int y = 0; y < flat.rows; ++y) {
    const float* s = flat.ptr<float>(y);
    std::uint8_t* d = out.ptr<std::uint8_t>(y);
    for (int x = 0; x < flat.cols; ++x) d[x] = static_cast<std::uint8_t>(s[x]);
  }
  cv::Mat bgr;
  cv::cvtColor(u8, bgr, cv::COLOR_RGB2BGR);
  atomic_imwrite(path, bgr, {});
}

struct VideoReader::Impl {
  cv::VideoCapture cap;
};

VideoReader::VideoReader(const fs::path& path) : impl_(std::make_unique<Impl>()), path_(path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw FrameError("video '" + path.string() + "' does not exist");
  if (!impl_->cap.open(path.string(), cv::CAP_FFMPEG)) {
    throw FrameError("cannot open video '" + path.string() + "': damaged file or a codec FFmpeg does not know");
  }
  frames_ = static_cast<int>(impl_->cap.get(cv::CAP_PROP_FRAME_COUNT));
  fps_ = impl_->cap.get(cv::CAP_PROP_FPS);
  width_ = static_cast<int>(impl_->cap.get(cv::CAP_PROP_FRAME_WIDTH));
  height_ = static_cast<int>(impl_->cap.get(cv::CAP_PROP_FRAME_HEIGHT));
  if (width_ <= 0 || height_ <= 0) {
    throw FrameError("cannot read video '" + path.string() + "': no video stream (damaged file or not a video)");
  }
}

VideoReader::~VideoReader() = default;

cv::Mat VideoReader::next() {
  cv::Mat frame, rgb;
  if (!impl_->cap.read(frame) || frame.empty()) return {};
  cv::cvtColor(frame, rgb, cv::COLOR_BGR2RGB);
  return rgb;
}

cv::Mat VideoReader::next_hint() {
  cv::Mat frame, red, out;
  if (!impl_->cap.read(frame) || frame.empty()) return {};
  cv::extractChannel(frame, red, 2);
  red.convertTo(out, CV_32F, 1.0 / 255.0);
  return out;
}

void VideoReader::skip(int n) {
  for (int i = 0; i < n; ++i) {
    if (!impl_->cap.grab()) break;
  }
}

}  // namespace corridorkey
