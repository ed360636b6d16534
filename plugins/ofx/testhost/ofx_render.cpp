// ofx_render: renders one synthetic green-screen frame through the CorridorKey OpenFX plugin found
// on OFX_PLUGIN_PATH, in the test host, and writes the Output clip's pixels. It answers "does the
// plugin load and render on this machine?" without a compositor (scripts/check_release.sh uses it
// on the unpacked bundle); a plugin that cannot be loaded is reported with the loader's message.
//
//   OFX_PLUGIN_PATH=/usr/OFX/Plugins ofx_render [--size WxH] [--output FILE.raw] [--network-size N]
//
// FILE.raw: the Output clip as float32 RGBA, top row first, no header. Exit codes: 0 rendered,
// 1 the render failed (its message printed), 2 wrong usage, 3 the plugin was not found or did not load.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "ofx_test_host.hpp"

namespace {

using corridorkey::ofxtest::Effect;
using corridorkey::ofxtest::Image;
using corridorkey::ofxtest::RenderResult;
using corridorkey::ofxtest::TestHost;

constexpr const char* kPluginId = "com.corridordigital.CorridorKey";

int usage(const char* problem) {
  if (problem != nullptr) std::cerr << "ofx_render: " << problem << "\n";
  std::cerr << "usage: OFX_PLUGIN_PATH=DIR ofx_render [--size WxH] [--output FILE.raw] [--network-size 0|1|2]\n"
               "  renders a synthetic green-screen plate (a grey disc on green, its coarse hint) through\n"
               "  the CorridorKey plugin; --network-size is the plugin's networkSize choice (0: 512 px)\n";
  return problem == nullptr ? 0 : 2;
}

// A green screen with a grey disc in the middle, and the disc (slightly grown) as the hint.
void synthetic_plate(int w, int h, Image& plate, Image& hint) {
  plate = Image(w, h, 4);
  hint = Image(w, h, 4);
  const double cx = w / 2.0, cy = h / 2.0, r = std::min(w, h) / 3.0;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double d = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
      const bool subject = d < r;
      float* p = plate.at(x, y);
      const float shade = static_cast<float>(0.05 * x / w);
      p[0] = subject ? 0.45f + shade : 0.08f + shade;
      p[1] = subject ? 0.42f : 0.62f;
      p[2] = subject ? 0.40f : 0.12f;
      p[3] = 1.0f;
      float* a = hint.at(x, y);
      a[0] = a[1] = a[2] = a[3] = d < r * 1.05 ? 1.0f : 0.0f;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  int width = 256, height = 144, network_size = 0;
  std::string output;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "-h" || a == "--help") return usage(nullptr);
    if (a == "--size" && has_value) {
      if (std::sscanf(argv[++i], "%dx%d", &width, &height) != 2 || width < 16 || height < 16 || width > 8192 ||
          height > 8192)
        return usage("--size takes WxH, each 16 to 8192");
    } else if (a == "--output" && has_value) {
      output = argv[++i];
    } else if (a == "--network-size" && has_value) {
      network_size = std::atoi(argv[++i]);
    } else {
      return usage(("unknown or incomplete option '" + a + "'").c_str());
    }
  }
  const char* path = std::getenv("OFX_PLUGIN_PATH");
  if (path == nullptr || *path == 0)
    return usage("set OFX_PLUGIN_PATH to the folder that holds CorridorKey.ofx.bundle");

  TestHost host;
  bool found = false;
  for (const std::string& id : host.plugin_ids()) found = found || id == kPluginId;
  if (!found) {
    std::cerr << "ofx_render: no " << kPluginId << " plugin in OFX_PLUGIN_PATH=" << path
              << " (the loader's message, if any, is above)\n";
    return 3;
  }
  std::unique_ptr<Effect> effect = host.create(kPluginId);
  if (!effect) {
    std::cerr << "ofx_render: the plugin was found but did not load or describe itself\n";
    for (const std::string& m : host.messages()) std::cerr << "  " << m << "\n";
    return 3;
  }
  Image plate, hint;
  synthetic_plate(width, height, plate, hint);
  effect->set_input("Source", plate);
  effect->set_input("AlphaHint", hint);
  effect->set_int("networkSize", network_size);
  effect->set_int("screenColor", 1);  // green
  const RenderResult r = effect->render();
  if (r.status != kOfxStatOK) {
    std::cerr << "ofx_render: the render failed (status " << r.status << "): " << r.persistent_message << "\n";
    return 1;
  }
  double alpha_sum = 0;
  for (std::size_t i = 3; i < r.output.pixels.size(); i += 4) alpha_sum += r.output.pixels[i];
  std::cout << "rendered " << r.output.width << "x" << r.output.height << " in " << r.seconds << " s, mean alpha "
            << alpha_sum / (static_cast<double>(r.output.width) * r.output.height) << "\n";
  if (!output.empty()) {
    const std::string tmp = output + ".partial";
    std::ofstream out(tmp, std::ios::binary);
    out.write(reinterpret_cast<const char*>(r.output.pixels.data()),
              static_cast<std::streamsize>(r.output.pixels.size() * sizeof(float)));
    out.close();
    if (!out || std::rename(tmp.c_str(), output.c_str()) != 0) {
      std::remove(tmp.c_str());
      std::cerr << "ofx_render: cannot write " << output << ": " << std::strerror(errno) << "\n";
      return 1;
    }
  }
  return 0;
}
