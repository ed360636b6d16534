// Arrays across the boundary: numpy arrays and torch tensors (CPU or CUDA, anything that speaks
// DLPack or the buffer protocol) in as at::Tensor views, results out as numpy arrays or torch
// tensors that own the engine's tensors. Nothing is copied where the layout allows it.
#pragma once

#include <string>

#include <ATen/core/Tensor.h>
#include <nanobind/nanobind.h>

namespace corridorkey::python {

/// An argument read as a tensor: a view of the caller's memory (alive while the argument is).
struct InputTensor {
  at::Tensor tensor;
  bool from_torch = false;  ///< a torch.Tensor: results go back as torch tensors
};

/// `object` (the argument named `name`) as a tensor of its own element type, rank and device,
/// without a copy. Negative strides (numpy's a[::-1]) are the one layout ATen cannot alias: such
/// an array is copied, and the copy counted (input_copies()). Throws FrameError naming the argument
/// for an object that is no array, or one of an element type or device the engine cannot read.
InputTensor input_tensor(nanobind::handle object, const char* name);

/// How many inputs had to be copied to be read (negative strides) since the module was loaded.
long long input_copies();

/// `tensor` as a numpy array (or a torch tensor when `torch`), sharing its memory: the Python object
/// keeps the tensor alive. A torch result lies on the tensor's device.
nanobind::object output_array(const at::Tensor& tensor, bool torch);

/// Throws FrameError naming the argument when a floating-point tensor holds NaN or infinity (the
/// network would turn them into a matte of NaNs without saying so).
void require_finite(const at::Tensor& tensor, const char* name);

}  // namespace corridorkey::python
