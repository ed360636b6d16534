// clip_manager: the command line of the CorridorKey native engine.
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <iostream>

#include "actions.hpp"
#include "corridorkey/device.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/hub/hub.hpp"
#include "corridorkey/interrupt.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/version.hpp"
#include "options.hpp"

namespace {

extern "C" void on_sigint(int) {
  // First Ctrl-C: stop after the frames in flight (only complete files remain). Second: now.
  if (corridorkey::interrupt_requested()) {
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
    return;
  }
  corridorkey::request_interrupt();
  const char msg[] = "\ninterrupted: finishing the frames in flight (Ctrl-C again to abort now)\n";
  [[maybe_unused]] const auto n = ::write(2, msg, sizeof msg - 1);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace clip_manager;
  namespace ck = corridorkey;
  Options options;
  try {
    options = parse_options(argc, argv);
    if (!options.help && !options.version) {
      resolve_colour(options);
      if (options.list_colorspaces) return kOk;
    }
  } catch (const ck::UsageError& e) {
    std::cerr << "clip_manager: " << e.what() << "\n";
    return kUsage;
  }
  if (options.help) {
    std::cout << help_text();
    return kOk;
  }
  if (options.version) {
    std::cout << ck::version_text();
    return kOk;
  }
  ck::set_log_level(options.log_level);
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  try {
    ck::limit_cpu_isa(options.cpu_isa);  // before LibTorch chooses its CPU kernels
    if (options.action == "list") return run_list(options);
    if (options.action == "inspect_checkpoint") return run_inspect(options);
    if (options.action == "generate_alphas") {
      const int code = run_generate_alphas(options);
      return ck::interrupt_requested() ? kInterrupted : code;
    }
    const int code = run_inference(options);
    return ck::interrupt_requested() ? kInterrupted : code;
  } catch (const ck::UsageError& e) {
    ck::log_error(e.what());
    return kUsage;
  } catch (const ck::CheckpointError& e) {
    ck::log_error(e.what());
    return kModel;
  } catch (const ck::ModelError& e) {
    ck::log_error(e.what());
    return kModel;
  } catch (const ck::HubError& e) {
    ck::log_error(e.what());
    return ck::interrupt_requested() ? kInterrupted : kModel;
  } catch (const std::exception& e) {
    ck::log_error(e.what());
    return ck::interrupt_requested() ? kInterrupted : kSomeFailed;
  }
}
