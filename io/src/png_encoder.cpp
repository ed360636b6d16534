#include <libdeflate.h>

#include <array>
#include <cstring>
#include <memory>
#include <new>

#include "encoders.hpp"

namespace corridorkey::detail {
namespace {

// libdeflate level 1 is about what OpenCV asks of zlib for PNG by default (level 1).
constexpr int kDeflateLevel = 1;
constexpr std::uint8_t kFilterSub = 1;

void put_u32be(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// A chunk: length, type, data, CRC-32 of type + data.
void put_chunk(std::vector<std::uint8_t>& out, const char type[4], const std::uint8_t* data, std::size_t size) {
  put_u32be(out, static_cast<std::uint32_t>(size));
  const std::size_t crc_from = out.size();
  out.insert(out.end(), type, type + 4);
  if (size > 0) out.insert(out.end(), data, data + size);
  put_u32be(out, libdeflate_crc32(0, out.data() + crc_from, out.size() - crc_from));
}

struct CompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

}  // namespace

namespace {

// A PNG of `height` rows of `row_bytes` bytes each (`stride` apart, samples already big-endian),
// SUB-filtered with `bpp` bytes per pixel, one IDAT. IHDR's bit depth and colour type as given.
std::vector<std::uint8_t> encode_png(const std::uint8_t* rows, std::size_t row_bytes, std::size_t stride, int width,
                                     int height, std::size_t bpp, std::uint8_t bit_depth, std::uint8_t colour_type) {
  std::vector<std::uint8_t> filtered((row_bytes + 1) * static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* src = rows + stride * static_cast<std::size_t>(y);
    std::uint8_t* dst = filtered.data() + (row_bytes + 1) * static_cast<std::size_t>(y);
    dst[0] = kFilterSub;  // each byte minus the same byte of the pixel to its left
    for (std::size_t i = 0; i < row_bytes; ++i)
      dst[1 + i] = static_cast<std::uint8_t>(src[i] - (i >= bpp ? src[i - bpp] : 0));
  }
  std::unique_ptr<libdeflate_compressor, CompressorDeleter> deflate(libdeflate_alloc_compressor(kDeflateLevel));
  if (!deflate) throw std::bad_alloc();
  std::vector<std::uint8_t> idat(libdeflate_zlib_compress_bound(deflate.get(), filtered.size()));
  idat.resize(libdeflate_zlib_compress(deflate.get(), filtered.data(), filtered.size(), idat.data(), idat.size()));

  std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<std::uint8_t> ihdr;
  put_u32be(ihdr, static_cast<std::uint32_t>(width));
  put_u32be(ihdr, static_cast<std::uint32_t>(height));
  ihdr.insert(ihdr.end(), {bit_depth, colour_type, 0, 0, 0});  // deflate, adaptive filters, no interlace
  put_chunk(png, "IHDR", ihdr.data(), ihdr.size());
  put_chunk(png, "IDAT", idat.data(), idat.size());
  put_chunk(png, "IEND", nullptr, 0);
  return png;
}

}  // namespace

std::vector<std::uint8_t> encode_png_rgb8(const std::uint8_t* rgb, int width, int height, std::size_t stride) {
  return encode_png(rgb, 3 * static_cast<std::size_t>(width), stride, width, height, 3, 8, 2);  // truecolour
}

std::vector<std::uint8_t> encode_png_gray16(const std::uint16_t* gray, int width, int height, std::size_t stride) {
  const std::size_t row_bytes = 2 * static_cast<std::size_t>(width);
  std::vector<std::uint8_t> big_endian(row_bytes * static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y) {
    const auto* src = reinterpret_cast<const std::uint16_t*>(reinterpret_cast<const std::uint8_t*>(gray) +
                                                             stride * static_cast<std::size_t>(y));
    std::uint8_t* dst = big_endian.data() + row_bytes * static_cast<std::size_t>(y);
    for (int x = 0; x < width; ++x) {
      dst[2 * x] = static_cast<std::uint8_t>(src[x] >> 8);
      dst[2 * x + 1] = static_cast<std::uint8_t>(src[x] & 0xff);
    }
  }
  return encode_png(big_endian.data(), row_bytes, row_bytes, width, height, 2, 16, 0);  // greyscale
}

}  // namespace corridorkey::detail
