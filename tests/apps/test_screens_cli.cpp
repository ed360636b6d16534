// Green and blue screens through clip_manager, as a user runs them: one auto run keying a green and
// a blue clip with their own checkpoints and despill channels, a missing blue checkpoint, mixed
// clips, `list`, and generate_alphas followed by run_inference on clips that had no hints.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "corridorkey/checkpoint.hpp"
#include "corridorkey/io/tensor_mat.hpp"
#include "corridorkey/model.hpp"
#include "corridorkey/pipeline.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;
using ck::test::fixtures;
using ck::test::make_clip;
using ck::test::run_cli;
using ck::test::TempDir;
using ck::test::with;

namespace {

cv::Mat fixture_plate() { return cv::imread((fixtures() / "frame" / "input.png").string(), cv::IMREAD_COLOR); }

// The fixture frame as a blue screen: B and G exchanged.
cv::Mat blue_plate() {
  const cv::Mat green = fixture_plate();
  cv::Mat blue(green.size(), green.type());
  const int from_to[] = {0, 1, 1, 0, 2, 2};  // BGR
  cv::mixChannels(&green, 1, &blue, 1, from_to, 3);
  return blue;
}

fs::path make_blue_clip(const fs::path& clips, const std::string& name, const std::vector<std::string>& stems) {
  const fs::path clip = make_clip(clips, name, stems);
  for (const auto& s : stems) cv::imwrite((clip / "Input" / (s + ".png")).string(), blue_plate());
  return clip;
}

// A checkpoints folder with the tiny green checkpoint and, unless `green_only`, a different tiny
// network (other random weights) as the blue one.
fs::path make_checkpoints(const TempDir& dir, bool green_only = false) {
  const fs::path ck_dir = dir / "ck";
  fs::create_directories(ck_dir);
  fs::copy_file(fixtures() / "tiny" / "CorridorKey.safetensors", ck_dir / "CorridorKey.safetensors");
  if (!green_only) {
    const fs::path tool = ck::test::cli_path().parent_path() / "make_random_checkpoint";
    const std::string cmd = "'" + tool.string() + "' --config tiny --seed 7 --output '" +
                            (ck_dir / "CorridorKeyBlue_1.0.safetensors").string() + "' > /dev/null";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }
  return ck_dir;
}

std::vector<nlohmann::json> events(const std::string& ndjson, const std::string& kind) {
  std::vector<nlohmann::json> out;
  std::istringstream lines(ndjson);
  std::string line;
  while (std::getline(lines, line)) {
    const auto e = nlohmann::json::parse(line, nullptr, false);
    if (!e.is_discarded() && e.value("event", "") == kind) out.push_back(e);
  }
  return out;
}

nlohmann::json event_for(const std::string& ndjson, const std::string& kind, const std::string& clip) {
  for (const auto& e : events(ndjson, kind)) {
    if (e.value("clip", "") == clip) return e;
  }
  return {};
}

ck::Engine engine_for(const fs::path& checkpoint) {
  const ck::StateDict sd = ck::load_state_dict(checkpoint);
  return ck::Engine(ck::GreenFormer::load(sd, ck::ModelConfig::resolve(sd), {.img_size = 128}));
}

at::Tensor read_rgba_exr(const fs::path& file) {
  cv::Mat m = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(m.type(), CV_32FC4) << file;
  cv::cvtColor(m, m, cv::COLOR_BGRA2RGBA);
  return ck::mat_tensor(m).clone();
}

at::Tensor rgb_tensor(const cv::Mat& bgr) {
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return ck::mat_tensor(rgb).clone();
}

at::Tensor hint_tensor() {
  return ck::mat_tensor(cv::imread((fixtures() / "frame" / "hint.png").string(), cv::IMREAD_GRAYSCALE)).clone();
}

std::vector<std::string> infer_args(const TempDir& dir, const fs::path& ck_dir) {
  return {"--action",
          "run_inference",
          "--clips-dir",
          (dir / "clips").string(),
          "--checkpoint-dir",
          ck_dir.string(),
          "--img-size",
          "128",
          "--threads",
          "1",
          "--json"};
}

}  // namespace

TEST(Screens, OneAutoRunKeysAGreenAndABlueClipEachWithItsCheckpointAndDespill) {
  TempDir dir;
  make_clip(dir / "clips", "greenshot", {"f0", "f1"});
  make_blue_clip(dir / "clips", "blueshot", {"f0", "f1"});
  const fs::path ck_dir = make_checkpoints(dir);
  const ck::test::CliRun r = run_cli(infer_args(dir, ck_dir));
  ASSERT_EQ(r.code, 0) << r.err;
  // Each clip's colour, how it was decided, and its checkpoint, in the events and the log.
  const auto blue_start = event_for(r.out, "clip_start", "blueshot");
  const auto green_start = event_for(r.out, "clip_start", "greenshot");
  EXPECT_EQ(blue_start.value("screen_color", ""), "blue") << r.out;
  EXPECT_EQ(blue_start.value("screen_how", ""), "detected");
  EXPECT_EQ(fs::path(blue_start.value("checkpoint", "")).filename(), "CorridorKeyBlue_1.0.safetensors");
  EXPECT_EQ(green_start.value("screen_color", ""), "green");
  EXPECT_EQ(fs::path(green_start.value("checkpoint", "")).filename(), "CorridorKey.safetensors");
  EXPECT_EQ(events(r.out, "model").size(), 2u) << "both networks loaded, once each";
  EXPECT_NE(event_for(r.out, "clip_screen", "blueshot").value("evidence", "").find("blue"), std::string::npos);
  EXPECT_NE(r.err.find("clip 'blueshot': blue screen"), std::string::npos) << r.err;

  // The blue clip's outputs are the blue network's, despilled on the blue channel.
  ck::Engine blue = engine_for(ck_dir / "CorridorKeyBlue_1.0.safetensors");
  ck::Engine green = engine_for(ck_dir / "CorridorKey.safetensors");
  ck::InferenceSettings as_blue, as_green;
  as_blue.screen_color = ck::ScreenColor::blue;
  const at::Tensor plate = rgb_tensor(blue_plate()), hint = hint_tensor();
  const ck::FrameResult want = blue.process_frame(plate, hint, as_blue);
  const at::Tensor got = read_rgba_exr(dir / "clips" / "blueshot" / "Output" / "Processed" / "f1.exr");
  EXPECT_LE(ck::test::max_abs_diff(got, want.processed), 2e-3);
  EXPECT_GT(ck::test::max_abs_diff(got, blue.process_frame(plate, hint, as_green).processed), 1e-2)
      << "a green despill would show";
  EXPECT_GT(ck::test::max_abs_diff(got, green.process_frame(plate, hint, as_blue).processed), 1e-2)
      << "the green network would show";
  // And the green clip is the green network's, as before.
  const ck::FrameResult green_want = green.process_frame(rgb_tensor(fixture_plate()), hint, as_green);
  const at::Tensor green_got = read_rgba_exr(dir / "clips" / "greenshot" / "Output" / "Processed" / "f0.exr");
  EXPECT_LE(ck::test::max_abs_diff(green_got, green_want.processed), 2e-3);
}

TEST(Screens, AMissingBlueCheckpointExitsThreeNamingTheRepoAndStillKeysTheGreenClips) {
  TempDir dir;
  make_clip(dir / "clips", "a_green", {"f0"});
  make_blue_clip(dir / "clips", "b_blue", {"f0"});
  make_clip(dir / "clips", "c_green", {"f0"});
  const fs::path ck_dir = make_checkpoints(dir, true);
  const ck::test::CliRun r =
      run_cli(infer_args(dir, ck_dir), {"HF_HUB_OFFLINE=1", "HF_HUB_CACHE=" + (dir / "hf").string()});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("nikopueringer/CorridorKeyBlue_1.0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(ck_dir.string()), std::string::npos) << "names the folder to drop the file in: " << r.err;
  EXPECT_NE(r.err.find("clip 'b_blue' (blue screen) not keyed"), std::string::npos) << r.err;
  for (const char* clip : {"a_green", "c_green"})
    EXPECT_TRUE(fs::exists(dir / "clips" / clip / "Output" / "Matte" / "f0.exr")) << clip;
  EXPECT_FALSE(fs::exists(dir / "clips" / "b_blue" / "Output" / "Matte" / "f0.exr"));
  const auto summary = events(r.out, "summary");
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_EQ(summary[0].value("clips_ok", -1), 2);
  EXPECT_EQ(summary[0].value("exit_code", -1), 3);
  EXPECT_EQ(events(r.out, "model").size(), 1u) << "only the green network was loaded";
  // A run of green clips alone needs no blue checkpoint.
  std::error_code ec;
  ASSERT_TRUE(ck::remove_tree(dir / "clips" / "b_blue", ec)) << ec.message();
  EXPECT_EQ(run_cli(infer_args(dir, ck_dir), {"HF_HUB_OFFLINE=1"}).code, 0);
}

TEST(Screens, TheFlagListAndClipsWhoseFramesDisagree) {
  TempDir dir;
  make_clip(dir / "clips", "g", {"f0"});
  make_blue_clip(dir / "clips", "b", {"f0"});
  // Five frames: three green, two blue.
  const fs::path mixed = make_clip(dir / "clips", "mixed", {"f0", "f1", "f2", "f3", "f4"});
  for (const char* s : {"f3", "f4"}) cv::imwrite((mixed / "Input" / (std::string(s) + ".png")).string(), blue_plate());
  {  // a long video: sampled by seeking, not by decoding every frame on the way
    fs::create_directories(dir / "clips" / "longvid");
    cv::VideoWriter w((dir / "clips" / "longvid" / "Input.mp4").string(), cv::CAP_FFMPEG,
                      cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 24, cv::Size(300, 200));
    ASSERT_TRUE(w.isOpened());
    const cv::Mat frame = blue_plate();
    for (int i = 0; i < 150; ++i) w.write(frame);
  }
  const fs::path ck_dir = make_checkpoints(dir);

  const auto bad = run_cli(with(infer_args(dir, ck_dir), {"--screen-color", "purple"}));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("unknown --screen-color 'purple': use auto, green or blue"), std::string::npos) << bad.err;

  const auto list = run_cli({"--action", "list", "--clips-dir", (dir / "clips").string()});
  EXPECT_EQ(list.code, 1) << "longvid has no hints: " << list.err;
  EXPECT_NE(list.out.find("SCREEN"), std::string::npos) << list.out;
  std::istringstream rows(list.out);
  std::map<std::string, std::string> screen_of;
  for (std::string name, frames, res, screen; rows >> name >> frames >> res >> screen;) {
    screen_of[name] = screen;
    std::string rest;
    std::getline(rows, rest);
  }
  EXPECT_EQ(screen_of["g"], "green") << list.out;
  EXPECT_EQ(screen_of["b"], "blue") << list.out;
  EXPECT_EQ(screen_of["mixed"], "mixed") << list.out;
  EXPECT_EQ(screen_of["longvid"], "blue") << list.out;
  std::error_code ec;
  ASSERT_TRUE(ck::remove_tree(dir / "clips" / "longvid", ec)) << ec.message();

  const auto r = run_cli(infer_args(dir, ck_dir));
  EXPECT_EQ(r.code, 1) << "the mixed clip fails; the others are keyed";
  EXPECT_NE(r.err.find("clip 'mixed' not keyed: its frames disagree on the screen colour (frame 0, 1, 2 green, "
                       "frame 3, 4 blue)"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir / "clips" / "mixed" / "Output" / "Matte" / "f0.exr")) << "not silently split";
  EXPECT_TRUE(fs::exists(dir / "clips" / "b" / "Output" / "Matte" / "f0.exr"));

  // Told the colour, it keys every frame of it as that colour with that checkpoint.
  const auto given = run_cli(with(infer_args(dir, ck_dir), {"--screen-color", "green"}));
  EXPECT_EQ(given.code, 0) << given.err;
  EXPECT_EQ(event_for(given.out, "clip_start", "mixed").value("screen_how", ""), "given");
  EXPECT_EQ(fs::path(event_for(given.out, "clip_start", "b").value("checkpoint", "")).filename(),
            "CorridorKey.safetensors");
  EXPECT_TRUE(fs::exists(dir / "clips" / "mixed" / "Output" / "Matte" / "f4.exr"));
}

TEST(Screens, GenerateAlphasThenRunInferenceOnClipsWithoutHints) {
  TempDir dir;
  const fs::path clips = dir / "clips";
  const cv::Mat green = fixture_plate(), blue = blue_plate();
  const auto sequence = [&](const std::string& name, const cv::Mat& plate, int frames) {
    fs::create_directories(clips / name / "Input");
    for (int i = 0; i < frames; ++i)
      cv::imwrite((clips / name / "Input" / ("f" + std::to_string(i) + ".png")).string(), plate);
  };
  sequence("green", green, 3);
  sequence("blue", blue, 3);
  fs::create_directories(clips / "linear" / "Input");
  for (const char* s : {"a.exr", "b.exr"})
    fs::copy_file(fixtures() / "frame" / "input_linear.exr", clips / "linear" / "Input" / s);
  {
    cv::VideoWriter w((clips / "vid.mp4").string(), cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 24,
                      blue.size());
    ASSERT_TRUE(w.isOpened());
    for (int i = 0; i < 3; ++i) w.write(blue);
  }
  sequence("partial", green, 3);
  fs::create_directories(clips / "partial" / "AlphaHint");
  fs::copy_file(fixtures() / "frame" / "hint16.png", clips / "partial" / "AlphaHint" / "f1.png");
  const std::string own_hint = ck::test::read_bytes(clips / "partial" / "AlphaHint" / "f1.png");
  make_clip(clips, "done", {"f0"});
  const std::string done_hint = ck::test::read_bytes(clips / "done" / "AlphaHint" / "f0.png");

  const auto before = run_cli({"--action", "run_inference", "--clips-dir", clips.string(), "--checkpoint",
                               (fixtures() / "tiny" / "CorridorKey.safetensors").string(), "--img-size", "128"});
  EXPECT_NE(before.err.find("clip 'green' skipped: no alpha hint: run --action generate_alphas"), std::string::npos)
      << before.err;

  const auto gen = run_cli({"--action", "generate_alphas", "--clips-dir", clips.string(), "--json"});
  ASSERT_EQ(gen.code, 0) << gen.err;
  EXPECT_EQ(event_for(gen.out, "clip_start", "blue").value("screen_color", ""), "blue") << gen.out;
  EXPECT_EQ(event_for(gen.out, "clip_start", "vid").value("screen_color", ""), "blue") << gen.out;
  EXPECT_EQ(event_for(gen.out, "clip_start", "partial").value("to_process", -1), 2);
  EXPECT_FALSE(event_for(gen.out, "clip_skipped", "done").empty()) << gen.out;
  const auto summary = events(gen.out, "summary");
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_EQ(summary[0].value("frames_ok", -1), 3 + 3 + 2 + 3 + 2);

  // 16-bit single-channel hints: the subject white, the screen black, for every kind of plate.
  const std::vector<fs::path> hints{clips / "green" / "AlphaHint" / "f2.png", clips / "blue" / "AlphaHint" / "f0.png",
                                    clips / "linear" / "AlphaHint" / "b.png", clips / "vid" / "AlphaHint" / "00002.png",
                                    clips / "partial" / "AlphaHint" / "f0.png"};
  for (const auto& h : hints) {
    const cv::Mat m = cv::imread(h.string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(m.type(), CV_16UC1) << h;
    ASSERT_EQ(m.size(), green.size()) << h;
    EXPECT_GT(m.at<std::uint16_t>(110, 135), 60000) << h << ": the subject";
    EXPECT_LT(m.at<std::uint16_t>(10, 10), 1000) << h << ": the screen";
    EXPECT_LT(m.at<std::uint16_t>(190, 290), 1000) << h << ": the screen";
  }
  EXPECT_EQ(ck::test::read_bytes(clips / "partial" / "AlphaHint" / "f1.png"), own_hint) << "never overwritten";
  EXPECT_EQ(ck::test::read_bytes(clips / "done" / "AlphaHint" / "f0.png"), done_hint);
  EXPECT_FALSE(fs::exists(clips / "done" / "AlphaHint" / "f0.png.tmp"));

  // A second run has nothing to do and touches nothing.
  const auto again = run_cli({"--action", "generate_alphas", "--clips-dir", clips.string(), "--json"});
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(events(again.out, "summary").at(0).value("frames_ok", -1), 0);
  EXPECT_EQ(events(again.out, "clip_skipped").size(), 6u) << again.out;

  // Now every clip keys.
  const auto r = run_cli({"--action", "run_inference", "--clips-dir", clips.string(), "--checkpoint",
                          (fixtures() / "tiny" / "CorridorKey.safetensors").string(), "--img-size", "128", "--threads",
                          "1", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(events(r.out, "summary").at(0).value("frames_ok", -1), 3 + 3 + 2 + 3 + 3 + 1);
  EXPECT_TRUE(fs::exists(clips / "vid" / "Output" / "Matte" / "00002.exr"));
  EXPECT_TRUE(fs::exists(clips / "linear" / "Output" / "Matte" / "a.exr"));
}

TEST(Screens, GenerateAlphasRefusesHintsThatDoNotLineUp) {
  TempDir dir;
  const fs::path clip = dir / "clips" / "odd";
  fs::create_directories(clip / "Input");
  fs::create_directories(clip / "AlphaHint");
  for (const char* s : {"f0", "f1"})
    fs::copy_file(fixtures() / "frame" / "input.png", clip / "Input" / (std::string(s) + ".png"));
  fs::copy_file(fixtures() / "frame" / "hint.png", clip / "AlphaHint" / "other.png");
  const auto r = run_cli({"--action", "generate_alphas", "--clips-dir", (dir / "clips").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("AlphaHint/ holds other.png, which matches no Input frame"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(clip / "AlphaHint" / "f0.png"));
}
