// model.h: LwM2M Object models loaded from OMA DDF XML files
// (LWM2M.xsd of the OMA registry), kept as data in lwm2m/model/ddf/<oid>-<version>.xml.
// Codecs use them to type values that the format does not type (TLV, text,
// opaque, CBOR) and to name objects and resources in diagnostics and printouts.
//   const auto& reg = ModelRegistry::Builtin();
//   reg.FindResource(*Path::Parse("/3/0/0"))->name == "Manufacturer";
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/path.h"
#include "lwm2m/result.h"
#include "lwm2m/value.h"

namespace lwm2m {

enum class Operations : uint8_t { kNone, kRead, kWrite, kReadWrite, kExecute };
std::string_view OperationsName(Operations o);  // "", "R", "W", "RW", "E"

struct ResourceModel {
  uint16_t id = 0;
  std::string name;
  Operations operations = Operations::kNone;
  bool multiple = false;   // MultipleInstances == "Multiple"
  bool mandatory = false;  // Mandatory == "Mandatory"
  DataType type = DataType::kNone;
  std::string range;  // RangeEnumeration, verbatim ("1..65534", "0-255", "")
  std::string units;
  std::string description;
};

struct ObjectModel {
  uint16_t id = 0;
  std::string name;
  std::string urn;             // "urn:oma:lwm2m:oma:3:1.2"
  std::string version;         // ObjectVersion, "1.0" when the DDF omits it
  std::string lwm2m_version;   // LWM2MVersion, "1.0" when the DDF omits it
  bool multiple = false;       // MultipleInstances == "Multiple"
  bool mandatory = false;
  std::string description;
  std::map<uint16_t, ResourceModel> resources;

  const ResourceModel* FindResource(uint16_t rid) const;
};

class ModelRegistry {
 public:
  ModelRegistry() = default;

  // Parses one DDF document (an <LWM2M> root with one or more <Object>).
  // `source` names the file in error messages ("3-1_2.xml:12: ...").
  Status LoadXml(std::string_view xml, std::string_view source);
  Status LoadFile(const std::string& path);
  // Loads every *.xml in a directory (not recursive); stops at the first error.
  Status LoadDirectory(const std::string& dir);
  // Adds or replaces (same id and version) a model.
  void Add(ObjectModel model);

  // The model of `object_id` at `version`; with an empty version, the highest
  // version loaded. nullptr when unknown.
  const ObjectModel* Find(uint16_t object_id, std::string_view version = {}) const;
  // Every version loaded for an object, lowest first.
  std::vector<const ObjectModel*> Versions(uint16_t object_id) const;
  // The resource model addressed by a path of level kResource or deeper
  // (highest version of the object), nullptr when unknown.
  const ResourceModel* FindResource(const Path& path) const;
  std::vector<const ObjectModel*> All() const;  // every model, by id then version

  // The models shipped in lwm2m/model/ddf, compiled into the library so that
  // tools work from any directory. Extra directories listed in the environment
  // variable LWM2M_DDF_PATH (':'-separated) are loaded on top.
  static const ModelRegistry& Builtin();

 private:
  std::map<uint16_t, std::map<std::string, ObjectModel>> models_;  // id -> version -> model
};

// Compares "1.10" > "1.2" numerically component by component.
int CompareVersions(std::string_view a, std::string_view b);

}  // namespace lwm2m
