// model_test.cc: the DDF loader (strictness, file:line errors), version selection, the
// built-in models (spot checks against the OMA registry definitions) and LWM2M_DDF_PATH.
#include "lwm2m/model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "lwm2m/model/builtin_ddf.h"

namespace lwm2m {

// Readable failure messages ("Unsigned Integer" rather than "1-byte object <03>").
[[maybe_unused]] static void PrintTo(DataType t, std::ostream* os) { *os << DataTypeName(t); }
[[maybe_unused]] static void PrintTo(Operations o, std::ostream* os) { *os << "'" << OperationsName(o) << "'"; }

namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// ---------------------------------------------------------------------------
// LWM2M_DDF_PATH is read once, by the first ModelRegistry::Builtin() call, so it
// is set before any test runs (gtest runs global environments before the tests).

fs::path MakeTempDir() {
  std::string templ = (fs::temp_directory_path() / "lwm2m_model_test_XXXXXX").string();
  char* made = mkdtemp(templ.data());
  if (made == nullptr) std::abort();  // the test machine itself is broken
  return fs::path(made);
}

void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string OneItem(int id, const std::string& name, const std::string& type, const std::string& ops = "R") {
  return "      <Item ID=\"" + std::to_string(id) + "\"><Name>" + name + "</Name><Operations>" + ops +
         "</Operations><MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory><Type>" +
         type + "</Type><RangeEnumeration></RangeEnumeration><Units></Units><Description>d</Description></Item>\n";
}

// A valid DDF document of one object (ObjectVersion given, LWM2MVersion 1.1).
std::string Ddf(int id, const std::string& version, const std::string& name, const std::string& items) {
  std::string urn = "urn:oma:lwm2m:x:" + std::to_string(id) + (version == "1.0" ? "" : ":" + version);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LWM2M>\n  <Object ObjectType=\"MODefinition\">\n"
         "    <Name>" + name + "</Name>\n    <Description1>test</Description1>\n"
         "    <ObjectID>" + std::to_string(id) + "</ObjectID>\n    <ObjectURN>" + urn + "</ObjectURN>\n"
         "    <LWM2MVersion>1.1</LWM2MVersion>\n    <ObjectVersion>" + version + "</ObjectVersion>\n"
         "    <MultipleInstances>Multiple</MultipleInstances>\n    <Mandatory>Optional</Mandatory>\n"
         "    <Resources>\n" + items + "    </Resources>\n  </Object>\n</LWM2M>\n";
}

class DdfPathEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    first_ = MakeTempDir();
    second_ = MakeTempDir();
    // Same id and version as a built-in model: replaces it.
    WriteFile(first_ / "3303-1.0.xml", Ddf(3303, "1.0", "Overridden Temperature", OneItem(5700, "Override Value", "Integer")));
    WriteFile(first_ / "33000-1.0.xml", Ddf(33000, "1.0", "Extra A", OneItem(1, "A", "String")));
    WriteFile(first_ / "notes.txt", "not a DDF file, ignored");
    WriteFile(second_ / "33001-2.0.xml", Ddf(33001, "2.0", "Extra B", OneItem(7, "B", "Float")));
    std::string value = first_.string() + "::" + second_.string();  // the empty entry is skipped
    setenv("LWM2M_DDF_PATH", value.c_str(), 1);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(first_, ec);
    fs::remove_all(second_, ec);
  }

 private:
  fs::path first_;
  fs::path second_;
};

[[maybe_unused]] ::testing::Environment* const kDdfPathEnvironment =
    ::testing::AddGlobalTestEnvironment(new DdfPathEnvironment);

std::vector<uint16_t> ResourceIds(const ObjectModel& m) {
  std::vector<uint16_t> ids;
  for (const auto& [id, r] : m.resources) ids.push_back(id);
  return ids;
}

std::vector<uint16_t> Range(uint16_t first, uint16_t last) {
  std::vector<uint16_t> v;
  for (uint32_t i = first; i <= last; ++i) v.push_back(static_cast<uint16_t>(i));
  return v;
}

// The built-in models without the LWM2M_DDF_PATH overrides, for the data checks.
const ModelRegistry& Shipped() {
  static const ModelRegistry r = [] {
    ModelRegistry reg;
    for (const auto& f : model_internal::BuiltinDdfFiles()) {
      Status s = reg.LoadXml(f.xml, f.name);
      if (!s.ok()) ADD_FAILURE() << s.ToString();
    }
    return reg;
  }();
  return r;
}

const ResourceModel& Res(uint16_t oid, std::string_view version, uint16_t rid) {
  static const ResourceModel kMissing{};
  const ObjectModel* o = Shipped().Find(oid, version);
  if (o == nullptr) {
    ADD_FAILURE() << "object " << oid << " v" << version << " not shipped";
    return kMissing;
  }
  const ResourceModel* r = o->FindResource(rid);
  if (r == nullptr) {
    ADD_FAILURE() << "resource /" << oid << "/x/" << rid << " missing in v" << version;
    return kMissing;
  }
  return *r;
}

// ---------------------------------------------------------------------------
// Built-in data

TEST(BuiltinModels, EveryEmbeddedFileLoadsAndIsNamedIdDashVersion) {
  auto files = model_internal::BuiltinDdfFiles();
  ASSERT_GE(files.size(), 22u);
  for (const auto& f : files) {
    ModelRegistry r;
    Status s = r.LoadXml(f.xml, f.name);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(r.All().size(), 1u) << f.name;
    const ObjectModel* m = r.All()[0];
    EXPECT_EQ(f.name, std::to_string(m->id) + "-" + m->version + ".xml");
  }
}

TEST(BuiltinModels, EmbeddedFilesMatchTheSourceTree) {
  // A stale build (an XML changed but not re-embedded) fails here.
  std::set<std::string> on_disk;
  for (const auto& e : fs::directory_iterator(fs::path(LWM2M_SOURCE_DIR) / "lwm2m/model/ddf")) {
    if (e.path().extension() == ".xml") on_disk.insert(e.path().filename().string());
  }
  std::set<std::string> embedded;
  for (const auto& f : model_internal::BuiltinDdfFiles()) {
    embedded.insert(std::string(f.name));
    std::ifstream in(fs::path(LWM2M_SOURCE_DIR) / "lwm2m/model/ddf" / std::string(f.name), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_EQ(content.str(), f.xml) << f.name << " differs from the source tree";
  }
  EXPECT_EQ(embedded, on_disk);
}

TEST(BuiltinModels, ShipsTheExpectedObjectVersions) {
  std::vector<std::string> got;
  for (const ObjectModel* m : Shipped().All()) got.push_back(std::to_string(m->id) + "-" + m->version);
  EXPECT_THAT(got, ElementsAre("0-1.0", "0-1.1", "0-1.2", "1-1.0", "1-1.1", "1-1.2", "2-1.1", "3-1.0", "3-1.1",
                               "3-1.2", "4-1.3", "5-1.1", "9-1.1", "11-1.1", "21-1.1", "21-2.0", "23-1.0",
                               "24-1.0", "25-1.0", "25-2.0", "3200-1.0", "3303-1.0"));
}

TEST(BuiltinModels, ExecutableResourcesAndOnlyThoseHaveNoType) {
  for (const ObjectModel* m : Shipped().All()) {
    for (const auto& [id, r] : m->resources) {
      EXPECT_EQ(r.operations == Operations::kExecute, r.type == DataType::kNone)
          << "/" << m->id << " v" << m->version << " resource " << id;
      EXPECT_FALSE(r.description.empty()) << "/" << m->id << " v" << m->version << " resource " << id;
    }
  }
}

TEST(BuiltinModels, ServerV12HasResources0To27WithRegistryOperations) {
  // OMA registry 1.xml (OMA-SUP-XML_1-V1_2-20201019-A).
  const ObjectModel* m = Shipped().Find(1, "1.2");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->urn, "urn:oma:lwm2m:oma:1:1.2");
  EXPECT_EQ(m->lwm2m_version, "1.2");
  EXPECT_TRUE(m->multiple);
  EXPECT_TRUE(m->mandatory);
  EXPECT_EQ(ResourceIds(*m), Range(0, 27));

  const ResourceModel& r27 = Res(1, "1.2", 27);
  EXPECT_EQ(r27.name, "Profile ID Hash Algorithm");
  EXPECT_EQ(r27.type, DataType::kUnsignedInteger);
  EXPECT_EQ(r27.operations, Operations::kReadWrite);
  EXPECT_FALSE(r27.multiple);
  EXPECT_EQ(r27.range, "0..255");

  EXPECT_EQ(Res(1, "1.2", 1).type, DataType::kUnsignedInteger);  // Lifetime
  EXPECT_EQ(Res(1, "1.2", 1).units, "s");
  EXPECT_EQ(Res(1, "1.2", 8).operations, Operations::kExecute);
  EXPECT_TRUE(Res(1, "1.2", 8).mandatory);
  // lwm2m-registry #519: in 1.2, 13, 15 and 16 became R, 14 and 17-20 RW.
  EXPECT_EQ(Res(1, "1.2", 13).operations, Operations::kRead);
  EXPECT_EQ(Res(1, "1.2", 14).operations, Operations::kReadWrite);
  EXPECT_EQ(Res(1, "1.2", 16).name, "Bootstrap on Registration Failure");
  EXPECT_EQ(Res(1, "1.2", 16).operations, Operations::kRead);
  EXPECT_EQ(Res(1, "1.2", 20).operations, Operations::kReadWrite);
  EXPECT_EQ(Res(1, "1.2", 22).name, "Preferred Transport");
  EXPECT_EQ(Res(1, "1.2", 23).name, "Mute Send");
  EXPECT_EQ(Res(1, "1.2", 24).type, DataType::kObjlnk);
  EXPECT_TRUE(Res(1, "1.2", 24).multiple);
  EXPECT_EQ(Res(1, "1.2", 25).name, "Supported Server Versions");
  EXPECT_TRUE(Res(1, "1.2", 25).multiple);
  EXPECT_EQ(Res(1, "1.2", 25).type, DataType::kString);
  EXPECT_EQ(Res(1, "1.2", 26).type, DataType::kInteger);
  EXPECT_EQ(Res(1, "1.2", 26).range, "0..1");
}

TEST(BuiltinModels, ServerVersionsDiffer) {
  const ObjectModel* v10 = Shipped().Find(1, "1.0");
  const ObjectModel* v11 = Shipped().Find(1, "1.1");
  ASSERT_NE(v10, nullptr);
  ASSERT_NE(v11, nullptr);
  EXPECT_EQ(v10->urn, "urn:oma:lwm2m:oma:1");
  EXPECT_EQ(v10->lwm2m_version, "1.0");
  EXPECT_EQ(ResourceIds(*v10), Range(0, 8));
  EXPECT_EQ(ResourceIds(*v11), Range(0, 23));
  EXPECT_EQ(Res(1, "1.0", 1).type, DataType::kInteger);  // Lifetime became Unsigned Integer in 1.2
  EXPECT_EQ(Res(1, "1.1", 1).type, DataType::kInteger);
  for (uint16_t rid = 13; rid <= 20; ++rid) {  // bootstrap-only in 1.1
    EXPECT_EQ(Res(1, "1.1", rid).operations, Operations::kNone) << rid;
  }
  EXPECT_EQ(Res(1, "1.1", 21).operations, Operations::kReadWrite);
}

TEST(BuiltinModels, SecurityVersionsFollowTheRegistry) {
  EXPECT_EQ(ResourceIds(*Shipped().Find(0, "1.0")), Range(0, 12));
  EXPECT_EQ(ResourceIds(*Shipped().Find(0, "1.1")), Range(0, 17));
  const ObjectModel* v12 = Shipped().Find(0, "1.2");
  ASSERT_NE(v12, nullptr);
  EXPECT_EQ(ResourceIds(*v12), Range(0, 30));
  EXPECT_EQ(v12->urn, "urn:oma:lwm2m:oma:0:1.2");
  for (const auto& [id, r] : v12->resources) EXPECT_EQ(r.operations, Operations::kNone) << id;  // bootstrap only

  EXPECT_EQ(Res(0, "1.2", 22).name, "TLS 1.3 Features To Use by Client");
  EXPECT_EQ(Res(0, "1.2", 23).name, "TLS Extensions Supported by Server");
  EXPECT_EQ(Res(0, "1.2", 24).name, "TLS Extensions To Use by Client");
  for (uint16_t rid : {22, 23, 24}) {
    EXPECT_EQ(Res(0, "1.2", rid).type, DataType::kUnsignedInteger) << rid;
    EXPECT_FALSE(Res(0, "1.2", rid).multiple) << rid;
  }
  EXPECT_EQ(Res(0, "1.2", 16).type, DataType::kUnsignedInteger);  // Integer in 1.1
  EXPECT_EQ(Res(0, "1.1", 16).type, DataType::kInteger);
  EXPECT_TRUE(Res(0, "1.2", 16).multiple);
  EXPECT_EQ(Res(0, "1.2", 17).type, DataType::kObjlnk);
  EXPECT_EQ(Res(0, "1.2", 26).name, "MQTT Server");
  EXPECT_TRUE(Res(0, "1.2", 27).multiple);
  EXPECT_EQ(Res(0, "1.2", 27).type, DataType::kObjlnk);
  EXPECT_EQ(Res(0, "1.2", 30).type, DataType::kString);
  EXPECT_EQ(Res(0, "1.2", 5).type, DataType::kOpaque);
  EXPECT_EQ(Res(0, "1.2", 10).range, "1..65534");
}

TEST(BuiltinModels, DeviceVersions) {
  for (std::string_view v : {"1.0", "1.1", "1.2"}) {
    const ObjectModel* m = Shipped().Find(3, v);
    ASSERT_NE(m, nullptr) << v;
    EXPECT_FALSE(m->multiple);
    EXPECT_EQ(ResourceIds(*m), Range(0, 22)) << v;
    const ResourceModel& r16 = Res(3, v, 16);
    EXPECT_EQ(r16.name, "Supported Binding and Modes");
    EXPECT_EQ(r16.type, DataType::kString);
    EXPECT_EQ(r16.operations, Operations::kRead);
    EXPECT_TRUE(r16.mandatory);
    EXPECT_TRUE(Res(3, v, 11).multiple);  // Error Code
    EXPECT_EQ(Res(3, v, 4).operations, Operations::kExecute);
    EXPECT_EQ(Res(3, v, 13).type, DataType::kTime);
    EXPECT_EQ(Res(3, v, 22).type, DataType::kObjlnk);
  }
  EXPECT_EQ(Res(3, "1.2", 11).range, "0..32");
  EXPECT_EQ(Res(3, "1.1", 11).range, "0..8");
  EXPECT_EQ(Shipped().Find(3, "1.2")->urn, "urn:oma:lwm2m:oma:3:1.2");
}

TEST(BuiltinModels, FirmwareSoftwareGatewayAndOthers) {
  const ResourceModel& state = Res(5, "1.1", 3);
  EXPECT_EQ(state.name, "State");
  EXPECT_EQ(state.type, DataType::kInteger);
  EXPECT_EQ(state.operations, Operations::kRead);
  EXPECT_EQ(state.range, "0..3");
  EXPECT_EQ(Shipped().Find(5)->FindResource(4), nullptr);  // /5/0/4 was removed before 1.0
  EXPECT_EQ(ResourceIds(*Shipped().Find(5)).back(), 13);
  EXPECT_EQ(Res(5, "1.1", 0).operations, Operations::kWrite);
  EXPECT_EQ(Res(5, "1.1", 0).type, DataType::kOpaque);
  EXPECT_EQ(Res(5, "1.1", 13).type, DataType::kUnsignedInteger);

  EXPECT_EQ(ResourceIds(*Shipped().Find(9)), Range(0, 22));
  EXPECT_EQ(Res(9, "1.1", 7).name, "Update State");
  EXPECT_EQ(Res(9, "1.1", 21).type, DataType::kUnsignedInteger);

  EXPECT_TRUE(Res(2, "1.1", 2).multiple);  // ACL
  EXPECT_EQ(ResourceIds(*Shipped().Find(4)), Range(0, 13));
  EXPECT_EQ(ResourceIds(*Shipped().Find(11)), Range(0, 33));

  EXPECT_EQ(Res(21, "1.1", 0).type, DataType::kString);  // OSCORE Master Secret became Opaque in 2.0
  EXPECT_EQ(Res(21, "2.0", 0).type, DataType::kOpaque);
  EXPECT_EQ(Res(24, "1.0", 8).type, DataType::kOpaque);

  EXPECT_EQ(Res(25, "1.0", 1).operations, Operations::kReadWrite);  // Prefix: RW in Core 1.2, R in Gateway 2.0
  EXPECT_EQ(Res(25, "2.0", 1).operations, Operations::kRead);
  EXPECT_EQ(Res(25, "2.0", 3).type, DataType::kCorelnk);
  EXPECT_EQ(Shipped().Find(25, "2.0")->FindResource(2), nullptr);

  EXPECT_EQ(Res(3303, "1.0", 5700).type, DataType::kFloat);
  EXPECT_EQ(Res(3303, "1.0", 5700).name, "Sensor Value");
  EXPECT_EQ(Res(3303, "1.0", 5605).operations, Operations::kExecute);
  EXPECT_EQ(Res(3200, "1.0", 5500).type, DataType::kBoolean);
  EXPECT_EQ(Res(3200, "1.0", 5503).units, "ms");
  EXPECT_EQ(Shipped().Find(3303)->urn, "urn:oma:lwm2m:ext:3303");
}

// ---------------------------------------------------------------------------
// Lookup and versions

TEST(ModelRegistry, FindWithoutVersionReturnsTheHighest) {
  EXPECT_EQ(Shipped().Find(1)->version, "1.2");
  EXPECT_EQ(Shipped().Find(21)->version, "2.0");
  EXPECT_EQ(Shipped().Find(1, "1.0")->version, "1.0");
  EXPECT_EQ(Shipped().Find(1, "1.00")->version, "1.0");
  EXPECT_EQ(Shipped().Find(1, "1.3"), nullptr);
  EXPECT_EQ(Shipped().Find(65000), nullptr);
  std::vector<std::string> versions;
  for (const ObjectModel* m : Shipped().Versions(1)) versions.push_back(m->version);
  EXPECT_THAT(versions, ElementsAre("1.0", "1.1", "1.2"));
  EXPECT_TRUE(Shipped().Versions(65000).empty());
}

TEST(ModelRegistry, OrdersVersionsNumericallyNotAsText) {
  ModelRegistry r;
  for (std::string v : {"1.9", "1.10", "1.2"}) {
    ObjectModel m;
    m.id = 40000;
    m.version = v;
    r.Add(m);
  }
  EXPECT_EQ(r.Find(40000)->version, "1.10");
  std::vector<std::string> versions;
  for (const ObjectModel* m : r.Versions(40000)) versions.push_back(m->version);
  EXPECT_THAT(versions, ElementsAre("1.2", "1.9", "1.10"));
}

TEST(ModelRegistry, AddReplacesTheSameVersion) {
  ModelRegistry r;
  ObjectModel a;
  a.id = 7;
  a.version = "1.0";
  a.name = "first";
  r.Add(a);
  a.name = "second";
  r.Add(a);
  ASSERT_EQ(r.All().size(), 1u);
  EXPECT_EQ(r.Find(7)->name, "second");
}

TEST(ModelRegistry, FindResourceUsesTheHighestVersion) {
  const ResourceModel* r = Shipped().FindResource(*Path::Parse("/1/0/27"));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->name, "Profile ID Hash Algorithm");
  EXPECT_NE(Shipped().FindResource(*Path::Parse("/1/0/25/3")), nullptr);
  EXPECT_EQ(Shipped().FindResource(*Path::Parse("/1/0")), nullptr);
  EXPECT_EQ(Shipped().FindResource(*Path::Parse("/1/0/28")), nullptr);
  EXPECT_EQ(Shipped().FindResource(*Path::Parse("/64000/0/1")), nullptr);
}

TEST(CompareVersions, ComparesComponentsNumerically) {
  EXPECT_GT(CompareVersions("1.10", "1.2"), 0);
  EXPECT_LT(CompareVersions("1.2", "1.10"), 0);
  EXPECT_EQ(CompareVersions("1.2", "1.2"), 0);
  EXPECT_EQ(CompareVersions("1.0", "1"), 0);
  EXPECT_EQ(CompareVersions("1.02", "1.2"), 0);
  EXPECT_GT(CompareVersions("2.0", "1.99"), 0);
  EXPECT_LT(CompareVersions("1.2", "1.2.1"), 0);
  EXPECT_GT(CompareVersions("1.100000000000000000000", "1.99999999999999999999"), 0);
}

TEST(OperationsName, SpellsTheDdfValues) {
  EXPECT_EQ(OperationsName(Operations::kNone), "");
  EXPECT_EQ(OperationsName(Operations::kRead), "R");
  EXPECT_EQ(OperationsName(Operations::kWrite), "W");
  EXPECT_EQ(OperationsName(Operations::kReadWrite), "RW");
  EXPECT_EQ(OperationsName(Operations::kExecute), "E");
}

// ---------------------------------------------------------------------------
// Loader

// Line numbers below count from the first line of the literal.
constexpr std::string_view kValid = R"(<?xml version="1.0" encoding="UTF-8"?>
<LWM2M xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Object ObjectType="MODefinition">
    <Name>Test Object</Name>
    <Description1><![CDATA[A <test> object.]]></Description1>
    <ObjectID>32769</ObjectID>
    <ObjectURN>urn:oma:lwm2m:x:32769</ObjectURN>
    <MultipleInstances>Single</MultipleInstances>
    <Mandatory>Optional</Mandatory>
    <Resources>
      <Item ID="0">
        <Name> Counter </Name>
        <Operations>RW</Operations>
        <MultipleInstances>Multiple</MultipleInstances>
        <Mandatory>Mandatory</Mandatory>
        <Type>unsigned integer</Type>
        <RangeEnumeration>0..10</RangeEnumeration>
        <Units>s</Units>
        <Description><![CDATA[Counts & things.]]>
        </Description>
      </Item>
      <Item ID="65534">
        <Name>Reset</Name>
        <Operations>E</Operations>
        <MultipleInstances>Single</MultipleInstances>
        <Mandatory>Optional</Mandatory>
        <Type></Type>
      </Item>
    </Resources>
    <Description2/>
  </Object>
</LWM2M>
)";

std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
  std::string s(text);
  size_t at = s.find(from);
  if (at == std::string::npos) ADD_FAILURE() << "test bug: '" << from << "' not in the document";
  else s.replace(at, from.size(), to);
  return s;
}

Status Load(std::string_view xml, std::string_view source = "t.xml") {
  ModelRegistry r;
  return r.LoadXml(xml, source);
}

TEST(DdfLoader, ReadsEveryFieldAndDefaultsMissingVersionsTo10) {
  ModelRegistry r;
  Status s = r.LoadXml(kValid, "t.xml");
  ASSERT_TRUE(s.ok()) << s.ToString();
  const ObjectModel* m = r.Find(32769);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->name, "Test Object");
  EXPECT_EQ(m->description, "A <test> object.");
  EXPECT_EQ(m->urn, "urn:oma:lwm2m:x:32769");
  EXPECT_EQ(m->version, "1.0");
  EXPECT_EQ(m->lwm2m_version, "1.0");
  EXPECT_FALSE(m->multiple);
  EXPECT_FALSE(m->mandatory);
  const ResourceModel* c = m->FindResource(0);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name, "Counter");
  EXPECT_EQ(c->operations, Operations::kReadWrite);
  EXPECT_TRUE(c->multiple);
  EXPECT_TRUE(c->mandatory);
  EXPECT_EQ(c->type, DataType::kUnsignedInteger);
  EXPECT_EQ(c->range, "0..10");
  EXPECT_EQ(c->units, "s");
  EXPECT_EQ(c->description, "Counts & things.");
  const ResourceModel* e = m->FindResource(65534);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->type, DataType::kNone);
  EXPECT_EQ(e->operations, Operations::kExecute);
  EXPECT_EQ(e->range, "");
  EXPECT_EQ(m->FindResource(1), nullptr);
}

// The <Object> element of a document, without the <LWM2M> wrapper.
std::string ObjectOf(std::string_view doc) {
  size_t begin = doc.find("  <Object");
  return std::string(doc.substr(begin, doc.find("</LWM2M>") - begin));
}

TEST(DdfLoader, ReadsSeveralObjectsFromOneDocument) {
  std::string second = Replace(Replace(ObjectOf(kValid), "<ObjectID>32769", "<ObjectID>32770"), "x:32769", "x:32770");
  std::string two = "<LWM2M>\n" + ObjectOf(kValid) + Replace(second, "<Name>Test Object", "<Name>Second") + "</LWM2M>\n";
  ModelRegistry r;
  Status s = r.LoadXml(two, "two.xml");
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_NE(r.Find(32770), nullptr);
  EXPECT_EQ(r.Find(32770)->name, "Second");
  EXPECT_EQ(r.Find(32769)->name, "Test Object");
  EXPECT_EQ(r.All().size(), 2u);
}

TEST(DdfLoader, MalformedXmlNamesFileAndLine) {
  Status s = Load(Replace(kValid, "<Units>s</Units>", "<Units>s</Unit>"), "bad.xml");
  EXPECT_EQ(s.code(), StatusCode::kBadRequest);
  EXPECT_THAT(s.message(), StartsWith("bad.xml:18: malformed XML: "));
  s = Load(kValid.substr(0, 200), "cut.xml");
  EXPECT_THAT(s.message(), StartsWith("cut.xml:"));
  EXPECT_THAT(s.message(), HasSubstr("malformed XML"));
  EXPECT_THAT(Load("", "empty.xml").message(), StartsWith("empty.xml:"));
}

TEST(DdfLoader, RejectsUnknownTypeWithFileLineAndResource) {
  Status s = Load(Replace(kValid, "<Type>unsigned integer</Type>", "<Type>Integr</Type>"), "3-1.2.xml");
  EXPECT_EQ(s.message(), "3-1.2.xml:16: object 32769: resource 0: unknown Type 'Integr'");
  // ParseDataType's shorthands are not DDF spellings.
  EXPECT_THAT(Load(Replace(kValid, "<Type>unsigned integer</Type>", "<Type>uint</Type>")).message(),
              HasSubstr("unknown Type 'uint'"));
}

TEST(DdfLoader, RejectsDuplicateResourceIds) {
  Status s = Load(Replace(kValid, "<Item ID=\"65534\">", "<Item ID=\"0\">"));
  EXPECT_EQ(s.message(), "t.xml:22: object 32769: resource 0: duplicate ID (first on line 11)");
}

TEST(DdfLoader, RejectsReservedAndMalformedIds) {
  EXPECT_EQ(Load(Replace(kValid, "<Item ID=\"65534\">", "<Item ID=\"65535\">")).message(),
            "t.xml:22: object 32769: resource ID '65535' is not an integer in 0..65534");
  EXPECT_THAT(Load(Replace(kValid, "<Item ID=\"0\">", "<Item ID=\"-1\">")).message(),
              HasSubstr("resource ID '-1' is not an integer"));
  EXPECT_THAT(Load(Replace(kValid, "<Item ID=\"0\">", "<Item ID=\"1000000\">")).message(),
              HasSubstr("resource ID '1000000'"));
  EXPECT_THAT(Load(Replace(kValid, "<Item ID=\"0\">", "<Item>")).message(),
              HasSubstr("t.xml:11: object 32769: <Item> without an ID attribute"));
  EXPECT_EQ(Load(Replace(kValid, "<ObjectID>32769", "<ObjectID>65535")).message(),
            "t.xml:6: ObjectID '65535' is not an integer in 0..65534");
  EXPECT_THAT(Load(Replace(kValid, "<ObjectID>32769", "<ObjectID>3x")).message(),
              HasSubstr("ObjectID '3x'"));
}

TEST(DdfLoader, RejectsMissingUnknownAndRepeatedElements) {
  EXPECT_EQ(Load(Replace(kValid, "        <Type></Type>\n", "")).message(),
            "t.xml:22: object 32769: resource 65534: missing mandatory element <Type>");
  EXPECT_EQ(Load(Replace(kValid, "    <Name>Test Object</Name>\n", "")).message(),
            "t.xml:3: object 32769: missing mandatory element <Name>");
  EXPECT_EQ(Load(Replace(kValid, "    <ObjectURN>urn:oma:lwm2m:x:32769</ObjectURN>\n", "")).message(),
            "t.xml:3: object 32769: missing mandatory element <ObjectURN>");
  EXPECT_THAT(Load(Replace(kValid, "    <ObjectID>32769</ObjectID>\n", "")).message(),
              HasSubstr("t.xml:3: Object: missing mandatory element <ObjectID>"));
  EXPECT_EQ(Load(Replace(kValid, "<Units>s</Units>", "<Unit>s</Unit>")).message(),
            "t.xml:18: object 32769: resource 0: unknown element <Unit> in <Item>");
  EXPECT_EQ(Load(Replace(kValid, "<Mandatory>Optional</Mandatory>\n    <Resources>",
                         "<Mandatory>Optional</Mandatory>\n    <Mandatory>Optional</Mandatory>\n    <Resources>"))
                .message(),
            "t.xml:10: Object: element <Mandatory> repeated (first on line 9)");
  EXPECT_THAT(Load(Replace(kValid, "<Resources>", "<Resources><Entry/>")).message(),
              HasSubstr("t.xml:10: object 32769: unknown element <Entry> in <Resources>"));
  EXPECT_THAT(Load(Replace(kValid, "<Name>Reset</Name>", "<Name>Re<b>set</b></Name>")).message(),
              HasSubstr("resource 65534: unexpected element <b> inside <Name>"));
  EXPECT_THAT(Load(Replace(kValid, "    <Resources>\n", "    <Resources>\n stray\n")).message(),
              HasSubstr("unexpected text inside <Resources>"));
  EXPECT_THAT(Load(Replace(kValid, "<Name>Reset</Name>", "<Name> </Name>")).message(),
              HasSubstr("resource 65534: empty <Name>"));
}

TEST(DdfLoader, RejectsValuesOutsideTheSchema) {
  EXPECT_EQ(Load(Replace(kValid, "<Operations>RW</Operations>", "<Operations>RWE</Operations>")).message(),
            "t.xml:13: object 32769: resource 0: unknown Operations 'RWE' (expected '', R, W, RW or E)");
  EXPECT_THAT(Load(Replace(kValid, "<MultipleInstances>Multiple</MultipleInstances>",
                           "<MultipleInstances>Many</MultipleInstances>"))
                  .message(),
              HasSubstr("t.xml:14: object 32769: resource 0: MultipleInstances 'Many'"));
  EXPECT_THAT(Load(Replace(kValid, "<Mandatory>Mandatory</Mandatory>", "<Mandatory>Yes</Mandatory>")).message(),
              HasSubstr("t.xml:15: object 32769: resource 0: Mandatory 'Yes'"));
  EXPECT_THAT(Load(Replace(kValid, "<MultipleInstances>Single</MultipleInstances>\n    <Mandatory>",
                           "<MultipleInstances>single</MultipleInstances>\n    <Mandatory>"))
                  .message(),
              HasSubstr("t.xml:8: object 32769: MultipleInstances 'single'"));
  EXPECT_THAT(Load(Replace(kValid, "<ObjectURN>", "<ObjectVersion>1.x</ObjectVersion><ObjectURN>")).message(),
              HasSubstr("ObjectVersion '1.x' is not 'major.minor'"));
}

TEST(DdfLoader, ChecksTheUrnAgainstIdAndVersion) {
  EXPECT_EQ(Load(Replace(kValid, "x:32769</ObjectURN>", "x:32768</ObjectURN>")).message(),
            "t.xml:7: object 32769: ObjectURN 'urn:oma:lwm2m:x:32768' names object '32768', not 32769");
  // The registry's version_history/3-1_3.xml has URN 1.2 with ObjectVersion 1.3: caught.
  EXPECT_THAT(Load(Replace(kValid, "<ObjectURN>urn:oma:lwm2m:x:32769</ObjectURN>",
                           "<ObjectURN>urn:oma:lwm2m:x:32769:1.2</ObjectURN><ObjectVersion>1.3</ObjectVersion>"))
                  .message(),
              HasSubstr("has version '1.2' but ObjectVersion is '1.3'"));
  EXPECT_THAT(Load(Replace(kValid, "urn:oma:lwm2m:x:32769", "urn:ietf:x:32769")).message(),
              HasSubstr("does not start with 'urn:oma:lwm2m:'"));
  ModelRegistry r;
  ASSERT_TRUE(r.LoadXml(Replace(kValid, "<ObjectURN>urn:oma:lwm2m:x:32769</ObjectURN>",
                                "<ObjectURN>urn:oma:lwm2m:x:32769:1.1</ObjectURN><ObjectVersion>1.1</ObjectVersion>"
                                "<LWM2MVersion>1.2</LWM2MVersion>"),
                        "t.xml")
                  .ok());
  EXPECT_EQ(r.Find(32769)->version, "1.1");
  EXPECT_EQ(r.Find(32769)->lwm2m_version, "1.2");
}

TEST(DdfLoader, RejectsWrongDocumentShape) {
  EXPECT_EQ(Load("<?xml version=\"1.0\"?>\n<LwM2M/>\n").message(), "t.xml:2: root element is <LwM2M>, expected <LWM2M>");
  EXPECT_EQ(Load("<LWM2M>\n</LWM2M>").message(), "t.xml:1: <LWM2M> contains no <Object>");
  EXPECT_EQ(Load("<LWM2M>\n  <Objects/>\n</LWM2M>").message(), "t.xml:2: unknown element <Objects> in <LWM2M>");
}

TEST(DdfLoader, FailingDocumentAddsNothing) {
  // The first object is valid, the second repeats it: neither is added.
  std::string doc = "<LWM2M>\n" + ObjectOf(kValid) + ObjectOf(kValid) + "</LWM2M>\n";
  ModelRegistry r;
  Status s = r.LoadXml(doc, "twice.xml");
  EXPECT_THAT(s.message(), HasSubstr("object 32769 version 1.0 defined twice (first on line 2)"));
  EXPECT_TRUE(r.All().empty());
}

TEST(DdfLoader, LoadFileAndDirectory) {
  fs::path dir = MakeTempDir();
  WriteFile(dir / "a.xml", Ddf(33100, "1.0", "A", OneItem(0, "x", "String")));
  WriteFile(dir / "b.xml", Ddf(33101, "1.1", "B", OneItem(0, "y", "Time")));
  WriteFile(dir / "readme.md", "ignored");
  ModelRegistry r;
  Status s = r.LoadDirectory(dir.string());
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(r.All().size(), 2u);
  EXPECT_EQ(r.Find(33101, "1.1")->FindResource(0)->type, DataType::kTime);

  WriteFile(dir / "c.xml", Replace(Ddf(33102, "1.0", "C", OneItem(0, "z", "String")), "String", "Strng"));
  ModelRegistry r2;
  s = r2.LoadDirectory(dir.string());
  EXPECT_EQ(s.code(), StatusCode::kBadRequest);
  EXPECT_THAT(s.message(), StartsWith((dir / "c.xml").string() + ":"));
  EXPECT_THAT(s.message(), HasSubstr("unknown Type 'Strng'"));

  ModelRegistry r3;
  EXPECT_EQ(r3.LoadFile((dir / "missing.xml").string()).code(), StatusCode::kNotFound);
  EXPECT_THAT(r3.LoadFile((dir / "missing.xml").string()).message(), HasSubstr("missing.xml"));
  EXPECT_EQ(r3.LoadDirectory((dir / "nope").string()).code(), StatusCode::kNotFound);
  fs::remove_all(dir);
}

// ---------------------------------------------------------------------------
// LWM2M_DDF_PATH (set by DdfPathEnvironment above)

TEST(BuiltinRegistry, LoadsLwm2mDdfPathOnTopOfTheShippedModels) {
  const ModelRegistry& b = ModelRegistry::Builtin();
  EXPECT_EQ(&b, &ModelRegistry::Builtin());  // loaded once
  ASSERT_NE(b.Find(33000), nullptr);
  EXPECT_EQ(b.Find(33000)->name, "Extra A");
  ASSERT_NE(b.Find(33001, "2.0"), nullptr);
  EXPECT_EQ(b.Find(33001)->FindResource(7)->type, DataType::kFloat);
  // Same id and version as a shipped model: the directory's model replaces it.
  EXPECT_EQ(b.Find(3303)->name, "Overridden Temperature");
  EXPECT_EQ(b.FindResource(*Path::Parse("/3303/0/5700"))->type, DataType::kInteger);
  // Everything else shipped is still there.
  EXPECT_EQ(b.All().size(), Shipped().All().size() + 2);
  EXPECT_EQ(b.FindResource(*Path::Parse("/1/0/27"))->type, DataType::kUnsignedInteger);
}

TEST(BuiltinRegistry, DdfPathReportsABadDirectoryButLoadsTheOthers) {
  fs::path dir = MakeTempDir();
  WriteFile(dir / "x.xml", Ddf(33200, "1.0", "X", OneItem(0, "x", "Boolean")));
  ModelRegistry r;
  Status s = model_internal::LoadDdfPath(r, "/nonexistent/lwm2m/ddf:" + dir.string() + ":");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("/nonexistent/lwm2m/ddf"));
  EXPECT_NE(r.Find(33200), nullptr);
  EXPECT_TRUE(model_internal::LoadDdfPath(r, "").ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lwm2m
