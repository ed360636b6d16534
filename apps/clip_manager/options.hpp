// Command-line options of clip_manager and their parsing (errors are UsageError -> exit 2).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "corridorkey/io/alpha_video.hpp"
#include "corridorkey/io/color_config.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/model.hpp"
#include "corridorkey/pipeline.hpp"

namespace clip_manager {

enum ExitCode { kOk = 0, kSomeFailed = 1, kUsage = 2, kModel = 3, kInterrupted = 130 };

/// The per-frame outputs run_inference writes (--outputs).
struct OutputSet {
  bool fg = true, matte = true, processed = true, comp = true;
};

struct Options {
  std::string action;  // list | run_inference | generate_alphas | inspect_checkpoint
  std::string backend = "auto";
  std::string device = "auto";
  std::vector<std::string> devices;  // --devices: one network per device (cpu or cuda:N), frames spread
  std::filesystem::path clips_dir = "ClipsForInference";
  std::filesystem::path checkpoint_dir;
  std::filesystem::path checkpoint;
  std::string screen_color = "auto";  // auto | green | blue
  int img_size = 2048;
  std::string precision;  // empty: float32 on CPU, float16 on CUDA
  int max_frames = -1;
  std::optional<std::pair<int, int>> frame_range;
  bool skip_existing = false;
  corridorkey::InferenceSettings settings;  // settings.generate_comp follows outputs.comp
  OutputSet outputs;
  corridorkey::ExrCompression exr_compression = corridorkey::ExrCompression::pxr24;
  corridorkey::ExrDataType exr_data_type = corridorkey::ExrDataType::half;
  corridorkey::AlphaVideo alpha_video = corridorkey::AlphaVideo::none;
  double fps = 24;       // of the alpha video of an image sequence
  std::string exr_part;  // --exr-part: the part of multi-part EXR plates to read (default: the first with RGB)
  std::string input_colorspace, output_colorspace;  // as given (names from the OpenColorIO config)
  bool list_colorspaces = false;
  // Resolved from the config by resolve_colour() (the plates' plan, the Processed conversion).
  corridorkey::InputColor input_color;
  corridorkey::ColorConversion to_output;  // linear Rec.709 -> --output-colorspace
  std::string output_space;                // the config's name of --output-colorspace
  std::optional<std::array<float, 8>> output_chromaticities, rec709_chromaticities;
  bool backbone_only = false;
  int float32_stages = corridorkey::ModelOptions().float32_stages;
  int threads = 0;                 // 0: all cores
  std::string cpu_isa = "native";  // --cpu-isa: native, avx2 or portable (corridorkey::limit_cpu_isa)
  corridorkey::LogLevel log_level = corridorkey::LogLevel::info;
  bool json = false;
  bool verify = false;
  std::filesystem::path compare;
  bool help = false;
  bool version = false;
};

/// Parses argv; throws corridorkey::UsageError naming the flag and what is allowed.
Options parse_options(int argc, char** argv);

/// Loads the OpenColorIO config when --input-colorspace, --output-colorspace or
/// --list-colorspaces asks for it and resolves them into `o` (throws UsageError: exit 2).
void resolve_colour(Options& o);

/// The --help text.
std::string help_text();

}  // namespace clip_manager
