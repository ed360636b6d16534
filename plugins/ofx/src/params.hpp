// The effect's parameters: their names (what hosts save in projects: never rename one), how they
// are described to the host, and their values at a time, as the engine's settings.
#pragma once

#include <string>

#include "corridorkey/pipeline.hpp"
#include "ofxImageEffect.h"

namespace corridorkey::ofx {

namespace param {
inline constexpr const char* kScreenColor = "screenColor";          // choice: Auto, Green, Blue
inline constexpr const char* kNetworkSize = "networkSize";          // choice: 512, 1024, 1536, 2048
inline constexpr const char* kPrecision = "precision";              // choice: Auto, Float32, Float16, BFloat16
inline constexpr const char* kDespill = "despillStrength";          // double 0..1
inline constexpr const char* kDespeckle = "autoDespeckle";          // boolean
inline constexpr const char* kDespeckleSize = "despeckleSize";      // integer, pixels at full resolution
inline constexpr const char* kRefiner = "refinerStrength";          // double
inline constexpr const char* kOutput = "output";                    // choice: Processed, Matte, FG, Comp
inline constexpr const char* kInputColorSpace = "inputColorSpace";  // choice: sRGB, Linear
}  // namespace param

enum class ScreenChoice { automatic = 0, green = 1, blue = 2 };
enum class PrecisionChoice { automatic = 0, float32 = 1, float16 = 2, bfloat16 = 3 };
enum class OutputChoice { processed = 0, matte = 1, fg = 2, comp = 3 };

inline constexpr int kNetworkSizes[] = {512, 1024, 1536, 2048};
inline constexpr int kDefaultNetworkSize = 3;  // 2048, the size CorridorKey v1.0 was trained at

/// Every parameter's values at one time.
struct KeyParams {
  ScreenChoice screen = ScreenChoice::automatic;
  int img_size = 2048;
  PrecisionChoice precision = PrecisionChoice::automatic;
  OutputChoice output = OutputChoice::processed;
  bool input_is_linear = false;
  InferenceSettings settings;  ///< despill, despeckle (size at full resolution), refiner; screen_color unset
};

/// Defines the parameters on an effect descriptor (describe in context).
void describe_params(OfxImageEffectHandle descriptor);

/// Reads the parameters of an instance at `time`. Throws OfxFailure naming a parameter the host
/// does not have or a value out of range.
KeyParams read_params(OfxImageEffectHandle instance, OfxTime time);

/// The Output parameter alone (clip preferences have no time); Processed when it cannot be read.
OutputChoice read_output(OfxImageEffectHandle instance);

/// The output premultiplication state of an output choice (clip preferences).
const char* output_premultiplication(OutputChoice output);

}  // namespace corridorkey::ofx
