#include "reporter.hpp"

#include <cstdio>
#include <iostream>

#include "corridorkey/logging.hpp"

namespace clip_manager {

void Reporter::event(const nlohmann::json& e) const {
  if (!json_) return;
  std::cout << e.dump() << "\n" << std::flush;
}

void Reporter::clip_start(const std::string& clip, int frames, int to_process, const nlohmann::json& extra) {
  clip_ = clip;
  total_ = to_process, done_ = 0, ok_ = 0;
  start_ = last_log_ = std::chrono::steady_clock::now();
  nlohmann::json e = {{"event", "clip_start"}, {"clip", clip}, {"frames", frames}, {"to_process", to_process}};
  if (extra.is_object()) e.update(extra);
  event(e);
  corridorkey::log_info("clip '", clip, "': ", to_process, " of ", frames, " frames to process");
}

void Reporter::frame_done(const std::string& clip, int index, const std::string& stem, const std::string& status,
                          const std::string& error) {
  ++done_;
  if (status == "ok") ++ok_;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  nlohmann::json e = {
      {"event", "frame"}, {"clip", clip},  {"index", index},  {"stem", stem},
      {"status", status}, {"done", done_}, {"total", total_}, {"fps", elapsed > 0 ? ok_ / elapsed : 0.0}};
  if (!error.empty()) e["error"] = error;
  event(e);
  if (status == "failed") corridorkey::log_error("clip '", clip, "' frame ", stem, ": ", error);
  draw(done_ == total_);
}

void Reporter::draw(bool final) {
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fps = elapsed > 0 ? ok_ / elapsed : 0;
  const double eta = fps > 0 ? (total_ - done_) / fps : 0;
  if (tty_ && !json_) {
    const int width = 30;
    const int filled = total_ > 0 ? width * done_ / total_ : width;
    std::fprintf(stderr, "\r%-20.20s [%-*s] %d/%d  %.2f frames/s  ETA %d:%02d ", clip_.c_str(), width,
                 std::string(static_cast<std::size_t>(filled), '#').c_str(), done_, total_, fps,
                 static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
    if (final) std::fputs("\n", stderr);
    std::fflush(stderr);
  } else if (final || std::chrono::duration<double>(now - last_log_).count() >= 5.0) {
    last_log_ = now;
    corridorkey::log_info("clip '", clip_, "': ", done_, "/", total_, " frames, ", fps, " frames/s, ETA ",
                          static_cast<int>(eta), " s");
  }
}

void Reporter::clip_end(const std::string& clip, int ok, int skipped, int failed, bool interrupted) {
  event({{"event", "clip_end"},
         {"clip", clip},
         {"ok", ok},
         {"skipped", skipped},
         {"failed", failed},
         {"interrupted", interrupted}});
  corridorkey::log_info("clip '", clip, "': ", ok, " written, ", skipped, " skipped, ", failed, " failed",
                        interrupted ? " (interrupted)" : "");
}

}  // namespace clip_manager
