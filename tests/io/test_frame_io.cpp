// Frame I/O: every format and bit depth round-trips, the EXR outputs carry half channels with
// PXR24 compression, and broken files are errors that name the file.
#include <ImfChannelList.h>
#include <ImfFrameBuffer.h>
#include <ImfHeader.h>
#include <ImfInputFile.h>
#include <half.h>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/io/clips.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "corridorkey/io/tensor_mat.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;
using ck::test::fixtures;
using ck::test::TempDir;

namespace {

cv::Mat gradient(int depth, int channels) {
  cv::Mat f(37, 53, CV_32FC(channels));
  for (int y = 0; y < f.rows; ++y) {
    for (int x = 0; x < f.cols; ++x) {
      for (int c = 0; c < channels; ++c)
        f.ptr<float>(y)[x * channels + c] = static_cast<float>(x + y) / 180.0f + 0.25f * static_cast<float>(c);
    }
  }
  cv::Mat out;
  f.convertTo(out, depth, depth == CV_8U ? 255.0 : depth == CV_16U ? 65535.0 : 1.0);
  return out;
}

struct Format {
  const char* ext;
  int depth;
  double tolerance;  // of values scaled to 0-1
};

class PlateRoundTrip : public ::testing::TestWithParam<Format> {};

TEST_P(PlateRoundTrip, ReadsRgbAtItsDepth) {
  TempDir dir;
  const Format& f = GetParam();
  const cv::Mat bgr = gradient(f.depth, 3);
  const fs::path file = dir / (std::string("plate") + f.ext);
  ASSERT_TRUE(cv::imwrite(file.string(), bgr));
  const cv::Mat rgb = ck::read_plate(file);
  EXPECT_EQ(rgb.depth(), f.depth);
  EXPECT_EQ(rgb.channels(), 3);
  cv::Mat expect_rgb;
  cv::cvtColor(bgr, expect_rgb, cv::COLOR_BGR2RGB);
  const cv::Mat a = ck::to_unit_float(rgb), b = ck::to_unit_float(expect_rgb);
  if (f.tolerance == 0) {
    EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0.0) << f.ext << " is lossless";
  } else {
    EXPECT_LE(cv::norm(a, b, cv::NORM_L1) / static_cast<double>(a.total() * 3), f.tolerance) << f.ext << " mean error";
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, PlateRoundTrip,
                         ::testing::Values(Format{".png", CV_8U, 0}, Format{".png", CV_16U, 0},
                                           Format{".tif", CV_8U, 0}, Format{".tif", CV_16U, 0},
                                           Format{".jpg", CV_8U, 0.02}, Format{".exr", CV_32F, 0}),
                         [](const auto& info) {
                           return std::string(info.param.ext + 1) + "_" + std::to_string(info.param.depth);
                         });

TEST(FrameIo, ExrRgbaAndOneChannelPlatesAndHints) {
  TempDir dir;
  const cv::Mat rgba = gradient(CV_32F, 4);
  cv::imwrite((dir / "rgba.exr").string(), rgba);
  EXPECT_EQ(ck::read_plate(dir / "rgba.exr").channels(), 3) << "alpha is dropped";
  const cv::Mat one = gradient(CV_32F, 1);
  cv::imwrite((dir / "one.exr").string(), one);
  EXPECT_LE(cv::norm(ck::read_hint(dir / "one.exr"), one, cv::NORM_INF), 1e-6);
  // A colour hint: its first channel (OpenCV order), scaled.
  const cv::Mat colour = gradient(CV_16U, 3);
  cv::imwrite((dir / "hint.png").string(), colour);
  cv::Mat first;
  cv::extractChannel(colour, first, 0);
  EXPECT_LE(cv::norm(ck::read_hint(dir / "hint.png"), ck::to_unit_float(first), cv::NORM_INF), 1e-6);
}

TEST(FrameIo, WritesHalfPxr24ExrAndTruncated8BitPng) {
  TempDir dir;
  const cv::Mat rgb = gradient(CV_32F, 3);
  ck::write_exr(dir / "fg.exr", rgb);
  ck::write_exr(dir / "matte.exr", gradient(CV_32F, 1));
  ck::write_exr(dir / "proc.exr", gradient(CV_32F, 4));
  for (const char* name : {"fg.exr", "matte.exr", "proc.exr"}) {
    Imf::InputFile in((dir / name).c_str());
    EXPECT_EQ(in.header().compression(), Imf::PXR24_COMPRESSION) << name;
    for (auto it = in.header().channels().begin(); it != in.header().channels().end(); ++it) {
      EXPECT_EQ(it.channel().type, Imf::HALF) << name;
    }
  }
  EXPECT_LE(cv::norm(ck::read_plate(dir / "fg.exr"), rgb, cv::NORM_INF), 1e-3) << "RGB order survives, half precision";
  cv::Mat v(1, 2, CV_32FC3, cv::Scalar(0.999f, 1.5f, -0.2f));
  ck::write_png8(dir / "comp.png", v);
  const cv::Mat png = cv::imread((dir / "comp.png").string(), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(png.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 255, 254)) << "BGR of clip(0.999,1.5,-0.2)*255 truncated";
  EXPECT_THROW(ck::write_exr(dir / "missing" / "x.exr", rgb), ck::FrameError);
  for (const auto& e : fs::directory_iterator(dir.path())) EXPECT_NE(e.path().filename().string()[0], '.') << e.path();
}

TEST(FrameIo, EveryExrCompressionReadsBackInOpenExrAndOpenCv) {
  TempDir dir;
  const std::vector<std::pair<const char*, Imf::Compression>> all{
      {"pxr24", Imf::PXR24_COMPRESSION}, {"zip", Imf::ZIP_COMPRESSION},   {"zips", Imf::ZIPS_COMPRESSION},
      {"piz", Imf::PIZ_COMPRESSION},     {"dwaa", Imf::DWAA_COMPRESSION}, {"dwab", Imf::DWAB_COMPRESSION},
      {"rle", Imf::RLE_COMPRESSION},     {"none", Imf::NO_COMPRESSION}};
  for (const int channels : {1, 3, 4}) {
    const cv::Mat image = gradient(CV_32F, channels);
    for (const auto& [name, code] : all) {
      const ck::ExrCompression c = ck::parse_exr_compression(name);
      EXPECT_STREQ(ck::exr_compression_name(c), name);
      const fs::path file = dir / (std::string(name) + std::to_string(channels) + ".exr");
      ck::write_exr(file, image, c);
      Imf::InputFile in(file.c_str());
      EXPECT_EQ(in.header().compression(), code) << name;
      std::vector<std::string> names;
      for (auto it = in.header().channels().begin(); it != in.header().channels().end(); ++it) {
        names.emplace_back(it.name());
        EXPECT_EQ(it.channel().type, Imf::HALF) << name;
      }
      const std::vector<std::string> want = channels == 1   ? std::vector<std::string>{"Y"}
                                            : channels == 3 ? std::vector<std::string>{"B", "G", "R"}
                                                            : std::vector<std::string>{"A", "B", "G", "R"};
      EXPECT_EQ(names, want) << name;
      cv::Mat back = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
      ASSERT_FALSE(back.empty()) << name;
      if (channels == 3) cv::cvtColor(back, back, cv::COLOR_BGR2RGB);
      if (channels == 4) cv::cvtColor(back, back, cv::COLOR_BGRA2RGBA);
      const bool lossy = std::string(name).rfind("dwa", 0) == 0;
      EXPECT_LE(cv::norm(back, image, cv::NORM_INF), lossy ? 0.05 : 1e-3) << name << " " << channels;
    }
  }
  EXPECT_THROW(ck::parse_exr_compression("lzma"), ck::UsageError);
  EXPECT_EQ(ck::parse_exr_compression("ZIP"), ck::ExrCompression::zip);
}

// --exr-datatype float: 32-bit channels, every value back exactly through a lossless codec, and
// PXR24 as OpenEXR's own (24-bit floats) rather than our half writer.
TEST(FrameIo, FloatExrKeepsEveryBitWithLosslessCompression) {
  TempDir dir;
  EXPECT_EQ(ck::parse_exr_data_type("FLOAT"), ck::ExrDataType::float32);
  EXPECT_EQ(ck::parse_exr_data_type("16"), ck::ExrDataType::half);
  EXPECT_STREQ(ck::exr_data_type_name(ck::ExrDataType::float32), "float");
  EXPECT_THROW(ck::parse_exr_data_type("double"), ck::UsageError);
  for (const int channels : {1, 3, 4}) {
    cv::Mat image = gradient(CV_32F, channels);
    image.at<float>(3, 5) = 1.0f + 1e-7f;  // not representable as a half
    for (const char* name : {"zip", "none", "pxr24"}) {
      const fs::path file = dir / (std::string(name) + std::to_string(channels) + "f.exr");
      ck::write_exr(file, image, ck::parse_exr_compression(name), ck::ExrDataType::float32);
      Imf::InputFile in(file.c_str());
      for (auto it = in.header().channels().begin(); it != in.header().channels().end(); ++it)
        EXPECT_EQ(it.channel().type, Imf::FLOAT) << name;
      cv::Mat back = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
      ASSERT_EQ(back.depth(), CV_32F) << name;
      if (channels == 3) cv::cvtColor(back, back, cv::COLOR_BGR2RGB);
      if (channels == 4) cv::cvtColor(back, back, cv::COLOR_BGRA2RGBA);
      const double err = cv::norm(back, image, cv::NORM_INF);
      if (std::string(name) == "pxr24")
        EXPECT_LE(err, 1e-4) << channels;  // 24-bit floats
      else
        EXPECT_EQ(err, 0.0) << name << " " << channels;
    }
  }
}

// Our EXR writer against OpenCV's (OpenEXR's own PXR24 compressor): the same header attributes
// and the same half values, bit for bit, for every kind of float (subnormals, overflow, negatives,
// rounding ties), in chunks that compress and in noise that OpenEXR stores raw.
TEST(FrameIo, ExrWriterMatchesOpenExrBitForBit) {
  TempDir dir;
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> wide(-70000.0f, 70000.0f), unit(0.0f, 1.0f);
  std::uniform_int_distribution<std::uint32_t> any_bits(0, 0xffffffffu);
  for (int channels : {1, 3, 4}) {
    cv::Mat image(45, 67, CV_32FC(channels));  // 45 rows: two full 16-line chunks and a short one
    float* p = image.ptr<float>();
    for (std::size_t i = 0; i < image.total() * channels; ++i) {
      const std::size_t row = i / (image.cols * channels);
      if (row < 16) {
        p[i] = unit(rng);  // smooth-ish: compresses
      } else if (row < 32) {
        // Random half values (no Inf/NaN), exact in float: incompressible, so OpenEXR stores the chunk raw.
        Imath::half h;
        h.setBits(static_cast<std::uint16_t>(any_bits(rng) & 0xbfff));
        p[i] = h;
      } else if (i % 2 == 0) {
        p[i] = wide(rng);
      } else {
        std::uint32_t bits = any_bits(rng);
        if (((bits >> 23) & 0xff) == 0xff) bits &= ~(1u << 30);  // any float but NaN/Inf
        std::memcpy(&p[i], &bits, 4);
      }
    }
    const float specials[] = {0.0f,
                              -0.0f,
                              1e-8f,
                              5.9604645e-8f,
                              2.9802322e-8f,
                              6.1035156e-5f,
                              6.1e-5f,
                              65504.0f,
                              65519.0f,
                              65520.0f,
                              1e9f,
                              -1e9f,
                              1.0009765625f + 0.00048828125f,
                              0.333333f};
    for (std::size_t i = 0; i < std::size(specials); ++i) p[i] = specials[i];
    cv::Mat bgr = channels == 1 ? image : cv::Mat();  // a new buffer: cvtColor must not write into `image`
    if (channels == 3) cv::cvtColor(image, bgr, cv::COLOR_RGB2BGR);
    if (channels == 4) cv::cvtColor(image, bgr, cv::COLOR_RGBA2BGRA);
    const fs::path ours = dir / ("ours" + std::to_string(channels) + ".exr");
    const fs::path theirs = dir / ("theirs" + std::to_string(channels) + ".exr");
    ck::write_exr(ours, image);
    ASSERT_TRUE(cv::imwrite(theirs.string(), bgr,
                            {cv::IMWRITE_EXR_TYPE, cv::IMWRITE_EXR_TYPE_HALF, cv::IMWRITE_EXR_COMPRESSION,
                             cv::IMWRITE_EXR_COMPRESSION_PXR24}));
    Imf::InputFile a(ours.c_str()), b(theirs.c_str());
    std::vector<std::string> names_a, names_b;
    for (auto it = a.header().begin(); it != a.header().end(); ++it) names_a.push_back(it.name());
    for (auto it = b.header().begin(); it != b.header().end(); ++it) names_b.push_back(it.name());
    EXPECT_EQ(names_a, names_b) << channels << " channels: header attributes";
    std::vector<std::string> ch_a, ch_b;
    for (auto it = a.header().channels().begin(); it != a.header().channels().end(); ++it) ch_a.push_back(it.name());
    for (auto it = b.header().channels().begin(); it != b.header().channels().end(); ++it) ch_b.push_back(it.name());
    EXPECT_EQ(ch_a, ch_b);
    const auto read_half = [&](Imf::InputFile& in) {
      const int w = image.cols, h = image.rows;
      std::vector<std::uint16_t> out(static_cast<std::size_t>(w) * h * ch_a.size());
      Imf::FrameBuffer fb;
      for (std::size_t c = 0; c < ch_a.size(); ++c) {
        fb.insert(ch_a[c],
                  Imf::Slice(Imf::HALF, reinterpret_cast<char*>(out.data() + c), 2 * ch_a.size(), 2 * ch_a.size() * w));
      }
      in.setFrameBuffer(fb);
      in.readPixels(0, h - 1);
      return out;
    };
    const std::vector<std::uint16_t> ha = read_half(a), hb = read_half(b);
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < ha.size(); ++i) mismatches += ha[i] != hb[i] ? 1 : 0;
    EXPECT_EQ(mismatches, 0u) << channels << " channels";
  }
}

TEST(FrameIo, PngWriterRoundTripsEveryByte) {
  TempDir dir;
  cv::Mat rgb(77, 131, CV_32FC3);
  cv::randu(rgb, -0.2, 1.2);
  ck::write_png8(dir / "comp.png", rgb);
  const cv::Mat png = cv::imread((dir / "comp.png").string(), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(png.type(), CV_8UC3);
  int wrong = 0;
  for (int y = 0; y < rgb.rows; ++y)
    for (int x = 0; x < rgb.cols; ++x)
      for (int c = 0; c < 3; ++c) {
        const float v = std::clamp(rgb.at<cv::Vec3f>(y, x)[c], 0.0f, 1.0f) * 255.0f;
        wrong += png.at<cv::Vec3b>(y, x)[2 - c] != static_cast<std::uint8_t>(v) ? 1 : 0;
      }
  EXPECT_EQ(wrong, 0);
}

TEST(FrameIo, Png16WriterRoundTripsEveryValueAndReadsBackAsAHint) {
  TempDir dir;
  cv::Mat gray(53, 300, CV_32FC1);
  cv::randu(gray, -0.2, 1.2);
  for (int x = 0; x < 300; ++x) gray.at<float>(0, x) = static_cast<float>(x) / 299.0f;  // a ramp
  ck::write_png16(dir / "hint.png", gray);
  const cv::Mat png = cv::imread((dir / "hint.png").string(), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(png.type(), CV_16UC1);
  int wrong = 0;
  for (int y = 0; y < gray.rows; ++y)
    for (int x = 0; x < gray.cols; ++x) {
      const float v = std::clamp(gray.at<float>(y, x), 0.0f, 1.0f) * 65535.0f + 0.5f;
      wrong += png.at<std::uint16_t>(y, x) != static_cast<std::uint16_t>(v) ? 1 : 0;
    }
  EXPECT_EQ(wrong, 0);
  const cv::Mat hint = ck::read_hint(dir / "hint.png");
  EXPECT_NEAR(hint.at<float>(0, 150), 150.0f / 299.0f, 1.0f / 65535.0f);
  EXPECT_THROW(ck::write_png16(dir / "rgb.png", cv::Mat(4, 4, CV_32FC3)), ck::FrameError);
  EXPECT_FALSE(std::filesystem::exists(dir / "rgb.png"));
}

TEST(FrameIo, BrokenFilesAreErrorsNamingTheFile) {
  TempDir dir;
  cv::imwrite((dir / "ok.png").string(), gradient(CV_8U, 3));
  const std::string png = ck::test::read_bytes(dir / "ok.png");
  ck::test::write_bytes(dir / "trunc.png", png.substr(0, png.size() / 2));
  ck::test::write_bytes(dir / "garbage.exr", "this is not an EXR file at all");
  ck::test::write_bytes(dir / "empty.png", "");
  for (const char* name : {"trunc.png", "garbage.exr", "empty.png", "missing.png"}) {
    try {
      ck::read_plate(dir / name);
      ADD_FAILURE() << name << " must not decode";
    } catch (const ck::FrameError& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(ck::VideoReader(dir / "garbage.exr"), ck::FrameError);
}

TEST(NaturalSort, OrdersDigitRunsByValue) {
  std::vector<std::string> names{"frame10.png", "frame2.png", "frame1.png", "Frame3.png", "frame02.png", "a"};
  std::sort(names.begin(), names.end(), ck::natural_less);
  EXPECT_EQ(names,
            (std::vector<std::string>{"a", "frame1.png", "frame02.png", "frame2.png", "Frame3.png", "frame10.png"}));
}

TEST(FrameIo, DecodesTheFixtureFramesToTheCoresDecodedCopy) {
  // fixtures/frame/decoded.safetensors holds what decoding these files must give (RGB order).
  const auto& want = ck::test::decoded_frames();
  const at::Tensor srgb = ck::mat_tensor(ck::read_plate(fixtures() / "frame" / "input.png"));
  EXPECT_TRUE(ck::test::bit_identical(srgb, want.at("plate_srgb_u8")));
  const at::Tensor linear = ck::mat_tensor(ck::read_plate(fixtures() / "frame" / "input_linear.exr"));
  EXPECT_TRUE(ck::test::bit_identical(linear, want.at("plate_linear_f32")));
  const at::Tensor hint = ck::mat_tensor(ck::read_hint(fixtures() / "frame" / "hint.png")).squeeze(2);
  EXPECT_TRUE(ck::test::bit_identical(hint, want.at("hint_u8").to(at::kFloat) * static_cast<float>(1.0 / 255.0)));
  const cv::Mat raw16 = cv::imread((fixtures() / "frame" / "hint16.png").string(), cv::IMREAD_UNCHANGED);
  const at::Tensor h16 = ck::mat_tensor(raw16);
  EXPECT_EQ(h16.scalar_type(), at::kUInt16);
  EXPECT_TRUE(at::equal(h16.view(at::kShort).to(at::kInt).bitwise_and(0xFFFF).squeeze(2), want.at("hint_u16")));
}

TEST(TensorMat, SharesPixelsBothWays) {
  cv::Mat m(3, 4, CV_32FC3, cv::Scalar(0.25f, 0.5f, 0.75f));
  at::Tensor t = ck::mat_tensor(m(cv::Rect(1, 1, 2, 2)));  // a region: rows strided, pixels shared
  EXPECT_EQ(t.sizes(), (std::vector<std::int64_t>{2, 2, 3}));
  m.at<cv::Vec3f>(1, 1)[2] = 9.0f;
  EXPECT_EQ(t[0][0][2].item<float>(), 9.0f);
  const at::Tensor out = at::arange(24, at::kFloat).view({2, 4, 3});
  const cv::Mat header = ck::tensor_mat(out);
  EXPECT_EQ(header.type(), CV_32FC3);
  EXPECT_EQ(header.at<cv::Vec3f>(1, 2)[1], 19.0f);
  EXPECT_NE(ck::test::error_of([] { ck::mat_tensor(cv::Mat()); }).find("empty image"), std::string::npos);
  EXPECT_NE(ck::test::error_of([] { ck::mat_tensor(cv::Mat(2, 2, CV_32S)); }).find("unsupported pixel type"),
            std::string::npos);
  EXPECT_NE(ck::test::error_of([&] { ck::tensor_mat(out.transpose(0, 1)); }).find("contiguous float32"),
            std::string::npos);
  const at::Tensor half = out.to(at::kHalf);
  const cv::Mat half_header = ck::tensor_mat(half);
  EXPECT_EQ(half_header.type(), CV_16FC3);
  EXPECT_EQ(half_header.data, half.data_ptr());
  EXPECT_NE(ck::test::error_of([&] { ck::tensor_mat(out.to(at::kDouble)); }).find("float16"), std::string::npos);
}

// A GPU run downloads alpha, fg and processed as float16 (FrameResult::to_host): the files must be
// the ones the float32 values make. Values across the half range: ties, subnormals, overflow.
TEST(FrameIo, Float16ImagesWriteTheFilesTheirFloat32ValuesWrite) {
  at::manual_seed(5);
  at::Tensor values = at::cat({at::rand({64 * 48 * 4}), at::randn({64 * 48 * 4}) * 1e-5, at::randn({64 * 48 * 4}) * 3e4,
                               at::randn({64 * 48 * 4})});
  // Exact ties between two halves (1 + k/1024 + 1/2048) round to even.
  values.slice(0, 0, 1024).copy_(1.0 + at::arange(1024, at::kFloat) / 1024.0 + 1.0 / 2048.0);
  const at::Tensor image = values.view({4 * 64, 48, 4}).contiguous();
  const at::Tensor halves = image.to(at::kHalf);
  TempDir dir;
  for (const auto compression : {ck::ExrCompression::pxr24, ck::ExrCompression::zip, ck::ExrCompression::none}) {
    for (const std::int64_t channels : {1, 3, 4}) {
      SCOPED_TRACE(std::to_string(static_cast<int>(compression)) + " / " + std::to_string(channels) + " channels");
      const at::Tensor f = image.slice(2, 0, channels).contiguous(), h = halves.slice(2, 0, channels).contiguous();
      ck::write_exr(dir / "f.exr", ck::tensor_mat(f), compression);
      ck::write_exr(dir / "h.exr", ck::tensor_mat(h), compression);
      EXPECT_EQ(ck::test::read_bytes(dir / "f.exr"), ck::test::read_bytes(dir / "h.exr"));
      // A 32-bit EXR of a float16 image holds its values widened to float32.
      const at::Tensor widened = h.to(at::kFloat);
      ck::write_exr(dir / "f32.exr", ck::tensor_mat(widened), compression, ck::ExrDataType::float32);
      ck::write_exr(dir / "h32.exr", ck::tensor_mat(h), compression, ck::ExrDataType::float32);
      EXPECT_EQ(ck::test::read_bytes(dir / "f32.exr"), ck::test::read_bytes(dir / "h32.exr"));
    }
  }
}

}  // namespace
