// The host's suites (fetched once, at load) and small typed wrappers over the property and image
// calls. Every wrapper throws OfxFailure on a failing status, naming the call and the property, so
// that the actions can report one message and return an error status instead of crashing a host.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "ofxCore.h"
#include "ofxImageEffect.h"
#include "ofxMessage.h"
#include "ofxParam.h"
#include "ofxProperty.h"

namespace corridorkey::ofx {

/// A failing OFX call: `status` is what the action returns.
class OfxFailure : public std::runtime_error {
 public:
  OfxFailure(const std::string& what, OfxStatus status) : std::runtime_error(what), status(status) {}
  OfxStatus status;
};

struct Suites {
  OfxHost* host = nullptr;
  const OfxPropertySuiteV1* property = nullptr;
  const OfxImageEffectSuiteV1* effect = nullptr;
  const OfxParameterSuiteV1* parameter = nullptr;
  const OfxMessageSuiteV2* message2 = nullptr;  ///< persistent messages; optional (V1 used without it)
  const OfxMessageSuiteV1* message1 = nullptr;
};

/// The suites of the current host (set by the load action).
Suites& suites();

/// Fetches the suites from the host set by setHost. Returns the names of the required suites the
/// host does not provide (empty: all there).
std::vector<std::string> fetch_suites();

/// Throws OfxFailure when `status` is not kOfxStatOK.
void check(OfxStatus status, const char* call, const std::string& what);

/// Typed property access on one property set.
class Props {
 public:
  explicit Props(OfxPropertySetHandle handle) : h_(handle) {}
  OfxPropertySetHandle handle() const { return h_; }

  void set(const char* name, const std::string& value, int index = 0) const;
  void set(const char* name, int value, int index = 0) const;
  void set(const char* name, double value, int index = 0) const;
  void set_strings(const char* name, const std::vector<std::string>& values) const;
  void set_doubles(const char* name, const double* values, int count) const;

  std::string get_string(const char* name, int index = 0) const;
  int get_int(const char* name, int index = 0) const;
  double get_double(const char* name, int index = 0) const;
  void* get_pointer(const char* name, int index = 0) const;
  void get_ints(const char* name, int* values, int count) const;
  void get_doubles(const char* name, double* values, int count) const;

 private:
  OfxPropertySetHandle h_;
};

/// The property set of an effect (instance or descriptor).
Props effect_props(OfxImageEffectHandle effect);

/// An image fetched from a clip, released when it goes out of scope.
class ClipImage {
 public:
  ClipImage() = default;
  /// The clip's image at `time` (whole region of definition); an empty ClipImage when the host has
  /// none (an unconnected clip, or a host that could not render the input).
  static ClipImage fetch(OfxImageClipHandle clip, OfxTime time);
  ClipImage(const ClipImage&) = delete;
  ClipImage& operator=(const ClipImage&) = delete;
  ClipImage(ClipImage&& other) noexcept;
  ClipImage& operator=(ClipImage&& other) noexcept;
  ~ClipImage();

  explicit operator bool() const { return handle_ != nullptr; }
  void* data = nullptr;
  OfxRectI bounds{0, 0, 0, 0};  ///< addressable pixels, x1 <= x < x2, y1 <= y < y2 (y up)
  int row_bytes = 0;            ///< may be negative (a top-down buffer)
  int channels = 0;             ///< 1 (Alpha), 3 (RGB) or 4 (RGBA)
  std::string depth;            ///< kOfxBitDepthFloat, ...

  int width() const { return bounds.x2 - bounds.x1; }
  int height() const { return bounds.y2 - bounds.y1; }
  /// Address of pixel (x, y) in the image's own coordinates.
  float* pixel(int x, int y) const;

 private:
  OfxPropertySetHandle handle_ = nullptr;
};

}  // namespace corridorkey::ofx
