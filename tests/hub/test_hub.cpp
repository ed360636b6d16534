// Checkpoint discovery and the first-run download, against a real HTTP server on 127.0.0.1 that
// behaves like the Hub. The regression guard: no network, auth or server failure may ever lead to
// downloading the .pth; only the Hub's EntryNotFound for the .safetensors may.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <thread>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/hub/hub.hpp"
#include "hub_server.hpp"
#include "test_support.hpp"

namespace ck = corridorkey;
namespace fs = std::filesystem;
using ck::test::error_of;
using ck::test::HubResponse;
using ck::test::HubServer;
using ck::test::TempDir;
using Kind = HubResponse::Kind;

namespace {

fs::path fixtures_tiny(const char* name) { return ck::test::fixtures() / "tiny" / name; }
std::string fixture(const char* name) { return ck::test::read_bytes(fixtures_tiny(name)); }

ck::HubOptions options_for(const HubServer& server, const TempDir& dir) {
  ck::HubOptions o;
  o.endpoint = server.endpoint();
  o.hf_cache = dir / "hf-cache";
  o.retries = 2;
  o.backoff_seconds = 0.05;
  o.stall_timeout_seconds = 2;
  o.min_free_bytes = 1;
  return o;
}

TEST(HubDownload, PrefersSafetensorsAndVerifiesIt) {
  HubServer server;
  TempDir dir;
  server.set("CorridorKey.safetensors", {Kind::Serve, fixture("CorridorKey.safetensors")});
  server.set("CorridorKey.pth", {Kind::Serve, fixture("CorridorKey.pth")});
  const auto r = ck::resolve_checkpoint({{}, dir / "ck", true}, options_for(server, dir));
  EXPECT_EQ(r.path, dir / "ck" / "CorridorKey.safetensors");
  EXPECT_EQ(ck::test::read_bytes(r.path), fixture("CorridorKey.safetensors"));
  EXPECT_EQ(server.count("CorridorKey.pth"), 0);
  EXPECT_EQ(server.count("GET /nikopueringer/CorridorKey_v1.0/resolve/main/CorridorKey.safetensors"), 1);
  EXPECT_FALSE(fs::exists(dir / "ck" / "CorridorKey.safetensors.incomplete"));
  // A second run finds it and makes no request.
  const auto before = server.requests().size();
  EXPECT_EQ(ck::resolve_checkpoint({{}, dir / "ck", true}, options_for(server, dir)).how,
            "found in " + (dir / "ck").string());
  EXPECT_EQ(server.requests().size(), before);
}

TEST(HubDownload, FallsBackToPthOnlyOnEntryNotFound) {
  HubServer server;
  TempDir dir;
  server.set("CorridorKey.safetensors", {Kind::EntryNotFound, ""});
  server.set("CorridorKey.pth", {Kind::Serve, fixture("CorridorKey.pth")});
  const auto r = ck::resolve_checkpoint({{}, dir / "ck", true}, options_for(server, dir));
  EXPECT_EQ(r.path.filename(), "CorridorKey.pth");
  EXPECT_EQ(ck::test::read_bytes(r.path), fixture("CorridorKey.pth"));
  EXPECT_EQ(server.count("CorridorKey.pth"), 2);  // resolve + CDN
}

struct NoFallback {
  const char* name;
  HubResponse safetensors;
  const char* message;
};

class HubNoFallback : public ::testing::TestWithParam<NoFallback> {};

TEST_P(HubNoFallback, NeverRequestsThePth) {
  HubServer server;
  TempDir dir;
  server.set("CorridorKey.safetensors", GetParam().safetensors);
  server.set("CorridorKey.pth", {Kind::Serve, fixture("CorridorKey.pth")});
  const std::string err = error_of([&] { ck::resolve_checkpoint({{}, dir / "ck", true}, options_for(server, dir)); });
  EXPECT_NE(err.find(GetParam().message), std::string::npos) << "error was: " << err;
  EXPECT_EQ(server.count("CorridorKey.pth"), 0) << "a failure must never fall back to the .pth";
  EXPECT_TRUE(ck::discover_checkpoint(dir / "ck").empty()) << "no checkpoint may be left behind";
  EXPECT_FALSE(fs::exists(dir / "ck" / "CorridorKey.safetensors.incomplete") &&
               fs::file_size(dir / "ck" / "CorridorKey.safetensors.incomplete") > 0 &&
               std::string(GetParam().name) == "not_the_hub")
      << "a page that is not the Hub's is never saved";
}

std::string garbage(std::size_t n) { return std::string(n, 'z'); }

INSTANTIATE_TEST_SUITE_P(
    EveryFailureClass, HubNoFallback,
    ::testing::Values(NoFallback{"unauthorized", {Kind::Unauthorized, ""}, "is a gated repository"},
                      NoFallback{"invalid_token", {Kind::InvalidCredentials, ""}, "as invalid or expired"},
                      NoFallback{"disabled", {Kind::DisabledRepo, ""}, "has been disabled"},
                      NoFallback{"repo_not_found_401", {Kind::RepoNotFound401, ""}, "was not found"},
                      NoFallback{"not_the_hub", {Kind::NotTheHub, ""}, "not the Hugging Face Hub's"},
                      NoFallback{"repo_not_found", {Kind::RepoNotFound, ""}, "was not found"},
                      NoFallback{"revision_not_found", {Kind::RevisionNotFound, ""}, "revision 'main'"},
                      NoFallback{"plain_404", {Kind::Plain404, ""}, "without saying the entry is missing"},
                      NoFallback{"server_error", {Kind::ServerError, ""}, "after 3 attempts: server error HTTP 500"},
                      NoFallback{"checksum_mismatch", {Kind::Serve, garbage(5000), true}, "checksum mismatch"},
                      NoFallback{"connection_dropped_every_time",
                                 {Kind::Serve, garbage(50000), false, 1000, 100},
                                 "connection problem"},
                      NoFallback{"stalled_body",
                                 {Kind::Serve, garbage(20000), false, -1, 0, 10000},
                                 "after 3 attempts: connection problem (Timeout"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(HubDownload, ConnectionRefusedIsAnErrorWithoutFallback) {
  TempDir dir;
  ck::HubOptions o;
  o.endpoint = "http://127.0.0.1:9";  // discard port: nothing listens
  o.hf_cache = dir / "hf";
  o.min_free_bytes = 1;
  const std::string err = error_of([&] { ck::resolve_checkpoint({{}, dir / "ck", true}, o); });
  EXPECT_NE(err.find("cannot connect"), std::string::npos) << err;
}

TEST(HubDownload, TlsFailureIsAnErrorWithoutFallback) {
  HubServer server;  // plain HTTP: an https:// endpoint on it fails the TLS handshake
  TempDir dir;
  server.set("CorridorKey.safetensors", {Kind::Serve, "x"});
  auto o = options_for(server, dir);
  o.endpoint = "https://127.0.0.1:" + server.endpoint().substr(server.endpoint().rfind(':') + 1);
  const std::string err = error_of([&] { ck::resolve_checkpoint({{}, dir / "ck", true}, o); });
  EXPECT_NE(err.find("TLS failure"), std::string::npos) << err;
  EXPECT_EQ(server.count("TLS handshake"), 1) << "no retry, no fallback";
  EXPECT_EQ(server.count("CorridorKey.pth"), 0);
}

TEST(HubDownload, ResumesAfterADroppedConnection) {
  HubServer server;
  TempDir dir;
  const std::string body = fixture("CorridorKey.safetensors");
  server.set("CorridorKey.safetensors", {Kind::Serve, body, false, static_cast<int>(body.size() / 3), 1});
  const auto r = ck::resolve_checkpoint({{}, dir / "ck", true}, options_for(server, dir));
  EXPECT_EQ(ck::test::read_bytes(r.path), body) << "resumed file must be byte-identical";
  EXPECT_EQ(server.count("GET /cdn/CorridorKey.safetensors [Range: bytes=" + std::to_string(body.size() / 3) + "-]"),
            1);
}

TEST(HubDownload, ResumesAnIncompleteFileFromAnEarlierRun) {
  HubServer server;
  TempDir dir;
  const std::string body = fixture("CorridorKey.safetensors");
  fs::create_directories(dir / "ck");
  ck::test::write_bytes(dir / "ck" / "CorridorKey.safetensors.incomplete", body.substr(0, 1000));
  // The version its bytes belong to: the sha256 the Hub advertises, and the full size.
  ck::test::write_bytes(dir / "ck" / "CorridorKey.safetensors.incomplete.etag",
                        "\"" + ck::sha256_file(fixtures_tiny("CorridorKey.safetensors")) + "\" " +
                            std::to_string(body.size()) + "\n");
  server.set("CorridorKey.safetensors", {Kind::Serve, body});
  const auto r = ck::resolve_checkpoint({{}, dir / "ck", true}, options_for(server, dir));
  EXPECT_EQ(ck::test::read_bytes(r.path), body);
  EXPECT_EQ(server.count("GET /cdn/CorridorKey.safetensors [Range: bytes=1000-]"), 1);
}

TEST(HubDownload, TwoConcurrentFirstRunsDownloadOnce) {
  HubServer server;
  TempDir dir;
  server.set("CorridorKey.safetensors", {Kind::Serve, fixture("CorridorKey.safetensors"), false, -1, 0, 1});
  std::vector<ck::ResolvedCheckpoint> results(2);
  std::vector<std::thread> runs;
  for (int i = 0; i < 2; ++i) {
    runs.emplace_back([&, i] {
      results[static_cast<std::size_t>(i)] = ck::resolve_checkpoint({{}, dir / "ck", true}, options_for(server, dir));
    });
  }
  for (auto& t : runs) t.join();
  EXPECT_EQ(results[0].path, results[1].path);
  EXPECT_EQ(server.count("GET /cdn/"), 1) << "the file must be downloaded once";
}

TEST(HubDownload, OfflineModeMakesNoRequest) {
  HubServer server;
  TempDir dir;
  server.set("CorridorKey.safetensors", {Kind::Serve, "x"});
  auto o = options_for(server, dir);
  o.offline = true;
  const std::string err = error_of([&] { ck::resolve_checkpoint({{}, dir / "ck", true}, o); });
  EXPECT_NE(err.find("HF_HUB_OFFLINE=1"), std::string::npos) << err;
  EXPECT_NE(err.find((dir / "ck").string()), std::string::npos) << "must say where to put a file: " << err;
  EXPECT_TRUE(server.requests().empty());
}

TEST(HubDownload, UsesTheHuggingFaceCacheWithoutNetwork) {
  HubServer server;
  TempDir dir;
  const fs::path snap = dir / "hf-cache" / "models--nikopueringer--CorridorKey_v1.0" / "snapshots" / "abc123";
  fs::create_directories(snap);
  fs::create_directories(dir / "hf-cache" / "models--nikopueringer--CorridorKey_v1.0" / "refs");
  ck::test::write_bytes(dir / "hf-cache" / "models--nikopueringer--CorridorKey_v1.0" / "refs" / "main", "abc123");
  ck::test::write_bytes(snap / "CorridorKey.safetensors", "cached");
  const auto r = ck::resolve_checkpoint({{}, dir / "ck", true}, options_for(server, dir));
  EXPECT_EQ(r.path, snap / "CorridorKey.safetensors");
  EXPECT_TRUE(server.requests().empty());
}

TEST(HubDownload, SendsTheTokenToTheHub) {
  HubServer server;
  TempDir dir;
  server.set("CorridorKey.safetensors", {Kind::Serve, "tiny"});
  auto o = options_for(server, dir);
  o.token = "hf_test";
  ck::resolve_checkpoint({{}, dir / "ck", true}, o);
  EXPECT_EQ(server.count("resolve/main/CorridorKey.safetensors [auth]"), 1);
}

TEST(HubDownload, RefusesWithoutFreeSpace) {
  HubServer server;
  TempDir dir;
  auto o = options_for(server, dir);
  o.min_free_bytes = ~0ull;
  const std::string err = error_of([&] { ck::resolve_checkpoint({{}, dir / "ck", true}, o); });
  EXPECT_NE(err.find("MB free"), std::string::npos) << err;
  EXPECT_TRUE(server.requests().empty());
}

// Discovery rules in the checkpoints folder.
TEST(Discovery, Rules) {
  TempDir dir;
  EXPECT_TRUE(ck::discover_checkpoint(dir.path()).empty());
  ck::test::write_bytes(dir / "a.pth", "x");
  EXPECT_EQ(ck::discover_checkpoint(dir.path()), dir / "a.pth");
  ck::test::write_bytes(dir / "b.pth", "x");
  EXPECT_NE(error_of([&] { ck::discover_checkpoint(dir.path()); }).find("keep exactly one"), std::string::npos);
  ck::test::write_bytes(dir / "m.safetensors", "x");
  EXPECT_EQ(ck::discover_checkpoint(dir.path()), dir / "m.safetensors") << ".safetensors wins over .pth";
  ck::test::write_bytes(dir / "n.safetensors", "x");
  const std::string err = error_of([&] { ck::discover_checkpoint(dir.path()); });
  EXPECT_NE(err.find("m.safetensors, n.safetensors"), std::string::npos) << err;
  ck::test::write_bytes(dir / ".hidden.safetensors.tmp", "x");
  ck::test::write_bytes(dir / "CorridorKey.safetensors.incomplete", "x");
  fs::remove(dir / "n.safetensors");
  EXPECT_EQ(ck::discover_checkpoint(dir.path()), dir / "m.safetensors") << "partial downloads are ignored";
}

TEST(Discovery, ExplicitCheckpointBypassesDiscovery) {
  TempDir dir;
  ck::test::write_bytes(dir / "one.safetensors", "x");
  ck::test::write_bytes(dir / "two.safetensors", "x");
  ck::HubOptions o;
  o.offline = true;
  EXPECT_EQ(ck::resolve_checkpoint({dir / "two.safetensors", dir.path(), true}, o).path, dir / "two.safetensors");
  EXPECT_NE(error_of([&] {
              ck::resolve_checkpoint({dir / "nope.safetensors", {}, true}, o);
            }).find("does not exist"),
            std::string::npos);
}

}  // namespace

// Blue screens: their own files in the folder, their own Hub repo and file names, the same rules.
TEST(Discovery, EachScreenColourHasItsOwnCheckpoint) {
  TempDir dir;
  ck::test::write_bytes(dir / "CorridorKey.safetensors", "x");
  EXPECT_TRUE(ck::discover_checkpoint(dir.path(), ck::ScreenColor::blue).empty());
  ck::test::write_bytes(dir / "corridorkey_BLUE.pth", "x");
  EXPECT_EQ(ck::discover_checkpoint(dir.path(), ck::ScreenColor::green), dir / "CorridorKey.safetensors")
      << "a blue file is not a second green one";
  EXPECT_EQ(ck::discover_checkpoint(dir.path(), ck::ScreenColor::blue), dir / "corridorkey_BLUE.pth");
  ck::test::write_bytes(dir / "CorridorKeyBlue_1.0.safetensors", "x");
  EXPECT_EQ(ck::discover_checkpoint(dir.path(), ck::ScreenColor::blue), dir / "CorridorKeyBlue_1.0.safetensors")
      << ".safetensors wins over .pth for blue too";
  ck::test::write_bytes(dir / "OldBlue.safetensors", "x");
  const std::string err = error_of([&] { ck::discover_checkpoint(dir.path(), ck::ScreenColor::blue); });
  EXPECT_NE(err.find("several blue-screen .safetensors files (CorridorKeyBlue_1.0.safetensors, OldBlue.safetensors)"),
            std::string::npos)
      << err;
  EXPECT_EQ(ck::discover_checkpoint(dir.path(), ck::ScreenColor::green), dir / "CorridorKey.safetensors");
}

TEST(HubDownload, BlueComesFromItsOwnRepoAndFallsBackOnlyOnEntryNotFound) {
  HubServer server;
  TempDir dir;
  fs::create_directories(dir / "ck");
  ck::test::write_bytes(dir / "ck" / "CorridorKey.safetensors", fixture("CorridorKey.safetensors"));
  server.set("CorridorKeyBlue_1.0.safetensors", {Kind::EntryNotFound, ""});
  server.set("CorridorKeyBlue_1.0.pth", {Kind::Serve, fixture("CorridorKey.pth")});
  ck::ResolveRequest request{{}, dir / "ck", true, ck::ScreenColor::blue};
  const auto r = ck::resolve_checkpoint(request, options_for(server, dir));
  EXPECT_EQ(r.path, dir / "ck" / "CorridorKeyBlue_1.0.pth") << "the green file in the folder does not count";
  EXPECT_EQ(ck::test::read_bytes(r.path), fixture("CorridorKey.pth"));
  EXPECT_EQ(server.count("GET /nikopueringer/CorridorKeyBlue_1.0/resolve/main/CorridorKeyBlue_1.0.safetensors"), 1);
  EXPECT_EQ(server.count("GET /nikopueringer/CorridorKeyBlue_1.0/resolve/main/CorridorKeyBlue_1.0.pth"), 1);
  EXPECT_EQ(server.count("CorridorKey_v1.0"), 0) << "nothing is asked of the green repo";
  // The green one is still found, with no request.
  const auto before = server.requests().size();
  EXPECT_EQ(ck::resolve_checkpoint({{}, dir / "ck", true}, options_for(server, dir)).path,
            dir / "ck" / "CorridorKey.safetensors");
  EXPECT_EQ(server.requests().size(), before);
}

TEST(HubDownload, BlueNeverFallsBackOnOtherErrors) {
  HubServer server;
  TempDir dir;
  server.set("CorridorKeyBlue_1.0.safetensors", {Kind::ServerError, ""});
  server.set("CorridorKeyBlue_1.0.pth", {Kind::Serve, fixture("CorridorKey.pth")});
  ck::ResolveRequest request{{}, dir / "ck", true, ck::ScreenColor::blue};
  EXPECT_THROW(ck::resolve_checkpoint(request, options_for(server, dir)), ck::HubError);
  EXPECT_EQ(server.count("CorridorKeyBlue_1.0.pth"), 0);
}

TEST(HubDownload, OfflineBlueErrorNamesItsRepoAndTheFolder) {
  HubServer server;
  TempDir dir;
  auto o = options_for(server, dir);
  o.offline = true;
  const std::string err = error_of([&] { ck::resolve_checkpoint({{}, dir / "ck", true, ck::ScreenColor::blue}, o); });
  EXPECT_NE(err.find("no blue-screen checkpoint"), std::string::npos) << err;
  EXPECT_NE(err.find("nikopueringer/CorridorKeyBlue_1.0"), std::string::npos) << err;
  EXPECT_NE(err.find("CorridorKeyBlue_1.0.safetensors"), std::string::npos) << err;
  EXPECT_NE(err.find((dir / "ck").string()), std::string::npos) << err;
  EXPECT_TRUE(server.requests().empty());
}

TEST(HubDownload, UsesTheBlueRepoOfTheHuggingFaceCache) {
  HubServer server;
  TempDir dir;
  const fs::path green = dir / "hf-cache" / "models--nikopueringer--CorridorKey_v1.0" / "snapshots" / "abc";
  const fs::path blue = dir / "hf-cache" / "models--nikopueringer--CorridorKeyBlue_1.0" / "snapshots" / "def";
  fs::create_directories(green);
  fs::create_directories(blue);
  fs::create_directories(green.parent_path().parent_path() / "refs");
  fs::create_directories(blue.parent_path().parent_path() / "refs");
  ck::test::write_bytes(green.parent_path().parent_path() / "refs" / "main", "abc");
  ck::test::write_bytes(blue.parent_path().parent_path() / "refs" / "main", "def\n");
  ck::test::write_bytes(green / "CorridorKey.safetensors", "green");
  ck::test::write_bytes(blue / "CorridorKeyBlue_1.0.safetensors", "blue");
  auto o = options_for(server, dir);
  EXPECT_EQ(ck::resolve_checkpoint({{}, dir / "ck", true, ck::ScreenColor::blue}, o).path,
            blue / "CorridorKeyBlue_1.0.safetensors");
  EXPECT_EQ(ck::resolve_checkpoint({{}, dir / "ck", true}, o).path, green / "CorridorKey.safetensors");
  EXPECT_TRUE(server.requests().empty());
}

// Conformance with huggingface_hub: its cache, its environment, its partial files.
TEST(HubCache, NeverUsesAnotherRevisionThanTheRefNames) {
  HubServer server;
  TempDir dir;
  const fs::path root = dir / "hf-cache" / "models--nikopueringer--CorridorKey_v1.0";
  fs::create_directories(root / "refs");
  fs::create_directories(root / "snapshots" / "aaaa");
  fs::create_directories(root / "snapshots" / "bbbb");
  ck::test::write_bytes(root / "refs" / "main", "aaaa");
  ck::test::write_bytes(root / "snapshots" / "bbbb" / "CorridorKey.safetensors", "an older version");
  auto o = options_for(server, dir);
  o.offline = true;
  const std::string err = error_of([&] { ck::resolve_checkpoint({{}, dir / "ck", true}, o); });
  EXPECT_NE(err.find("HF_HUB_OFFLINE=1"), std::string::npos) << "bbbb is not main's snapshot: " << err;
  // A commit hash as the revision maps to its snapshot directly.
  const std::string commit = "0123456789abcdef0123456789abcdef01234567";
  fs::create_directories(root / "snapshots" / commit);
  ck::test::write_bytes(root / "snapshots" / commit / "CorridorKey.safetensors", "pinned");
  o.revision = commit;
  EXPECT_EQ(ck::resolve_checkpoint({{}, dir / "ck", true}, o).path, root / "snapshots" / commit / "CorridorKey.safetensors");
  o.revision = "v1.0";  // a tag without a ref file: no cache hit
  EXPECT_THROW(ck::resolve_checkpoint({{}, dir / "ck", true}, o), ck::HubError);
}

namespace {
// Sets environment variables for the life of the object, restoring the previous values after.
class Env {
 public:
  Env(std::initializer_list<std::pair<const char*, const char*>> vars) {
    for (const auto& [k, v] : vars) {
      const char* old = std::getenv(k);
      saved_.emplace_back(k, old ? std::optional<std::string>(old) : std::nullopt);
      if (v)
        ::setenv(k, v, 1);
      else
        ::unsetenv(k);
    }
  }
  ~Env() {
    for (const auto& [k, v] : saved_) {
      if (v)
        ::setenv(k.c_str(), v->c_str(), 1);
      else
        ::unsetenv(k.c_str());
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};
}  // namespace

TEST(HubEnvironment, ReadsWhatHuggingFaceHubReads) {
  TempDir dir;
  ck::test::write_bytes(dir / "token", "hf_from_file\n");
  {
    Env env{{"HF_TOKEN", nullptr},        {"HUGGING_FACE_HUB_TOKEN", "hf_legacy"}, {"HF_HUB_CACHE", nullptr},
            {"HUGGINGFACE_HUB_CACHE", "~/legacy-cache"}, {"HF_HUB_ETAG_TIMEOUT", "7"}, {"HF_HUB_DOWNLOAD_TIMEOUT", "33"},
            {"HF_HUB_DISABLE_IMPLICIT_TOKEN", nullptr}, {"HOME", dir.path().c_str()}};
    const auto o = ck::HubOptions::from_environment();
    EXPECT_EQ(o.token, "hf_legacy");
    EXPECT_EQ(o.token_source, "HUGGING_FACE_HUB_TOKEN");
    EXPECT_EQ(o.hf_cache, dir / "legacy-cache") << "~ expanded";
    EXPECT_EQ(o.connect_timeout_seconds, 7);
    EXPECT_EQ(o.stall_timeout_seconds, 33);
  }
  {
    Env env{{"HF_TOKEN", nullptr}, {"HUGGING_FACE_HUB_TOKEN", nullptr}, {"CK_TEST_DIR", dir.path().c_str()},
            {"HF_TOKEN_PATH", "${CK_TEST_DIR}/token"}, {"HF_HUB_CACHE", "$CK_TEST_DIR/cache"},
            {"HF_HUB_DISABLE_IMPLICIT_TOKEN", nullptr}, {"HF_HUB_ETAG_TIMEOUT", "soon"}};
    const auto o = ck::HubOptions::from_environment();
    EXPECT_EQ(o.token, "hf_from_file");
    EXPECT_EQ(o.token_source, "the token file " + (dir / "token").string()) << "where, never the value";
    EXPECT_EQ(o.hf_cache, dir / "cache");
    EXPECT_EQ(o.connect_timeout_seconds, 15) << "not a number: the default";
  }
  {
    Env env{{"HF_TOKEN", "hf_x"}, {"HF_HUB_DISABLE_IMPLICIT_TOKEN", "1"}};
    EXPECT_TRUE(ck::HubOptions::from_environment().token.empty()) << "implicit tokens are not sent";
  }
  {
    Env env{{"CK_UNSET_VAR", nullptr}};
    EXPECT_EQ(ck::expand_path("$CK_UNSET_VAR/x"), "$CK_UNSET_VAR/x") << "unset variables stay, as in Python";
  }
}

TEST(HubDownload, InvalidTokenSaysWhereTheTokenCameFromNeverItsValue) {
  HubServer server;
  TempDir dir;
  server.set("CorridorKey.safetensors", {Kind::InvalidCredentials, ""});
  auto o = options_for(server, dir);
  o.token = "hf_secret_value";
  o.token_source = "HF_TOKEN";
  const std::string err = error_of([&] { ck::resolve_checkpoint({{}, dir / "ck", true}, o); });
  EXPECT_NE(err.find("rejected the token from HF_TOKEN as invalid or expired"), std::string::npos) << err;
  EXPECT_EQ(err.find("hf_secret_value"), std::string::npos) << err;
  EXPECT_EQ(err.find("gated"), std::string::npos) << "not a gating problem: " << err;
}

TEST(HubDownload, ACompleteIncompleteFileIsFinishedWithoutDownloading) {
  HubServer server;
  TempDir dir;
  const std::string body = fixture("CorridorKey.safetensors");
  fs::create_directories(dir / "ck");
  ck::test::write_bytes(dir / "ck" / "CorridorKey.safetensors.incomplete", body);
  ck::test::write_bytes(dir / "ck" / "CorridorKey.safetensors.incomplete.etag",
                        ck::sha256_file(fixtures_tiny("CorridorKey.safetensors")) + " " +
                            std::to_string(body.size()) + "\n");
  const auto r = ck::resolve_checkpoint({{}, dir / "ck", true}, options_for(server, dir));
  EXPECT_EQ(ck::test::read_bytes(r.path), body);
  EXPECT_TRUE(server.requests().empty()) << "nothing downloaded again";
  EXPECT_FALSE(fs::exists(dir / "ck" / "CorridorKey.safetensors.incomplete.etag"));
}

TEST(HubDownload, PartialBytesOfAnotherVersionAreNeverMixedIn) {
  HubServer server;
  TempDir dir;
  const std::string now = fixture("CorridorKey.safetensors");
  fs::create_directories(dir / "ck");
  ck::test::write_bytes(dir / "ck" / "CorridorKey.safetensors.incomplete", std::string(1000, 'o'));
  ck::test::write_bytes(dir / "ck" / "CorridorKey.safetensors.incomplete.etag",
                        std::string(64, 'e') + " " + std::to_string(now.size()) + "\n");
  server.set("CorridorKey.safetensors", {Kind::Serve, now});
  const auto r = ck::resolve_checkpoint({{}, dir / "ck", true}, options_for(server, dir));
  EXPECT_EQ(ck::test::read_bytes(r.path), now) << "verified against the new version's sha256";
  EXPECT_EQ(server.count("GET /cdn/CorridorKey.safetensors [Range: bytes=1000-]"), 1);
  EXPECT_EQ(server.count("GET /cdn/CorridorKey.safetensors"), 2) << "then once from the start";
  // A partial without its version (an older engine's) is dropped, not resumed.
  HubServer again;
  TempDir other;
  fs::create_directories(other / "ck");
  ck::test::write_bytes(other / "ck" / "CorridorKey.safetensors.incomplete", now.substr(0, 1000));
  again.set("CorridorKey.safetensors", {Kind::Serve, now});
  ck::resolve_checkpoint({{}, other / "ck", true}, options_for(again, other));
  EXPECT_EQ(again.count("[Range:"), 0);
}
