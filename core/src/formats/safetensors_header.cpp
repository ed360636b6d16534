#include "corridorkey/safetensors_header.hpp"

#include <algorithm>
#include <cstring>
#include <set>

#include <nlohmann/json.hpp>

#include "corridorkey/errors.hpp"

namespace corridorkey {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(std::string_view source, const std::string& what) {
  throw CheckpointError("invalid safetensors file '" + std::string(source) + "': " + what +
                        ". The file is damaged or not a safetensors file; re-download or re-export it.");
}

std::uint64_t read_u64_le(const std::byte* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(p[i]);
  return v;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::uint64_t as_u64(const json& v, std::string_view source, const std::string& where) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  fail(source, where + " must be a non-negative integer, found " + v.dump());
}

SafetensorsEntry parse_entry(const std::string& name, const json& info, std::string_view source) {
  const std::string where = "tensor '" + name + "'";
  if (!info.is_object()) fail(source, where + " must be a JSON object, found " + std::string(info.type_name()));
  SafetensorsEntry e;
  e.name = name;
  const auto dt = info.find("dtype");
  if (dt == info.end()) fail(source, where + " has no \"dtype\"");
  if (!dt->is_string()) fail(source, where + ": \"dtype\" must be a string");
  const auto parsed = dtype_from_safetensors(dt->get_ref<const std::string&>());
  if (!parsed) {
    std::string known;
    for (int i = 0; i < kDTypeCount; ++i)
      known += (i ? " " : "") + std::string(safetensors_name(static_cast<DType>(i)));
    fail(source, where + " has unknown dtype \"" + dt->get<std::string>() + "\" (known: " + known + ")");
  }
  e.dtype = *parsed;
  const auto shape = info.find("shape");
  if (shape == info.end()) fail(source, where + " has no \"shape\"");
  if (!shape->is_array()) fail(source, where + ": \"shape\" must be an array");
  for (const auto& d : *shape) {
    const std::uint64_t dim = as_u64(d, source, where + " shape entry");
    if (dim > static_cast<std::uint64_t>(INT64_MAX)) fail(source, where + " has a dimension too large");
    e.shape.push_back(static_cast<std::int64_t>(dim));
  }
  const auto offs = info.find("data_offsets");
  if (offs == info.end()) fail(source, where + " has no \"data_offsets\"");
  if (!offs->is_array() || offs->size() != 2) fail(source, where + ": \"data_offsets\" must be [begin, end]");
  e.begin = as_u64((*offs)[0], source, where + " data_offsets");
  e.end = as_u64((*offs)[1], source, where + " data_offsets");
  return e;
}

}  // namespace

std::int64_t SafetensorsEntry::numel() const {
  std::int64_t n = 1;
  for (const auto d : shape) n *= d;
  return n;
}

SafetensorsHeader parse_safetensors_header(std::span<const std::byte> file, std::string_view source) {
  if (file.size() < 8) {
    fail(source, "file is " + std::to_string(file.size()) + " bytes, too small to hold the 8-byte header length");
  }
  const std::uint64_t n = read_u64_le(file.data());
  if (n > kMaxSafetensorsHeader) {
    fail(source, "header length " + std::to_string(n) + " exceeds the " + std::to_string(kMaxSafetensorsHeader) +
                     "-byte limit");
  }
  if (n > file.size() - 8) {
    fail(source, "header length " + std::to_string(n) + " runs past the end of the " + std::to_string(file.size()) +
                     "-byte file (truncated?)");
  }
  std::string_view text(reinterpret_cast<const char*>(file.data() + 8), n);
  // Writers may pad the header with spaces, before or after the JSON, to page-align the data.
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '{') fail(source, "header does not start with '{'");
  text.remove_prefix(first);
  if (!valid_utf8(text)) fail(source, "header is not valid UTF-8");

  // Duplicate names are an error (nlohmann would keep the last silently), and a header never
  // needs more than 3 levels of nesting: deeper input is refused before it is built.
  std::set<std::string> seen;
  const json::parser_callback_t check = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > 3) fail(source, "header nests deeper than a safetensors header can");
    if (event == json::parse_event_t::key && depth == 1) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!seen.insert(key).second) fail(source, "tensor name '" + key + "' appears twice in the header");
    }
    return true;
  };
  json header;
  try {
    header = json::parse(text.begin(), text.end(), check);
  } catch (const json::exception& e) {
    fail(source, std::string("header is not valid JSON (") + e.what() + ")");
  }
  if (!header.is_object()) fail(source, "header must be a JSON object");

  SafetensorsHeader out;
  out.data_start = 8 + n;
  for (const auto& [key, value] : header.items()) {
    if (key == "__metadata__") {
      if (value.is_null()) continue;  // what safetensors writes for "no metadata"
      if (!value.is_object()) fail(source, "\"__metadata__\" must be an object of strings or null");
      for (const auto& [mk, mv] : value.items()) {
        if (!mv.is_string()) fail(source, "metadata value for '" + mk + "' must be a string");
        out.metadata[mk] = mv.get<std::string>();
      }
      continue;
    }
    out.entries.push_back(parse_entry(key, value, source));
  }

  // Offsets: ordered, contiguous from 0, each exactly numel * bits / 8 bytes (a whole number of
  // bytes for the sub-byte types), ending at the file's end.
  std::vector<const SafetensorsEntry*> by_offset;
  for (const auto& e : out.entries) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const auto* a, const auto* b) { return a->begin != b->begin ? a->begin < b->begin : a->end < b->end; });
  std::uint64_t cursor = 0;
  for (const auto* e : by_offset) {
    const std::string where = "tensor '" + e->name + "'";
    if (e->begin != cursor) {
      fail(source, where + " starts at byte " + std::to_string(e->begin) +
                       (e->begin < cursor ? " inside the previous tensor (overlap)"
                                          : " leaving a gap after byte " + std::to_string(cursor)));
    }
    if (e->end < e->begin) fail(source, where + " ends before it starts");
    std::uint64_t bits = bitsize(e->dtype);
    for (const auto d : e->shape) {
      if (d != 0 && bits > UINT64_MAX / static_cast<std::uint64_t>(d)) {
        fail(source, where + " shape overflows when multiplied out");
      }
      bits *= static_cast<std::uint64_t>(d);
    }
    if (bits % 8 != 0) {
      fail(source, where + " is " + std::string(safetensors_name(e->dtype)) + " with " + std::to_string(e->numel()) +
                       " elements, which do not end on a byte boundary");
    }
    const std::uint64_t bytes = bits / 8;
    if (bytes != e->end - e->begin) {
      fail(source, where + " spans " + std::to_string(e->end - e->begin) + " bytes but its dtype and shape need " +
                       std::to_string(bytes));
    }
    cursor = e->end;
  }
  const std::uint64_t data_size = file.size() - out.data_start;
  if (cursor != data_size) {
    fail(source, "tensors cover " + std::to_string(cursor) + " bytes of a " + std::to_string(data_size) +
                     "-byte data section" + (cursor > data_size ? " (file truncated?)" : " (trailing bytes)"));
  }
  std::sort(out.entries.begin(), out.entries.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace corridorkey
