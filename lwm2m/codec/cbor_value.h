// cbor_value.h: the CBOR pieces shared by the CBOR (60), SenML CBOR (112/322)
// and LwM2M CBOR (11544) codecs, on top of libcbor: strict loading with the
// byte offset of a failure, LwM2M Values <-> CBOR items with RFC 8949
// preferred serialization (shortest integer head, shortest exact float), and
// deterministic serialization. Typing follows Core TS 1.2 §7.4.6.
//   Diagnostics d;
//   CborItem item = CborLoad(bytes, d);     // null item + error diagnostic on failure
//   Result<Value> v = ValueFromCbor(item.get(), DataType::kInteger, "/3/0/9");
#pragma once

#include <cbor.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "lwm2m/diagnostic.h"
#include "lwm2m/result.h"
#include "lwm2m/value.h"

namespace lwm2m {

struct CborItemDeleter {
  void operator()(cbor_item_t* p) const {
    if (p) cbor_decref(&p);
  }
};
using CborItem = std::unique_ptr<cbor_item_t, CborItemDeleter>;

// Loads exactly one CBOR data item. On malformed input (truncated, reserved
// additional info, invalid UTF-8 in text strings, nesting deeper than
// `max_depth`, trailing bytes after the item) adds an error Diagnostic with
// the byte offset and returns null (trailing bytes: returns the item and adds
// the error). Never aborts on any input.
CborItem CborLoad(std::span<const uint8_t> data, Diagnostics& diags, std::string_view format_name,
                  size_t max_depth = 32);

// The LwM2M value of a CBOR item for a resource of type `expected`
// (Core TS 1.2 §7.4.6): Integer/Time from major 0/1 (Time also tag 1),
// Unsigned from major 0, Float from major 7 floats (and integers, exactly),
// Boolean from simple 20/21, String/Corelnk from major 3, Opaque from major 2,
// Objlnk from a text string "oid:iid". With expected == kNone, the natural
// type of the item (major 0 -> Unsigned Integer if > INT64_MAX else Integer,
// 1 -> Integer, 2 -> Opaque, 3 -> String, floats -> Float, bools -> Boolean).
// Errors (4.00) say what was found and what was expected, naming `path`.
Result<Value> ValueFromCbor(const cbor_item_t* item, DataType expected, std::string_view path);

// The CBOR item for a value: Integer/Time -> major 0/1 (Time untagged),
// Unsigned -> major 0, Float -> the shortest of half/single/double that
// represents it exactly, Boolean -> simple 20/21, String/Corelnk -> text,
// Opaque -> byte string, Objlnk -> text "oid:iid". None -> null (simple 22).
CborItem CborFromValue(const Value& v);

// Serializes with definite lengths and preferred serialization.
Bytes CborSerialize(const cbor_item_t* item);

// A short description for messages: "unsigned integer 5", "text string (3 bytes)", "map (2 pairs)".
std::string CborDescribe(const cbor_item_t* item);

// The bytes of a byte or text string item, definite or chunked (indefinite
// length, RFC 8949 §3.2.3); sets *indefinite, when given, for a chunked one.
std::string CborStringBytes(const cbor_item_t* item, bool* indefinite = nullptr);

// Appends the head of a data item, major type and argument, with the argument
// in its shortest form (RFC 8949 §3; preferred serialization, §4.1).
void CborAppendHead(Bytes& out, uint8_t major, uint64_t arg);

}  // namespace lwm2m
