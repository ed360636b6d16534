// The effect's actions (called from the plugin's main entry, which turns exceptions into statuses
// and host messages).
#pragma once

#include "ofx_api.hpp"

namespace corridorkey::ofx {

inline constexpr const char* kPluginId = "com.corridordigital.CorridorKey";
inline constexpr int kVersionMajor = 1, kVersionMinor = 0;
inline constexpr const char* kSourceClip = kOfxImageEffectSimpleSourceClipName;  // "Source"
inline constexpr const char* kHintClip = "AlphaHint";
inline constexpr const char* kOutputClip = kOfxImageEffectOutputClipName;  // "Output"

OfxStatus describe(OfxImageEffectHandle descriptor);
OfxStatus describe_in_context(OfxImageEffectHandle descriptor, Props in);
OfxStatus clip_preferences(OfxImageEffectHandle instance, Props out);
OfxStatus regions_of_interest(OfxImageEffectHandle instance, Props in, Props out);
OfxStatus render(OfxImageEffectHandle instance, Props in);

}  // namespace corridorkey::ofx
