// Reading one asset of a clip (its Input plates or its AlphaHint mattes) frame by frame, in
// ascending order: image sequences by file, videos sequentially (skipping forward).
#pragma once

#include <memory>
#include <string>

#include <opencv2/core/mat.hpp>

#include "corridorkey/io/clips.hpp"
#include "corridorkey/io/frame_io.hpp"

namespace clip_manager {

/// The name of a clip's frame `index` for its outputs: the Input file's stem for a sequence, the
/// 5-digit index for a video.
std::string frame_stem(const corridorkey::Clip& clip, int index);

class FrameSource {
 public:
  enum class Role { Plate, Hint };
  /// Opens a video asset now (throws FrameError naming it when it cannot be opened).
  FrameSource(const corridorkey::ClipAsset& asset, Role role);

  /// Frame `index` (not below the last one read, for videos): a plate as read_plate returns it, a
  /// hint as read_hint does. Throws FrameError naming the file or video and frame.
  cv::Mat read(int index);
  /// Frame `index` or, in a video far ahead of the last frame read, one near it (the video seeks
  /// instead of decoding every frame on the way): for sampling frames, not for keying them.
  cv::Mat read_near(int index);

 private:
  const corridorkey::ClipAsset& asset_;
  Role role_;
  std::unique_ptr<corridorkey::VideoReader> video_;
  int next_ = 0;  // the video's next frame
};

}  // namespace clip_manager
