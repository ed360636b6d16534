// The weights-only unpickler: what torch.save emits works, everything else is refused with an
// error that names what was found and says the file may be malicious.
#include <gtest/gtest.h>

#include "corridorkey/errors.hpp"
#include "corridorkey/pickle.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace pk = ck::test::pk;

namespace {

ck::pickle::Object load(const std::string& bytes) {
  return ck::pickle::unpickle(std::as_bytes(std::span(bytes.data(), bytes.size())), "test.pkl");
}

std::string error_of(const std::string& bytes) {
  try {
    const auto obj = load(bytes);
    ck::pickle::repr(*obj.root);
  } catch (const ck::CheckpointError& e) {
    return e.what();
  }
  return "";
}

TEST(Unpickler, ReadsScalarsAndContainers) {
  // {'a': 1, 'b': [True, None, 2.5], 'c': (-7, 1099511627776, 'x')} as protocol 2 would write it.
  const std::string p = pk::proto() + "}q\x01(" + pk::str("a") + pk::int1(1) + pk::str("b") + "]q\x02(\x88N" +
                        std::string("G\x40\x04\x00\x00\x00\x00\x00\x00", 9) + "e" + pk::str("c") +
                        std::string("J\xf9\xff\xff\xff", 5) + pk::long1(1099511627776) + pk::str("x") + "\x87u.";
  const auto obj = load(p);
  EXPECT_EQ(ck::pickle::repr(*obj.root), "{'a': 1, 'b': [True, None, 2.5], 'c': (-7, 1099511627776, 'x')}");
}

TEST(Unpickler, MemoSharesObjects) {
  // l = []; (l, l) with 9 appended through the memo: both tuple items are the same list.
  const std::string q = pk::proto() + "]q\x01h\x01" + pk::int1(9) + "a" + "\x86.";
  const auto obj = load(q);
  EXPECT_EQ(ck::pickle::repr(*obj.root), "([9], [9])");
  EXPECT_EQ(obj.root->items[0], obj.root->items[1]);
}

TEST(Unpickler, RefusesCyclicObjects) {
  // l = []; l.append(l)
  const std::string p = pk::proto() +
                        "]q\x01h\x01"
                        "a.";
  EXPECT_NE(error_of(p).find("cyclic"), std::string::npos) << error_of(p);
}

TEST(Unpickler, WideIntegersAndFloatsPrintLikePython) {
  // LONG1 of 9 bytes: 2**70.
  const std::string big = pk::proto() + std::string("\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x40.", 12);
  EXPECT_EQ(ck::pickle::repr(*load(big).root), "1180591620717411303424");
  const std::string neg = pk::proto() + std::string("\x8a\x01\xff.", 4);
  EXPECT_EQ(ck::pickle::repr(*load(neg).root), "-1");
  auto flt = [](const char* be) { return pk::proto() + "G" + std::string(be, 8) + "."; };
  EXPECT_EQ(ck::pickle::repr(*load(flt("\x3f\x1a\x36\xe2\xeb\x1c\x43\x2d")).root), "0.0001");
  EXPECT_EQ(ck::pickle::repr(*load(flt("\x3e\xe4\xf8\xb5\x88\xe3\x68\xf1")).root), "1e-05");
  EXPECT_EQ(ck::pickle::repr(*load(flt("\x3f\xec\xcc\xcc\xcc\xcc\xcc\xcd")).root), "0.9");
  EXPECT_EQ(ck::pickle::repr(*load(flt("\x43\x41\xc3\x79\x37\xe0\x80\x00")).root), "1e+16");
  EXPECT_EQ(ck::pickle::repr(*load(flt("\x40\x5e\xc0\x00\x00\x00\x00\x00")).root), "123.0");
}

TEST(Unpickler, BuildsTensorViewsFromStorages) {
  const std::string p = pk::proto() + pk::tensor_v2("0", "FloatStorage", 12, 2, {2, 3}, {3, 1}) + ".";
  const auto obj = load(p);
  ASSERT_EQ(obj.root->kind, ck::pickle::Kind::Tensor);
  EXPECT_EQ(obj.root->sizes, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(obj.root->storage_offset, 2);
  EXPECT_EQ(obj.root->storage->text, "0");
  EXPECT_EQ(obj.root->dtype, ck::DType::F32);
}

struct Hostile {
  const char* name;
  std::string bytes;
  const char* message;
};

class HostilePickle : public ::testing::TestWithParam<Hostile> {};

TEST_P(HostilePickle, IsRefused) {
  const std::string err = error_of(GetParam().bytes);
  EXPECT_NE(err.find(GetParam().message), std::string::npos) << "error was: " << err;
  EXPECT_NE(err.find("test.pkl"), std::string::npos) << err;
}

std::string nested_lists(int depth) {
  std::string p = pk::proto();
  for (int i = 0; i < depth; ++i) p += "]";
  for (int i = 1; i < depth; ++i) p += "a";
  return p + ".";
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, HostilePickle,
    ::testing::Values(
        Hostile{"os_system", pk::proto() + pk::global("os", "system") + pk::str("echo pwned") + "\x85R.",
                "GLOBAL os.system is not an allowed global"},
        Hostile{"builtins_eval", pk::proto() + pk::global("builtins", "eval") + pk::str("1+1") + "\x85R.",
                "GLOBAL builtins.eval"},
        Hostile{"python2_builtin_eval", pk::proto() + pk::global("__builtin__", "eval") + pk::str("1+1") + "\x85R.",
                "GLOBAL __builtin__.eval is not an allowed global"},
        Hostile{"v3_of_a_non_dtype",
                pk::proto() + pk::global("torch._utils", "_rebuild_tensor_v3") + "(" + pk::int1(0) + pk::int1(0) +
                    pk::int1(0) + pk::int1(0) + pk::int1(0) + pk::int1(0) + pk::global("torch", "FloatStorage") + "tR.",
                "_rebuild_tensor_v3 of something that is not a storage"},
        Hostile{"untyped_view_outside",
                pk::proto() + pk::global("torch._utils", "_rebuild_tensor_v3") + "((" + pk::str("storage") +
                    pk::global("torch.storage", "UntypedStorage") + pk::str("0") + pk::str("cpu") + pk::int1(6) + "tQ" +
                    pk::int1(0) + "(" + pk::int1(4) + "t(" + pk::int1(1) + "t" + "\x89" + "}" +
                    pk::global("torch", "uint16") + "tR.",
                "reaches outside its storage '0' of 3 elements"},
        Hostile{"posix_system_stack_global", pk::proto() + pk::str("posix") + pk::str("system") + "\x93.",
                "GLOBAL posix.system"},
        Hostile{"reduce_of_non_callable", pk::proto() + pk::global("torch", "FloatStorage") + ")R.",
                "REDUCE of torch.FloatStorage"},
        Hostile{"reduce_of_plain_value", pk::proto() + pk::int1(1) + ")R.", "not callable"},
        Hostile{"inst", pk::proto() + "(" + pk::str("ls") + "ios\nsystem\n.", "INST opcode"},
        Hostile{"obj", pk::proto() + "(" + pk::global("collections", "OrderedDict") + "o.", "OBJ opcode"},
        Hostile{"newobj_ex", pk::proto() + std::string("\x92.", 2), "NEWOBJ_EX"},
        Hostile{"unknown_opcode", pk::proto() + std::string("\xff.", 2), "unknown or unsupported opcode 0xff"},
        Hostile{"future_protocol", std::string("\x80\x09.", 3), "protocol 9"},
        Hostile{"stack_underflow", pk::proto() + "a.", "APPEND on an empty stack"},
        Hostile{"stop_on_empty", pk::proto() + ".", "STOP on an empty stack"},
        Hostile{"memo_out_of_range", pk::proto() + "h\x05.", "memo index 5 was never stored"},
        Hostile{"mark_missing", pk::proto() + "t.", "TUPLE without a MARK"},
        Hostile{"too_many_marks", pk::proto() + std::string(20000, '('), "nested MARKs"},
        Hostile{"deep_nesting", nested_lists(5000), "nests deeper than"},
        Hostile{"truncated_string",
                pk::proto() + std::string("X\x10\x00\x00\x00"
                                          "ab",
                                          7),
                "ends unexpectedly"},
        Hostile{"no_stop", pk::proto() + pk::int1(1), "ends unexpectedly"},
        Hostile{"view_outside_storage", pk::proto() + pk::tensor_v2("0", "FloatStorage", 4, 2, {2, 3}, {3, 1}) + ".",
                "outside its storage"},
        Hostile{"view_stride_overflow", pk::proto() + pk::tensor_v2("0", "FloatStorage", 4, 0, {3}, {0x7fffffff}) + ".",
                "outside its storage"},
        Hostile{"storage_unknown_class",
                pk::proto() + "(" + pk::str("storage") + pk::global("torch", "EvilStorage") + ".",
                "GLOBAL torch.EvilStorage"},
        Hostile{"persid_not_storage", pk::proto() + "(" + pk::str("module") + pk::str("x") + "tQ.", "persistent id"},
        Hostile{"build_on_list", pk::proto() + "]}b.", "BUILD on a value"},
        Hostile{"setitem_on_list", pk::proto() + "]" + pk::int1(1) + pk::int1(2) + "s.", "SETITEM on a non-dict"},
        Hostile{"codecs_other_encoding",
                pk::proto() + pk::global("_codecs", "encode") + "(" + pk::str("x") + pk::str("rot13") + "tR.",
                "_codecs.encode"},
        Hostile{"ext_registry", pk::proto() + std::string("\x82\x01.", 3), "EXT opcodes"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
