// clip_manager end to end with the tiny fixture checkpoint: outputs and their EXR headers, values
// against the reference, video input, organisation, frame-range chunks, resume, Ctrl-C, errors.
#include <ImfChannelList.h>
#include <ImfHeader.h>
#include <ImfInputFile.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ATen/ATen.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli_support.hpp"
#include "corridorkey/checkpoint.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "hub_server.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;
using ck::test::fixtures;
using ck::test::TempDir;

namespace {

const fs::path kCli = ck::test::cli_path();

using ck::test::CliRun;
using ck::test::make_clip;
using ck::test::with;

CliRun run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}, const fs::path& cwd = {}) {
  return ck::test::run_cli(args, env, cwd);
}

std::vector<std::string> base_args(const TempDir& dir) {
  return {"--action",     "run_inference",
          "--clips-dir",  (dir / "clips").string(),
          "--checkpoint", (fixtures() / "tiny" / "CorridorKey.safetensors").string(),
          "--img-size",   "128",
          "--despill",    "0.5",
          "--threads",    "1"};
}

std::map<std::string, std::string> output_files(const fs::path& out) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    if (e.is_regular_file()) files[fs::relative(e.path(), out).string()] = ck::test::read_bytes(e.path());
  }
  return files;
}

at::Tensor as_tensor(const cv::Mat& m) {
  const cv::Mat c = m.isContinuous() ? m : m.clone();
  return at::from_blob(c.data, {c.rows, c.cols, c.channels()}, at::kFloat).clone();
}

void expect_exr(const fs::path& file, const std::vector<std::string>& channels) {
  Imf::InputFile in(file.c_str());
  const Imf::Header& h = in.header();
  EXPECT_EQ(h.compression(), Imf::PXR24_COMPRESSION) << file;
  std::vector<std::string> names;
  for (auto it = h.channels().begin(); it != h.channels().end(); ++it) {
    names.emplace_back(it.name());
    EXPECT_EQ(it.channel().type, Imf::HALF) << file << " channel " << it.name();
  }
  EXPECT_EQ(names, channels) << file;
}

TEST(Cli, KeysASequenceLikeTheReference) {
  TempDir dir;
  make_clip(dir / "clips", "shot", {"frame1", "frame2", "frame10"});
  const CliRun r = run(with(base_args(dir), {"--json"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const fs::path out = dir / "clips" / "shot" / "Output";
  for (const char* stem : {"frame1", "frame2", "frame10"}) {
    expect_exr(out / "FG" / (std::string(stem) + ".exr"), {"B", "G", "R"});
    expect_exr(out / "Matte" / (std::string(stem) + ".exr"), {"Y"});
    expect_exr(out / "Processed" / (std::string(stem) + ".exr"), {"A", "B", "G", "R"});
    EXPECT_TRUE(fs::exists(out / "Comp" / (std::string(stem) + ".png")));
  }
  // Values against the reference (srgb_128: despill 0.5, despeckle on), within half precision.
  const auto want = ck::SafetensorsFile::open(fixtures() / "expected" / "srgb_128.safetensors").tensors();
  const cv::Mat fg = ck::read_plate(out / "FG" / "frame2.exr");
  EXPECT_LE(ck::test::max_abs_diff(as_tensor(fg), want.at("fg")), 2e-3);
  const cv::Mat matte = ck::read_hint(out / "Matte" / "frame2.exr");
  EXPECT_LE(ck::test::max_abs_diff(as_tensor(matte), want.at("alpha")), 2e-3);
  cv::Mat proc = cv::imread((out / "Processed" / "frame2.exr").string(), cv::IMREAD_UNCHANGED);
  cv::cvtColor(proc, proc, cv::COLOR_BGRA2RGBA);
  EXPECT_LE(ck::test::max_abs_diff(as_tensor(proc), want.at("processed")), 2e-3);
  cv::Mat comp = cv::imread((out / "Comp" / "frame2.png").string(), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(comp.type(), CV_8UC3);
  cv::cvtColor(comp, comp, cv::COLOR_BGR2RGB);
  comp.convertTo(comp, CV_32F, 1.0 / 255.0);
  EXPECT_LE(ck::test::max_abs_diff(as_tensor(comp), want.at("comp")), 1.0 / 255.0 + 1e-6);
  // NDJSON: one object per line, frames in natural order, a summary.
  std::istringstream lines(r.out);
  std::vector<std::string> stems;
  std::string line, summary;
  while (std::getline(lines, line)) {
    if (line.find("\"event\":\"frame\"") != std::string::npos)
      stems.push_back(line.substr(line.find("\"stem\":\"") + 8, 7));
    if (line.find("\"event\":\"summary\"") != std::string::npos) summary = line;
  }
  EXPECT_EQ(stems, (std::vector<std::string>{"frame1\"", "frame2\"", "frame10"}));
  EXPECT_NE(summary.find("\"frames_ok\":3"), std::string::npos) << summary;
  EXPECT_NE(summary.find("\"exit_code\":0"), std::string::npos) << summary;
}

TEST(Cli, KeysAVideoClip) {
  TempDir dir;
  fs::create_directories(dir / "clips");
  const cv::Mat plate = cv::imread((fixtures() / "frame" / "input.png").string());
  const cv::Mat hint = cv::imread((fixtures() / "frame" / "hint.png").string());
  for (const auto& [name, frame] : {std::pair<std::string, cv::Mat>{"vid.mp4", plate}, {"AlphaHint.mp4", hint}}) {
    cv::VideoWriter w((dir / "clips" / name).string(), cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 24,
                      frame.size());
    ASSERT_TRUE(w.isOpened());
    for (int i = 0; i < 3; ++i) w.write(frame);
  }
  // The loose plate video becomes vid/Input.mp4 (the loose hint video, a clip of its own, is
  // moved the same way: put it beside the plate instead).
  ASSERT_EQ(run({"--action", "list", "--clips-dir", (dir / "clips").string()}).code, 1)
      << "the hint 'clip' has no hint";
  ASSERT_TRUE(fs::exists(dir / "clips" / "vid" / "Input.mp4"));
  fs::rename(dir / "clips" / "AlphaHint" / "Input.mp4", dir / "clips" / "vid" / "AlphaHint.mp4");
  std::error_code ec;
  ASSERT_TRUE(ck::remove_tree(dir / "clips" / "AlphaHint", ec)) << ec.message();
  const CliRun r = run(base_args(dir));
  ASSERT_EQ(r.code, 0) << r.err;
  const fs::path out = dir / "clips" / "vid" / "Output";
  for (const char* stem : {"00000", "00001", "00002"}) {
    EXPECT_TRUE(fs::exists(out / "FG" / (std::string(stem) + ".exr"))) << stem;
    EXPECT_TRUE(fs::exists(out / "Comp" / (std::string(stem) + ".png"))) << stem;
  }
  if (std::system("command -v ffmpeg > /dev/null") == 0) {
    EXPECT_TRUE(fs::exists(out / "vid_comp.mp4"));
  }
}

TEST(Cli, OrganisesAndReportsClips) {
  TempDir dir;
  make_clip(dir / "clips", "ready", {"a"});
  make_clip(dir / "clips", "IgnoredClips", {"a"});
  make_clip(dir / "clips", "_scratch", {"a"});
  make_clip(dir / "clips", "mismatch", {"a", "b"});
  fs::remove(dir / "clips" / "mismatch" / "AlphaHint" / "b.png");
  fs::create_directories(dir / "clips" / "loose");
  fs::copy_file(fixtures() / "frame" / "input.png", dir / "clips" / "loose" / "f1.png");
  fs::create_directories(dir / "clips" / "empty" / "Input");
  const CliRun r = run({"--action", "list", "--clips-dir", (dir / "clips").string(), "--json"});
  EXPECT_EQ(r.code, 1) << "some clips are not ready";
  EXPECT_TRUE(fs::exists(dir / "clips" / "loose" / "Input" / "f1.png")) << "loose images move into Input/";
  EXPECT_TRUE(fs::is_directory(dir / "clips" / "loose" / "AlphaHint"));
  EXPECT_NE(
      r.out.find(
          R"("clip":"ready","colorspace":"sRGB","event":"clip","float":false,"format":"png","frames":1,"height":200)"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("frame count mismatch: Input has 2, AlphaHint has 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'Input' folder is empty"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no alpha hint: run --action generate_alphas"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("IgnoredClips"), std::string::npos);
  EXPECT_EQ(r.out.find("_scratch"), std::string::npos);
}

TEST(Cli, FrameRangeChunksAddUpToOneFullRun) {
  TempDir full, chunks;
  make_clip(full / "clips", "shot", {"f0", "f1", "f2"});
  make_clip(chunks / "clips", "shot", {"f0", "f1", "f2"});
  ASSERT_EQ(run(base_args(full)).code, 0);
  ASSERT_EQ(run(with(base_args(chunks), {"--frame-range", "0-1"})).code, 0);
  ASSERT_EQ(run(with(base_args(chunks), {"--frame-range", "2-9"})).code, 0);
  const auto a = output_files(full / "clips" / "shot" / "Output");
  const auto b = output_files(chunks / "clips" / "shot" / "Output");
  EXPECT_EQ(a.size(), 12u);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, bytes] : a) EXPECT_EQ(b.at(name), bytes) << name;
}

// Farm nodes differ in cores: chunks keyed with 2 and 3 threads write the files of one full run
// with 1 thread, byte for byte (docs/cli.md, Render farms).
TEST(Cli, ChunksOnDifferentThreadCountsAddUpToOneFullRun) {
  TempDir full, chunks;
  make_clip(full / "clips", "shot", {"f0", "f1", "f2"});
  make_clip(chunks / "clips", "shot", {"f0", "f1", "f2"});
  ASSERT_EQ(run(base_args(full)).code, 0);
  ASSERT_EQ(run(with(base_args(chunks), {"--frame-range", "0-1", "--threads", "2"})).code, 0);
  ASSERT_EQ(run(with(base_args(chunks), {"--frame-range", "2-2", "--threads", "3"})).code, 0);
  const auto a = output_files(full / "clips" / "shot" / "Output");
  const auto b = output_files(chunks / "clips" / "shot" / "Output");
  EXPECT_EQ(a.size(), 12u);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, bytes] : a) EXPECT_EQ(b.at(name), bytes) << name;
}

TEST(Cli, DevicesSpreadTheFramesAndWriteWhatOneDeviceWrites) {
  TempDir one, two;
  const std::vector<std::string> stems{"f0", "f1", "f2", "f3", "f4"};
  make_clip(one / "clips", "shot", stems);
  make_clip(two / "clips", "shot", stems);
  ASSERT_EQ(run(with(base_args(one), {"--device", "cpu"})).code, 0);
  const CliRun r = run(with(base_args(two), {"--devices", "cpu,cpu", "--json"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto a = output_files(one / "clips" / "shot" / "Output");
  const auto b = output_files(two / "clips" / "shot" / "Output");
  EXPECT_EQ(a.size(), 20u);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, bytes] : a) EXPECT_EQ(b.at(name), bytes) << name;
  std::size_t models = 0;
  for (std::size_t at = r.out.find("\"event\":\"model\""); at != std::string::npos;
       at = r.out.find("\"event\":\"model\"", at + 1))
    ++models;
  EXPECT_EQ(models, 2u) << "one network per listed device";
  EXPECT_NE(r.out.find("\"frames_ok\":5"), std::string::npos) << r.out;
  // A GPU that is not there is a usage error, before any clip is touched.
  const CliRun missing = run(with(base_args(two), {"--devices", "cpu,cuda:63"}));
  EXPECT_EQ(missing.code, 2) << missing.err;
  EXPECT_NE(missing.err.find("cuda:63"), std::string::npos) << missing.err;
}

TEST(Cli, SkipExistingResumes) {
  TempDir dir;
  make_clip(dir / "clips", "shot", {"f0", "f1", "f2"});
  ASSERT_EQ(run(base_args(dir)).code, 0);
  fs::remove(dir / "clips" / "shot" / "Output" / "Matte" / "f1.exr");
  const CliRun r = run(with(base_args(dir), {"--skip-existing", "--json"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"frames_ok\":1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"frames_skipped\":2"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(dir / "clips" / "shot" / "Output" / "Matte" / "f1.exr"));
}

TEST(Cli, ACorruptFrameFailsAloneAndExitsOne) {
  TempDir dir;
  make_clip(dir / "clips", "shot", {"f0", "f1", "f2"});
  const std::string png = ck::test::read_bytes(dir / "clips" / "shot" / "Input" / "f1.png");
  ck::test::write_bytes(dir / "clips" / "shot" / "Input" / "f1.png", png.substr(0, png.size() / 3));
  const CliRun r = run(with(base_args(dir), {"--json"}));
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.out.find("\"frames_failed\":1"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("f1.png"), std::string::npos) << "the error names the file: " << r.err;
  EXPECT_TRUE(fs::exists(dir / "clips" / "shot" / "Output" / "FG" / "f2.exr"));
  EXPECT_FALSE(fs::exists(dir / "clips" / "shot" / "Output" / "FG" / "f1.exr"));
}

TEST(Cli, CtrlCLeavesOnlyCompleteFilesAndExits130) {
  TempDir dir;
  std::vector<std::string> stems;
  for (int i = 0; i < 40; ++i) stems.push_back("f" + std::to_string(i));
  make_clip(dir / "clips", "shot", stems);
  auto args = with(base_args(dir), {"--img-size", "256"});
  std::vector<char*> argv{const_cast<char*>(kCli.c_str())};
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1), ::dup2(null, 2);
    ::execv(kCli.c_str(), argv.data());
    ::_exit(127);
  }
  const fs::path fg = dir / "clips" / "shot" / "Output" / "FG";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline && !(fs::exists(fg / "f1.exr"))) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  std::size_t fgs = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir / "clips" / "shot" / "Output")) {
    const std::string name = e.path().filename().string();
    EXPECT_NE(name[0], '.') << "temporary file left behind: " << e.path();
    if (e.is_regular_file() && e.path().extension() == ".exr") {
      EXPECT_NO_THROW(Imf::InputFile(e.path().c_str())) << e.path();
    }
    if (e.is_regular_file() && e.path().parent_path().filename() == "FG") ++fgs;
  }
  EXPECT_GE(fgs, 2u);
  EXPECT_LT(fgs, 40u) << "the run must stop early";
}

TEST(Cli, UsageErrorsExitTwoWithAClearMessage) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  TempDir dir;
  for (const auto& c : std::vector<Case>{
           {{"--action", "run_inference", "--backend", "mlx"},
            "backend 'mlx' is not available in this build: it has 'torch'"},
           {{"--action", "dance"}, "unknown --action 'dance'"},
           {{"--bogus"}, "unknown option '--bogus'"},
           {{}, "--action is required"},
           {{"--action", "run_inference", "--img-size", "100"}, "not a positive multiple of 32"},
           {{"--action", "run_inference", "--frame-range", "5-2"}, "need 0 <= A <= B"},
           {{"--action", "run_inference", "--device", "tpu"}, "invalid --device 'tpu'"},
           {{"--action", "run_inference", "--devices", "0,gpu1"}, "invalid --devices item 'gpu1'"},
           {{"--action", "run_inference", "--devices", ""}, "invalid --devices item ''"},
           {{"--action", "run_inference", "--devices", "1,cuda:1"}, "lists cuda:1 twice"},
           {{"--action", "run_inference", "--device", "cpu", "--devices", "cpu"}, "--device and --devices both given"},
           {{"--action", "run_inference", "--float32-stages", "5"}, "invalid --float32-stages 5"},
           {{"--action", "run_inference", "--clips-dir", (dir / "missing").string()}, "does not exist"},
           {{"--action", "inspect_checkpoint"}, "needs --checkpoint FILE"}}) {
    const CliRun r = run(c.args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
}

TEST(Cli, HelpAndVersion) {
  const CliRun h = run({"--help"});
  EXPECT_EQ(h.code, 0);
  for (const char* s : {"--frame-range A-B", "Exit codes", "130 interrupted", "--skip-existing", "--json"}) {
    EXPECT_NE(h.out.find(s), std::string::npos) << s;
  }
  const CliRun v = run({"--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.out.find("LibTorch: 2."), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("CUDA build: "), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("CUDA device: "), std::string::npos) << v.out;
}

TEST(Cli, CheckpointErrorsExitThree) {
  TempDir dir;
  make_clip(dir / "clips", "shot", {"f0"});
  ck::test::write_bytes(dir / "bad.safetensors", "not a checkpoint at all");
  auto args = base_args(dir);
  args[5] = (dir / "bad.safetensors").string();
  const CliRun r = run(args);
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("bad.safetensors"), std::string::npos) << r.err;
}

TEST(Cli, FirstRunDownloadsVerifiesLoadsAndRuns) {
  ck::test::HubServer server;
  server.set("CorridorKey.safetensors", {ck::test::HubResponse::Kind::Serve,
                                         ck::test::read_bytes(fixtures() / "tiny" / "CorridorKey.safetensors")});
  TempDir dir;
  make_clip(dir / "clips", "shot", {"f0"});
  const CliRun r = run({"--action", "run_inference", "--clips-dir", (dir / "clips").string(), "--checkpoint-dir",
                        (dir / "ck").string(), "--img-size", "128"},
                       {"HF_ENDPOINT=" + server.endpoint(), "HF_HUB_CACHE=" + (dir / "hf").string(), "HF_TOKEN="});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "ck" / "CorridorKey.safetensors"));
  EXPECT_TRUE(fs::exists(dir / "clips" / "shot" / "Output" / "Matte" / "f0.exr"));
  EXPECT_EQ(server.count("CorridorKey.pth"), 0);
  const CliRun offline = run({"--action", "run_inference", "--clips-dir", (dir / "clips").string(), "--checkpoint-dir",
                              (dir / "empty").string()},
                             {"HF_HUB_OFFLINE=1", "HF_HUB_CACHE=" + (dir / "hf").string()});
  EXPECT_EQ(offline.code, 3);
  EXPECT_NE(offline.err.find("HF_HUB_OFFLINE=1"), std::string::npos) << offline.err;
}

TEST(Cli, InspectCheckpoint) {
  const CliRun r =
      run({"--action", "inspect_checkpoint", "--checkpoint", (fixtures() / "tiny" / "CorridorKey.pth").string(),
           "--json", "--verify", "--compare", (fixtures() / "tiny" / "CorridorKey.safetensors").string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"tensors\":151"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"identical\":true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CorridorKey GreenFormer: Hiera embed 16, heads 1, stages 1-2-2-1"), std::string::npos) << r.out;
  TempDir dir;
  ck::write_safetensors(dir / "other.safetensors", {{"fc.weight", at::zeros({2, 2})}});
  const CliRun other = run({"--action", "inspect_checkpoint", "--checkpoint", (dir / "other.safetensors").string()});
  EXPECT_EQ(other.code, 0);
  EXPECT_NE(other.out.find("not a CorridorKey checkpoint"), std::string::npos) << other.out;
}

}  // namespace
