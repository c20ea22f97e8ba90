// node.cc: Records <-> Object/ObjectInstance/Resource/ResourceInstance tree.
#include "lwm2m/node.h"

#include <algorithm>

namespace lwm2m {

namespace {
template <typename V>
auto* FindById(V& v, uint16_t id) {
  auto it = std::find_if(v.begin(), v.end(), [&](const auto& n) { return n.id == id; });
  return it == v.end() ? nullptr : &*it;
}
template <typename V>
auto& GetOrAdd(V& v, uint16_t id) {
  auto it = std::lower_bound(v.begin(), v.end(), id, [](const auto& n, uint16_t i) { return n.id < i; });
  if (it != v.end() && it->id == id) return *it;
  typename V::value_type n;
  n.id = id;
  return *v.insert(it, std::move(n));
}
}  // namespace

const ResourceInstance* Resource::FindInstance(uint16_t id) const { return FindById(instances, id); }
const Resource* ObjectInstance::FindResource(uint16_t id) const { return FindById(resources, id); }
Resource* ObjectInstance::FindResource(uint16_t id) { return FindById(resources, id); }
const ObjectInstance* Object::FindInstance(uint16_t id) const { return FindById(instances, id); }
ObjectInstance* Object::FindInstance(uint16_t id) { return FindById(instances, id); }
const Object* Tree::FindObject(uint16_t id) const { return FindById(objects, id); }

Tree BuildTree(const std::vector<Record>& records, const ModelRegistry* models) {
  Tree t;
  Diagnostics d;
  bool first = true;
  // Track which (resource path) were set as single values, to report duplicates.
  for (const Record& r : records) {
    const Path& p = r.path;
    std::string ps = p.ToString();
    if (first) {
      t.prefix = p.prefix();
      first = false;
    } else if (p.prefix() != t.prefix) {
      d.Error(std::nullopt, ps, "record prefix '" + p.prefix() + "' differs from '" + t.prefix + "'");
      continue;
    }
    if (p.size() < 2) {
      if (!r.value.is_none() || p.size() == 0)
        d.Error(std::nullopt, ps, "a value needs a path to a resource or resource instance");
      else
        GetOrAdd(t.objects, p[0]);
      continue;
    }
    Object& obj = GetOrAdd(t.objects, p[0]);
    ObjectInstance& inst = GetOrAdd(obj.instances, p[1]);
    if (p.size() == 2) {
      if (!r.value.is_none()) d.Error(std::nullopt, ps, "a value needs a path to a resource or resource instance");
      continue;
    }
    bool existed = inst.FindResource(p[2]) != nullptr;
    Resource& res = GetOrAdd(inst.resources, p[2]);
    bool model_multiple = false;
    if (models) {
      if (const auto* rm = models->FindResource(p.WithoutPrefix())) model_multiple = rm->multiple;
    }
    if (p.size() == 3) {
      if (r.value.is_none()) {
        // Empty Multiple Resource (or a path without a value).
        if (existed && !res.multiple)
          d.Error(std::nullopt, ps, "resource given twice");
        res.multiple = true;
        continue;
      }
      if (existed) {
        d.Error(std::nullopt, ps,
                res.multiple ? "resource is both a single value and a Multiple Resource" : "resource given twice");
        continue;
      }
      res.multiple = false;
      res.value = r.value;
      if (model_multiple)
        d.Warning(std::nullopt, ps, "the object model defines this resource as Multiple; a single value was given");
      continue;
    }
    if (existed && !res.multiple) {
      d.Error(std::nullopt, ps, "resource is both a single value and a Multiple Resource");
      continue;
    }
    res.multiple = true;
    if (res.FindInstance(p[3])) {
      d.Error(std::nullopt, ps, "resource instance given twice");
      continue;
    }
    GetOrAdd(res.instances, p[3]).value = r.value;
    if (models && !model_multiple && models->FindResource(p.WithoutPrefix()))
      d.Warning(std::nullopt, ps, "the object model defines this resource as Single; a resource instance was given");
  }
  t.diagnostics = d.Take();
  return t;
}

std::vector<Record> Flatten(const Tree& t) {
  std::vector<Record> out;
  for (const Object& o : t.objects) {
    if (o.instances.empty()) {
      out.push_back({Path{o.id}.WithPrefix(t.prefix), Value()});
      continue;
    }
    for (const ObjectInstance& i : o.instances) {
      Path ip = Path{o.id, i.id}.WithPrefix(t.prefix);
      if (i.resources.empty()) out.push_back({ip, Value()});
      for (const Resource& r : i.resources) {
        Path rp = ip.Child(r.id);
        if (!r.multiple) {
          out.push_back({rp, r.value});
        } else if (r.instances.empty()) {
          out.push_back({rp, Value()});
        } else {
          for (const ResourceInstance& ri : r.instances) out.push_back({rp.Child(ri.id), ri.value});
        }
      }
    }
  }
  return out;
}

}  // namespace lwm2m
