// Frame I/O: every format and bit depth round-trips, the EXR outputs carry half channels with
// PXR24 compression, and broken files are errors that name the file.
#include <ImfChannelList.h>
#include <ImfHeader.h>
#include <ImfInputFile.h>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "corridorkey/errors.hpp"
#include "corridorkey/frame_io.hpp"
#include "corridorkey/pipeline.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;
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

}  // namespace
