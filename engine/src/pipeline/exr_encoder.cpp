#include "encoders.hpp"

#include <libdeflate.h>

#include <array>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include <opencv2/core.hpp>

#include "corridorkey/errors.hpp"
#include "corridorkey_kernels/cpu_clones.hpp"

namespace corridorkey::detail {
namespace {

constexpr int kLinesPerChunk = 16;  // PXR24
constexpr int kCompressionPxr24 = 5;
constexpr int kPixelTypeHalf = 1;
// Deflate effort: level 4 of libdeflate compresses these planes about as well as zlib's level 6
// in a fraction of the time.
constexpr int kDeflateLevel = 4;

class Bytes {
 public:
  void u8(std::uint8_t v) { data.push_back(v); }
  void i32(std::int32_t v) { raw(&v, 4); }
  void f32(float v) { raw(&v, 4); }
  void u64(std::uint64_t v) { raw(&v, 8); }
  void str(const std::string& s) { raw(s.c_str(), s.size() + 1); }  // NUL-terminated
  void raw(const void* p, std::size_t n) {
    const std::size_t at = data.size();  // EXR is little-endian, as is every host we build for
    data.resize(at + n);
    if (n > 0) std::memcpy(data.data() + at, p, n);
  }
  void attribute(const std::string& name, const std::string& type, const Bytes& value) {
    str(name);
    str(type);
    i32(static_cast<std::int32_t>(value.data.size()));
    raw(value.data.data(), value.data.size());
  }
  std::vector<std::uint8_t> data;
};
static_assert(std::endian::native == std::endian::little, "the EXR writer assumes a little-endian host");

struct Channel {
  const char* name;
  int index;  // in the RGB(A)-ordered input
};

// Channels in the file's order (sorted by name), with where each comes from in the input.
std::vector<Channel> channels_for(int count) {
  switch (count) {
    case 1:
      return {{"Y", 0}};
    case 3:
      return {{"B", 2}, {"G", 1}, {"R", 0}};
    case 4:
      return {{"A", 3}, {"B", 2}, {"G", 1}, {"R", 0}};
    default:
      throw FrameError("EXR output needs 1, 3 or 4 channels, got " + std::to_string(count));
  }
}

std::vector<std::uint8_t> header(const std::vector<Channel>& channels, int width, int height) {
  Bytes h;
  h.i32(20000630);  // magic
  h.i32(2);         // version 2, single-part scanline, short names
  Bytes chlist;
  for (const Channel& c : channels) {
    chlist.str(c.name);
    chlist.i32(kPixelTypeHalf);
    chlist.i32(0);  // pLinear + 3 reserved bytes
    chlist.i32(1);  // xSampling
    chlist.i32(1);  // ySampling
  }
  chlist.u8(0);
  Bytes compression, window, line_order, one, centre;
  compression.u8(kCompressionPxr24);
  for (int v : {0, 0, width - 1, height - 1}) window.i32(v);
  line_order.u8(0);  // INCREASING_Y
  one.f32(1.0f);
  centre.f32(0.0f), centre.f32(0.0f);
  h.attribute("channels", "chlist", chlist);
  h.attribute("compression", "compression", compression);
  h.attribute("dataWindow", "box2i", window);
  h.attribute("displayWindow", "box2i", window);
  h.attribute("lineOrder", "lineOrder", line_order);
  h.attribute("pixelAspectRatio", "float", one);
  h.attribute("screenWindowCenter", "v2f", centre);
  h.attribute("screenWindowWidth", "float", one);
  h.u8(0);  // end of header
  return std::move(h.data);
}

struct CompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// Branch-free, so that the row loop below vectorises: every case is computed and one is picked.
std::uint16_t float_to_half_bits(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  const std::uint32_t sign = (x >> 16) & 0x8000u;
  x &= 0x7fffffffu;
  // |f| >= 65520 rounds to Inf; NaN stays a quiet NaN with the top of its payload.
  const std::uint32_t huge = x > 0x7f800000u ? 0x7e00u | ((x >> 13) & 0x3ffu) : 0x7c00u;
  // Below the smallest normal half: adding 0.5 (whose ulp, 2^-24, is the smallest half
  // subnormal) makes the FPU round the mantissa to nearest even in place.
  float magnitude;
  std::memcpy(&magnitude, &x, 4);
  const float aligned = magnitude + 0.5f;
  std::uint32_t aligned_bits;
  std::memcpy(&aligned_bits, &aligned, 4);
  const std::uint32_t subnormal = aligned_bits - 0x3f000000u;
  // Normal: rebias the exponent (-112 << 23) and round to nearest even on the 13 dropped bits.
  const std::uint32_t normal = (x + 0xc8000fffu + ((x >> 13) & 1u)) >> 13;
  const std::uint32_t out = x >= 0x47800000u ? huge : (x < 0x38800000u ? subnormal : normal);
  return static_cast<std::uint16_t>(out | sign);
}

CK_CPU_CLONES void to_half(const float* in, std::uint16_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = float_to_half_bits(in[i]);
}

// The uncompressed layout of a chunk (the plain little-endian values) from its PXR24 planes: per
// line and channel, the running sum of the differences. Only for chunks that do not compress.
void planes_to_values(const std::uint8_t* planes, std::size_t size, int width, std::uint8_t* raw) {
  const std::size_t segment = 2 * static_cast<std::size_t>(width);
  for (std::size_t at = 0; at < size; at += segment) {
    const std::uint8_t* high = planes + at;
    const std::uint8_t* low = high + width;
    std::uint16_t value = 0;
    for (int x = 0; x < width; ++x) {
      value = static_cast<std::uint16_t>(value + ((high[x] << 8) | low[x]));
      std::memcpy(raw + at + 2 * static_cast<std::size_t>(x), &value, 2);
    }
  }
}

}  // namespace

std::vector<std::uint8_t> encode_exr_half_pxr24(const cv::Mat& image) {
  if (image.depth() != CV_32F) throw FrameError("EXR output needs a float image");
  const std::vector<Channel> channels = channels_for(image.channels());
  const int width = image.cols, height = image.rows, nc = image.channels();
  if (width <= 0 || height <= 0) throw FrameError("EXR output needs a non-empty image");
  std::vector<std::uint8_t> file = header(channels, width, height);
  const int chunks = (height + kLinesPerChunk - 1) / kLinesPerChunk;
  const std::size_t table_at = file.size();
  file.resize(file.size() + 8 * static_cast<std::size_t>(chunks));

  std::unique_ptr<libdeflate_compressor, CompressorDeleter> deflate(libdeflate_alloc_compressor(kDeflateLevel));
  if (!deflate) throw std::bad_alloc();
  const std::size_t line_bytes = 2 * static_cast<std::size_t>(width) * channels.size();
  std::vector<std::uint8_t> planes(line_bytes * kLinesPerChunk), raw(planes.size());
  std::vector<std::uint8_t> packed(libdeflate_zlib_compress_bound(deflate.get(), planes.size()));
  const std::size_t row_values = static_cast<std::size_t>(width) * nc;
  std::vector<std::uint16_t> halves(row_values), channel(static_cast<std::size_t>(width));
  for (int chunk = 0; chunk < chunks; ++chunk) {
    const int y0 = chunk * kLinesPerChunk, y1 = std::min(height, y0 + kLinesPerChunk);
    std::uint8_t* p = planes.data();
    for (int y = y0; y < y1; ++y) {
      to_half(image.ptr<float>(y), halves.data(), row_values);
      for (const Channel& c : channels) {
        for (int x = 0; x < width; ++x) channel[x] = halves[static_cast<std::size_t>(x) * nc + c.index];
        // PXR24 for HALF: differences to the previous pixel, split into a high-byte plane and a
        // low-byte plane.
        for (int x = 0; x < width; ++x) {
          const auto diff = static_cast<std::uint16_t>(channel[x] - (x > 0 ? channel[x - 1] : 0));
          p[x] = static_cast<std::uint8_t>(diff >> 8);
          p[width + x] = static_cast<std::uint8_t>(diff);
        }
        p += 2 * static_cast<std::size_t>(width);
      }
    }
    const std::size_t size = static_cast<std::size_t>(p - planes.data());
    const std::size_t n = libdeflate_zlib_compress(deflate.get(), planes.data(), size, packed.data(), packed.size());
    const bool stored = n == 0 || n >= size;  // OpenEXR keeps a chunk raw when compression does not pay
    if (stored) planes_to_values(planes.data(), size, width, raw.data());
    const std::uint64_t offset = file.size();
    std::memcpy(file.data() + table_at + 8 * static_cast<std::size_t>(chunk), &offset, 8);
    Bytes head;
    head.i32(y0);
    head.i32(static_cast<std::int32_t>(stored ? size : n));
    file.insert(file.end(), head.data.begin(), head.data.end());
    const std::uint8_t* body = stored ? raw.data() : packed.data();
    file.insert(file.end(), body, body + (stored ? size : n));
  }
  return file;
}

}  // namespace corridorkey::detail
