#include "corridorkey/zip_archive.hpp"

#include <cstdint>

#include "corridorkey/errors.hpp"

namespace corridorkey {
namespace {

constexpr std::uint32_t kLocalSig = 0x04034b50;
constexpr std::uint32_t kCentralSig = 0x02014b50;
constexpr std::uint32_t kEndSig = 0x06054b50;
constexpr std::uint32_t kEnd64Sig = 0x06064b50;
constexpr std::uint32_t kEnd64LocatorSig = 0x07064b50;

class Reader {
 public:
  Reader(std::span<const std::byte> bytes, std::string_view source) : bytes_(bytes), source_(source) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw CheckpointError("invalid .pth (zip) file '" + source_ + "': " + what +
                          ". The file is truncated or damaged; re-save it with torch.save or re-download it.");
  }
  void need(std::uint64_t offset, std::uint64_t len, const char* what) const {
    if (offset > bytes_.size() || len > bytes_.size() - offset) {
      fail(std::string(what) + " at byte " + std::to_string(offset) + " runs past the end of the file");
    }
  }
  std::uint64_t le(std::uint64_t offset, int n) const {
    need(offset, static_cast<std::uint64_t>(n), "field");
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(bytes_[offset + i]);
    return v;
  }
  std::span<const std::byte> bytes() const { return bytes_; }
  const std::string& source() const { return source_; }

 private:
  std::span<const std::byte> bytes_;
  std::string source_;
};

struct Zip64Fields {
  std::uint64_t uncompressed, compressed, local_offset;
};

// Reads the ZIP64 extended-information extra field for the values that are saturated (0xFFFFFFFF).
void apply_zip64_extra(const Reader& r, std::uint64_t extra, std::uint64_t extra_len, Zip64Fields& f) {
  std::uint64_t p = extra;
  const std::uint64_t end = extra + extra_len;
  while (p + 4 <= end) {
    const auto id = r.le(p, 2);
    const auto size = r.le(p + 2, 2);
    if (p + 4 + size > end) r.fail("a zip extra field overruns its header");
    if (id == 0x0001) {
      std::uint64_t q = p + 4;
      auto take = [&](std::uint64_t& v) {
        if (v != 0xFFFFFFFFu) return;
        if (q + 8 > p + 4 + size) r.fail("a ZIP64 extra field is too short");
        v = r.le(q, 8);
        q += 8;
      };
      take(f.uncompressed);
      take(f.compressed);
      take(f.local_offset);
      return;
    }
    p += 4 + size;
  }
}

}  // namespace

bool looks_like_zip(std::span<const std::byte> bytes) {
  if (bytes.size() < 4) return false;
  const auto b = [&](int i) { return static_cast<std::uint8_t>(bytes[i]); };
  return b(0) == 'P' && b(1) == 'K' && ((b(2) == 3 && b(3) == 4) || (b(2) == 5 && b(3) == 6));
}

ZipArchive::ZipArchive(std::span<const std::byte> bytes, std::string_view source) : bytes_(bytes), source_(source) {
  const Reader r(bytes, source);
  if (bytes.size() < 22) r.fail("too small to be a zip archive (" + std::to_string(bytes.size()) + " bytes)");
  // The end-of-central-directory record sits in the last 22 + 65535 bytes.
  std::uint64_t eocd = UINT64_MAX;
  const std::uint64_t lowest = bytes.size() > 22 + 65535 ? bytes.size() - 22 - 65535 : 0;
  for (std::uint64_t p = bytes.size() - 22 + 1; p-- > lowest;) {
    if (r.le(p, 4) == kEndSig) {
      eocd = p;
      break;
    }
  }
  if (eocd == UINT64_MAX) r.fail("no end-of-central-directory record (truncated?)");
  std::uint64_t count = r.le(eocd + 10, 2);
  std::uint64_t cd_size = r.le(eocd + 12, 4);
  std::uint64_t cd_offset = r.le(eocd + 16, 4);
  if (eocd >= 20 && r.le(eocd - 20, 4) == kEnd64LocatorSig) {
    const std::uint64_t e64 = r.le(eocd - 20 + 8, 8);
    r.need(e64, 56, "ZIP64 end record");
    if (r.le(e64, 4) != kEnd64Sig) r.fail("ZIP64 end record has a bad signature");
    count = r.le(e64 + 32, 8);
    cd_size = r.le(e64 + 40, 8);
    cd_offset = r.le(e64 + 48, 8);
  }
  r.need(cd_offset, cd_size, "central directory");
  if (count > cd_size / 46 + 1) r.fail("central directory claims more entries than it can hold");

  std::uint64_t p = cd_offset;
  for (std::uint64_t i = 0; i < count; ++i) {
    r.need(p, 46, "central directory entry");
    if (r.le(p, 4) != kCentralSig) r.fail("central directory entry " + std::to_string(i) + " has a bad signature");
    const auto flags = r.le(p + 8, 2);
    const auto method = r.le(p + 10, 2);
    Zip64Fields f{r.le(p + 24, 4), r.le(p + 20, 4), r.le(p + 42, 4)};
    const auto name_len = r.le(p + 28, 2);
    const auto extra_len = r.le(p + 30, 2);
    const auto comment_len = r.le(p + 32, 2);
    r.need(p + 46, name_len + extra_len + comment_len, "central directory entry name");
    std::string name(reinterpret_cast<const char*>(bytes.data() + p + 46), name_len);
    apply_zip64_extra(r, p + 46 + name_len, extra_len, f);
    if (flags & 0x1) r.fail("record '" + name + "' is encrypted");
    if (method != 0) {
      r.fail("record '" + name + "' is compressed (method " + std::to_string(method) +
             "); torch.save writes stored records only");
    }
    if (f.compressed != f.uncompressed) r.fail("record '" + name + "' has mismatched sizes");
    r.need(f.local_offset, 30, "local header");
    if (r.le(f.local_offset, 4) != kLocalSig) r.fail("record '" + name + "' has a bad local header");
    const std::uint64_t data = f.local_offset + 30 + r.le(f.local_offset + 26, 2) + r.le(f.local_offset + 28, 2);
    r.need(data, f.compressed, ("record '" + name + "'").c_str());
    if (records_.count(name)) r.fail("record '" + name + "' appears twice");
    records_.emplace(std::move(name), bytes.subspan(data, f.compressed));
    p += 46 + name_len + extra_len + comment_len;
  }
}

std::span<const std::byte> ZipArchive::record(const std::string& name) const {
  const auto it = records_.find(name);
  if (it == records_.end()) {
    throw CheckpointError("invalid .pth file '" + source_ + "': record '" + name +
                          "' is missing from the archive; the file is truncated, damaged or may be malicious.");
  }
  return it->second;
}

std::size_t ZipArchive::offset_of(const std::string& name) const {
  return static_cast<std::size_t>(record(name).data() - bytes_.data());
}

}  // namespace corridorkey
