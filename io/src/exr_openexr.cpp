// EXR files in the compressions our own PXR24 writer does not produce, through OpenEXR.
#include <Imath/half.h>
#include <ImfChannelList.h>
#include <ImfFrameBuffer.h>
#include <ImfHeader.h>
#include <ImfOutputFile.h>
#include <ImfStandardAttributes.h>
#include <ImfStdIO.h>

#include <cstring>
#include <string>

#include "corridorkey/errors.hpp"
#include "encoders.hpp"

namespace corridorkey::detail {

std::vector<std::uint8_t> encode_exr_openexr(const cv::Mat& image, int compression, bool as_float,
                                             const ExrAttributes& attributes) {
  const bool halves_in = image.depth() == CV_16F;
  if (image.depth() != CV_32F && !(halves_in && !as_float)) throw FrameError("EXR output needs a float image");
  const int width = image.cols, height = image.rows, count = image.channels();
  if (width <= 0 || height <= 0) throw FrameError("EXR output needs a non-empty image");
  static const char* const kNames[4][4] = {{"Y"}, {}, {"R", "G", "B"}, {"R", "G", "B", "A"}};
  if (count != 1 && count != 3 && count != 4)
    throw FrameError("EXR output needs 1, 3 or 4 channels, got " + std::to_string(count));
  // Interleaved values in the input's (RGB(A)) order: halves, or the floats themselves.
  const std::size_t pixels = static_cast<std::size_t>(width) * height;
  std::vector<Imath::half> halves(as_float ? 0 : pixels * count);
  const cv::Mat floats = as_float && !image.isContinuous() ? image.clone() : image;
  for (int y = 0; y < height && !as_float; ++y) {
    Imath::half* out = halves.data() + static_cast<std::size_t>(y) * width * count;
    if (halves_in) {
      std::memcpy(static_cast<void*>(out), image.ptr(y), sizeof(Imath::half) * width * count);
      continue;
    }
    const float* row = image.ptr<float>(y);
    for (int i = 0; i < width * count; ++i) out[i] = Imath::half(row[i]);
  }
  try {
    const ImageBox data = attributes.data_window.value_or(ImageBox{0, 0, width, height});
    const ImageBox display = attributes.display_window.value_or(data);
    const auto box = [](const ImageBox& b) {
      return Imath::Box2i({b.x, b.y}, {b.x + b.width - 1, b.y + b.height - 1});
    };
    Imf::Header header(box(display), box(data), attributes.pixel_aspect);
    header.compression() = static_cast<Imf::Compression>(compression);
    if (attributes.timecode) {
      Imf::addTimeCode(header, Imf::TimeCode((*attributes.timecode)[0], (*attributes.timecode)[1]));
    }
    if (attributes.chromaticities) {
      const auto& c = *attributes.chromaticities;
      Imf::addChromaticities(header, Imf::Chromaticities({c[0], c[1]}, {c[2], c[3]}, {c[4], c[5]}, {c[6], c[7]}));
    }
    Imf::FrameBuffer frame;
    const Imf::PixelType type = as_float ? Imf::FLOAT : Imf::HALF;
    const std::size_t value = as_float ? sizeof(float) : sizeof(Imath::half);
    const std::size_t x_stride = value * count, y_stride = x_stride * width;
    // OpenEXR addresses pixels by their window coordinates: the base is where (0, 0) would be.
    char* base = (as_float ? reinterpret_cast<char*>(const_cast<float*>(floats.ptr<float>(0)))
                           : reinterpret_cast<char*>(halves.data())) -
                 static_cast<std::ptrdiff_t>(data.x) * static_cast<std::ptrdiff_t>(x_stride) -
                 static_cast<std::ptrdiff_t>(data.y) * static_cast<std::ptrdiff_t>(y_stride);
    for (int c = 0; c < count; ++c) {
      header.channels().insert(kNames[count - 1][c], Imf::Channel(type));
      frame.insert(kNames[count - 1][c], Imf::Slice(type, base + c * value, x_stride, y_stride));
    }
    Imf::StdOSStream stream;
    {
      Imf::OutputFile file(stream, header);  // its destructor writes the line offsets
      file.setFrameBuffer(frame);
      file.writePixels(height);
    }
    const std::string s = stream.str();
    return {s.begin(), s.end()};
  } catch (const std::exception& e) {
    throw FrameError(std::string("OpenEXR could not encode the image: ") + e.what());
  }
}

}  // namespace corridorkey::detail
