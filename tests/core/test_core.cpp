// Core conventions: log levels, atomic files, tree removal, version text, file hashing.
#include <gtest/gtest.h>

#include <filesystem>

#include "corridorkey/atomic_file.hpp"
#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/remove_tree.hpp"
#include "corridorkey/version.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;

namespace {

TEST(Logging, ParsesLevels) {
  EXPECT_EQ(ck::parse_log_level("debug"), ck::LogLevel::debug);
  EXPECT_EQ(ck::parse_log_level("WARNING"), ck::LogLevel::warn);
  EXPECT_EQ(ck::parse_log_level("off"), ck::LogLevel::off);
  try {
    ck::parse_log_level("loud");
    FAIL() << "must throw";
  } catch (const ck::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("trace, debug, info, warn, error, off"), std::string::npos);
  }
  ck::set_log_level(ck::LogLevel::warn);
  EXPECT_FALSE(ck::log_enabled(ck::LogLevel::info));
  EXPECT_TRUE(ck::log_enabled(ck::LogLevel::error));
  ck::set_log_level(ck::LogLevel::info);
}

TEST(AtomicFile, CommitReplacesAndAbortLeavesNothing) {
  ck::test::TempDir dir;
  ck::test::write_bytes(dir / "f.txt", "old");
  {
    ck::AtomicFile f(dir / "f.txt");
    f.write("new", 3);
    EXPECT_EQ(ck::test::read_bytes(dir / "f.txt"), "old") << "readers see the old file until commit";
  }  // not committed
  EXPECT_EQ(ck::test::read_bytes(dir / "f.txt"), "old");
  {
    ck::AtomicFile f(dir / "f.txt");
    f.write("new", 3);
    f.commit();
  }
  EXPECT_EQ(ck::test::read_bytes(dir / "f.txt"), "new");
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++n;
  EXPECT_EQ(n, 1u);
  EXPECT_THROW(ck::AtomicFile(dir / "no" / "such" / "dir.txt"), ck::IoError);
}

TEST(Version, ReportsEngineTorchAndCuda) {
  const auto v = ck::version_info();
  EXPECT_EQ(v.engine, "0.1.0");
  EXPECT_EQ(v.libtorch.rfind("2.", 0), 0u) << v.libtorch;
  const std::string text = ck::version_text();
  EXPECT_NE(text.find("LibTorch: " + v.libtorch), std::string::npos);
  EXPECT_NE(text.find(std::string("CUDA build: ") + (v.cuda_build ? "on" : "off")), std::string::npos);
  if (v.cuda_devices == 0) {
    EXPECT_NE(text.find("CUDA device: none"), std::string::npos) << text;
  }
}

TEST(Version, NamesTheLibTorchPrefixAndLoadsItsLibraries) {
  const auto v = ck::version_info();
  ASSERT_FALSE(v.libtorch_prefix.empty());
  EXPECT_TRUE(fs::exists(fs::path(v.libtorch_prefix) / "lib" / "libtorch_cpu.so")) << v.libtorch_prefix;
  // The library this process runs is the one of the prefix it was built against, not another
  // LibTorch that the system's folders may hold.
  ASSERT_FALSE(v.libtorch_loaded.empty());
  EXPECT_EQ(fs::canonical(v.libtorch_loaded), fs::canonical(fs::path(v.libtorch_prefix) / "lib" / "libtorch_cpu.so"));
  const std::string text = ck::version_text();
  EXPECT_NE(text.find("(built against " + v.libtorch_prefix + ")"), std::string::npos) << text;
  EXPECT_NE(text.find("LibTorch loaded: " + v.libtorch_loaded), std::string::npos) << text;
}

TEST(RemoveTree, RemovesANestedTreeWithoutFollowingLinks) {
  ck::test::TempDir dir;
  const fs::path keep = dir / "outside.txt", tree = dir / "tree";
  ck::test::write_bytes(keep, "kept");
  fs::create_directories(tree / "a" / "b");
  ck::test::write_bytes(tree / "a" / "b" / "f.bin", "x");
  ck::test::write_bytes(tree / "top.bin", "y");
  fs::create_symlink(keep, tree / "a" / "link_to_file");
  fs::create_directory_symlink(dir.path(), tree / "link_to_parent");
  std::error_code ec;
  EXPECT_TRUE(ck::remove_tree(tree, ec)) << ec.message();
  EXPECT_FALSE(fs::exists(fs::symlink_status(tree)));
  EXPECT_EQ(ck::test::read_bytes(keep), "kept") << "a link's target is not removed";
  // A single file; a path that is not there is no error.
  EXPECT_TRUE(ck::remove_tree(keep, ec)) << ec.message();
  EXPECT_FALSE(fs::exists(keep));
  EXPECT_TRUE(ck::remove_tree(dir / "missing", ec));
  EXPECT_FALSE(ec);
  // A path through a file is an error, reported and not thrown.
  ck::test::write_bytes(dir / "file", "z");
  EXPECT_FALSE(ck::remove_tree(dir / "file" / "below", ec));
  EXPECT_EQ(ec, std::errc::not_a_directory);
}

TEST(Sha256, MatchesTheStandardVectors) {
  ck::test::TempDir dir;
  const std::vector<std::pair<std::string, std::string>> vectors{
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",  // two blocks after padding
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"}};
  for (const auto& [text, digest] : vectors) {
    ck::test::write_bytes(dir / "f.bin", text);
    EXPECT_EQ(ck::sha256_file(dir / "f.bin"), digest) << text.size() << " bytes";
  }
  EXPECT_NE(ck::test::error_of([&] { ck::sha256_file(dir / "missing.bin"); }).find("cannot read"), std::string::npos);
}

}  // namespace
