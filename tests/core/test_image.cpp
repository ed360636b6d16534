// Plain pixel buffers as tensors (corridorkey/image.hpp): layouts a host hands over, and the
// malformed views it must refuse.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "corridorkey/errors.hpp"
#include "corridorkey/image.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;

namespace {

TEST(ImageView, PackedRowsAreAliasedNotCopied) {
  std::vector<std::uint8_t> px{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};  // 2x2 RGB
  const at::Tensor t = ck::to_tensor({.data = px.data(), .width = 2, .height = 2, .channels = 3});
  EXPECT_EQ(t.sizes(), (std::vector<std::int64_t>{2, 2, 3}));
  EXPECT_EQ(t.scalar_type(), at::kByte);
  EXPECT_EQ(t.data_ptr(), px.data());
  EXPECT_EQ(t[1][0][2].item<int>(), 9);
}

TEST(ImageView, PaddedRowsFollowTheStride) {
  std::vector<float> px(3 * 4, -1.0f);  // 3 rows of 2 one-channel pixels, 2 floats of padding each
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 2; ++x) px[y * 4 + x] = static_cast<float>(10 * y + x);
  const at::Tensor t = ck::to_tensor({.data = px.data(),
                                      .width = 2,
                                      .height = 3,
                                      .channels = 1,
                                      .type = ck::PixelType::Float32,
                                      .row_stride = 4 * sizeof(float)});
  EXPECT_TRUE(at::equal(t.squeeze(2), at::tensor({0.f, 1.f, 10.f, 11.f, 20.f, 21.f}).view({3, 2})));
}

TEST(ImageView, BottomUpRowsComeOutTopDown) {
  // Memory holds the bottom row first; `data` points at the top row, the stride is negative.
  std::vector<std::uint16_t> px{200, 201, 100, 101, 0, 1};  // rows 2, 1, 0 in memory
  const at::Tensor t = ck::to_tensor({.data = px.data() + 4,
                                      .width = 2,
                                      .height = 3,
                                      .channels = 1,
                                      .type = ck::PixelType::UInt16,
                                      .row_stride = -2 * static_cast<std::ptrdiff_t>(sizeof(std::uint16_t))});
  EXPECT_EQ(t.scalar_type(), at::kUInt16);
  const at::Tensor values = t.view(at::kShort).to(at::kInt).squeeze(2);
  EXPECT_TRUE(at::equal(values, at::tensor({0, 1, 100, 101, 200, 201}, at::kInt).view({3, 2})));
  px[4] = 9;  // a copy: the tensor no longer sees the buffer
  EXPECT_EQ(t.view(at::kShort)[0][0][0].item<int>(), 0);
}

TEST(ImageView, MalformedViewsAreRefusedNamingTheField) {
  std::vector<std::uint8_t> px(64);
  const auto error = [](const ck::ImageView& v) { return ck::test::error_of([&] { ck::to_tensor(v); }); };
  EXPECT_NE(error({.data = nullptr, .width = 1, .height = 1, .channels = 1}).find("data is null"), std::string::npos);
  EXPECT_NE(error({.data = px.data(), .width = 0, .height = 1, .channels = 1}).find("must be positive (got 0 x 1 x 1)"),
            std::string::npos);
  EXPECT_NE(error({.data = px.data(), .width = 4, .height = 2, .channels = 3, .row_stride = 8})
                .find("row stride 8 bytes must be a multiple of 1 and at least one row (12 bytes)"),
            std::string::npos);
  EXPECT_NE(
      error(
          {.data = px.data(), .width = 2, .height = 2, .channels = 1, .type = ck::PixelType::Float32, .row_stride = 10})
          .find("multiple of 4"),
      std::string::npos);
}

}  // namespace
