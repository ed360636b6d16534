// VFX stills through OpenImageIO: DPX at every bit depth, Cineon, EXR in every compression, with
// parts and windows, and the EXR outputs carrying the plate's windows, pixel aspect, timecode and
// chromaticities. Files are made here, with OpenImageIO's and OpenEXR's own writers (Cineon, which
// OpenImageIO only reads, byte by byte from its specification).
#include <ImfChannelList.h>
#include <ImfFrameBuffer.h>
#include <ImfHeader.h>
#include <ImfInputFile.h>
#include <ImfMultiPartOutputFile.h>
#include <ImfOutputFile.h>
#include <ImfOutputPart.h>
#include <ImfPartType.h>
#include <ImfStandardAttributes.h>
#include <OpenImageIO/imageio.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <opencv2/core.hpp>

#include "corridorkey/errors.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;
using ck::test::TempDir;

namespace {

// A pattern of `bits`-bit codes: every pixel and channel different.
std::vector<std::uint16_t> codes(int w, int h, int bits) {
  std::vector<std::uint16_t> v(static_cast<std::size_t>(w) * h * 3);
  const int top = (1 << bits) - 1;
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint16_t>((i * 2654435761u >> 7) % (top + 1));
  return v;
}

void write_oiio(const fs::path& file, int w, int h, int bits, const std::vector<std::uint16_t>& values) {
  auto out = OIIO::ImageOutput::create(file.string());
  ASSERT_TRUE(out) << OIIO::geterror();
  OIIO::ImageSpec spec(w, h, 3, bits <= 8 ? OIIO::TypeDesc::UINT8 : OIIO::TypeDesc::UINT16);
  spec.attribute("oiio:BitsPerSample", bits);
  ASSERT_TRUE(out->open(file.string(), spec)) << out->geterror();
  if (bits <= 8) {
    std::vector<std::uint8_t> b(values.begin(), values.end());
    ASSERT_TRUE(out->write_image(OIIO::TypeDesc::UINT8, b.data()));
  } else {
    // The codes scaled to 16 bits as OpenImageIO scales them back: code * 65535 / (2^bits - 1).
    std::vector<std::uint16_t> s(values.size());
    const double top = (1 << bits) - 1;
    for (std::size_t i = 0; i < s.size(); ++i)
      s[i] = static_cast<std::uint16_t>(std::lround(values[i] * 65535.0 / top));
    ASSERT_TRUE(out->write_image(OIIO::TypeDesc::UINT16, s.data()));
  }
  ASSERT_TRUE(out->close());
}

// The largest difference between a plate and `bits`-bit codes, on a 0-1 scale.
double worst(const cv::Mat& plate, const std::vector<std::uint16_t>& values, int bits) {
  const double top = (1 << bits) - 1, scale = plate.depth() == CV_8U ? 255.0 : 65535.0;
  double w = 0;
  for (int y = 0; y < plate.rows; ++y) {
    for (int x = 0; x < plate.cols * 3; ++x) {
      const double got = plate.depth() == CV_8U ? plate.ptr<std::uint8_t>(y)[x] : plate.ptr<std::uint16_t>(y)[x];
      w = std::max(w, std::fabs(got / scale - values[static_cast<std::size_t>(y) * plate.cols * 3 + x] / top));
    }
  }
  return w;
}

// A 10-bit Cineon file (printing density, 3 channels, packed three to a 32-bit word, left
// justified), as Kodak's specification lays it out.
void write_cineon(const fs::path& file, int w, int h, const std::vector<std::uint16_t>& values) {
  std::vector<std::uint8_t> bytes(2048);
  const auto u32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
  };
  const auto f32 = [&](std::size_t at, float f) {
    std::uint32_t v;
    std::memcpy(&v, &f, 4);
    u32(at, v);
  };
  u32(0, 0x802A5FD7u);  // magic
  u32(4, 2048);         // image data offset
  u32(8, 1024), u32(12, 1024), u32(16, 0);
  u32(20, static_cast<std::uint32_t>(2048 + 4 * w * h));
  std::memcpy(&bytes[24], "V4.5", 4);
  bytes[192] = 0, bytes[193] = 3;  // orientation, channels
  for (int c = 0; c < 3; ++c) {
    const std::size_t at = 196 + 28 * static_cast<std::size_t>(c);
    bytes[at] = 0, bytes[at + 1] = static_cast<std::uint8_t>(c + 1), bytes[at + 2] = 10;
    u32(at + 4, static_cast<std::uint32_t>(w)), u32(at + 8, static_cast<std::uint32_t>(h));
    f32(at + 12, 0.0f), f32(at + 16, 0.0f), f32(at + 20, 1023.0f), f32(at + 24, 2.048f);
  }
  bytes[681] = 5;  // packing: 32-bit words, left justified
  for (std::size_t i = 0; i < values.size(); i += 3) {
    const std::uint32_t word =
        (std::uint32_t{values[i]} << 22) | (std::uint32_t{values[i + 1]} << 12) | (std::uint32_t{values[i + 2]} << 2);
    for (int k = 0; k < 4; ++k) bytes.push_back(static_cast<std::uint8_t>(word >> (24 - 8 * k)));
  }
  std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// An RGB half EXR with the given windows; pixel (x, y) of the data window holds (x, y, 0.5) / 100.
void write_windowed_exr(const fs::path& file, const Imath::Box2i& display, const Imath::Box2i& data,
                        Imf::Compression compression = Imf::ZIP_COMPRESSION) {
  Imf::Header header(display, data, 2.0f);
  header.compression() = compression;
  Imf::addTimeCode(header, Imf::TimeCode(1, 2, 3, 4));
  Imf::addChromaticities(
      header, Imf::Chromaticities({0.713f, 0.293f}, {0.165f, 0.830f}, {0.128f, 0.044f}, {0.32168f, 0.33767f}));
  const int w = data.max.x - data.min.x + 1, h = data.max.y - data.min.y + 1;
  std::vector<Imath::half> px(static_cast<std::size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      Imath::half* p = &px[(static_cast<std::size_t>(y) * w + x) * 3];
      p[0] = static_cast<float>(data.min.x + x) / 100.0f, p[1] = static_cast<float>(data.min.y + y) / 100.0f;
      p[2] = 0.5f;
    }
  }
  Imf::FrameBuffer fb;
  char* base = reinterpret_cast<char*>(px.data()) -
               (static_cast<std::ptrdiff_t>(data.min.x) + static_cast<std::ptrdiff_t>(data.min.y) * w) * 6;
  for (int c = 0; c < 3; ++c) {
    const char* name = c == 0 ? "R" : c == 1 ? "G" : "B";
    header.channels().insert(name, Imf::Channel(Imf::HALF));
    fb.insert(name, Imf::Slice(Imf::HALF, base + 2 * c, 6, 6 * static_cast<std::size_t>(w)));
  }
  Imf::OutputFile out(file.c_str(), header);
  out.setFrameBuffer(fb);
  out.writePixels(h);
}

}  // namespace

class DpxDepth : public ::testing::TestWithParam<int> {};

TEST_P(DpxDepth, ReadsEveryCodeAtItsDepth) {
  const int bits = GetParam();
  TempDir dir;
  const auto values = codes(37, 23, bits);
  write_oiio(dir / "plate.dpx", 37, 23, bits, values);
  ck::PlateInfo info;
  const cv::Mat rgb = ck::read_plate(dir / "plate.dpx", &info);
  EXPECT_EQ(rgb.type(), bits <= 8 ? CV_8UC3 : CV_16UC3);
  EXPECT_EQ(info.format, "dpx");
  EXPECT_EQ(info.bits, bits);
  // Each code comes back as itself: within a 16-bit step of code / (2^bits - 1) (OpenImageIO widens
  // codes by repeating their bits).
  EXPECT_LE(worst(rgb, values, bits), bits <= 8 ? 1e-9 : 1.01 / 65535.0);
}

INSTANTIATE_TEST_SUITE_P(Dpx, DpxDepth, ::testing::Values(8, 10, 12, 16));

TEST(Plates, TenBitDpxIsPackedAndNotThroughEightBits) {
  TempDir dir;
  const auto values = codes(64, 16, 10);
  write_oiio(dir / "plate.dpx", 64, 16, 10, values);
  write_oiio(dir / "plate16.dpx", 64, 16, 16, codes(64, 16, 16));
  // Packed 10-bit: three codes a 32-bit word, 4 bytes a pixel where 16-bit takes 6.
  EXPECT_GE(fs::file_size(dir / "plate16.dpx") - fs::file_size(dir / "plate.dpx"), 2u * 64u * 16u);
  const cv::Mat rgb = ck::read_plate(dir / "plate.dpx");
  std::set<std::uint16_t> levels(rgb.ptr<std::uint16_t>(0), rgb.ptr<std::uint16_t>(0) + rgb.total() * 3);
  EXPECT_GT(levels.size(), 256u) << "10-bit codes are kept apart";
}

TEST(Plates, CineonTenBitLogReadsEveryCode) {
  TempDir dir;
  const auto values = codes(29, 17, 10);
  write_cineon(dir / "scan.cin", 29, 17, values);
  ck::PlateInfo info;
  const cv::Mat rgb = ck::read_plate(dir / "scan.cin", &info);
  ASSERT_EQ(rgb.type(), CV_16UC3);
  EXPECT_EQ(info.format, "cineon");
  EXPECT_EQ(info.bits, 10);
  EXPECT_EQ(info.colorspace, "KodakLog");
  EXPECT_LE(worst(rgb, values, 10), 1.01 / 65535.0);
}

TEST(Plates, TiffAtEightSixteenAndFloat) {
  TempDir dir;
  const auto values8 = codes(19, 11, 8), values16 = codes(19, 11, 16);
  write_oiio(dir / "a.tif", 19, 11, 8, values8);
  write_oiio(dir / "b.tif", 19, 11, 16, values16);
  EXPECT_EQ(worst(ck::read_plate(dir / "a.tif"), values8, 8), 0.0);
  EXPECT_EQ(worst(ck::read_plate(dir / "b.tif"), values16, 16), 0.0);
  auto out = OIIO::ImageOutput::create((dir / "c.tif").string());
  OIIO::ImageSpec spec(4, 2, 3, OIIO::TypeDesc::FLOAT);
  std::vector<float> f{0.1f, 2.5f, -1.0f, 0.25f, 0.5f, 0.75f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 1, 1, 1};
  ASSERT_TRUE(out->open((dir / "c.tif").string(), spec) && out->write_image(OIIO::TypeDesc::FLOAT, f.data()));
  out->close();
  const cv::Mat rgb = ck::read_plate(dir / "c.tif");
  ASSERT_EQ(rgb.type(), CV_32FC3);
  EXPECT_FLOAT_EQ(rgb.at<cv::Vec3f>(0, 0)[1], 2.5f) << "float plates keep values above 1";
  EXPECT_FLOAT_EQ(rgb.at<cv::Vec3f>(0, 0)[2], 0.0f) << "negatives are clamped, as for EXR";
}

TEST(Plates, EveryExrCompressionReads) {
  TempDir dir;
  const Imath::Box2i box({0, 0}, {40, 23});
  for (auto c : {Imf::NO_COMPRESSION, Imf::RLE_COMPRESSION, Imf::ZIPS_COMPRESSION, Imf::ZIP_COMPRESSION,
                 Imf::PIZ_COMPRESSION, Imf::PXR24_COMPRESSION, Imf::B44_COMPRESSION, Imf::B44A_COMPRESSION,
                 Imf::DWAA_COMPRESSION, Imf::DWAB_COMPRESSION}) {
    const fs::path file = dir / ("c" + std::to_string(static_cast<int>(c)) + ".exr");
    write_windowed_exr(file, box, box, c);
    const cv::Mat rgb = ck::read_plate(file);
    ASSERT_EQ(rgb.type(), CV_32FC3) << file;
    const bool lossy = c == Imf::B44_COMPRESSION || c == Imf::B44A_COMPRESSION || c == Imf::DWAA_COMPRESSION ||
                       c == Imf::DWAB_COMPRESSION;
    EXPECT_NEAR(rgb.at<cv::Vec3f>(7, 30)[0], 0.30f, lossy ? 0.01f : 1e-3f) << file;
    EXPECT_NEAR(rgb.at<cv::Vec3f>(7, 30)[1], 0.07f, lossy ? 0.01f : 1e-3f) << file;
  }
}

TEST(Plates, ExrDataWindowInsideTheDisplayWindowIsPlacedAndTheRestIsBlack) {
  TempDir dir;
  write_windowed_exr(dir / "w.exr", Imath::Box2i({0, 0}, {79, 59}), Imath::Box2i({8, 6}, {71, 53}));
  ck::PlateInfo info;
  const cv::Mat rgb = ck::read_plate(dir / "w.exr", &info);
  ASSERT_EQ(rgb.cols, 80);
  ASSERT_EQ(rgb.rows, 60);
  EXPECT_EQ(info.display, (ck::ImageBox{0, 0, 80, 60}));
  EXPECT_EQ(info.data, (ck::ImageBox{8, 6, 64, 48}));
  EXPECT_TRUE(info.windowed());
  EXPECT_EQ(rgb.at<cv::Vec3f>(5, 5), cv::Vec3f(0, 0, 0)) << "outside the data window: black";
  EXPECT_NEAR(rgb.at<cv::Vec3f>(10, 20)[0], 0.20f, 1e-3f);
  EXPECT_NEAR(rgb.at<cv::Vec3f>(10, 20)[1], 0.10f, 1e-3f);
  EXPECT_FLOAT_EQ(info.pixel_aspect, 2.0f);
  ASSERT_TRUE(info.timecode.has_value());
  EXPECT_EQ((*info.timecode)[0], Imf::TimeCode(1, 2, 3, 4).timeAndFlags());
  ASSERT_TRUE(info.chromaticities.has_value());
  EXPECT_FLOAT_EQ((*info.chromaticities)[0], 0.713f);
  EXPECT_FLOAT_EQ((*info.chromaticities)[7], 0.33767f);
}

TEST(Plates, ExrOverscanOutsideTheDisplayWindowIsLeftOut) {
  TempDir dir;
  write_windowed_exr(dir / "o.exr", Imath::Box2i({0, 0}, {63, 47}), Imath::Box2i({-8, -4}, {71, 51}));
  ck::PlateInfo info;
  const cv::Mat rgb = ck::read_plate(dir / "o.exr", &info);
  ASSERT_EQ(rgb.cols, 64);
  ASSERT_EQ(rgb.rows, 48);
  EXPECT_EQ(info.data, (ck::ImageBox{-8, -4, 80, 56}));
  EXPECT_NEAR(rgb.at<cv::Vec3f>(0, 0)[0], 0.0f, 1e-4f) << "display (0, 0) is data (0, 0)";
  EXPECT_NEAR(rgb.at<cv::Vec3f>(47, 63)[0], 0.63f, 1e-3f);
  EXPECT_NEAR(rgb.at<cv::Vec3f>(47, 63)[1], 0.47f, 1e-3f);
}

TEST(Plates, MultiPartExrReadsTheFirstRgbPartOrTheNamedOne) {
  TempDir dir;
  const int w = 8, h = 4;
  std::vector<Imf::Header> headers(3, Imf::Header(w, h));
  headers[0].setName("depth");
  headers[0].channels().insert("Z", Imf::Channel(Imf::FLOAT));
  headers[1].setName("beauty");
  headers[2].setName("spec");
  for (int p = 1; p < 3; ++p) {
    for (const char* c : {"R", "G", "B"})
      headers[static_cast<std::size_t>(p)].channels().insert(c, Imf::Channel(Imf::FLOAT));
  }
  for (auto& hd : headers) hd.setType(Imf::SCANLINEIMAGE);
  {
    Imf::MultiPartOutputFile out((dir / "mp.exr").c_str(), headers.data(), 3);
    for (int p = 0; p < 3; ++p) {
      std::vector<float> v(static_cast<std::size_t>(w) * h * 3, 0.1f * static_cast<float>(p + 1));
      Imf::FrameBuffer fb;
      if (p == 0) {
        fb.insert("Z", Imf::Slice(Imf::FLOAT, reinterpret_cast<char*>(v.data()), 4, 4 * w));
      } else {
        for (int c = 0; c < 3; ++c)
          fb.insert(c == 0   ? "R"
                    : c == 1 ? "G"
                             : "B",
                    Imf::Slice(Imf::FLOAT, reinterpret_cast<char*>(v.data() + c), 12, 12 * w));
      }
      Imf::OutputPart part(out, p);
      part.setFrameBuffer(fb);
      part.writePixels(h);
    }
  }
  ck::PlateInfo info;
  EXPECT_NEAR(ck::read_plate(dir / "mp.exr", &info).at<cv::Vec3f>(1, 1)[0], 0.2f, 1e-6f);
  EXPECT_EQ(info.part, "beauty");
  EXPECT_NEAR(ck::read_plate(dir / "mp.exr", &info, "spec").at<cv::Vec3f>(1, 1)[0], 0.3f, 1e-6f);
  EXPECT_EQ(info.part, "spec");
  try {
    ck::read_plate(dir / "mp.exr", nullptr, "diffuse");
    FAIL() << "an unknown part is an error";
  } catch (const ck::FrameError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("mp.exr"), std::string::npos) << m;
    EXPECT_NE(m.find("depth, beauty, spec"), std::string::npos) << m;
  }
}

TEST(Plates, ExrOutputsCarryWindowsAspectTimecodeAndChromaticities) {
  TempDir dir;
  cv::Mat image(6, 10, CV_32FC3, cv::Scalar(0.25, 0.5, 0.75));
  ck::ExrAttributes a;
  a.data_window = ck::ImageBox{-2, 3, 10, 6};
  a.display_window = ck::ImageBox{0, 0, 8, 8};
  a.pixel_aspect = 1.5f;
  a.timecode = std::array<std::uint32_t, 2>{Imf::TimeCode(10, 20, 30, 12).timeAndFlags(), 7u};
  a.chromaticities = std::array<float, 8>{0.64f, 0.33f, 0.3f, 0.6f, 0.15f, 0.06f, 0.3127f, 0.329f};
  for (auto c : {ck::ExrCompression::pxr24, ck::ExrCompression::zip}) {
    const fs::path file = dir / (std::string(ck::exr_compression_name(c)) + ".exr");
    ck::write_exr(file, image, c, ck::ExrDataType::half, a);
    Imf::InputFile in(file.c_str());
    const Imf::Header& h = in.header();
    EXPECT_EQ(h.dataWindow(), Imath::Box2i({-2, 3}, {7, 8})) << file;
    EXPECT_EQ(h.displayWindow(), Imath::Box2i({0, 0}, {7, 7})) << file;
    EXPECT_FLOAT_EQ(h.pixelAspectRatio(), 1.5f);
    ASSERT_TRUE(Imf::hasTimeCode(h)) << file;
    EXPECT_EQ(Imf::timeCode(h).hours(), 10);
    EXPECT_EQ(Imf::timeCode(h).frame(), 12);
    EXPECT_EQ(Imf::timeCode(h).userData(), 7u);
    ASSERT_TRUE(Imf::hasChromaticities(h)) << file;
    EXPECT_FLOAT_EQ(Imf::chromaticities(h).white.x, 0.3127f);
    // And the pixels sit in the data window.
    ck::PlateInfo info;
    const cv::Mat back = ck::read_plate(file, &info);
    EXPECT_EQ(info.data, *a.data_window);
    EXPECT_NEAR(back.at<cv::Vec3f>(5, 3)[2], 0.75f, 1e-3f) << "display (3, 5) is inside the data window";
    EXPECT_EQ(back.at<cv::Vec3f>(1, 1), cv::Vec3f(0, 0, 0)) << "display (1, 1) is above it";
  }
  EXPECT_THROW(ck::write_exr(dir / "bad.exr", image(cv::Rect(0, 0, 4, 4)).clone(), ck::ExrCompression::pxr24,
                             ck::ExrDataType::half, a),
               ck::FrameError)
      << "a data window of another size than the image";
  EXPECT_FALSE(fs::exists(dir / "bad.exr"));
}

TEST(Plates, AHeaderClaimingAGiganticWindowIsAnErrorNotAnAllocation) {
  TempDir dir;
  // A valid file whose display window is 200000 x 200000 (160 GB as float RGB) around 4 x 4 pixels.
  write_windowed_exr(dir / "huge.exr", Imath::Box2i({0, 0}, {199999, 199999}), Imath::Box2i({0, 0}, {3, 3}));
  try {
    ck::read_plate(dir / "huge.exr");
    FAIL() << "read a 200000 x 200000 display window";
  } catch (const ck::FrameError& e) {
    EXPECT_NE(std::string(e.what()).find("huge.exr"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("200000x200000"), std::string::npos) << e.what();
  }
}

TEST(Plates, TruncatedOrCorruptDpxCineonAndExrAreErrorsNamingTheFile) {
  TempDir dir;
  write_oiio(dir / "good.dpx", 32, 16, 10, codes(32, 16, 10));
  write_cineon(dir / "good.cin", 32, 16, codes(32, 16, 10));
  write_windowed_exr(dir / "good.exr", Imath::Box2i({0, 0}, {31, 15}), Imath::Box2i({0, 0}, {31, 15}));
  for (const char* ext : {".dpx", ".cin", ".exr"}) {
    const std::string bytes = ck::test::read_bytes(dir / (std::string("good") + ext));
    const std::vector<std::pair<std::string, std::string>> broken = {{"truncated", bytes.substr(0, bytes.size() / 2)},
                                                                     {"header_only", bytes.substr(0, 40)},
                                                                     {"garbage", std::string(bytes.size(), '\x5a')}};
    for (const auto& [what, content] : broken) {
      const fs::path file = dir / (what + ext);
      std::ofstream(file, std::ios::binary) << content;
      try {
        ck::read_plate(file);
        ADD_FAILURE() << file << " read without an error";
      } catch (const ck::FrameError& e) {
        EXPECT_NE(std::string(e.what()).find(file.filename().string()), std::string::npos) << e.what();
      }
    }
  }
  EXPECT_THROW(ck::read_plate(dir / "missing.dpx"), ck::FrameError);
}
