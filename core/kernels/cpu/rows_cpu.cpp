#include <algorithm>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "corridorkey_kernels/rows.hpp"

namespace corridorkey::kernels {

void run_serial(int rows, const std::function<void(int begin, int end)>& band) {
  if (rows > 0) band(0, rows);
}

RowRunner thread_bands(int threads) {
  return [threads](int rows, const std::function<void(int begin, int end)>& band) {
    constexpr int kMinRows = 16;
    const int bands = std::max(1, std::min(threads, rows / kMinRows));
    if (bands == 1) return run_serial(rows, band);
    std::exception_ptr failure;
    std::mutex failure_mutex;
    const auto run = [&](int i) {
      try {
        band(static_cast<int>(static_cast<std::int64_t>(rows) * i / bands),
             static_cast<int>(static_cast<std::int64_t>(rows) * (i + 1) / bands));
      } catch (...) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    };
    std::vector<std::thread> helpers;
    for (int i = 1; i < bands; ++i) helpers.emplace_back(run, i);
    run(0);
    for (auto& t : helpers) t.join();
    if (failure) std::rethrow_exception(failure);
  };
}

}  // namespace corridorkey::kernels
