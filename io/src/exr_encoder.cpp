#include "encoders.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>

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

Bytes box(const ImageBox& b) {
  Bytes v;
  for (int x : {b.x, b.y, b.x + b.width - 1, b.y + b.height - 1}) v.i32(x);
  return v;
}

std::vector<std::uint8_t> header(const std::vector<Channel>& channels, const ImageBox& data,
                                 const ExrAttributes& attributes) {
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
  Bytes compression, line_order, one, aspect, centre;
  compression.u8(kCompressionPxr24);
  line_order.u8(0);  // INCREASING_Y
  one.f32(1.0f);
  aspect.f32(attributes.pixel_aspect);
  centre.f32(0.0f), centre.f32(0.0f);
  h.attribute("channels", "chlist", chlist);
  if (attributes.chromaticities) {
    Bytes xy;
    for (float v : *attributes.chromaticities) xy.f32(v);
    h.attribute("chromaticities", "chromaticities", xy);
  }
  h.attribute("compression", "compression", compression);
  h.attribute("dataWindow", "box2i", box(data));
  h.attribute("displayWindow", "box2i", box(attributes.display_window.value_or(data)));
  h.attribute("lineOrder", "lineOrder", line_order);
  h.attribute("pixelAspectRatio", "float", aspect);
  h.attribute("screenWindowCenter", "v2f", centre);
  h.attribute("screenWindowWidth", "float", one);
  if (attributes.timecode) {
    Bytes tc;
    tc.i32(static_cast<std::int32_t>((*attributes.timecode)[0]));
    tc.i32(static_cast<std::int32_t>((*attributes.timecode)[1]));
    h.attribute("timeCode", "timecode", tc);
  }
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

// One compressor and the scratch buffers of one worker.
struct ChunkEncoder {
  ChunkEncoder(const cv::Mat& image, const std::vector<Channel>& channels)
      : image(image),
        channels(channels),
        deflate(libdeflate_alloc_compressor(kDeflateLevel)),
        planes(2 * static_cast<std::size_t>(image.cols) * channels.size() * kLinesPerChunk),
        raw(planes.size()),
        halves(static_cast<std::size_t>(image.cols) * image.channels()),
        channel(static_cast<std::size_t>(image.cols)) {
    if (!deflate) throw std::bad_alloc();
    packed.resize(libdeflate_zlib_compress_bound(deflate.get(), planes.size()));
  }

  // The chunk of the image's lines [y0, y1) as it is stored in the file: y (of the data window,
  // which starts at `origin_y`), data size, data.
  std::vector<std::uint8_t> encode(int y0, int y1, int origin_y) {
    const int width = image.cols, nc = image.channels();
    std::uint8_t* p = planes.data();
    for (int y = y0; y < y1; ++y) {
      if (image.depth() == CV_16F)
        std::memcpy(halves.data(), image.ptr(y), halves.size() * sizeof(std::uint16_t));
      else
        to_half(image.ptr<float>(y), halves.data(), halves.size());
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
    Bytes block;
    block.i32(origin_y + y0);
    block.i32(static_cast<std::int32_t>(stored ? size : n));
    block.raw(stored ? raw.data() : packed.data(), stored ? size : n);
    return std::move(block.data);
  }

  const cv::Mat& image;
  const std::vector<Channel>& channels;
  std::unique_ptr<libdeflate_compressor, CompressorDeleter> deflate;
  std::vector<std::uint8_t> planes, raw, packed;
  std::vector<std::uint16_t> halves, channel;
};

}  // namespace

std::vector<std::uint8_t> encode_exr_half_pxr24(const cv::Mat& image, const ExrAttributes& attributes) {
  if (image.depth() != CV_32F && image.depth() != CV_16F) throw FrameError("EXR output needs a float image");
  const std::vector<Channel> channels = channels_for(image.channels());
  const int width = image.cols, height = image.rows;
  if (width <= 0 || height <= 0) throw FrameError("EXR output needs a non-empty image");
  const ImageBox data = attributes.data_window.value_or(ImageBox{0, 0, width, height});
  // Chunks are independent: they are encoded on OpenCV's worker threads, then laid out in order.
  const int chunks = (height + kLinesPerChunk - 1) / kLinesPerChunk;
  std::vector<std::vector<std::uint8_t>> blocks(static_cast<std::size_t>(chunks));
  std::atomic<bool> out_of_memory{false};
  cv::parallel_for_(
      cv::Range(0, chunks),
      [&](const cv::Range& range) {
        try {
          ChunkEncoder encoder(image, channels);
          for (int chunk = range.start; chunk < range.end; ++chunk) {
            const int y0 = chunk * kLinesPerChunk;
            blocks[static_cast<std::size_t>(chunk)] = encoder.encode(y0, std::min(height, y0 + kLinesPerChunk), data.y);
          }
        } catch (const std::bad_alloc&) {
          out_of_memory = true;
        }
      },
      cv::getNumThreads());
  if (out_of_memory) throw std::bad_alloc();

  std::vector<std::uint8_t> file = header(channels, data, attributes);
  std::uint64_t offset = file.size() + 8 * static_cast<std::uint64_t>(chunks);
  for (const auto& block : blocks) {  // the offset table
    const std::size_t at = file.size();
    file.resize(at + 8);
    std::memcpy(file.data() + at, &offset, 8);
    offset += block.size();
  }
  for (const auto& block : blocks) file.insert(file.end(), block.begin(), block.end());
  return file;
}

}  // namespace corridorkey::detail
