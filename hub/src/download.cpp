// The Hub's resolve endpoint over libcurl: redirects followed, resumable, verified, atomic.
#include <curl/curl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>

#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"
#include "corridorkey/hub/hub.hpp"
#include "corridorkey/interrupt.hpp"
#include "corridorkey/logging.hpp"
#include "corridorkey/text.hpp"

namespace corridorkey {
namespace fs = std::filesystem;
namespace {

const bool kCurlReady = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();

struct Transfer {
  fs::path partial;
  std::uint64_t offset = 0;  // bytes already on disk when the request started
  FILE* out = nullptr;
  int write_errno = 0;
  // Headers of the last response in the redirect chain ...
  long status = 0;
  int responses = 0;
  std::string error_code, error_message, content_range;
  std::int64_t content_length = -1;
  // ... and the Hub's own, which come on the first response (the redirect for LFS files).
  std::string linked_etag, repo_commit;
  std::int64_t linked_size = -1;
  // The version the partial file on disk belongs to ("<etag> <size>" in its .etag sidecar), and
  // what the first body byte found.
  std::string partial_etag;
  bool not_hub = false, other_version = false;
  std::uint64_t received = 0;
  std::chrono::steady_clock::time_point start, last_report;
  bool progress_bar = false;
  std::string name;
};

// The .etag sidecar of a partial download: "<etag> <size>" of the version its bytes belong to.
fs::path sidecar(const fs::path& partial) { return fs::path(partial.string() + ".etag"); }

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    const auto sp = line.find(' ');
    t->status = sp == std::string::npos ? 0 : std::atol(line.c_str() + sp + 1);
    t->error_code.clear(), t->error_message.clear(), t->content_range.clear(), t->content_length = -1;
    ++t->responses;
    return size * n;
  }
  const auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  const std::string key = ascii_lower(line.substr(0, colon));
  std::string value = line.substr(colon + 1);
  value.erase(0, value.find_first_not_of(' '));
  if (key == "x-error-code")
    t->error_code = value;
  else if (key == "x-error-message")
    t->error_message = value;
  else if (key == "x-repo-commit")
    t->repo_commit = value;
  else if (key == "etag" && t->responses == 1 && t->linked_etag.empty())
    t->linked_etag = value;  // a small (non-LFS) file: the Hub's own ETag
  else if (key == "content-range")
    t->content_range = value;
  else if (key == "content-length")
    t->content_length = std::atoll(value.c_str());
  else if (key == "x-linked-etag")
    t->linked_etag = value;
  else if (key == "x-linked-size")
    t->linked_size = std::atoll(value.c_str());
  return size * n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->status != 200 && t->status != 206) return size * n;  // an error page: not ours to keep
  if (t->out == nullptr) {
    // The first byte: the answer must come from the Hub (a captive portal, a proxy's page or a
    // wrong HF_ENDPOINT answers 200 without its headers), and a resumed file must be of the same
    // version as the bytes already on disk. Otherwise nothing is written.
    if (t->repo_commit.empty() || t->linked_etag.empty() || (t->linked_size < 0 && t->content_length < 0)) {
      t->not_hub = true;
      return 0;
    }
    if (t->status == 206 && t->offset > 0 && t->partial_etag != t->linked_etag) {
      t->other_version = true;
      return 0;
    }
    // 206: the server honoured our Range, append; 200: it sent the whole file, start over.
    const bool append = t->status == 206 && t->offset > 0;
    if (!append) t->offset = 0;
    t->out = std::fopen(t->partial.c_str(), append ? "ab" : "wb");
    if (t->out == nullptr) {
      t->write_errno = errno;
      return 0;
    }
    if (!append) {  // a fresh start: record which version these bytes are
      std::ofstream tag(sidecar(t->partial), std::ios::trunc);
      const std::int64_t total = t->linked_size >= 0 ? t->linked_size : t->content_length;
      tag << t->linked_etag << " " << total << "\n";
      t->partial_etag = t->linked_etag;
    }
  }
  if (std::fwrite(data, 1, size * n, t->out) != size * n) {
    t->write_errno = errno ? errno : ENOSPC;
    return 0;
  }
  t->received += size * n;
  return size * n;
}

std::string human_bytes(double b) {
  char buf[32];
  if (b >= 1e9)
    std::snprintf(buf, sizeof buf, "%.2f GB", b / 1e9);
  else if (b >= 1e6)
    std::snprintf(buf, sizeof buf, "%.1f MB", b / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.0f kB", b / 1e3);
  return buf;
}

int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (interrupt_requested()) return 1;  // abort; the .incomplete file stays for a resume
  const auto clock = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(clock - t->start).count();
  const bool due = std::chrono::duration<double>(clock - t->last_report).count() >= (t->progress_bar ? 0.2 : 5.0);
  if (!due || now <= 0) return 0;
  t->last_report = clock;
  const double done = static_cast<double>(t->offset + static_cast<std::uint64_t>(now));
  const double all = total > 0 ? static_cast<double>(t->offset + static_cast<std::uint64_t>(total)) : 0;
  const double rate = elapsed > 0 ? static_cast<double>(now) / elapsed : 0;
  const double eta = (rate > 0 && all > 0) ? (all - done) / rate : 0;
  char line[200];
  if (t->progress_bar) {
    const int width = 30;
    const int filled = all > 0 ? static_cast<int>(width * done / all) : 0;
    std::snprintf(line, sizeof line, "\r%s [%-*s] %s / %s  %s/s  ETA %ds ", t->name.c_str(), width,
                  std::string(static_cast<std::size_t>(filled), '#').c_str(), human_bytes(done).c_str(),
                  human_bytes(all).c_str(), human_bytes(rate).c_str(), static_cast<int>(eta));
    std::fputs(line, stderr);
  } else {
    log_info("downloading ", t->name, ": ", human_bytes(done), " of ", human_bytes(all), " (", human_bytes(rate),
             "/s, ETA ", static_cast<int>(eta), " s)");
  }
  return 0;
}

enum class Outcome { Done, Retry, RestartFromZero };

// An error answer, classified as huggingface_hub classifies it (X-Error-Code, X-Error-Message).
[[noreturn]] void fail_status(const Transfer& t, const HubOptions& hub, const std::string& filename,
                              const std::string& url) {
  const std::string where = hub.repo + "@" + hub.revision;
  const std::string said = t.error_message.empty() ? "" : " (the Hub says: " + t.error_message + ")";
  const std::string token = hub.token.empty() ? "no token was sent (set HF_TOKEN to one with access)"
                                              : "the token from " + hub.token_source + " has no access to it";
  if (t.error_code == "RevisionNotFound") {
    throw HubError("revision '" + hub.revision + "' of " + hub.repo + " does not exist on " + hub.endpoint + said +
                   ". Check CORRIDORKEY_HUB_REVISION.");
  }
  if (t.error_code == "EntryNotFound" && t.status == 404) {  // the only answer that allows a fallback
    throw HubEntryNotFound("the Hub has no '" + filename + "' in " + where + " (" + url + ")");
  }
  if (t.error_code == "GatedRepo") {
    throw HubError(hub.repo + " is a gated repository" + said + ": accept its conditions at " + hub.endpoint + "/" +
                   hub.repo + " while logged in, then use a token of that account; " + token + ".");
  }
  if (t.error_message == "Access to this resource is disabled.") {
    throw HubError("access to " + hub.repo + " has been disabled on " + hub.endpoint + said +
                   ": it cannot be downloaded. Put the checkpoint into the folder by hand.");
  }
  if (t.status == 401 && t.error_message == "Invalid credentials in Authorization header") {
    throw HubError("the Hub rejected the token from " + hub.token_source +
                   " as invalid or expired (HTTP 401: Invalid credentials in Authorization header). Create a new "
                   "token at " +
                   hub.endpoint + "/settings/tokens, or remove it: the official checkpoints need none.");
  }
  if (t.error_code == "RepoNotFound" || t.status == 401) {
    throw HubError("repository " + hub.repo + " was not found on " + hub.endpoint + " (HTTP " +
                   std::to_string(t.status) + ")" + said + ". If it is private or gated, " + token +
                   "; otherwise check CORRIDORKEY_HUB_REPO and HF_ENDPOINT.");
  }
  if (t.status == 404) {
    throw HubError("the Hub answered 404 for " + url + " without saying the entry is missing (X-Error-Code: '" +
                   t.error_code + "'); not falling back. Check HF_ENDPOINT.");
  }
  if (t.status == 403) {
    throw HubError("access to " + where + " is forbidden (HTTP 403)" + said + "; " + token + ".");
  }
  throw HubError("the Hub answered HTTP " + std::to_string(t.status) + " for " + url + said);
}

std::string sha256_of_etag(std::string etag) {
  if (etag.rfind("W/", 0) == 0) etag.erase(0, 2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  etag = ascii_lower(etag);
  return (etag.size() == 64 && etag.find_first_not_of("0123456789abcdef") == std::string::npos) ? etag : "";
}

std::string expected_sha256(const Transfer& t) { return sha256_of_etag(t.linked_etag); }

std::pair<std::string, std::int64_t> read_sidecar(const fs::path& partial) {
  std::ifstream in(sidecar(partial));
  std::string etag;
  std::int64_t size = -1;
  if (!(in >> etag >> size)) return {"", -1};
  return {etag, size};
}

void remove_partial(const fs::path& partial) {
  std::error_code ec;
  fs::remove(partial, ec);
  fs::remove(sidecar(partial), ec);
}

}  // namespace

fs::path download_file(const HubOptions& hub, const std::string& filename, const fs::path& dir) {
  if (!kCurlReady) throw HubError("libcurl failed to initialise");
  const std::string url = hub.endpoint + "/" + hub.repo + "/resolve/" + hub.revision + "/" + filename;
  const fs::path final_path = dir / filename;
  Transfer t;
  t.partial = dir / (filename + ".incomplete");
  t.name = filename;
  t.progress_bar = hub.progress_bar;
  log_info("downloading ", url, " into ", dir.string());

  // A partial download from an earlier run: of an unknown version (no sidecar), it is dropped; if
  // complete, it is verified and finished without downloading again.
  {
    std::error_code ec;
    const auto [etag, size] = read_sidecar(t.partial);
    if (fs::exists(t.partial, ec) && etag.empty()) {
      log_info("dropping ", t.partial.string(), ": its version is unknown");
      remove_partial(t.partial);
    } else if (!etag.empty() && size >= 0 && fs::exists(t.partial, ec) &&
               fs::file_size(t.partial, ec) == static_cast<std::uint64_t>(size)) {
      const std::string sha = sha256_of_etag(etag);
      if (sha.empty() || sha256_file(t.partial) == sha) {
        fs::rename(t.partial, final_path);
        fs::remove(sidecar(t.partial), ec);
        log_info("finished ", filename, " from the complete ", t.partial.filename().string(), " of an earlier run (",
                 sha.empty() ? "size" : "sha256", " verified), without downloading again");
        return final_path;
      }
      log_info(t.partial.string(), " is complete but its sha256 is wrong: downloading afresh");
      remove_partial(t.partial);
    }
  }

  double delay = hub.backoff_seconds;
  for (int attempt = 0;; ++attempt) {
    std::error_code ec;
    t.offset = fs::exists(t.partial, ec) ? fs::file_size(t.partial, ec) : 0;
    t.partial_etag = t.offset > 0 ? read_sidecar(t.partial).first : "";
    t.not_hub = t.other_version = false;
    t.responses = 0, t.repo_commit.clear(), t.linked_etag.clear(), t.linked_size = -1;
    t.out = nullptr, t.write_errno = 0, t.status = 0, t.received = 0;
    t.start = t.last_report = std::chrono::steady_clock::now();
    CURL* curl = curl_easy_init();
    struct curl_slist* headers = nullptr;
    if (!hub.token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + hub.token).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "corridorkey-native/0.1");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, hub.connect_timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, hub.stall_timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    const std::string range = std::to_string(t.offset) + "-";
    if (t.offset > 0) curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());
    const CURLcode rc = curl_easy_perform(curl);
    curl_easy_cleanup(curl);
    curl_slist_free_all(headers);
    if (t.out != nullptr) {
      std::fflush(t.out);
      ::fsync(fileno(t.out));
      std::fclose(t.out);
    }
    if (hub.progress_bar) std::fputs("\n", stderr);

    bool retry = false;
    std::string reason;
    if (t.not_hub) {
      throw HubError(
          "the server at " + hub.endpoint + " answered " + url +
          " with a page that is not the Hugging Face Hub's (no X-Repo-Commit, ETag or size header): a captive "
          "portal, a proxy, or a wrong HF_ENDPOINT. Check HF_ENDPOINT and the proxy settings (HTTPS_PROXY, "
          "HTTP_PROXY); nothing was saved.");
    }
    if (t.other_version) {
      log_info(t.partial.filename().string(), " holds bytes of another version of ", filename, " (", t.partial_etag,
               "); the Hub now serves ", t.linked_etag, ": starting over");
      remove_partial(t.partial);
      if (attempt >= hub.retries) throw HubError("the Hub kept changing the version of " + filename + "; run again");
      continue;
    }
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
      throw HubError("download of " + filename + " interrupted; run again to resume from " + t.partial.string());
    }
    if (rc == CURLE_WRITE_ERROR && t.write_errno != 0) {
      throw HubError("cannot write " + t.partial.string() + ": " + std::strerror(t.write_errno) +
                     (t.write_errno == ENOSPC ? ". Free disk space (about 400 MB) and run again." : "."));
    }
    if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY) {
      throw HubError("cannot resolve the Hub's host for " + url + " (DNS): check the network or HF_ENDPOINT, or put " +
                     filename + " from " + hub.endpoint + "/" + hub.repo + " into " + dir.string() + " by hand");
    }
    if (rc == CURLE_COULDNT_CONNECT) {
      throw HubError("cannot connect to " + hub.endpoint + ": " + curl_easy_strerror(rc) +
                     ". Check the network or HF_ENDPOINT, "
                     "or put " +
                     filename + " from " + hub.endpoint + "/" + hub.repo + " into " + dir.string() + " by hand");
    }
    if (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CERTPROBLEM ||
        rc == CURLE_SSL_CACERT_BADFILE) {
      throw HubError("TLS failure talking to " + hub.endpoint + ": " + curl_easy_strerror(rc) +
                     ". Check the system's CA certificates and clock.");
    }
    if (rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR ||
        rc == CURLE_GOT_NOTHING || rc == CURLE_SEND_ERROR || rc == CURLE_HTTP2 || rc == CURLE_HTTP2_STREAM) {
      retry = true;
      reason = std::string("connection problem (") + curl_easy_strerror(rc) + ")";
    } else if (rc != CURLE_OK) {
      throw HubError("download of " + url + " failed: " + curl_easy_strerror(rc));
    } else if (t.status == 416) {
      remove_partial(t.partial);  // our partial file is not a prefix of theirs
      retry = true;
      reason = "range not satisfiable; restarting";
    } else if (t.status >= 500 || t.status == 429) {
      retry = true;
      reason = "server error HTTP " + std::to_string(t.status);
    } else if (t.status != 200 && t.status != 206) {
      fail_status(t, hub, filename, url);
    }
    if (retry) {
      if (attempt >= hub.retries) {
        throw HubError("download of " + url + " failed after " + std::to_string(attempt + 1) + " attempts: " + reason +
                       (t.status >= 500 ? ". The Hub may be down; try again later."
                                        : ". Check the network; run again to resume."));
      }
      log_warn("download of ", filename, ": ", reason, "; retrying in ", delay, " s (attempt ", attempt + 2, " of ",
               hub.retries + 1, ")");
      std::this_thread::sleep_for(std::chrono::duration<double>(delay));
      delay *= 2;
      continue;
    }
    break;
  }

  // Verify: sha256 from X-Linked-Etag when the Hub sends one, the size otherwise.
  std::error_code ec;
  const std::uint64_t size = fs::file_size(t.partial, ec);
  const std::string want_sha = expected_sha256(t);
  if (!want_sha.empty()) {
    const std::string got = sha256_file(t.partial);
    if (got != want_sha) {
      remove_partial(t.partial);
      throw HubError("checksum mismatch for " + filename + ": the Hub says sha256 " + want_sha + ", the download has " +
                     got + ". The file was deleted; run again to download it afresh.");
    }
  } else {
    std::int64_t want = t.linked_size;
    if (want < 0 && t.content_length >= 0) want = static_cast<std::int64_t>(t.offset) + t.content_length;
    if (want >= 0 && static_cast<std::uint64_t>(want) != size) {
      remove_partial(t.partial);
      throw HubError("size mismatch for " + filename + ": expected " + std::to_string(want) + " bytes, got " +
                     std::to_string(size) + ". The file was deleted; run again.");
    }
  }
  fs::rename(t.partial, final_path);
  fs::remove(sidecar(t.partial), ec);
  log_info("downloaded ", filename, " (", human_bytes(static_cast<double>(size)), ")",
           want_sha.empty() ? "" : ", sha256 verified");
  return final_path;
}

}  // namespace corridorkey
