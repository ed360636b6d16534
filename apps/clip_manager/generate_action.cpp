// generate_alphas: coarse AlphaHint/<stem>.png mattes from the built-in chroma key, for clips that
// have no hints (or only some). Whole frames (decode, key, write) run on several threads at once.
#include <unistd.h>

#include <ATen/Parallel.h>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "actions.hpp"
#include "clip_screen.hpp"
#include "corridorkey/coarse_alpha.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/interrupt.hpp"
#include "corridorkey/io/clips.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "corridorkey/io/tensor_mat.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/text.hpp"
#include "frame_source.hpp"
#include "reporter.hpp"

namespace clip_manager {
namespace ck = corridorkey;
namespace fs = std::filesystem;

namespace {

struct Plan {
  fs::path hint_dir;
  std::vector<int> todo;  // Input frames without a hint
  std::string skip;       // why nothing is to be done
  std::string problem;    // why it cannot be done
};

Plan plan_hints(const ck::Clip& clip) {
  Plan p;
  p.hint_dir = ck::hint_folder(clip.root);
  if (clip.hint && clip.hint->kind == ck::ClipAsset::Kind::Video) {
    p.skip = "its hints are a video (" + clip.hint->path.filename().string() + ")";
    return p;
  }
  if (clip.hint && clip.hint->frame_count == clip.input->frame_count) {
    p.skip =
        "it has its hints (" + std::to_string(clip.hint->frame_count) + " in " + p.hint_dir.filename().string() + "/)";
    return p;
  }
  std::set<std::string> inputs, existing;
  for (int i = 0; i < clip.input->frame_count; ++i) inputs.insert(ck::ascii_lower(frame_stem(clip, i)));
  if (clip.hint) {
    for (const auto& f : clip.hint->frames) {
      const std::string stem = ck::ascii_lower(f.stem().string());
      if (!inputs.count(stem)) {
        p.problem = "AlphaHint/ holds " + f.filename().string() +
                    ", which matches no Input frame: the hints would not line up with the plates. Move the "
                    "hints that do not belong away (or all of them, to generate a full set)";
        return p;
      }
      existing.insert(stem);
    }
  }
  for (int i = 0; i < clip.input->frame_count; ++i) {
    if (!existing.count(ck::ascii_lower(frame_stem(clip, i)))) p.todo.push_back(i);
  }
  return p;
}

struct Tally {
  int ok = 0, failed = 0, no_screen = 0;
};

// Keys the frames of `plan.todo` on `workers` threads, each reading, keying and writing whole
// frames (a video is decoded in order under a lock; image files are decoded in parallel).
Tally generate_clip(const ck::Clip& clip, const Plan& plan, const ClipScreen& screen, const Options& o,
                    Reporter& reporter) {
  Tally t;
  fs::create_directories(plan.hint_dir);
  reporter.clip_start(clip.name, clip.input->frame_count, static_cast<int>(plan.todo.size()),
                      {{"screen_color", ck::screen_color_name(screen.color)}, {"screen_how", screen.how}});
  const bool video = clip.input->kind == ck::ClipAsset::Kind::Video;
  std::unique_ptr<FrameSource> shared;  // the video, read in order
  std::string open_error;
  try {
    if (video) shared = std::make_unique<FrameSource>(*clip.input, FrameSource::Role::Plate, &o);
  } catch (const ck::Error& e) {
    open_error = e.what();
  }
  std::mutex take_mutex, report_mutex;
  std::size_t next = 0;
  const auto work = [&] {
    std::optional<FrameSource> own;  // image files: one reader per worker (it holds no state)
    if (!video) own.emplace(*clip.input, FrameSource::Role::Plate, &o);
    while (true) {
      int index = 0;
      cv::Mat plate;
      std::string error = open_error;
      {
        std::lock_guard lock(take_mutex);
        if (ck::interrupt_requested() || next >= plan.todo.size()) return;
        index = plan.todo[next++];
        if (video && error.empty()) {
          try {
            plate = shared->read(index);
          } catch (const std::exception& e) {
            error = e.what();
          }
        }
      }
      const std::string stem = frame_stem(clip, index);
      bool no_screen = false;
      if (error.empty()) {
        try {
          if (!video) plate = own->read(index);
          ck::CoarseAlphaSettings s;
          s.screen = screen.color;
          s.input_is_linear = o.settings.input_is_linear ||
                              (!video && ck::is_linear_image(clip.input->frames[static_cast<std::size_t>(index)]));
          s.threads = 1;
          const ck::CoarseAlpha a = ck::coarse_alpha(ck::mat_tensor(plate), s);
          no_screen = !a.found_screen;
          const fs::path out = plan.hint_dir / (stem + ".png");
          if (fs::exists(out)) throw ck::IoError(out.string() + " appeared meanwhile; it is left as it is");
          ck::write_png16(out, ck::tensor_mat(a.alpha.unsqueeze(2)));
        } catch (const std::exception& e) {
          error = e.what();
        }
      }
      std::lock_guard lock(report_mutex);
      if (no_screen && t.no_screen++ == 0) {
        ck::log_warn("clip '", clip.name, "' frame ", stem, ": too little ", ck::screen_color_name(screen.color),
                     " screen to key; its hint is all foreground");
      }
      if (error.empty())
        ++t.ok;
      else
        ++t.failed;
      reporter.frame_done(clip.name, index, stem, error.empty() ? "ok" : "failed", error);
    }
  };
  const int workers =
      std::max(1, std::min(o.threads > 0 ? o.threads : at::get_num_threads(), static_cast<int>(plan.todo.size())));
  std::vector<std::thread> pool;
  for (int k = 1; k < workers; ++k) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  reporter.clip_end(clip.name, t.ok, 0, t.failed, ck::interrupt_requested());
  if (t.no_screen > 1)
    ck::log_warn("clip '", clip.name, "': ", t.no_screen,
                 " frames had too little screen; their hints are all foreground");
  return t;
}

}  // namespace

int run_generate_alphas(const Options& o) {
  const auto t0 = std::chrono::steady_clock::now();
  ck::organise_clips(o.clips_dir);
  const std::vector<ck::Clip> clips = ck::scan_clips(o.clips_dir);
  if (o.threads > 0) at::set_num_threads(o.threads);
  if (o.frame_range || o.max_frames > 0)
    ck::log_warn("generate_alphas makes a hint for every frame of a clip: --frame-range and --max-frames are ignored");
  Reporter reporter(o.json, ::isatty(STDERR_FILENO) != 0);
  reporter.event({{"event", "start"}, {"action", "generate_alphas"}, {"clips", clips.size()}});
  int clips_done = 0, clips_skipped = 0, clips_failed = 0;
  Tally total;
  for (const auto& clip : clips) {
    if (ck::interrupt_requested()) break;
    if (!clip.input || clip.input->frame_count == 0) {
      ck::log_error("clip '", clip.name, "': no hints generated: ", clip.problem);
      reporter.event({{"event", "clip_failed"}, {"clip", clip.name}, {"error", clip.problem}});
      ++clips_failed;
      continue;
    }
    const Plan plan = plan_hints(clip);
    if (!plan.skip.empty()) {
      ck::log_info("clip '", clip.name, "': ", plan.skip, "; nothing to generate");
      reporter.event({{"event", "clip_skipped"}, {"clip", clip.name}, {"reason", plan.skip}});
      ++clips_skipped;
      continue;
    }
    ClipScreen screen;
    std::string problem = plan.problem;
    if (problem.empty()) {
      screen = clip_screen(clip, o);
      problem = screen.problem;
    }
    if (!problem.empty()) {
      ck::log_error("clip '", clip.name, "': no hints generated: ", problem);
      reporter.event({{"event", "clip_failed"}, {"clip", clip.name}, {"error", problem}});
      ++clips_failed;
      continue;
    }
    const Tally t = generate_clip(clip, plan, screen, o, reporter);
    total.ok += t.ok, total.failed += t.failed;
    if (t.failed)
      ++clips_failed;
    else if (!ck::interrupt_requested())
      ++clips_done;
  }
  const bool interrupted = ck::interrupt_requested();
  const int code = interrupted ? kInterrupted : (clips_failed || total.failed) ? kSomeFailed : kOk;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  reporter.event({{"event", "summary"},
                  {"clips_done", clips_done},
                  {"clips_skipped", clips_skipped},
                  {"clips_failed", clips_failed},
                  {"frames_ok", total.ok},
                  {"frames_failed", total.failed},
                  {"interrupted", interrupted},
                  {"seconds", seconds},
                  {"exit_code", code}});
  ck::log_info("done: ", total.ok, " hints written, ", total.failed, " failed in ", seconds, " s",
               interrupted ? " (interrupted)" : "",
               total.ok ? "; check them (they are coarse on purpose), then run --action run_inference" : "");
  return code;
}

}  // namespace clip_manager
