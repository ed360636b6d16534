// Parameter definitions and reading (params.hpp).
#include "params.hpp"

#include <vector>

#include "ofx_api.hpp"

namespace corridorkey::ofx {
namespace {

OfxParamSetHandle param_set(OfxImageEffectHandle effect) {
  OfxParamSetHandle set = nullptr;
  check(suites().effect->getParamSet(effect, &set), "getParamSet", "effect");
  return set;
}

Props define(OfxParamSetHandle set, const char* type, const char* name, const char* label, const char* hint) {
  OfxPropertySetHandle h = nullptr;
  check(suites().parameter->paramDefine(set, type, name, &h), "paramDefine", name);
  Props p(h);
  p.set(kOfxPropLabel, std::string(label));
  p.set(kOfxParamPropHint, std::string(hint));
  p.set(kOfxParamPropScriptName, std::string(name));
  p.set(kOfxParamPropAnimates, 0);
  return p;
}

void choice(OfxParamSetHandle set, const char* name, const char* label, const char* hint,
            const std::vector<std::string>& options, int fallback) {
  const Props p = define(set, kOfxParamTypeChoice, name, label, hint);
  p.set_strings(kOfxParamPropChoiceOption, options);
  p.set(kOfxParamPropDefault, fallback);
}

void real(OfxParamSetHandle set, const char* name, const char* label, const char* hint, double fallback, double lo,
          double hi) {
  const Props p = define(set, kOfxParamTypeDouble, name, label, hint);
  p.set(kOfxParamPropDefault, fallback);
  p.set(kOfxParamPropMin, lo);
  p.set(kOfxParamPropMax, hi);
  p.set(kOfxParamPropDisplayMin, lo);
  p.set(kOfxParamPropDisplayMax, hi);
  p.set(kOfxParamPropDoubleType, std::string(kOfxParamDoubleTypeScale));
}

OfxParamHandle handle(OfxParamSetHandle set, const char* name) {
  OfxParamHandle h = nullptr;
  check(suites().parameter->paramGetHandle(set, name, &h, nullptr), "paramGetHandle", name);
  return h;
}

int get_int(OfxParamSetHandle set, const char* name, OfxTime time) {
  int value = 0;
  check(suites().parameter->paramGetValueAtTime(handle(set, name), time, &value), "paramGetValueAtTime", name);
  return value;
}

double get_double(OfxParamSetHandle set, const char* name, OfxTime time) {
  double value = 0;
  check(suites().parameter->paramGetValueAtTime(handle(set, name), time, &value), "paramGetValueAtTime", name);
  return value;
}

int in_range(int value, int lo, int hi, const char* name) {
  if (value < lo || value > hi) {
    throw OfxFailure(std::string("parameter ") + name + " is " + std::to_string(value) + ", outside " +
                         std::to_string(lo) + ".." + std::to_string(hi) + ": reset it to its default",
                     kOfxStatFailed);
  }
  return value;
}

}  // namespace

void describe_params(OfxImageEffectHandle descriptor) {
  const OfxParamSetHandle set = param_set(descriptor);
  choice(set, param::kScreenColor, "Screen Colour",
         "The plate's screen colour. Auto decides per frame from the screen's statistics (green when "
         "undecided); Blue uses the blue-screen checkpoint and despills the blue channel.",
         {"Auto", "Green", "Blue"}, 0);
  choice(set, param::kNetworkSize, "Network Size",
         "The square size the network runs at. 2048 is what CorridorKey was trained at (best edges); "
         "smaller sizes are faster and use less memory.",
         {"512", "1024", "1536", "2048"}, kDefaultNetworkSize);
  choice(set, param::kPrecision, "Precision",
         "Number format of the network. Auto: Float16 on a GPU, Float32 on the CPU. BFloat16 is the fast "
         "choice on CPUs with AVX-512 BF16 or AMX; Float16 needs a GPU.",
         {"Auto", "Float32", "Float16", "BFloat16"}, 0);
  real(set, param::kDespill, "Despill", "How much of the screen colour's spill is removed from the foreground (0..1).",
       1.0, 0.0, 1.0);
  {
    const Props p = define(set, kOfxParamTypeBoolean, param::kDespeckle, "Despeckle",
                           "Remove small islands from the matte (tracking markers, noise).");
    p.set(kOfxParamPropDefault, 1);
  }
  {
    const Props p = define(set, kOfxParamTypeInteger, param::kDespeckleSize, "Despeckle Size",
                           "Islands smaller than this many pixels (at full resolution) are removed.");
    p.set(kOfxParamPropDefault, 400);
    p.set(kOfxParamPropMin, 0);
    p.set(kOfxParamPropMax, 1 << 24);
    p.set(kOfxParamPropDisplayMin, 0);
    p.set(kOfxParamPropDisplayMax, 5000);
  }
  real(set, param::kRefiner, "Refiner Strength",
       "Multiplier of the refiner's edge corrections: 1 as trained, 0 leaves them out.", 1.0, 0.0, 2.0);
  choice(set, param::kOutput, "Output",
         "Processed: the keyed foreground, premultiplied RGBA. Matte: the alpha in every channel. "
         "FG: the un-mixed straight foreground colour with the alpha. Comp: a preview over a grey checkerboard.",
         {"Processed", "Matte", "FG", "Comp"}, 0);
  choice(set, param::kInputColorSpace, "Input Colour Space",
         "How the host's pixels are encoded: sRGB (display-referred, e.g. an unmanaged timeline) or Linear "
         "(scene-linear working space). Outputs come back in the same encoding.",
         {"sRGB", "Linear"}, 0);
}

KeyParams read_params(OfxImageEffectHandle instance, OfxTime time) {
  const OfxParamSetHandle set = param_set(instance);
  KeyParams k;
  k.screen = static_cast<ScreenChoice>(in_range(get_int(set, param::kScreenColor, time), 0, 2, param::kScreenColor));
  k.img_size = kNetworkSizes[in_range(get_int(set, param::kNetworkSize, time), 0, 3, param::kNetworkSize)];
  k.precision = static_cast<PrecisionChoice>(in_range(get_int(set, param::kPrecision, time), 0, 3, param::kPrecision));
  k.output = static_cast<OutputChoice>(in_range(get_int(set, param::kOutput, time), 0, 3, param::kOutput));
  k.input_is_linear = in_range(get_int(set, param::kInputColorSpace, time), 0, 1, param::kInputColorSpace) == 1;
  const double despill = get_double(set, param::kDespill, time);
  if (!(despill >= 0 && despill <= 1)) {
    throw OfxFailure("parameter despillStrength is " + std::to_string(despill) + ", outside 0..1", kOfxStatFailed);
  }
  const double refiner = get_double(set, param::kRefiner, time);
  if (!(refiner >= 0 && refiner <= 10)) {
    throw OfxFailure("parameter refinerStrength is " + std::to_string(refiner) + ", outside 0..10", kOfxStatFailed);
  }
  k.settings.despill_strength = despill;
  k.settings.refiner_scale = refiner;
  k.settings.auto_despeckle = get_int(set, param::kDespeckle, time) != 0;
  k.settings.despeckle_size = in_range(get_int(set, param::kDespeckleSize, time), 0, 1 << 24, param::kDespeckleSize);
  k.settings.input_is_linear = k.input_is_linear;
  k.settings.generate_comp = k.output == OutputChoice::comp;
  return k;
}

OutputChoice read_output(OfxImageEffectHandle instance) {
  int value = 0;
  OfxParamHandle h = nullptr;
  if (suites().parameter->paramGetHandle(param_set(instance), param::kOutput, &h, nullptr) != kOfxStatOK ||
      suites().parameter->paramGetValue(h, &value) != kOfxStatOK || value < 0 || value > 3)
    return OutputChoice::processed;
  return static_cast<OutputChoice>(value);
}

const char* output_premultiplication(OutputChoice output) {
  switch (output) {
    case OutputChoice::processed:
    case OutputChoice::matte:
      return kOfxImagePreMultiplied;
    case OutputChoice::fg:
      return kOfxImageUnPreMultiplied;
    case OutputChoice::comp:
      return kOfxImageOpaque;
  }
  return kOfxImagePreMultiplied;
}

}  // namespace corridorkey::ofx
