// Colour management through OpenColorIO with the bundled ACES 1.3 studio config: names and
// aliases, the plan for a run's plates, integer and float plates converted alike, and the EXR
// chromaticities of a colour space against the standards' primaries.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <opencv2/core.hpp>

#include "corridorkey/errors.hpp"
#include "corridorkey/io/color_config.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
using ck::test::TempDir;

namespace {

ck::ColorConfig bundled() { return ck::ColorConfig::from_file(ck::ColorConfig::bundled_path()); }

void expect_xy(const std::optional<std::array<float, 8>>& got, const std::array<float, 8>& want, float tol,
               const char* what) {
  ASSERT_TRUE(got.has_value()) << what;
  for (std::size_t i = 0; i < 8; ++i) EXPECT_NEAR((*got)[i], want[i], tol) << what << " value " << i;
}

}  // namespace

TEST(ColorConfig, ResolvesNamesAliasesAndAnyCase) {
  const ck::ColorConfig c = bundled();
  EXPECT_EQ(c.resolve("acescg", "--input-colorspace"), "ACEScg");
  EXPECT_EQ(c.resolve("lin_rec709_srgb", "--input-colorspace"), "Linear Rec.709 (sRGB)");
  EXPECT_EQ(c.resolve("arri logc4", "--input-colorspace"), "ARRI LogC4");
  try {
    c.resolve("S-Log3", "--input-colorspace");
    FAIL() << "a name the config does not have";
  } catch (const ck::UsageError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("--input-colorspace 'S-Log3'"), std::string::npos) << m;
    EXPECT_NE(m.find("S-Log3 S-Gamut3"), std::string::npos) << "the closest names: " << m;
  }
}

TEST(ColorConfig, PlansTheDefaultTheLinearPathAndConversions) {
  const ck::ColorConfig c = bundled();
  EXPECT_EQ(ck::plan_input_color(c, "sRGB - Texture").mode, ck::InputColor::Mode::srgb);
  EXPECT_EQ(ck::plan_input_color(c, "srgb_tx").mode, ck::InputColor::Mode::srgb);
  EXPECT_EQ(ck::plan_input_color(c, "Linear Rec.709 (sRGB)").mode, ck::InputColor::Mode::linear);
  const ck::InputColor logc = ck::plan_input_color(c, "ARRI LogC3 (EI800)");
  EXPECT_EQ(logc.mode, ck::InputColor::Mode::convert);
  // LogC3's code for 18% grey is about 0.391; it decodes to 0.18 in any linear space with a D65 white.
  const auto grey = logc.to_linear.apply({0.3910f, 0.3910f, 0.3910f});
  for (float v : grey) EXPECT_NEAR(v, 0.18f, 2e-3f);
}

TEST(ColorConfig, IntegerPlatesConvertAsTheirFloatValuesDo) {
  const ck::ColorConfig c = bundled();
  const ck::ColorConversion logc = c.conversion("ARRI LogC3 (EI800)", c.linear_rec709());
  cv::Mat u16(17, 33, CV_16UC3), u8(17, 33, CV_8UC3);
  cv::randu(u16, 0, 65535);
  cv::randu(u8, 0, 255);
  for (const cv::Mat& m : {u16, u8}) {
    cv::Mat f;
    m.convertTo(f, CV_32F, m.depth() == CV_16U ? 1.0 / 65535.0 : 1.0 / 255.0);
    const cv::Mat want = f.clone();
    logc.apply(const_cast<cv::Mat&>(want));
    const cv::Mat got = logc.converted(m);
    ASSERT_EQ(got.type(), CV_32FC3);
    cv::Mat rel;
    cv::absdiff(got, want, rel);
    double worst = 0;
    cv::minMaxLoc(rel.reshape(1), nullptr, &worst);
    EXPECT_LE(worst, 1e-5) << "depth " << m.depth();
    EXPECT_GT(cv::norm(want, f, cv::NORM_INF), 0.1) << "and the conversion does something";
  }
}

TEST(ColorConfig, ChromaticitiesOfKnownSpacesMatchTheStandards) {
  const ck::ColorConfig c = bundled();
  expect_xy(c.chromaticities("Linear Rec.709 (sRGB)"), {0.64f, 0.33f, 0.30f, 0.60f, 0.15f, 0.06f, 0.3127f, 0.3290f},
            2e-4f, "Rec.709");
  expect_xy(c.chromaticities("sRGB - Texture"), {0.64f, 0.33f, 0.30f, 0.60f, 0.15f, 0.06f, 0.3127f, 0.3290f}, 2e-4f,
            "sRGB");
  expect_xy(c.chromaticities("Linear Rec.2020"), {0.708f, 0.292f, 0.170f, 0.797f, 0.131f, 0.046f, 0.3127f, 0.3290f},
            2e-4f, "Rec.2020");
  expect_xy(c.chromaticities("ARRI LogC3 (EI800)"),
            {0.6840f, 0.3130f, 0.2210f, 0.8480f, 0.0861f, -0.1020f, 0.3127f, 0.3290f}, 2e-3f, "ARRI Wide Gamut 3");
  expect_xy(c.chromaticities("ACEScg"), {0.713f, 0.293f, 0.165f, 0.830f, 0.128f, 0.044f, 0.32168f, 0.33767f}, 1e-6f,
            "AP1");
  expect_xy(c.chromaticities("ACES2065-1"), {0.7347f, 0.2653f, 0.0f, 1.0f, 0.0001f, -0.077f, 0.32168f, 0.33767f}, 1e-6f,
            "AP0");
  EXPECT_FALSE(c.chromaticities("Raw").has_value()) << "data has no primaries";
}

TEST(ColorConfig, ChromaticitiesOfAnUnlistedSpaceAreMeasuredThroughItsConversion) {
  // A studio's own space: P3-D65 primaries under a 2.2 gamma, defined by its matrix to Rec.709.
  TempDir dir;
  std::ofstream(dir / "studio.ocio") << R"(ocio_profile_version: 2
roles:
  default: lin_rec709_srgb
  scene_linear: lin_rec709_srgb
displays:
  sRGB:
    - !<View> {name: Raw, colorspace: raw}
colorspaces:
  - !<ColorSpace>
    name: lin_rec709_srgb
    isdata: false
  - !<ColorSpace>
    name: raw
    isdata: true
  - !<ColorSpace>
    name: studio gamma
    isdata: false
    to_scene_reference: !<GroupTransform>
      children:
        - !<ExponentTransform> {value: 2.2}
        - !<MatrixTransform> {matrix: [1.2249, -0.2247, 0, 0, -0.0420, 1.0419, 0, 0, -0.0197, -0.0786, 1.0979, 0, 0, 0, 0, 1]}
)";
  const ck::ColorConfig c = ck::ColorConfig::from_file(dir / "studio.ocio");
  EXPECT_EQ(c.linear_rec709(), "lin_rec709_srgb");
  EXPECT_EQ(c.srgb_texture(), "");
  expect_xy(c.chromaticities("studio gamma"), {0.680f, 0.320f, 0.265f, 0.690f, 0.150f, 0.060f, 0.3127f, 0.3290f}, 1e-3f,
            "P3-D65 measured");
  EXPECT_FALSE(c.chromaticities("raw").has_value());
  // Without an sRGB texture space, sRGB is never assumed: the plan converts.
  EXPECT_EQ(ck::plan_input_color(c, "studio gamma").mode, ck::InputColor::Mode::convert);
}

TEST(ColorConfig, OcioEnvironmentWinsAndBrokenConfigsNameTheirFile) {
  TempDir dir;
  const std::string old = std::getenv("OCIO") ? std::getenv("OCIO") : "";
  ::setenv("OCIO", ck::ColorConfig::bundled_path().c_str(), 1);
  EXPECT_NE(ck::ColorConfig::load().source().find("$OCIO"), std::string::npos);
  std::ofstream(dir / "broken.ocio") << "ocio_profile_version: 2\ncolorspaces: [\n";
  ::setenv("OCIO", (dir / "broken.ocio").c_str(), 1);
  try {
    ck::ColorConfig::load();
    ADD_FAILURE() << "a broken $OCIO loads";
  } catch (const ck::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("broken.ocio"), std::string::npos) << e.what();
  }
  ::unsetenv("OCIO");
  EXPECT_NE(ck::ColorConfig::load().source().find("bundled ACES 1.3"), std::string::npos);
  if (!old.empty()) ::setenv("OCIO", old.c_str(), 1);
}
