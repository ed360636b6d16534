// CK_CPU_CLONES: compile a hot CPU loop twice, for AVX2+FMA (x86-64-v3) and for baseline
// x86-64, and let the loader pick the one this CPU runs. Empty elsewhere.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CK_CPU_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CK_CPU_CLONES
#endif
