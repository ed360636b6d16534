// Delivery formats through clip_manager: --outputs, --exr-compression, --exr-datatype, and alpha
// videos (ProRes 4444 and VP9 with alpha) checked with ffprobe and decoded back with ffmpeg.
#include <ImfChannelList.h>
#include <ImfHeader.h>
#include <ImfInputFile.h>
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "cli_support.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;
using ck::test::fixtures;
using ck::test::make_clip;
using ck::test::run_cli;
using ck::test::TempDir;
using ck::test::with;

namespace {

bool have_ffmpeg() { return std::system("command -v ffmpeg > /dev/null && command -v ffprobe > /dev/null") == 0; }

std::vector<std::string> args(const TempDir& dir) {
  return {"--action",     "run_inference",
          "--clips-dir",  (dir / "clips").string(),
          "--checkpoint", (fixtures() / "tiny" / "CorridorKey.safetensors").string(),
          "--img-size",   "128",
          "--threads",    "1"};
}

// The output of a shell command.
std::string output_of(const std::string& cmd, const TempDir& dir) {
  const fs::path out = dir / "cmd.out";
  EXPECT_EQ(std::system((cmd + " > '" + out.string() + "'").c_str()), 0) << cmd;
  return ck::test::read_bytes(out);
}

std::string probe(const fs::path& video, const std::string& entries, const TempDir& dir) {
  return output_of("ffprobe -v error -count_frames -select_streams v:0 -show_entries " + entries +
                       " -of default=noprint_wrappers=1 '" + video.string() + "'",
                   dir);
}

// Frame 0 of `video` decoded to RGBA, 16 bits per channel, 0-1 floats.
cv::Mat decode_first(const fs::path& video, const std::string& decoder, int w, int h, const TempDir& dir) {
  const fs::path raw = dir / "frame0.raw";
  const std::string cmd = "ffmpeg -v error -y " + decoder + " -i '" + video.string() +
                          "' -frames:v 1 -f rawvideo -pix_fmt rgba64le '" + raw.string() + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const std::string bytes = ck::test::read_bytes(raw);
  EXPECT_EQ(bytes.size(), static_cast<std::size_t>(w) * h * 8);
  cv::Mat m(h, w, CV_16UC4);
  std::memcpy(m.data, bytes.data(), std::min(bytes.size(), m.total() * 8));
  cv::Mat f;
  m.convertTo(f, CV_32F, 1.0 / 65535.0);
  return f;
}

// The Processed EXR's alpha and straight sRGB colour, as the video should hold them (RGBA).
cv::Mat straight_srgb(const fs::path& exr) {
  cv::Mat p = cv::imread(exr.string(), cv::IMREAD_UNCHANGED);
  cv::cvtColor(p, p, cv::COLOR_BGRA2RGBA);
  for (int y = 0; y < p.rows; ++y) {
    for (int x = 0; x < p.cols; ++x) {
      cv::Vec4f& v = p.at<cv::Vec4f>(y, x);
      const float a = v[3];
      for (int c = 0; c < 3; ++c) {
        float lin = a > 1.0f / 65535.0f ? v[c] / a : 0.0f;
        lin = std::clamp(lin, 0.0f, 1.0f);
        v[c] = lin <= 0.0031308f ? lin * 12.92f : 1.055f * std::pow(lin, 1.0f / 2.4f) - 0.055f;
      }
    }
  }
  return p;
}

// Max and mean |a - b| of channel c, over pixels with alpha above `min_alpha` when c is a colour.
std::pair<double, double> channel_diff(const cv::Mat& a, const cv::Mat& b, int c, float min_alpha = 0.0f) {
  double worst = 0, sum = 0;
  int n = 0;
  for (int y = 0; y < a.rows; ++y) {
    for (int x = 0; x < a.cols; ++x) {
      if (c < 3 && b.at<cv::Vec4f>(y, x)[3] <= min_alpha) continue;
      const double d = std::fabs(a.at<cv::Vec4f>(y, x)[c] - b.at<cv::Vec4f>(y, x)[c]);
      worst = std::max(worst, d), sum += d, ++n;
    }
  }
  return {worst, n ? sum / n : 0.0};
}

}  // namespace

TEST(Delivery, OutputsWritesOnlyTheChosenFoldersAndSkipExistingChecksOnlyThose) {
  TempDir dir;
  make_clip(dir / "clips", "shot", {"f0", "f1"});
  const auto r = run_cli(with(args(dir), {"--outputs", "matte,processed"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const fs::path out = dir / "clips" / "shot" / "Output";
  EXPECT_TRUE(fs::exists(out / "Matte" / "f1.exr"));
  EXPECT_TRUE(fs::exists(out / "Processed" / "f1.exr"));
  EXPECT_FALSE(fs::exists(out / "FG"));
  EXPECT_FALSE(fs::exists(out / "Comp"));
  const auto again = run_cli(with(args(dir), {"--outputs", "matte,processed", "--skip-existing", "--json"}));
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find(R"("frames_ok":0,"frames_skipped":2)"), std::string::npos) << again.out;
  const auto more = run_cli(with(args(dir), {"--outputs", "matte,fg", "--skip-existing", "--json"}));
  EXPECT_NE(more.out.find(R"("frames_ok":2,"frames_skipped":0)"), std::string::npos) << "FG is missing: " << more.out;
  EXPECT_TRUE(fs::exists(out / "FG" / "f0.exr"));

  const auto bad = run_cli(with(args(dir), {"--outputs", "fg,alpha"}));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("unknown output 'alpha'"), std::string::npos) << bad.err;
  const auto no_processed = run_cli(with(args(dir), {"--outputs", "matte", "--alpha-video", "prores"}));
  EXPECT_EQ(no_processed.code, 2);
  EXPECT_NE(no_processed.err.find("add processed to --outputs"), std::string::npos) << no_processed.err;
}

TEST(Delivery, ExrCompressionIsInEveryFilesHeader) {
  TempDir dir;
  make_clip(dir / "clips", "shot", {"f0"});
  const auto r = run_cli(with(args(dir), {"--exr-compression", "piz"}));
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* folder : {"FG", "Matte", "Processed"}) {
    const fs::path f = dir / "clips" / "shot" / "Output" / folder / "f0.exr";
    Imf::InputFile in(f.c_str());
    EXPECT_EQ(in.header().compression(), Imf::PIZ_COMPRESSION) << folder;
    EXPECT_FALSE(cv::imread(f.string(), cv::IMREAD_UNCHANGED).empty()) << folder;
  }
  const auto bad = run_cli(with(args(dir), {"--exr-compression", "b44x"}));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("unknown EXR compression 'b44x'"), std::string::npos) << bad.err;
}

TEST(Delivery, ExrDatatypeFloatWritesFloatChannelsInEveryFile) {
  TempDir dir;
  make_clip(dir / "clips", "shot", {"f0"});
  const auto r = run_cli(with(args(dir), {"--exr-datatype", "float", "--exr-compression", "zip"}));
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* folder : {"FG", "Matte", "Processed"}) {
    Imf::InputFile in((dir / "clips" / "shot" / "Output" / folder / "f0.exr").c_str());
    for (auto it = in.header().channels().begin(); it != in.header().channels().end(); ++it)
      EXPECT_EQ(it.channel().type, Imf::FLOAT) << folder << " " << it.name();
  }
  const auto bad = run_cli(with(args(dir), {"--exr-datatype", "double"}));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("unknown EXR data type 'double'"), std::string::npos) << bad.err;
}

TEST(Delivery, ProResAndWebmWithAlphaHoldTheProcessedFrames) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg/ffprobe not on PATH (Debian: apt install ffmpeg)";
  TempDir dir;
  make_clip(dir / "clips", "shot", {"f0", "f1", "f2"});
  const fs::path out = dir / "clips" / "shot" / "Output";
  const fs::path processed = out / "Processed" / "f0.exr";

  const auto prores = run_cli(with(args(dir), {"--alpha-video", "prores", "--fps", "25", "--json"}));
  ASSERT_EQ(prores.code, 0) << prores.err;
  EXPECT_NE(prores.out.find(R"("event":"video")"), std::string::npos) << prores.out;
  const fs::path mov = out / "shot_processed.mov";
  const std::string p = probe(mov, "stream=codec_name,profile,pix_fmt,r_frame_rate,nb_read_frames", dir);
  EXPECT_NE(p.find("codec_name=prores"), std::string::npos) << p;
  EXPECT_NE(p.find("pix_fmt=yuva444p"), std::string::npos) << "an alpha pixel format: " << p;
  EXPECT_NE(p.find("r_frame_rate=25/1"), std::string::npos) << p;
  EXPECT_NE(p.find("nb_read_frames=3"), std::string::npos) << "one frame per plate: " << p;
  const cv::Mat want = straight_srgb(processed);
  const cv::Mat got = decode_first(mov, "", want.cols, want.rows, dir);
  EXPECT_LE(channel_diff(got, want, 3).first, 2e-3) << "ProRes alpha (16-bit) is the Processed alpha";
  EXPECT_LE(channel_diff(got, want, 1, 0.5f).second, 4e-3) << "straight colour, 10-bit 4:4:4";

  const auto webm = run_cli(with(args(dir), {"--alpha-video", "webm", "--skip-existing"}));
  ASSERT_EQ(webm.code, 0) << webm.err;
  const fs::path vp9 = out / "shot_processed.webm";
  const std::string w = probe(vp9, "stream=codec_name,r_frame_rate,nb_read_frames:stream_tags=alpha_mode", dir);
  EXPECT_NE(w.find("codec_name=vp9"), std::string::npos) << w;
  EXPECT_NE(w.find("alpha_mode=1"), std::string::npos) << "VP9's alpha: " << w;
  EXPECT_NE(w.find("r_frame_rate=24/1"), std::string::npos) << "default --fps: " << w;
  EXPECT_NE(w.find("nb_read_frames=3"), std::string::npos) << w;
  const cv::Mat got_vp9 = decode_first(vp9, "-c:v libvpx-vp9", want.cols, want.rows, dir);
  const auto [worst, mean] = channel_diff(got_vp9, want, 3);
  EXPECT_LE(mean, 0.01) << "VP9 alpha: 8-bit, lossy";
  EXPECT_LE(worst, 0.15);
  for (const auto& e : fs::directory_iterator(out)) EXPECT_NE(e.path().filename().string()[0], '.') << e.path();
}

TEST(Delivery, TheChunkThatCompletesTheClipMakesTheVideoAndVideoClipsKeepTheirRate) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg/ffprobe not on PATH (Debian: apt install ffmpeg)";
  TempDir dir;
  make_clip(dir / "clips", "shot", {"f0", "f1", "f2"});
  const fs::path mov = dir / "clips" / "shot" / "Output" / "shot_processed.mov";
  const auto first = run_cli(with(args(dir), {"--alpha-video", "prores", "--frame-range", "0-1"}));
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_FALSE(fs::exists(mov));
  EXPECT_NE(first.err.find("waits for all of its frames (1 of 3 Processed frames missing)"), std::string::npos)
      << first.err;
  const auto last = run_cli(with(args(dir), {"--alpha-video", "prores", "--frame-range", "2-2"}));
  ASSERT_EQ(last.code, 0) << last.err;
  EXPECT_NE(probe(mov, "stream=nb_read_frames", dir).find("nb_read_frames=3"), std::string::npos);

  // A video clip: the alpha video keeps its frame rate.
  fs::create_directories(dir / "clips2" / "vid");
  {
    const cv::Mat plate = cv::imread((fixtures() / "frame" / "input.png").string());
    const cv::Mat hint = cv::imread((fixtures() / "frame" / "hint.png").string());
    for (const auto& [name, frame] : {std::pair<std::string, cv::Mat>{"Input.mp4", plate}, {"AlphaHint.mp4", hint}}) {
      cv::VideoWriter v((dir / "clips2" / "vid" / name).string(), cv::CAP_FFMPEG,
                        cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 30, frame.size());
      ASSERT_TRUE(v.isOpened());
      for (int i = 0; i < 2; ++i) v.write(frame);
    }
  }
  auto a = args(dir);
  a[3] = (dir / "clips2").string();
  const auto vid = run_cli(with(a, {"--alpha-video", "webm", "--fps", "12"}));
  ASSERT_EQ(vid.code, 0) << vid.err;
  EXPECT_NE(probe(dir / "clips2" / "vid" / "Output" / "vid_processed.webm", "stream=r_frame_rate", dir)
                .find("r_frame_rate=30/1"),
            std::string::npos);
}

TEST(Delivery, AMissingEncoderStopsTheRunBeforeAnyFrame) {
  TempDir dir;
  make_clip(dir / "clips", "shot", {"f0"});
  fs::create_directories(dir / "empty-path");
  const auto r = run_cli(with(args(dir), {"--alpha-video", "webm"}), {"PATH=" + (dir / "empty-path").string()});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("needs the ffmpeg program, which is not on PATH"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "clips" / "shot" / "Output" / "Matte" / "f0.exr")) << "no frame was processed";
  const auto bad = run_cli(with(args(dir), {"--alpha-video", "gif"}));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("unknown --alpha-video 'gif'"), std::string::npos) << bad.err;
}
