// The screen colour of each clip: given (--screen-color green|blue) or recognised from several of
// its frames (auto; see corridorkey/screen.hpp for the rule).
#pragma once

#include <string>

#include "corridorkey/io/clips.hpp"
#include "corridorkey/screen.hpp"
#include "options.hpp"

namespace clip_manager {

struct ClipScreen {
  corridorkey::ScreenColor color = corridorkey::ScreenColor::green;
  std::string how;       ///< "given", "detected", or "ambiguous" (green by default)
  std::string evidence;  ///< the statistics behind a detection
  std::string problem;   ///< non-empty when the clip cannot be keyed as one (frames disagree)
};

/// The screen colour of a clip with an Input (hints are used when the clip has them). Logs the
/// decision and its evidence (a warning when ambiguous). Frames that cannot be read are left out;
/// when none can be, the result is ambiguous.
ClipScreen clip_screen(const corridorkey::Clip& clip, const Options& options);

}  // namespace clip_manager
