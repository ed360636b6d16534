#include "corridorkey/io/ffmpeg.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "corridorkey/errors.hpp"

extern char** environ;

namespace corridorkey {
namespace fs = std::filesystem;
namespace {

// A temporary file for ffmpeg's output, removed with this object.
class TempOutput {
 public:
  TempOutput() {
    std::string pattern = (fs::temp_directory_path() / "corridorkey-ffmpeg-XXXXXX").string();
    fd_ = ::mkstemp(pattern.data());
    if (fd_ < 0)
      throw IoError("cannot create a temporary file for ffmpeg's output: " + std::string(std::strerror(errno)));
    path_ = pattern;
  }
  ~TempOutput() {
    ::close(fd_);
    std::error_code ec;
    fs::remove(path_, ec);
  }
  TempOutput(const TempOutput&) = delete;
  TempOutput& operator=(const TempOutput&) = delete;
  int fd() const { return fd_; }
  std::string text() const {
    std::ifstream in(path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  int fd_ = -1;
  fs::path path_;
};

// The last few lines of ffmpeg's messages.
std::string tail(const std::string& text, std::size_t lines = 4) {
  std::size_t end = text.find_last_not_of("\n\r ");
  if (end == std::string::npos) return "(no message)";
  std::size_t start = end + 1;
  for (std::size_t n = 0; n < lines && start > 0; ++n) {
    const std::size_t nl = text.rfind('\n', start - 1);
    start = nl == std::string::npos ? 0 : nl;
    if (nl == std::string::npos) break;
  }
  std::string t = text.substr(start, end + 1 - start);
  while (!t.empty() && (t.front() == '\n' || t.front() == '\r')) t.erase(t.begin());
  return t;
}

// Starts `ffmpeg args` with stdin from `in_fd` (-1: /dev/null), stdout to `out_fd`, stderr to
// `err_fd`; returns its pid.
pid_t spawn(const fs::path& ffmpeg, const std::vector<std::string>& args, int in_fd, int out_fd, int err_fd,
            int close_fd) {
  std::vector<std::string> all{ffmpeg.string()};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (in_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, in_fd, STDIN_FILENO);
  else
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  if (close_fd >= 0) posix_spawn_file_actions_addclose(&actions, close_fd);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, ffmpeg.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw IoError("cannot start " + ffmpeg.string() + ": " + std::strerror(rc));
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

fs::path find_ffmpeg() {
  const char* path = std::getenv("PATH");
  const std::string p = path ? path : "";
  std::size_t start = 0;
  while (start <= p.size()) {
    const auto end = p.find(':', start);
    const fs::path dir = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty() && ::access((dir / "ffmpeg").c_str(), X_OK) == 0) return dir / "ffmpeg";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {};
}

bool ffmpeg_has_encoder(const fs::path& ffmpeg, const std::string& encoder) {
  TempOutput out, err;
  const pid_t pid = spawn(ffmpeg, {"-hide_banner", "-encoders"}, -1, out.fd(), err.fd(), -1);
  if (wait_for(pid) != 0) return false;
  std::istringstream lines(out.text());
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string flags, name;
    if (words >> flags >> name && name == encoder) return true;
  }
  return false;
}

void write_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw IoError(std::string("writing to ffmpeg failed: ") + std::strerror(errno));
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void run_ffmpeg(const fs::path& ffmpeg, const std::vector<std::string>& args, const std::function<void(int)>& feed) {
  // A dead ffmpeg must make our writes fail (EPIPE), not kill the process.
  static const bool ignore_sigpipe = [] { return std::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  (void)ignore_sigpipe;
  TempOutput err;
  const int null_out = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  int pipe_fds[2] = {-1, -1};
  if (feed && ::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    ::close(null_out);
    throw IoError(std::string("cannot create a pipe to ffmpeg: ") + std::strerror(errno));
  }
  pid_t pid = 0;
  try {
    pid = spawn(ffmpeg, args, feed ? pipe_fds[0] : -1, null_out, err.fd(), feed ? pipe_fds[1] : -1);
  } catch (...) {
    ::close(null_out);
    if (feed) ::close(pipe_fds[0]), ::close(pipe_fds[1]);
    throw;
  }
  ::close(null_out);
  std::string feed_error;
  if (feed) {
    ::close(pipe_fds[0]);
    try {
      feed(pipe_fds[1]);
    } catch (const std::exception& e) {
      feed_error = e.what();
    }
    ::close(pipe_fds[1]);  // end of input: ffmpeg finishes the file
    if (!feed_error.empty()) ::kill(pid, SIGTERM);
  }
  const int code = wait_for(pid);
  if (!feed_error.empty() && feed_error.rfind("writing to ffmpeg failed", 0) != 0) throw IoError(feed_error);
  if (code != 0 || !feed_error.empty()) {
    throw IoError("ffmpeg failed (exit " + std::to_string(code) + "): " + tail(err.text()));
  }
}

}  // namespace corridorkey
