// Suites and property wrappers (ofx_api.hpp).
#include "ofx_api.hpp"

#include <utility>

namespace corridorkey::ofx {

Suites& suites() {
  static Suites s;
  return s;
}

std::vector<std::string> fetch_suites() {
  Suites& s = suites();
  std::vector<std::string> missing;
  if (s.host == nullptr) return {"the host (setHost was not called)"};
  auto fetch = [&](const char* name, int version) { return s.host->fetchSuite(s.host->host, name, version); };
  s.property = static_cast<const OfxPropertySuiteV1*>(fetch(kOfxPropertySuite, 1));
  s.effect = static_cast<const OfxImageEffectSuiteV1*>(fetch(kOfxImageEffectSuite, 1));
  s.parameter = static_cast<const OfxParameterSuiteV1*>(fetch(kOfxParameterSuite, 1));
  s.message2 = static_cast<const OfxMessageSuiteV2*>(fetch(kOfxMessageSuite, 2));
  s.message1 = static_cast<const OfxMessageSuiteV1*>(fetch(kOfxMessageSuite, 1));
  if (s.property == nullptr) missing.emplace_back(std::string(kOfxPropertySuite) + " V1");
  if (s.effect == nullptr) missing.emplace_back(std::string(kOfxImageEffectSuite) + " V1");
  if (s.parameter == nullptr) missing.emplace_back(std::string(kOfxParameterSuite) + " V1");
  if (s.message1 == nullptr && s.message2 == nullptr) missing.emplace_back(std::string(kOfxMessageSuite) + " V1 or V2");
  return missing;
}

void check(OfxStatus status, const char* call, const std::string& what) {
  if (status != kOfxStatOK) {
    throw OfxFailure(std::string(call) + "(" + what + ") failed with OFX status " + std::to_string(status),
                     status == kOfxStatErrMemory ? kOfxStatErrMemory : kOfxStatFailed);
  }
}

void Props::set(const char* name, const std::string& value, int index) const {
  check(suites().property->propSetString(h_, name, index, value.c_str()), "propSetString", name);
}
void Props::set(const char* name, int value, int index) const {
  check(suites().property->propSetInt(h_, name, index, value), "propSetInt", name);
}
void Props::set(const char* name, double value, int index) const {
  check(suites().property->propSetDouble(h_, name, index, value), "propSetDouble", name);
}
void Props::set_strings(const char* name, const std::vector<std::string>& values) const {
  for (std::size_t i = 0; i < values.size(); ++i) set(name, values[i], static_cast<int>(i));
}

void Props::set_doubles(const char* name, const double* values, int count) const {
  check(suites().property->propSetDoubleN(h_, name, count, values), "propSetDoubleN", name);
}

std::string Props::get_string(const char* name, int index) const {
  char* value = nullptr;
  check(suites().property->propGetString(h_, name, index, &value), "propGetString", name);
  return value == nullptr ? std::string() : std::string(value);
}
int Props::get_int(const char* name, int index) const {
  int value = 0;
  check(suites().property->propGetInt(h_, name, index, &value), "propGetInt", name);
  return value;
}
double Props::get_double(const char* name, int index) const {
  double value = 0;
  check(suites().property->propGetDouble(h_, name, index, &value), "propGetDouble", name);
  return value;
}
void* Props::get_pointer(const char* name, int index) const {
  void* value = nullptr;
  check(suites().property->propGetPointer(h_, name, index, &value), "propGetPointer", name);
  return value;
}
void Props::get_ints(const char* name, int* values, int count) const {
  check(suites().property->propGetIntN(h_, name, count, values), "propGetIntN", name);
}
void Props::get_doubles(const char* name, double* values, int count) const {
  check(suites().property->propGetDoubleN(h_, name, count, values), "propGetDoubleN", name);
}

Props effect_props(OfxImageEffectHandle effect) {
  OfxPropertySetHandle h = nullptr;
  check(suites().effect->getPropertySet(effect, &h), "getPropertySet", "effect");
  return Props(h);
}

ClipImage ClipImage::fetch(OfxImageClipHandle clip, OfxTime time) {
  ClipImage image;
  if (suites().effect->clipGetImage(clip, time, nullptr, &image.handle_) != kOfxStatOK || image.handle_ == nullptr) {
    image.handle_ = nullptr;
    return image;
  }
  const Props p(image.handle_);
  image.data = p.get_pointer(kOfxImagePropData);
  p.get_ints(kOfxImagePropBounds, &image.bounds.x1, 4);
  image.row_bytes = p.get_int(kOfxImagePropRowBytes);
  const std::string components = p.get_string(kOfxImageEffectPropComponents);
  image.channels = components == kOfxImageComponentRGBA    ? 4
                   : components == kOfxImageComponentRGB   ? 3
                   : components == kOfxImageComponentAlpha ? 1
                                                           : 0;
  image.depth = p.get_string(kOfxImageEffectPropPixelDepth);
  return image;
}

ClipImage::ClipImage(ClipImage&& other) noexcept { *this = std::move(other); }

ClipImage& ClipImage::operator=(ClipImage&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) suites().effect->clipReleaseImage(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
    data = other.data;
    bounds = other.bounds;
    row_bytes = other.row_bytes;
    channels = other.channels;
    depth = std::move(other.depth);
  }
  return *this;
}

ClipImage::~ClipImage() {
  if (handle_ != nullptr) suites().effect->clipReleaseImage(handle_);
}

float* ClipImage::pixel(int x, int y) const {
  return reinterpret_cast<float*>(static_cast<char*>(data) + static_cast<std::ptrdiff_t>(y - bounds.y1) * row_bytes) +
         static_cast<std::ptrdiff_t>(x - bounds.x1) * channels;
}

}  // namespace corridorkey::ofx
