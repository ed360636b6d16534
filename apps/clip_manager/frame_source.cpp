#include "frame_source.hpp"

#include <cstdio>
#include <string>

#include "corridorkey/errors.hpp"

namespace clip_manager {
namespace ck = corridorkey;

std::string frame_stem(const ck::Clip& clip, int index) {
  if (clip.input->kind == ck::ClipAsset::Kind::Sequence)
    return clip.input->frames[static_cast<std::size_t>(index)].stem().string();
  char buf[16];
  std::snprintf(buf, sizeof buf, "%05d", index);
  return buf;
}

FrameSource::FrameSource(const ck::ClipAsset& asset, Role role) : asset_(asset), role_(role) {
  if (asset.kind == ck::ClipAsset::Kind::Video) video_ = std::make_unique<ck::VideoReader>(asset.path);
}

cv::Mat FrameSource::read(int index) {
  if (!video_) {
    if (index < 0 || index >= static_cast<int>(asset_.frames.size()))
      throw ck::FrameError("frame " + std::to_string(index) + " is outside " + asset_.path.string());
    const auto& file = asset_.frames[static_cast<std::size_t>(index)];
    return role_ == Role::Plate ? ck::read_plate(file) : ck::read_hint(file);
  }
  if (index < next_) {
    throw ck::FrameError("frame " + std::to_string(index) + " of video '" + asset_.path.string() +
                         "' was asked for after frame " + std::to_string(next_ - 1));
  }
  video_->skip(index - next_);
  next_ = index + 1;
  cv::Mat frame = role_ == Role::Plate ? video_->next() : video_->next_hint();
  if (frame.empty()) {
    throw ck::FrameError("cannot decode frame " + std::to_string(index) + " of " +
                         (role_ == Role::Hint ? "hint video '" : "video '") + asset_.path.string() + "'");
  }
  return frame;
}

cv::Mat FrameSource::read_near(int index) {
  constexpr int kSeekBeyond = 48;  // frames: further than this, seeking beats decoding
  if (video_ && index - next_ > kSeekBeyond && video_->seek(index)) next_ = index;
  return read(index);
}

}  // namespace clip_manager
