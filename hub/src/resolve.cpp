#include <fcntl.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "corridorkey/errors.hpp"
#include "corridorkey/hub/hub.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/text.hpp"

namespace corridorkey {
namespace fs = std::filesystem;
namespace {

// The checkpoint files of one colour in `dir` with extension `ext` (lower case), sorted.
std::vector<fs::path> with_extension(const fs::path& dir, const std::string& ext, ScreenColor color) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.' || !e.is_regular_file(ec)) continue;
    const std::string x = ascii_lower(e.path().extension().string());
    if (x == ext && checkpoint_screen_color(e.path()) == color) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string names(const std::vector<fs::path>& files) {
  std::string s;
  for (const auto& f : files) s += (s.empty() ? "" : ", ") + f.filename().string();
  return s;
}

// huggingface_hub's cache: <cache>/models--<owner>--<name>/snapshots/<commit>/<file>. The commit
// is the revision itself when it is a commit hash, else the one refs/<revision> names; no other
// snapshot is ever used (it would be another version of the file).
fs::path from_hf_cache(const HubOptions& hub, const CheckpointSource& source) {
  std::string folder = "models--" + source.repo;
  for (std::size_t p = 0; (p = folder.find('/', p)) != std::string::npos;) folder.replace(p, 1, "--");
  const fs::path root = hub.hf_cache / folder;
  const bool is_commit =
      hub.revision.size() == 40 && hub.revision.find_first_not_of("0123456789abcdef") == std::string::npos;
  std::string commit = hub.revision;
  if (!is_commit) {
    std::ifstream ref(root / "refs" / hub.revision);
    if (!ref || !std::getline(ref, commit)) return {};
    while (!commit.empty() && std::isspace(static_cast<unsigned char>(commit.back()))) commit.pop_back();
    if (commit.empty() || commit.find('/') != std::string::npos || commit == "..") return {};
  }
  std::error_code ec;
  for (const std::string& name : {source.safetensors, source.pth}) {
    const fs::path file = root / "snapshots" / commit / name;
    if (fs::is_regular_file(file, ec)) return file;
  }
  return {};
}

class DirLock {
 public:
  explicit DirLock(const fs::path& dir) {
    const fs::path lock = dir / ".corridorkey-download.lock";
    fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw HubError("cannot create lock file " + lock.string() + ": check that the folder is writable");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      log_info("another process is downloading the checkpoint into ", dir.string(), "; waiting for it");
      ::flock(fd_, LOCK_EX);
    }
  }
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }

 private:
  int fd_ = -1;
};

}  // namespace

CheckpointSource checkpoint_source(const HubOptions& hub, ScreenColor color) {
  if (color == ScreenColor::blue) return {hub.blue_repo, "CorridorKeyBlue_1.0.safetensors", "CorridorKeyBlue_1.0.pth"};
  return {hub.repo, "CorridorKey.safetensors", "CorridorKey.pth"};
}

fs::path discover_checkpoint(const fs::path& dir, ScreenColor color) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return {};
  const auto st = with_extension(dir, ".safetensors", color);
  const auto pth = with_extension(dir, ".pth", color);
  const std::string kind = color == ScreenColor::blue ? "blue-screen" : "green-screen";
  const std::string fix = color == ScreenColor::blue
                              ? "keep exactly one (a blue-screen checkpoint has \"Blue\" in its name)"
                              : "keep exactly one (a file with \"Blue\" in its name is taken as the blue-screen one)";
  if (st.size() > 1) {
    throw HubError("checkpoint folder " + dir.string() + " holds several " + kind + " .safetensors files (" +
                   names(st) + "): " + fix + ", or pass --checkpoint FILE");
  }
  if (st.size() == 1) {
    if (!pth.empty())
      log_info("found both ", st[0].filename().string(), " and ", names(pth), " in ", dir.string(),
               ": using the .safetensors");
    return st[0];
  }
  if (pth.size() > 1) {
    throw HubError("checkpoint folder " + dir.string() + " holds several " + kind + " .pth files (" + names(pth) +
                   "): " + fix + ", or pass --checkpoint FILE");
  }
  if (pth.size() == 1) {
    log_info("using legacy ", pth[0].filename().string(),
             "; converting it is safer and loads faster: "
             "scripts/convert_pth_to_safetensors --input ",
             pth[0].string(), " --output ",
             (pth[0].parent_path() / (pth[0].stem().string() + ".safetensors")).string());
    return pth[0];
  }
  return {};
}

ResolvedCheckpoint resolve_checkpoint(const ResolveRequest& request, const HubOptions& hub) {
  std::error_code ec;
  if (!request.checkpoint.empty()) {
    if (!fs::exists(request.checkpoint, ec)) {
      throw HubError("checkpoint '" + request.checkpoint.string() + "' does not exist; check the --checkpoint path");
    }
    return {request.checkpoint, "given"};
  }
  const fs::path dir = request.checkpoint_dir.empty() ? default_checkpoint_dir() : request.checkpoint_dir;
  const CheckpointSource source = checkpoint_source(hub, request.color);
  const std::string colour = screen_color_name(request.color);
  if (fs::path found = discover_checkpoint(dir, request.color); !found.empty())
    return {found, "found in " + dir.string()};
  if (fs::path cached = from_hf_cache(hub, source); !cached.empty()) {
    log_info("using the Hugging Face cache's ", cached.string());
    return {cached, "Hugging Face cache"};
  }
  const std::string put_it = "put " + source.safetensors + " (or " + source.pth + ") from " + hub.endpoint + "/" +
                             source.repo + " into " + dir.string();
  if (hub.offline) {
    throw HubError("no " + colour + "-screen checkpoint in " + dir.string() +
                   " and HF_HUB_OFFLINE=1 forbids downloading one: " + put_it);
  }
  if (!request.allow_download) throw HubError("no " + colour + "-screen checkpoint in " + dir.string() + ": " + put_it);

  fs::create_directories(dir, ec);
  if (ec) throw HubError("cannot create checkpoint folder " + dir.string() + ": " + ec.message());
  DirLock lock(dir);
  if (fs::path found = discover_checkpoint(dir, request.color); !found.empty())
    return {found, "downloaded by another process"};
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) == 0) {
    const std::uint64_t free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    if (free_bytes < hub.min_free_bytes) {
      throw HubError("only " + std::to_string(free_bytes >> 20) + " MB free in " + dir.string() +
                     "; the checkpoint needs about " + std::to_string(hub.min_free_bytes >> 20) +
                     " MB. Free some space, or " + put_it);
    }
  }
  log_info("no ", colour, "-screen checkpoint in ", dir.string(), ": downloading the official one from ", hub.endpoint,
           "/", source.repo);
  HubOptions from = hub;
  from.repo = source.repo;
  try {
    return {download_file(from, source.safetensors, dir), "downloaded"};
  } catch (const HubEntryNotFound& e) {
    log_info(e.what(), "; falling back to the legacy ", source.pth);
  }
  const fs::path pth = download_file(from, source.pth, dir);
  log_info("converting it is safer and loads faster: scripts/convert_pth_to_safetensors --input ", pth.string(),
           " --output ", (dir / source.safetensors).string());
  return {pth, "downloaded (legacy .pth)"};
}

}  // namespace corridorkey
