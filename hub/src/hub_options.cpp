#include <cctype>
#include <cstdlib>
#include <fstream>

#include "corridorkey/hub/hub.hpp"

namespace corridorkey {
namespace fs = std::filesystem;

namespace {
std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}
std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  const auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}
fs::path home() { return env("HOME").empty() ? fs::path("/") : fs::path(env("HOME")); }

bool is_true(std::string v) {
  for (auto& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return v == "1" || v == "ON" || v == "YES" || v == "TRUE";
}

// A positive whole number of seconds, or `fallback`.
long seconds(const char* name, long fallback) {
  const std::string v = env(name);
  char* end = nullptr;
  const long n = v.empty() ? 0 : std::strtol(v.c_str(), &end, 10);
  return (n > 0 && end != nullptr && *end == '\0') ? n : fallback;
}

}  // namespace

std::string expand_path(const std::string& path) {
  std::string out;
  std::size_t i = 0;
  if (!path.empty() && path[0] == '~' && (path.size() == 1 || path[1] == '/')) {
    out = home().string();
    i = 1;
  }
  while (i < path.size()) {
    if (path[i] != '$') {
      out += path[i++];
      continue;
    }
    std::size_t j = i + 1;
    std::string name;
    if (j < path.size() && path[j] == '{') {
      const auto close = path.find('}', j);
      if (close == std::string::npos) {
        out += path.substr(i);
        break;
      }
      name = path.substr(j + 1, close - j - 1);
      j = close + 1;
    } else {
      while (j < path.size() && (std::isalnum(static_cast<unsigned char>(path[j])) || path[j] == '_')) ++j;
      name = path.substr(i + 1, j - i - 1);
    }
    const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
    out += value != nullptr ? std::string(value) : path.substr(i, j - i);  // unset: left as is, like Python
    i = j;
  }
  return out;
}

HubOptions HubOptions::from_environment() {
  HubOptions o;
  o.endpoint = env("HF_ENDPOINT").empty() ? "https://huggingface.co" : env("HF_ENDPOINT");
  while (!o.endpoint.empty() && o.endpoint.back() == '/') o.endpoint.pop_back();
  if (!env("CORRIDORKEY_HUB_REPO").empty()) o.repo = env("CORRIDORKEY_HUB_REPO");
  if (!env("CORRIDORKEY_HUB_REPO_BLUE").empty()) o.blue_repo = env("CORRIDORKEY_HUB_REPO_BLUE");
  if (!env("CORRIDORKEY_HUB_REVISION").empty()) o.revision = env("CORRIDORKEY_HUB_REVISION");
  const fs::path hf_home = !env("HF_HOME").empty()          ? fs::path(expand_path(env("HF_HOME")))
                           : !env("XDG_CACHE_HOME").empty() ? fs::path(expand_path(env("XDG_CACHE_HOME"))) / "huggingface"
                                                            : home() / ".cache" / "huggingface";
  if (!is_true(env("HF_HUB_DISABLE_IMPLICIT_TOKEN"))) {
    for (const char* name : {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
      o.token = trim(env(name));
      if (!o.token.empty()) {
        o.token_source = name;
        break;
      }
    }
    if (o.token.empty()) {
      const fs::path token_file =
          env("HF_TOKEN_PATH").empty() ? hf_home / "token" : fs::path(expand_path(env("HF_TOKEN_PATH")));
      std::ifstream in(token_file);
      std::string line;
      if (in && std::getline(in, line)) o.token = trim(line);
      if (!o.token.empty()) o.token_source = "the token file " + token_file.string();
    }
  }
  o.offline = is_true(env("HF_HUB_OFFLINE"));
  o.hf_cache = !env("HF_HUB_CACHE").empty()            ? fs::path(expand_path(env("HF_HUB_CACHE")))
               : !env("HUGGINGFACE_HUB_CACHE").empty() ? fs::path(expand_path(env("HUGGINGFACE_HUB_CACHE")))
                                                       : hf_home / "hub";
  o.connect_timeout_seconds = seconds("HF_HUB_ETAG_TIMEOUT", o.connect_timeout_seconds);
  o.stall_timeout_seconds = seconds("HF_HUB_DOWNLOAD_TIMEOUT", o.stall_timeout_seconds);
  return o;
}

fs::path default_checkpoint_dir() {
  const std::string dir = env("CORRIDORKEY_CHECKPOINT_DIR");
  if (!dir.empty()) return expand_path(dir);
  // An unpacked release (bin/clip_manager beside checkpoints/): its own folder, wherever it was
  // unpacked. A build tree has no such folder and keeps the source checkout's.
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  const fs::path release_dir = exe.parent_path().parent_path() / "checkpoints";
  if (!ec && exe.parent_path().filename() == "bin" && fs::is_directory(release_dir, ec)) return release_dir;
  return fs::path(CORRIDORKEY_PROJECT_ROOT) / "checkpoints";
}

}  // namespace corridorkey
