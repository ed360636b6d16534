#include "hub_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include <openssl/evp.h>

namespace corridorkey::test {
namespace {

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += {hex[digest[i] >> 4], hex[digest[i] & 15]};
  return out;
}

bool send_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool send_all(int fd, const std::string& s) { return send_all(fd, s.data(), s.size()); }

std::string reply(int status, const std::string& reason, const std::vector<std::string>& headers,
                  const std::string& body = "") {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
  for (const auto& h : headers) r += h + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  return r;
}

}  // namespace

HubServer::HubServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("test hub server: cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

HubServer::~HubServer() {
  stop_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  thread_.join();
  for (auto& w : workers_) w.join();
}

void HubServer::set(const std::string& file, HubResponse response) {
  std::lock_guard lock(mutex_);
  files_[file] = std::move(response);
}

std::vector<std::string> HubServer::requests() const {
  std::lock_guard lock(mutex_);
  return log_;
}

int HubServer::count(const std::string& needle) const {
  int n = 0;
  for (const auto& r : requests()) n += r.find(needle) != std::string::npos;
  return n;
}

void HubServer::serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mutex_);
    workers_.emplace_back([this, fd] {
      handle(fd);
      ::close(fd);
    });
  }
}

void HubServer::handle(int fd) {
  std::string request;
  char buf[4096];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
    const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0) return;
    request.append(buf, static_cast<std::size_t>(r));
    if (request[0] == '\x16') {  // a TLS ClientHello: this server speaks plain HTTP only
      std::lock_guard lock(mutex_);
      log_.push_back("TLS handshake");
      send_all(fd, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      return;
    }
  }
  std::istringstream in(request);
  std::string method, path, version, line;
  in >> method >> path >> version;
  std::uint64_t range_start = 0;
  bool ranged = false;
  std::string logged = method + " " + path;
  while (std::getline(in, line)) {
    if (line.rfind("Range: bytes=", 0) == 0 || line.rfind("range: bytes=", 0) == 0) {
      range_start = std::stoull(line.substr(13));
      ranged = true;
      logged += " [Range: bytes=" + std::to_string(range_start) + "-]";
    }
    if (line.rfind("Authorization:", 0) == 0) logged += " [auth]";
  }
  HubResponse response;
  std::string file;
  bool drop = false;
  {
    std::lock_guard lock(mutex_);
    log_.push_back(logged);
    file = path.substr(path.rfind('/') + 1);
    const auto it = files_.find(file);
    if (it != files_.end())
      response = it->second;
    else
      response.kind = HubResponse::Kind::EntryNotFound;
    if (path.rfind("/cdn/", 0) == 0 && it != files_.end() && it->second.drop_after >= 0 && it->second.drop_times > 0) {
      --it->second.drop_times;
      drop = true;
    }
  }
  if (path.find("/resolve/") != std::string::npos) {
    using K = HubResponse::Kind;
    switch (response.kind) {
      case K::Serve: {
        const std::string sha = response.wrong_sha ? sha256_hex(response.body + "x") : sha256_hex(response.body);
        send_all(fd, reply(302, "Found",
                           {"Location: /cdn/" + file, "X-Linked-Etag: \"" + sha + "\"",
                            "X-Linked-Size: " + std::to_string(response.body.size()), "X-Repo-Commit: 0123abcd"}));
        return;
      }
      case K::EntryNotFound:
        send_all(fd, reply(404, "Not Found", {"X-Error-Code: EntryNotFound"}, "Entry not found"));
        return;
      case K::RepoNotFound:
        send_all(fd, reply(404, "Not Found", {"X-Error-Code: RepoNotFound"}, "Repository not found"));
        return;
      case K::RevisionNotFound:
        send_all(fd, reply(404, "Not Found", {"X-Error-Code: RevisionNotFound"}, "Invalid rev id"));
        return;
      case K::Unauthorized:
        send_all(fd, reply(401, "Unauthorized",
                           {"X-Error-Code: GatedRepo", "X-Error-Message: Access to model is restricted."},
                           "Access restricted"));
        return;
      case K::InvalidCredentials:
        send_all(fd, reply(401, "Unauthorized", {"X-Error-Message: Invalid credentials in Authorization header"},
                           "Invalid credentials"));
        return;
      case K::DisabledRepo:
        send_all(fd, reply(403, "Forbidden", {"X-Error-Message: Access to this resource is disabled."}, "Disabled"));
        return;
      case K::RepoNotFound401:
        send_all(fd, reply(401, "Unauthorized", {"X-Error-Code: RepoNotFound"}, "Repository not found"));
        return;
      case K::NotTheHub:
        send_all(fd, reply(200, "OK", {"Content-Type: text/html"}, "<html><body>Sign in to the Wi-Fi</body></html>"));
        return;
      case K::ServerError:
        send_all(fd, reply(500, "Internal Server Error", {}, "boom"));
        return;
      case K::Plain404:
        send_all(fd, reply(404, "Not Found", {}, "nothing here"));
        return;
    }
  }
  if (path.rfind("/cdn/", 0) == 0) {
    const std::string& body = response.body;
    if (ranged && range_start >= body.size()) {
      send_all(fd, reply(416, "Range Not Satisfiable", {"Content-Range: bytes */" + std::to_string(body.size())}));
      return;
    }
    const std::string part = ranged ? body.substr(range_start) : body;
    std::string head = ranged ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + std::to_string(range_start) +
                                    "-" + std::to_string(body.size() - 1) + "/" + std::to_string(body.size()) + "\r\n"
                              : "HTTP/1.1 200 OK\r\n";
    head += "Content-Length: " + std::to_string(part.size()) + "\r\nConnection: close\r\n\r\n";
    if (!send_all(fd, head)) return;
    const std::size_t limit =
        drop ? std::min<std::size_t>(part.size(), static_cast<std::size_t>(response.drop_after)) : part.size();
    for (std::size_t sent = 0; sent < limit && !stop_;) {
      const std::size_t n = std::min<std::size_t>(1024, limit - sent);
      if (!send_all(fd, part.data() + sent, n)) return;
      sent += n;
      for (int waited = 0; waited < response.delay_ms_per_kb; waited += 10) {
        if (stop_) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(10, response.delay_ms_per_kb - waited)));
      }
    }
    return;
  }
  send_all(fd, reply(404, "Not Found", {}, "unknown path"));
}

}  // namespace corridorkey::test
