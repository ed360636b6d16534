// A real HTTP server on 127.0.0.1 that behaves like the Hugging Face Hub's resolve endpoint:
// /<repo>/resolve/<rev>/<file> answers 302 to /cdn/<file> with X-Linked-Etag / X-Linked-Size
// (as for LFS files), or the Hub's error answers; /cdn/<file> serves the bytes with Range support
// and can drop the connection mid-body, trickle slowly, or lie about the checksum.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace corridorkey::test {

struct HubResponse {
  enum class Kind {
    Serve,
    EntryNotFound,
    RepoNotFound,
    RevisionNotFound,
    Unauthorized,
    ServerError,
    Plain404,
    InvalidCredentials,  ///< 401, X-Error-Message: Invalid credentials in Authorization header
    DisabledRepo,        ///< 403, X-Error-Message: Access to this resource is disabled.
    RepoNotFound401,     ///< 401, X-Error-Code: RepoNotFound (private or missing, unauthenticated)
    NotTheHub            ///< 200 with an HTML page and none of the Hub's headers (a captive portal)
  } kind = Kind::Serve;
  std::string body;
  bool wrong_sha = false;   ///< advertise the sha256 of something else
  int drop_after = -1;      ///< close the connection after this many body bytes ...
  int drop_times = 0;       ///< ... on this many CDN requests
  int delay_ms_per_kb = 0;  ///< trickle the body
};

class HubServer {
 public:
  HubServer();
  ~HubServer();
  HubServer(const HubServer&) = delete;
  HubServer& operator=(const HubServer&) = delete;

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void set(const std::string& file, HubResponse response);
  /// Every request line received, with its Range header when present ("GET /x [Range: bytes=5-]").
  std::vector<std::string> requests() const;
  int count(const std::string& needle) const;

 private:
  void serve();
  void handle(int fd);
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::thread> workers_;
  mutable std::mutex mutex_;
  std::map<std::string, HubResponse> files_;
  std::vector<std::string> log_;
};

}  // namespace corridorkey::test
