#include <cstdio>
#include <iostream>

#include "actions.hpp"
#include "clip_screen.hpp"
#include "corridorkey/io/clips.hpp"
#include "reporter.hpp"

namespace clip_manager {
namespace ck = corridorkey;

int run_list(const Options& o) {
  ck::organise_clips(o.clips_dir);
  const auto clips = ck::scan_clips(o.clips_dir);
  int not_ready = 0;
  // The screen colour of every clip whose plates can be read (with or without hints).
  std::vector<std::string> screens;
  for (const auto& c : clips) {
    if (!c.input || c.input->frame_count == 0) {
      screens.emplace_back("-");
      continue;
    }
    const ClipScreen s = clip_screen(c, o);
    screens.push_back(
        s.problem.empty() ? std::string(ck::screen_color_name(s.color)) + (s.how == "ambiguous" ? "?" : "") : "mixed");
  }
  if (o.json) {
    for (std::size_t k = 0; k < clips.size(); ++k) {
      const auto& c = clips[k];
      nlohmann::json e = {
          {"event", "clip"}, {"clip", c.name}, {"ready", c.ready()}, {"status", c.ready() ? "ready" : c.problem}};
      if (c.input)
        e.update({{"frames", c.input->frame_count},
                  {"width", c.input->width},
                  {"height", c.input->height},
                  {"input", c.input->path.string()},
                  {"format", c.input->info.format},
                  {"bits", c.input->info.bits},
                  {"float", c.input->info.is_float},
                  {"colorspace", c.input->info.colorspace}});
      if (c.hint) e["hint"] = c.hint->path.string();
      if (screens[k] != "-") e["screen_color"] = screens[k];
      std::cout << e.dump() << "\n";
      not_ready += c.ready() ? 0 : 1;
    }
    return not_ready ? kSomeFailed : kOk;
  }
  std::printf("%-24s %7s %11s %-7s %-16s %-22s %-22s %s\n", "CLIP", "FRAMES", "RESOLUTION", "SCREEN", "FORMAT",
              "COLOUR", "HINT", "STATUS");
  for (std::size_t k = 0; k < clips.size(); ++k) {
    const auto& c = clips[k];
    const std::string frames = c.input ? std::to_string(c.input->frame_count) : "-";
    const std::string res =
        (c.input && c.input->width) ? std::to_string(c.input->width) + "x" + std::to_string(c.input->height) : "-";
    std::string hint = "-";
    if (c.hint)
      hint = (c.hint->kind == ck::ClipAsset::Kind::Video ? c.hint->path.filename().string() : "AlphaHint/") + " (" +
             std::to_string(c.hint->frame_count) + ")";
    std::string format = "-", colour = "-";
    if (c.input && !c.input->info.format.empty()) {
      const auto& i = c.input->info;
      format = i.format + " " + std::to_string(i.bits) + (i.is_float ? "-bit float" : "-bit");
      if (!i.colorspace.empty()) colour = i.colorspace;
    }
    std::printf("%-24s %7s %11s %-7s %-16s %-22s %-22s %s\n", c.name.c_str(), frames.c_str(), res.c_str(),
                screens[k].c_str(), format.c_str(), colour.c_str(), hint.c_str(),
                c.ready() ? "ready" : c.problem.c_str());
    not_ready += c.ready() ? 0 : 1;
  }
  std::printf("%zu clips, %zu ready%s\n", clips.size(), clips.size() - static_cast<std::size_t>(not_ready),
              o.screen_color == "auto" ? " (SCREEN: from 5 frames of each clip; '?' undecided, keyed as green)" : "");
  return not_ready ? kSomeFailed : kOk;
}

}  // namespace clip_manager
