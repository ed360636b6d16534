#include "corridorkey/io/color_config.hpp"

#include <OpenColorIO/OpenColorIO.h>

#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <opencv2/core.hpp>

#include "corridorkey/errors.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "corridorkey/text.hpp"

namespace OCIO = OCIO_NAMESPACE;

namespace corridorkey {
namespace fs = std::filesystem;
namespace {

constexpr const char* kBundledName = "studio-config-v1.0.0_aces-v1.3_ocio-v2.1.ocio";

const OCIO::Config& config_of(const std::shared_ptr<const void>& p) {
  return *static_cast<const OCIO::Config*>(p.get());
}

const OCIO::CPUProcessor& cpu_of(const std::shared_ptr<const void>& p) {
  return *static_cast<const OCIO::CPUProcessor*>(p.get());
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The first of `candidates` the config knows (by name or alias), or "".
std::string first_known(const OCIO::Config& config, std::initializer_list<const char*> candidates) {
  for (const char* c : candidates) {
    if (auto cs = config.getColorSpace(c)) return cs->getName();
  }
  return {};
}

// Rec.709 / sRGB linear RGB to CIE XYZ (D65).
constexpr float kRec709ToXyz[3][3] = {
    {0.4123908f, 0.3575843f, 0.1804808f}, {0.2126390f, 0.7151687f, 0.0721923f}, {0.0193308f, 0.1191948f, 0.9505322f}};

std::array<float, 2> xy_of_rec709(const std::array<float, 3>& rgb) {
  float xyz[3];
  for (int r = 0; r < 3; ++r)
    xyz[r] = kRec709ToXyz[r][0] * rgb[0] + kRec709ToXyz[r][1] * rgb[1] + kRec709ToXyz[r][2] * rgb[2];
  const float sum = xyz[0] + xyz[1] + xyz[2];
  return {xyz[0] / sum, xyz[1] / sum};
}

// Runs `row(y)` for every row of an image, in bands on the engine's threads.
template <class F>
void each_row(int rows, F&& row) {
  at::parallel_for(0, rows, 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t y = begin; y < end; ++y) row(static_cast<int>(y));
  });
}

}  // namespace

void ColorConversion::apply(cv::Mat& rgb) const {
  if (!processor_) return;
  if (rgb.type() != CV_32FC3) throw FrameError("a colour conversion needs a float RGB image");
  const OCIO::CPUProcessor& cpu = cpu_of(processor_);
  each_row(rgb.rows, [&](int y) {
    OCIO::PackedImageDesc row(rgb.ptr<float>(y), rgb.cols, 1, 3);
    cpu.apply(row);
  });
}

void ColorConversion::apply_premultiplied(cv::Mat& rgba) const {
  if (!processor_) return;
  if (rgba.type() != CV_32FC4) throw FrameError("a colour conversion of premultiplied pixels needs float RGBA");
  const OCIO::CPUProcessor& cpu = cpu_of(processor_);
  each_row(rgba.rows, [&](int y) {
    float* p = rgba.ptr<float>(y);
    for (int x = 0; x < rgba.cols; ++x) {
      const float a = p[4 * x + 3];
      if (a > 0.0f)
        for (int c = 0; c < 3; ++c) p[4 * x + c] /= a;
    }
    OCIO::PackedImageDesc row(p, rgba.cols, 1, 4);
    cpu.apply(row);
    for (int x = 0; x < rgba.cols; ++x) {
      const float a = p[4 * x + 3];
      if (a > 0.0f)
        for (int c = 0; c < 3; ++c) p[4 * x + c] *= a;
    }
  });
}

cv::Mat ColorConversion::converted(const cv::Mat& rgb) const {
  if (rgb.depth() == CV_32F || !processor_) {
    cv::Mat f = to_unit_float(rgb);
    if (f.data == rgb.data) f = rgb.clone();
    apply(f);
    return f;
  }
  if (rgb.channels() != 3 || (rgb.depth() != CV_8U && rgb.depth() != CV_16U))
    throw FrameError("a colour conversion needs an RGB image of 8 or 16-bit codes or floats");
  // Integer codes through the processor for that input depth.
  const bool wide = rgb.depth() == CV_16U;
  const OCIO::CPUProcessor& cpu = cpu_of(wide ? from_u16_ : from_u8_);
  const std::ptrdiff_t value = wide ? 2 : 1;
  cv::Mat out(rgb.size(), CV_32FC3);
  each_row(rgb.rows, [&](int y) {
    OCIO::PackedImageDesc src(const_cast<std::uint8_t*>(rgb.ptr(y)), rgb.cols, 1, 3,
                              wide ? OCIO::BIT_DEPTH_UINT16 : OCIO::BIT_DEPTH_UINT8, value, 3 * value,
                              static_cast<std::ptrdiff_t>(rgb.step[0]));
    OCIO::PackedImageDesc dst(out.ptr<float>(y), out.cols, 1, 3);
    cpu.apply(src, dst);
  });
  return out;
}

std::array<float, 3> ColorConversion::apply(std::array<float, 3> rgb) const {
  if (processor_) cpu_of(processor_).applyRGB(rgb.data());
  return rgb;
}

fs::path ColorConfig::bundled_path() {
  // An unpacked release: <prefix>/bin/<program> beside <prefix>/share/corridorkey/ocio/.
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  const fs::path release = exe.parent_path().parent_path() / "share" / "corridorkey" / "ocio" / kBundledName;
  if (!ec && fs::is_regular_file(release, ec)) return release;
  return fs::path(CORRIDORKEY_OCIO_DIR) / kBundledName;
}

ColorConfig ColorConfig::from_file(const fs::path& file) {
  ColorConfig c;
  c.path_ = file;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw UsageError("OpenColorIO config '" + file.string() +
                     "' does not exist: point $OCIO at a config file, or unset it to use the bundled ACES config");
  }
  try {
    OCIO::ConstConfigRcPtr config = OCIO::Config::CreateFromFile(file.c_str());
    config->validate();
    c.config_ = std::shared_ptr<const void>(config, config.get());
  } catch (const OCIO::Exception& e) {
    throw UsageError("cannot read the OpenColorIO config '" + file.string() + "': " + e.what() +
                     " (fix the file, or unset $OCIO to use the bundled ACES config)");
  }
  c.source_ = file.string();
  return c;
}

ColorConfig ColorConfig::load() {
  const char* env = std::getenv("OCIO");
  if (env && *env) {
    ColorConfig c = from_file(env);
    c.source_ = "$OCIO (" + c.path_.string() + ")";
    return c;
  }
  ColorConfig c = from_file(bundled_path());
  c.source_ = "bundled ACES 1.3 studio config (" + c.path_.string() + ")";
  return c;
}

std::vector<std::string> ColorConfig::colorspaces() const {
  const OCIO::Config& config = config_of(config_);
  std::vector<std::string> names;
  for (int i = 0; i < config.getNumColorSpaces(); ++i) names.emplace_back(config.getColorSpaceNameByIndex(i));
  return names;
}

std::string ColorConfig::resolve(const std::string& name, const std::string& flag) const {
  const OCIO::Config& config = config_of(config_);
  if (auto cs = config.getColorSpace(name.c_str())) return cs->getName();
  const std::vector<std::string> names = colorspaces();
  for (const auto& n : names) {
    if (ascii_lower(n) == ascii_lower(name)) return n;
  }
  std::vector<std::pair<std::size_t, std::string>> ranked;
  // Names that contain what was typed first ("LogC3" -> "ARRI LogC3 (EI800)"), then by edit distance.
  for (const auto& n : names) {
    const bool contains = ascii_lower(n).find(ascii_lower(name)) != std::string::npos;
    ranked.emplace_back(contains ? n.size() - name.size() : 1000 + edit_distance(ascii_lower(n), ascii_lower(name)), n);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string closest;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, ranked.size()); ++i)
    closest += (i ? "', '" : "'") + ranked[i].second + (i + 1 == std::min<std::size_t>(3, ranked.size()) ? "'" : "");
  throw UsageError(flag + " '" + name + "' is not a colour space of " + source_ + "; the closest: " + closest +
                   " (--list-colorspaces prints them all)");
}

ColorConversion ColorConfig::conversion(const std::string& from, const std::string& to) const {
  ColorConversion c;
  try {
    OCIO::ConstProcessorRcPtr p = config_of(config_).getProcessor(from.c_str(), to.c_str());
    if (p->isNoOp()) return c;
    OCIO::ConstCPUProcessorRcPtr cpu = p->getDefaultCPUProcessor();
    c.processor_ = std::shared_ptr<const void>(cpu, cpu.get());
    const auto from = [&](OCIO::BitDepth depth) {
      OCIO::ConstCPUProcessorRcPtr in =
          p->getOptimizedCPUProcessor(depth, OCIO::BIT_DEPTH_F32, OCIO::OPTIMIZATION_DEFAULT);
      return std::shared_ptr<const void>(in, in.get());
    };
    c.from_u8_ = from(OCIO::BIT_DEPTH_UINT8);
    c.from_u16_ = from(OCIO::BIT_DEPTH_UINT16);
  } catch (const OCIO::Exception& e) {
    throw UsageError("OpenColorIO cannot convert '" + from + "' to '" + to + "' with " + source_ + ": " + e.what());
  }
  return c;
}

std::string ColorConfig::linear_rec709() const {
  const std::string n = first_known(config_of(config_), {"Linear Rec.709 (sRGB)", "lin_rec709_srgb", "lin_rec709",
                                                         "Utility - Linear - sRGB", "lin_srgb", "linear_srgb"});
  if (n.empty()) {
    throw UsageError(source_ +
                     " has no linear Rec.709 colour space (the network's linear input): use a config that has "
                     "'Linear Rec.709 (sRGB)', or unset $OCIO for the bundled ACES config");
  }
  return n;
}

std::string ColorConfig::srgb_texture() const {
  return first_known(config_of(config_), {"sRGB - Texture", "srgb_tx", "Utility - sRGB - Texture", "srgb_texture"});
}

std::optional<std::array<float, 8>> ColorConfig::chromaticities(const std::string& space) const {
  const OCIO::Config& config = config_of(config_);
  auto cs = config.getColorSpace(space.c_str());
  if (!cs || cs->isData()) return std::nullopt;
  // The primaries and white of the gamuts the ACES config's spaces are made of, as their
  // publishers state them: the config's conversions adapt whites (Bradford, CAT02), which would
  // shift measured primaries by a few thousandths. Most specific names first.
  struct Gamut {
    const char* key;
    std::array<float, 8> xy;
  };
  static const Gamut kGamuts[] = {
      {"aces2065", {0.7347f, 0.2653f, 0.0f, 1.0f, 0.0001f, -0.077f, 0.32168f, 0.33767f}},
      {"ap0", {0.7347f, 0.2653f, 0.0f, 1.0f, 0.0001f, -0.077f, 0.32168f, 0.33767f}},
      {"acescg", {0.713f, 0.293f, 0.165f, 0.830f, 0.128f, 0.044f, 0.32168f, 0.33767f}},
      {"acescct", {0.713f, 0.293f, 0.165f, 0.830f, 0.128f, 0.044f, 0.32168f, 0.33767f}},
      {"acescc", {0.713f, 0.293f, 0.165f, 0.830f, 0.128f, 0.044f, 0.32168f, 0.33767f}},
      {"ap1", {0.713f, 0.293f, 0.165f, 0.830f, 0.128f, 0.044f, 0.32168f, 0.33767f}},
      {"wide gamut 3", {0.6840f, 0.3130f, 0.2210f, 0.8480f, 0.0861f, -0.1020f, 0.3127f, 0.3290f}},
      {"logc3", {0.6840f, 0.3130f, 0.2210f, 0.8480f, 0.0861f, -0.1020f, 0.3127f, 0.3290f}},
      {"wide gamut 4", {0.7347f, 0.2653f, 0.1424f, 0.8576f, 0.0991f, -0.0308f, 0.3127f, 0.3290f}},
      {"logc4", {0.7347f, 0.2653f, 0.1424f, 0.8576f, 0.0991f, -0.0308f, 0.3127f, 0.3290f}},
      {"venice", {}},  // Venice's own gamuts: measured below
      {"s-gamut3.cine", {0.766f, 0.275f, 0.225f, 0.800f, 0.089f, -0.087f, 0.3127f, 0.3290f}},
      {"s-gamut3", {0.730f, 0.280f, 0.140f, 0.855f, 0.100f, -0.050f, 0.3127f, 0.3290f}},
      {"redwidegamutrgb", {0.780308f, 0.304253f, 0.121595f, 1.493994f, 0.095612f, -0.084589f, 0.3127f, 0.3290f}},
      {"v-gamut", {0.730f, 0.280f, 0.165f, 0.840f, 0.100f, -0.030f, 0.3127f, 0.3290f}},
      {"davinci widegamut", {0.8000f, 0.3130f, 0.1682f, 0.9877f, 0.0790f, -0.1155f, 0.3127f, 0.3290f}},
      {"bmd widegamut gen5", {0.7177f, 0.3171f, 0.2280f, 0.8616f, 0.1006f, -0.0820f, 0.3127f, 0.3290f}},
      {"p3-d65", {0.680f, 0.320f, 0.265f, 0.690f, 0.150f, 0.060f, 0.3127f, 0.3290f}},
      {"rec.2020", {0.708f, 0.292f, 0.170f, 0.797f, 0.131f, 0.046f, 0.3127f, 0.3290f}},
      {"rec.709", {0.64f, 0.33f, 0.30f, 0.60f, 0.15f, 0.06f, 0.3127f, 0.3290f}},
      {"srgb", {0.64f, 0.33f, 0.30f, 0.60f, 0.15f, 0.06f, 0.3127f, 0.3290f}},
  };
  const std::string name = ascii_lower(cs->getName());
  for (const Gamut& g : kGamuts) {
    if (name.find(g.key) == std::string::npos) continue;
    if (g.xy[7] == 0.0f) break;  // measured
    return g.xy;
  }
  // Measured: the space's code values for black and for mid grey, then each primary as grey in one
  // channel and black in the others, taken to linear Rec.709 and on to CIE xy. Exact for every
  // space made of a 3x3 matrix and per-channel curves.
  const std::string lin = linear_rec709();
  const ColorConversion encode = conversion(lin, cs->getName()), decode = conversion(cs->getName(), lin);
  const std::array<float, 3> black = encode.apply({0.0f, 0.0f, 0.0f}), grey = encode.apply({0.18f, 0.18f, 0.18f});
  std::array<float, 8> out{};
  for (int c = 0; c < 3; ++c) {
    std::array<float, 3> code = black;
    code[static_cast<std::size_t>(c)] = grey[static_cast<std::size_t>(c)];
    std::array<float, 3> rgb = decode.apply(code);
    const std::array<float, 3> zero = decode.apply(black);
    for (int k = 0; k < 3; ++k) rgb[static_cast<std::size_t>(k)] -= zero[static_cast<std::size_t>(k)];
    const auto xy = xy_of_rec709(rgb);
    out[static_cast<std::size_t>(2 * c)] = xy[0], out[static_cast<std::size_t>(2 * c + 1)] = xy[1];
  }
  const auto white = xy_of_rec709(decode.apply(grey));
  out[6] = white[0], out[7] = white[1];
  for (float v : out) {
    if (!std::isfinite(v)) return std::nullopt;
  }
  return out;
}

InputColor plan_input_color(const ColorConfig& config, const std::string& name) {
  InputColor plan;
  plan.name = config.resolve(name, "--input-colorspace");
  const std::string srgb = config.srgb_texture();
  if (!srgb.empty() && config.conversion(plan.name, srgb).is_noop()) {
    plan.mode = InputColor::Mode::srgb;
    return plan;
  }
  plan.to_linear = config.conversion(plan.name, config.linear_rec709());
  plan.mode = plan.to_linear.is_noop() ? InputColor::Mode::linear : InputColor::Mode::convert;
  return plan;
}

cv::Mat to_linear_rec709(const cv::Mat& plate, const InputColor& plan) { return plan.to_linear.converted(plate); }

}  // namespace corridorkey
