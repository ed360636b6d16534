// Helpers shared by the test suite: where the reference fixtures live, temporary folders, tensor
// comparison, hand-made zips and pickles. Core only (no OpenCV): the core's tests use it alone.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "corridorkey/device.hpp"
#include "corridorkey/pipeline.hpp"
#include "corridorkey/remove_tree.hpp"

/// Skips the current test, saying why, unless this build has the CUDA path and a CUDA device is
/// visible.
#define CK_REQUIRE_GPU()                                                                                          \
  do {                                                                                                            \
    if (!corridorkey::built_with_cuda()) GTEST_SKIP() << "this build has no CUDA kernels (CORRIDORKEY_CUDA=OFF)"; \
    if (corridorkey::cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device visible: GPU test skipped";        \
  } while (0)

namespace corridorkey::test {

/// ../shared/fixtures beside the checkout (or $CORRIDORKEY_FIXTURES). Fails the test when absent.
std::filesystem::path fixtures();

/// A fresh, empty folder under the build tree's temp area, removed at the end of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// fixtures/frame/decoded.safetensors, read once: the fixture frame already decoded, RGB order:
/// plate_srgb_u8 and plate_linear_f32 [200,300,3], hint_u8 [200,300], hint_u16 [200,300] (int32).
const std::map<std::string, at::Tensor>& decoded_frames();

/// An Engine running the tiny fixture model (fixtures/tiny/CorridorKey.safetensors) at `img_size`
/// on `device`, float32.
Engine tiny_engine(int img_size, c10::Device device = c10::Device(c10::kCPU));

/// max |a - b| in float64 (shapes must match).
double max_abs_diff(const at::Tensor& a, const at::Tensor& b);

/// True when the two tensors have the same dtype, shape and bytes.
bool bit_identical(const at::Tensor& a, const at::Tensor& b);

/// n uniform floats in [lo, hi), the same for the same seed.
std::vector<float> random_floats(std::size_t n, float lo, float hi, unsigned seed);

/// Writes bytes to a file.
void write_bytes(const std::filesystem::path& path, const std::string& bytes);
std::string read_bytes(const std::filesystem::path& path);

/// The message of the corridorkey::Error `f` throws, or "" when it throws none.
std::string error_of(const std::function<void()>& f);

/// The venv's python (for interop tests), or "" when none was configured.
std::string python();

}  // namespace corridorkey::test

namespace corridorkey::test {

/// A stored (uncompressed) zip archive of the given records, as torch.save lays them out.
/// `method` sets the compression method field (0 = stored) to exercise refusals.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& records, int method = 0);

/// Pickle opcode builders for hand-written (hostile or edge-case) pickles.
namespace pk {
std::string proto();                    // \x80\x02
std::string str(const std::string& s);  // BINUNICODE
std::string global(const std::string& module, const std::string& name);
std::string int1(int v);            // BININT1
std::string long1(std::int64_t v);  // LONG1
std::string tensor_v2(const std::string& key, const std::string& storage_class, int numel, int offset,
                      const std::vector<int>& size, const std::vector<int>& stride);
}  // namespace pk

}  // namespace corridorkey::test
