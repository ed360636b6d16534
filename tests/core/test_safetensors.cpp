// safetensors: strict header validation (a negative test per rule), zero-copy lazy reading,
// the atomic writer and sharding.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <tuple>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;
using ck::test::TempDir;

namespace {

std::string file_with(const std::string& header, const std::string& data = "") {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xFF));
  return out + header + data;
}

// Parses `bytes` as a safetensors file and returns the error message ("" when it is accepted).
std::string error_of(const std::string& bytes) {
  try {
    ck::parse_safetensors_header(std::as_bytes(std::span(bytes.data(), bytes.size())), "test.safetensors");
  } catch (const ck::CheckpointError& e) {
    return e.what();
  }
  return "";
}

TEST(SafetensorsHeader, AcceptsAWellFormedFile) {
  const std::string ok = file_with(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"k":"v"}})",
                                   std::string(8, '\0'));
  EXPECT_EQ(error_of(ok), "");
}

struct Rule {
  const char* name;
  std::string bytes;
  const char* message;
};

class SafetensorsRule : public ::testing::TestWithParam<Rule> {};

TEST_P(SafetensorsRule, IsRefusedWithItsOwnMessage) {
  const std::string err = error_of(GetParam().bytes);
  EXPECT_NE(err.find(GetParam().message), std::string::npos) << "error was: " << err;
  EXPECT_NE(err.find("test.safetensors"), std::string::npos) << "error must name the file: " << err;
}

const std::string kF32x2 = R"("dtype":"F32","shape":[2])";
std::string huge_length() {
  std::string s(8, '\0');
  s[4] = 1;  // 2^32 bytes
  return s + "{}";
}

INSTANTIATE_TEST_SUITE_P(
    EveryRule, SafetensorsRule,
    ::testing::Values(
        Rule{"too_small", "abc", "too small"},
        Rule{"header_over_cap", huge_length(), "exceeds the 100000000-byte limit"},
        Rule{"header_past_end", std::string("\x40\0\0\0\0\0\0\0{}", 10), "runs past the end"},
        Rule{"not_json_object_start", file_with("[1,2]"), "does not start with '{'"},
        Rule{"invalid_utf8", file_with("{\"\xff\":1}"), "not valid UTF-8"},
        Rule{"invalid_json", file_with("{\"a\":"), "not valid JSON"},
        Rule{"entry_not_object", file_with(R"({"a":1})"), "must be a JSON object"},
        Rule{"missing_dtype", file_with(R"({"a":{"shape":[],"data_offsets":[0,0]}})"), "has no \"dtype\""},
        Rule{"missing_shape", file_with(R"({"a":{"dtype":"F32","data_offsets":[0,0]}})"), "has no \"shape\""},
        Rule{"missing_offsets", file_with(R"({"a":{"dtype":"F32","shape":[]}})"), "has no \"data_offsets\""},
        Rule{"unknown_dtype",
             file_with(R"({"a":{"dtype":"F128","shape":[],"data_offsets":[0,16]}})", std::string(16, 'x')),
             "unknown dtype \"F128\""},
        Rule{"negative_dim", file_with(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", "xxxx"),
             "non-negative integer"},
        Rule{"bad_offsets_arity", file_with(R"({"a":{"dtype":"F32","shape":[],"data_offsets":[0]}})"),
             "must be [begin, end]"},
        Rule{"gap", file_with("{\"a\":{" + kF32x2 + R"(,"data_offsets":[4,12]}})", std::string(12, 'x')),
             "leaving a gap"},
        Rule{"overlap",
             file_with("{\"a\":{" + kF32x2 + R"(,"data_offsets":[0,8]},"b":{)" + kF32x2 + R"(,"data_offsets":[4,12]}})",
                       std::string(12, 'x')),
             "overlap"},
        Rule{
            "end_before_begin",
            file_with(
                R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"c":{"dtype":"U8","shape":[1],"data_offsets":[4,2]}})",
                "xxxx"),
            "ends before it starts"},
        Rule{"size_mismatch", file_with("{\"a\":{" + kF32x2 + R"(,"data_offsets":[0,4]}})", "xxxx"), "need 8"},
        Rule{"truncated_data", file_with("{\"a\":{" + kF32x2 + R"(,"data_offsets":[0,8]}})", "xxxx"), "truncated"},
        Rule{"trailing_bytes", file_with("{\"a\":{" + kF32x2 + R"(,"data_offsets":[0,8]}})", std::string(12, 'x')),
             "trailing bytes"},
        Rule{"duplicate_name",
             file_with("{\"a\":{" + kF32x2 + R"(,"data_offsets":[0,8]},"a":{)" + kF32x2 + R"(,"data_offsets":[8,16]}})",
                       std::string(16, 'x')),
             "appears twice"},
        Rule{"shape_overflow",
             file_with(R"({"a":{"dtype":"F64","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})",
                       std::string(8, 'x')),
             "overflows"},
        Rule{"metadata_not_string", file_with(R"({"__metadata__":{"k":1}})"), "must be a string"},
        Rule{"metadata_not_object", file_with(R"({"__metadata__":[1]})"), "must be an object"},
        Rule{"sub_byte_not_whole_bytes", file_with(R"({"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}})", "xx"),
             "do not end on a byte boundary"},
        Rule{"f6_size", file_with(R"({"a":{"dtype":"F6_E2M3","shape":[4],"data_offsets":[0,4]}})", "xxxx"), "need 3"},
        Rule{"only_whitespace", file_with("        "), "does not start with '{'"},
        Rule{"deep_nesting", file_with("{\"a\":" + std::string(5000, '[') + std::string(5000, ']') + "}"),
             "nests deeper"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(SafetensorsHeader, RecognisesFloat8Types) {
  const std::string bytes = file_with(
      R"({"a":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"F8_E5M2","shape":[1],"data_offsets":[2,3]}})",
      "xyz");
  const auto h = ck::parse_safetensors_header(std::as_bytes(std::span(bytes.data(), bytes.size())), "f8");
  ASSERT_EQ(h.entries.size(), 2u);
  EXPECT_EQ(h.entries[0].dtype, ck::DType::F8_E4M3);
  EXPECT_EQ(h.entries[1].dtype, ck::DType::F8_E5M2);
}

TEST(SafetensorsHeader, AcceptsEveryDtypeOfSafetensors08WithItsSizeRule) {
  // (dtype, elements, bytes): numel * bits / 8.
  const std::vector<std::tuple<const char*, int, int>> all{
      {"U16", 3, 6},         {"U32", 2, 8},         {"U64", 1, 8}, {"C64", 2, 16},    {"F8_E8M0", 5, 5},
      {"F8_E4M3FNUZ", 3, 3}, {"F8_E5M2FNUZ", 2, 2}, {"F4", 6, 3},  {"F6_E2M3", 4, 3}, {"F6_E3M2", 8, 6}};
  std::string header = "{", data;
  std::size_t offset = 0;
  for (const auto& [dtype, n, bytes] : all) {
    header += (offset ? "," : "") + std::string("\"") + dtype + "\":{\"dtype\":\"" + dtype + "\",\"shape\":[" +
              std::to_string(n) + "],\"data_offsets\":[" + std::to_string(offset) + "," +
              std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  header += "}";
  const std::string bytes = file_with(header, std::string(offset, 'x'));
  const auto h = ck::parse_safetensors_header(std::as_bytes(std::span(bytes.data(), bytes.size())), "all");
  ASSERT_EQ(h.entries.size(), all.size());
  for (const auto& e : h.entries) EXPECT_EQ(std::string(ck::safetensors_name(e.dtype)), e.name);
  EXPECT_EQ(ck::bitsize(ck::DType::F4), 4u);
  EXPECT_EQ(ck::bitsize(ck::DType::F6_E3M2), 6u);
  EXPECT_TRUE(ck::is_sub_byte(ck::DType::F6_E2M3));
  EXPECT_FALSE(ck::is_sub_byte(ck::DType::F8_E8M0));
}

TEST(SafetensorsHeader, PaddingBeforeTheHeaderAndNullMetadataAreValid) {
  const std::string padded = file_with(
      "    \n  {\"a\":{" + kF32x2 + R"(,"data_offsets":[0,8]},"__metadata__":null}    )", std::string(8, 'x'));
  EXPECT_EQ(error_of(padded), "");
  const auto h = ck::parse_safetensors_header(std::as_bytes(std::span(padded.data(), padded.size())), "padded");
  EXPECT_TRUE(h.metadata.empty());
  ASSERT_EQ(h.entries.size(), 1u);
}

TEST(SafetensorsWriter, OrdersTensorsAsSafetensorsDoesSoEveryOneIsAligned) {
  TempDir dir;
  std::map<std::string, at::Tensor> t{{"a_u8", at::zeros({3}, at::kByte)},
                                      {"b_f64", at::zeros({2}, at::kDouble)},
                                      {"c_f16", at::zeros({3}, at::kHalf)},
                                      {"d_f32", at::zeros({1}, at::kFloat)},
                                      {"e_f64", at::zeros({1}, at::kDouble)}};
  ck::write_safetensors(dir / "mixed.safetensors", t);
  const auto f = ck::SafetensorsFile::open(dir / "mixed.safetensors");
  std::vector<std::pair<std::uint64_t, std::string>> by_offset;
  for (const auto& e : f.header().entries) {
    by_offset.emplace_back(e.begin, e.name);
    EXPECT_EQ((f.header().data_start + e.begin) % ck::itemsize(e.dtype), 0u) << e.name << " is aligned";
  }
  std::sort(by_offset.begin(), by_offset.end());
  std::vector<std::string> order;
  for (const auto& [o, n] : by_offset) order.push_back(n);
  EXPECT_EQ(order, (std::vector<std::string>{"b_f64", "e_f64", "d_f32", "c_f16", "a_u8"}));
}

TEST(SafetensorsFile, ReadsTheFixtureLazilyAndWithoutCopies) {
  const auto file = ck::SafetensorsFile::open(ck::test::fixtures() / "tiny" / "CorridorKey.safetensors");
  EXPECT_EQ(file.header().entries.size(), 151u);
  EXPECT_EQ(file.metadata().at("format"), "pt");
  const at::Tensor a = file.tensor("encoder.model.pos_embed");
  const at::Tensor b = file.tensor("encoder.model.pos_embed");
  EXPECT_EQ(a.sizes(), at::IntArrayRef({1, 4096, 16}));
  EXPECT_EQ(a.data_ptr(), b.data_ptr()) << "both views must point into the same mapping (zero-copy)";
  EXPECT_THROW(file.tensor("nope"), ck::CheckpointError);
}

TEST(SafetensorsFile, TensorsOutliveTheFileObject) {
  at::Tensor t;
  double sum = 0;
  {
    const auto file = ck::SafetensorsFile::open(ck::test::fixtures() / "tiny" / "CorridorKey.safetensors");
    t = file.tensor("refiner.final.weight");
    sum = t.sum().item<double>();
  }
  EXPECT_EQ(t.sum().item<double>(), sum);
}

std::map<std::string, at::Tensor> all_dtypes() {
  std::map<std::string, at::Tensor> t;
  t["f64"] = at::arange(5, at::kDouble) / 3;
  t["f32"] = at::randn({3, 4});
  t["f16"] = at::randn({7}).to(at::kHalf);
  t["bf16"] = at::randn({2, 2}).to(at::kBFloat16);
  t["i64"] = at::arange(-3, 3, at::kLong);
  t["i32"] = at::arange(4, at::kInt);
  t["i16"] = at::arange(4, at::kShort);
  t["i8"] = at::arange(-2, 2, at::kChar);
  t["u8"] = at::arange(250, 256, at::kLong).to(at::kByte);
  t["bool"] = at::tensor({1, 0, 1}).to(at::kBool);
  t["scalar"] = at::scalar_tensor(2.5);
  t["empty"] = at::empty({0, 5});
  t["noncontig"] = at::randn({4, 6}).t();
  return t;
}

TEST(SafetensorsWriter, RoundTripsEveryDtypeBitForBit) {
  TempDir dir;
  const auto tensors = all_dtypes();
  ck::write_safetensors(dir / "all.safetensors", tensors, {{"source", "test"}});
  const auto file = ck::SafetensorsFile::open(dir / "all.safetensors");
  EXPECT_EQ(file.metadata().at("source"), "test");
  for (const auto& [name, t] : tensors) EXPECT_TRUE(ck::test::bit_identical(file.tensor(name), t)) << name;
  // Names sorted and header padded to 8 bytes.
  const std::string bytes = ck::test::read_bytes(dir / "all.safetensors");
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  EXPECT_EQ(n % 8, 0u);
  EXPECT_EQ(file.header().data_start % 8, 0u);
  EXPECT_LT(bytes.find("\"bf16\""), bytes.find("\"bool\""));
}

TEST(SafetensorsWriter, LeavesNothingBehindWhenItCannotWrite) {
  TempDir dir;
  EXPECT_THROW(ck::write_safetensors(dir / "missing" / "x.safetensors", all_dtypes()), ck::IoError);
  ck::write_safetensors(dir / "x.safetensors", {{"a", at::ones({2})}});
  EXPECT_THROW(ck::write_safetensors(dir / "x.safetensors", {{"__metadata__", at::ones({1})}}), ck::CheckpointError);
  EXPECT_TRUE(ck::test::bit_identical(ck::SafetensorsFile::open(dir / "x.safetensors").tensor("a"), at::ones({2})))
      << "the old file must survive a failed overwrite";
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u) << "no temporary file may remain";
}

TEST(SafetensorsSharding, WritesAndReadsAnIndex) {
  TempDir dir;
  std::map<std::string, at::Tensor> tensors;
  for (int i = 0; i < 10; ++i) tensors["layer." + std::to_string(i)] = at::full({64}, static_cast<double>(i));
  const fs::path index = ck::write_sharded_safetensors(dir.path(), tensors, ck::parse_byte_size("600B"));
  EXPECT_EQ(index.filename(), "model.safetensors.index.json");
  const auto j = nlohmann::json::parse(ck::test::read_bytes(index));
  EXPECT_EQ(j["metadata"]["total_size"].get<std::uint64_t>(), 10u * 256u);
  EXPECT_EQ(j["weight_map"]["layer.0"], "model-00001-of-00005.safetensors");
  EXPECT_TRUE(fs::exists(dir / "model-00005-of-00005.safetensors"));
  for (const fs::path& source : {index, dir.path()}) {
    const ck::StateDict sd = ck::load_state_dict(source);
    EXPECT_EQ(sd.format, ck::CheckpointFormat::ShardedSafetensors);
    ASSERT_EQ(sd.tensors.size(), 10u);
    for (const auto& [name, t] : tensors) EXPECT_TRUE(ck::test::bit_identical(sd.tensors.at(name), t)) << name;
  }
  fs::remove(dir / "model-00003-of-00005.safetensors");
  EXPECT_THROW(ck::load_state_dict(index), ck::CheckpointError);
}

TEST(SafetensorsSharding, ParsesShardSizes) {
  EXPECT_EQ(ck::parse_byte_size("2GB"), 2'000'000'000u);
  EXPECT_EQ(ck::parse_byte_size("500MB"), 500'000'000u);
  EXPECT_EQ(ck::parse_byte_size("1GiB"), 1u << 30);
  EXPECT_EQ(ck::parse_byte_size("12345"), 12345u);
  EXPECT_THROW(ck::parse_byte_size("lots"), ck::UsageError);
  EXPECT_THROW(ck::parse_byte_size("0"), ck::UsageError);
}

TEST(SafetensorsLoad, NormalisesPrefixes) {
  TempDir dir;
  ck::write_safetensors(dir / "p.safetensors", {{"_orig_mod.module.a", at::ones({1})}, {"b", at::zeros({1})}});
  const auto sd = ck::load_state_dict(dir / "p.safetensors");
  EXPECT_EQ(sd.tensors.count("a"), 1u);
  EXPECT_EQ(sd.report.stripped_orig_mod, 1u);
  EXPECT_EQ(sd.report.stripped_module, 1u);
  ck::write_safetensors(dir / "dup.safetensors", {{"module.a", at::ones({1})}, {"a", at::zeros({1})}});
  EXPECT_THROW(ck::load_state_dict(dir / "dup.safetensors"), ck::CheckpointError);
}

}  // namespace
