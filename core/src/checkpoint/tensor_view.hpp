// Zero-copy tensors over a memory-mapped file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>

#include "corridorkey/dtype.hpp"
#include "corridorkey/mapped_file.hpp"

namespace corridorkey {

/// A contiguous tensor of `shape` whose bytes start at `offset` in `file`. The tensor keeps the
/// mapping alive. When the bytes are not aligned to the element size they are copied instead.
at::Tensor tensor_view(const std::shared_ptr<MappedFile>& file, std::uint64_t offset, DType dtype,
                       const std::vector<std::int64_t>& shape);

}  // namespace corridorkey
