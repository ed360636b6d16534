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

std::vector<std::uint8_t> encode_png_rgb8(const std::uint8_t* rgb, int width, int height, std::size_t stride) {
  const std::size_t row_bytes = 3 * static_cast<std::size_t>(width);
  std::vector<std::uint8_t> filtered((row_bytes + 1) * static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* src = rgb + stride * static_cast<std::size_t>(y);
    std::uint8_t* dst = filtered.data() + (row_bytes + 1) * static_cast<std::size_t>(y);
    dst[0] = kFilterSub;  // each byte minus the same channel of the pixel to its left
    for (std::size_t i = 0; i < row_bytes; ++i)
      dst[1 + i] = static_cast<std::uint8_t>(src[i] - (i >= 3 ? src[i - 3] : 0));
  }
  std::unique_ptr<libdeflate_compressor, CompressorDeleter> deflate(libdeflate_alloc_compressor(kDeflateLevel));
  if (!deflate) throw std::bad_alloc();
  std::vector<std::uint8_t> idat(libdeflate_zlib_compress_bound(deflate.get(), filtered.size()));
  idat.resize(libdeflate_zlib_compress(deflate.get(), filtered.data(), filtered.size(), idat.data(), idat.size()));

  std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<std::uint8_t> ihdr;
  put_u32be(ihdr, static_cast<std::uint32_t>(width));
  put_u32be(ihdr, static_cast<std::uint32_t>(height));
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});  // 8-bit, truecolour, deflate, adaptive filters, no interlace
  put_chunk(png, "IHDR", ihdr.data(), ihdr.size());
  put_chunk(png, "IDAT", idat.data(), idat.size());
  put_chunk(png, "IEND", nullptr, 0);
  return png;
}

}  // namespace corridorkey::detail
