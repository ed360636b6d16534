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
}  // namespace

HubOptions HubOptions::from_environment() {
  HubOptions o;
  o.endpoint = env("HF_ENDPOINT").empty() ? "https://huggingface.co" : env("HF_ENDPOINT");
  while (!o.endpoint.empty() && o.endpoint.back() == '/') o.endpoint.pop_back();
  if (!env("CORRIDORKEY_HUB_REPO").empty()) o.repo = env("CORRIDORKEY_HUB_REPO");
  if (!env("CORRIDORKEY_HUB_REPO_BLUE").empty()) o.blue_repo = env("CORRIDORKEY_HUB_REPO_BLUE");
  if (!env("CORRIDORKEY_HUB_REVISION").empty()) o.revision = env("CORRIDORKEY_HUB_REVISION");
  const fs::path hf_home = !env("HF_HOME").empty()          ? fs::path(env("HF_HOME"))
                           : !env("XDG_CACHE_HOME").empty() ? fs::path(env("XDG_CACHE_HOME")) / "huggingface"
                                                            : home() / ".cache" / "huggingface";
  o.token = trim(env("HF_TOKEN"));
  if (o.token.empty()) {
    const fs::path token_file = env("HF_TOKEN_PATH").empty() ? hf_home / "token" : fs::path(env("HF_TOKEN_PATH"));
    std::ifstream in(token_file);
    std::string line;
    if (in && std::getline(in, line)) o.token = trim(line);
  }
  std::string offline = env("HF_HUB_OFFLINE");
  for (auto& c : offline) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  o.offline = offline == "1" || offline == "ON" || offline == "YES" || offline == "TRUE";
  o.hf_cache = !env("HF_HUB_CACHE").empty() ? fs::path(env("HF_HUB_CACHE")) : hf_home / "hub";
  return o;
}

fs::path default_checkpoint_dir() {
  const std::string dir = env("CORRIDORKEY_CHECKPOINT_DIR");
  if (!dir.empty()) return dir;
  return fs::path(CORRIDORKEY_PROJECT_ROOT) / "checkpoints";
}

}  // namespace corridorkey
