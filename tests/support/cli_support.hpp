// Running the built clip_manager as a user would (a shell, its exit code, stdout and stderr), and
// making clip folders from the fixture frame. For the tests of the apps layer.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace corridorkey::test {

struct CliRun {
  int code = -1;
  std::string out, err;
};

/// build/bin/clip_manager.
std::filesystem::path cli_path();

/// Runs build/bin/clip_manager with `args` (each quoted), `env` assignments before it, in `cwd`.
CliRun run_cli(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
               const std::filesystem::path& cwd = {});

/// <clips>/<name>/Input/<stem>.png and AlphaHint/<stem>.png, copies of the fixture frame and hint.
std::filesystem::path make_clip(const std::filesystem::path& clips, const std::string& name,
                                const std::vector<std::string>& stems);

/// `a` followed by `more`.
std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& more);

}  // namespace corridorkey::test
