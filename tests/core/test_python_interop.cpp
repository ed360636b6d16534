// Interoperability with Python's `safetensors` package and the venv's PyTorch (from PyPI): files
// we write load there, and files they write (safetensors, and .pth from a newer PyTorch than the
// fixtures') load here, bit for bit.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/inspect.hpp"
#include "corridorkey/model.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;
using ck::test::TempDir;

namespace {

// Runs `script` with the venv's Python: argv[1] is the test's folder, argv[2] (optional) a file
// copied there as tiny.safetensors.
int python(const std::string& script, const TempDir& dir, const fs::path& tiny = {}) {
  ck::test::write_bytes(dir / "script.py", script);
  if (!tiny.empty()) fs::copy_file(tiny, dir / "tiny.safetensors", fs::copy_options::overwrite_existing);
  const std::string cmd =
      "'" + ck::test::python() + "' '" + (dir / "script.py").string() + "' '" + dir.path().string() + "'";
  return std::system(cmd.c_str());
}

#define REQUIRE_PYTHON()                                             \
  if (ck::test::python().empty() || !fs::exists(ck::test::python())) \
  GTEST_SKIP() << "no Python with torch+safetensors configured (scripts/setup.sh installs one)"

TEST(PythonInterop, OurSafetensorsLoadInPythonAndBack) {
  REQUIRE_PYTHON();
  TempDir dir;
  std::map<std::string, at::Tensor> t{{"f32", at::randn({3, 5})},
                                      {"bf16", at::randn({4}).to(at::kBFloat16)},
                                      {"f16", at::randn({2, 2}).to(at::kHalf)},
                                      {"i64", at::arange(7, at::kLong)},
                                      {"u8", at::arange(9, at::kLong).to(at::kByte)},
                                      {"bool", at::tensor({1, 0}).to(at::kBool)}};
  ck::write_safetensors(dir / "ours.safetensors", t, {{"who", "corridorkey"}});
  ASSERT_EQ(python(R"(
import sys, os
from safetensors import safe_open
from safetensors.torch import load_file, save_file
d = sys.argv[1]
with safe_open(os.path.join(d, 'ours.safetensors'), 'pt') as f:
    assert f.metadata() == {'who': 'corridorkey'}, f.metadata()
sd = load_file(os.path.join(d, 'ours.safetensors'))
save_file(sd, os.path.join(d, 'theirs.safetensors'), metadata={'who': 'python'})
)",
                   dir),
            0);
  const auto back = ck::SafetensorsFile::open(dir / "theirs.safetensors");
  EXPECT_EQ(back.metadata().at("who"), "python");
  for (const auto& [name, tensor] : t) EXPECT_TRUE(ck::test::bit_identical(back.tensor(name), tensor)) << name;
}

TEST(PythonInterop, EveryDtypeSafetensorsWritesLoadsAndOnlyModelTensorsMustBeUsable) {
  REQUIRE_PYTHON();
  TempDir dir;
  // The tiny checkpoint with extra tensors in every dtype torch + safetensors 0.8 write, and a
  // second copy whose model tensor is F4.
  ASSERT_EQ(python(R"(
import sys, os, torch
from safetensors.torch import load_file, save_file
d = sys.argv[1]
sd = load_file(os.path.join(sys.argv[1], 'tiny.safetensors'))
extra = {
  'extra.u16': torch.arange(5, dtype=torch.int32).to(torch.uint16),
  'extra.u32': torch.arange(3, dtype=torch.int64).to(torch.uint32),
  'extra.u64': torch.arange(2, dtype=torch.int64).to(torch.uint64),
  'extra.c64': torch.tensor([1+2j, 3-4j], dtype=torch.complex64),
  'extra.f8_e8m0': torch.ones(4).to(torch.float8_e8m0fnu),
  'extra.f8_e4m3fnuz': torch.ones(3).to(torch.float8_e4m3fnuz),
  'extra.f8_e5m2fnuz': torch.ones(3).to(torch.float8_e5m2fnuz),
  'extra.f4': torch.zeros(2, 3, dtype=torch.uint8).view(torch.float4_e2m1fn_x2),
}
save_file({**sd, **extra}, os.path.join(d, 'extras.safetensors'))
bad = dict(sd)
name = 'refiner.stem.0.weight' if 'refiner.stem.0.weight' in sd else sorted(k for k in sd if k.endswith('weight'))[0]
bad[name] = torch.zeros(sd[name].numel() // 2, dtype=torch.uint8).view(torch.float4_e2m1fn_x2)
open(os.path.join(d, 'bad_name.txt'), 'w').write(name)
save_file(bad, os.path.join(d, 'bad.safetensors'))
)",
                   dir, ck::test::fixtures() / "tiny" / "CorridorKey.safetensors"),
            0);
  const ck::StateDict sd = ck::load_state_dict(dir / "extras.safetensors");
  EXPECT_EQ(sd.tensors.at("extra.u16").scalar_type(), at::kUInt16);
  EXPECT_EQ(sd.tensors.at("extra.c64").scalar_type(), at::kComplexFloat);
  EXPECT_EQ(sd.tensors.at("extra.f8_e8m0").scalar_type(), at::kFloat8_e8m0fnu);
  EXPECT_EQ(sd.tensors.at("extra.f8_e4m3fnuz").to(at::kFloat).sum().item<float>(), 3.0f);
  EXPECT_EQ(sd.raw_dtypes.at("extra.f4"), "F4");
  EXPECT_EQ(sd.tensors.at("extra.f4").numel(), 6) << "F4 [2, 6]: 12 nibbles in 6 raw bytes";
  // The network loads from it (the extras are not its tensors).
  EXPECT_NO_THROW(ck::GreenFormer::load(sd, ck::ModelConfig::resolve(sd), {.img_size = 64}));
  const std::string name = ck::test::read_bytes(dir / "bad_name.txt");
  const ck::StateDict bad = ck::load_state_dict(dir / "bad.safetensors");
  const std::string err =
      ck::test::error_of([&] { ck::GreenFormer::load(bad, ck::ModelConfig::resolve(bad), {.img_size = 64}); });
  EXPECT_NE(err.find(name + " (F4)"), std::string::npos) << err;
  EXPECT_NE(err.find("Export them as F32, F16 or BF16"), std::string::npos) << err;
}

TEST(PythonInterop, PthOfEveryDtypeAndProtocol2BuiltinsLoadAsTorchLoadsThem) {
  REQUIRE_PYTHON();
  TempDir dir;
  // torch >= 2.1 writes the types without a typed storage through _rebuild_tensor_v3 and an
  // UntypedStorage; protocol 2 names builtins __builtin__. The same tensors go to a safetensors
  // file (safetensors' own writer) for comparison.
  ASSERT_EQ(python(R"(
import sys, os, torch
from safetensors.torch import save_file
d = sys.argv[1]
t = {
  'u16': torch.arange(5, dtype=torch.int32).to(torch.uint16),
  'u32': torch.arange(3, dtype=torch.int64).to(torch.uint32) * 70000,
  'u64': torch.arange(2, dtype=torch.int64).to(torch.uint64),
  'e4m3fnuz': torch.linspace(-2, 2, 6).to(torch.float8_e4m3fnuz),
  'e5m2fnuz': torch.linspace(-2, 2, 6).to(torch.float8_e5m2fnuz),
  'e8m0': torch.tensor([0.5, 1, 4]).to(torch.float8_e8m0fnu),
  'e4m3': torch.linspace(-1, 1, 4).to(torch.float8_e4m3fn),
  'c64': torch.tensor([1+2j, -3j], dtype=torch.complex64),
  'f4': torch.arange(6, dtype=torch.uint8).view(torch.float4_e2m1fn_x2).reshape(2, 3),
  'f32': torch.randn(2, 3),
  'strided_u16': torch.arange(12, dtype=torch.int32).to(torch.uint16).reshape(3, 4)[:, 1:3],
}
extras = {'set': {1, 2}, 'complex': 1 + 2j, 'bytes': bytearray(b'ab'), 'epoch': 3}
for name, proto in (('v3.pth', 2), ('v3_default.pth', None)):
    kw = {} if proto is None else {'pickle_protocol': proto}
    torch.save({'state_dict': t, 'extras': extras}, os.path.join(d, name), **kw)
    back = torch.load(os.path.join(d, name), weights_only=True)
    assert back['extras']['set'] == {1, 2} and back['extras']['complex'] == 1 + 2j
save_file({k: v.contiguous() for k, v in t.items()}, os.path.join(d, 'same.safetensors'))
)",
                   dir),
            0);
  const auto want = ck::SafetensorsFile::open(dir / "same.safetensors").tensors();
  for (const char* file : {"v3.pth", "v3_default.pth"}) {
    const ck::StateDict sd = ck::load_state_dict(dir / file);
    ASSERT_EQ(sd.tensors.size(), want.size()) << file;
    for (const auto& [name, w] : want) {
      const at::Tensor got = sd.tensors.at(name);
      if (name == "f4") {
        EXPECT_EQ(sd.raw_dtypes.at(name), "torch.float4_e2m1fn_x2");
        EXPECT_TRUE(ck::test::bit_identical(got.contiguous().flatten(), w.flatten())) << file << " " << name;
      } else {
        EXPECT_EQ(got.scalar_type(), w.scalar_type()) << file << " " << name;
        EXPECT_TRUE(ck::test::bit_identical(got.contiguous(), w)) << file << " " << name;
      }
    }
    EXPECT_NE(std::find(sd.report.skipped.begin(), sd.report.skipped.end(), "extras"), sd.report.skipped.end())
        << "non-tensor extras are skipped, not fatal";
  }
}

TEST(PythonInterop, LegacyNonZipPthLoadsAsTorchLoadsIt) {
  REQUIRE_PYTHON();
  TempDir dir;
  fs::copy_file(ck::test::fixtures() / "tiny" / "CorridorKey.pth", dir / "zip.pth");
  ASSERT_EQ(python(R"(
import sys, os, torch
d = sys.argv[1]
sd = torch.load(os.path.join(d, 'zip.pth'), weights_only=True)
sd['state_dict']['extra_view'] = torch.arange(10.0)[2:8:2]      # a view into a larger storage
torch.save(sd, os.path.join(d, 'legacy.pth'), _use_new_zipfile_serialization=False)
back = torch.load(os.path.join(d, 'legacy.pth'), weights_only=True)
assert torch.equal(back['state_dict']['extra_view'], torch.tensor([2.0, 4.0, 6.0]))
with open(os.path.join(d, 'legacy.pth'), 'rb') as f:
    assert f.read(2) == b'\x80\x02'  # a pickle stream, not a zip
)",
                   dir),
            0);
  const ck::StateDict legacy = ck::load_state_dict(dir / "legacy.pth");
  const ck::StateDict zip = ck::load_state_dict(dir / "zip.pth");
  ASSERT_EQ(legacy.tensors.size(), zip.tensors.size() + 1);
  for (const auto& [name, t] : zip.tensors) {
    EXPECT_TRUE(ck::test::bit_identical(legacy.tensors.at(name).contiguous(), t.contiguous())) << name;
  }
  EXPECT_TRUE(ck::test::bit_identical(legacy.tensors.at("extra_view").contiguous(), at::tensor({2.0f, 4.0f, 6.0f})));
  EXPECT_NO_THROW(ck::GreenFormer::load(legacy, ck::ModelConfig::resolve(legacy), {.img_size = 64}));
  // Named as what it is: inspect_checkpoint and the logs tell the two formats apart.
  EXPECT_EQ(legacy.format, ck::CheckpointFormat::LegacyPth);
  EXPECT_EQ(zip.format, ck::CheckpointFormat::Pth);
  EXPECT_EQ(ck::format_name(legacy.format), "pth (torch.save legacy, pre-1.6)");
  EXPECT_EQ(ck::inspect_checkpoint(dir / "legacy.pth").format, "pth (torch.save legacy, pre-1.6)");
  EXPECT_EQ(ck::inspect_checkpoint(dir / "zip.pth").format, "pth (torch.save zip)");
}

// The reference's loader takes checkpoint.get("state_dict", checkpoint): a top-level "state_dict"
// wins even where the top level holds tensors of its own (an EMA copy, a step counter).
TEST(PythonInterop, TopLevelStateDictWinsOverTensorsBesideIt) {
  REQUIRE_PYTHON();
  TempDir dir;
  fs::copy_file(ck::test::fixtures() / "tiny" / "CorridorKey.pth", dir / "zip.pth");
  ASSERT_EQ(python(R"(
import sys, os, torch
d = sys.argv[1]
ck = torch.load(os.path.join(d, 'zip.pth'), weights_only=True)
sd = ck['state_dict']
out = {'state_dict': sd, 'step': torch.tensor(7), 'ema.encoder.model.pos_embed': torch.zeros(3)}
torch.save(out, os.path.join(d, 'beside.pth'))
got = torch.load(os.path.join(d, 'beside.pth'), weights_only=True)
assert got.get('state_dict', got) is not got  # what the reference takes
)",
                   dir),
            0);
  const ck::StateDict beside = ck::load_state_dict(dir / "beside.pth");
  const ck::StateDict plain = ck::load_state_dict(dir / "zip.pth");
  ASSERT_EQ(beside.tensors.size(), plain.tensors.size());
  for (const auto& [name, t] : plain.tensors) {
    ASSERT_TRUE(beside.tensors.count(name)) << name;
    EXPECT_TRUE(ck::test::bit_identical(beside.tensors.at(name).contiguous(), t.contiguous())) << name;
  }
  EXPECT_EQ(beside.tensors.count("step"), 0u);
  EXPECT_NE(beside.report.summary().find("unwrapped 'state_dict'"), std::string::npos) << beside.report.summary();
}

TEST(PythonInterop, FilesWrittenByTheVenvTorchLoad) {
  REQUIRE_PYTHON();
  TempDir dir;
  ASSERT_EQ(python(R"(
import sys, os, collections, torch
from safetensors.torch import save_file
d = sys.argv[1]
torch.manual_seed(0)
base = torch.randn(6, 4)
sd = collections.OrderedDict()
sd['w'] = torch.nn.Parameter(torch.randn(3, 3))
sd['half'] = torch.randn(5).half()
sd['bf16'] = torch.randn(2, 3).bfloat16()
sd['ids'] = torch.arange(4)
sd['view'] = base[1:4, ::2]
sd['t'] = base.t()
sd['scalar'] = torch.tensor(1.5)
bn = torch.nn.BatchNorm2d(3)
for k, v in bn.state_dict().items(): sd['bn.' + k] = v
torch.save({'state_dict': {'_orig_mod.' + k: v for k, v in sd.items()}, 'epoch': 3, 'lr': 1e-4}, os.path.join(d, 'new.pth'))
save_file({k: v.detach().contiguous() for k, v in sd.items()}, os.path.join(d, 'new.safetensors'))
)",
                   dir),
            0);
  const ck::StateDict pth = ck::load_state_dict(dir / "new.pth");
  const ck::StateDict st = ck::load_state_dict(dir / "new.safetensors");
  ASSERT_EQ(pth.tensors.size(), st.tensors.size());
  EXPECT_EQ(pth.report.stripped_orig_mod, pth.tensors.size());
  for (const auto& [name, t] : st.tensors) {
    ASSERT_TRUE(pth.tensors.count(name)) << name;
    EXPECT_TRUE(ck::test::bit_identical(pth.tensors.at(name).contiguous(), t)) << name;
  }
}

TEST(PythonInterop, OurPthLoadsWithTorchWeightsOnly) {
  REQUIRE_PYTHON();
  TempDir dir;
  std::map<std::string, at::Tensor> t{{"a.weight", at::randn({4, 3})}, {"a.ids", at::arange(5, at::kLong)}};
  ck::write_pth(dir / "ours.pth", t);
  ck::write_safetensors(dir / "ours.safetensors", t);
  ASSERT_EQ(python(R"(
import sys, os, torch
from safetensors.torch import load_file
d = sys.argv[1]
a = torch.load(os.path.join(d, 'ours.pth'), weights_only=True)
b = load_file(os.path.join(d, 'ours.safetensors'))
assert list(a.keys()) == sorted(b.keys()), (list(a.keys()), list(b.keys()))
for k in b: assert torch.equal(a[k], b[k]), k
)",
                   dir),
            0);
}

}  // namespace
