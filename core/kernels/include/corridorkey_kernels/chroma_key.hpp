// The built-in coarse alpha (the fallback hint for clips without one): a colour-difference key on
// the screen channel, a square-element closing and erosion, and a box-blur softening. CPU only:
// it runs beside the decoder, once per frame, before the network. Images are planar float32 or
// 8-bit masks, row-major; borders replicate.
#pragma once

#include <cstddef>
#include <cstdint>

#include "corridorkey_kernels/rows.hpp"

namespace corridorkey::kernels::cpu {

/// Linear -> sRGB of `count` values in place (math::linear_to_srgb).
void linear_to_srgb_inplace(float* values, std::size_t count);

/// diff[i] = rgb[spill][i] - max(the other two channels)[i], for planar RGB of `pixels` pixels.
void screen_difference(const float* rgb_planar, float* diff, std::size_t pixels, int spill);

/// The same from interleaved RGB values (the layout plate_rgb gives: 1, 2 or 4 bytes per value,
/// 8-bit / 255, 16-bit / 65535, float as is), without a planar copy.
void screen_difference_packed(const void* rgb, int bytes_per_value, float* diff, std::size_t pixels, int spill);

/// mask[i] = 255 where diff[i] < threshold (foreground), else 0.
void threshold_below(const float* diff, std::uint8_t* mask, std::size_t pixels, float threshold);

/// Square-element morphology of a 0/255 mask with radius r (a (2r+1)^2 square): the maximum
/// (dilate) or minimum (erode) over the square, borders replicated. `scratch` holds width * height
/// bytes. In place is allowed (in == out).
void dilate_square(const std::uint8_t* in, std::uint8_t* out, std::uint8_t* scratch, int width, int height, int r,
                   const RowRunner& rows);
void erode_square(const std::uint8_t* in, std::uint8_t* out, std::uint8_t* scratch, int width, int height, int r,
                  const RowRunner& rows);

/// out = the 0/255 mask scaled to 0-1 and blurred by three box passes of radius r per axis (close to
/// a Gaussian of sigma r), borders replicated. `scratch` holds width * height floats.
void soften_mask(const std::uint8_t* mask, float* out, float* scratch, int width, int height, int r,
                 const RowRunner& rows);

}  // namespace corridorkey::kernels::cpu
