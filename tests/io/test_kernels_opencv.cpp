// The core's CPU twins against the OpenCV calls the reference makes (despeckle steps, Lanczos4 and
// bilinear resizes, 8/16-bit scaling). OpenCV lives above the core, so these tests do too; the
// core's own kernel tests (tests/core/test_kernels_cpu.cpp) need no OpenCV.
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "corridorkey/io/frame_io.hpp"
#include "corridorkey_kernels/despeckle.hpp"
#include "corridorkey_kernels/resize.hpp"
#include "test_support.hpp"

namespace kn = corridorkey::kernels;
using corridorkey::test::random_floats;

namespace {

cv::Mat random_u8(int w, int h, unsigned seed, double density = -1) {
  std::mt19937 rng(seed);
  cv::Mat m(h, w, CV_8U);
  std::uniform_int_distribution<int> byte(0, 255);
  std::bernoulli_distribution on(density < 0 ? 0.5 : density);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) m.at<std::uint8_t>(y, x) = density < 0 ? byte(rng) : (on(rng) ? 255 : 0);
  return m;
}

// Blobs of every size on a sparse background: speckles below and above the area threshold.
cv::Mat blobs(int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  cv::Mat m = random_u8(w, h, seed, 0.01);
  for (int i = 0; i < 12; ++i) {
    const int r = std::uniform_int_distribution<int>(1, 30)(rng);
    cv::circle(m, {std::uniform_int_distribution<int>(0, w)(rng), std::uniform_int_distribution<int>(0, h)(rng)}, r,
               cv::Scalar(255), cv::FILLED);
  }
  return m;
}

int count_diff(const cv::Mat& a, const cv::Mat& b) { return cv::countNonZero(a != b); }

// The reference's clean_matte as OpenCV computes it: the oracle for the twin.
cv::Mat opencv_despeckle(const cv::Mat& alpha, int min_area) {
  cv::Mat mask = alpha > 0.5f, labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  cv::Mat cleaned = cv::Mat::zeros(alpha.size(), CV_8U);
  for (int y = 0; y < alpha.rows; ++y)
    for (int x = 0; x < alpha.cols; ++x) {
      const int l = labels.at<int>(y, x);
      if (l > 0 && l < n && stats.at<int>(l, cv::CC_STAT_AREA) >= min_area) cleaned.at<std::uint8_t>(y, x) = 255;
    }
  cv::dilate(cleaned, cleaned, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(51, 51)));
  cv::GaussianBlur(cleaned, cleaned, cv::Size(11, 11), 0);
  cv::Mat safe;
  cleaned.convertTo(safe, CV_32F, 1.0 / 255.0);
  return alpha.mul(safe);
}

}  // namespace

TEST(DespeckleTwin, EllipseMatchesOpenCvStructuringElement) {
  const cv::Mat e = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(51, 51));
  const auto widths = kn::ellipse_half_widths();
  for (int row = 0; row < 51; ++row) {
    int ones = 0;
    for (int x = 0; x < 51; ++x) ones += e.at<std::uint8_t>(row, x) ? 1 : 0;
    EXPECT_EQ(ones, 2 * widths[row] + 1) << "row " << row;
    EXPECT_EQ(e.at<std::uint8_t>(row, 25 - widths[row]), 1) << "row " << row;
  }
}

TEST(DespeckleTwin, GaussianBlurIsBitExactWithOpenCv) {
  for (const auto& [w, h] : std::vector<std::pair<int, int>>{{1, 1}, {3, 7}, {5, 2}, {11, 11}, {64, 33}, {257, 190}}) {
    for (double density : {-1.0, 0.3}) {
      const cv::Mat in = random_u8(w, h, static_cast<unsigned>(w * 131 + h), density);
      cv::Mat expected, got(in.size(), CV_8U);
      cv::GaussianBlur(in, expected, cv::Size(11, 11), 0);
      kn::cpu::gaussian_blur_11(in.data, got.data, w, h);
      EXPECT_EQ(count_diff(expected, got), 0) << w << "x" << h << " density " << density;
    }
  }
}

TEST(DespeckleTwin, DilationIsBitExactWithOpenCv) {
  const cv::Mat element = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(51, 51));
  for (const auto& [w, h] : std::vector<std::pair<int, int>>{{1, 1}, {7, 3}, {60, 80}, {301, 211}}) {
    for (double density : {0.0005, 0.01, 0.3}) {
      const cv::Mat in = random_u8(w, h, static_cast<unsigned>(w + 7 * h), density);
      cv::Mat expected, got(in.size(), CV_8U);
      cv::dilate(in, expected, element);
      kn::cpu::dilate_ellipse(in.data, got.data, w, h);
      EXPECT_EQ(count_diff(expected, got), 0) << w << "x" << h << " density " << density;
    }
  }
}

TEST(DespeckleTwin, ComponentsKeepTheSameSetAsOpenCv) {
  for (int min_area : {1, 2, 9, 400, 5000}) {
    const cv::Mat mask = blobs(320, 240, static_cast<unsigned>(min_area));
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
    cv::Mat expected = cv::Mat::zeros(mask.size(), CV_8U), got(mask.size(), CV_8U);
    for (int y = 0; y < mask.rows; ++y)
      for (int x = 0; x < mask.cols; ++x) {
        const int l = labels.at<int>(y, x);
        if (l > 0 && stats.at<int>(l, cv::CC_STAT_AREA) >= min_area) expected.at<std::uint8_t>(y, x) = 255;
      }
    EXPECT_EQ(kn::cpu::keep_large_components(mask.data, got.data, mask.cols, mask.rows, min_area), n - 1);
    EXPECT_EQ(count_diff(expected, got), 0) << "min_area " << min_area;
  }
}

TEST(DespeckleTwin, WholeDespeckleIsBitExactWithTheOpenCvPath) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int min_area : {1, 400}) {
    cv::Mat alpha(203, 311, CV_32F);
    const cv::Mat shapes = blobs(alpha.cols, alpha.rows, 99);
    for (int y = 0; y < alpha.rows; ++y)
      for (int x = 0; x < alpha.cols; ++x)
        alpha.at<float>(y, x) = shapes.at<std::uint8_t>(y, x) ? 0.5f + 0.5f * u(rng) : 0.5f * u(rng);
    const cv::Mat expected = opencv_despeckle(alpha, min_area);
    cv::Mat got(alpha.size(), CV_32F);
    kn::cpu::despeckle(alpha.ptr<float>(), got.ptr<float>(), alpha.cols, alpha.rows, min_area);
    EXPECT_EQ(cv::countNonZero(expected != got), 0) << "min_area " << min_area;
  }
}

TEST(ResizeTwin, Lanczos4MatchesOpenCv) {
  for (const auto& [ih, iw, oh, ow] : std::vector<std::array<int, 4>>{
           {51, 51, 108, 192}, {64, 64, 64, 64}, {40, 30, 17, 90}, {5, 6, 23, 2}, {128, 128, 1080, 1920}}) {
    for (int c : {1, 3}) {
      auto planar =
          random_floats(static_cast<std::size_t>(c) * ih * iw, -0.1f, 1.2f, static_cast<unsigned>(c * ih + iw));
      cv::Mat interleaved(ih, iw, CV_32FC(c));
      for (int y = 0; y < ih; ++y)
        for (int x = 0; x < iw; ++x)
          for (int k = 0; k < c; ++k)
            interleaved.ptr<float>(y)[x * c + k] = planar[(static_cast<std::size_t>(k) * ih + y) * iw + x];
      cv::Mat expected;
      cv::resize(interleaved, expected, cv::Size(ow, oh), 0, 0, cv::INTER_LANCZOS4);
      cv::Mat got(oh, ow, CV_32FC(c));
      kn::cpu::resize_lanczos4(planar.data(), got.ptr<float>(), c, ih, iw, oh, ow);
      EXPECT_LE(cv::norm(expected, got, cv::NORM_INF), 1e-5) << ih << "x" << iw << " -> " << oh << "x" << ow;
    }
  }
}

TEST(ResizeTwin, UnpackScalesLikeTheReference) {
  cv::Mat u8(3, 5, CV_8UC3), u16(3, 5, CV_16UC3), f(3, 5, CV_32FC3);
  cv::randu(u8, 0, 256), cv::randu(u16, 0, 65536), cv::randu(f, -1, 2);
  for (const cv::Mat& m : {u8, u16, f}) {
    std::vector<float> got(3 * 15);
    kn::cpu::unpack_planar(m.data, static_cast<int>(m.elemSize1()), got.data(), 3, 3, 5);
    const cv::Mat unit = corridorkey::to_unit_float(m);
    for (int i = 0; i < 15; ++i)
      for (int c = 0; c < 3; ++c) EXPECT_EQ(got[c * 15 + i], unit.ptr<float>()[i * 3 + c]) << "depth " << m.depth();
  }
}

TEST(ResizeTwin, BilinearMatchesOpenCvInterLinear) {
  // Enlarging and shrinking, one axis each way, an exact 2x shrink (OpenCV takes INTER_AREA there),
  // a single row and column, and the identity.
  for (const auto& [ih, iw, oh, ow] : std::vector<std::array<int, 4>>{{100, 150, 200, 300},
                                                                      {200, 300, 100, 150},
                                                                      {37, 53, 64, 20},
                                                                      {1, 9, 4, 5},
                                                                      {9, 1, 2, 6},
                                                                      {31, 29, 31, 29},
                                                                      {480, 640, 1080, 1920}}) {
    const auto in = random_floats(static_cast<std::size_t>(ih) * iw, 0.0f, 1.0f, static_cast<unsigned>(ih * 7 + iw));
    const cv::Mat src(ih, iw, CV_32F, const_cast<float*>(in.data()));
    cv::Mat expected, got(oh, ow, CV_32F);
    cv::resize(src, expected, cv::Size(ow, oh), 0, 0, cv::INTER_LINEAR);
    kn::cpu::resize_linear(in.data(), got.ptr<float>(), ih, iw, oh, ow);
    EXPECT_LE(cv::norm(expected, got, cv::NORM_INF), 2e-6) << ih << "x" << iw << " -> " << oh << "x" << ow;
  }
}
