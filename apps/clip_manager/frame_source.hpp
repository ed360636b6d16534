// Reading one asset of a clip (its Input plates or its AlphaHint mattes) frame by frame: image
// sequences by file, videos sequentially, seeking (frame-accurately) to frames far ahead or behind.
#pragma once

#include <memory>
#include <string>

#include <opencv2/core/mat.hpp>

#include "corridorkey/io/clips.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "options.hpp"

namespace clip_manager {

/// The name of a clip's frame `index` for its outputs: the Input file's stem for a sequence, the
/// 5-digit index for a video.
std::string frame_stem(const corridorkey::Clip& clip, int index);

class FrameSource {
 public:
  enum class Role { Plate, Hint };
  /// Opens a video asset now (throws FrameError naming it when it cannot be opened). `options`
  /// (kept by pointer) gives the EXR part and the plates' colour space.
  FrameSource(const corridorkey::ClipAsset& asset, Role role, const Options* options = nullptr);

  /// Frame `index`: a plate as read_plate returns it (converted to linear Rec.709 float when
  /// --input-colorspace says so), a hint as read_hint does; `info` receives the plate's header.
  /// Throws FrameError naming the file or video and frame.
  cv::Mat read(int index, corridorkey::PlateInfo* info = nullptr);

 private:
  cv::Mat decode(int index, corridorkey::PlateInfo* info);

  const corridorkey::ClipAsset& asset_;
  Role role_;
  const Options* options_;
  std::unique_ptr<corridorkey::VideoReader> video_;
  int next_ = 0;  // the video's next frame
};

}  // namespace clip_manager
