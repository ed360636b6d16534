#include "cli_support.hpp"

#include <sys/wait.h>

#include <cstdlib>

#include "test_support.hpp"

namespace corridorkey::test {
namespace fs = std::filesystem;

fs::path cli_path() { return fs::path(CORRIDORKEY_BINARY_DIR) / "bin" / "clip_manager"; }

CliRun run_cli(const std::vector<std::string>& args, const std::vector<std::string>& env, const fs::path& cwd) {
  const fs::path cli = cli_path();
  TempDir io;
  std::string cmd;
  for (const auto& e : env) cmd += e + " ";
  if (!cwd.empty()) cmd.insert(0, "cd '" + cwd.string() + "' && ");
  cmd.append("'").append(cli.string()).append("'");
  for (const auto& a : args) cmd.append(" '").append(a).append("'");
  cmd.append(" > '")
      .append((io / "out").string())
      .append("' 2> '")
      .append((io / "err").string())
      .append("' < /dev/null");
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_bytes(io / "out");
  r.err = read_bytes(io / "err");
  return r;
}

fs::path make_clip(const fs::path& clips, const std::string& name, const std::vector<std::string>& stems) {
  const fs::path clip = clips / name;
  fs::create_directories(clip / "Input");
  fs::create_directories(clip / "AlphaHint");
  for (const auto& s : stems) {
    fs::copy_file(fixtures() / "frame" / "input.png", clip / "Input" / (s + ".png"));
    fs::copy_file(fixtures() / "frame" / "hint.png", clip / "AlphaHint" / (s + ".png"));
  }
  return clip;
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

}  // namespace corridorkey::test
