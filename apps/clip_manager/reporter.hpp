// Progress for people (a bar on a TTY, log lines otherwise) and for scripts (--json: one JSON
// object per line on stdout).
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

namespace clip_manager {

class Reporter {
 public:
  Reporter(bool json, bool tty) : json_(json), tty_(tty) {}

  void event(const nlohmann::json& e) const;  // --json only
  /// `extra` fields are added to the NDJSON clip_start event.
  void clip_start(const std::string& clip, int frames, int to_process, const nlohmann::json& extra = {});
  void frame_done(const std::string& clip, int index, const std::string& stem, const std::string& status,
                  const std::string& error = "");
  void clip_end(const std::string& clip, int ok, int skipped, int failed, bool interrupted);
  bool json() const { return json_; }

 private:
  void draw(bool final);
  bool json_, tty_;
  std::string clip_;
  int total_ = 0, done_ = 0, ok_ = 0;
  std::chrono::steady_clock::time_point start_, last_log_;
};

}  // namespace clip_manager
