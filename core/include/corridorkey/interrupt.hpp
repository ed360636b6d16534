// A process-wide "stop soon" flag (set from a SIGINT handler, async-signal-safe): long operations
// (downloads, clip runs) poll it and stop cleanly, leaving only complete files.
#pragma once

namespace corridorkey {

void request_interrupt() noexcept;
bool interrupt_requested() noexcept;
void clear_interrupt() noexcept;

}  // namespace corridorkey
