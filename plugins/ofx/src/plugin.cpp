// The plugin's entry points (OfxGetNumberOfPlugins, OfxGetPlugin) and its main entry: dispatches
// the actions and turns every exception into an error status and, for an instance, a persistent
// message through the host's message suite. Nothing thrown here reaches the host.
#include <c10/util/Exception.h>

#include <cstdarg>
#include <cstdlib>
#include <mutex>
#include <new>
#include <set>
#include <string>

#include "actions.hpp"
#include "corridorkey/device.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/logging.hpp"
#include "models.hpp"

namespace corridorkey::ofx {
namespace {

std::mutex g_messages_mutex;
std::set<const void*> g_with_message;  // instances showing a persistent error

void show_error(OfxImageEffectHandle instance, const std::string& text) {
  log_error("CorridorKey OFX: ", text);
  const Suites& s = suites();
  if (instance == nullptr) return;
  if (s.message2 != nullptr) {
    s.message2->setPersistentMessage(instance, kOfxMessageError, "CorridorKey", "%s", text.c_str());
    std::lock_guard<std::mutex> lock(g_messages_mutex);
    g_with_message.insert(instance);
  } else if (s.message1 != nullptr) {
    s.message1->message(instance, kOfxMessageError, "CorridorKey", "%s", text.c_str());
  }
}

void clear_error(OfxImageEffectHandle instance) {
  {
    std::lock_guard<std::mutex> lock(g_messages_mutex);
    if (g_with_message.erase(instance) == 0) return;
  }
  if (suites().message2 != nullptr) suites().message2->clearPersistentMessage(instance);
}

OfxStatus dispatch(const std::string& action, OfxImageEffectHandle effect, Props in, Props out) {
  if (action == kOfxActionLoad) {
    if (const char* level = std::getenv("CORRIDORKEY_LOG_LEVEL"); level != nullptr && *level != 0) {
      try {
        set_log_level(parse_log_level(level));
      } catch (const std::exception& e) {  // a bad value must not keep the plugin from loading
        log_warn("CorridorKey OFX: CORRIDORKEY_LOG_LEVEL ignored: ", e.what());
      }
    }
    // Farm nodes that must write the same bits (docs/cli.md, farms): as clip_manager --cpu-isa. A value
    // that cannot be honoured keeps the plugin unloaded rather than rendering other bits unnoticed.
    if (const char* isa = std::getenv("CORRIDORKEY_CPU_ISA"); isa != nullptr && *isa != 0) {
      try {
        limit_cpu_isa(isa);
      } catch (const std::exception& e) {
        log_error("CorridorKey OFX: CORRIDORKEY_CPU_ISA=", isa, ": ", e.what(), "; the plugin stays unloaded");
        return kOfxStatFailed;
      }
    }
    const std::vector<std::string> missing = fetch_suites();
    if (!missing.empty()) {
      std::string list;
      for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
      log_error("CorridorKey OFX: the host lacks ", list, ", which the plugin needs; it stays unloaded");
      return kOfxStatErrMissingHostFeature;
    }
    return kOfxStatOK;
  }
  // Nothing runs on a host whose load failed for want of a suite.
  if (suites().property == nullptr || suites().effect == nullptr || suites().parameter == nullptr ||
      (suites().message1 == nullptr && suites().message2 == nullptr))
    return kOfxStatErrMissingHostFeature;
  if (action == kOfxActionUnload || action == kOfxActionPurgeCaches) {
    Models::get().purge();
    return kOfxStatOK;
  }
  if (action == kOfxActionDescribe) return describe(effect);
  if (action == kOfxImageEffectActionDescribeInContext) return describe_in_context(effect, in);
  if (action == kOfxImageEffectActionGetClipPreferences) return clip_preferences(effect, out);
  if (action == kOfxImageEffectActionGetRegionsOfInterest) return regions_of_interest(effect, in, out);
  if (action == kOfxImageEffectActionRender) {
    const OfxStatus status = render(effect, in);
    if (status == kOfxStatOK) clear_error(effect);
    return status;
  }
  if (action == kOfxActionDestroyInstance) {
    std::lock_guard<std::mutex> lock(g_messages_mutex);
    g_with_message.erase(effect);
    return kOfxStatOK;
  }
  if (action == kOfxActionCreateInstance) return kOfxStatOK;
  return kOfxStatReplyDefault;
}

OfxStatus main_entry(const char* action, const void* handle, OfxPropertySetHandle in, OfxPropertySetHandle out) {
  auto effect = static_cast<OfxImageEffectHandle>(const_cast<void*>(handle));
  const bool is_render = action != nullptr && std::string(action) == kOfxImageEffectActionRender;
  OfxImageEffectHandle report_to = is_render ? effect : nullptr;
  try {
    if (action == nullptr) return kOfxStatErrBadHandle;
    return dispatch(action, effect, Props(in), Props(out));
  } catch (const OfxFailure& e) {
    show_error(report_to, e.what());
    return e.status;
  } catch (const c10::OutOfMemoryError& e) {
    show_error(report_to, std::string("out of GPU memory: choose a smaller Network Size or Float16 precision, or "
                                      "close other GPU work (") +
                              e.what_without_backtrace() + ")");
    return kOfxStatErrMemory;
  } catch (const std::bad_alloc&) {
    show_error(report_to, "out of memory: choose a smaller Network Size or close other work");
    return kOfxStatErrMemory;
  } catch (const c10::Error& e) {
    show_error(report_to, std::string("LibTorch error: ") + e.what_without_backtrace());
    return kOfxStatFailed;
  } catch (const std::exception& e) {
    show_error(report_to, e.what());
    return kOfxStatFailed;
  } catch (...) {
    show_error(report_to, "unknown error");
    return kOfxStatFailed;
  }
}

void set_host(OfxHost* host) { suites().host = host; }

OfxPlugin g_plugin = {kOfxImageEffectPluginApi, 1, kPluginId, kVersionMajor, kVersionMinor, set_host, main_entry};

}  // namespace
}  // namespace corridorkey::ofx

// The module's only exported symbols (the rest is built with hidden visibility).
#define CORRIDORKEY_OFX_EXPORT OfxExport __attribute__((visibility("default")))
extern "C" {
CORRIDORKEY_OFX_EXPORT int OfxGetNumberOfPlugins(void) { return 1; }
CORRIDORKEY_OFX_EXPORT OfxPlugin* OfxGetPlugin(int nth) { return nth == 0 ? &corridorkey::ofx::g_plugin : nullptr; }
}
