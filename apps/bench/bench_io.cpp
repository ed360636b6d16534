// Reading plates: frames/s of the io layer (OpenImageIO stills, FFmpeg videos) against the OpenCV
// path it replaced (cv::imread, cv::VideoCapture) on the same files in the same run, and the cost
// of an OpenColorIO input conversion (ARRI LogC3 -> linear Rec.709) against a 1080p frame's pre-
// and post-processing at img_size 2048. The media are made here (ffmpeg, OpenCV, OpenImageIO).
//   bench_io [--frames 24] [--threads 2]
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <OpenImageIO/imageio.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include "bench_util.hpp"
#include "corridorkey/checkpoint.hpp"
#include "corridorkey/io/color_config.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "corridorkey/io/tensor_mat.hpp"
#include "corridorkey/pipeline.hpp"
#include "corridorkey/remove_tree.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;

namespace {

// A 16-bit RGB test image: smooth gradients in every channel (compresses like a plate, not like a
// flat field).
cv::Mat gradient16(int w, int h, int seed) {
  cv::Mat m(h, w, CV_16UC3);
  for (int y = 0; y < h; ++y) {
    auto* p = m.ptr<std::uint16_t>(y);
    for (int x = 0; x < w; ++x) {
      p[3 * x] = static_cast<std::uint16_t>((x * 31 + seed * 997) % 65536);
      p[3 * x + 1] = static_cast<std::uint16_t>((y * 60 + x * 7) % 65536);
      p[3 * x + 2] = static_cast<std::uint16_t>(((x + y) * 23 + seed * 131) % 65536);
    }
  }
  return m;
}

// frames/s of `ours` and of `theirs` over `count` frames each: medians of 5 passes, the two
// alternating (a machine's drift falls on both alike).
std::pair<double, double> rates(int count, const std::function<void()>& ours, const std::function<void()>& theirs) {
  std::vector<double> a, b;
  for (int pass = 0; pass < 5; ++pass) {
    a.push_back(count / bench::seconds(ours));
    if (theirs) b.push_back(count / bench::seconds(theirs));
  }
  return {bench::median(a), theirs ? bench::median(b) : 0.0};
}

void row(const char* what, std::pair<double, double> r) {
  const auto [ours, opencv] = r;
  if (opencv > 0)
    std::printf("%-44s %9.1f %9.1f %7.2fx\n", what, ours, opencv, ours / opencv);
  else
    std::printf("%-44s %9.1f %9s %8s\n", what, ours, "-", "-");
}

}  // namespace

int main(int argc, char** argv) {
  int frames = 24, threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--frames") frames = std::stoi(argv[i + 1]);
    if (a == "--threads") threads = std::stoi(argv[i + 1]);
  }
  at::set_num_threads(threads);
  cv::setNumThreads(threads);
  const fs::path dir = fs::temp_directory_path() / "corridorkey-bench-io";
  std::error_code ec;
  ck::remove_tree(dir, ec);
  fs::create_directories(dir / "png");
  fs::create_directories(dir / "dpx");
  std::printf("making the media (%d frames each)...\n", frames);
  const std::string n = std::to_string(frames);
  const std::string src = "ffmpeg -v error -y -f lavfi -i testsrc2=size=1920x1080:rate=25 -frames:v " + n + " ";
  if (std::system((src + "-c:v libx264 -pix_fmt yuv420p -colorspace bt709 -color_range tv '" +
                   (dir / "h264.mp4").string() + "'")
                      .c_str()) != 0 ||
      std::system((src + "-vf setparams=colorspace=bt709:range=tv -c:v prores_ks -profile:v 3 -pix_fmt yuv422p10le '" +
                   (dir / "prores.mov").string() + "'")
                      .c_str()) != 0) {
    std::fprintf(stderr, "bench_io: ffmpeg (with libx264 and prores_ks) is needed to make the clips\n");
    return 2;
  }
  for (int i = 0; i < frames; ++i) {
    const cv::Mat m = gradient16(2048, 1080, i);
    char name[32];
    std::snprintf(name, sizeof name, "f%04d", i);
    cv::imwrite((dir / "png" / (std::string(name) + ".png")).string(), m);
    auto out = OIIO::ImageOutput::create("dpx");
    OIIO::ImageSpec spec(2048, 1080, 3, OIIO::TypeDesc::UINT16);
    spec.attribute("oiio:BitsPerSample", 10);
    cv::Mat rgb;
    cv::cvtColor(m, rgb, cv::COLOR_BGR2RGB);
    const std::string dpx = (dir / "dpx" / (std::string(name) + ".dpx")).string();
    if (!out->open(dpx, spec) || !out->write_image(OIIO::TypeDesc::UINT16, rgb.data) || !out->close()) {
      std::fprintf(stderr, "bench_io: cannot write %s\n", dpx.c_str());
      return 1;
    }
  }
  const auto png = [&](int i) {
    char name[32];
    std::snprintf(name, sizeof name, "f%04d.png", i);
    return dir / "png" / name;
  };
  const auto dpx = [&](int i) {
    char name[32];
    std::snprintf(name, sizeof name, "f%04d.dpx", i);
    return dir / "dpx" / name;
  };

  std::printf("\nframes/s, medians of 5 passes (ours and OpenCV alternating), %d CPU threads\n", threads);
  std::printf("%-44s %9s %9s %8s\n", "", "ours", "OpenCV", "ratio");
  // Videos: a fresh reader per pass, every frame in order.
  const auto ours_video = [&](const fs::path& file, bool decode_only) {
    return std::function<void()>([&, file, decode_only] {
      ck::VideoReader r(file);
      if (decode_only) {
        r.skip(frames);
      } else {
        while (!r.next().empty()) {
        }
      }
    });
  };
  const auto opencv_video = [&](const fs::path& file) {
    return std::function<void()>([file] {  // as the replaced VideoReader::next did: new Mats every frame
      cv::VideoCapture cap(file.string(), cv::CAP_FFMPEG);
      while (true) {
        cv::Mat bgr, rgb;
        if (!cap.read(bgr)) break;
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
      }
    });
  };
  row("1080p H.264 8-bit (BT.709)", rates(frames, ours_video(dir / "h264.mp4", false), opencv_video(dir / "h264.mp4")));
  row("  decoding alone (no RGB)", rates(frames, ours_video(dir / "h264.mp4", true), {}));
  row("1080p ProRes 422 HQ 10-bit (ours 16-bit)",
      rates(frames, ours_video(dir / "prores.mov", false), opencv_video(dir / "prores.mov")));
  row("  decoding alone (no RGB)", rates(frames, ours_video(dir / "prores.mov", true), {}));
  const auto imread_rgb = [](const fs::path& f) {
    cv::Mat m = cv::imread(f.string(), cv::IMREAD_UNCHANGED | cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR), rgb;
    cv::cvtColor(m, rgb, cv::COLOR_BGR2RGB);
  };
  row("2048x1080 PNG 16-bit sequence", rates(
                                           frames,
                                           [&] {
                                             for (int i = 0; i < frames; ++i) (void)ck::read_plate(png(i));
                                           },
                                           [&] {
                                             for (int i = 0; i < frames; ++i) imread_rgb(png(i));
                                           }));
  row("2048x1080 DPX 10-bit sequence", rates(frames,
                                             [&] {
                                               for (int i = 0; i < frames; ++i) (void)ck::read_plate(dpx(i));
                                             },
                                             {}));

  // The input conversion against a frame's pre- and post-processing.
  const ck::ColorConfig config = ck::ColorConfig::load();
  const ck::InputColor logc = ck::plan_input_color(config, "ARRI LogC3 (EI800)");
  cv::Mat plate16 = gradient16(1920, 1080, 0);
  std::vector<double> convert, pre, post;
  const ck::ModelConfig model_config;
  ck::write_safetensors(dir / "ck.safetensors", model_config.random_weights(2048, 0));
  ck::Engine engine(
      ck::GreenFormer::load(ck::load_state_dict(dir / "ck.safetensors"), model_config, {.img_size = 2048}));
  const at::Tensor hint = at::rand({1080, 1920, 1});
  const at::Tensor alpha = at::rand({1, 2048, 2048}), fg = at::rand({3, 2048, 2048});
  ck::InferenceSettings settings;
  for (int i = 0; i <= 5; ++i) {
    cv::Mat lin;
    const double c = bench::seconds([&] { lin = ck::to_linear_rec709(plate16, logc); });
    const double p = bench::seconds([&] { (void)engine.preprocess({ck::mat_tensor(lin)}, {hint}, true); });
    const double q = bench::seconds([&] { (void)ck::Engine::postprocess(alpha, fg, 1920, 1080, settings); });
    if (i == 0) continue;
    convert.push_back(c), pre.push_back(p), post.push_back(q);
  }
  const double c = bench::median(convert), p = bench::median(pre), q = bench::median(post);
  std::printf("\n1920x1080 plate, img_size 2048, medians of 5 frames, %d CPU threads\n", threads);
  std::printf("  LogC3 -> linear Rec.709 (16-bit in, float out) %8.1f ms\n", 1e3 * c);
  std::printf("  pre-processing                                 %8.1f ms\n", 1e3 * p);
  std::printf("  post-processing                                %8.1f ms\n", 1e3 * q);
  std::printf("  conversion / (pre + post)                      %8.1f %%\n", 100 * c / (p + q));
  ck::remove_tree(dir, ec);
  return 0;
}
