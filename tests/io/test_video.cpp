// Videos through FFmpeg's libraries: small clips that ffmpeg makes here from a known RGB pattern,
// in the codecs and colour encodings cameras and editors deliver, decoded back within a code value
// or so of the pattern; 10-bit sources never through 8 bits; frame-accurate seeking; variable frame
// rate clips frame by frame; and the BT.709 error of OpenCV's path, shown.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <set>

#include "corridorkey/errors.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;
using ck::test::TempDir;

namespace {

constexpr int kW = 256, kH = 128, kPatch = 32, kFrames = 12;

bool have_ffmpeg() { return std::system("command -v ffmpeg > /dev/null") == 0; }

// The YUV grid of one encoding: the matrix (Kr, Kb), the range and the bit depth. Patch colours
// are picked on it, so that the RGB pattern survives the trip to YUV and back up to rounding: what
// is left to measure is the decoder's matrix and range.
struct Grid {
  double kr = 0.2126, kb = 0.0722;  // BT.709
  bool full = false;
  int bits = 8;
};
constexpr Grid kBt709{}, kBt601{0.299, 0.114, false, 8}, kBt601Full{0.299, 0.114, true, 8};
constexpr Grid kBt709_10{0.2126, 0.0722, false, 10}, kBt2020_10{0.2627, 0.0593, false, 10};

// Patch colours as (Y', Pb, Pr): saturated red, green and blue, a screen green, skin, grey and
// yellow. Patch 7 is a grey whose level counts the frames (for the seeking tests).
const double kPatches[7][3] = {{0.30, -0.15, 0.40}, {0.55, -0.25, -0.30}, {0.25, 0.42, -0.05}, {0.50, -0.20, -0.25},
                               {0.65, -0.08, 0.10}, {0.50, 0.0, 0.0},     {0.80, -0.35, 0.05}};

float counter_level(int frame) { return 0.05f + 0.03f * static_cast<float>(frame); }

// (Y', Pb, Pr) quantised on the grid: the codes a file stores.
cv::Vec3i grid_codes(double y, double pb, double pr, const Grid& g) {
  const double s = std::ldexp(1.0, g.bits - 8), top = std::ldexp(1.0, g.bits) - 1, mid = std::ldexp(1.0, g.bits - 1);
  if (g.full)
    return {static_cast<int>(std::lround(y * top)), static_cast<int>(std::lround(mid + pb * top)),
            static_cast<int>(std::lround(mid + pr * top))};
  return {static_cast<int>(std::lround((16 + 219 * y) * s)), static_cast<int>(std::lround((128 + 224 * pb) * s)),
          static_cast<int>(std::lround((128 + 224 * pr) * s))};
}

// The RGB (0-1) that codes stand for, by the grid's matrix and range.
cv::Vec3d grid_rgb(const cv::Vec3i& q, const Grid& g) {
  const double s = std::ldexp(1.0, g.bits - 8), top = std::ldexp(1.0, g.bits) - 1, mid = std::ldexp(1.0, g.bits - 1);
  const double Y = g.full ? q[0] / top : (q[0] / s - 16) / 219;
  const double Pb = g.full ? (q[1] - mid) / top : (q[1] / s - 128) / 224;
  const double Pr = g.full ? (q[2] - mid) / top : (q[2] / s - 128) / 224;
  const double r = Y + 2 * (1 - g.kr) * Pr, b = Y + 2 * (1 - g.kb) * Pb;
  return {r, (Y - g.kr * r - g.kb * b) / (1 - g.kr - g.kb), b};
}

// The codes of pixel (x, y) of frame f: a row of 8 patches over a luma ramp (the bottom half).
cv::Vec3i codes_at(int x, int y, int f, const Grid& g) {
  if (y >= kH / 2) return grid_codes(0.05 + 0.9 * x / (kW - 1), 0, 0, g);
  const int k = std::min(x / kPatch, 7);
  return k == 7 ? grid_codes(counter_level(f), 0, 0, g) : grid_codes(kPatches[k][0], kPatches[k][1], kPatches[k][2], g);
}

// Frame `f` of the pattern as RGB, 16 bits: what a decoder should return.
cv::Mat pattern(int f, const Grid& g = kBt709) {
  cv::Mat m(kH, kW, CV_16UC3);
  for (int y = 0; y < kH; ++y) {
    for (int x = 0; x < kW; ++x) {
      const cv::Vec3d rgb = grid_rgb(codes_at(x, y, f, g), g);
      for (int c = 0; c < 3; ++c)
        m.at<cv::Vec3w>(y, x)[c] = static_cast<std::uint16_t>(std::lround(std::clamp(rgb[c], 0.0, 1.0) * 65535.0));
    }
  }
  return m;
}

// Encodes the pattern's frames with ffmpeg: the codes written as raw planar YUV in `pix_fmt`
// (yuv420p, yuv422p10le, yuva444p10le, yuvj444p, ...), then `codec` (its arguments and the tags;
// ProRes takes its tags from the frames, through setparams), into `file`. The YUV is made here so that no RGB -> YUV
// conversion (and its dither) stands between the pattern and the file.
void encode(const fs::path& file, const std::string& pix_fmt, const std::string& codec, int frames = kFrames,
            const Grid& grid = kBt709, const std::string& filters = "") {
  const fs::path raw = file.parent_path() / "pattern.yuv";
  const bool deep = pix_fmt.find("10le") != std::string::npos, alpha = pix_fmt.rfind("yuva", 0) == 0;
  const int hs = pix_fmt.find("444") != std::string::npos ? 1 : 2,
            vs = pix_fmt.find("420") != std::string::npos ? 2 : 1;
  {
    std::ofstream out(raw, std::ios::binary);
    const auto put = [&](int v) {
      if (deep) {
        const std::uint16_t w = static_cast<std::uint16_t>(v);
        out.write(reinterpret_cast<const char*>(&w), 2);
      } else {
        out.put(static_cast<char>(v));
      }
    };
    for (int f = 0; f < frames; ++f) {
      for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) put(codes_at(x, y, f, grid)[0]);
      for (int c = 1; c < 3; ++c)
        for (int y = 0; y < kH / vs; ++y)
          for (int x = 0; x < kW / hs; ++x) put(codes_at(x * hs, y * vs, f, grid)[c]);
      if (alpha)
        for (int i = 0; i < kW * kH; ++i) put(deep ? 1023 : 255);
    }
  }
  const std::string cmd = "ffmpeg -v error -y -f rawvideo -pix_fmt " + pix_fmt + " -s " + std::to_string(kW) + "x" +
                          std::to_string(kH) + " -r 25 -i '" + raw.string() + "' " +
                          (filters.empty() ? "" : "-vf '" + filters + "' ") + codec + " '" + file.string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

// The largest difference (on a 0-1 scale) between a decoded frame and the pattern, inside the
// patches (8 pixels in from their edges: the encoder's and decoder's chroma filters blur them).
double patch_error(const cv::Mat& rgb, int f, const Grid& g = kBt709) {
  const cv::Mat want = pattern(f, g);
  const double scale = rgb.depth() == CV_8U ? 255.0 : 65535.0;
  double worst = 0;
  for (int y = 8; y < kH / 2 - 8; ++y) {
    for (int x = 8; x < kW - 8; ++x) {
      if (x % kPatch < 8 || x % kPatch >= kPatch - 8) continue;
      for (int c = 0; c < 3; ++c) {
        const double got = rgb.depth() == CV_8U ? rgb.at<cv::Vec3b>(y, x)[c] : rgb.at<cv::Vec3w>(y, x)[c];
        worst = std::max(worst, std::fabs(got / scale - want.at<cv::Vec3w>(y, x)[c] / 65535.0));
      }
    }
  }
  return worst;
}

struct Case {
  const char* name;
  const char* ext;
  const char* pix_fmt;  // the raw YUV written
  const char* codec;
  int bits;            // of the decoded frames: 8 or 16
  double tolerance;    // on a 0-1 scale
  const char* colour;  // what info().colorspace starts with
  Grid grid;
};

// Within 1 code value of 8-bit frames, 4 of 16-bit ones.
constexpr double k8 = 1.0 / 255.0, k16 = 4.0 / 65535.0;

class VideoDecode : public ::testing::TestWithParam<Case> {};

TEST_P(VideoDecode, MatchesThePatternWithTheStreamsOwnMatrixAndRange) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg not on PATH (Debian: apt install ffmpeg)";
  const Case& c = GetParam();
  TempDir dir;
  const fs::path file = dir / (std::string("clip") + c.ext);
  encode(file, c.pix_fmt, c.codec, kFrames, c.grid);
  ck::VideoReader r(file);
  EXPECT_EQ(r.frame_count(), kFrames);
  EXPECT_EQ(r.width(), kW);
  EXPECT_EQ(r.info().colorspace.rfind(c.colour, 0), 0u) << r.info().colorspace;
  for (int f = 0; f < 3; ++f) {
    const cv::Mat rgb = r.next();
    ASSERT_FALSE(rgb.empty());
    EXPECT_EQ(rgb.type(), c.bits == 8 ? CV_8UC3 : CV_16UC3);
    const double error = patch_error(rgb, f, c.grid);
    RecordProperty(std::string("max_error_frame") + std::to_string(f),
                   std::to_string(error * (c.bits == 8 ? 255 : 65535)));
    EXPECT_LE(error, c.tolerance) << c.name << " frame " << f << " (" << r.info().colorspace << ")";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, VideoDecode,
    ::testing::Values(
        Case{"h264_bt709_limited", ".mp4", "yuv420p",
             "-c:v libx264 -qp 0 -colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv", 8, k8,
             "bt709 limited", kBt709},
        Case{"hevc_10bit_bt709", ".mp4", "yuv420p10le",
             "-c:v libx265 -x265-params lossless=1:log-level=none -colorspace bt709 -color_primaries bt709 "
             "-color_trc bt709 -color_range tv -tag:v hvc1",
             16, k16, "bt709 limited", kBt709_10},
        Case{"hevc_10bit_bt2020", ".mkv", "yuv420p10le",
             "-c:v libx265 -x265-params lossless=1:log-level=none -colorspace bt2020nc -color_primaries bt2020 "
             "-color_trc bt2020-10 -color_range tv",
             16, k16, "bt2020nc limited", kBt2020_10},
        Case{"prores_422hq", ".mov", "yuv422p10le",
             "-vf setparams=colorspace=bt709:range=tv:color_primaries=bt709:color_trc=bt709 -c:v prores_ks "
             "-profile:v 3",
             16, k16, "bt709 limited", kBt709_10},
        Case{"prores_4444", ".mov", "yuva444p10le",
             "-vf setparams=colorspace=bt709:range=tv:color_primaries=bt709:color_trc=bt709 -c:v prores_ks "
             "-profile:v 4444",
             16, k16, "bt709 limited", kBt709_10},
        Case{"mjpeg_full_range", ".avi", "yuvj444p", "-c:v mjpeg -q:v 1 -colorspace bt470bg -color_range pc", 8, k8,
             "bt470bg full", kBt601Full},
        Case{"h264_bt601_sd", ".mp4", "yuv420p",
             "-c:v libx264 -qp 0 -colorspace smpte170m -color_primaries smpte170m -color_trc smpte170m "
             "-color_range tv",
             8, k8, "smpte170m limited", kBt601},
        Case{"h264_untagged_is_bt601", ".mp4", "yuv420p", "-c:v libx264 -qp 0", 8, k8, "untagged (bt601) limited",
             kBt601}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Video, TenBitSourcesAreNotDecodedThroughEightBits) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg not on PATH";
  TempDir dir;
  encode(dir / "clip.mov", "yuv422p10le", "-c:v prores_ks -profile:v 3 -colorspace bt709 -color_range tv", 1,
         kBt709_10);
  ck::VideoReader r(dir / "clip.mov");
  EXPECT_EQ(r.info().bits, 10);
  const cv::Mat rgb = r.next();
  ASSERT_EQ(rgb.type(), CV_16UC3);
  // The ramp (bottom half) in red: a 10-bit source has ~700 levels across 256 pixels' worth of ramp;
  // through 8 bits it would have at most 256, each a multiple of 257.
  std::set<std::uint16_t> levels;
  bool all_multiples = true;
  for (int y = kH / 2 + 8; y < kH; ++y) {
    for (int x = 0; x < kW; ++x) {
      const std::uint16_t v = rgb.at<cv::Vec3w>(y, x)[0];
      levels.insert(v);
      all_multiples = all_multiples && v % 257 == 0;
    }
  }
  EXPECT_GT(levels.size(), 230u);
  EXPECT_FALSE(all_multiples);
}

TEST(Video, OpenCvsPathShiftsBt709ColoursThisOneDoesNot) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg not on PATH";
  TempDir dir;
  encode(dir / "hd.mp4", "yuv420p",
         "-c:v libx264 -qp 0 -colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv", 1);
  cv::VideoCapture cap((dir / "hd.mp4").string(), cv::CAP_FFMPEG);
  cv::Mat bgr, rgb;
  ASSERT_TRUE(cap.read(bgr));
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  const double opencv = patch_error(rgb, 0);
  const double ours = patch_error(ck::VideoReader(dir / "hd.mp4").next(), 0);
  // OpenCV converts with BT.601 whatever the stream says: saturated greens and reds move by many
  // code values.
  EXPECT_GT(opencv, 8.0 / 255.0) << "OpenCV's error: " << opencv * 255 << " code values";
  EXPECT_LE(ours, k8) << "ours: " << ours * 255 << " code values";
  RecordProperty("opencv_max_error_8bit", std::to_string(opencv * 255));
}

TEST(Video, SeeksFrameAccuratelyForwardAndBack) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg not on PATH";
  TempDir dir;
  // Keyframes every 5 frames and B-frames: a seek lands between keyframes and frames reorder.
  encode(dir / "gop.mp4", "yuv420p", "-c:v libx264 -qp 0 -g 5 -bf 2 -colorspace bt709 -color_range tv", 30);
  ck::VideoReader r(dir / "gop.mp4");
  ASSERT_EQ(r.frame_count(), 30);
  const auto counter = [](const cv::Mat& rgb) {
    return rgb.empty() ? -1.0 : rgb.at<cv::Vec3b>(kH / 4, 7 * kPatch + kPatch / 2)[1] / 255.0;
  };
  for (int target : {17, 3, 29, 0, 12, 13, 8}) {
    ASSERT_TRUE(r.seek(target)) << target;
    EXPECT_EQ(r.position(), target);
    const cv::Mat rgb = r.next();
    ASSERT_FALSE(rgb.empty()) << target;
    EXPECT_NEAR(counter(rgb), counter_level(target), 1.5 / 255.0) << "seek to " << target;
    if (target + 1 < 30) {
      EXPECT_NEAR(counter(r.next()), counter_level(target + 1), 1.5 / 255.0) << "and the next";
    }
  }
  EXPECT_FALSE(r.seek(30)) << "past the end";
}

TEST(Video, VariableFrameRateClipsAreKeyedFrameByFrame) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg not on PATH";
  TempDir dir;
  // Frame durations of 1, 2, 3, ... ticks: no constant rate describes the clip.
  encode(dir / "vfr.mkv", "yuv420p", "-fps_mode passthrough -c:v libx264 -qp 0 -colorspace bt709 -color_range tv", 10,
         kBt709, "setpts=N*(N+1)/2/25/TB");
  ck::VideoReader r(dir / "vfr.mkv");
  EXPECT_EQ(r.frame_count(), 10) << "Matroska has no frame count: counted from the packets";
  for (int f = 0; f < 10; ++f) {
    const cv::Mat rgb = r.next();
    ASSERT_FALSE(rgb.empty()) << f;
    EXPECT_NEAR(rgb.at<cv::Vec3b>(kH / 4, 7 * kPatch + kPatch / 2)[1] / 255.0, counter_level(f), 1.5 / 255.0) << f;
  }
  EXPECT_TRUE(r.next().empty());
  ASSERT_TRUE(r.seek(6));
  const cv::Mat six = r.next();
  ASSERT_FALSE(six.empty());
  EXPECT_NEAR(six.at<cv::Vec3b>(kH / 4, 7 * kPatch + kPatch / 2)[1] / 255.0, counter_level(6), 1.5 / 255.0);
}

TEST(Video, NoVideoStreamOrDamagedFileIsAnErrorNamingIt) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg not on PATH";
  TempDir dir;
  ASSERT_EQ(
      std::system(
          ("ffmpeg -v error -y -f lavfi -i sine=duration=0.5 -c:a aac '" + (dir / "audio.mp4").string() + "'").c_str()),
      0);
  try {
    ck::VideoReader r(dir / "audio.mp4");
    FAIL() << "an audio-only file is not a plate";
  } catch (const ck::FrameError& e) {
    EXPECT_NE(std::string(e.what()).find("audio.mp4"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no video stream"), std::string::npos) << e.what();
  }
  std::ofstream(dir / "junk.mov") << std::string(4096, '\x33');
  EXPECT_THROW(ck::VideoReader(dir / "junk.mov"), ck::FrameError);
  EXPECT_THROW(ck::VideoReader(dir / "missing.mp4"), ck::FrameError);
}

}  // namespace
