// One video with alpha from a clip's Processed frames, for editors: ProRes 4444 with alpha in a
// .mov, or VP9 with alpha in a .webm, through the ffmpeg program. The colour is straight (not
// premultiplied) sRGB: the Processed frames are un-premultiplied and encoded with the sRGB curve.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace corridorkey {

enum class AlphaVideo { none, prores, webm };

/// "prores", "webm" or "none" (any case); throws UsageError naming the choices otherwise.
AlphaVideo parse_alpha_video(const std::string& name);

/// ".mov" or ".webm".
const char* alpha_video_extension(AlphaVideo kind);

/// Throws IoError saying what is missing and how to get it unless ffmpeg is on PATH with the
/// encoder `kind` needs (prores_ks, libvpx-vp9). Nothing to check for none.
void check_alpha_video_encoder(AlphaVideo kind);

/// Encodes `frames` (Processed EXR files: linear, premultiplied RGBA, all of one size), in order,
/// into `target` at `fps` frames per second. Written to a hidden temporary name in the target's
/// folder and renamed when complete: a failure leaves nothing. Throws FrameError naming a frame
/// that cannot be read, IoError for an ffmpeg failure (with its message).
void write_alpha_video(const std::vector<std::filesystem::path>& frames, const std::filesystem::path& target,
                       double fps, AlphaVideo kind);

}  // namespace corridorkey
