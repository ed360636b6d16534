// Where one pass's time goes, from LibTorch's Kineto profiler: on CUDA, the GPU kernels (and copies
// and memsets) by name, with their total device time and calls; on the CPU, the operators by name
// with their self time (their time less that of the operators they called). For bench_model
// --profile: a GPU run's report then says which kernels to work on, without another run.
#pragma once

#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <c10/core/Device.h>
#include <torch/csrc/autograd/profiler_kineto.h>

namespace bench {

struct OpTime {
  double ms = 0;
  int calls = 0;
};

namespace detail {

// Self time per CPU operator name: each thread's events nested by their intervals.
inline std::map<std::string, OpTime> cpu_self_times(const std::vector<torch::autograd::profiler::KinetoEvent>& events) {
  struct Span {
    std::uint64_t start, end;
    std::string name;
  };
  std::map<std::uint64_t, std::vector<Span>> by_thread;
  for (const auto& e : events) {
    if (e.deviceType() == c10::DeviceType::CPU && !e.isHiddenEvent() && e.endNs() > e.startNs())
      by_thread[e.startThreadId()].push_back({e.startNs(), e.endNs(), e.name()});
  }
  std::map<std::string, OpTime> out;
  for (auto& [thread, spans] : by_thread) {
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
      return a.start != b.start ? a.start < b.start : a.end > b.end;  // parents before children
    });
    std::vector<std::size_t> open;  // the enclosing spans
    std::vector<double> child(spans.size(), 0.0);
    for (std::size_t i = 0; i < spans.size(); ++i) {
      while (!open.empty() && spans[open.back()].end <= spans[i].start) open.pop_back();
      if (!open.empty()) child[open.back()] += static_cast<double>(spans[i].end - spans[i].start);
      open.push_back(i);
    }
    for (std::size_t i = 0; i < spans.size(); ++i) {
      OpTime& t = out[spans[i].name];
      t.ms += (static_cast<double>(spans[i].end - spans[i].start) - child[i]) / 1e6;
      ++t.calls;
    }
  }
  return out;
}

}  // namespace detail

/// Runs `pass` (which must wait for the device) once under the profiler and writes the table to
/// `path`, headed by `title`. Returns false, saying why on stderr, when the file cannot be written.
inline bool write_op_profile(const std::string& path, const std::string& title, c10::Device device,
                             const std::function<void()>& pass, int rows = 40) {
  namespace tp = torch::profiler::impl;
  // Without a GPU, Kineto's search for one is not an error worth printing.
  if (!device.is_cuda()) setenv("KINETO_LOG_LEVEL", "5", /*overwrite=*/0);
  std::set<tp::ActivityType> activities{tp::ActivityType::CPU};
  if (device.is_cuda()) activities.insert(tp::ActivityType::CUDA);
  torch::autograd::profiler::prepareProfiler(tp::ProfilerConfig(tp::ProfilerState::KINETO), activities);
  torch::autograd::profiler::enableProfiler(tp::ProfilerConfig(tp::ProfilerState::KINETO), activities);
  pass();
  const auto result = torch::autograd::profiler::disableProfiler();
  const auto& events = result->events();
  std::map<std::string, OpTime> times;
  for (const auto& e : events) {
    if (device.is_cuda() && e.deviceType() == c10::DeviceType::CUDA) {
      OpTime& t = times[e.name()];
      t.ms += static_cast<double>(e.durationNs()) / 1e6;
      ++t.calls;
    }
  }
  std::string what = device.is_cuda() ? "GPU kernels, copies and memsets: device time" : "CPU operators: self time";
  if (times.empty()) {
    if (device.is_cuda()) what = "no GPU activity recorded (is CUPTI missing?); CPU operators: self time";
    times = detail::cpu_self_times(events);
  }
  std::vector<std::pair<std::string, OpTime>> sorted(times.begin(), times.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second.ms > b.second.ms; });
  double total = 0;
  for (const auto& [name, t] : sorted) total += t.ms;
  std::ofstream out(path);
  out << title << "\n" << what << ", " << sorted.size() << " names, " << total << " ms in all\n\n";
  char line[96];
  std::snprintf(line, sizeof line, "%10s %7s %7s %10s  %s\n", "ms", "share", "calls", "us/call", "name");
  out << line;
  for (std::size_t i = 0; i < sorted.size() && i < static_cast<std::size_t>(rows); ++i) {
    const auto& [name, t] = sorted[i];
    std::snprintf(line, sizeof line, "%10.3f %6.1f%% %7d %10.1f  ", t.ms, total > 0 ? 100.0 * t.ms / total : 0.0,
                  t.calls, 1e3 * t.ms / t.calls);
    out << line << (name.size() > 160 ? name.substr(0, 157) + "..." : name) << "\n";
  }
  out.flush();
  if (!out) {
    std::fprintf(stderr, "bench: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace bench
