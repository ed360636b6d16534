#include "options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "corridorkey/errors.hpp"
#include "corridorkey/text.hpp"

namespace clip_manager {
namespace {

using corridorkey::UsageError;

int to_int(const std::string& flag, const std::string& v) {
  int out = 0;
  const auto r = std::from_chars(v.data(), v.data() + v.size(), out);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size())
    throw UsageError(flag + " needs an integer, got '" + v + "'");
  return out;
}

double to_double(const std::string& flag, const std::string& v) {
  try {
    std::size_t used = 0;
    const double d = std::stod(v, &used);
    if (used == v.size()) return d;
  } catch (const std::exception&) {
  }
  throw UsageError(flag + " needs a number, got '" + v + "'");
}

bool is_cuda_index_name(const std::string& d) {  // cuda:N
  return d.rfind("cuda:", 0) == 0 && d.size() > 5 && d.find_first_not_of("0123456789", 5) == std::string::npos;
}

// --devices 0,1 | cuda:0,cuda:1 | cpu,...: each a device of its own (a GPU listed once).
std::vector<std::string> parse_devices(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    std::string d = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!d.empty() && d.find_first_not_of("0123456789") == std::string::npos) d = "cuda:" + d;
    if (d != "cpu" && !is_cuda_index_name(d)) {
      throw UsageError("invalid --devices item '" + d + "' in '" + list +
                       "': list GPU indices (--devices 0,1) or cuda:N and cpu, separated by commas");
    }
    if (d != "cpu" && std::find(out.begin(), out.end(), d) != out.end())
      throw UsageError("--devices lists " + d + " twice: one network per GPU");
    out.push_back(std::move(d));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

}  // namespace

std::string help_text() {
  return R"(clip_manager - CorridorKey neural green- and blue-screen keyer (native engine)

Usage:
  clip_manager --action run_inference [options]   key every ready clip in --clips-dir
  clip_manager --action generate_alphas [options] write coarse AlphaHint/ mattes for clips without
                                                  hints (a built-in chroma key; see below)
  clip_manager --action list [options]            show the clips, their frames, screen colour, status
  clip_manager --action inspect_checkpoint --checkpoint FILE [--json] [--verify] [--compare OTHER]

Clip layout (<clips-dir>/<clip>/):
  Input/ (image sequence) or Input.mp4|mov|avi|mkv   the green- or blue-screen plate
  AlphaHint/ (image sequence) or AlphaHint.<video>   the coarse alpha hint, one per plate frame
                                                     (generate_alphas writes AlphaHint/<stem>.png)
  Output/FG/*.exr Matte/*.exr Comp/*.png Processed/*.exr   written by run_inference
  Loose videos and loose image sequences are moved into this layout; IgnoredClips/, Output/,
  .hidden and _underscore folders are skipped.

Options:
  --action A             list | run_inference | generate_alphas | inspect_checkpoint (required)
  --backend B            auto | torch (default auto = torch; the only backend of this build)
  --device D             auto | cpu | cuda | cuda:N (default auto: cuda when a GPU is visible)
  --devices LIST         one network per device, the frames spread across them: GPU indices
                         (--devices 0,1) or names (cuda:N, cpu). Each frame is computed as a
                         run on that device alone computes it; frame events may come out of order
  --clips-dir DIR        folder of clip folders (default ClipsForInference/)
  --screen-color C       auto | green | blue (default auto: decided per clip from 5 frames spread
                         over it, with its hints; an undecidable clip is keyed as green with a
                         warning, a clip with green and blue frames is reported and not keyed).
                         Blue clips use the blue-screen checkpoint and despill the blue channel
  --checkpoint-dir DIR   where to find or download the checkpoints (default
                         $CORRIDORKEY_CHECKPOINT_DIR, else checkpoints/ of the unpacked release
                         or of the source checkout). One per screen colour: a file
                         with "Blue" in its name (e.g. CorridorKeyBlue_1.0.safetensors) is the
                         blue-screen one, any other the green-screen one; only the colours the
                         clips need are loaded or downloaded
  --checkpoint FILE      use this .safetensors/.pth for every clip (no discovery, no download)
  --img-size N           network resolution, a multiple of 32 (default 2048, the training size)
  --precision P          float32 | float16 | bfloat16 (default float32 on CPU, float16 on CUDA)
  --float32-stages N     with float16/bfloat16: the patch embedding and the first N Hiera stages
                         (0-4) stay float32 (default: 0 for float16, which upstream runs whole; 1
                         for bfloat16, as the MLX port found its first stage needs)
  --threads N            CPU threads for the network (default: all cores)
  --cpu-isa native|avx2|portable
                         CPU instruction sets for the network (default native: the widest this
                         CPU has). avx2: AVX2 and AVX-512 nodes of one vendor write the same
                         float32 files, bit for bit, at about native speed; portable: Intel and AMD
                         nodes agree too, at about half speed (docs/cli.md). Default:
                         $CORRIDORKEY_CPU_ISA, else native
  --max-frames N         process at most N frames per clip
  --frame-range A-B      only frames A..B (0-based, inclusive) of each clip; chunks of one clip
                         run on several machines add up to exactly one full run
  --skip-existing        skip frames whose outputs all exist (resume an interrupted run)
  --linear               the plates are linear light (EXR); default: sRGB
  --input-colorspace CS  the plates' colour space, a name from the OpenColorIO config ($OCIO, else
                         the bundled ACES 1.3 studio config): e.g. 'ARRI LogC3 (EI800)', 'ARRI
                         LogC4', 'S-Log3 S-Gamut3.Cine', 'Log3G10 REDWideGamutRGB', ACEScg,
                         ACES2065-1. The plates are converted to linear Rec.709 and keyed as
                         linear light; 'sRGB - Texture' is the default, 'Linear Rec.709 (sRGB)'
                         is --linear (both bit for bit)
  --output-colorspace CS convert Processed/*.exr from linear Rec.709 into CS (its EXR
                         chromaticities say so); FG stays the network's sRGB colour, Matte is
                         alpha. Default: Processed stays linear Rec.709
  --list-colorspaces     print the config's colour spaces and exit
  --exr-part NAME        the part of multi-part EXR plates to read (default: the first part with
                         R, G and B)
  --despill S            despill strength 0..1 on the screen colour's channel (default 1.0)
  --no-despeckle         keep small islands in the matte (default: remove them)
  --despeckle-size N     islands smaller than N pixels are removed (default 400)
  --refiner-scale S      multiplier of the refiner's corrections (default 1.0)
  --outputs LIST         which outputs to write, comma-separated: fg, matte, processed, comp
                         (default all four); --skip-existing looks only at these
  --no-comp              do not write Comp/*.png previews (same as leaving comp out of --outputs)
  --exr-compression C    pxr24 | zip | zips | piz | dwaa | dwab | rle | none (default pxr24, as the
                         reference; dwaa/dwab are lossy, pxr24 is lossless for half floats)
  --exr-datatype T       half | float (default half, as the reference): float writes 32-bit EXRs
                         (full precision; pair it with a lossless --exr-compression such as zip,
                         since PXR24 keeps 24 bits of a float)
  --alpha-video V        prores | webm | none (default none): after a clip, its Processed frames as
                         one video with alpha, <clip>_processed.mov (ProRes 4444) or .webm (VP9),
                         straight sRGB colour; needs ffmpeg. With --frame-range, the chunk that
                         completes the clip makes it
  --fps F                frame rate of the alpha video of an image sequence (default 24; a video
                         clip keeps its own)
  --backbone-only        allow a checkpoint without refiner weights
  --json                 NDJSON progress events and a final summary on stdout
  --verify               inspect_checkpoint: load every tensor and check it builds the network
  --compare OTHER        inspect_checkpoint: compare with OTHER tensor by tensor
  --log-level L          trace | debug | info | warn | error | off (default info; logs go to stderr)
  --version              engine, LibTorch and CUDA information
  -h, --help             this text

Plates: EXR (every compression, multi-part, data/display windows), DPX (8/10/12/16-bit), Cineon,
  TIFF, PNG, JPEG, BMP through OpenImageIO; videos (mp4, mov, mkv, avi, mxf) through FFmpeg at their
  own bit depth, with their own colour matrix and range. The network sees an EXR's display window;
  the outputs carry its data and display windows, pixel aspect, timecode and chromaticities
  (overscan outside the display window is written black and transparent).

Outputs (per input frame, named after its file stem; 5-digit index for video input):
  FG/        straight foreground, sRGB, RGB half-float EXR (PXR24 unless --exr-compression,
             32-bit float with --exr-datatype float)
  Matte/     alpha, linear, single-channel half-float EXR
  Processed/ despilled foreground premultiplied by the despeckled alpha, linear RGBA EXR
  Comp/      preview over a grey checkerboard, sRGB 8-bit PNG (+ <clip>_comp.mp4 for video input)

generate_alphas: for each clip without (complete) hints, a chroma key of every Input frame on
  the clip's screen colour, closed, eroded and softened into a coarse hint like the ones the
  network was trained with, written as 16-bit AlphaHint/<stem>.png. Existing hints are never
  overwritten (only missing frames are written). Good on evenly lit screens; check the hints of
  uneven screens and spill-heavy hair. EXR plates (or --linear) are keyed as linear light.

Environment:
  HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, HF_HUB_CACHE   first-run checkpoint download
  CORRIDORKEY_CHECKPOINT_DIR                             default --checkpoint-dir
  CORRIDORKEY_CPU_ISA                                    default --cpu-isa (also read by the plugin)
  CORRIDORKEY_HUB_REPO, CORRIDORKEY_HUB_REPO_BLUE        the Hub repos of the two checkpoints
  OCIO                                                   the OpenColorIO config (--input-colorspace)

Exit codes:
  0 all done   1 some frames or clips failed   2 usage error
  3 checkpoint or model error (a checkpoint a clip needs could not be found, downloaded or loaded;
    the clips of the other screen colour are still keyed)
  130 interrupted (Ctrl-C; only complete files are left)
)";
}

Options parse_options(int argc, char** argv) {
  Options o;
  auto cpu_isa = [](std::string name, const char* from) {
    name = corridorkey::ascii_lower(name);
    if (name != "native" && name != "avx2" && name != "portable")
      throw UsageError(std::string("unknown ") + from + " '" + name + "': use native, avx2 or portable");
    return name;
  };
  if (const char* env = std::getenv("CORRIDORKEY_CPU_ISA"); env != nullptr && *env != 0)
    o.cpu_isa = cpu_isa(env, "CORRIDORKEY_CPU_ISA");
  bool device_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_inline = false;
    if (arg.rfind("--", 0) == 0) {
      if (const auto eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline = true;
      }
    }
    auto next = [&]() -> std::string {
      if (has_inline) return value;
      if (i + 1 >= argc) throw UsageError(arg + " needs a value (see --help)");
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help")
      o.help = true;
    else if (arg == "--version")
      o.version = true;
    else if (arg == "--list-colorspaces")
      o.list_colorspaces = true;
    else if (arg == "--input-colorspace")
      o.input_colorspace = next();
    else if (arg == "--output-colorspace")
      o.output_colorspace = next();
    else if (arg == "--exr-part")
      o.exr_part = next();
    else if (arg == "--action") {
      o.action = next();
      if (o.action != "list" && o.action != "run_inference" && o.action != "generate_alphas" &&
          o.action != "inspect_checkpoint") {
        throw UsageError("unknown --action '" + o.action +
                         "': use list, run_inference, generate_alphas or inspect_checkpoint");
      }
    } else if (arg == "--backend") {
      o.backend = next();
      if (o.backend != "auto" && o.backend != "torch") {
        throw UsageError("backend '" + o.backend +
                         "' is not available in this build: it has 'torch' (and 'auto', which picks it)");
      }
    } else if (arg == "--device") {
      o.device = next();
      const bool ok = o.device == "auto" || o.device == "cpu" || o.device == "cuda" || is_cuda_index_name(o.device);
      if (!ok) throw UsageError("invalid --device '" + o.device + "': use auto, cpu, cuda or cuda:N");
      device_given = true;
    } else if (arg == "--devices") {
      o.devices = parse_devices(next());
    } else if (arg == "--clips-dir")
      o.clips_dir = next();
    else if (arg == "--checkpoint-dir")
      o.checkpoint_dir = next();
    else if (arg == "--checkpoint")
      o.checkpoint = next();
    else if (arg == "--screen-color" || arg == "--screen-colour") {
      o.screen_color = corridorkey::ascii_lower(next());
      if (o.screen_color != "auto" && o.screen_color != "green" && o.screen_color != "blue")
        throw UsageError("unknown --screen-color '" + o.screen_color + "': use auto, green or blue");
    } else if (arg == "--img-size") {
      o.img_size = to_int(arg, next());
      if (o.img_size <= 0 || o.img_size % 32 != 0) {
        throw UsageError("--img-size " + std::to_string(o.img_size) +
                         " is not a positive multiple of 32 (e.g. 512, 1024, 2048)");
      }
    } else if (arg == "--precision") {
      o.precision = next();
      if (o.precision != "float32" && o.precision != "float16" && o.precision != "bfloat16" && o.precision != "fp32" &&
          o.precision != "fp16" && o.precision != "bf16") {
        throw UsageError("invalid --precision '" + o.precision + "': use float32, float16 or bfloat16");
      }
    } else if (arg == "--float32-stages") {
      o.float32_stages = to_int(arg, next());
      if (o.float32_stages < 0 || o.float32_stages > 4)
        throw UsageError("invalid --float32-stages " + std::to_string(o.float32_stages) + ": use 0 to 4");
    } else if (arg == "--threads") {
      o.threads = to_int(arg, next());
      if (o.threads < 0) throw UsageError("--threads must be 0 (all cores) or more");
    } else if (arg == "--cpu-isa") {
      o.cpu_isa = cpu_isa(next(), "--cpu-isa");
    } else if (arg == "--max-frames") {
      o.max_frames = to_int(arg, next());
      if (o.max_frames <= 0) throw UsageError("--max-frames must be at least 1");
    } else if (arg == "--frame-range") {
      const std::string v = next();
      const auto dash = v.find('-');
      if (dash == std::string::npos || dash == 0)
        throw UsageError("--frame-range needs A-B (0-based, inclusive), got '" + v + "'");
      const int a = to_int(arg, v.substr(0, dash)), b = to_int(arg, v.substr(dash + 1));
      if (a < 0 || b < a) throw UsageError("--frame-range " + v + ": need 0 <= A <= B");
      o.frame_range = {a, b};
    } else if (arg == "--skip-existing")
      o.skip_existing = true;
    else if (arg == "--linear")
      o.settings.input_is_linear = true;
    else if (arg == "--despill") {
      o.settings.despill_strength = to_double(arg, next());
      if (o.settings.despill_strength < 0 || o.settings.despill_strength > 1)
        throw UsageError("--despill must be between 0 and 1");
    } else if (arg == "--no-despeckle")
      o.settings.auto_despeckle = false;
    else if (arg == "--despeckle-size") {
      o.settings.despeckle_size = to_int(arg, next());
      if (o.settings.despeckle_size < 0) throw UsageError("--despeckle-size must be 0 or more");
    } else if (arg == "--refiner-scale")
      o.settings.refiner_scale = to_double(arg, next());
    else if (arg == "--no-comp")
      o.outputs.comp = false;
    else if (arg == "--outputs") {
      const std::string v = next();
      o.outputs = {false, false, false, false};
      std::size_t start = 0;
      while (start <= v.size()) {
        const auto comma = v.find(',', start);
        const std::string item = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (item == "fg")
          o.outputs.fg = true;
        else if (item == "matte")
          o.outputs.matte = true;
        else if (item == "processed")
          o.outputs.processed = true;
        else if (item == "comp")
          o.outputs.comp = true;
        else
          throw UsageError("unknown output '" + item + "' in --outputs " + v +
                           ": use a comma-separated list of fg, matte, processed, comp");
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else if (arg == "--exr-compression")
      o.exr_compression = corridorkey::parse_exr_compression(next());
    else if (arg == "--exr-datatype")
      o.exr_data_type = corridorkey::parse_exr_data_type(next());
    else if (arg == "--alpha-video")
      o.alpha_video = corridorkey::parse_alpha_video(next());
    else if (arg == "--fps") {
      o.fps = to_double(arg, next());
      if (!(o.fps > 0 && o.fps <= 1000)) throw UsageError("--fps must be a frame rate above 0 (e.g. 24, 23.976, 25)");
    } else if (arg == "--backbone-only")
      o.backbone_only = true;
    else if (arg == "--json")
      o.json = true;
    else if (arg == "--verify")
      o.verify = true;
    else if (arg == "--compare")
      o.compare = next();
    else if (arg == "--log-level")
      o.log_level = corridorkey::parse_log_level(next());
    else
      throw UsageError("unknown option '" + arg + "' (see --help)");
  }
  if (o.settings.input_is_linear && !o.input_colorspace.empty()) {
    throw UsageError(
        "--linear and --input-colorspace both given: use one (--input-colorspace \"Linear Rec.709 (sRGB)\" "
        "is --linear)");
  }
  if (!o.help && !o.version && !o.list_colorspaces && o.action.empty()) {
    throw UsageError("--action is required: list, run_inference, generate_alphas or inspect_checkpoint (see --help)");
  }
  if (device_given && !o.devices.empty())
    throw UsageError("--device and --devices both given: use one (--devices for several devices)");
  o.settings.generate_comp = o.outputs.comp;
  if (o.alpha_video != corridorkey::AlphaVideo::none && !o.outputs.processed) {
    throw UsageError("--alpha-video is made from the Processed frames: add processed to --outputs");
  }
  if (o.action == "inspect_checkpoint" && o.checkpoint.empty() && !o.help) {
    throw UsageError("--action inspect_checkpoint needs --checkpoint FILE");
  }
  return o;
}

void resolve_colour(Options& o) {
  namespace ck = corridorkey;
  if (o.input_colorspace.empty() && o.output_colorspace.empty() && !o.list_colorspaces) return;
  const ck::ColorConfig config = ck::ColorConfig::load();
  if (o.list_colorspaces) {
    std::printf("# colour spaces of the %s\n", config.source().c_str());
    for (const auto& name : config.colorspaces()) std::printf("%s\n", name.c_str());
  }
  if (!o.input_colorspace.empty()) {
    o.input_color = ck::plan_input_color(config, o.input_colorspace);
    o.settings.input_is_linear = o.input_color.mode != ck::InputColor::Mode::srgb;
    if (o.input_color.mode == ck::InputColor::Mode::convert)
      o.rec709_chromaticities = config.chromaticities(config.linear_rec709());
  }
  if (!o.output_colorspace.empty()) {
    o.output_space = config.resolve(o.output_colorspace, "--output-colorspace");
    o.to_output = config.conversion(config.linear_rec709(), o.output_space);
    o.output_chromaticities = config.chromaticities(o.output_space);
  }
}

}  // namespace clip_manager
