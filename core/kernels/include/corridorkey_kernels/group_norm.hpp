// The refiner's GroupNorm with what follows it (an optional residual add, an optional ReLU) on a
// channels-last activation, in place, on the GPU. ATen's CUDA GroupNorm gives each (sample, group)
// one thread block, so a 1-sample, 8-group, 2048x2048 map runs on 8 of the GPU's 132
// multiprocessors: 34 ms of an H100's time per call, the refiner's whole cost. These kernels spread
// the statistics over the whole GPU and apply the result in one pass:
//   1. moments: each block merges (count, mean, M2) of its pixels per group (Chan et al.),
//   2. finalize: one block per (sample, group) merges the blocks' moments in float64 (a tree) and
//      writes each channel's scale = gamma / sqrt(var + eps) and shift = beta - mean * scale,
//   3. apply: x = relu?(x * scale + shift + residual?), 16 bytes per thread.
// The CPU twin is core/src/model/group_norm_cpu.hpp (same semantics; tests/gpu compares them).
#pragma once

#include <cstddef>
#include <cstdint>

namespace corridorkey::kernels {

enum class GroupNormType { float32, float16, bfloat16 };

#ifdef CORRIDORKEY_KERNELS_CUDA
namespace cuda {

/// Whether group_norm_act handles `channels` in `groups` groups of `type`: every 16-byte vector
/// of a pixel's channels must lie inside one group (channels per group a multiple of 8 for the
/// 16-bit types, of 4 for float32) and a pixel's vectors must divide the 256-thread block.
bool group_norm_act_supported(GroupNormType type, int channels, int groups);

/// Device scratch bytes group_norm_act needs for `samples` maps of `pixels` pixels.
std::size_t group_norm_scratch_bytes(int samples, std::int64_t pixels, int channels, int groups);

/// x = relu?(group_norm(x) * weight + bias + residual?) in place. x and residual: [samples,
/// pixels, channels] (NHWC), 16-byte aligned; residual may be null; weight, bias: `channels`
/// values of the same type. scratch: group_norm_scratch_bytes() bytes, 8-byte aligned, kept until
/// the work on `stream` (a cudaStream_t) is done. Throws std::invalid_argument for an unsupported
/// shape, std::runtime_error for a failed launch.
void group_norm_act(void* x, const void* residual, const void* weight, const void* bias, GroupNormType type,
                    int samples, std::int64_t pixels, int channels, int groups, float eps, bool relu, void* scratch,
                    void* stream);

}  // namespace cuda
#endif

}  // namespace corridorkey::kernels
