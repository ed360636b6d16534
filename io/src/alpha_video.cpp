#include "corridorkey/io/alpha_video.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "corridorkey/errors.hpp"
#include "corridorkey/io/ffmpeg.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "corridorkey/text.hpp"
#include "corridorkey_kernels/color.hpp"
#include "encoders.hpp"

namespace corridorkey {
namespace fs = std::filesystem;
namespace {

const char* encoder_of(AlphaVideo kind) { return kind == AlphaVideo::prores ? "prores_ks" : "libvpx-vp9"; }

// The encoder's arguments: ProRes 4444 with 16-bit alpha, or VP9 with alpha (yuva420p) at a
// constant quality; both tagged as sRGB-encoded BT.709 colour.
std::vector<std::string> codec_args(AlphaVideo kind) {
  std::vector<std::string> tags{"-color_primaries", "bt709", "-color_trc", "iec61966-2-1", "-colorspace", "bt709"};
  std::vector<std::string> a;
  if (kind == AlphaVideo::prores) {
    a = {"-c:v", "prores_ks", "-profile:v", "4444", "-pix_fmt", "yuva444p10le", "-alpha_bits", "16", "-vendor", "apl0"};
  } else {
    a = {"-c:v",    "libvpx-vp9", "-pix_fmt",  "yuva420p", "-b:v",      "0", "-crf",          "18",
         "-row-mt", "1",          "-deadline", "good",     "-cpu-used", "4", "-auto-alt-ref", "0"};
  }
  a.insert(a.end(), tags.begin(), tags.end());
  return a;
}

// One Processed frame (float RGBA) as straight sRGB RGBA, 16 bits per channel.
void straight_rgba16(const cv::Mat& rgba, std::vector<std::uint16_t>& out) {
  out.resize(static_cast<std::size_t>(rgba.total()) * 4);
  std::uint16_t* d = out.data();
  const auto q = detail::unit_to_u16;
  for (int y = 0; y < rgba.rows; ++y) {
    const float* s = rgba.ptr<float>(y);
    for (int x = 0; x < rgba.cols; ++x, s += 4, d += 4) {
      const float a = s[3];
      const float inv = a > 1.0f / 65535.0f ? 1.0f / a : 0.0f;
      for (int c = 0; c < 3; ++c) d[c] = q(kernels::cpu::linear_to_srgb(s[c] * inv));
      d[3] = q(a);
    }
  }
}

}  // namespace

AlphaVideo parse_alpha_video(const std::string& name) {
  const std::string n = ascii_lower(name);
  if (n == "none") return AlphaVideo::none;
  if (n == "prores") return AlphaVideo::prores;
  if (n == "webm") return AlphaVideo::webm;
  throw UsageError("unknown --alpha-video '" + name + "': use prores (ProRes 4444 .mov), webm (VP9 .webm) or none");
}

const char* alpha_video_extension(AlphaVideo kind) { return kind == AlphaVideo::webm ? ".webm" : ".mov"; }

void check_alpha_video_encoder(AlphaVideo kind) {
  if (kind == AlphaVideo::none) return;
  const fs::path ffmpeg = find_ffmpeg();
  if (ffmpeg.empty()) {
    throw IoError(std::string("--alpha-video ") + (kind == AlphaVideo::prores ? "prores" : "webm") +
                  " needs the ffmpeg program, which is not on PATH: install it (Debian: apt install ffmpeg) or "
                  "pass --alpha-video none");
  }
  if (!ffmpeg_has_encoder(ffmpeg, encoder_of(kind))) {
    throw IoError(ffmpeg.string() + " has no " + encoder_of(kind) + " encoder, which --alpha-video " +
                  (kind == AlphaVideo::prores ? "prores" : "webm") +
                  " needs: install an ffmpeg built with it (Debian's has both) or pass --alpha-video none");
  }
}

void write_alpha_video(const std::vector<fs::path>& frames, const fs::path& target, double fps, AlphaVideo kind) {
  if (kind == AlphaVideo::none || frames.empty()) return;
  const fs::path ffmpeg = find_ffmpeg();
  if (ffmpeg.empty()) throw IoError("cannot write " + target.string() + ": ffmpeg is not on PATH");
  const auto read = [](const fs::path& f) {
    const cv::Mat m = read_rgba(f);
    if (m.type() != CV_32FC4)
      throw FrameError("cannot read '" + f.string() + "' as an RGBA float EXR for the alpha video");
    return m;
  };
  const cv::Mat first = read(frames.front());
  const fs::path temp =
      target.parent_path() / ("." + target.filename().string() + ".tmp" + target.extension().string());
  std::vector<std::string> args{"-y",
                                "-loglevel",
                                "error",
                                "-f",
                                "rawvideo",
                                "-pix_fmt",
                                "rgba64le",
                                "-s",
                                std::to_string(first.cols) + "x" + std::to_string(first.rows),
                                "-framerate",
                                std::to_string(fps),
                                "-i",
                                "-"};
  const auto codec = codec_args(kind);
  args.insert(args.end(), codec.begin(), codec.end());
  args.push_back(temp.string());
  std::error_code ec;
  try {
    run_ffmpeg(ffmpeg, args, [&](int fd) {
      std::vector<std::uint16_t> rgba;
      for (std::size_t i = 0; i < frames.size(); ++i) {
        const cv::Mat m = i == 0 ? first : read(frames[i]);
        if (m.size() != first.size()) {
          throw FrameError("'" + frames[i].string() + "' is " + std::to_string(m.cols) + "x" + std::to_string(m.rows) +
                           ", the clip's first frame " + std::to_string(first.cols) + "x" + std::to_string(first.rows) +
                           ": one video needs one size");
        }
        straight_rgba16(m, rgba);
        write_all(fd, rgba.data(), rgba.size() * sizeof(std::uint16_t));
      }
    });
    fs::rename(temp, target);
  } catch (...) {
    fs::remove(temp, ec);
    throw;
  }
}

}  // namespace corridorkey
