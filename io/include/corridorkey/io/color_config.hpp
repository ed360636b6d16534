// Colour management through OpenColorIO: the config every VFX tool reads ($OCIO), or the bundled
// ACES 1.3 studio config (share/corridorkey/ocio/), its colour space names, and conversions between
// them applied to float images in the engine's thread bands.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace corridorkey {

/// One conversion between two colour spaces of a config (OpenColorIO's CPU processor, float32).
class ColorConversion {
 public:
  ColorConversion() = default;
  /// True when it changes nothing (the same space, or spaces OpenColorIO finds equal).
  bool is_noop() const { return !processor_; }
  /// Converts CV_32FC3 (RGB) pixels in place, in bands on the engine's threads (at::parallel_for).
  void apply(cv::Mat& rgb) const;
  /// Converts an 8 or 16-bit RGB image (codes / 255 or / 65535) or a float one into a new CV_32FC3,
  /// in bands. Integer codes go through OpenColorIO's processor for that input depth (its curves
  /// evaluated once per code).
  cv::Mat converted(const cv::Mat& rgb) const;
  /// Converts the colour of CV_32FC4 premultiplied RGBA pixels in place: un-premultiplied, converted,
  /// premultiplied again (pixels with alpha 0 are converted as they are).
  void apply_premultiplied(cv::Mat& rgba) const;
  /// One pixel, for tests and probes.
  std::array<float, 3> apply(std::array<float, 3> rgb) const;

 private:
  friend class ColorConfig;
  std::shared_ptr<const void> processor_;           // OCIO::ConstCPUProcessorRcPtr (float), empty for a no-op
  std::shared_ptr<const void> from_u8_, from_u16_;  // the same for 8 and 16-bit input, float output
};

class ColorConfig {
 public:
  /// `$OCIO` when it is set, else the bundled ACES config. Throws UsageError naming the file and
  /// OpenColorIO's message when the config cannot be read (a broken $OCIO, a missing bundle).
  static ColorConfig load();
  /// The config in `file`; throws UsageError as load() does.
  static ColorConfig from_file(const std::filesystem::path& file);
  /// The bundled ACES 1.3 studio config (an unpacked release's share/corridorkey/ocio/, else the
  /// build tree's).
  static std::filesystem::path bundled_path();

  const std::filesystem::path& path() const { return path_; }
  /// "$OCIO" or "bundled ACES 1.3 studio config".
  const std::string& source() const { return source_; }
  /// The active colour space names, in the config's order.
  std::vector<std::string> colorspaces() const;
  /// The config's name for `name` (a name or an alias, in any case). Throws UsageError naming `flag`
  /// and the closest names in the config otherwise.
  std::string resolve(const std::string& name, const std::string& flag) const;
  /// The conversion from colour space `from` to `to` (names the config knows).
  ColorConversion conversion(const std::string& from, const std::string& to) const;
  /// Linear Rec.709 primaries with a D65 white (the network's linear input): the config's space of
  /// that name ("Linear Rec.709 (sRGB)", or an alias such as lin_rec709_srgb). Throws UsageError
  /// when the config has none.
  std::string linear_rec709() const;
  /// The sRGB texture space ("sRGB - Texture", srgb_tx, ...), or "" when the config has none.
  std::string srgb_texture() const;
  /// The EXR chromaticities (red, green, blue, white xy) of a colour space's primaries: the
  /// published values of the gamut its name says (AP0, AP1, ARRI Wide Gamut 3 and 4, S-Gamut3(.Cine),
  /// REDWideGamutRGB, V-Gamut, DaVinci and BMD Wide Gamut, P3-D65, Rec.2020, Rec.709/sRGB), others
  /// measured through the conversion to linear Rec.709 (D65 white); none for data spaces.
  std::optional<std::array<float, 8>> chromaticities(const std::string& space) const;

 private:
  std::shared_ptr<const void> config_;  // OCIO::ConstConfigRcPtr
  std::filesystem::path path_;
  std::string source_;
};

/// How the network's input is made from the plates of a run (--input-colorspace).
struct InputColor {
  enum class Mode {
    srgb,     ///< the plates go in as they are, as sRGB (today's default, bit for bit)
    linear,   ///< the plates go in as they are, as linear light (today's --linear, bit for bit)
    convert,  ///< converted to linear Rec.709 first (float), then keyed as linear light
  } mode = Mode::srgb;
  std::string name;           ///< the config's name of the input space
  ColorConversion to_linear;  ///< for convert
};

/// The plan for plates in colour space `name` of `config`: srgb when the config finds it equal to
/// its sRGB texture space, linear when equal to linear Rec.709, convert otherwise.
InputColor plan_input_color(const ColorConfig& config, const std::string& name);

/// A plate (CV_8UC3, CV_16UC3 or CV_32FC3) as CV_32FC3 in linear Rec.709 through `plan`'s conversion.
cv::Mat to_linear_rec709(const cv::Mat& plate, const InputColor& plan);

}  // namespace corridorkey
