// Checkpoint resolution: a file the user names, the one checkpoint in the checkpoints folder,
// the standard Hugging Face cache, or a first-run download from the Hub that prefers
// CorridorKey.safetensors and falls back to CorridorKey.pth only when the Hub says the
// .safetensors entry does not exist (404 + X-Error-Code: EntryNotFound) — never on any other error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "corridorkey/errors.hpp"

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
  std::string endpoint;  ///< HF_ENDPOINT, default https://huggingface.co
  std::string repo = "nikopueringer/CorridorKey_v1.0";
  std::string revision = "main";
  std::string token;               ///< HF_TOKEN, else huggingface_hub's token file
  bool offline = false;            ///< HF_HUB_OFFLINE=1: no network at all
  std::filesystem::path hf_cache;  ///< HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub
  int retries = 3;                 ///< extra attempts for 5xx and dropped connections
  double backoff_seconds = 1.0;    ///< first retry delay, doubled each time
  long connect_timeout_seconds = 15;
  long stall_timeout_seconds = 60;  ///< abort when no byte arrives for this long
  std::uint64_t min_free_bytes = 400ull << 20;
  bool progress_bar = false;  ///< draw a bar on stderr (a TTY); otherwise log lines every few seconds

  /// Defaults overridden from the environment (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, ...).
  static HubOptions from_environment();
};

struct ResolveRequest {
  std::filesystem::path checkpoint;      ///< --checkpoint: used as is, no discovery
  std::filesystem::path checkpoint_dir;  ///< --checkpoint-dir / CORRIDORKEY_CHECKPOINT_DIR / checkpoints/
  bool allow_download = true;
};

struct ResolvedCheckpoint {
  std::filesystem::path path;
  std::string how;  ///< "given", "found in <dir>", "Hugging Face cache", "downloaded"
};

/// The default checkpoints folder: $CORRIDORKEY_CHECKPOINT_DIR, else <project root>/checkpoints.
std::filesystem::path default_checkpoint_dir();

/// Applies the discovery rules to one folder; returns the chosen file or an empty path when the
/// folder holds no checkpoint. Throws HubError when it holds several of the chosen extension.
std::filesystem::path discover_checkpoint(const std::filesystem::path& dir);

/// Resolves (and if needed downloads) the checkpoint. Throws HubError with what happened and how
/// to fix it. Concurrent callers on one folder download once (a file lock); the others wait and
/// use the result.
ResolvedCheckpoint resolve_checkpoint(const ResolveRequest& request, const HubOptions& hub);

/// Downloads one file of the repo into `dir` (atomically, resumable, verified). Throws
/// HubEntryNotFound when the Hub reports the entry does not exist, HubError otherwise.
std::filesystem::path download_file(const HubOptions& hub, const std::string& filename,
                                    const std::filesystem::path& dir);

}  // namespace corridorkey
