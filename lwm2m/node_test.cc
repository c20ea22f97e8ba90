// node_test.cc: Records <-> Object/ObjectInstance/Resource/ResourceInstance tree.
#include "lwm2m/node.h"

#include <gtest/gtest.h>

namespace lwm2m {
namespace {

Record R(const char* path, Value v) { return {*Path::Parse(path), std::move(v), std::nullopt}; }

TEST(BuildTree, GroupsRecordsIntoSortedTree) {
  std::vector<Record> recs = {R("/3/0/11/1", Value::Integer(2)), R("/3/0/0", Value::String("ACME")),
                              R("/3/0/11/0", Value::Integer(0)), R("/1/0/1", Value::UnsignedInteger(300))};
  Tree t = BuildTree(recs);
  EXPECT_TRUE(t.diagnostics.empty());
  ASSERT_EQ(t.objects.size(), 2u);
  EXPECT_EQ(t.objects[0].id, 1);
  const Object* dev = t.FindObject(3);
  ASSERT_NE(dev, nullptr);
  const ObjectInstance* i0 = dev->FindInstance(0);
  ASSERT_NE(i0, nullptr);
  const Resource* err = i0->FindResource(11);
  ASSERT_NE(err, nullptr);
  EXPECT_TRUE(err->multiple);
  ASSERT_EQ(err->instances.size(), 2u);
  EXPECT_EQ(err->instances[0].id, 0);
  EXPECT_EQ(err->instances[1].value, Value::Integer(2));
  EXPECT_EQ(i0->FindResource(0)->value, Value::String("ACME"));
  EXPECT_FALSE(i0->FindResource(0)->multiple);
}

TEST(BuildTree, FlattenIsTheInverseInPathOrder) {
  std::vector<Record> recs = {R("/1/0/1", Value::UnsignedInteger(300)), R("/3/0/0", Value::String("ACME")),
                              R("/3/0/11/0", Value::Integer(0)), R("/3/0/11/1", Value::Integer(2))};
  EXPECT_EQ(Flatten(BuildTree(recs)), recs);
}

TEST(BuildTree, EmptyContainersSurvive) {
  std::vector<Record> recs = {R("/3/0", Value()), R("/4/0/1", Value())};
  Tree t = BuildTree(recs);
  EXPECT_TRUE(t.diagnostics.empty());
  ASSERT_NE(t.FindObject(3), nullptr);
  EXPECT_TRUE(t.FindObject(3)->FindInstance(0)->resources.empty());
  const Resource* r = t.FindObject(4)->FindInstance(0)->FindResource(1);
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->multiple);
  EXPECT_TRUE(r->instances.empty());
  EXPECT_EQ(Flatten(t), recs);
}

TEST(BuildTree, ReportsDuplicatesAndConflictsButKeepsTheRest) {
  std::vector<Record> recs = {R("/3/0/0", Value::String("a")), R("/3/0/0", Value::String("b")),
                              R("/3/0/11", Value::Integer(1)), R("/3/0/11/0", Value::Integer(0)),
                              R("/3/0", Value::Integer(5)), R("/3/0/1", Value::String("m"))};
  Tree t = BuildTree(recs);
  ASSERT_EQ(t.diagnostics.size(), 3u);
  EXPECT_EQ(t.diagnostics[0].path, "/3/0/0");
  EXPECT_NE(t.diagnostics[0].message.find("twice"), std::string::npos);
  EXPECT_EQ(t.diagnostics[1].path, "/3/0/11/0");
  EXPECT_EQ(t.diagnostics[2].path, "/3/0");
  EXPECT_EQ(t.FindObject(3)->FindInstance(0)->FindResource(0)->value, Value::String("a"));
  EXPECT_NE(t.FindObject(3)->FindInstance(0)->FindResource(1), nullptr);
}

TEST(BuildTree, RejectsMixedGatewayPrefixes) {
  std::vector<Record> recs = {R("/dev1/3/0/0", Value::String("a")), R("/dev2/3/0/0", Value::String("b"))};
  Tree t = BuildTree(recs);
  EXPECT_EQ(t.prefix, "dev1");
  ASSERT_EQ(t.diagnostics.size(), 1u);
  EXPECT_EQ(t.diagnostics[0].severity, Severity::kError);
  EXPECT_EQ(Flatten(t).size(), 1u);
  EXPECT_EQ(Flatten(t)[0].path.ToString(), "/dev1/3/0/0");
}

TEST(BuildTree, ModelMarksMultipleResources) {
  ModelRegistry reg;
  ObjectModel m;
  m.id = 3;
  m.version = "1.2";
  ResourceModel r;
  r.id = 11;
  r.multiple = true;
  r.type = DataType::kInteger;
  m.resources[11] = r;
  reg.Add(m);
  Tree t = BuildTree({R("/3/0/11", Value::Integer(0))}, &reg);
  ASSERT_EQ(t.diagnostics.size(), 1u);
  EXPECT_EQ(t.diagnostics[0].severity, Severity::kWarning);
  EXPECT_NE(t.diagnostics[0].message.find("Multiple"), std::string::npos);
}

}  // namespace
}  // namespace lwm2m
