// cli_common.cc: checked parsing of user input shared by the subcommands.
#include "harness/cli/cli_common.h"

#include <algorithm>
#include <vector>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "lwm2m/model.h"
#include "lwm2m/suggest.h"

namespace lwm2m::cli {

namespace {
std::string KnownFormatNames() {
  std::string s;
  for (const auto& i : AllContentFormats()) {
    if (!s.empty()) s += ", ";
    s += std::string(i.name);
  }
  return s;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Result<ContentFormat> ParseFormatOption(std::string_view text) {
  auto f = ParseContentFormat(text);
  if (!f) return BadRequest("unknown format '" + std::string(text) + "'; known: " + KnownFormatNames() +
                            " (or their numbers, see `lwm2m-harness formats`)");
  if (!FindContentFormat(*f))
    return BadRequest("content format " + std::to_string(static_cast<unsigned>(*f)) +
                      " is not one that LwM2M 1.2 uses; known: " + KnownFormatNames());
  return *f;
}

Result<const Codec*> RequireCodec(ContentFormat format) {
  const Codec* c = FindCodec(format);
  if (!c) {
    const auto* info = FindContentFormat(format);
    return UnsupportedContentFormat("format " + std::string(info ? info->name : "unknown") + " (" +
                                    std::to_string(static_cast<unsigned>(format)) +
                                    ") is not available in this build");
  }
  return c;
}

Result<Path> ParsePathOption(std::string_view what, std::string_view text) {
  auto p = Path::Parse(text);
  if (!p) return BadRequest(std::string(what) + ": '" + std::string(text) + "' is not an LwM2M path: " +
                            p.status().message());
  return *p;
}

Status CheckLwm2mVersion(std::string_view v) {
  if (v == "1.0" || v == "1.1" || v == "1.2") return Status::Ok();
  return BadRequest("--lwm2m-version: '" + std::string(v) + "' is not one of 1.0, 1.1, 1.2");
}

Result<Bytes> ParseHexArgument(std::string_view t) {
  Bytes out;
  int hi = -1;
  size_t hi_pos = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == ' ' || c == ':' || c == '\t' || c == '\n' || c == '\r') {
      if (hi >= 0)
        return BadRequest("digit '" + std::string(1, t[hi_pos]) + "' at position " + std::to_string(hi_pos) +
                          " is half a byte (a separator follows it at position " + std::to_string(i) + ")");
      continue;
    }
    if (hi < 0 && c == '0' && i + 1 < t.size() && (t[i + 1] == 'x' || t[i + 1] == 'X')) {
      ++i;
      continue;
    }
    int v = HexDigit(c);
    if (v < 0) {
      std::string shown = (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f)
                              ? "'" + std::string(1, c) + "'"
                              : "byte 0x" + HexEncode(Bytes{static_cast<uint8_t>(c)});
      return BadRequest("character " + shown + " at position " + std::to_string(i) +
                        " is not a hex digit");
    }
    if (hi < 0) {
      hi = v;
      hi_pos = i;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  if (hi >= 0)
    return BadRequest("odd number of hex digits (the digit at position " + std::to_string(hi_pos) +
                      " has no partner)");
  return out;
}

Result<Bytes> ReadFileBytes(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return BadRequest("cannot read '" + path + "': it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read '" + path + "': " + std::strerror(errno));
  Bytes b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return BadRequest("cannot read '" + path + "': read error");
  return b;
}

Result<Bytes> ReadStdinBytes() {
  Bytes b;
  char buf[4096];
  for (;;) {
    size_t n = std::fread(buf, 1, sizeof buf, stdin);
    b.insert(b.end(), buf, buf + n);
    if (n < sizeof buf) break;
  }
  if (std::ferror(stdin)) return BadRequest("cannot read standard input");
  return b;
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return BadRequest("cannot write '" + tmp + "': " + std::strerror(errno));
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return BadRequest("cannot write '" + tmp + "': " + std::strerror(errno));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    return BadRequest("cannot rename '" + tmp + "' to '" + path + "': " + ec.message());
  }
  return Status::Ok();
}

std::string ToString(const Bytes& b) { return std::string(b.begin(), b.end()); }
Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

const ModelRegistry& Models() { return ModelRegistry::Builtin(); }

}  // namespace lwm2m::cli
