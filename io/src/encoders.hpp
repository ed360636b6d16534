// Encoders for the two output flavours the pipeline writes, with libdeflate:
// - EXR: single-part scanline, HALF channels, PXR24 compression (16-line chunks), the attributes
//   OpenEXR's default header has. OpenEXR 3.1 compresses PXR24 with zlib at level 6, which cost
//   more than the rest of the post-processing; this is the same PXR24 EXR (same channels, same
//   half values), only the deflate stream differs.
// - PNG: 8-bit RGB or 16-bit greyscale, the SUB filter OpenCV uses by default, one IDAT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "corridorkey/io/frame_io.hpp"

namespace corridorkey::detail {

/// v clipped to [0, 1] (NaN to 0).
inline float clip_unit(float v) { return v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f; }

/// v clipped to [0, 1] and rounded to the nearest 16-bit level.
inline std::uint16_t unit_to_u16(float v) { return static_cast<std::uint16_t>(clip_unit(v) * 65535.0f + 0.5f); }

/// Encodes a CV_32F image with 1 (channel "Y"), 3 ("R","G","B" from RGB order) or 4 (RGBA)
/// channels. Values are rounded to half to nearest even, as Imath's half does; a CV_16F image's
/// values are stored as they are. `attributes` places the image (its data window) and adds the
/// header's display window, pixel aspect, timecode and chromaticities.
std::vector<std::uint8_t> encode_exr_half_pxr24(const cv::Mat& image, const ExrAttributes& attributes = {});

/// The same channels through OpenEXR, with `compression` (an Imf::Compression), as half values or,
/// with `as_float`, 32-bit floats (a CV_32F image). Half values take CV_32F or CV_16F images.
std::vector<std::uint8_t> encode_exr_openexr(const cv::Mat& image, int compression, bool as_float = false,
                                             const ExrAttributes& attributes = {});

/// Encodes 8-bit interleaved RGB rows (`stride` bytes apart) as a PNG file.
std::vector<std::uint8_t> encode_png_rgb8(const std::uint8_t* rgb, int width, int height, std::size_t stride);

/// Encodes 16-bit greyscale rows (`stride` bytes apart, native byte order) as a PNG file.
std::vector<std::uint8_t> encode_png_gray16(const std::uint16_t* gray, int width, int height, std::size_t stride);

}  // namespace corridorkey::detail
