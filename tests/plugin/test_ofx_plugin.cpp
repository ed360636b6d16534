// The OpenFX plugin bundle loaded by a host built from OpenFX's HostSupport (the test host): it is
// found on OFX_PLUGIN_PATH, described, instantiated and rendered with the fixture plate and hint,
// and its outputs are compared with clip_manager's for the same frame and settings (float32 CPU,
// 32-bit EXRs, within 1e-4). Also: the built-in coarse alpha, render scale and windows, regions of
// interest, top-down host buffers, concurrent instances, a missing checkpoint, a bad parameter and
// a host without a suite the plugin needs.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "cli_support.hpp"
#include "corridorkey/coarse_alpha.hpp"
#include "corridorkey/color.hpp"
#include "ofx_test_host.hpp"
#include "test_support.hpp"

namespace {
namespace fs = std::filesystem;
namespace ck = corridorkey;
using ck::ofxtest::Effect;
using ck::ofxtest::HostConfig;
using ck::ofxtest::Image;
using ck::ofxtest::RenderResult;
using ck::ofxtest::TestHost;
using ck::test::fixtures;
using ck::test::max_abs_diff;
using ck::test::TempDir;

constexpr const char* kId = "com.corridordigital.CorridorKey";
constexpr double kTol = 1e-4;

// The environment every test starts from: the build's bundle, the CPU, the tiny fixture network in
// a checkpoints folder of its own, and an empty Hugging Face cache.
class OfxPlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("OFX_PLUGIN_PATH", (fs::path(CORRIDORKEY_BINARY_DIR) / "plugins").c_str(), 1);
    ::setenv("CORRIDORKEY_OFX_DEVICE", "cpu", 1);
    fs::create_directories(dir_ / "checkpoints");
    fs::create_directories(dir_ / "hf");
    fs::copy_file(fixtures() / "tiny" / "CorridorKey.safetensors", dir_ / "checkpoints" / "CorridorKey.safetensors");
    fs::copy_file(fixtures() / "tiny" / "config.json", dir_ / "checkpoints" / "config.json");
    ::setenv("CORRIDORKEY_CHECKPOINT_DIR", (dir_ / "checkpoints").c_str(), 1);
    ::setenv("HF_HUB_CACHE", (dir_ / "hf").c_str(), 1);
    ::setenv("HF_HUB_OFFLINE", "1", 1);
  }

  // The fixture frame as the host hands it over: float RGBA (alpha 1) and an RGBA hint (the matte
  // in every channel, as a colour hint file would be read).
  static at::Tensor plate_srgb() { return ck::test::decoded_frames().at("plate_srgb_u8").to(at::kFloat) / 255.0f; }
  static at::Tensor plate_linear() { return ck::test::decoded_frames().at("plate_linear_f32"); }
  static at::Tensor hint() { return ck::test::decoded_frames().at("hint_u8").to(at::kFloat) / 255.0f; }

  // An [H, W, C] float tensor as a host image of C channels.
  static Image raw_image(const at::Tensor& hwc) {
    const at::Tensor t = hwc.contiguous();
    Image image(static_cast<int>(t.size(1)), static_cast<int>(t.size(0)), static_cast<int>(t.size(2)));
    std::memcpy(image.pixels.data(), t.const_data_ptr<float>(), image.pixels.size() * sizeof(float));
    return image;
  }
  static Image image_of(const at::Tensor& hwc) {
    at::Tensor t = hwc.dim() == 2 ? hwc.unsqueeze(2).expand({hwc.size(0), hwc.size(1), 4}) : hwc;
    if (t.size(2) == 3) t = at::cat({t, at::ones({t.size(0), t.size(1), 1})}, 2);
    return raw_image(t);
  }
  static at::Tensor tensor_of(const Image& image) {
    return at::from_blob(const_cast<float*>(image.pixels.data()), {image.height, image.width, image.channels},
                         at::kFloat)
        .clone();
  }

  // clip_manager's outputs for the fixture frame with these extra flags, as [H, W, C] RGB(A).
  struct CliOutputs {
    at::Tensor fg, matte, processed;
  };
  CliOutputs run_clip_manager(bool linear) {
    const fs::path clips = dir_ / (linear ? "clips_linear" : "clips_srgb");
    const fs::path clip = clips / "shot";
    fs::create_directories(clip / "Input");
    fs::create_directories(clip / "AlphaHint");
    fs::copy_file(fixtures() / "frame" / (linear ? "input_linear.exr" : "input.png"),
                  clip / "Input" / (linear ? "frame.exr" : "frame.png"));
    fs::copy_file(fixtures() / "frame" / "hint.png", clip / "AlphaHint" / "frame.png");
    std::vector<std::string> args{"--action",          "run_inference",
                                  "--clips-dir",       clips.string(),
                                  "--checkpoint",      (fixtures() / "tiny" / "CorridorKey.safetensors").string(),
                                  "--device",          "cpu",
                                  "--img-size",        "512",
                                  "--screen-color",    "green",
                                  "--despill",         "0.5",
                                  "--exr-datatype",    "float",
                                  "--exr-compression", "zip"};
    if (linear) args.emplace_back("--linear");
    const ck::test::CliRun run = ck::test::run_cli(args);
    EXPECT_EQ(run.code, 0) << run.err;
    auto read = [&](const char* folder) {
      cv::Mat m = cv::imread((clip / "Output" / folder / "frame.exr").string(), cv::IMREAD_UNCHANGED);
      EXPECT_FALSE(m.empty()) << folder;
      EXPECT_EQ(m.depth(), CV_32F) << folder;
      if (m.channels() == 3) cv::cvtColor(m, m, cv::COLOR_BGR2RGB);
      if (m.channels() == 4) cv::cvtColor(m, m, cv::COLOR_BGRA2RGBA);
      return at::from_blob(m.data, {m.rows, m.cols, m.channels()}, at::kFloat).clone();
    };
    return {read("FG"), read("Matte"), read("Processed")};
  }

  // Settings as the clip_manager run above: 512 px, green, despill 0.5, the rest default.
  static void configure(Effect& e, bool linear, int output) {
    e.set_int("networkSize", 0);
    e.set_int("screenColor", 1);
    e.set_double("despillStrength", 0.5);
    e.set_int("inputColorSpace", linear ? 1 : 0);
    e.set_int("output", output);
  }

  // An instance with these inputs (no AlphaHint when `hint` is undefined) and settings.
  static std::unique_ptr<Effect> keyer(TestHost& host, const at::Tensor& plate, const at::Tensor& hint, bool linear,
                                       int output) {
    std::unique_ptr<Effect> e = host.create(kId);
    if (!e) return e;
    e->set_input("Source", image_of(plate));
    if (hint.defined()) e->set_input("AlphaHint", image_of(hint));
    configure(*e, linear, output);
    return e;
  }

  // A render of `output` that must succeed, without a message, as [H, W, 4].
  static at::Tensor rendered(Effect& e, int output) {
    e.set_int("output", output);
    const RenderResult r = e.render();
    EXPECT_EQ(r.status, kOfxStatOK) << r.persistent_message;
    EXPECT_TRUE(r.persistent_message.empty()) << r.persistent_message;
    return tensor_of(r.output);
  }

  TempDir dir_;
};

TEST_F(OfxPlugin, IsFoundDescribedAndOffersItsParametersAndClips) {
  TestHost host;
  const auto ids = host.plugin_ids();
  ASSERT_NE(std::find(ids.begin(), ids.end(), kId), ids.end()) << "bundle not found on OFX_PLUGIN_PATH";
  ASSERT_TRUE(host.load(kId));
  for (const char* context : {"OfxImageEffectContextGeneral", "OfxImageEffectContextFilter"}) {
    std::unique_ptr<Effect> e = host.create(kId, context);
    ASSERT_TRUE(e) << context;
    auto clips = e->clip_names();
    std::sort(clips.begin(), clips.end());
    EXPECT_EQ(clips, (std::vector<std::string>{"AlphaHint", "Output", "Source"}));
    EXPECT_EQ(e->choice_options("screenColor"), (std::vector<std::string>{"Auto", "Green", "Blue"}));
    EXPECT_EQ(e->choice_options("networkSize"), (std::vector<std::string>{"512", "1024", "1536", "2048"}));
    EXPECT_EQ(e->choice_options("precision"), (std::vector<std::string>{"Auto", "Float32", "Float16", "BFloat16"}));
    EXPECT_EQ(e->choice_options("output"), (std::vector<std::string>{"Processed", "Matte", "FG", "Comp"}));
    EXPECT_EQ(e->choice_options("inputColorSpace"), (std::vector<std::string>{"sRGB", "Linear"}));
    EXPECT_EQ(e->param_type("despillStrength"), "OfxParamTypeDouble");
    EXPECT_EQ(e->param_type("autoDespeckle"), "OfxParamTypeBoolean");
    EXPECT_EQ(e->param_type("despeckleSize"), "OfxParamTypeInteger");
    EXPECT_EQ(e->param_type("refinerStrength"), "OfxParamTypeDouble");
    EXPECT_EQ(e->get_int("networkSize"), 3);  // 2048 by default, as trained
    EXPECT_EQ(e->get_int("despeckleSize"), 400);
    EXPECT_DOUBLE_EQ(e->get_double("despillStrength"), 1.0);
    EXPECT_EQ(e->output_premultiplication(), "OfxImageAlphaPremultiplied");
    e->set_int("output", 2);
    EXPECT_EQ(e->output_premultiplication(), "OfxImageAlphaUnPremultiplied");
    e->set_int("output", 3);
    EXPECT_EQ(e->output_premultiplication(), "OfxImageOpaque");
  }
}

TEST_F(OfxPlugin, SrgbRenderMatchesClipManager) {
  const CliOutputs cli = run_clip_manager(false);
  TestHost host;
  std::unique_ptr<Effect> e = keyer(host, plate_srgb(), hint(), false, 0);
  ASSERT_TRUE(e);
  const at::Tensor fg = rendered(*e, 2), matte = rendered(*e, 1), processed = rendered(*e, 0), comp = rendered(*e, 3);
  ASSERT_EQ(fg.sizes(), (std::vector<std::int64_t>{200, 300, 4}));
  EXPECT_LE(max_abs_diff(fg.narrow(2, 0, 3), cli.fg), kTol);
  EXPECT_LE(max_abs_diff(fg.narrow(2, 3, 1), cli.matte), kTol);
  for (int c = 0; c < 4; ++c) EXPECT_LE(max_abs_diff(matte.narrow(2, c, 1), cli.matte), kTol) << c;
  // sRGB input: Processed comes back encoded, the straight colour to sRGB, premultiplied again.
  const at::Tensor a = cli.processed.narrow(2, 3, 1);
  const at::Tensor straight = at::where(a > 0, cli.processed.narrow(2, 0, 3) / a.clamp_min(1e-30), at::zeros({}));
  EXPECT_LE(max_abs_diff(processed.narrow(2, 0, 3), ck::linear_to_srgb(straight.contiguous()) * a), kTol);
  EXPECT_LE(max_abs_diff(processed.narrow(2, 3, 1), a), kTol);
  // Comp: the checkerboard preview as the engine makes it, opaque.
  ck::Engine engine = ck::test::tiny_engine(512);
  ck::InferenceSettings s;
  s.despill_strength = 0.5;
  const ck::FrameResult want = engine.process_frame(plate_srgb(), hint(), s);
  EXPECT_LE(max_abs_diff(comp.narrow(2, 0, 3), want.comp), kTol);
  EXPECT_EQ(comp.narrow(2, 3, 1).min().item<float>(), 1.0f);
}

TEST_F(OfxPlugin, LinearRenderMatchesClipManager) {
  const CliOutputs cli = run_clip_manager(true);
  TestHost host;
  std::unique_ptr<Effect> e = keyer(host, plate_linear(), hint(), true, 0);
  ASSERT_TRUE(e);
  EXPECT_LE(max_abs_diff(rendered(*e, 0), cli.processed), kTol);
  EXPECT_LE(max_abs_diff(rendered(*e, 2).narrow(2, 0, 3), ck::srgb_to_linear(cli.fg.contiguous())), kTol);
}

TEST_F(OfxPlugin, WithoutAHintTheBuiltInCoarseAlphaIsUsed) {
  TestHost host;
  std::unique_ptr<Effect> e = keyer(host, plate_srgb(), at::Tensor(), false, 1);
  ASSERT_TRUE(e);
  const at::Tensor matte = rendered(*e, 1);
  const at::Tensor plate = plate_srgb();
  const at::Tensor coarse = ck::coarse_alpha(plate, ck::CoarseAlphaSettings()).alpha;
  ck::Engine engine = ck::test::tiny_engine(512);
  ck::InferenceSettings s;
  s.despill_strength = 0.5;
  const ck::FrameResult want = engine.process_frame(plate, coarse, s);
  EXPECT_LE(max_abs_diff(matte.narrow(2, 0, 1), want.alpha), kTol);
  // ... and it is not the fixture hint's result.
  const ck::FrameResult with_hint = engine.process_frame(plate, hint(), s);
  EXPECT_GT(max_abs_diff(matte.narrow(2, 0, 1), with_hint.alpha), 1e-3);
}

TEST_F(OfxPlugin, ProxyScaleAndRenderWindowWriteOnlyTheWindow) {
  // Half-resolution inputs, as a host hands them at render scale 0.5.
  const at::Tensor half_plate = plate_srgb().slice(0, 0, 200, 2).slice(1, 0, 300, 2).contiguous();
  const at::Tensor half_hint = hint().slice(0, 0, 200, 2).slice(1, 0, 300, 2).contiguous();
  TestHost host;
  std::unique_ptr<Effect> e = keyer(host, half_plate, half_hint, false, 0);
  ASSERT_TRUE(e);
  const RenderResult whole = e->render(0, 0.5);
  ASSERT_EQ(whole.status, kOfxStatOK) << whole.persistent_message;
  ASSERT_EQ(whole.output.width, 150);
  ASSERT_EQ(whole.output.height, 100);
  const OfxRectI window{10, 20, 90, 60};  // OFX pixel coordinates: y up from the bottom row
  const RenderResult part = e->render(0, 0.5, window);
  ASSERT_EQ(part.status, kOfxStatOK) << part.persistent_message;
  const at::Tensor w = tensor_of(whole.output), p = tensor_of(part.output);
  const int top = 100 - 60, bottom = 100 - 20;  // the window's rows, top first
  EXPECT_EQ(max_abs_diff(p.slice(0, top, bottom).slice(1, 10, 90), w.slice(0, top, bottom).slice(1, 10, 90)), 0.0);
  at::Tensor outside = p.clone();
  outside.slice(0, top, bottom).slice(1, 10, 90).fill_(-1.0f);
  EXPECT_EQ(outside.max().item<float>(), -1.0f) << "pixels outside the render window were written";
  // The network saw the whole frame whatever the window: regions of interest are the inputs' RoD.
  const auto rois = e->regions_of_interest(OfxRectD{20, 40, 180, 120}, 0.5);
  ASSERT_TRUE(rois.count("Source"));
  EXPECT_EQ(rois.at("Source").x1, 0);
  EXPECT_EQ(rois.at("Source").y1, 0);
  EXPECT_EQ(rois.at("Source").x2, 300);
  EXPECT_EQ(rois.at("Source").y2, 200);
  ASSERT_TRUE(rois.count("AlphaHint"));
  EXPECT_EQ(rois.at("AlphaHint").x2, 300);
}

TEST_F(OfxPlugin, TopDownHostBuffersGiveTheSamePixels) {
  at::Tensor bottom_up, top_down;
  for (const bool flip : {false, true}) {
    TestHost host(HostConfig{{}, flip});
    std::unique_ptr<Effect> e = keyer(host, plate_srgb(), hint(), false, 0);
    ASSERT_TRUE(e);
    (flip ? top_down : bottom_up) = rendered(*e, 0);
  }
  EXPECT_TRUE(ck::test::bit_identical(bottom_up, top_down));
}

// The hint's matte: an Alpha clip's channel, an RGBA clip's alpha, an RGB clip's red.
TEST_F(OfxPlugin, AlphaRgbaAndRgbHintsGiveTheSameMatte) {
  const at::Tensor h = hint();
  const at::Tensor zeros = at::zeros_like(h).unsqueeze(2);
  const std::vector<Image> hints{raw_image(h.unsqueeze(2)),
                                 raw_image(at::cat({zeros, zeros, zeros, h.unsqueeze(2)}, 2)),
                                 raw_image(at::cat({h.unsqueeze(2), zeros, zeros}, 2))};
  TestHost host;
  std::unique_ptr<Effect> e = keyer(host, plate_srgb(), at::Tensor(), false, 1);
  ASSERT_TRUE(e);
  std::vector<at::Tensor> mattes;
  for (const Image& hint_image : hints) {
    e->set_input("AlphaHint", hint_image);
    mattes.push_back(rendered(*e, 1));
  }
  EXPECT_TRUE(ck::test::bit_identical(mattes[0], mattes[1]));
  EXPECT_TRUE(ck::test::bit_identical(mattes[0], mattes[2]));
  e->set_input("AlphaHint", image_of(h));
  EXPECT_TRUE(ck::test::bit_identical(mattes[0], rendered(*e, 1)));
}

TEST_F(OfxPlugin, ConcurrentInstancesShareTheNetworkAndAgree) {
  TestHost host;
  std::vector<std::unique_ptr<Effect>> effects;
  for (int i = 0; i < 3; ++i) {
    effects.push_back(keyer(host, plate_srgb(), hint(), false, 0));
    ASSERT_TRUE(effects.back());
  }
  const at::Tensor alone = rendered(*effects[0], 0);
  std::vector<RenderResult> results(effects.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < effects.size(); ++i) threads.emplace_back([&, i] { results[i] = effects[i]->render(); });
  for (auto& t : threads) t.join();
  for (const RenderResult& r : results) {
    ASSERT_EQ(r.status, kOfxStatOK) << r.persistent_message;
    EXPECT_TRUE(ck::test::bit_identical(tensor_of(r.output), alone));
  }
}

TEST_F(OfxPlugin, MissingCheckpointFailsTheRenderWithAMessage) {
  fs::create_directories(dir_ / "empty");
  ::setenv("CORRIDORKEY_CHECKPOINT_DIR", (dir_ / "empty").c_str(), 1);
  TestHost host;
  std::unique_ptr<Effect> e = keyer(host, plate_srgb(), hint(), false, 0);
  ASSERT_TRUE(e);
  const RenderResult r = e->render();
  EXPECT_EQ(r.status, kOfxStatFailed);
  EXPECT_NE(r.persistent_message.find("no green-screen checkpoint"), std::string::npos) << r.persistent_message;
  EXPECT_NE(r.persistent_message.find((dir_ / "empty").string()), std::string::npos) << r.persistent_message;
  EXPECT_NE(r.persistent_message.find("CORRIDORKEY_CHECKPOINT_DIR"), std::string::npos) << r.persistent_message;
  const auto messages = host.messages();
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.back().rfind("OfxMessageError: ", 0), 0u) << messages.back();
  // Once the checkpoint is there, the next render works and the message is gone.
  ::setenv("CORRIDORKEY_CHECKPOINT_DIR", (dir_ / "checkpoints").c_str(), 1);
  const RenderResult again = e->render();
  EXPECT_EQ(again.status, kOfxStatOK) << again.persistent_message;
  EXPECT_TRUE(again.persistent_message.empty());
}

TEST_F(OfxPlugin, Float16OnTheCpuIsABadParameterNotACrash) {
  TestHost host;
  std::unique_ptr<Effect> e = keyer(host, plate_srgb(), at::Tensor(), false, 0);
  ASSERT_TRUE(e);
  e->set_int("precision", 2);
  const RenderResult r = e->render();
  EXPECT_EQ(r.status, kOfxStatFailed);
  EXPECT_NE(r.persistent_message.find("Float16 needs a GPU"), std::string::npos) << r.persistent_message;
  e->set_int("precision", 7);  // a value no host should send
  const RenderResult bad = e->render();
  EXPECT_EQ(bad.status, kOfxStatFailed);
  EXPECT_NE(bad.persistent_message.find("precision"), std::string::npos) << bad.persistent_message;
}

TEST_F(OfxPlugin, ABadLogLevelInTheEnvironmentDoesNotStopTheLoad) {
  ::setenv("CORRIDORKEY_LOG_LEVEL", "bogus", 1);
  TestHost host;
  EXPECT_TRUE(host.load(kId));
  EXPECT_TRUE(host.create(kId));
  ::unsetenv("CORRIDORKEY_LOG_LEVEL");
}

TEST_F(OfxPlugin, HostWithoutTheParameterSuiteGetsAnErrorFromLoad) {
  TestHost host(HostConfig{{"OfxParameterSuite"}, false});
  const auto ids = host.plugin_ids();
  ASSERT_NE(std::find(ids.begin(), ids.end(), kId), ids.end());
  EXPECT_FALSE(host.load(kId));
  EXPECT_FALSE(host.create(kId));
}

}  // namespace
