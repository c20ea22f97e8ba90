// Tests of the shared SenML layer: the label table (RFC 8428 Table 1 and 4),
// the canonical naming styles of BuildSenmlPack, and the sample payloads in
// testcases/payloads/senml-*.hex decoding as their "# expect:" line says.
#include "lwm2m/codec/senml_common.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "lwm2m/codec/codec_test_support.h"

namespace lwm2m {
namespace {

using namespace codec_test;

TEST(SenmlLabels, MatchRfc8428Tables) {
  struct Row {
    SenmlLabel label;
    std::string_view name;
    std::optional<int> cbor;
  } rows[] = {{SenmlLabel::kBaseVersion, "bver", -1},
              {SenmlLabel::kBaseName, "bn", -2},
              {SenmlLabel::kBaseTime, "bt", -3},
              {SenmlLabel::kBaseUnit, "bu", -4},
              {SenmlLabel::kBaseValue, "bv", -5},
              {SenmlLabel::kBaseSum, "bs", -6},
              {SenmlLabel::kName, "n", 0},
              {SenmlLabel::kUnit, "u", 1},
              {SenmlLabel::kValue, "v", 2},
              {SenmlLabel::kStringValue, "vs", 3},
              {SenmlLabel::kBooleanValue, "vb", 4},
              {SenmlLabel::kSum, "s", 5},
              {SenmlLabel::kTime, "t", 6},
              {SenmlLabel::kUpdateTime, "ut", 7},
              {SenmlLabel::kDataValue, "vd", 8},
              {SenmlLabel::kObjlnkValue, "vlo", std::nullopt}};
  for (const auto& r : rows) {
    EXPECT_EQ(SenmlLabelName(r.label), r.name);
    EXPECT_EQ(SenmlLabelFromName(r.name), r.label);
    EXPECT_EQ(SenmlLabelCborKey(r.label), r.cbor) << r.name;
    if (r.cbor) {
      EXPECT_EQ(SenmlLabelFromCborKey(*r.cbor), r.label);
    }
  }
  EXPECT_EQ(SenmlLabelFromCborKey(9), SenmlLabel::kUnknown);
  EXPECT_EQ(SenmlLabelFromCborKey(-7), SenmlLabel::kUnknown);
  EXPECT_EQ(SenmlLabelFromName("V"), SenmlLabel::kUnknown);  // byte-wise, case-sensitive (RFC 8428 §3)
  EXPECT_TRUE(IsSenmlValueLabel(SenmlLabel::kObjlnkValue));
  EXPECT_FALSE(IsSenmlValueLabel(SenmlLabel::kSum));
}

std::vector<std::string> Names(const SenmlPack& p) {
  std::vector<std::string> out;
  for (const auto& r : p.records) {
    std::string s;
    for (const auto& f : r.fields)
      if (f.label == SenmlLabel::kBaseName || f.label == SenmlLabel::kName)
        s += f.name + "=" + std::get<std::string>(f.value) + " ";
    out.push_back(s);
  }
  return out;
}

TEST(SenmlBuild, NamingStyles) {
  Content c;
  c.records = {Rec("/3/0/7/0", Value::Integer(1)), Rec("/3/0/7/1", Value::Integer(2))};
  auto below = BuildSenmlPack(c, {.request_path = P("/3/0/7")}, kSenmlJsonOptions);
  ASSERT_TRUE(below.ok());
  EXPECT_EQ(Names(*below), (std::vector<std::string>{"bn=/3/0/7/ n=0 ", "n=1 "}));
  auto root = BuildSenmlPack(c, {.request_path = P("/")}, kSenmlJsonOptions);
  EXPECT_EQ(Names(*root), (std::vector<std::string>{"n=/3/0/7/0 ", "n=/3/0/7/1 "}));
  auto outside = BuildSenmlPack(c, {.request_path = P("/3/1")}, kSenmlJsonOptions);
  EXPECT_EQ(Names(*outside), (std::vector<std::string>{"n=/3/0/7/0 ", "n=/3/0/7/1 "}));
  Content series;
  series.records = {Rec("/3/0/9", Value::Integer(90), 1700000000), Rec("/3/0/9", Value::Integer(89), 1700000060)};
  auto same = BuildSenmlPack(series, {.request_path = P("/3/0/9")}, kSenmlJsonOptions);
  EXPECT_EQ(Names(*same), (std::vector<std::string>{"bn=/3/0/9 ", ""}));
}

TEST(SenmlResolve, HandBuiltPackWithFrontEndNote) {
  SenmlPack pack;
  SenmlRecord r;
  r.fields.push_back({SenmlLabel::kName, "n", std::string("/3/0/9"), 4, ""});
  r.fields.push_back({SenmlLabel::kValue, "v", SenmlNumber::Unsigned(7), 9, ""});
  r.fields.push_back({SenmlLabel::kUnknown, "x", true, 12, "a front-end remark"});
  pack.records.push_back(r);
  Diagnostics d;
  Content c = ResolveSenmlPack(pack, {.models = &TestModels()}, kSenmlCborOptions, d);
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.records[0].value, Value::Integer(7));
  const Diagnostic* w = FindDiag(d.list(), Severity::kWarning, "unknown label 'x'");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->offset, 12u);
  EXPECT_NE(w->message.find("(a front-end remark)"), std::string::npos);
  EXPECT_EQ(w->message.rfind("SenML CBOR: ", 0), 0u);
}

// testcases/payloads/senml-*.hex: "# format", "# path", "# expect" headers, hex body.
TEST(SenmlPayloadSamples, DecodeAsTheirHeadersSay) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(LWM2M_SOURCE_DIR) / "testcases" / "payloads";
  size_t seen = 0;
  std::map<std::string, std::pair<int, int>> per_format;  // ok, errors
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("senml-", 0) != 0 || entry.path().extension() != ".hex") continue;
    std::ifstream in(entry.path());
    std::string line, format, path, expect, hex;
    while (std::getline(in, line)) {
      if (line.rfind("# format: ", 0) == 0)
        format = line.substr(10);
      else if (line.rfind("# path: ", 0) == 0)
        path = line.substr(8);
      else if (line.rfind("# expect: ", 0) == 0)
        expect = line.substr(10);
      else if (!line.empty() && line[0] != '#')
        hex += line;
    }
    const Codec* codec = FindCodec(format);
    ASSERT_NE(codec, nullptr) << file << ": format " << format;
    Result<Bytes> bytes = HexDecode(hex);
    ASSERT_TRUE(bytes.ok()) << file;
    DecodeResult r = codec->Decode(*bytes, {.request_path = P(path), .models = &TestModels()});
    ASSERT_TRUE(expect == "ok" || expect == "errors") << file;
    EXPECT_EQ(r.HasErrors(), expect == "errors") << file << "\n" << DumpDiags(r.diagnostics);
    if (expect == "ok") {
      EXPECT_FALSE(r.content.empty()) << file;
    }
    auto& counts = per_format[format];
    (expect == "ok" ? counts.first : counts.second)++;
    ++seen;
  }
  EXPECT_GE(seen, 12u);
  for (std::string_view f : {"senml-json", "senml-cbor", "senml-etch-json", "senml-etch-cbor"}) {
    EXPECT_GE(per_format[std::string(f)].first + per_format[std::string(f)].second, 3) << f;
    EXPECT_GE(per_format[std::string(f)].second, 1) << f;
  }
}

}  // namespace
}  // namespace lwm2m
