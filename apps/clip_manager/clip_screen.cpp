#include "clip_screen.hpp"

#include <optional>

#include "corridorkey/errors.hpp"
#include "corridorkey/io/frame_io.hpp"
#include "corridorkey/io/tensor_mat.hpp"
#include "corridorkey/logging.hpp"
#include "frame_source.hpp"

namespace clip_manager {
namespace ck = corridorkey;

namespace {

std::string frame_list(const std::vector<int>& frames) {
  std::string s;
  for (int f : frames) s += (s.empty() ? "" : ", ") + std::to_string(f);
  return s;
}

}  // namespace

ClipScreen clip_screen(const ck::Clip& clip, const Options& o) {
  ClipScreen out;
  if (o.screen_color != "auto") {
    out.color = ck::parse_screen_color(o.screen_color);
    out.how = "given";
    return out;
  }
  const bool linear =
      o.settings.input_is_linear || (clip.input->kind == ck::ClipAsset::Kind::Sequence && !clip.input->frames.empty() &&
                                     ck::is_linear_image(clip.input->frames.front()));
  const bool with_hints = clip.hint && clip.hint->frame_count == clip.input->frame_count;
  std::vector<ck::ScreenSample> samples;
  std::vector<int> sampled;
  try {
    FrameSource plates(*clip.input, FrameSource::Role::Plate, &o);
    std::optional<FrameSource> hints;
    if (with_hints) hints.emplace(*clip.hint, FrameSource::Role::Hint);
    for (int i : ck::screen_sample_frames(clip.input->frame_count)) {
      try {
        const cv::Mat plate = plates.read(i);
        const cv::Mat hint = hints ? hints->read(i) : cv::Mat();
        samples.push_back(
            ck::measure_screen(ck::mat_tensor(plate), hint.empty() ? at::Tensor() : ck::mat_tensor(hint), linear));
        sampled.push_back(i);
      } catch (const ck::Error& e) {
        ck::log_debug("clip '", clip.name, "': screen colour: frame ", i, " left out: ", e.what());
      }
    }
  } catch (const ck::Error& e) {
    ck::log_debug("clip '", clip.name, "': screen colour: ", e.what());
  }
  const ck::ScreenDecision d = ck::decide_screen(samples);
  out.color = d.color;
  out.evidence = d.evidence;
  if (d.mixed) {
    std::vector<int> green, blue;
    for (std::size_t k = 0; k < d.verdicts.size(); ++k) {
      if (d.verdicts[k] == ck::ScreenVerdict::green) green.push_back(sampled[k]);
      if (d.verdicts[k] == ck::ScreenVerdict::blue) blue.push_back(sampled[k]);
    }
    out.how = "mixed";
    out.problem = "its frames disagree on the screen colour (frame " + frame_list(green) + " green, frame " +
                  frame_list(blue) +
                  " blue): split it into one clip per screen colour, or pass --screen-color green|blue to key "
                  "every frame as one";
    return out;
  }
  if (d.ambiguous) {
    out.how = "ambiguous";
    ck::log_warn("clip '", clip.name, "': cannot tell whether it is a green or a blue screen (", d.evidence,
                 "); keying it as green. Pass --screen-color blue if it is a blue screen");
    return out;
  }
  out.how = "detected";
  ck::log_info("clip '", clip.name, "': ", ck::screen_color_name(d.color), " screen (", d.evidence, ")");
  return out;
}

}  // namespace clip_manager
