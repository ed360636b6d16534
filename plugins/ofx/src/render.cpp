// Clip preferences, regions of interest and the render action.
#include <c10/core/InferenceMode.h>

#include <chrono>
#include <cmath>

#include "actions.hpp"
#include "corridorkey/coarse_alpha.hpp"
#include "corridorkey/logging.hpp"
#include "frames.hpp"
#include "models.hpp"
#include "params.hpp"

namespace corridorkey::ofx {
namespace {

OfxImageClipHandle clip_handle(OfxImageEffectHandle effect, const char* name) {
  OfxImageClipHandle clip = nullptr;
  check(suites().effect->clipGetHandle(effect, name, &clip, nullptr), "clipGetHandle", name);
  return clip;
}

Props clip_props(OfxImageClipHandle clip) {
  OfxPropertySetHandle h = nullptr;
  check(suites().effect->clipGetPropertySet(clip, &h), "clipGetPropertySet", "clip");
  return Props(h);
}

bool connected(OfxImageClipHandle clip) { return clip_props(clip).get_int(kOfxImageClipPropConnected) != 0; }

ScreenColor screen_of(const KeyParams& k, const at::Tensor& plate, const at::Tensor& hint) {
  if (k.screen == ScreenChoice::green) return ScreenColor::green;
  if (k.screen == ScreenChoice::blue) return ScreenColor::blue;
  const ScreenSample sample = measure_screen(plate, hint, k.input_is_linear);
  const ScreenVerdict verdict = judge_screen(sample);
  log_debug("CorridorKey OFX: screen background ", sample.background, ", green ", sample.green, ", blue ", sample.blue);
  return verdict == ScreenVerdict::blue ? ScreenColor::blue : ScreenColor::green;
}

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

OfxStatus clip_preferences(OfxImageEffectHandle instance, Props out) {
  out.set("OfxImageClipPropComponents_Output", std::string(kOfxImageComponentRGBA));
  out.set("OfxImageClipPropDepth_Output", std::string(kOfxBitDepthFloat));
  out.set("OfxImageClipPropDepth_Source", std::string(kOfxBitDepthFloat));
  out.set("OfxImageClipPropDepth_AlphaHint", std::string(kOfxBitDepthFloat));
  out.set(kOfxImageEffectPropPreMultiplication, std::string(output_premultiplication(read_output(instance))));
  // The hint as the host has it: an optional clip may otherwise be remapped to RGBA, which would
  // turn an RGB matte's red into an alpha of 1.
  const Props hint = clip_props(clip_handle(instance, kHintClip));
  if (hint.get_int(kOfxImageClipPropConnected) != 0) {
    const std::string unmapped = hint.get_string(kOfxImageClipPropUnmappedComponents);
    if (unmapped == kOfxImageComponentAlpha || unmapped == kOfxImageComponentRGB || unmapped == kOfxImageComponentRGBA)
      out.set("OfxImageClipPropComponents_AlphaHint", unmapped);
  }
  return kOfxStatOK;
}

OfxStatus regions_of_interest(OfxImageEffectHandle instance, Props in, Props out) {
  // The network sees the whole frame, whatever part of the output is asked for.
  const OfxTime time = in.get_double(kOfxPropTime);
  for (const char* name : {kSourceClip, kHintClip}) {
    const OfxImageClipHandle clip = clip_handle(instance, name);
    if (name == kHintClip && !connected(clip)) continue;
    OfxRectD rod{};
    check(suites().effect->clipGetRegionOfDefinition(clip, time, &rod), "clipGetRegionOfDefinition", name);
    out.set_doubles((std::string("OfxImageClipPropRoI_") + name).c_str(), &rod.x1, 4);
  }
  return kOfxStatOK;
}

OfxStatus render(OfxImageEffectHandle instance, Props in) {
  c10::InferenceMode inference;
  const auto t0 = std::chrono::steady_clock::now();
  const OfxTime time = in.get_double(kOfxPropTime);
  OfxRectI window{};
  in.get_ints(kOfxImageEffectPropRenderWindow, &window.x1, 4);
  double scale[2] = {1, 1};
  in.get_doubles(kOfxImageEffectPropRenderScale, scale, 2);
  const KeyParams k = read_params(instance, time);
  Models& models = Models::get();
  const at::ScalarType precision = models.precision(k.precision);

  // The inputs, top row first: the plate, and the hint's matte (or the built-in coarse alpha).
  ClipImage source = ClipImage::fetch(clip_handle(instance, kSourceClip), time);
  if (!source) {
    throw OfxFailure("the Source clip has no image at frame " + std::to_string(time) + ": connect a plate",
                     kOfxStatFailed);
  }
  const at::Tensor plate = image_tensor(source, kSourceClip);
  at::Tensor hint;
  const OfxImageClipHandle hint_clip = clip_handle(instance, kHintClip);
  const bool have_hint = connected(hint_clip);
  ClipImage hint_image;
  if (have_hint) {
    hint_image = ClipImage::fetch(hint_clip, time);
    if (!hint_image) {
      throw OfxFailure("the AlphaHint clip is connected but has no image at frame " + std::to_string(time) +
                           ": disconnect it to use the built-in coarse alpha",
                       kOfxStatFailed);
    }
    hint = hint_matte(image_tensor(hint_image, kHintClip));
  }
  const double read_ms = ms_since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  const ScreenColor color = screen_of(k, plate, hint);
  if (!have_hint) {
    CoarseAlphaSettings cs;
    cs.screen = color;
    cs.input_is_linear = k.input_is_linear;
    hint = coarse_alpha(plate, cs).alpha;
  }
  InferenceSettings settings = k.settings;
  settings.screen_color = color;
  // The despeckle size is in full-resolution pixels; a proxy render (scale < 1) has fewer.
  settings.despeckle_size = static_cast<int>(std::lround(settings.despeckle_size * scale[0] * scale[1]));
  const double hint_ms = ms_since(t1);

  const std::shared_ptr<const Engine> engine = models.engine(color, k.img_size, precision);
  if (suites().effect->abort(instance) != 0) return kOfxStatFailed;
  // Pre- and post-processing run on this thread beside other frames' networks; only the network
  // waits for its turn on the device.
  const auto t2 = std::chrono::steady_clock::now();
  const at::Tensor input = engine->preprocess({plate}, {hint}, settings.input_is_linear);
  const double pre_ms = ms_since(t2);
  ModelOutput net;
  double wait_ms = 0, net_ms = 0;
  {
    const auto t3 = std::chrono::steady_clock::now();
    const Models::Turn turn(models);
    wait_ms = ms_since(t3);
    if (suites().effect->abort(instance) != 0) return kOfxStatFailed;
    const auto t4 = std::chrono::steady_clock::now();
    net = engine->model().forward(input, settings.refiner_scale);
    net.alpha = net.alpha.to(at::kFloat);
    net.fg = net.fg.to(at::kFloat);
    net_ms = ms_since(t4);
  }
  const auto t5 = std::chrono::steady_clock::now();
  const FrameResult result = Engine::postprocess(net.alpha[0], net.fg[0], static_cast<int>(plate.size(1)),
                                                 static_cast<int>(plate.size(0)), settings);
  const double post_ms = ms_since(t5);
  const auto t6 = std::chrono::steady_clock::now();
  ClipImage output = ClipImage::fetch(clip_handle(instance, kOutputClip), time);
  if (!output) throw OfxFailure("the host gave no Output image to render into", kOfxStatFailed);
  write_output(result, k.output, k.input_is_linear, source.bounds, output, window);
  log_debug("CorridorKey OFX: frame ", time, " ", plate.size(1), "x", plate.size(0), " in ", ms_since(t0),
            " ms: inputs ", read_ms, ", screen/hint ", hint_ms, ", pre-process ", pre_ms, ", waiting ", wait_ms,
            ", network ", net_ms, ", post-process ", post_ms, ", output ", ms_since(t6));
  return kOfxStatOK;
}

}  // namespace corridorkey::ofx
