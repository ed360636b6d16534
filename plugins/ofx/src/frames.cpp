// Host buffers <-> tensors (frames.hpp).
#include "frames.hpp"

#include <ATen/ATen.h>

#include <algorithm>

#include "corridorkey/color.hpp"
#include "corridorkey/image.hpp"

namespace corridorkey::ofx {

at::Tensor image_tensor(const ClipImage& image, const char* clip) {
  if (image.depth != kOfxBitDepthFloat) {
    throw OfxFailure(std::string("the ") + clip + " image is " + image.depth +
                         ", not 32-bit float: set the project or clip to float processing",
                     kOfxStatErrImageFormat);
  }
  if (image.channels == 0 || image.width() <= 0 || image.height() <= 0 || image.data == nullptr) {
    throw OfxFailure(std::string("the ") + clip + " image is empty or has unsupported components",
                     kOfxStatErrImageFormat);
  }
  ImageView view;
  view.width = image.width();
  view.height = image.height();
  view.channels = image.channels;
  view.type = PixelType::Float32;
  view.data = image.pixel(image.bounds.x1, image.bounds.y2 - 1);  // the top row
  view.row_stride = -static_cast<std::ptrdiff_t>(image.row_bytes);
  return to_tensor(view);
}

at::Tensor hint_matte(const at::Tensor& hint) {
  const std::int64_t c = hint.size(2);
  return hint.select(2, c == 4 ? 3 : 0);
}

void write_output(const FrameResult& r, OutputChoice output, bool linear, const OfxRectI& frame, const ClipImage& out,
                  const OfxRectI& window) {
  if (out.depth != kOfxBitDepthFloat || out.channels != 4) {
    throw OfxFailure(
        "the Output image is not float RGBA (" + out.depth + ", " + std::to_string(out.channels) + " channels)",
        kOfxStatErrImageFormat);
  }
  // colour: [H, W, 3 or 4] (4: it carries its alpha); alpha: [H, W, 1] or none (opaque).
  at::Tensor colour, alpha;
  switch (output) {
    case OutputChoice::processed:
      colour = linear ? r.processed : encode_premultiplied_srgb(r.processed);
      break;
    case OutputChoice::matte:
      alpha = r.alpha;
      break;
    case OutputChoice::fg:
      colour = linear ? srgb_to_linear(r.fg.contiguous()) : r.fg;
      alpha = r.alpha;
      break;
    case OutputChoice::comp:
      colour = linear ? srgb_to_linear(r.comp.contiguous()) : r.comp;
      break;
  }
  if (colour.defined()) colour = colour.to(at::kCPU).contiguous();
  if (alpha.defined()) alpha = alpha.to(at::kCPU).contiguous();
  const float* c = colour.defined() ? colour.const_data_ptr<float>() : nullptr;
  const float* a = alpha.defined() ? alpha.const_data_ptr<float>() : nullptr;
  const int cc = colour.defined() ? static_cast<int>(colour.size(2)) : 0;

  const int x1 = std::max(window.x1, out.bounds.x1), x2 = std::min(window.x2, out.bounds.x2);
  const int y1 = std::max(window.y1, out.bounds.y1), y2 = std::min(window.y2, out.bounds.y2);
  const int fw = frame.x2 - frame.x1;
  for (int y = y1; y < y2; ++y) {
    float* row = out.pixel(x1, y);
    const bool in_rows = y >= frame.y1 && y < frame.y2;
    const std::int64_t top_row = frame.y2 - 1 - y;  // the result's rows run top-down
    for (int x = x1; x < x2; ++x, row += 4) {
      if (!in_rows || x < frame.x1 || x >= frame.x2) {
        std::fill(row, row + 4, 0.0f);
        continue;
      }
      const std::int64_t i = top_row * fw + (x - frame.x1);
      const float av = a != nullptr ? a[i] : 1.0f;
      if (c == nullptr) {
        std::fill(row, row + 4, av);  // Matte
        continue;
      }
      const float* px = c + i * cc;
      row[0] = px[0];
      row[1] = px[1];
      row[2] = px[2];
      row[3] = cc == 4 ? px[3] : av;
    }
  }
}

}  // namespace corridorkey::ofx
