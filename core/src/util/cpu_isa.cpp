// limit_cpu_isa (device.hpp): the same float32 bits on AVX2 and AVX-512 machines.
#include <ATen/Version.h>

#include <cstdlib>

#include "corridorkey/device.hpp"
#include "corridorkey/errors.hpp"

namespace corridorkey {

void limit_cpu_isa(const std::string& isa) {
  if (isa == "native") return;
  if (isa != "avx2" && isa != "portable") throw UsageError("--cpu-isa " + isa + ": use native, avx2 or portable");
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  const bool has_avx2 = false;
#endif
  if (!has_avx2) {
    throw UsageError("--cpu-isa " + isa +
                     ": this CPU has no AVX2 and FMA, so it cannot compute what AVX2 machines do; "
                     "run it with --cpu-isa native (its outputs then differ from theirs in the last bits)");
  }
  // Each library reads its variable once, when it first needs it: before any network runs. MKL's
  // AVX2 branch holds on Intel CPUs (AMD ones run its AUTO path whatever the branch); COMPATIBLE,
  // its SSE2 branch, gives the same bits on both vendors.
  const char* mkl_branch = isa == "portable" ? "COMPATIBLE" : "AVX2";
  ::setenv("ONEDNN_MAX_CPU_ISA", "AVX2", 1);
  ::setenv("ATEN_CPU_CAPABILITY", "avx2", 1);
  ::setenv("MKL_CBWR", mkl_branch, 1);
  if (const std::string chosen = at::get_cpu_capability(); chosen != "AVX2") {
    throw UsageError("--cpu-isa " + isa + ": LibTorch had already chosen " + chosen +
                     " kernels in this process; set ATEN_CPU_CAPABILITY=avx2, ONEDNN_MAX_CPU_ISA=AVX2 and MKL_CBWR=" +
                     mkl_branch + " before it starts");
  }
}

}  // namespace corridorkey
