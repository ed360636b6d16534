#include "tensor_view.hpp"
#include <cstring>

#include <ATen/ATen.h>

#include "corridorkey/checkpoint.hpp"

namespace corridorkey {

at::Tensor tensor_view(const std::shared_ptr<MappedFile>& file, std::uint64_t offset, DType dtype,
                       const std::vector<std::int64_t>& shape) {
  const auto options = at::TensorOptions().dtype(to_scalar_type(dtype)).device(at::kCPU);
  std::byte* ptr = file->mutable_data() + offset;
  if (reinterpret_cast<std::uintptr_t>(ptr) % itemsize(dtype) != 0) {
    at::Tensor copy = at::empty(shape, options);
    if (copy.nbytes() > 0) std::memcpy(copy.data_ptr(), ptr, static_cast<std::size_t>(copy.nbytes()));
    return copy;
  }
  std::shared_ptr<MappedFile> keep = file;
  return at::from_blob(
      ptr, shape, [keep](void*) mutable { keep.reset(); }, options);
}

}  // namespace corridorkey
