// codec_bench.cc: decode and encode throughput of every data content format on
// one representative payload (a Device object instance, a Server instance and
// a Temperature reading, 20 records). Prints figures; asserts nothing about speed.
//   build/bench/codec_bench [iterations]      (default 20000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "lwm2m/codec/codec.h"

namespace {

using lwm2m::Path;
using lwm2m::Record;
using lwm2m::Value;

std::vector<Record> SampleRecords() {
  auto r = [](Path p, Value v) { return Record{p, std::move(v), std::nullopt}; };
  return {
      r(Path{3, 0, 0}, Value::String("Open Mobile Alliance")),
      r(Path{3, 0, 1}, Value::String("Lightweight M2M Client")),
      r(Path{3, 0, 2}, Value::String("345000123")),
      r(Path{3, 0, 3}, Value::String("1.0")),
      r(Path{3, 0, 6, 0}, Value::Integer(1)),
      r(Path{3, 0, 6, 1}, Value::Integer(5)),
      r(Path{3, 0, 7, 0}, Value::Integer(3800)),
      r(Path{3, 0, 7, 1}, Value::Integer(5000)),
      r(Path{3, 0, 9}, Value::Integer(100)),
      r(Path{3, 0, 10}, Value::Integer(15)),
      r(Path{3, 0, 11, 0}, Value::Integer(0)),
      r(Path{3, 0, 13}, Value::Time(1367491215)),
      r(Path{3, 0, 14}, Value::String("+02:00")),
      r(Path{3, 0, 16}, Value::String("U")),
      r(Path{1, 0, 0}, Value::Integer(101)),
      r(Path{1, 0, 1}, Value::UnsignedInteger(86400)),
      r(Path{1, 0, 6}, Value::Boolean(true)),
      r(Path{1, 0, 7}, Value::String("U")),
      r(Path{3303, 0, 5700}, Value::Float(21.5)),
      r(Path{3303, 0, 5701}, Value::String("Cel")),
  };
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = argc > 1 ? std::atol(argv[1]) : 20000;
  if (iterations <= 0) iterations = 1;
  lwm2m::Content content;
  content.records = SampleRecords();
  lwm2m::CodecContext ctx;
  ctx.models = &lwm2m::ModelRegistry::Builtin();
  std::printf("%-16s %8s %14s %14s %12s\n", "format", "bytes", "decode us/op", "encode us/op", "decode MB/s");
  int failures = 0;
  for (const lwm2m::Codec* codec : lwm2m::AllCodecs()) {
    auto f = codec->format();
    // Formats that carry one value or no records are measured elsewhere.
    if (f == lwm2m::ContentFormat::kTextPlain || f == lwm2m::ContentFormat::kOpaque ||
        f == lwm2m::ContentFormat::kCbor || f == lwm2m::ContentFormat::kLinkFormat)
      continue;
    lwm2m::CodecContext c = ctx;
    lwm2m::Content in = content;
    if (f == lwm2m::ContentFormat::kTlv || f == lwm2m::ContentFormat::kLwm2mJson) {
      // One object instance per payload for formats addressed by a request path.
      in.records.resize(14);
      c.request_path = Path{3, 0};
      if (f == lwm2m::ContentFormat::kLwm2mJson) c.lwm2m_version = "1.0";
    }
    auto bytes = codec->Encode(in, c);
    if (!bytes.ok()) {
      std::printf("%-16s encode failed: %s\n", std::string(codec->name()).c_str(), bytes.status().ToString().c_str());
      ++failures;
      continue;
    }
    auto t0 = std::chrono::steady_clock::now();
    size_t sink = 0;
    for (long i = 0; i < iterations; ++i) sink += codec->Decode(*bytes, c).content.records.size();
    auto t1 = std::chrono::steady_clock::now();
    for (long i = 0; i < iterations; ++i) sink += codec->Encode(in, c)->size();
    auto t2 = std::chrono::steady_clock::now();
    double dec = std::chrono::duration<double, std::micro>(t1 - t0).count() / static_cast<double>(iterations);
    double enc = std::chrono::duration<double, std::micro>(t2 - t1).count() / static_cast<double>(iterations);
    std::printf("%-16s %8zu %14.2f %14.2f %12.1f\n", std::string(codec->name()).c_str(), bytes->size(), dec, enc,
                static_cast<double>(bytes->size()) / dec);
    if (sink == 0) ++failures;
  }
  return failures == 0 ? 0 : 1;
}
