// Checkpoint resolution, per screen colour: a file the user names, the one checkpoint of that
// colour in the checkpoints folder, the standard Hugging Face cache, or a first-run download from
// the colour's Hub repo that prefers the .safetensors and falls back to the .pth only when the Hub
// says the .safetensors entry does not exist (404 + X-Error-Code: EntryNotFound) — never on any
// other error. Green: nikopueringer/CorridorKey_v1.0, CorridorKey.safetensors / .pth. Blue:
// nikopueringer/CorridorKeyBlue_1.0, CorridorKeyBlue_1.0.safetensors / .pth. In a folder, a file
// whose name contains "Blue" (any case) is the blue checkpoint; every other one is green.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "corridorkey/errors.hpp"
#include "corridorkey/screen.hpp"

namespace corridorkey {

/// Checkpoint resolution or download from the Hugging Face Hub failed.
class HubError : public Error {
 public:
  using Error::Error;
};

/// The Hub answered that the requested file does not exist in the repository (404 with
/// X-Error-Code: EntryNotFound): the only failure after which another file may be tried.
class HubEntryNotFound : public HubError {
 public:
  using HubError::HubError;
};

struct HubOptions {
  std::string endpoint;                                         ///< HF_ENDPOINT, default https://huggingface.co
  std::string repo = "nikopueringer/CorridorKey_v1.0";          ///< green (CORRIDORKEY_HUB_REPO)
  std::string blue_repo = "nikopueringer/CorridorKeyBlue_1.0";  ///< blue (CORRIDORKEY_HUB_REPO_BLUE)
  std::string revision = "main";
  std::string token;         ///< HF_TOKEN, HUGGING_FACE_HUB_TOKEN, else huggingface_hub's token file
  std::string token_source = "the configured token";  ///< where it came from, for messages (never its value)
  bool offline = false;            ///< HF_HUB_OFFLINE=1: no network at all
  std::filesystem::path hf_cache;  ///< HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub
  int retries = 3;                 ///< extra attempts for 5xx and dropped connections
  double backoff_seconds = 1.0;    ///< first retry delay, doubled each time
  long connect_timeout_seconds = 15;
  long stall_timeout_seconds = 60;  ///< abort when no byte arrives for this long
  std::uint64_t min_free_bytes = 400ull << 20;
  bool progress_bar = false;  ///< draw a bar on stderr (a TTY); otherwise log lines every few seconds

  /// Defaults overridden from the environment, as huggingface_hub reads it: HF_ENDPOINT; HF_TOKEN,
  /// HUGGING_FACE_HUB_TOKEN, else the token file (HF_TOKEN_PATH, else $HF_HOME/token), and no
  /// token at all with HF_HUB_DISABLE_IMPLICIT_TOKEN; HF_HUB_OFFLINE; HF_HUB_CACHE, else
  /// HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub; HF_HUB_ETAG_TIMEOUT (connect timeout) and
  /// HF_HUB_DOWNLOAD_TIMEOUT (stall timeout), in seconds. `~` and `$VAR` are expanded in paths.
  static HubOptions from_environment();
};

/// Where the checkpoint of one screen colour comes from on the Hub.
struct CheckpointSource {
  std::string repo;         ///< e.g. nikopueringer/CorridorKeyBlue_1.0
  std::string safetensors;  ///< the preferred file, e.g. CorridorKeyBlue_1.0.safetensors
  std::string pth;          ///< the legacy fallback, e.g. CorridorKeyBlue_1.0.pth
};

/// The Hub repo and file names of `color`'s checkpoint.
CheckpointSource checkpoint_source(const HubOptions& hub, ScreenColor color);

struct ResolveRequest {
  std::filesystem::path checkpoint;      ///< --checkpoint: used as is, no discovery
  std::filesystem::path checkpoint_dir;  ///< --checkpoint-dir / CORRIDORKEY_CHECKPOINT_DIR / checkpoints/
  bool allow_download = true;
  ScreenColor color = ScreenColor::green;  ///< which checkpoint: discovery, cache and download
};

struct ResolvedCheckpoint {
  std::filesystem::path path;
  std::string how;  ///< "given", "found in <dir>", "Hugging Face cache", "downloaded"
};

/// `~` (at the start) and `$VAR` / `${VAR}` expanded, as Python's expanduser and expandvars do
/// (an unset variable is left as written).
std::string expand_path(const std::string& path);

/// The default checkpoints folder: $CORRIDORKEY_CHECKPOINT_DIR, else the release's own
/// <prefix>/checkpoints when the program runs as <prefix>/bin/NAME and that folder exists, else
/// <project root>/checkpoints.
std::filesystem::path default_checkpoint_dir();

/// Applies the discovery rules to one folder for one colour (the files whose names say that colour,
/// see checkpoint_screen_color); returns the chosen file or an empty path when the folder holds no
/// checkpoint of that colour. Throws HubError when it holds several of the chosen extension.
std::filesystem::path discover_checkpoint(const std::filesystem::path& dir, ScreenColor color = ScreenColor::green);

/// Resolves (and if needed downloads) the checkpoint of request.color. Throws HubError with what happened and how
/// to fix it. Concurrent callers on one folder download once (a file lock); the others wait and
/// use the result.
ResolvedCheckpoint resolve_checkpoint(const ResolveRequest& request, const HubOptions& hub);

/// Downloads one file of the repo into `dir` (atomically, resumable, verified). Throws
/// HubEntryNotFound when the Hub reports the entry does not exist, HubError otherwise.
std::filesystem::path download_file(const HubOptions& hub, const std::string& filename,
                                    const std::filesystem::path& dir);

}  // namespace corridorkey
