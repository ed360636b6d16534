// Describe and describe-in-context: what the effect is, its clips and parameters.
#include "actions.hpp"
#include "params.hpp"

namespace corridorkey::ofx {

OfxStatus describe(OfxImageEffectHandle descriptor) {
  const Props p = effect_props(descriptor);
  p.set(kOfxPropLabel, std::string("CorridorKey"));
  p.set(kOfxPropShortLabel, std::string("CorridorKey"));
  p.set(kOfxImageEffectPluginPropGrouping, std::string("Keyer"));
  p.set(kOfxPropPluginDescription,
        std::string("Neural green/blue-screen keyer: a clean linear alpha and the un-mixed straight foreground "
                    "from a plate and a coarse alpha hint (built in when none is connected)."));
  p.set_strings(kOfxImageEffectPropSupportedContexts, {kOfxImageEffectContextFilter, kOfxImageEffectContextGeneral});
  p.set_strings(kOfxImageEffectPropSupportedPixelDepths, {kOfxBitDepthFloat});
  p.set(kOfxImageEffectPropSupportsTiles, 0);  // the network needs the whole frame
  p.set(kOfxImageEffectPropSupportsMultiResolution, 1);
  p.set(kOfxImageEffectPropTemporalClipAccess, 0);
  p.set(kOfxImageEffectPluginPropSingleInstance, 0);
  p.set(kOfxImageEffectPluginPropHostFrameThreading, 0);
  p.set(kOfxImageEffectPluginRenderThreadSafety, std::string(kOfxImageEffectRenderFullySafe));
  p.set(kOfxImageEffectPropSupportsMultipleClipDepths, 0);
  return kOfxStatOK;
}

OfxStatus describe_in_context(OfxImageEffectHandle descriptor, Props /*in*/) {
  auto clip = [&](const char* name) {
    OfxPropertySetHandle h = nullptr;
    check(suites().effect->clipDefine(descriptor, name, &h), "clipDefine", name);
    return Props(h);
  };
  const Props source = clip(kSourceClip);
  source.set_strings(kOfxImageEffectPropSupportedComponents, {kOfxImageComponentRGBA, kOfxImageComponentRGB});
  source.set(kOfxImageClipPropFieldExtraction, std::string(kOfxImageFieldNone));
  source.set(kOfxImageEffectPropSupportsTiles, 0);
  const Props hint = clip(kHintClip);
  hint.set_strings(kOfxImageEffectPropSupportedComponents,
                   {kOfxImageComponentAlpha, kOfxImageComponentRGBA, kOfxImageComponentRGB});
  hint.set(kOfxImageClipPropOptional, 1);
  hint.set(kOfxPropLabel, std::string("Alpha Hint"));
  hint.set(kOfxImageClipPropFieldExtraction, std::string(kOfxImageFieldNone));
  hint.set(kOfxImageEffectPropSupportsTiles, 0);
  const Props output = clip(kOutputClip);
  output.set_strings(kOfxImageEffectPropSupportedComponents, {kOfxImageComponentRGBA});
  output.set(kOfxImageEffectPropSupportsTiles, 0);
  describe_params(descriptor);
  return kOfxStatOK;
}

}  // namespace corridorkey::ofx
