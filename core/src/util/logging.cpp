#include "corridorkey/logging.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <utility>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "corridorkey/errors.hpp"
#include "corridorkey/text.hpp"

namespace corridorkey {
namespace {

constexpr std::array<std::pair<std::string_view, LogLevel>, 7> kLevels{{{"trace", LogLevel::trace},
                                                                        {"debug", LogLevel::debug},
                                                                        {"info", LogLevel::info},
                                                                        {"warn", LogLevel::warn},
                                                                        {"warning", LogLevel::warn},
                                                                        {"error", LogLevel::error},
                                                                        {"off", LogLevel::off}}};

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return spdlog::level::trace;
    case LogLevel::debug:
      return spdlog::level::debug;
    case LogLevel::info:
      return spdlog::level::info;
    case LogLevel::warn:
      return spdlog::level::warn;
    case LogLevel::error:
      return spdlog::level::err;
    case LogLevel::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

spdlog::logger& logger() {
  // Not in spdlog's registry: a host process (or a plugin beside ours) may share the library and
  // register a logger of the same name.
  static const std::shared_ptr<spdlog::logger> instance = [] {
    auto l = std::make_shared<spdlog::logger>("corridorkey", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    l->set_pattern("[%H:%M:%S] [%^%l%$] %v");
    l->set_level(spdlog::level::info);
    return l;
  }();
  return *instance;
}

LogLevel g_level = LogLevel::info;

}  // namespace

LogLevel parse_log_level(std::string_view name) {
  const std::string lower = ascii_lower(name);
  for (const auto& [text, level] : kLevels) {
    if (lower == text) return level;
  }
  throw UsageError("invalid log level '" + std::string(name) + "': use one of trace, debug, info, warn, error, off");
}

void set_log_level(LogLevel level) {
  g_level = level;
  logger().set_level(to_spdlog(level));
}

LogLevel log_level() { return g_level; }

bool log_enabled(LogLevel level) { return level != LogLevel::off && level >= g_level; }

void log_message(LogLevel level, std::string_view message) {
  logger().log(to_spdlog(level), "{}", std::string(message));
}

}  // namespace corridorkey
