#include "arrays.hpp"

#include <atomic>
#include <cstdint>
#include <vector>

#include <ATen/ATen.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>

#include "corridorkey/errors.hpp"

namespace nb = nanobind;

namespace corridorkey::python {

namespace {

std::atomic<long long> g_input_copies{0};

std::string python_type_of(nb::handle object) { return nb::cast<std::string>(nb::str(object.type().attr("__name__"))); }

at::ScalarType scalar_type(const nb::dlpack::dtype& t, const char* name) {
  using code = nb::dlpack::dtype_code;
  if (t.lanes == 1) {
    if (t.code == static_cast<std::uint8_t>(code::UInt) && t.bits == 8) return at::kByte;
    if (t.code == static_cast<std::uint8_t>(code::UInt) && t.bits == 16) return at::kUInt16;
    if (t.code == static_cast<std::uint8_t>(code::Float) && t.bits == 32) return at::kFloat;
    if (t.code == static_cast<std::uint8_t>(code::Float) && t.bits == 64) return at::kDouble;
  }
  static const char* const codes[] = {"int", "uint", "float", "opaque", "bfloat", "complex", "bool"};
  const std::string kind = t.code < 7 ? codes[t.code] : "type " + std::to_string(t.code);
  throw FrameError(std::string(name) + ": elements of type " + kind + std::to_string(t.bits) +
                   " cannot be read; use uint8 (0-255), uint16 (0-65535) or float32 (0-1)");
}

bool is_torch_tensor(nb::handle object) {
  const nb::object module = object.type().attr("__module__");
  return nb::isinstance<nb::str>(module) && nb::cast<std::string>(module).rfind("torch", 0) == 0;
}

}  // namespace

long long input_copies() { return g_input_copies.load(); }

InputTensor input_tensor(nb::handle object, const char* name) {
  if (object.is_none()) throw FrameError(std::string(name) + " is None; pass an image array");
  nb::ndarray<nb::ro> array;
  if (!nb::try_cast(object, array, /*convert=*/false)) {
    throw FrameError(std::string(name) + ": expected a numpy array or a torch tensor, got " + python_type_of(object));
  }
  InputTensor in;
  in.from_torch = is_torch_tensor(object);
  const at::ScalarType type = scalar_type(array.dtype(), name);
  c10::Device device(c10::kCPU);
  if (array.device_type() == nb::device::cuda::value) {
    device = c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(array.device_id()));
  } else if (array.device_type() != nb::device::cpu::value) {
    throw FrameError(std::string(name) + ": arrays on DLPack device type " + std::to_string(array.device_type()) +
                     " cannot be read; pass a CPU or CUDA array");
  }
  const auto ndim = static_cast<std::int64_t>(array.ndim());
  std::vector<std::int64_t> sizes(ndim), strides(ndim);
  std::vector<std::int64_t> flipped;
  const auto* base = static_cast<const std::uint8_t*>(array.data());
  const std::int64_t item = static_cast<std::int64_t>(array.itemsize());
  for (std::int64_t d = 0; d < ndim; ++d) {
    sizes[d] = static_cast<std::int64_t>(array.shape(d));
    strides[d] = array.stride(d);
    if (strides[d] < 0) {
      // The lowest address is where this axis ends: view the array from there, flipped.
      if (sizes[d] > 0) base += (sizes[d] - 1) * strides[d] * item;
      strides[d] = -strides[d];
      flipped.push_back(d);
    }
  }
  at::Tensor view =
      at::from_blob(const_cast<std::uint8_t*>(base), sizes, strides, at::TensorOptions().dtype(type).device(device));
  if (!flipped.empty()) {
    view = view.flip(flipped).contiguous();
    ++g_input_copies;
  }
  in.tensor = view;
  return in;
}

nb::object output_array(const at::Tensor& tensor, bool torch) {
  auto* owner_tensor = new at::Tensor(tensor);
  nb::capsule owner(owner_tensor, [](void* p) noexcept { delete static_cast<at::Tensor*>(p); });
  const auto ndim = static_cast<std::size_t>(tensor.dim());
  std::vector<std::size_t> shape(ndim);
  std::vector<std::int64_t> strides(ndim);
  for (std::size_t d = 0; d < ndim; ++d) {
    shape[d] = static_cast<std::size_t>(tensor.size(static_cast<std::int64_t>(d)));
    strides[d] = tensor.stride(static_cast<std::int64_t>(d));
  }
  const int device_type = tensor.is_cuda() ? nb::device::cuda::value : nb::device::cpu::value;
  const int device_id = tensor.is_cuda() ? tensor.device().index() : 0;
  if (torch) {
    nb::ndarray<nb::pytorch, float> out(tensor.data_ptr<float>(), ndim, shape.data(), owner, strides.data(),
                                        nb::dtype<float>(), device_type, device_id);
    return nb::cast(std::move(out));
  }
  nb::ndarray<nb::numpy, float> out(tensor.data_ptr<float>(), ndim, shape.data(), owner, strides.data(),
                                    nb::dtype<float>(), device_type, device_id);
  return nb::cast(std::move(out));
}

void require_finite(const at::Tensor& tensor, const char* name) {
  if (!at::isFloatingType(tensor.scalar_type())) return;
  const std::int64_t bad = (~at::isfinite(tensor)).sum().item<std::int64_t>();
  if (bad > 0) {
    throw FrameError(std::string(name) + " holds " + std::to_string(bad) +
                     " NaN or infinite value(s); the engine needs finite values (clip or np.nan_to_num them first)");
  }
}

}  // namespace corridorkey::python
