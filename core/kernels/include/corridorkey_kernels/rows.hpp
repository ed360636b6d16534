// Running a CPU twin over the rows of a frame in bands, possibly on several threads at once. The
// kernels link no threading library beyond the standard one: the caller says how many threads.
#pragma once

#include <functional>

namespace corridorkey::kernels {

/// Runs `band(begin, end)` over [0, rows) in bands; the result must not depend on the banding.
using RowRunner = std::function<void(int rows, const std::function<void(int begin, int end)>& band)>;

/// Runs the whole range as one band on the calling thread.
void run_serial(int rows, const std::function<void(int begin, int end)>& band);

/// Runs the range in at most `threads` bands of at least 16 rows, the first on the calling thread
/// and the others on threads of their own; an exception from any band is rethrown after all end.
RowRunner thread_bands(int threads);

}  // namespace corridorkey::kernels
