// Host pixel buffers to the engine's tensors and the engine's results back into the host's output
// buffer. OFX images are float RGBA (or RGB / Alpha) with y pointing up: the bottom row first in
// memory (a negative row stride walks them top-down); the engine's tensors are [H, W, C], top row first.
#pragma once

#include <ATen/core/Tensor.h>

#include "corridorkey/pipeline.hpp"
#include "ofx_api.hpp"
#include "params.hpp"

namespace corridorkey::ofx {

/// The image as an [H, W, C] float32 CPU tensor, top row first: aliases the host's buffer when its
/// rows run top-down, a copy otherwise. Throws OfxFailure for an image that is not float.
at::Tensor image_tensor(const ClipImage& image, const char* clip);

/// The matte of a hint image [H, W, C]: an Alpha image's channel, an RGBA image's alpha, an RGB
/// image's red channel (as the CLI reads a colour hint file). [H, W].
at::Tensor hint_matte(const at::Tensor& hint);

/// Writes the chosen output into `out` within `window`, in the input's encoding (frame: where the
/// result's pixels lie in the host's pixel coordinates; window pixels outside it become 0):
/// - Processed: the linear premultiplied RGBA (despilled fg, despeckled alpha); for sRGB input the
///   straight colour is encoded to sRGB and premultiplied again.
/// - Matte: the raw alpha in all four channels.
/// - FG: the straight foreground (sRGB, or linear for linear input) with the raw alpha.
/// - Comp: the checkerboard preview (sRGB, or linear for linear input), alpha 1.
/// Colour conversions run where the result is (CPU or GPU); the pixels are then copied once, into
/// the host's rows. Throws OfxFailure when `out` is not float RGBA.
void write_output(const FrameResult& result, OutputChoice output, bool linear, const OfxRectI& frame,
                  const ClipImage& out, const OfxRectI& window);

}  // namespace corridorkey::ofx
