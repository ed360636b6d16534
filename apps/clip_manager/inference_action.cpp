// run_inference: reading, inference and writing overlap (a reader thread, the network on this
// thread, a writer thread, bounded queues between them).
#include <unistd.h>

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "actions.hpp"
#include "bounded_queue.hpp"
#include "clip_screen.hpp"
#include "corridorkey/device.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/hub/hub.hpp"
#include "corridorkey/interrupt.hpp"
#include "corridorkey/io/alpha_video.hpp"
#include "corridorkey/io/clips.hpp"
#include "corridorkey/io/ffmpeg.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "corridorkey/io/tensor_mat.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/model.hpp"
#include "corridorkey/pipeline.hpp"
#include "engines.hpp"
#include "frame_source.hpp"
#include "reporter.hpp"

namespace clip_manager {
namespace ck = corridorkey;
namespace fs = std::filesystem;

namespace {

struct FrameJob {
  int index = 0;
  std::string stem;
  cv::Mat plate, hint;
  std::string error;  // a frame that could not be read
  ck::PlateInfo info;
};

// The network's output of one frame; the writer thread post-processes and writes it, so that
// post-processing overlaps the next frame's network pass.
struct WriteJob {
  int index = 0;
  std::string stem;
  at::Tensor alpha, fg;  // [1,S,S], [3,S,S] float32 on the model's device (CPU or GPU)
  int width = 0, height = 0;
  ck::PlateInfo info;  // the plate's windows, pixel aspect, timecode and chromaticities
  // The network's work on this thread's stream; the writer's stream waits for it before the
  // post-processing kernels read alpha and fg (the two threads' streams may differ).
  ck::DeviceFence ready;
};

// The output folders of a clip and which of them this run writes.
struct Outputs {
  fs::path fg, matte, comp, processed;
  OutputSet which;
  ck::ExrCompression exr = ck::ExrCompression::pxr24;
  ck::ExrDataType exr_type = ck::ExrDataType::half;
  const Options* options = nullptr;  // the colour of Processed (--output-colorspace, --input-colorspace)
  std::vector<fs::path> files(const std::string& stem) const {
    std::vector<fs::path> f;
    if (which.fg) f.push_back(fg / (stem + ".exr"));
    if (which.matte) f.push_back(matte / (stem + ".exr"));
    if (which.processed) f.push_back(processed / (stem + ".exr"));
    if (which.comp) f.push_back(comp / (stem + ".png"));
    return f;
  }
  void create() const {
    for (const auto& [on, dir] :
         {std::pair{which.fg, fg}, {which.matte, matte}, {which.processed, processed}, {which.comp, comp}}) {
      if (on) fs::create_directories(dir);
    }
  }
};

std::vector<int> frames_to_process(const ck::Clip& clip, const Options& o) {
  const int n = clip.input->frame_count;
  int first = 0, last = n - 1;
  if (o.frame_range) {
    first = o.frame_range->first;
    last = std::min(last, o.frame_range->second);
  }
  std::vector<int> out;
  for (int i = first; i <= last; ++i) {
    if (o.max_frames > 0 && static_cast<int>(out.size()) >= o.max_frames) break;
    out.push_back(i);
  }
  return out;
}

// Reads the frames of one clip in order onto the queue (sequences by file, videos sequentially).
void read_frames(const ck::Clip& clip, const std::vector<int>& indices, const Options& o,
                 BoundedQueue<FrameJob>& queue) {
  std::unique_ptr<FrameSource> plates, hints;
  try {
    plates = std::make_unique<FrameSource>(*clip.input, FrameSource::Role::Plate, &o);
    hints = std::make_unique<FrameSource>(*clip.hint, FrameSource::Role::Hint);
  } catch (const ck::Error& e) {
    for (int i : indices) queue.push({i, frame_stem(clip, i), {}, {}, e.what(), {}});
    queue.close();
    return;
  }
  for (int i : indices) {
    if (ck::interrupt_requested()) break;
    FrameJob job{i, frame_stem(clip, i), {}, {}, {}, {}};
    try {
      job.plate = plates->read(i, &job.info);
      job.hint = hints->read(i);
    } catch (const std::exception& e) {
      job.error = e.what();
      job.plate.release(), job.hint.release();
    }
    if (!queue.push(std::move(job))) break;
  }
  queue.close();
}

// The EXR header of a frame's outputs: the plate's windows, pixel aspect and timecode, and the
// chromaticities of the output's colour: Processed's --output-colorspace; else linear Rec.709's after
// an --input-colorspace conversion (FG is the network's sRGB colour of Rec.709 primaries); else the
// plate's own.
ck::ExrAttributes exr_attributes(const ck::PlateInfo& info, const Options& o, bool processed) {
  ck::ExrAttributes a;
  if (info.windowed() || info.display.x != 0 || info.display.y != 0) {
    a.data_window = info.data;
    a.display_window = info.display;
  }
  a.pixel_aspect = info.pixel_aspect;
  a.timecode = info.timecode;
  if (processed && !o.output_space.empty())
    a.chromaticities = o.output_chromaticities;
  else if (o.input_color.mode == ck::InputColor::Mode::convert)
    a.chromaticities = o.rec709_chromaticities;
  else
    a.chromaticities = info.chromaticities;
  return a;
}

// An output of the display window placed into the plate's data window: the pixels the two share;
// the rest of the data window (overscan the network did not see) black and transparent.
cv::Mat in_data_window(const cv::Mat& display, const ck::PlateInfo& info) {
  if (!info.windowed()) return display;
  cv::Mat out = cv::Mat::zeros(info.data.height, info.data.width, display.type());
  const int x0 = std::max(info.data.x, info.display.x), y0 = std::max(info.data.y, info.display.y);
  const int x1 = std::min(info.data.x + info.data.width, info.display.x + info.display.width);
  const int y1 = std::min(info.data.y + info.data.height, info.display.y + info.display.height);
  if (x1 > x0 && y1 > y0) {
    display(cv::Rect(x0 - info.display.x, y0 - info.display.y, x1 - x0, y1 - y0))
        .copyTo(out(cv::Rect(x0 - info.data.x, y0 - info.data.y, x1 - x0, y1 - y0)));
  }
  return out;
}

// Post-processing (on the device the network ran on), the download, and the four files.
void write_outputs(const WriteJob& job, const Outputs& out, const ck::InferenceSettings& settings) {
  job.ready.wait();
  // Only the outputs asked for cross to the host; from a GPU, those of half-float EXRs as float16.
  ck::HostOutputs which;
  which.alpha = out.which.matte, which.fg = out.which.fg, which.comp = out.which.comp;
  which.processed = out.which.processed, which.half = out.exr_type == ck::ExrDataType::half;
  const Options& o = *out.options;
  which.half = which.half && o.to_output.is_noop();  // a conversion works on float32
  const ck::FrameResult r = ck::Engine::postprocess(job.alpha, job.fg, job.width, job.height, settings).to_host(which);
  const auto exr = [&](const fs::path& dir, const cv::Mat& image, bool processed = false) {
    ck::write_exr(dir / (job.stem + ".exr"), in_data_window(image, job.info), out.exr, out.exr_type,
                  exr_attributes(job.info, o, processed));
  };
  if (out.which.fg) exr(out.fg, ck::tensor_mat(r.fg));
  if (out.which.matte) exr(out.matte, ck::tensor_mat(r.alpha));
  if (out.which.processed) {
    cv::Mat processed = ck::tensor_mat(r.processed);
    if (!o.to_output.is_noop()) {
      processed = processed.clone();  // the host buffer may be reused for the next frame
      o.to_output.apply_premultiplied(processed);
    }
    exr(out.processed, processed, true);
  }
  if (out.which.comp) ck::write_png8(out.comp / (job.stem + ".png"), ck::tensor_mat(r.comp));
}

void stitch_comp(const ck::Clip& clip, const Outputs& out) {
  const fs::path ffmpeg = ck::find_ffmpeg();
  if (ffmpeg.empty()) {
    ck::log_info("ffmpeg not found: not stitching ", clip.name, "_comp.mp4 (the Comp/ frames are written)");
    return;
  }
  const fs::path target = clip.output_dir() / (clip.name + "_comp.mp4");
  const fs::path temp = clip.output_dir() / ("." + clip.name + "_comp.tmp.mp4");
  const std::string fps = std::to_string(clip.input->fps > 0 ? clip.input->fps : 24.0);
  try {
    ck::run_ffmpeg(ffmpeg, {"-y", "-loglevel", "error", "-framerate", fps, "-i", (out.comp / "%05d.png").string(),
                            "-c:v", "libx264", "-pix_fmt", "yuv420p", temp.string()});
    fs::rename(temp, target);
    ck::log_info("wrote ", target.string());
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(temp, ec);
    ck::log_warn("could not stitch ", target.string(), " (", e.what(), "); the Comp/ frames are complete");
  }
}

// After a clip: its Processed frames as one video with alpha, once every frame of the clip has
// one (a --frame-range chunk that completes the clip makes it; the others leave it to that one).
void make_alpha_video(const ck::Clip& clip, const Outputs& out, const Options& o, int written, Reporter& reporter) {
  const fs::path target = clip.output_dir() / (clip.name + "_processed" + ck::alpha_video_extension(o.alpha_video));
  std::vector<fs::path> frames;
  int missing = 0;
  for (int i = 0; i < clip.input->frame_count; ++i) {
    fs::path f = out.processed / (frame_stem(clip, i) + ".exr");
    if (fs::exists(f))
      frames.push_back(std::move(f));
    else
      ++missing;
  }
  if (missing > 0) {
    ck::log_info("clip '", clip.name, "': ", target.filename().string(), " waits for all of its frames (", missing,
                 " of ", clip.input->frame_count, " Processed frames missing)");
    return;
  }
  if (written == 0 && fs::exists(target)) return;  // nothing new since it was made
  const double fps = clip.input->kind == ck::ClipAsset::Kind::Video && clip.input->fps > 0 ? clip.input->fps : o.fps;
  try {
    ck::write_alpha_video(frames, target, fps, o.alpha_video);
    ck::log_info("wrote ", target.string(), " (", frames.size(), " frames at ", fps, " fps)");
    reporter.event({{"event", "video"}, {"clip", clip.name}, {"file", target.string()}, {"frames", frames.size()}});
  } catch (const std::exception& e) {
    ck::log_error("clip '", clip.name, "': could not write ", target.string(), ": ", e.what());
    reporter.event({{"event", "video_failed"}, {"clip", clip.name}, {"file", target.string()}, {"error", e.what()}});
    throw;
  }
}

struct ClipTally {
  int ok = 0, skipped = 0, failed = 0;
};

// One engine per device (--devices); the frames go to whichever is free.
ClipTally run_clip(const std::vector<ck::Engine*>& engines, const ck::Clip& clip, const ClipScreen& screen,
                   const std::string& checkpoint, const Options& options, Reporter& reporter) {
  Options o = options;
  o.settings.screen_color = screen.color;
  ClipTally tally;
  Outputs out{clip.output_dir() / "FG",
              clip.output_dir() / "Matte",
              clip.output_dir() / "Comp",
              clip.output_dir() / "Processed",
              o.outputs,
              o.exr_compression,
              o.exr_data_type,
              &o};
  out.create();

  std::vector<int> todo;
  const std::vector<int> wanted = frames_to_process(clip, o);
  std::vector<std::pair<int, std::string>> skipped;
  for (int i : wanted) {
    const std::string stem = frame_stem(clip, i);
    bool all = o.skip_existing;
    for (const auto& f : out.files(stem)) all = all && fs::exists(f);
    if (all)
      skipped.emplace_back(i, stem);
    else
      todo.push_back(i);
  }
  reporter.clip_start(
      clip.name, clip.input->frame_count, static_cast<int>(wanted.size()),
      {{"screen_color", ck::screen_color_name(screen.color)}, {"screen_how", screen.how}, {"checkpoint", checkpoint}});
  for (const auto& [i, stem] : skipped) {
    ++tally.skipped;
    reporter.frame_done(clip.name, i, stem, "skipped");
  }

  BoundedQueue<FrameJob> frames(4);
  BoundedQueue<WriteJob> writes(4);
  std::mutex report_mutex;
  std::thread reader([&] { read_frames(clip, todo, o, frames); });
  std::thread writer([&] {
    while (auto job = writes.pop()) {
      std::string error;
      try {
        write_outputs(*job, out, o.settings);
      } catch (const std::exception& e) {
        error = e.what();
      }
      std::lock_guard lock(report_mutex);
      if (error.empty())
        ++tally.ok;
      else
        ++tally.failed;
      reporter.frame_done(clip.name, job->index, job->stem, error.empty() ? "ok" : "failed", error);
    }
  });
  // A ModelError (out of memory at this img_size, say) stops every engine: the frames already
  // queued for writing are still written, then it is rethrown.
  std::atomic<bool> stop{false};
  std::exception_ptr model_error;
  const auto infer_frames = [&](ck::Engine& engine) {
    while (auto job = frames.pop()) {
      if (ck::interrupt_requested() || stop) break;
      if (!job->error.empty()) {
        std::lock_guard lock(report_mutex);
        ++tally.failed;
        reporter.frame_done(clip.name, job->index, job->stem, "failed", job->error);
        continue;
      }
      try {
        const ck::ModelOutput r = engine.infer({ck::mat_tensor(job->plate)}, {ck::mat_tensor(job->hint)}, o.settings);
        writes.push({job->index, job->stem, r.alpha[0], r.fg[0], job->plate.cols, job->plate.rows, job->info,
                     ck::DeviceFence::record(r.alpha.device())});
      } catch (const ck::ModelError&) {
        std::lock_guard lock(report_mutex);
        if (!model_error) model_error = std::current_exception();
        stop = true;
        frames.close();
        break;
      } catch (const std::exception& e) {
        std::lock_guard lock(report_mutex);
        ++tally.failed;
        reporter.frame_done(clip.name, job->index, job->stem, "failed", e.what());
      }
    }
  };
  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < engines.size(); ++i) workers.emplace_back(infer_frames, std::ref(*engines[i]));
  infer_frames(*engines.front());
  for (auto& t : workers) t.join();
  frames.close();
  reader.join();
  writes.close();  // the writer drains what is queued: those files are complete
  writer.join();
  if (model_error) std::rethrow_exception(model_error);
  const bool interrupted = ck::interrupt_requested();
  reporter.clip_end(clip.name, tally.ok, tally.skipped, tally.failed, interrupted);
  if (!interrupted && tally.failed == 0 && out.which.comp && clip.input->kind == ck::ClipAsset::Kind::Video &&
      !o.frame_range && o.max_frames < 0) {
    stitch_comp(clip, out);
  }
  if (!interrupted && o.alpha_video != ck::AlphaVideo::none) {
    try {
      make_alpha_video(clip, out, o, tally.ok, reporter);
    } catch (const std::exception&) {
      ++tally.failed;  // the clip's delivery failed: the run says so in its exit code
    }
  }
  return tally;
}

}  // namespace

int run_inference(const Options& o) {
  const auto t0 = std::chrono::steady_clock::now();
  // The devices first: one that does not exist is a usage error before anything is touched.
  std::vector<c10::Device> devices;
  for (const std::string& d : o.devices.empty() ? std::vector<std::string>{o.device} : o.devices)
    devices.push_back(ck::pick_device(d));
  // Encoders are checked before any frame is processed.
  try {
    ck::check_alpha_video_encoder(o.alpha_video);
  } catch (const ck::IoError& e) {
    throw ck::UsageError(e.what());
  }

  ck::organise_clips(o.clips_dir);
  const std::vector<ck::Clip> clips = ck::scan_clips(o.clips_dir);
  int not_ready = 0;
  for (const auto& c : clips) {
    if (!c.ready()) {
      ++not_ready;
      ck::log_warn("clip '", c.name, "' skipped: ", c.problem);
    }
  }
  Reporter reporter(o.json, ::isatty(STDERR_FILENO) != 0);
  const int ready = static_cast<int>(clips.size()) - not_ready;
  reporter.event({{"event", "start"}, {"clips", clips.size()}, {"ready", ready}});
  if (ready == 0) {
    ck::log_warn("no clip is ready in ", o.clips_dir.string(), " (see `--action list`)");
    reporter.event({{"event", "summary"},
                    {"clips_ok", 0},
                    {"clips_failed", not_ready},
                    {"frames_ok", 0},
                    {"frames_skipped", 0},
                    {"frames_failed", 0},
                    {"interrupted", false},
                    {"exit_code", not_ready ? 1 : 0}});
    return not_ready ? kSomeFailed : kOk;
  }

  // A network per screen colour and device, loaded when the first clip of that colour needs it.
  if (o.threads > 0) at::set_num_threads(o.threads);
  std::vector<std::unique_ptr<Engines>> engines;
  for (const c10::Device& d : devices) engines.push_back(std::make_unique<Engines>(o, reporter, d));

  ClipTally total;
  int clips_failed = not_ready;
  bool model_failed = false;
  for (const auto& clip : clips) {
    if (!clip.ready() || ck::interrupt_requested()) continue;
    const ClipScreen screen = clip_screen(clip, o);
    reporter.event({{"event", "clip_screen"},
                    {"clip", clip.name},
                    {"screen_color", ck::screen_color_name(screen.color)},
                    {"how", screen.how},
                    {"evidence", screen.evidence}});
    if (!screen.problem.empty()) {
      ck::log_error("clip '", clip.name, "' not keyed: ", screen.problem);
      reporter.event({{"event", "clip_failed"}, {"clip", clip.name}, {"error", screen.problem}});
      ++clips_failed;
      continue;
    }
    std::vector<ck::Engine*> clip_engines;
    std::string error;
    try {
      for (auto& e : engines) clip_engines.push_back(&e->get(screen.color));
    } catch (const ck::HubError& e) {
      error = e.what();
    } catch (const ck::CheckpointError& e) {
      error = e.what();
    } catch (const ck::ModelError& e) {
      error = e.what();
    }
    if (clip_engines.size() != engines.size()) {
      model_failed = true;
      ck::log_error("clip '", clip.name, "' (", ck::screen_color_name(screen.color), " screen) not keyed: ", error);
      reporter.event({{"event", "clip_failed"}, {"clip", clip.name}, {"error", error}});
      ++clips_failed;
      continue;
    }
    const ClipTally t = run_clip(clip_engines, clip, screen, engines.front()->checkpoint(screen.color), o, reporter);
    total.ok += t.ok, total.skipped += t.skipped, total.failed += t.failed;
    if (t.failed) ++clips_failed;
  }
  const bool interrupted = ck::interrupt_requested();
  const int code = interrupted                      ? kInterrupted
                   : model_failed                   ? kModel
                   : (total.failed || clips_failed) ? kSomeFailed
                                                    : kOk;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  reporter.event({{"event", "summary"},
                  {"clips_ok", ready - (clips_failed - not_ready)},
                  {"clips_failed", clips_failed},
                  {"frames_ok", total.ok},
                  {"frames_skipped", total.skipped},
                  {"frames_failed", total.failed},
                  {"interrupted", interrupted},
                  {"seconds", seconds},
                  {"exit_code", code}});
  ck::log_info("done: ", total.ok, " frames written, ", total.skipped, " skipped, ", total.failed, " failed in ",
               static_cast<int>(seconds), " s", interrupted ? " (interrupted)" : "");
  return code;
}

}  // namespace clip_manager
