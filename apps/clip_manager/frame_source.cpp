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

FrameSource::FrameSource(const ck::ClipAsset& asset, Role role, const Options* options)
    : asset_(asset), role_(role), options_(options) {
  if (asset.kind == ck::ClipAsset::Kind::Video) video_ = std::make_unique<ck::VideoReader>(asset.path);
}

cv::Mat FrameSource::read(int index, ck::PlateInfo* info) {
  cv::Mat frame = decode(index, info);
  // Plates in another colour space go in as linear Rec.709 (--input-colorspace).
  if (role_ == Role::Plate && options_ && options_->input_color.mode == ck::InputColor::Mode::convert)
    frame = ck::to_linear_rec709(frame, options_->input_color);
  return frame;
}

cv::Mat FrameSource::decode(int index, ck::PlateInfo* info) {
  if (!video_) {
    if (index < 0 || index >= static_cast<int>(asset_.frames.size()))
      throw ck::FrameError("frame " + std::to_string(index) + " is outside " + asset_.path.string());
    const auto& file = asset_.frames[static_cast<std::size_t>(index)];
    return role_ == Role::Plate ? ck::read_plate(file, info, options_ ? options_->exr_part : std::string())
                                : ck::read_hint(file);
  }
  if (info) *info = video_->info();
  if (index != next_) {
    // Ahead by more than this, or behind: a frame-accurate seek beats decoding the frames between.
    constexpr int kSeekBeyond = 16;
    if (index > next_ && index - next_ <= kSeekBeyond) {
      video_->skip(index - next_);
    } else if (!video_->seek(index)) {
      throw ck::FrameError("cannot seek to frame " + std::to_string(index) + " of video '" + asset_.path.string() +
                           "' (it has " + std::to_string(video_->frame_count()) + " frames)");
    }
  }
  next_ = index + 1;
  cv::Mat frame = role_ == Role::Plate ? video_->next() : video_->next_hint();
  if (frame.empty()) {
    throw ck::FrameError("cannot decode frame " + std::to_string(index) + " of " +
                         (role_ == Role::Hint ? "hint video '" : "video '") + asset_.path.string() + "'");
  }
  return frame;
}

}  // namespace clip_manager
