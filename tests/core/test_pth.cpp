// Legacy .pth files: the zip container, every variant torch.save writes, normalisation, and the
// refusals (hostile pickles inside a real archive, missing records, legacy format, truncation).
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;
namespace pk = ck::test::pk;
using ck::test::fixtures;
using ck::test::TempDir;

namespace {

std::string error_of(const fs::path& path) {
  return ck::test::error_of([&] { ck::load_state_dict(path); });
}

TEST(Pth, TinyFixtureMatchesSafetensorsBitForBit) {
  const ck::StateDict pth = ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.pth");
  const ck::StateDict st = ck::load_state_dict(fixtures() / "tiny" / "CorridorKey.safetensors");
  EXPECT_EQ(pth.format, ck::CheckpointFormat::Pth);
  ASSERT_EQ(pth.tensors.size(), 151u);
  ASSERT_EQ(st.tensors.size(), 151u);
  for (const auto& [name, t] : st.tensors) {
    ASSERT_TRUE(pth.tensors.count(name)) << name;
    EXPECT_TRUE(ck::test::bit_identical(pth.tensors.at(name), t)) << name;
  }
  EXPECT_EQ(pth.report.unwrapped, std::vector<std::string>{"state_dict"});
  EXPECT_EQ(pth.report.stripped_orig_mod, 151u);
  EXPECT_EQ(pth.tensors.at("alpha_decoder.bn.num_batches_tracked").scalar_type(), at::kLong);
  EXPECT_NE(pth.report.summary().find("skipped 4 non-tensor entries"), std::string::npos) << pth.report.summary();
}

TEST(Pth, EveryVariantLoadsAsPyTorchLoadsIt) {
  const fs::path dir = fixtures() / "pth_variants";
  const auto expected = nlohmann::json::parse(ck::test::read_bytes(dir / "expected.json"));
  const auto tensors = ck::SafetensorsFile::open(dir / "expected.safetensors");
  int checked = 0;
  for (const auto& [file, entries] : expected.items()) {
    const ck::PthFile pth = ck::PthFile::open(dir / file);
    std::map<std::string, const ck::pickle::Value*> leaves;
    for (const auto& [path, value] : pth.flatten()) leaves[path] = value;
    EXPECT_EQ(leaves.size(), entries.size()) << file;
    for (const auto& [path, want] : entries.items()) {
      ASSERT_TRUE(leaves.count(path)) << file << ": " << path;
      const ck::pickle::Value& v = *leaves.at(path);
      if (want.contains("value")) {
        EXPECT_EQ(ck::pickle::repr(v), want["value"].get<std::string>()) << file << ": " << path;
      } else {
        ASSERT_EQ(v.kind, ck::pickle::Kind::Tensor) << file << ": " << path;
        const at::Tensor t = pth.tensor(v);
        EXPECT_EQ(std::string(ck::torch_name(v.dtype)), want["dtype"].get<std::string>()) << path;
        EXPECT_EQ(t.sizes().vec(), want["shape"].get<std::vector<std::int64_t>>()) << path;
        EXPECT_TRUE(ck::test::bit_identical(t.contiguous(), tensors.tensor(file + "/" + path))) << file << ": " << path;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 40);
}

TEST(Pth, ViewsOfOneStorageShareIt) {
  const ck::PthFile pth = ck::PthFile::open(fixtures() / "pth_variants" / "shared_storage.pth");
  std::map<std::string, at::Tensor> t;
  for (const auto& [path, v] : pth.flatten()) t[path] = pth.tensor(*v);
  EXPECT_EQ(t.at("whole").data_ptr(), t.at("transposed").data_ptr());
  EXPECT_TRUE(ck::test::bit_identical(t.at("transposed").contiguous(), t.at("whole").t().contiguous()));
}

std::string archive(const std::string& pickle, std::vector<std::pair<std::string, std::string>> extra = {}) {
  std::vector<std::pair<std::string, std::string>> records{{"archive/data.pkl", pickle},
                                                           {"archive/byteorder", "little"}};
  records.insert(records.end(), extra.begin(), extra.end());
  return ck::test::make_zip(records);
}

TEST(Pth, ReadsAnyTopLevelFolderName) {
  TempDir dir;
  const std::string pickle =
      pk::proto() + "}(" + pk::str("w") + pk::tensor_v2("0", "FloatStorage", 2, 0, {2}, {1}) + "u.";
  const std::string data("\x00\x00\x80\x3f\x00\x00\x00\x40", 8);  // 1.0f, 2.0f
  ck::test::write_bytes(dir / "m.pth",
                        ck::test::make_zip({{"CorridorKey/data.pkl", pickle}, {"CorridorKey/data/0", data}}));
  const auto sd = ck::load_state_dict(dir / "m.pth");
  EXPECT_TRUE(ck::test::bit_identical(sd.tensors.at("w"), at::tensor({1.0f, 2.0f})));
}

struct Refusal {
  const char* name;
  std::string file;
  const char* message;
};

class PthRefusal : public ::testing::TestWithParam<Refusal> {};

TEST_P(PthRefusal, NamesTheProblem) {
  TempDir dir;
  ck::test::write_bytes(dir / "bad.pth", GetParam().file);
  const std::string err = error_of(dir / "bad.pth");
  EXPECT_NE(err.find(GetParam().message), std::string::npos) << "error was: " << err;
  EXPECT_NE(err.find("bad.pth"), std::string::npos) << err;
}

std::string truncated_fixture() {
  const std::string bytes = ck::test::read_bytes(fixtures() / "tiny" / "CorridorKey.pth");
  return bytes.substr(0, bytes.size() / 2);
}

// A legacy (non-zip) torch.save stream: the magic number pickle, then `rest`.
std::string legacy(const std::string& rest) {
  return std::string("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15) + rest;
}
// The protocol-version and system-info pickles, then the opening of the object pickle.
std::string legacy_head() { return pk::proto() + "M\xe9\x03." + pk::proto() + "}." + pk::proto(); }

INSTANTIATE_TEST_SUITE_P(
    Refusals, PthRefusal,
    ::testing::Values(
        Refusal{"os_system", archive(pk::proto() + pk::global("os", "system") + pk::str("id") + "\x85R."),
                "may be malicious"},
        Refusal{"eval_reduce", archive(pk::proto() + pk::global("builtins", "eval") + pk::str("1") + "\x85R."),
                "GLOBAL builtins.eval"},
        Refusal{"missing_storage",
                archive(pk::proto() + "}(" + pk::str("w") + pk::tensor_v2("7", "FloatStorage", 2, 0, {2}, {1}) + "u."),
                "record 'archive/data/7' is missing"},
        Refusal{"short_storage",
                archive(pk::proto() + "}(" + pk::str("w") + pk::tensor_v2("0", "FloatStorage", 4, 0, {2}, {1}) + "u.",
                        {{"archive/data/0", "12345678"}}),
                "holds 8 bytes"},
        Refusal{"no_data_pkl", ck::test::make_zip({{"archive/other", "x"}}), "without <folder>/data.pkl"},
        Refusal{"compressed", ck::test::make_zip({{"archive/data.pkl", "x"}}, 8), "compressed"},
        Refusal{"legacy_truncated", legacy(""), "ends unexpectedly"},
        Refusal{"legacy_hostile_object", legacy(legacy_head() + pk::global("os", "system") + pk::str("id") + "\x85R."),
                "GLOBAL os.system is not an allowed global"},
        Refusal{"legacy_wrong_version", legacy(pk::proto() + pk::int1(7) + "."), "protocol version"},
        Refusal{"legacy_short_storage",
                legacy(legacy_head() + "}(" + pk::str("w") + pk::tensor_v2("0", "FloatStorage", 4, 0, {4}, {1}) + "u." +
                       pk::proto() + "]" + pk::str("0") + "a." + std::string("\x04\0\0\0\0\0\0\0", 8) + "12345678"),
                "runs past the end"},
        Refusal{"legacy_count_mismatch",
                legacy(legacy_head() + "}(" + pk::str("w") + pk::tensor_v2("0", "FloatStorage", 2, 0, {2}, {1}) + "u." +
                       pk::proto() + "]" + pk::str("0") + "a." + std::string("\x03\0\0\0\0\0\0\0", 8) +
                       std::string(12, 'x')),
                "holds 3 elements but the object says 2"},
        Refusal{"truncated_zip", truncated_fixture(), "end-of-central-directory"},
        Refusal{"not_a_state_dict", archive(pk::proto() + pk::int1(3) + "."), "rather than a state dict"},
        Refusal{"garbage", std::string("PK\x03\x04garbage", 11), "too small"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Pth, WriterRoundTripsEveryStorageClassAndRefusesTheRest) {
  TempDir dir;
  std::map<std::string, at::Tensor> all;
  for (const auto type : {at::kDouble, at::kFloat, at::kHalf, at::kBFloat16, at::kLong, at::kInt, at::kShort, at::kChar,
                          at::kByte, at::kBool}) {
    all[c10::toString(type)] = (at::arange(6, at::kDouble) - 2).to(type).reshape({2, 3});
  }
  ck::write_pth(dir / "all.pth", all);
  const ck::StateDict sd = ck::load_state_dict(dir / "all.pth");
  for (const auto& [name, t] : all) EXPECT_TRUE(ck::test::bit_identical(sd.tensors.at(name), t)) << name;
  const std::string why = ck::test::error_of([&] {
    ck::write_pth(dir / "f8.pth", {{"x", at::zeros({2}).to(at::kFloat8_e4m3fn)}});
  });
  EXPECT_NE(why.find("to a .pth"), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(dir / "f8.pth"));
}

TEST(Pth, RefusesBigEndianArchives) {
  TempDir dir;
  ck::test::write_bytes(dir / "be.pth",
                        ck::test::make_zip({{"archive/data.pkl", pk::proto() + "}."}, {"archive/byteorder", "big"}}));
  const std::string err = error_of(dir / "be.pth");
  EXPECT_NE(err.find("big-endian"), std::string::npos) << err;
}

}  // namespace
