// A minimal OpenFX host for tests and benchmarks, on the OpenFX HostSupport library (written by the
// OpenFX authors, vendored in third_party/openfx): it finds plugins on OFX_PLUGIN_PATH, loads and
// describes them, creates instances, sets parameters, hands float RGBA images to their input
// clips and renders their output, recording every message a plugin posts.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ofxCore.h"

namespace corridorkey::ofxtest {

/// Float pixels, top row first, interleaved channels.
struct Image {
  int width = 0, height = 0, channels = 4;
  std::vector<float> pixels;
  Image() = default;
  Image(int w, int h, int c) : width(w), height(h), channels(c), pixels(static_cast<std::size_t>(w) * h * c) {}
  float* at(int x, int y) { return pixels.data() + (static_cast<std::size_t>(y) * width + x) * channels; }
  const float* at(int x, int y) const { return pixels.data() + (static_cast<std::size_t>(y) * width + x) * channels; }
};

struct HostConfig {
  std::set<std::string> withheld_suites;  ///< suites fetchSuite answers with nothing (e.g. "OfxParameterSuite")
  bool top_down_buffers = false;          ///< hand images top row first (negative row bytes), as some hosts do
};

struct RenderResult {
  OfxStatus status = kOfxStatFailed;
  Image output;                    ///< the Output clip's pixels (whole frame, top row first)
  std::string persistent_message;  ///< the error/warning the plugin left on the instance, if any
  double seconds = 0;              ///< wall time of the render action
};

class Effect;

class TestHost {
 public:
  /// One per process (HostSupport keeps global state). Plugins come from OFX_PLUGIN_PATH.
  explicit TestHost(HostConfig config = {});
  ~TestHost();
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  /// Identifiers of the plugins found.
  std::vector<std::string> plugin_ids() const;
  /// Runs the plugin's load and describe actions; false when either failed.
  bool load(const std::string& id);
  /// An instance in `context` (the plugin loaded first); nullptr when it cannot be made.
  std::unique_ptr<Effect> create(const std::string& id, const std::string& context = "OfxImageEffectContextGeneral");
  /// Every message a plugin posted through the message suite, "type: text".
  std::vector<std::string> messages() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

class Effect {
 public:
  ~Effect();
  Effect(const Effect&) = delete;
  Effect& operator=(const Effect&) = delete;

  std::vector<std::string> param_names() const;
  std::string param_type(const std::string& name) const;
  std::vector<std::string> choice_options(const std::string& name) const;
  void set_int(const std::string& name, int value);  ///< integer, choice or boolean
  void set_double(const std::string& name, double value);
  int get_int(const std::string& name) const;
  double get_double(const std::string& name) const;
  std::vector<std::string> clip_names() const;

  /// The image of an input clip at the coming render's scale (connects the clip).
  void set_input(const std::string& clip, const Image& image);
  void disconnect(const std::string& clip);

  /// Clip preferences, then the render action for the whole frame (or `window`), at `scale`.
  RenderResult render(double time = 0, double scale = 1.0, std::optional<OfxRectI> window = std::nullopt);
  /// The regions of interest the plugin asks of its inputs for `roi` (canonical coordinates).
  std::map<std::string, OfxRectD> regions_of_interest(const OfxRectD& roi, double scale = 1.0);
  /// The Output clip's premultiplication after the clip preferences action.
  std::string output_premultiplication();

  struct Impl;
  explicit Effect(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace corridorkey::ofxtest
