// Plates as a studio hands them over, through clip_manager: colour spaces through OpenColorIO
// (checked against OpenColorIO's own ocioconvert), EXR windows and metadata carried to the outputs,
// `list` naming formats and colour, and broken plates, videos and configs reported, not fatal.
#include <ImfHeader.h>
#include <ImfInputFile.h>
#include <ImfStandardAttributes.h>
#include <OpenImageIO/imageio.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "cli_support.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;
using ck::test::fixtures;
using ck::test::run_cli;
using ck::test::TempDir;
using ck::test::with;

namespace {

const fs::path kConfig =
    fs::path(CORRIDORKEY_BINARY_DIR) / "share/corridorkey/ocio/studio-config-v1.0.0_aces-v1.3_ocio-v2.1.ocio";

bool have_ocioconvert() { return std::system("command -v ocioconvert > /dev/null") == 0; }

std::vector<std::string> key_args(const fs::path& clips) {
  return {"--action",          "run_inference",
          "--clips-dir",       clips.string(),
          "--checkpoint",      (fixtures() / "tiny" / "CorridorKey.safetensors").string(),
          "--img-size",        "128",
          "--threads",         "1",
          "--screen-color",    "green",
          "--exr-datatype",    "float",
          "--exr-compression", "zip"};
}

// A clip <clips>/<name> whose one plate is `plate` (copied as Input/f0<ext>), with the fixture hint.
void clip_with(const fs::path& clips, const std::string& name, const fs::path& plate) {
  fs::create_directories(clips / name / "Input");
  fs::create_directories(clips / name / "AlphaHint");
  fs::copy_file(plate, clips / name / "Input" / ("f0" + plate.extension().string()));
  fs::copy_file(fixtures() / "frame" / "hint.png", clips / name / "AlphaHint" / "f0.png");
}

void ocioconvert(const fs::path& in, const std::string& from, const fs::path& out, const std::string& to) {
  const std::string cmd = "OCIO='" + kConfig.string() + "' ocioconvert '" + in.string() + "' '" + from + "' '" +
                          out.string() + "' '" + to + "' > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

// All channels of an EXR as float, with its header.
cv::Mat read_all(const fs::path& file, int channels) {
  auto in = OIIO::ImageInput::open(file.string());
  EXPECT_TRUE(in) << file;
  if (!in) return {};
  const auto& s = in->spec();
  cv::Mat m(s.height, s.width, CV_32FC(channels));
  EXPECT_EQ(s.nchannels, channels) << file;
  in->read_image(0, 0, 0, channels, OIIO::TypeDesc::FLOAT, m.data);
  return m;
}

double max_diff(const fs::path& a, const fs::path& b, int channels) {
  return cv::norm(read_all(a, channels), read_all(b, channels), cv::NORM_INF);
}

}  // namespace

TEST(Colour, ALogC3PlateKeysAsOcioconvertsLinearConversionDoes) {
  if (!have_ocioconvert()) GTEST_SKIP() << "ocioconvert not on PATH (Debian: apt install opencolorio-tools)";
  TempDir dir;
  // A LogC3 plate made from the fixture's linear frame, then taken back to linear by ocioconvert.
  ocioconvert(fixtures() / "frame" / "input_linear.exr", "Linear Rec.709 (sRGB)", dir / "logc.exr",
              "ARRI LogC3 (EI800)");
  ocioconvert(dir / "logc.exr", "ARRI LogC3 (EI800)", dir / "lin.exr", "Linear Rec.709 (sRGB)");
  clip_with(dir / "a", "shot", dir / "logc.exr");
  clip_with(dir / "b", "shot", dir / "lin.exr");
  const auto a = run_cli(with(key_args(dir / "a"), {"--input-colorspace", "ARRI LogC3 (EI800)"}));
  ASSERT_EQ(a.code, 0) << a.err;
  const auto b = run_cli(with(key_args(dir / "b"), {"--linear"}));
  ASSERT_EQ(b.code, 0) << b.err;
  for (const auto& [folder, channels] : {std::pair{"FG", 3}, {"Matte", 1}, {"Processed", 4}}) {
    const fs::path out = fs::path("shot") / "Output" / folder / "f0.exr";
    EXPECT_LE(max_diff(dir / "a" / out, dir / "b" / out, channels), 1e-4) << folder;
  }
  // After the conversion the outputs are of Rec.709 primaries, and say so.
  Imf::InputFile fg_in((dir / "a" / "shot" / "Output" / "FG" / "f0.exr").c_str());
  ASSERT_TRUE(Imf::hasChromaticities(fg_in.header()));
  EXPECT_NEAR(Imf::chromaticities(fg_in.header()).red.x, 0.64f, 1e-4f);
  // The comparison can tell: the log plate keyed without its colour space gives another key.
  clip_with(dir / "c", "shot", dir / "logc.exr");
  ASSERT_EQ(run_cli(with(key_args(dir / "c"), {"--linear"})).code, 0);
  const fs::path fg = fs::path("shot") / "Output" / "FG" / "f0.exr";
  EXPECT_GT(max_diff(dir / "c" / fg, dir / "b" / fg, 3), 1e-2);
}

TEST(Colour, SrgbTextureIsTheDefaultAndLinearRec709IsLinearBitForBit) {
  TempDir dir;
  for (const char* run : {"default", "srgb_tx", "linear", "lin_rec709"}) {
    const bool exr = std::string(run) == "linear" || std::string(run) == "lin_rec709";
    clip_with(dir / run, "shot", fixtures() / "frame" / (exr ? "input_linear.exr" : "input.png"));
  }
  ASSERT_EQ(run_cli(key_args(dir / "default")).code, 0);
  ASSERT_EQ(run_cli(with(key_args(dir / "srgb_tx"), {"--input-colorspace", "sRGB - Texture"})).code, 0);
  ASSERT_EQ(run_cli(with(key_args(dir / "linear"), {"--linear"})).code, 0);
  ASSERT_EQ(run_cli(with(key_args(dir / "lin_rec709"), {"--input-colorspace", "lin_rec709_srgb"})).code, 0);
  for (const auto& [x, y] : {std::pair{"default", "srgb_tx"}, {"linear", "lin_rec709"}}) {
    for (const char* f : {"FG/f0.exr", "Matte/f0.exr", "Processed/f0.exr", "Comp/f0.png"}) {
      const fs::path out = fs::path("shot") / "Output" / f;
      EXPECT_EQ(ck::test::read_bytes(dir / x / out), ck::test::read_bytes(dir / y / out)) << x << " " << y << " " << f;
    }
  }
}

TEST(Colour, OutputColorspaceConvertsProcessedAndSaysSoInItsChromaticities) {
  if (!have_ocioconvert()) GTEST_SKIP() << "ocioconvert not on PATH";
  TempDir dir;
  clip_with(dir / "a", "shot", fixtures() / "frame" / "input.png");
  ASSERT_EQ(run_cli(key_args(dir / "a")).code, 0);
  clip_with(dir / "b", "shot", fixtures() / "frame" / "input.png");
  const auto r = run_cli(with(key_args(dir / "b"), {"--output-colorspace", "acescg"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const fs::path processed = fs::path("shot") / "Output" / "Processed" / "f0.exr";
  ocioconvert(dir / "a" / processed, "Linear Rec.709 (sRGB)", dir / "want.exr", "ACEScg");
  EXPECT_LE(max_diff(dir / "b" / processed, dir / "want.exr", 4), 1e-4);
  Imf::InputFile in((dir / "b" / processed).c_str());
  ASSERT_TRUE(Imf::hasChromaticities(in.header()));
  EXPECT_NEAR(Imf::chromaticities(in.header()).red.x, 0.713f, 1e-4f) << "AP1";
  EXPECT_NEAR(Imf::chromaticities(in.header()).white.x, 0.32168f, 1e-4f) << "ACES white";
  // FG is the network's sRGB colour either way, and says nothing of ACEScg.
  const fs::path fg = fs::path("shot") / "Output" / "FG" / "f0.exr";
  EXPECT_EQ(max_diff(dir / "a" / fg, dir / "b" / fg, 3), 0.0);
  Imf::InputFile fg_in((dir / "b" / fg).c_str());
  EXPECT_FALSE(Imf::hasChromaticities(fg_in.header())) << "a PNG plate has no primaries to pass on";
}

TEST(Colour, UnknownSpacesAndBrokenConfigsAreUsageErrors) {
  TempDir dir;
  clip_with(dir / "c", "shot", fixtures() / "frame" / "input.png");
  auto r = run_cli(with(key_args(dir / "c"), {"--input-colorspace", "LogC3"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("ARRI LogC3 (EI800)"), std::string::npos) << "names the closest: " << r.err;
  r = run_cli(with(key_args(dir / "c"), {"--output-colorspace", "ACEScgg"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("ACEScg"), std::string::npos) << r.err;
  std::ofstream(dir / "broken.ocio") << "ocio_profile_version: 2\nroles: [\n";
  r = run_cli(with(key_args(dir / "c"), {"--input-colorspace", "ACEScg"}), {"OCIO=" + (dir / "broken.ocio").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("broken.ocio"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "c" / "shot" / "Output" / "FG" / "f0.exr")) << "nothing is keyed";
  r = run_cli({"--list-colorspaces"});
  EXPECT_EQ(r.code, 0) << r.err;
  for (const char* name : {"ARRI LogC3 (EI800)", "ARRI LogC4", "S-Log3 S-Gamut3", "Log3G10 REDWideGamutRGB", "ACEScg",
                           "ACES2065-1", "Linear Rec.709 (sRGB)", "sRGB - Texture"})
    EXPECT_NE(r.out.find(std::string(name) + "\n"), std::string::npos) << name;
  r = run_cli({"--list-colorspaces"}, {"OCIO=" + kConfig.string()});
  EXPECT_NE(r.out.find("$OCIO"), std::string::npos) << "says which config: " << r.out.substr(0, 200);
}

TEST(Plates, AnExrWithOverscanKeysItsDisplayWindowAndTheOutputsCarryItsHeader) {
  TempDir dir;
  // The fixture's linear frame inside a larger data window (8 px of overscan), with a timecode,
  // a pixel aspect and AP1 chromaticities.
  const cv::Mat lin = ck::read_plate(fixtures() / "frame" / "input_linear.exr");
  cv::Mat data;
  cv::copyMakeBorder(lin, data, 8, 8, 8, 8, cv::BORDER_REFLECT);
  ck::ExrAttributes a;
  a.data_window = ck::ImageBox{-8, -8, data.cols, data.rows};
  a.display_window = ck::ImageBox{0, 0, lin.cols, lin.rows};
  a.pixel_aspect = 2.0f;
  a.timecode = std::array<std::uint32_t, 2>{0x01020304u, 0u};
  a.chromaticities = std::array<float, 8>{0.713f, 0.293f, 0.165f, 0.830f, 0.128f, 0.044f, 0.32168f, 0.33767f};
  fs::create_directories(dir / "tmp");
  ck::write_exr(dir / "tmp" / "plate.exr", data, ck::ExrCompression::zip, ck::ExrDataType::float32, a);
  clip_with(dir / "w", "shot", dir / "tmp" / "plate.exr");
  clip_with(dir / "p", "shot", fixtures() / "frame" / "input_linear.exr");
  ASSERT_EQ(run_cli(with(key_args(dir / "w"), {"--linear"})).code, 0);
  ASSERT_EQ(run_cli(with(key_args(dir / "p"), {"--linear"})).code, 0);
  for (const auto& [folder, channels] : {std::pair{"FG", 3}, {"Matte", 1}, {"Processed", 4}}) {
    const fs::path out = dir / "w" / "shot" / "Output" / folder / "f0.exr";
    Imf::InputFile in(out.c_str());
    const Imf::Header& h = in.header();
    EXPECT_EQ(h.dataWindow(), Imath::Box2i({-8, -8}, {lin.cols + 7, lin.rows + 7})) << folder;
    EXPECT_EQ(h.displayWindow(), Imath::Box2i({0, 0}, {lin.cols - 1, lin.rows - 1})) << folder;
    EXPECT_FLOAT_EQ(h.pixelAspectRatio(), 2.0f);
    EXPECT_TRUE(Imf::hasTimeCode(h) && Imf::timeCode(h).timeAndFlags() == 0x01020304u) << folder;
    EXPECT_TRUE(Imf::hasChromaticities(h) && Imf::chromaticities(h).red.x == 0.713f) << folder;
    // The display window holds the key of the plate without overscan; the overscan is black.
    const cv::Mat got = read_all(out, channels);
    const cv::Mat want = read_all(dir / "p" / "shot" / "Output" / folder / "f0.exr", channels);
    EXPECT_EQ(cv::norm(got(cv::Rect(8, 8, lin.cols, lin.rows)), want, cv::NORM_INF), 0.0) << folder;
    EXPECT_EQ(cv::norm(got(cv::Rect(0, 0, got.cols, 8)), cv::NORM_INF), 0.0) << folder;
  }
}

TEST(Plates, ListShowsFormatDepthAndColourAndBrokenPlatesFailAlone) {
  TempDir dir;
  const fs::path clips = dir / "clips";
  // A 10-bit DPX sequence of three frames, the second truncated.
  fs::create_directories(clips / "dpx" / "Input");
  fs::create_directories(clips / "dpx" / "AlphaHint");
  const cv::Mat png = ck::read_plate(fixtures() / "frame" / "input.png");
  for (int f = 0; f < 3; ++f) {
    const fs::path file = clips / "dpx" / "Input" / ("f" + std::to_string(f) + ".dpx");
    auto out = OIIO::ImageOutput::create(file.string());
    OIIO::ImageSpec spec(png.cols, png.rows, 3, OIIO::TypeDesc::UINT16);
    spec.attribute("oiio:BitsPerSample", 10);
    cv::Mat s;
    png.convertTo(s, CV_16U, 257.0);
    ASSERT_TRUE(out->open(file.string(), spec) && out->write_image(OIIO::TypeDesc::UINT16, s.data));
    out->close();
    fs::copy_file(fixtures() / "frame" / "hint.png", clips / "dpx" / "AlphaHint" / ("f" + std::to_string(f) + ".png"));
  }
  const fs::path broken = clips / "dpx" / "Input" / "f1.dpx";
  fs::resize_file(broken, fs::file_size(broken) / 3);
  // A clip whose Input.mp4 has no video stream.
  fs::create_directories(clips / "audio");
  const bool ffmpeg = std::system(("ffmpeg -v error -y -f lavfi -i sine=duration=0.3 -c:a aac '" +
                                   (clips / "audio" / "Input.mp4").string() + "'")
                                      .c_str()) == 0;
  auto r = run_cli({"--action", "list", "--clips-dir", clips.string(), "--json", "--screen-color", "green"});
  EXPECT_NE(r.out.find("\"format\":\"dpx\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"bits\":10"), std::string::npos) << r.out;
  r = run_cli(key_args(clips));
  EXPECT_EQ(r.code, 1) << "one frame and one clip failed: " << r.err;
  EXPECT_TRUE(fs::exists(clips / "dpx" / "Output" / "Matte" / "f0.exr"));
  EXPECT_TRUE(fs::exists(clips / "dpx" / "Output" / "Matte" / "f2.exr"));
  EXPECT_FALSE(fs::exists(clips / "dpx" / "Output" / "Matte" / "f1.exr"));
  EXPECT_NE(r.err.find("f1.dpx"), std::string::npos) << r.err;
  if (ffmpeg) {
    EXPECT_NE(r.err.find("audio"), std::string::npos) << r.err;
  }
}

TEST(Plates, AVideoChunkSeeksToItsFramesAndWritesWhatTheFullRunWrites) {
  if (std::system("command -v ffmpeg > /dev/null") != 0) GTEST_SKIP() << "ffmpeg not on PATH";
  TempDir dir;
  // 30 frames with keyframes every 10 and B-frames: frame 20 is reached by a seek, not by decoding.
  for (const char* run : {"full", "chunk"}) {
    const fs::path clip = dir / run / "shot";
    fs::create_directories(clip);
    const std::string src =
        "ffmpeg -v error -y -f lavfi -i testsrc2=size=160x96:rate=25 -frames:v 30 -c:v libx264 "
        "-g 10 -bf 2 -pix_fmt yuv420p ";
    ASSERT_EQ(std::system((src + "'" + (clip / "Input.mp4").string() + "'").c_str()), 0);
    ASSERT_EQ(std::system((src + "-vf hue=s=0 '" + (clip / "AlphaHint.mp4").string() + "'").c_str()), 0);
  }
  const std::vector<std::string> outputs = {"--outputs", "matte,processed"};
  ASSERT_EQ(run_cli(with(key_args(dir / "full"), outputs)).code, 0);
  const auto chunk = run_cli(with(key_args(dir / "chunk"), with(outputs, {"--frame-range", "20-24"})));
  ASSERT_EQ(chunk.code, 0) << chunk.err;
  for (int f = 20; f <= 24; ++f) {
    for (const char* folder : {"Matte", "Processed"}) {
      const fs::path out = fs::path("shot") / "Output" / folder / ("000" + std::to_string(f) + ".exr");
      EXPECT_EQ(ck::test::read_bytes(dir / "chunk" / out), ck::test::read_bytes(dir / "full" / out)) << out;
    }
  }
  EXPECT_FALSE(fs::exists(dir / "chunk" / "shot" / "Output" / "Matte" / "00019.exr"));
}
