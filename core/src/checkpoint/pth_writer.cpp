// Writes a state dict the way torch.save does (zip of stored records, pickle protocol 2, one
// storage per tensor, records 64-byte aligned, CRC-32 as PyTorch's reader checks), so that
// torch.load(weights_only=True) and this engine read it. Used for test and benchmark checkpoints.

#include <array>

#include <ATen/ATen.h>

#include "corridorkey/atomic_file.hpp"
#include "corridorkey/checkpoint.hpp"
#include "corridorkey/errors.hpp"

namespace corridorkey {
namespace {

void le(std::string& out, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::string unicode(const std::string& s) {
  std::string out = "X";
  le(out, s.size(), 4);
  return out.append(s);
}

std::string long1(std::int64_t v) {
  std::string out("\x8a\x08", 2);
  le(out, static_cast<std::uint64_t>(v), 8);
  return out;
}

// The storage class torch.save records for a tensor type; float8 is left out, as torch.load's
// weights-only allowlist has no legacy storage class for it.
std::string_view storage_class(at::ScalarType t) {
  for (int i = 0; i <= static_cast<int>(DType::BOOL); ++i) {
    const auto d = static_cast<DType>(i);
    if (to_scalar_type(d) == t) return storage_class_name(d);
  }
  throw CheckpointError(std::string("cannot write tensors of type ") + c10::toString(t) + " to a .pth");
}

// CRC-32 (the zip/IEEE polynomial, reflected), bytewise with a table built once.
std::uint32_t crc32(const void* data, std::size_t size) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t crc = 0xFFFFFFFFu;
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

struct ZipWriter {
  explicit ZipWriter(AtomicFile& f) : file(f) {}
  AtomicFile& file;
  std::uint64_t offset = 0;
  std::string central;
  std::size_t count = 0;

  void add(const std::string& name, const void* data, std::size_t size) {
    const std::uint32_t crc = crc32(data, size);
    // Pad the local header's extra field so the data starts on a 64-byte boundary.
    const std::uint64_t header = 30 + name.size() + 4;
    const std::uint64_t pad = (64 - (offset + header) % 64) % 64;
    std::string local;
    le(local, 0x04034b50, 4), le(local, 20, 2), le(local, 0, 2), le(local, 0, 2), le(local, 0, 4);
    le(local, crc, 4), le(local, size, 4), le(local, size, 4);
    le(local, name.size(), 2), le(local, 4 + pad, 2);
    local.append(name);
    le(local, 0x4b46, 2), le(local, pad, 2);
    local.append(pad, 'Z');
    file.write(local.data(), local.size());
    file.write(data, size);
    le(central, 0x02014b50, 4), le(central, 20, 2), le(central, 20, 2), le(central, 0, 2), le(central, 0, 2);
    le(central, 0, 4), le(central, crc, 4), le(central, size, 4), le(central, size, 4);
    le(central, name.size(), 2), le(central, 0, 2), le(central, 0, 2), le(central, 0, 2), le(central, 0, 2);
    le(central, 0, 4), le(central, offset, 4);
    central.append(name);
    offset += local.size() + size;
    ++count;
    if (offset > 0xFFFFFFFFull) throw CheckpointError("the .pth writer does not write files over 4 GB (no ZIP64)");
  }

  void finish() {
    std::string end = central;
    le(end, 0x06054b50, 4), le(end, 0, 2), le(end, 0, 2), le(end, count, 2), le(end, count, 2);
    le(end, central.size(), 4), le(end, offset, 4), le(end, 0, 2);
    file.write(end.data(), end.size());
  }
};

}  // namespace

void write_pth(const std::filesystem::path& path, const std::map<std::string, at::Tensor>& tensors) {
  std::string pkl("\x80\x02", 2);
  pkl += "ccollections\nOrderedDict\n)R(";
  std::vector<at::Tensor> data;
  for (const auto& [name, t] : tensors) {
    const at::Tensor c = t.to(at::kCPU).contiguous();
    const std::string key = std::to_string(data.size());
    pkl.append(unicode(name)).append("ctorch._utils\n_rebuild_tensor_v2\n((").append(unicode("storage"));
    pkl.append("ctorch\n").append(storage_class(c.scalar_type())).append("\n").append(unicode(key));
    pkl.append(unicode("cpu")).append(long1(c.numel())).append("tQ").append(long1(0)).append("(");
    for (const auto s : c.sizes()) pkl.append(long1(s));
    pkl.append("t(");
    for (const auto s : c.strides()) pkl.append(long1(s));
    pkl.append(
        "t\x89"
        "ccollections\nOrderedDict\n)RtR");
    data.push_back(c);
  }
  pkl += "u.";
  AtomicFile file(path);
  ZipWriter zip(file);
  const std::string folder = path.stem().string().empty() ? "archive" : path.stem().string();
  auto record = [&](const char* leaf, const std::string& suffix = "") {
    return std::string(folder).append(leaf).append(suffix);
  };
  zip.add(record("/data.pkl"), pkl.data(), pkl.size());
  zip.add(record("/byteorder"), "little", 6);
  for (std::size_t i = 0; i < data.size(); ++i) {
    zip.add(record("/data/", std::to_string(i)), data[i].data_ptr(), static_cast<std::size_t>(data[i].nbytes()));
  }
  zip.add(record("/version"), "3\n", 2);
  zip.finish();
  file.commit();
}

}  // namespace corridorkey
