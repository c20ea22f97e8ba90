// node.h: the LwM2M node tree with the spec's nouns (Core TS 1.2 §6.1):
// Object > ObjectInstance > Resource (single or multiple) > ResourceInstance,
// and conversion to and from the flat Records that codecs exchange.
//   auto tree = BuildTree(records, &ModelRegistry::Builtin());
//   tree->objects[0].instances[0].FindResource(0)->value.AsString();
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lwm2m/content.h"
#include "lwm2m/diagnostic.h"
#include "lwm2m/model.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace lwm2m {

struct ResourceInstance {
  uint16_t id = 0;
  Value value;
  bool operator==(const ResourceInstance&) const = default;
};

struct Resource {
  uint16_t id = 0;
  bool multiple = false;
  Value value;                              // single-instance resources
  std::vector<ResourceInstance> instances;  // multiple-instance resources, ascending ids
  const ResourceInstance* FindInstance(uint16_t riid) const;
  bool operator==(const Resource&) const = default;
};

struct ObjectInstance {
  uint16_t id = 0;
  std::vector<Resource> resources;  // ascending ids
  const Resource* FindResource(uint16_t rid) const;
  Resource* FindResource(uint16_t rid);
  bool operator==(const ObjectInstance&) const = default;
};

struct Object {
  uint16_t id = 0;
  std::vector<ObjectInstance> instances;  // ascending ids
  const ObjectInstance* FindInstance(uint16_t iid) const;
  ObjectInstance* FindInstance(uint16_t iid);
  bool operator==(const Object&) const = default;
};

struct Tree {
  std::string prefix;            // LwM2M Gateway prefix shared by all records, or ""
  std::vector<Object> objects;   // ascending ids
  std::vector<Diagnostic> diagnostics;  // duplicates, conflicts (a path both a value and a container)
  const Object* FindObject(uint16_t oid) const;
};

// Builds the tree from records at resource level or deeper (a record at
// object-instance level with no value creates an empty instance; at resource
// level with no value, an empty Multiple Resource). A resource is multiple
// when a record names a resource instance, or when the model says so. Records
// above object-instance level with values, duplicates and mixed prefixes
// become error diagnostics; the rest of the tree is still built.
Tree BuildTree(const std::vector<Record>& records, const ModelRegistry* models = nullptr);

// The records of a tree, in path order (the inverse of BuildTree).
std::vector<Record> Flatten(const Tree& tree);

}  // namespace lwm2m
