// Stills through OpenImageIO: EXR (every compression, multi-part, data and display windows), DPX,
// Cineon, TIFF, PNG, JPEG, BMP. The pixels of the display window come back at the file's own depth
// class (8-bit, 16-bit for 10/12/16-bit codes, float), with the header's facts beside them.
#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <opencv2/core.hpp>

#include "corridorkey/errors.hpp"
#include "corridorkey/io/frame_io.hpp"

namespace corridorkey {
namespace fs = std::filesystem;
namespace {

using OIIO::ImageInput;
using OIIO::ImageSpec;
using OIIO::TypeDesc;

std::string what_went_wrong(const std::string& message) {
  std::string m = message.empty() ? "the file is damaged, truncated or not an image" : message;
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// One open file and the part (subimage) chosen in it.
struct OpenImage {
  std::unique_ptr<ImageInput> in;
  int subimage = 0;
  ImageSpec spec;
  int r = -1, g = -1, b = -1;  // channel indices; all equal for a grey image
};

int channel_named(const ImageSpec& spec, const char* name) {
  for (int c = 0; c < spec.nchannels; ++c) {
    if (spec.channelnames[static_cast<std::size_t>(c)] == name) return c;
  }
  return -1;
}

// DPX and Cineon readers decode a truncated file's missing lines as black without a word; both
// headers state the file's total size, so a shorter file is caught here.
void check_whole_scan(const fs::path& path, const std::string& format) {
  if (format != "dpx" && format != "cineon") return;
  std::uint8_t head[24] = {};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return;
  const std::size_t got = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  if (got < sizeof head) return;  // OpenImageIO has judged the header already
  const auto be = [&](int at) {
    return std::uint32_t{head[at]} << 24 | std::uint32_t{head[at + 1]} << 16 | std::uint32_t{head[at + 2]} << 8 |
           head[at + 3];
  };
  const auto le = [&](int at) {
    return std::uint32_t{head[at + 3]} << 24 | std::uint32_t{head[at + 2]} << 16 | std::uint32_t{head[at + 1]} << 8 |
           head[at];
  };
  const bool big = format == "dpx" ? std::memcmp(head, "SDPX", 4) == 0 : be(0) == 0x802A5FD7u;
  const int at = format == "dpx" ? 16 : 20;
  const std::uint32_t declared = big ? be(at) : le(at);
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!ec && declared != 0 && declared != 0xFFFFFFFFu && size < declared) {
    throw FrameError("cannot read '" + path.string() + "': it is truncated (its header says " +
                     std::to_string(declared) + " bytes, the file has " + std::to_string(size) +
                     "); copy the frame again from its source");
  }
}

OpenImage open_image(const fs::path& path, const std::string& part) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw FrameError("frame '" + path.string() + "' does not exist or is not a file");
  OpenImage image;
  image.in = ImageInput::open(path.string());
  if (!image.in) throw FrameError("cannot read '" + path.string() + "': " + what_went_wrong(OIIO::geterror()));
  check_whole_scan(path, image.in->format_name());
  // First the parts with R, G and B (or the part named); then, in a file of one part, a grey image
  // (Y, or one or two channels) or three channels of other names.
  std::vector<std::string> parts;
  std::vector<ImageSpec> specs;
  for (int s = 0; image.in->seek_subimage(s, 0); ++s) {
    specs.push_back(image.in->spec());
    const std::string name = specs.back().get_string_attribute("name");
    parts.push_back(name.empty() ? "#" + std::to_string(s) : name);
  }
  const auto choose = [&](int s, int r, int g, int b) {
    image.subimage = s, image.spec = specs[static_cast<std::size_t>(s)], image.r = r, image.g = g, image.b = b;
    return std::move(image);
  };
  for (int s = 0; s < static_cast<int>(specs.size()); ++s) {
    const ImageSpec& spec = specs[static_cast<std::size_t>(s)];
    if (!part.empty() && spec.get_string_attribute("name") != part) continue;
    const int r = channel_named(spec, "R"), g = channel_named(spec, "G"), b = channel_named(spec, "B");
    if (r >= 0 && g >= 0 && b >= 0) return choose(s, r, g, b);
    if (!part.empty() && spec.nchannels >= 3) return choose(s, 0, 1, 2);  // the part asked for: its first three
    if (!part.empty() && spec.nchannels >= 1) return choose(s, 0, 0, 0);
  }
  if (specs.size() == 1 && part.empty()) {
    const ImageSpec& spec = specs[0];
    if (const int y = channel_named(spec, "Y"); y >= 0) return choose(0, y, y, y);
    if (spec.nchannels == 1 || spec.nchannels == 2) return choose(0, 0, 0, 0);  // grey (and grey + alpha)
    if (spec.nchannels >= 3 && channel_named(spec, "A") != 0) return choose(0, 0, 1, 2);
  }
  std::string list;
  for (const auto& p : parts) list += (list.empty() ? "" : ", ") + p;
  if (!part.empty()) {
    throw FrameError("'" + path.string() + "' has no part named '" + part + "' (its parts: " + list +
                     "): pass one of those to --exr-part");
  }
  throw FrameError("'" + path.string() + "' has no part with R, G and B channels (its parts: " + list +
                   "): name the part to read with --exr-part");
}

PlateInfo info_of(const OpenImage& image) {
  const ImageSpec& s = image.spec;
  PlateInfo info;
  info.format = image.in->format_name();
  info.bits = s.get_int_attribute("oiio:BitsPerSample", static_cast<int>(s.format.size()) * 8);
  info.is_float = s.format.is_floating_point();
  info.colorspace = s.get_string_attribute("oiio:ColorSpace");
  if (s.get_int_attribute("oiio:subimages", 1) > 1 || image.subimage > 0) info.part = s.get_string_attribute("name");
  info.data = {s.x, s.y, s.width, s.height};
  info.display = {s.full_x, s.full_y, s.full_width, s.full_height};
  info.pixel_aspect = s.get_float_attribute("PixelAspectRatio", 1.0f);
  if (const auto* tc = s.find_attribute("smpte:TimeCode", OIIO::TypeTimeCode)) {
    const auto* v = static_cast<const std::uint32_t*>(tc->data());
    info.timecode = std::array<std::uint32_t, 2>{v[0], v[1]};
  }
  const auto* ch = s.find_attribute("chromaticities", TypeDesc(TypeDesc::FLOAT, 8));
  if (!ch) ch = s.find_attribute("openexr:chromaticities", TypeDesc(TypeDesc::FLOAT, 8));
  if (ch) {
    std::array<float, 8> xy{};
    std::memcpy(xy.data(), ch->data(), sizeof xy);
    info.chromaticities = xy;
  }
  return info;
}

// The pixel type a plate of this file comes back as, and OpenCV's depth for it.
std::pair<TypeDesc, int> plate_type(const ImageSpec& spec) {
  if (spec.format.is_floating_point()) return {TypeDesc::FLOAT, CV_32F};
  if (spec.format == TypeDesc::UINT8 || spec.format == TypeDesc::INT8) return {TypeDesc::UINT8, CV_8U};
  return {TypeDesc::UINT16, CV_16U};
}

// Channels [first, last] of the data window, interleaved, then picked into the display window.
cv::Mat read_display_window(OpenImage& image, const fs::path& path, const std::vector<int>& channels) {
  const ImageSpec& s = image.spec;
  const auto [type, depth] = plate_type(s);
  const int first = *std::min_element(channels.begin(), channels.end());
  const int last = *std::max_element(channels.begin(), channels.end());
  const int span = last - first + 1;
  if (s.width <= 0 || s.height <= 0 || s.full_width <= 0 || s.full_height <= 0 || s.depth > 1) {
    throw FrameError("cannot read '" + path.string() + "': not a 2D image with pixels");
  }
  // Windows come from the file's header: a damaged or hostile one must not allocate terabytes.
  constexpr std::int64_t kMaxSide = 1 << 16, kMaxPixels = std::int64_t{1} << 28;
  const auto too_big = [&](std::int64_t w, std::int64_t h) {
    return w > kMaxSide || h > kMaxSide || w * h > kMaxPixels;
  };
  if (too_big(s.width, s.height) || too_big(s.full_width, s.full_height)) {
    throw FrameError("cannot read '" + path.string() + "': its header says " + std::to_string(s.full_width) + "x" +
                     std::to_string(s.full_height) + " (data window " + std::to_string(s.width) + "x" +
                     std::to_string(s.height) +
                     "), more than the 65536 pixels a side and 268 million pixels this engine reads: a damaged "
                     "header?");
  }
  const int n = static_cast<int>(channels.size());
  bool in_order = span == n;
  for (int c = 0; c < n && in_order; ++c) in_order = channels[static_cast<std::size_t>(c)] == first + c;
  const bool whole = s.x == s.full_x && s.y == s.full_y && s.width == s.full_width && s.height == s.full_height;
  cv::Mat data(s.height, s.width, CV_MAKETYPE(depth, span));
  if (!image.in->read_image(image.subimage, 0, first, last + 1, type, data.data)) {
    throw FrameError("cannot decode '" + path.string() + "': " + what_went_wrong(image.in->geterror()));
  }
  if (whole && in_order) return data;  // the common case: the pixels as read
  cv::Mat out = cv::Mat::zeros(s.full_height, s.full_width, CV_MAKETYPE(depth, n));
  // The part of the data window inside the display window.
  const int x0 = std::max(s.x, s.full_x), x1 = std::min(s.x + s.width, s.full_x + s.full_width);
  const int y0 = std::max(s.y, s.full_y), y1 = std::min(s.y + s.height, s.full_y + s.full_height);
  const std::size_t value = data.elemSize1();
  for (int y = y0; y < y1; ++y) {
    const std::uint8_t* src = data.ptr(y - s.y) + static_cast<std::size_t>(x0 - s.x) * span * value;
    std::uint8_t* dst = out.ptr(y - s.full_y) + static_cast<std::size_t>(x0 - s.full_x) * n * value;
    for (int x = x0; x < x1; ++x, src += span * value, dst += n * value) {
      for (int c = 0; c < n; ++c) std::memcpy(dst + c * value, src + (channels[c] - first) * value, value);
    }
  }
  return out;
}

}  // namespace

PlateInfo probe_plate(const fs::path& path, const std::string& exr_part) {
  OpenImage image = open_image(path, exr_part);
  return info_of(image);
}

cv::Mat read_plate(const fs::path& path, PlateInfo* info, const std::string& exr_part) {
  OpenImage image = open_image(path, exr_part);
  if (info) *info = info_of(image);
  cv::Mat rgb = read_display_window(image, path, {image.r, image.g, image.b});
  if (rgb.depth() == CV_32F) {
    cv::patchNaNs(rgb, 0.0);
    rgb = cv::max(rgb, 0.0f);  // negatives to 0, as the reference's EXR path
  }
  return rgb;
}

cv::Mat read_rgba(const fs::path& path) {
  OpenImage image = open_image(path, {});
  const int a = channel_named(image.spec, "A");
  if (a < 0 || image.r == image.g) throw FrameError("'" + path.string() + "' has no R, G, B and A channels");
  cv::Mat rgba = read_display_window(image, path, {image.r, image.g, image.b, a});
  if (rgba.depth() != CV_32F) rgba = to_unit_float(rgba);
  return rgba;
}

cv::Mat read_hint(const fs::path& path) {
  OpenImage image = open_image(path, {});
  // OpenCV's first channel of a colour image is its blue one.
  const int channel = image.b;
  cv::Mat m = read_display_window(image, path, {channel});
  return to_unit_float(m);
}

}  // namespace corridorkey
