// model.cc: the OMA DDF loader (schema LWM2M.xsd / LWM2M-v1_1.xsd of the OMA registry)
// and the registry of object models by id and version. The loader is strict: an
// unknown or repeated element, a missing mandatory element, a value outside the
// schema's enumeration or an id outside 0..65534 fails the whole document with
// "<source>:<line>: <what>".
#include "lwm2m/model.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "lwm2m/model/builtin_ddf.h"

namespace lwm2m {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return Lower(x) == Lower(y); });
}

// Compares two strings of decimal digits by value, without overflow.
int CompareDigits(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// "major.minor" (Core TS 1.2 §7.2.2: Object Version is "X.Y"; the enabler version likewise).
bool IsVersion(std::string_view v) {
  size_t dot = v.find('.');
  return dot != std::string_view::npos && AllDigits(v.substr(0, dot)) && AllDigits(v.substr(dot + 1));
}

// An Object or Resource ID: 0..65534, 65535 being reserved (Core TS 1.2 §7.1).
std::optional<uint16_t> ParseDdfId(std::string_view s) {
  if (!AllDigits(s) || s.size() > 5) return std::nullopt;
  uint32_t v = 0;
  for (char c : s) v = v * 10 + static_cast<uint32_t>(c - '0');
  if (v > Path::kMaxId) return std::nullopt;
  return static_cast<uint16_t>(v);
}

// Builds "<source>:<line>: <message>" errors for one document.
class DocumentErrors {
 public:
  DocumentErrors(std::string_view xml, std::string_view source) : xml_(xml), source_(source) {}

  size_t LineAt(ptrdiff_t offset) const {
    if (offset < 0) return 0;
    size_t end = std::min(static_cast<size_t>(offset), xml_.size());
    return 1 + static_cast<size_t>(std::count(xml_.begin(), xml_.begin() + static_cast<ptrdiff_t>(end), '\n'));
  }
  Status At(ptrdiff_t offset, const std::string& message) const {
    return BadRequest(std::string(source_) + ":" + std::to_string(LineAt(offset)) + ": " + message);
  }
  Status At(const pugi::xml_node& node, const std::string& message) const {
    return At(node.offset_debug(), message);
  }

 private:
  std::string_view xml_;
  std::string_view source_;
};

// The text content of a leaf element (PCDATA and CDATA, concatenated), or an
// error when the element has element children.
Result<std::string> LeafText(const pugi::xml_node& element, const DocumentErrors& errors,
                             const std::string& context) {
  std::string text;
  for (const pugi::xml_node& child : element.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    } else if (child.type() == pugi::node_element) {
      return errors.At(child, context + "unexpected element <" + child.name() + "> inside <" +
                                  element.name() + ">");
    }
  }
  return text;
}

// Collects the element children of `parent`, each allowed at most once, and
// rejects names outside `allowed`.
class Fields {
 public:
  static Result<Fields> Collect(const pugi::xml_node& parent, std::initializer_list<std::string_view> allowed,
                                const DocumentErrors& errors, const std::string& context) {
    Fields f;
    for (const pugi::xml_node& child : parent.children()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        if (!Trim(child.value()).empty()) {
          return errors.At(child, context + "unexpected text inside <" + std::string(parent.name()) + ">");
        }
        continue;
      }
      if (child.type() != pugi::node_element) continue;  // comments, processing instructions
      std::string_view name = child.name();
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        return errors.At(child, context + "unknown element <" + std::string(name) + "> in <" + parent.name() + ">");
      }
      for (const auto& [seen_name, seen] : f.nodes_) {
        if (seen_name == name) {
          return errors.At(child, context + "element <" + std::string(name) + "> repeated (first on line " +
                                      std::to_string(errors.LineAt(seen.offset_debug())) + ")");
        }
      }
      f.nodes_.emplace_back(std::string(name), child);
    }
    return f;
  }

  pugi::xml_node Get(std::string_view name) const {
    for (const auto& [n, node] : nodes_) {
      if (n == name) return node;
    }
    return {};
  }

 private:
  std::vector<std::pair<std::string, pugi::xml_node>> nodes_;
};

// Reads a mandatory (or optional, when `mandatory` is false) leaf element, trimmed.
Result<std::optional<std::string>> ReadField(const Fields& fields, const pugi::xml_node& parent,
                                             std::string_view name, bool mandatory,
                                             const DocumentErrors& errors, const std::string& context) {
  pugi::xml_node node = fields.Get(name);
  if (!node) {
    if (mandatory) {
      return errors.At(parent, context + "missing mandatory element <" + std::string(name) + ">");
    }
    return std::optional<std::string>();
  }
  Result<std::string> text = LeafText(node, errors, context);
  if (!text) return text.status();
  return std::optional<std::string>(std::string(Trim(*text)));
}

// Reads mandatory element `name` through `parse` (ParseOperations, ParseMultiple, ...) into `out`.
template <typename T, typename Parse>
Status ReadParsedField(const Fields& fields, const pugi::xml_node& parent, std::string_view name, Parse parse,
                       const DocumentErrors& errors, const std::string& context, T& out) {
  Result<std::optional<std::string>> text = ReadField(fields, parent, name, true, errors, context);
  if (!text) return text.status();
  Result<T> v = parse(**text, fields.Get(name), errors, context);
  if (!v) return v.status();
  out = *v;
  return Status::Ok();
}

// Reads optional element `name` into `out` ("" when absent).
Status ReadOptionalField(const Fields& fields, const pugi::xml_node& parent, std::string_view name,
                         const DocumentErrors& errors, const std::string& context, std::string& out) {
  Result<std::optional<std::string>> text = ReadField(fields, parent, name, false, errors, context);
  if (!text) return text.status();
  out = text->value_or("");
  return Status::Ok();
}

// Reads the mandatory, non-empty <Name> into `out`.
Status ReadName(const Fields& fields, const pugi::xml_node& parent, const DocumentErrors& errors,
                const std::string& context, std::string& out) {
  Result<std::optional<std::string>> name = ReadField(fields, parent, "Name", true, errors, context);
  if (!name) return name.status();
  if ((*name)->empty()) return errors.At(fields.Get("Name"), context + "empty <Name>");
  out = **name;
  return Status::Ok();
}

Result<bool> ParseMultiple(const std::string& v, const pugi::xml_node& node, const DocumentErrors& errors,
                           const std::string& context) {
  if (v == "Single") return false;
  if (v == "Multiple") return true;
  return errors.At(node, context + "MultipleInstances '" + v + "' is neither 'Single' nor 'Multiple'");
}

Result<bool> ParseMandatory(const std::string& v, const pugi::xml_node& node, const DocumentErrors& errors,
                            const std::string& context) {
  if (v == "Mandatory") return true;
  if (v == "Optional") return false;
  return errors.At(node, context + "Mandatory '" + v + "' is neither 'Mandatory' nor 'Optional'");
}

Result<Operations> ParseOperations(const std::string& v, const pugi::xml_node& node,
                                   const DocumentErrors& errors, const std::string& context) {
  if (v.empty()) return Operations::kNone;
  if (v == "R") return Operations::kRead;
  if (v == "W") return Operations::kWrite;
  if (v == "RW") return Operations::kReadWrite;
  if (v == "E") return Operations::kExecute;
  return errors.At(node, context + "unknown Operations '" + v + "' (expected '', R, W, RW or E)");
}

// The DDF Type spellings (LWM2M.xsd), case-insensitively; "" (or "none") for executables.
Result<DataType> ParseType(const std::string& v, const pugi::xml_node& node, const DocumentErrors& errors,
                           const std::string& context) {
  std::optional<DataType> t = ParseDataType(v);
  // ParseDataType also takes shorthands ("int", "uint"); a DDF must spell the type out.
  if (!t || (*t != DataType::kNone && !EqualsIgnoreCase(v, DataTypeName(*t)))) {
    return errors.At(node, context + "unknown Type '" + v + "'");
  }
  return *t;
}

Result<ResourceModel> ParseItem(const pugi::xml_node& item, const DocumentErrors& errors,
                                const std::string& object_context) {
  pugi::xml_attribute id_attr = item.attribute("ID");
  if (!id_attr) return errors.At(item, object_context + "<Item> without an ID attribute");
  std::string id_text(Trim(id_attr.value()));
  std::optional<uint16_t> id = ParseDdfId(id_text);
  if (!id) return errors.At(item, object_context + "resource ID '" + id_text + "' is not an integer in 0..65534");

  ResourceModel r;
  r.id = *id;
  const std::string context = object_context + "resource " + std::to_string(r.id) + ": ";
  Result<Fields> fields = Fields::Collect(item,
                                          {"Name", "Operations", "MultipleInstances", "Mandatory", "Type",
                                           "RangeEnumeration", "Units", "Description"},
                                          errors, context);
  if (!fields) return fields.status();

  auto parsed = [&](std::string_view name, auto parse, auto& out) {
    return ReadParsedField(*fields, item, name, parse, errors, context, out);
  };
  auto optional = [&](std::string_view name, std::string& out) {
    return ReadOptionalField(*fields, item, name, errors, context, out);
  };
  if (Status s = ReadName(*fields, item, errors, context, r.name); !s.ok()) return s;
  if (Status s = parsed("Operations", ParseOperations, r.operations); !s.ok()) return s;
  if (Status s = parsed("MultipleInstances", ParseMultiple, r.multiple); !s.ok()) return s;
  if (Status s = parsed("Mandatory", ParseMandatory, r.mandatory); !s.ok()) return s;
  if (Status s = parsed("Type", ParseType, r.type); !s.ok()) return s;
  if (Status s = optional("RangeEnumeration", r.range); !s.ok()) return s;
  if (Status s = optional("Units", r.units); !s.ok()) return s;
  if (Status s = optional("Description", r.description); !s.ok()) return s;
  return r;
}

// "urn:oma:lwm2m:{oma|ext|x|...}:{ObjectID}[:{ObjectVersion}]" (Core TS 1.2 §7.2.2):
// the id must be the ObjectID and a version, when present, the ObjectVersion.
std::optional<std::string> CheckUrn(std::string_view urn, uint16_t id, const std::string& version) {
  constexpr std::string_view kPrefix = "urn:oma:lwm2m:";
  if (urn.substr(0, kPrefix.size()) != kPrefix) return "ObjectURN '" + std::string(urn) + "' does not start with 'urn:oma:lwm2m:'";
  std::string_view rest = urn.substr(kPrefix.size());
  size_t colon = rest.find(':');
  if (colon == 0 || colon == std::string_view::npos) {
    return "ObjectURN '" + std::string(urn) + "' lacks the ':{kind}:{ObjectID}' part";
  }
  rest.remove_prefix(colon + 1);
  colon = rest.find(':');
  std::string_view id_text = rest.substr(0, colon);
  std::optional<uint16_t> urn_id = ParseDdfId(id_text);
  if (!urn_id || *urn_id != id) {
    return "ObjectURN '" + std::string(urn) + "' names object '" + std::string(id_text) + "', not " +
           std::to_string(id);
  }
  if (colon != std::string_view::npos) {
    std::string_view urn_version = rest.substr(colon + 1);
    if (urn_version != version) {
      return "ObjectURN '" + std::string(urn) + "' has version '" + std::string(urn_version) +
             "' but ObjectVersion is '" + version + "'";
    }
  }
  return std::nullopt;
}

Result<ObjectModel> ParseObject(const pugi::xml_node& object, const DocumentErrors& errors) {
  std::string context = "Object: ";
  Result<Fields> fields = Fields::Collect(object,
                                          {"Name", "Description1", "ObjectID", "ObjectURN", "LWM2MVersion",
                                           "ObjectVersion", "MultipleInstances", "Mandatory", "Resources",
                                           "Description2"},
                                          errors, context);
  if (!fields) return fields.status();
  auto field = [&](std::string_view name, bool mandatory) {
    return ReadField(*fields, object, name, mandatory, errors, context);
  };

  ObjectModel m;
  auto id = field("ObjectID", true);
  if (!id) return id.status();
  std::optional<uint16_t> parsed_id = ParseDdfId(**id);
  if (!parsed_id) {
    return errors.At(fields->Get("ObjectID"), "ObjectID '" + **id + "' is not an integer in 0..65534");
  }
  m.id = *parsed_id;
  context = "object " + std::to_string(m.id) + ": ";

  if (Status s = ReadName(*fields, object, errors, context, m.name); !s.ok()) return s;
  if (Status s = ReadOptionalField(*fields, object, "Description1", errors, context, m.description); !s.ok()) return s;
  std::string description2;  // read for its checks only
  if (Status s = ReadOptionalField(*fields, object, "Description2", errors, context, description2); !s.ok()) return s;

  for (auto [element, target] : {std::pair{"ObjectVersion", &m.version}, std::pair{"LWM2MVersion", &m.lwm2m_version}}) {
    auto v = field(element, false);
    if (!v) return v.status();
    *target = v->value_or("");
    if (target->empty()) {
      *target = "1.0";  // absent in LwM2M 1.0 DDFs, which define version 1.0 objects
    } else if (!IsVersion(*target)) {
      return errors.At(fields->Get(element), context + element + " '" + *target + "' is not 'major.minor'");
    }
  }

  auto urn = field("ObjectURN", true);
  if (!urn) return urn.status();
  m.urn = **urn;
  if (auto bad = CheckUrn(m.urn, m.id, m.version)) return errors.At(fields->Get("ObjectURN"), context + *bad);

  if (Status s = ReadParsedField(*fields, object, "MultipleInstances", ParseMultiple, errors, context, m.multiple);
      !s.ok())
    return s;
  if (Status s = ReadParsedField(*fields, object, "Mandatory", ParseMandatory, errors, context, m.mandatory); !s.ok())
    return s;

  pugi::xml_node resources = fields->Get("Resources");
  if (!resources) return errors.At(object, context + "missing mandatory element <Resources>");
  std::map<uint16_t, pugi::xml_node> item_nodes;
  for (const pugi::xml_node& child : resources.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      if (!Trim(child.value()).empty()) return errors.At(child, context + "unexpected text inside <Resources>");
      continue;
    }
    if (child.type() != pugi::node_element) continue;
    if (std::string_view(child.name()) != "Item") {
      return errors.At(child, context + "unknown element <" + std::string(child.name()) + "> in <Resources>");
    }
    Result<ResourceModel> r = ParseItem(child, errors, context);
    if (!r) return r.status();
    auto [it, inserted] = item_nodes.emplace(r->id, child);
    if (!inserted) {
      return errors.At(child, context + "resource " + std::to_string(r->id) + ": duplicate ID (first on line " +
                                  std::to_string(errors.LineAt(it->second.offset_debug())) + ")");
    }
    m.resources.emplace(r->id, std::move(r).value());
  }
  return m;
}

}  // namespace

std::string_view OperationsName(Operations o) {
  switch (o) {
    case Operations::kNone:
      return "";
    case Operations::kRead:
      return "R";
    case Operations::kWrite:
      return "W";
    case Operations::kReadWrite:
      return "RW";
    case Operations::kExecute:
      return "E";
  }
  return "";
}

int CompareVersions(std::string_view a, std::string_view b) {
  // Component by component, numerically; a missing component counts as 0 ("1" == "1.0").
  while (!a.empty() || !b.empty()) {
    size_t da = a.find('.');
    size_t db = b.find('.');
    std::string_view ca = a.substr(0, da);
    std::string_view cb = b.substr(0, db);
    a = da == std::string_view::npos ? std::string_view() : a.substr(da + 1);
    b = db == std::string_view::npos ? std::string_view() : b.substr(db + 1);
    if (ca.empty()) ca = "0";
    if (cb.empty()) cb = "0";
    int c = AllDigits(ca) && AllDigits(cb) ? CompareDigits(ca, cb) : ca.compare(cb);
    if (c != 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

const ResourceModel* ObjectModel::FindResource(uint16_t rid) const {
  auto it = resources.find(rid);
  return it == resources.end() ? nullptr : &it->second;
}

Status ModelRegistry::LoadXml(std::string_view xml, std::string_view source) {
  DocumentErrors errors(xml, source);
  pugi::xml_document doc;
  pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) return errors.At(parsed.offset, std::string("malformed XML: ") + parsed.description());

  pugi::xml_node root;
  for (const pugi::xml_node& child : doc.children()) {
    if (child.type() != pugi::node_element) continue;
    if (root) return errors.At(child, "more than one root element");
    root = child;
  }
  if (!root) return errors.At(0, "no root element");
  if (std::string_view(root.name()) != "LWM2M") {
    return errors.At(root, "root element is <" + std::string(root.name()) + ">, expected <LWM2M>");
  }

  std::vector<ObjectModel> models;
  std::vector<ptrdiff_t> offsets;
  for (const pugi::xml_node& child : root.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      if (!Trim(child.value()).empty()) return errors.At(child, "unexpected text inside <LWM2M>");
      continue;
    }
    if (child.type() != pugi::node_element) continue;
    if (std::string_view(child.name()) != "Object") {
      return errors.At(child, "unknown element <" + std::string(child.name()) + "> in <LWM2M>");
    }
    Result<ObjectModel> m = ParseObject(child, errors);
    if (!m) return m.status();
    for (size_t i = 0; i < models.size(); ++i) {
      if (models[i].id == m->id && CompareVersions(models[i].version, m->version) == 0) {
        return errors.At(child, "object " + std::to_string(m->id) + " version " + m->version +
                                    " defined twice (first on line " + std::to_string(errors.LineAt(offsets[i])) +
                                    ")");
      }
    }
    offsets.push_back(child.offset_debug());
    models.push_back(std::move(m).value());
  }
  if (models.empty()) return errors.At(root, "<LWM2M> contains no <Object>");
  // All or nothing: nothing is added unless the whole document is valid.
  for (ObjectModel& m : models) Add(std::move(m));
  return Status::Ok();
}

Status ModelRegistry::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open DDF file " + path);
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return NotFound("cannot read DDF file " + path);
  return LoadXml(content.str(), path);
}

Status ModelRegistry::LoadDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound("DDF directory " + dir + " does not exist or is not a directory");
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->path().extension() == ".xml" && it->is_regular_file(type_ec)) files.push_back(it->path());
  }
  if (ec) return NotFound("cannot list DDF directory " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());  // deterministic: a later file replaces an earlier one
  for (const fs::path& f : files) {
    Status s = LoadFile(f.string());
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

void ModelRegistry::Add(ObjectModel model) {
  auto& versions = models_[model.id];
  // Replace a version spelled differently but equal ("1.0" and "1.00").
  for (auto it = versions.begin(); it != versions.end(); ++it) {
    if (CompareVersions(it->first, model.version) == 0) {
      versions.erase(it);
      break;
    }
  }
  std::string key = model.version;
  versions.insert_or_assign(std::move(key), std::move(model));
}

const ObjectModel* ModelRegistry::Find(uint16_t object_id, std::string_view version) const {
  auto it = models_.find(object_id);
  if (it == models_.end()) return nullptr;
  const ObjectModel* best = nullptr;
  for (const auto& [v, model] : it->second) {
    if (version.empty()) {
      if (!best || CompareVersions(v, best->version) > 0) best = &model;
    } else if (CompareVersions(v, version) == 0) {
      return &model;
    }
  }
  return best;
}

std::vector<const ObjectModel*> ModelRegistry::Versions(uint16_t object_id) const {
  std::vector<const ObjectModel*> out;
  auto it = models_.find(object_id);
  if (it == models_.end()) return out;
  for (const auto& [v, model] : it->second) out.push_back(&model);
  std::sort(out.begin(), out.end(),
            [](const ObjectModel* a, const ObjectModel* b) { return CompareVersions(a->version, b->version) < 0; });
  return out;
}

const ResourceModel* ModelRegistry::FindResource(const Path& path) const {
  if (path.size() < 3) return nullptr;
  const ObjectModel* o = Find(path[0]);
  return o ? o->FindResource(path[2]) : nullptr;
}

std::vector<const ObjectModel*> ModelRegistry::All() const {
  std::vector<const ObjectModel*> out;
  for (const auto& [id, versions] : models_) {
    std::vector<const ObjectModel*> v = Versions(id);
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

namespace model_internal {

Status LoadDdfPath(ModelRegistry& registry, std::string_view path_list) {
  Status first;
  while (true) {
    size_t colon = path_list.find(':');
    std::string_view dir = path_list.substr(0, colon);
    if (!dir.empty()) {
      Status s = registry.LoadDirectory(std::string(dir));
      if (!s.ok() && first.ok()) first = s;
    }
    if (colon == std::string_view::npos) break;
    path_list.remove_prefix(colon + 1);
  }
  return first;
}

}  // namespace model_internal

const ModelRegistry& ModelRegistry::Builtin() {
  static const ModelRegistry registry = [] {
    ModelRegistry r;
    for (const model_internal::DdfFile& f : model_internal::BuiltinDdfFiles()) {
      Status s = r.LoadXml(f.xml, f.name);
      if (!s.ok()) {
        // Our own data: model_test loads every built-in file and would have caught this.
        std::fprintf(stderr, "lwm2m: built-in object model is broken: %s\n", s.ToString().c_str());
        std::abort();
      }
    }
    if (const char* env = std::getenv("LWM2M_DDF_PATH")) {
      Status s = model_internal::LoadDdfPath(r, env);
      if (!s.ok()) std::fprintf(stderr, "lwm2m: LWM2M_DDF_PATH: %s\n", s.ToString().c_str());
    }
    return r;
  }();
  return registry;
}

}  // namespace lwm2m
