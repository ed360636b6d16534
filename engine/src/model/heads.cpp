// The two decoder heads (alpha: 1 channel, fg: 3 channels) and the dilated residual CNN refiner.
#include <ATen/ATen.h>

#include "corridorkey/model.hpp"

namespace corridorkey {

at::Tensor GreenFormer::decoder(const std::string& prefix, const std::vector<at::Tensor>& features) const {
  const at::Tensor& c1 = features[0];
  const std::vector<std::int64_t> size{c1.size(2), c1.size(3)};
  std::vector<at::Tensor> parts;
  for (int i = 3; i >= 0; --i) {  // concatenated as [c4, c3, c2, c1]
    const at::Tensor& c = features[static_cast<std::size_t>(i)];
    const std::string l = prefix + "linear_c" + std::to_string(i + 1) + ".proj.";
    at::Tensor e = at::linear(c.flatten(2).transpose(1, 2), w(l + "weight"), w(l + "bias"))
                       .transpose(1, 2)
                       .reshape({c.size(0), -1, c.size(2), c.size(3)});
    if (i > 0) e = at::upsample_bilinear2d(e, size, /*align_corners=*/false);
    parts.push_back(e);
  }
  at::Tensor x = at::conv2d(at::cat(parts, 1), w(prefix + "linear_fuse.weight"));
  x = at::batch_norm(x, w(prefix + "bn.weight"), w(prefix + "bn.bias"), w(prefix + "bn.running_mean"),
                     w(prefix + "bn.running_var"), /*training=*/false, 0.1, 1e-5, /*cudnn_enabled=*/true);
  x = at::relu(x);
  return at::conv2d(x, w(prefix + "classifier.weight"), w(prefix + "classifier.bias"));
}

at::Tensor GreenFormer::refiner(const at::Tensor& input) const {
  auto gn = [&](const at::Tensor& x, const std::string& p) {
    return at::group_norm(x, 8, w(p + "weight"), w(p + "bias"), 1e-5);
  };
  at::Tensor x =
      at::relu(gn(at::conv2d(input, w("refiner.stem.0.weight"), w("refiner.stem.0.bias"), 1, 1), "refiner.stem.1."));
  const int dilations[] = {1, 2, 4, 8};
  for (int r = 0; r < 4; ++r) {
    const std::string p = "refiner.res" + std::to_string(r + 1) + ".";
    const std::int64_t d = dilations[r];
    at::Tensor y = at::relu(gn(at::conv2d(x, w(p + "conv1.weight"), w(p + "conv1.bias"), 1, d, d), p + "gn1."));
    y = gn(at::conv2d(y, w(p + "conv2.weight"), w(p + "conv2.bias"), 1, d, d), p + "gn2.");
    x = at::relu(y + x);
  }
  return at::conv2d(x, w("refiner.final.weight"), w("refiner.final.bias")) * 10.0;
}

}  // namespace corridorkey
