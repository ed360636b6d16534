// Clip folders as the reference organises them:
//   <clips>/<clip>/Input/ (image sequence) or <clip>/Input.<mp4|mov|avi|mkv> (or a lone video)
//   <clips>/<clip>/AlphaHint/ (image sequence, or a video inside) or <clip>/AlphaHint.<video>
//   <clips>/<clip>/Output/{FG,Matte,Comp,Processed}/ written by run_inference.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "corridorkey/io/frame_io.hpp"

namespace corridorkey {

struct ClipAsset {
  enum class Kind { Sequence, Video } kind = Kind::Sequence;
  std::filesystem::path path;                 ///< the folder (sequence) or the video file
  std::vector<std::filesystem::path> frames;  ///< sequence frames, natural order
  int frame_count = 0;
  double fps = 0;             ///< videos only
  int width = 0, height = 0;  ///< of the first frame (its display window), 0 when unknown
  PlateInfo info;             ///< the first frame's format, bit depth and colour tags (or the video's)
};

struct Clip {
  std::string name;
  std::filesystem::path root;
  std::optional<ClipAsset> input;
  std::optional<ClipAsset> hint;
  std::string problem;  ///< empty when ready; otherwise why the clip cannot run
  bool ready() const { return problem.empty(); }
  std::filesystem::path output_dir() const { return root / "Output"; }
};

/// A clip's hint folder: <clip>/AlphaHint, or <clip>/alphahint where only that one exists.
std::filesystem::path hint_folder(const std::filesystem::path& clip_root);

/// Natural order: "frame2" before "frame10" (digit runs compare by value), then case-insensitive.
bool natural_less(const std::string& a, const std::string& b);

/// Moves loose videos into <name>/Input.<ext>, loose image sequences inside a clip folder into
/// Input/, and creates AlphaHint/ folders. Returns one line per action taken.
std::vector<std::string> organise_clips(const std::filesystem::path& clips_dir);

/// Every clip folder (skipping IgnoredClips, Output, dot- and underscore-folders), sorted by
/// name, each either ready or with the reason it is not. Throws UsageError when clips_dir is missing.
std::vector<Clip> scan_clips(const std::filesystem::path& clips_dir);

}  // namespace corridorkey
