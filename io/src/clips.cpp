#include "corridorkey/io/clips.hpp"

#include <algorithm>
#include <cctype>

#include "corridorkey/errors.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/text.hpp"

namespace corridorkey {
namespace fs = std::filesystem;
namespace {

std::vector<fs::path> list(const fs::path& dir, bool (*keep)(const fs::path&)) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec) && e.path().filename().string()[0] != '.' && keep(e.path())) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) {
    return natural_less(a.filename().string(), b.filename().string());
  });
  return out;
}

bool is_dir_empty(const fs::path& dir) {
  std::error_code ec;
  return fs::is_empty(dir, ec);
}

ClipAsset sequence(const fs::path& dir) {
  ClipAsset a;
  a.kind = ClipAsset::Kind::Sequence;
  a.path = dir;
  a.frames = list(dir, is_image_file);
  a.frame_count = static_cast<int>(a.frames.size());
  if (!a.frames.empty()) {
    try {
      a.info = probe_plate(a.frames.front());
      a.width = a.info.display.width, a.height = a.info.display.height;
    } catch (const FrameError&) {
      // reported when the frame is processed
    }
  }
  return a;
}

ClipAsset video(const fs::path& file) {
  ClipAsset a;
  a.kind = ClipAsset::Kind::Video;
  a.path = file;
  try {
    VideoReader r(file);
    a.frame_count = r.frame_count();
    a.fps = r.fps();
    a.width = r.width(), a.height = r.height();
    a.info = r.info();
  } catch (const FrameError&) {
    a.frame_count = 0;
  }
  return a;
}

std::optional<fs::path> find_named_video(const fs::path& dir, const std::string& stem) {
  for (const auto& v : list(dir, is_video_file)) {
    if (ascii_lower(v.stem().string()) == ascii_lower(stem)) return v;
  }
  return std::nullopt;
}

void find_assets(Clip& clip) {
  const fs::path input_dir = clip.root / "Input";
  std::error_code ec;
  if (fs::is_directory(input_dir, ec)) {
    if (is_dir_empty(input_dir)) {
      clip.problem = "'Input' folder is empty";
      return;
    }
    clip.input = sequence(input_dir);
  } else if (auto v = find_named_video(clip.root, "input")) {
    clip.input = video(*v);
  } else {
    const auto videos = list(clip.root, is_video_file);
    std::vector<fs::path> others;
    for (const auto& v : videos) {
      if (ascii_lower(v.stem().string()) != "alphahint") others.push_back(v);
    }
    if (others.empty()) {
      clip.problem = "no 'Input' folder or video file";
      return;
    }
    log_info("clip '", clip.name, "': using '", others.front().filename().string(), "' as Input");
    clip.input = video(others.front());
  }
  if (clip.input->frame_count == 0) {
    clip.problem = "Input has 0 frames or could not be read";
    return;
  }
  const fs::path hint_dir = hint_folder(clip.root);
  if (fs::is_directory(hint_dir, ec) && !is_dir_empty(hint_dir)) {
    clip.hint = sequence(hint_dir);
    if (clip.hint->frame_count == 0) {
      const auto videos = list(hint_dir, is_video_file);
      clip.hint = videos.empty() ? std::nullopt : std::optional<ClipAsset>(video(videos.front()));
    }
  }
  if (!clip.hint) {  // an empty AlphaHint/ (as organising creates) does not hide AlphaHint.<video>
    if (auto v = find_named_video(clip.root, "alphahint")) clip.hint = video(*v);
  }
  if (!clip.hint) {
    clip.problem = "no alpha hint: run --action generate_alphas to make coarse ones, or put your own into AlphaHint/";
    return;
  }
  if (clip.hint->frame_count != clip.input->frame_count) {
    clip.problem = "frame count mismatch: Input has " + std::to_string(clip.input->frame_count) + ", AlphaHint has " +
                   std::to_string(clip.hint->frame_count);
  }
}

bool skipped_folder(const std::string& name) {
  return name.empty() || name[0] == '.' || name[0] == '_' || name == "IgnoredClips" || name == "Output";
}

}  // namespace

fs::path hint_folder(const fs::path& clip_root) {
  std::error_code ec;
  if (!fs::is_directory(clip_root / "AlphaHint", ec) && fs::is_directory(clip_root / "alphahint", ec))
    return clip_root / "alphahint";
  return clip_root / "AlphaHint";
}

bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i])) != 0;
    const bool db = std::isdigit(static_cast<unsigned char>(b[j])) != 0;
    if (da && db) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      std::string na = a.substr(i, ei - i), nb = b.substr(j, ej - j);
      na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
      nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ei, j = ej;
      continue;
    }
    const auto ca = std::tolower(static_cast<unsigned char>(a[i])), cb = std::tolower(static_cast<unsigned char>(b[j]));
    if (ca != cb) return ca < cb;
    ++i, ++j;
  }
  if ((a.size() - i) != (b.size() - j)) return (a.size() - i) < (b.size() - j);
  return a < b;
}

std::vector<std::string> organise_clips(const fs::path& clips_dir) {
  std::vector<std::string> actions;
  std::error_code ec;
  if (!fs::is_directory(clips_dir, ec)) return actions;
  for (const auto& v : list(clips_dir, is_video_file)) {
    const fs::path target = clips_dir / v.stem();
    if (fs::exists(target, ec)) {
      log_warn("skipping loose video '", v.filename().string(), "': folder '", v.stem().string(), "' already exists");
      continue;
    }
    fs::create_directories(target / "AlphaHint");
    fs::rename(v, target / ("Input" + v.extension().string()));
    actions.push_back("moved '" + v.filename().string() + "' to '" + v.stem().string() + "/Input" +
                      v.extension().string() + "'");
  }
  for (const auto& e : fs::directory_iterator(clips_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!e.is_directory() || skipped_folder(name)) continue;
    const fs::path dir = e.path();
    const bool has_input = fs::is_directory(dir / "Input", ec) || find_named_video(dir, "input").has_value();
    if (!has_input) {
      std::vector<fs::path> videos;
      for (const auto& v : list(dir, is_video_file)) {
        if (ascii_lower(v.stem().string()) != "alphahint") videos.push_back(v);
      }
      if (!videos.empty()) {
        std::sort(videos.begin(), videos.end(),
                  [](const fs::path& a, const fs::path& b) { return fs::file_size(a) > fs::file_size(b); });
        fs::rename(videos.front(), dir / ("Input" + videos.front().extension().string()));
        actions.push_back("renamed '" + name + "/" + videos.front().filename().string() + "' to 'Input" +
                          videos.front().extension().string() + "'");
      } else if (const auto images = list(dir, is_image_file); !images.empty()) {
        fs::create_directories(dir / "Input");
        for (const auto& img : images) fs::rename(img, dir / "Input" / img.filename());
        actions.push_back("moved " + std::to_string(images.size()) + " images of '" + name + "' into 'Input/'");
      }
    }
    if (!fs::exists(dir / "AlphaHint", ec) && !fs::exists(dir / "alphahint", ec) &&
        !find_named_video(dir, "alphahint")) {
      fs::create_directories(dir / "AlphaHint");
    }
  }
  for (const auto& a : actions) log_info("organised: ", a);
  return actions;
}

std::vector<Clip> scan_clips(const fs::path& clips_dir) {
  std::error_code ec;
  if (!fs::is_directory(clips_dir, ec)) {
    throw UsageError("clips folder '" + clips_dir.string() +
                     "' does not exist: create it and put one folder per shot inside, or pass --clips-dir");
  }
  std::vector<Clip> clips;
  for (const auto& e : fs::directory_iterator(clips_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!e.is_directory() || skipped_folder(name)) continue;
    Clip clip;
    clip.name = name;
    clip.root = e.path();
    find_assets(clip);
    clips.push_back(std::move(clip));
  }
  std::sort(clips.begin(), clips.end(), [](const Clip& a, const Clip& b) { return natural_less(a.name, b.name); });
  return clips;
}

}  // namespace corridorkey
