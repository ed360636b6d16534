// Logging conventions: INFO for what a user should know, DEBUG for the rest, to stderr (stdout
// stays free for results and --json events). Backed by spdlog inside logging.cpp only: LibTorch
// bundles its own {fmt}, which must never meet the system {fmt} spdlog is built against.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace corridorkey {

enum class LogLevel { trace, debug, info, warn, error, off };

/// Parses "trace|debug|info|warn|error|off" (case-insensitive); throws UsageError otherwise.
LogLevel parse_log_level(std::string_view name);
void set_log_level(LogLevel level);
LogLevel log_level();
bool log_enabled(LogLevel level);
void log_message(LogLevel level, std::string_view message);

namespace detail {
template <class... Args>
void log_parts(LogLevel level, const Args&... parts) {
  if (!log_enabled(level)) return;
  std::ostringstream out;
  (out << ... << parts);
  log_message(level, out.str());
}
}  // namespace detail

template <class... Args>
void log_trace(const Args&... a) {
  detail::log_parts(LogLevel::trace, a...);
}
template <class... Args>
void log_debug(const Args&... a) {
  detail::log_parts(LogLevel::debug, a...);
}
template <class... Args>
void log_info(const Args&... a) {
  detail::log_parts(LogLevel::info, a...);
}
template <class... Args>
void log_warn(const Args&... a) {
  detail::log_parts(LogLevel::warn, a...);
}
template <class... Args>
void log_error(const Args&... a) {
  detail::log_parts(LogLevel::error, a...);
}

}  // namespace corridorkey
