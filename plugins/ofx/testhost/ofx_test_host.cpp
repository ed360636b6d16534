// The test host (ofx_test_host.hpp): HostSupport's abstract host, effect, clip and parameter
// classes made concrete with plain in-memory storage.
#include "ofx_test_host.hpp"

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>

// HostSupport's headers depend on one another in this order (as its own examples include them).
// clang-format off
#include "ofxCore.h"
#include "ofxImageEffect.h"
#include "ofxPixels.h"
#include "ofxhBinary.h"
#include "ofxhPropertySuite.h"
#include "ofxhClip.h"
#include "ofxhParam.h"
#include "ofxhMemory.h"
#include "ofxhImageEffect.h"
#include "ofxhPluginAPICache.h"
#include "ofxhPluginCache.h"
#include "ofxhHost.h"
#include "ofxhImageEffectAPI.h"
// clang-format on

namespace corridorkey::ofxtest {
namespace H = OFX::Host;
namespace IE = OFX::Host::ImageEffect;

namespace {

std::string vformat(const char* format, va_list args) {
  char buffer[4096];
  std::vsnprintf(buffer, sizeof buffer, format, args);
  return buffer;
}

// ---- parameters: one stored value each, initialised from the descriptor's default ----

template <class Base, class T>
class Stored : public Base {
 public:
  Stored(H::Param::Descriptor& d, H::Param::SetInstance* set) : Base(d, set) {}
  T value{};
  OfxStatus get(T& v) override {
    v = value;
    return kOfxStatOK;
  }
  OfxStatus get(OfxTime, T& v) override { return get(v); }
  OfxStatus set(T v) override {
    value = v;
    return kOfxStatOK;
  }
  OfxStatus set(OfxTime, T v) override { return set(v); }
};

class IntegerParam : public Stored<H::Param::IntegerInstance, int> {
 public:
  IntegerParam(H::Param::Descriptor& d, H::Param::SetInstance* s) : Stored(d, s) {
    value = getProperties().getIntProperty(kOfxParamPropDefault);
  }
};
class ChoiceParam : public Stored<H::Param::ChoiceInstance, int> {
 public:
  ChoiceParam(H::Param::Descriptor& d, H::Param::SetInstance* s) : Stored(d, s) {
    value = getProperties().getIntProperty(kOfxParamPropDefault);
  }
};
class BooleanParam : public Stored<H::Param::BooleanInstance, bool> {
 public:
  BooleanParam(H::Param::Descriptor& d, H::Param::SetInstance* s) : Stored(d, s) {
    value = getProperties().getIntProperty(kOfxParamPropDefault) != 0;
  }
};
class DoubleParam : public Stored<H::Param::DoubleInstance, double> {
 public:
  DoubleParam(H::Param::Descriptor& d, H::Param::SetInstance* s) : Stored(d, s) {
    value = getProperties().getDoubleProperty(kOfxParamPropDefault);
  }
  OfxStatus derive(OfxTime, double& v) override {
    v = 0;
    return kOfxStatOK;
  }
  OfxStatus integrate(OfxTime t1, OfxTime t2, double& v) override {
    v = value * (t2 - t1);
    return kOfxStatOK;
  }
};

class EffectInstance;

// ---- clips: inputs hold the test's pixels, the output a buffer per render ----

class Clip : public IE::ClipInstance {
 public:
  Clip(EffectInstance* effect, IE::ClipDescriptor* desc);

  bool connected = false;
  Image pixels;               // inputs: what the test set; the output: what was rendered
  std::vector<float> buffer;  // what the plugin reads or writes, in the host's row order
  bool top_down = false;
  double scale = 1.0;

  const std::string& getUnmappedBitDepth() const override {
    static const std::string s = kOfxBitDepthFloat;
    return s;
  }
  const std::string& getUnmappedComponents() const override {
    static const std::string rgba = kOfxImageComponentRGBA, rgb = kOfxImageComponentRGB, a = kOfxImageComponentAlpha;
    return pixels.channels == 3 ? rgb : pixels.channels == 1 ? a : rgba;
  }
  const std::string& getPremult() const override {
    static const std::string s = kOfxImageOpaque;
    return s;
  }
  double getAspectRatio() const override { return 1.0; }
  double getFrameRate() const override { return 24.0; }
  void getFrameRange(double& a, double& b) const override { a = 0, b = 100; }
  const std::string& getFieldOrder() const override {
    static const std::string s = kOfxImageFieldNone;
    return s;
  }
  bool getConnected() const override { return connected; }
  double getUnmappedFrameRate() const override { return 24.0; }
  void getUnmappedFrameRange(double& a, double& b) const override { a = 0, b = 100; }
  bool getContinuousSamples() const override { return false; }
  OfxRectD getRegionOfDefinition(OfxTime) const override { return {0, 0, pixels.width / scale, pixels.height / scale}; }
  IE::Image* getImage(OfxTime time, const OfxRectD* bounds) override;

  // The channels of the components the clip preferences chose (the host converts to them).
  int mapped_channels() const {
    const std::string& c = getComponents();
    return c == kOfxImageComponentAlpha ? 1 : c == kOfxImageComponentRGB ? 3 : 4;
  }

  // Host row order <-> top-down Image. Inputs are converted to `channels` as hosts do: Alpha to
  // RGBA is (0, 0, 0, a), RGB to RGBA is (r, g, b, 1), RGBA to Alpha is a, to RGB its colour.
  void to_buffer(int channels) {
    const int n = pixels.channels;
    buffer.assign(static_cast<std::size_t>(pixels.width) * pixels.height * channels, 0.0f);
    for (int y = 0; y < pixels.height; ++y) {
      const int memory_row = top_down ? y : pixels.height - 1 - y;
      for (int x = 0; x < pixels.width; ++x) {
        const float* s = pixels.at(x, y);
        float* d = buffer.data() + (static_cast<std::size_t>(memory_row) * pixels.width + x) * channels;
        if (channels == n) {
          std::copy(s, s + n, d);
        } else if (channels == 4 && n == 1) {
          d[3] = s[0];
        } else if (channels == 4) {
          std::copy(s, s + 3, d);
          d[3] = 1.0f;
        } else if (channels == 1) {
          d[0] = n == 4 ? s[3] : s[0];
        } else {
          for (int c = 0; c < 3; ++c) d[c] = n == 1 ? s[0] : s[c];
        }
      }
    }
  }
  void from_buffer() {
    const std::size_t row = static_cast<std::size_t>(pixels.width) * pixels.channels;
    for (int y = 0; y < pixels.height; ++y) {
      const int memory_row = top_down ? y : pixels.height - 1 - y;
      std::memcpy(pixels.pixels.data() + y * row, buffer.data() + memory_row * row, row * sizeof(float));
    }
  }

 private:
  EffectInstance* effect_;
};

class EffectInstance : public IE::Instance {
 public:
  EffectInstance(IE::ImageEffectPlugin* plugin, IE::Descriptor& desc, const std::string& context, bool top_down)
      : IE::Instance(plugin, desc, context, false), top_down_(top_down) {}

  std::string persistent;
  std::vector<std::string>* messages = nullptr;
  std::mutex* messages_mutex = nullptr;
  double scale = 1.0;
  bool top_down_;

  const std::string& getDefaultOutputFielding() const override {
    static const std::string s = kOfxImageFieldNone;
    return s;
  }
  IE::ClipInstance* newClipInstance(IE::Instance*, IE::ClipDescriptor* descriptor, int) override {
    auto* clip = new Clip(this, descriptor);
    clip->top_down = top_down_;
    return clip;
  }
  OfxStatus vmessage(const char* type, const char*, const char* format, va_list args) override {
    record(std::string(type) + ": " + vformat(format, args));
    return kOfxStatOK;
  }
  OfxStatus setPersistentMessage(const char* type, const char*, const char* format, va_list args) override {
    persistent = vformat(format, args);
    record(std::string(type) + ": " + persistent);
    return kOfxStatOK;
  }
  OfxStatus clearPersistentMessage() override {
    persistent.clear();
    return kOfxStatOK;
  }
  void getProjectSize(double& x, double& y) const override { project(x, y); }
  void getProjectOffset(double& x, double& y) const override { x = y = 0; }
  void getProjectExtent(double& x, double& y) const override { project(x, y); }
  double getProjectPixelAspectRatio() const override { return 1.0; }
  double getEffectDuration() const override { return 100.0; }
  double getFrameRate() const override { return 24.0; }
  double getFrameRecursive() const override { return 0.0; }
  void getRenderScaleRecursive(double& x, double& y) const override { x = y = scale; }
  H::Param::Instance* newParam(const std::string&, H::Param::Descriptor& d) override {
    const std::string& type = d.getType();
    if (type == kOfxParamTypeInteger) return new IntegerParam(d, this);
    if (type == kOfxParamTypeChoice) return new ChoiceParam(d, this);
    if (type == kOfxParamTypeBoolean) return new BooleanParam(d, this);
    if (type == kOfxParamTypeDouble) return new DoubleParam(d, this);
    if (type == kOfxParamTypeGroup) return new H::Param::GroupInstance(d, this);
    if (type == kOfxParamTypePage) return new H::Param::PageInstance(d, this);
    if (type == kOfxParamTypePushButton) return new H::Param::PushbuttonInstance(d, this);
    throw std::runtime_error("test host: parameter type " + type + " not supported");
  }
  OfxStatus editBegin(const std::string&) override { return kOfxStatOK; }
  OfxStatus editEnd() override { return kOfxStatOK; }
  void progressStart(const std::string&, const std::string&) override {}
  void progressEnd() override {}
  bool progressUpdate(double) override { return true; }
  double timeLineGetTime() override { return 0; }
  void timeLineGotoTime(double) override {}
  void timeLineGetBounds(double& a, double& b) override { a = 0, b = 100; }

 private:
  void record(const std::string& m) {
    if (messages == nullptr) return;
    std::lock_guard<std::mutex> lock(*messages_mutex);
    messages->push_back(m);
  }
  void project(double& x, double& y) const {
    const IE::ClipInstance* c = getClip(kOfxImageEffectSimpleSourceClipName);
    const auto* source = dynamic_cast<const Clip*>(c);
    x = source ? source->pixels.width / scale : 1920;
    y = source ? source->pixels.height / scale : 1080;
  }
};

Clip::Clip(EffectInstance* effect, IE::ClipDescriptor* desc) : IE::ClipInstance(effect, *desc), effect_(effect) {}

IE::Image* Clip::getImage(OfxTime, const OfxRectD*) {
  if (isOutput()) {
    const Clip* source = dynamic_cast<const Clip*>(effect_->getClip(kOfxImageEffectSimpleSourceClipName));
    pixels = Image(source->pixels.width, source->pixels.height, 4);
    buffer.assign(pixels.pixels.size(), -1.0f);  // anything the plugin does not write shows
  } else if (!connected || pixels.width == 0) {
    return nullptr;
  } else {
    to_buffer(mapped_channels());
  }
  const int channels = isOutput() ? 4 : mapped_channels();
  const OfxRectI bounds{0, 0, pixels.width, pixels.height};
  const int row_bytes = pixels.width * channels * static_cast<int>(sizeof(float));
  float* data = buffer.data();
  if (top_down) data += static_cast<std::size_t>(pixels.height - 1) * pixels.width * channels;
  return new IE::Image(*this, scale, scale, data, bounds, bounds, top_down ? -row_bytes : row_bytes, kOfxImageFieldNone,
                       getName() + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
}

class Host : public IE::Host {
 public:
  explicit Host(const HostConfig& config) : config_(config) {
    _properties.setStringProperty(kOfxPropName, "CorridorKeyTestHost");
    _properties.setStringProperty(kOfxPropLabel, "CorridorKey test host");
    _properties.setIntProperty(kOfxImageEffectHostPropIsBackground, 1);
    _properties.setIntProperty(kOfxImageEffectPropSupportsOverlays, 0);
    _properties.setIntProperty(kOfxImageEffectPropSupportsMultiResolution, 1);
    _properties.setIntProperty(kOfxImageEffectPropSupportsTiles, 1);
    _properties.setIntProperty(kOfxImageEffectPropTemporalClipAccess, 0);
    _properties.setStringProperty(kOfxImageEffectPropSupportedComponents, kOfxImageComponentRGBA, 0);
    _properties.setStringProperty(kOfxImageEffectPropSupportedComponents, kOfxImageComponentRGB, 1);
    _properties.setStringProperty(kOfxImageEffectPropSupportedComponents, kOfxImageComponentAlpha, 2);
    _properties.setStringProperty(kOfxImageEffectPropSupportedContexts, kOfxImageEffectContextFilter, 0);
    _properties.setStringProperty(kOfxImageEffectPropSupportedContexts, kOfxImageEffectContextGeneral, 1);
    _properties.setStringProperty(kOfxImageEffectPropSupportedPixelDepths, kOfxBitDepthFloat, 0);
    _properties.setIntProperty(kOfxImageEffectPropSupportsMultipleClipDepths, 0);
    _properties.setIntProperty(kOfxImageEffectPropSupportsMultipleClipPARs, 0);
    _properties.setIntProperty(kOfxParamHostPropMaxParameters, -1);
    _properties.setIntProperty(kOfxParamHostPropMaxPages, 0);
  }

  std::vector<std::string> messages;
  std::mutex messages_mutex;

  const void* fetchSuite(const char* name, int version) override {
    if (config_.withheld_suites.count(name) != 0) return nullptr;
    return IE::Host::fetchSuite(name, version);
  }
  IE::Instance* newInstance(void*, IE::ImageEffectPlugin* plugin, IE::Descriptor& desc,
                            const std::string& context) override {
    auto* e = new EffectInstance(plugin, desc, context, config_.top_down_buffers);
    e->messages = &messages;
    e->messages_mutex = &messages_mutex;
    return e;
  }
  IE::Descriptor* makeDescriptor(IE::ImageEffectPlugin* plugin) override { return new IE::Descriptor(plugin); }
  IE::Descriptor* makeDescriptor(const IE::Descriptor& root, IE::ImageEffectPlugin* plugin) override {
    return new IE::Descriptor(root, plugin);
  }
  IE::Descriptor* makeDescriptor(const std::string& bundle, IE::ImageEffectPlugin* plugin) override {
    return new IE::Descriptor(bundle, plugin);
  }
  OfxStatus vmessage(const char* type, const char*, const char* format, va_list args) override {
    std::lock_guard<std::mutex> lock(messages_mutex);
    messages.push_back(std::string(type) + ": " + vformat(format, args));
    return kOfxStatOK;
  }
  OfxStatus setPersistentMessage(const char* type, const char* id, const char* format, va_list args) override {
    return vmessage(type, id, format, args);
  }
  OfxStatus clearPersistentMessage() override { return kOfxStatOK; }

 private:
  HostConfig config_;
};

}  // namespace

struct TestHost::State {
  explicit State(const HostConfig& config) : host(config), cache(host) {}
  Host host;
  IE::PluginCache cache;
};

struct Effect::Impl {
  std::unique_ptr<EffectInstance> instance;
  H::Param::Instance* param(const std::string& name) const {
    H::Param::Instance* p = instance->getParam(name);
    if (p == nullptr) throw std::runtime_error("no parameter " + name);
    return p;
  }
  Clip* clip(const std::string& name) const {
    auto* c = dynamic_cast<Clip*>(instance->getClip(name));
    if (c == nullptr) throw std::runtime_error("no clip " + name);
    return c;
  }
  void set_scale(double scale) {
    instance->scale = scale;
    for (int i = 0; i < instance->getNClips(); ++i) dynamic_cast<Clip*>(instance->getNthClip(i))->scale = scale;
  }
};

TestHost::TestHost(HostConfig config) : state_(std::make_unique<State>(config)) {
  H::PluginCache* pc = H::PluginCache::getPluginCache();
  pc->setCacheVersion("CorridorKeyTestHost1");
  state_->cache.registerInCache(*pc);
  pc->scanPluginFiles();
}

TestHost::~TestHost() {
  state_.reset();
  H::PluginCache::clearPluginCache();
}

std::vector<std::string> TestHost::plugin_ids() const {
  std::vector<std::string> ids;
  for (H::Plugin* p : H::PluginCache::getPluginCache()->getPlugins()) ids.push_back(p->getIdentifier());
  return ids;
}

bool TestHost::load(const std::string& id) {
  IE::ImageEffectPlugin* plugin = state_->cache.getPluginById(id);
  return plugin != nullptr && plugin->getPluginHandle() != nullptr;
}

std::unique_ptr<Effect> TestHost::create(const std::string& id, const std::string& context) {
  if (!load(id)) return nullptr;
  IE::ImageEffectPlugin* plugin = state_->cache.getPluginById(id);
  if (plugin->getContext(context) == nullptr) return nullptr;
  std::unique_ptr<IE::Instance> instance(plugin->createInstance(context, nullptr));
  if (!instance) return nullptr;
  const OfxStatus st = instance->createInstanceAction();
  if (st != kOfxStatOK && st != kOfxStatReplyDefault) return nullptr;
  auto impl = std::make_unique<Effect::Impl>();
  impl->instance.reset(static_cast<EffectInstance*>(instance.release()));
  return std::make_unique<Effect>(std::move(impl));
}

std::vector<std::string> TestHost::messages() const {
  std::lock_guard<std::mutex> lock(state_->host.messages_mutex);
  return state_->host.messages;
}

Effect::Effect(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Effect::~Effect() = default;

std::vector<std::string> Effect::param_names() const {
  std::vector<std::string> names;
  for (const auto& [name, p] : impl_->instance->getParams()) names.push_back(name);
  return names;
}

std::string Effect::param_type(const std::string& name) const { return impl_->param(name)->getType(); }

std::vector<std::string> Effect::choice_options(const std::string& name) const {
  const H::Property::Set& props = impl_->param(name)->getProperties();
  std::vector<std::string> options;
  for (int i = 0; i < props.getDimension(kOfxParamPropChoiceOption); ++i)
    options.push_back(props.getStringProperty(kOfxParamPropChoiceOption, i));
  return options;
}

void Effect::set_int(const std::string& name, int value) {
  H::Param::Instance* p = impl_->param(name);
  if (auto* i = dynamic_cast<IntegerParam*>(p))
    i->value = value;
  else if (auto* c = dynamic_cast<ChoiceParam*>(p))
    c->value = value;
  else if (auto* b = dynamic_cast<BooleanParam*>(p))
    b->value = value != 0;
  else
    throw std::runtime_error("parameter " + name + " is not an integer, choice or boolean");
}

void Effect::set_double(const std::string& name, double value) {
  auto* d = dynamic_cast<DoubleParam*>(impl_->param(name));
  if (d == nullptr) throw std::runtime_error("parameter " + name + " is not a double");
  d->value = value;
}

int Effect::get_int(const std::string& name) const {
  H::Param::Instance* p = impl_->param(name);
  if (auto* i = dynamic_cast<IntegerParam*>(p)) return i->value;
  if (auto* c = dynamic_cast<ChoiceParam*>(p)) return c->value;
  if (auto* b = dynamic_cast<BooleanParam*>(p)) return b->value ? 1 : 0;
  throw std::runtime_error("parameter " + name + " is not an integer, choice or boolean");
}

double Effect::get_double(const std::string& name) const {
  auto* d = dynamic_cast<DoubleParam*>(impl_->param(name));
  if (d == nullptr) throw std::runtime_error("parameter " + name + " is not a double");
  return d->value;
}

std::vector<std::string> Effect::clip_names() const {
  std::vector<std::string> names;
  for (int i = 0; i < impl_->instance->getNClips(); ++i) names.push_back(impl_->instance->getNthClip(i)->getName());
  return names;
}

void Effect::set_input(const std::string& clip, const Image& image) {
  Clip* c = impl_->clip(clip);
  c->pixels = image;
  c->connected = true;
  // The clip's components are those of its images (the clip preferences start from them).
  c->setComponents(c->getUnmappedComponents());
}

void Effect::disconnect(const std::string& clip) {
  Clip* c = impl_->clip(clip);
  c->connected = false;
  c->pixels = Image();
}

RenderResult Effect::render(double time, double scale, std::optional<OfxRectI> window) {
  impl_->set_scale(scale);
  EffectInstance& e = *impl_->instance;
  RenderResult result;
  e.persistent.clear();
  e.getClipPreferences();
  Clip* source = impl_->clip(kOfxImageEffectSimpleSourceClipName);
  const OfxRectI whole{0, 0, source->pixels.width, source->pixels.height};
  const OfxPointD rs{scale, scale};
  const auto t0 = std::chrono::steady_clock::now();
  OfxStatus st = e.beginRenderAction(time, time, 1.0, false, rs, true, false);
  if (st == kOfxStatOK || st == kOfxStatReplyDefault) {
    result.status = e.renderAction(time, kOfxImageFieldNone, window.value_or(whole), rs, true, false, false);
    e.endRenderAction(time, time, 1.0, false, rs, true, false);
  } else {
    result.status = st;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Clip* output = impl_->clip(kOfxImageEffectOutputClipName);
  if (!output->buffer.empty()) {
    output->from_buffer();
    result.output = output->pixels;
    output->buffer.clear();
  }
  result.persistent_message = e.persistent;
  return result;
}

std::map<std::string, OfxRectD> Effect::regions_of_interest(const OfxRectD& roi, double scale) {
  impl_->set_scale(scale);
  impl_->instance->getClipPreferences();
  std::map<IE::ClipInstance*, OfxRectD> rois;
  impl_->instance->getRegionOfInterestAction(0, OfxPointD{scale, scale}, roi, rois);
  std::map<std::string, OfxRectD> named;
  for (const auto& [clip, rect] : rois) named[clip->getName()] = rect;
  return named;
}

std::string Effect::output_premultiplication() {
  impl_->instance->getClipPreferences();
  return impl_->instance->getOutputPreMultiplication();
}

}  // namespace corridorkey::ofxtest
