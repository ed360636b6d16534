#include "test_support.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"

namespace corridorkey::test {
namespace fs = std::filesystem;

fs::path fixtures() {
  const char* env = std::getenv("CORRIDORKEY_FIXTURES");
  const fs::path dir = env ? fs::path(env) : fs::path(CORRIDORKEY_SOURCE_DIR) / ".." / "shared" / "fixtures";
  if (!fs::exists(dir / "README.md")) {
    ADD_FAILURE() << "reference fixtures not found at " << dir
                  << ": the tests need ../shared/fixtures beside the checkout (or set CORRIDORKEY_FIXTURES)";
  }
  return dir;
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "test";
  if (info) name.assign(info->test_suite_name()).append(".").append(info->name());
  for (auto& c : name) {
    if (c == '/') c = '_';
  }
  std::string leaf = "ck-";
  leaf.append(std::to_string(::getpid())).append("-").append(std::to_string(counter++)).append("-").append(name);
  path_ = fs::temp_directory_path() / leaf;
  std::error_code ec;
  remove_tree(path_, ec);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  remove_tree(path_, ec);
}

const std::map<std::string, at::Tensor>& decoded_frames() {
  static const auto frames = SafetensorsFile::open(fixtures() / "frame" / "decoded.safetensors").tensors();
  return frames;
}

Engine tiny_engine(int img_size, c10::Device device) {
  const StateDict sd = load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors");
  ModelOptions options{.img_size = img_size};
  options.device = device;
  return Engine(GreenFormer::load(sd, ModelConfig::resolve(sd), options));
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  EXPECT_EQ(a.sizes(), b.sizes());
  if (a.sizes() != b.sizes()) return 1e30;
  if (a.numel() == 0) return 0.0;
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

std::vector<float> random_floats(std::size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

bool bit_identical(const at::Tensor& a, const at::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  const at::Tensor ca = a.contiguous(), cb = b.contiguous();
  return ca.nbytes() == cb.nbytes() &&
         (ca.nbytes() == 0 || std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.nbytes()) == 0);
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string python() {
  const char* env = std::getenv("CORRIDORKEY_PYTHON");
  if (env && *env) return env;
  return CORRIDORKEY_PYTHON;
}

}  // namespace corridorkey::test

namespace corridorkey::test {
namespace {
void put_le(std::string& out, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
}  // namespace

std::string make_zip(const std::vector<std::pair<std::string, std::string>>& records, int method) {
  std::string out, central;
  for (const auto& [name, data] : records) {
    const auto offset = out.size();
    put_le(out, 0x04034b50, 4);
    put_le(out, 20, 2), put_le(out, 0, 2), put_le(out, static_cast<std::uint64_t>(method), 2);
    put_le(out, 0, 4), put_le(out, 0, 4);  // time/date, crc (not checked)
    put_le(out, data.size(), 4), put_le(out, data.size(), 4);
    put_le(out, name.size(), 2), put_le(out, 0, 2);
    out += name + data;
    put_le(central, 0x02014b50, 4);
    put_le(central, 20, 2), put_le(central, 20, 2), put_le(central, 0, 2),
        put_le(central, static_cast<std::uint64_t>(method), 2);
    put_le(central, 0, 4), put_le(central, 0, 4);
    put_le(central, data.size(), 4), put_le(central, data.size(), 4);
    put_le(central, name.size(), 2), put_le(central, 0, 2), put_le(central, 0, 2);
    put_le(central, 0, 2), put_le(central, 0, 2), put_le(central, 0, 4);
    put_le(central, offset, 4);
    central += name;
  }
  const auto cd_offset = out.size();
  out += central;
  put_le(out, 0x06054b50, 4);
  put_le(out, 0, 2), put_le(out, 0, 2);
  put_le(out, records.size(), 2), put_le(out, records.size(), 2);
  put_le(out, central.size(), 4), put_le(out, cd_offset, 4), put_le(out, 0, 2);
  return out;
}

namespace pk {
std::string proto() { return std::string("\x80\x02", 2); }
std::string str(const std::string& s) {
  std::string out = "X";
  put_le(out, s.size(), 4);
  return out + s;
}
std::string global(const std::string& module, const std::string& name) { return "c" + module + "\n" + name + "\n"; }
std::string int1(int v) { return std::string("K") + static_cast<char>(v); }
std::string long1(std::int64_t v) {
  std::string out("\x8a\x08", 2);
  put_le(out, static_cast<std::uint64_t>(v), 8);
  return out;
}
std::string tensor_v2(const std::string& key, const std::string& storage_class, int numel, int offset,
                      const std::vector<int>& size, const std::vector<int>& stride) {
  std::string p = global("torch._utils", "_rebuild_tensor_v2") + "(";
  p += "(" + str("storage") + global("torch", storage_class) + str(key) + str("cpu") + long1(numel) + "t";
  p += "Q" + long1(offset) + "(";
  for (int s : size) p += long1(s);
  p += "t(";
  for (int s : stride) p += long1(s);
  p += "t\x89" + global("collections", "OrderedDict") + ")Rt" + "R";
  return p;
}
}  // namespace pk

}  // namespace corridorkey::test
