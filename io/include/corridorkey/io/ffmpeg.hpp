// The ffmpeg program, for the videos the engine writes (the comp preview, alpha videos): found on
// PATH, asked for its encoders, run with frames piped to its standard input.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace corridorkey {

/// ffmpeg on PATH, or an empty path.
std::filesystem::path find_ffmpeg();

/// Whether `ffmpeg -encoders` lists `encoder` (e.g. prores_ks, libvpx-vp9).
bool ffmpeg_has_encoder(const std::filesystem::path& ffmpeg, const std::string& encoder);

/// Runs `ffmpeg args...` (stdout discarded) and waits for it. When `feed` is given, it is called
/// with a file descriptor to ffmpeg's standard input, which is closed after it returns. Throws
/// IoError with the end of ffmpeg's error output when it cannot start or exits non-zero, or when
/// `feed` throws (ffmpeg is stopped first).
void run_ffmpeg(const std::filesystem::path& ffmpeg, const std::vector<std::string>& args,
                const std::function<void(int fd)>& feed = {});

/// Writes all of `size` bytes to `fd` (a pipe), retrying short writes; throws IoError on failure.
void write_all(int fd, const void* data, std::size_t size);

}  // namespace corridorkey
