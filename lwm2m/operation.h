// operation.h: every LwM2M 1.2 operation (Core TS 1.2 §6.1-§6.4) as a typed
// value, its mapping to a CoAP request (Transport TS 1.2 §6.4, Tables 6.4.2-1 to
// 6.4.5-1), the reverse mapping with a diagnostic for each rule a message
// breaks, and the labelling of responses (expected codes, Table 6.7-1 to 6.7-4).
//   Operation op = Operation::Register("node1", 300, "1.2", "U", "</1/0>,</3/0>");
//   CoapMessage m = op.ToCoap();                   // POST /rd?ep=node1&lt=300&lwm2m=1.2&b=U
//   Classification c = Classify(m, {.direction = Direction::kClientToServer});
//   c.operation->kind == OperationKind::kRegister; c.status.ok();
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/attributes.h"
#include "lwm2m/coap_message.h"
#include "lwm2m/content.h"
#include "lwm2m/content_format.h"
#include "lwm2m/diagnostic.h"
#include "lwm2m/model.h"
#include "lwm2m/path.h"
#include "lwm2m/result.h"

namespace lwm2m {

enum class Interface : uint8_t { kBootstrap, kRegistration, kDeviceManagement, kInformationReporting };

enum class OperationKind : uint8_t {
  // Bootstrap (Core TS 1.2 §6.1.7; Transport TS 1.2 Table 6.4.2-1)
  kBootstrapRequest,      // C->BS  POST /bs?ep=&pct=
  kBootstrapPackRequest,  // C->BS  GET /bspack?ep=  (1.2)
  kBootstrapWrite,        // BS->C  PUT /o[/i[/r]]
  kBootstrapRead,         // BS->C  GET /1[/i], /2[/i]
  kBootstrapDiscover,     // BS->C  GET / or /o, Accept 40
  kBootstrapDelete,       // BS->C  DELETE /, /o, /o/i
  kBootstrapFinish,       // BS->C  POST /bs
  // Registration (Core TS 1.2 §6.2; Transport TS 1.2 Table 6.4.3-1)
  kRegister,    // C->S  POST /rd?ep=&lt=&lwm2m=&b=&Q&sms=&pid=, link-format payload
  kUpdate,      // C->S  POST /{location}?lt=&b=&Q&sms=&pid=
  kDeregister,  // C->S  DELETE /{location}
  // Device Management and Service Enablement (Core TS 1.2 §6.3; Transport TS 1.2 Table 6.4.4-1)
  kRead,             // GET /o[/i[/r[/ri]]]
  kReadComposite,    // FETCH /, path list in the payload
  kDiscover,         // GET /o[/i[/r]] with Accept 40, ?depth=
  kWrite,            // PUT (replace) or POST (partial update), see write_mode
  kWriteComposite,   // iPATCH /
  kWriteAttributes,  // PUT path?pmin=&... without payload
  kExecute,          // POST /o/i/r, optional text/plain arguments
  kCreate,           // POST /o
  kDelete,           // DELETE /o/i or /o/i/r/ri
  // Information Reporting (Core TS 1.2 §6.4; Transport TS 1.2 Table 6.4.5-1). Notify is a response.
  kObserve,                 // GET with Observe=0, ?pmin=&... (1.2 observation attributes)
  kObserveComposite,        // FETCH / with Observe=0
  kCancelObservation,       // GET with Observe=1
  kCancelObserveComposite,  // FETCH / with Observe=1
  kSend,                    // C->S  POST /dp
};

// "Bootstrap-Request", "Write-Attributes", "Cancel Observation", as the TS spells them.
std::string_view OperationName(OperationKind k);
// "bootstrap-request", "write-attributes", "cancel-observation": the YAML `op:` keys.
std::string_view OperationKey(OperationKind k);
// Accepts a key or a name, case-insensitively.
std::optional<OperationKind> ParseOperationKind(std::string_view text);
Interface InterfaceOf(OperationKind k);

// Which side sent the request.
enum class Direction : uint8_t { kClientToServer, kServerToClient };
Direction DirectionOf(OperationKind k);

enum class WriteMode : uint8_t { kReplace, kPartialUpdate };  // PUT / POST (Core TS 1.2 §6.3.3)

// Register and Update parameters (Core TS 1.2 Tables 6.2.1-1 and 6.2.2-1), and the
// endpoint of Bootstrap-Request and Bootstrap-Pack-Request.
struct RegistrationParams {
  std::optional<std::string> endpoint;       // ep
  std::optional<uint32_t> lifetime;          // lt, seconds
  std::optional<std::string> lwm2m_version;  // lwm2m, "1.2"
  std::optional<std::string> binding;        // b, "U", "UQ" (1.0), "T"
  bool queue_mode = false;                   // Q (no value)
  std::optional<std::string> sms;            // sms, MSISDN
  std::optional<std::string> profile_id;     // pid (1.2)
  bool operator==(const RegistrationParams&) const = default;
};

// One Execute argument (Core TS 1.2 §6.3.5): `0='abc'` or a bare digit `1`.
struct ExecuteArgument {
  uint8_t digit = 0;
  std::optional<std::string> value;
  bool operator==(const ExecuteArgument&) const = default;
};

// Parses an Execute payload per the ABNF of Core TS 1.2 §6.3.5:
//   arglist = arg *("," arg); arg = DIGIT / DIGIT "=" "'" *CHAR "'";
//   CHAR = "!" / %x23-26 / %x28-5B / %x5D-7E; each DIGIT at most once (1.2.1).
// An empty text is an empty list. Errors name the offset and the character.
Result<std::vector<ExecuteArgument>> ParseExecuteArguments(std::string_view text);
std::string FormatExecuteArguments(const std::vector<ExecuteArgument>& args);  // "0='abc',1"

struct Operation {
  OperationKind kind = OperationKind::kRead;
  Path path;              // the target; root for composites, Send, Register and Bootstrap-Request
  std::string location;   // Update, De-register: the registration's location, "/rd/5a3f"
  RegistrationParams registration;                        // Register, Update; ep of Bootstrap-(Pack-)Request
  std::optional<ContentFormat> preferred_content_format;  // pct of Bootstrap-Request
  std::optional<std::string> bootstrap_accounts;          // acc of Bootstrap-Pack-Request (1.2.1)
  WriteMode write_mode = WriteMode::kReplace;             // Write
  NotificationAttributes attributes;                      // Write-Attributes, Observe, Observe-Composite
  std::optional<uint8_t> depth;                           // Discover (1.2)
  std::vector<ExecuteArgument> arguments;                 // Execute, parsed from the payload
  std::optional<ContentFormat> content_format;
  std::optional<ContentFormat> accept;
  Bytes payload;
  std::vector<Link> links;      // Register/Update: the object links, when a link-format codec is registered
  bool links_decoded = false;   // false: no codec (links empty), or no payload
  std::vector<std::string> extra_queries;  // Uri-Query items the operation does not define, verbatim

  // Factories: each fills the fields its operation uses, ready for ToCoap().
  static Operation BootstrapRequest(std::string endpoint, std::optional<ContentFormat> pct = {});
  static Operation BootstrapPackRequest(std::string endpoint, ContentFormat accept = ContentFormat::kSenmlCbor);
  static Operation BootstrapWrite(Path path, ContentFormat format, Bytes payload);
  static Operation BootstrapRead(Path path, std::optional<ContentFormat> accept = {});
  static Operation BootstrapDiscover(Path path = {});
  static Operation BootstrapDelete(Path path = {});
  static Operation BootstrapFinish();
  // `links` is the link-format payload (Content-Format 40), e.g. "</1/0>,</3/0>".
  static Operation Register(std::string endpoint, std::optional<uint32_t> lifetime, std::string lwm2m_version,
                            std::optional<std::string> binding, std::string_view links);
  static Operation Update(std::string location, RegistrationParams params = {}, std::string_view links = {});
  static Operation Deregister(std::string location);
  static Operation Read(Path path, std::optional<ContentFormat> accept = {});
  static Operation ReadComposite(ContentFormat format, Bytes paths, std::optional<ContentFormat> accept = {});
  static Operation Discover(Path path, std::optional<uint8_t> depth = {});
  static Operation Write(Path path, WriteMode mode, ContentFormat format, Bytes payload);
  static Operation WriteComposite(ContentFormat format, Bytes payload);
  static Operation WriteAttributes(Path path, NotificationAttributes attributes);
  static Operation Execute(Path path, std::vector<ExecuteArgument> arguments = {});
  static Operation Create(Path object, ContentFormat format, Bytes payload);
  static Operation Delete(Path path);
  static Operation Observe(Path path, NotificationAttributes attributes = {}, std::optional<ContentFormat> accept = {});
  static Operation ObserveComposite(ContentFormat format, Bytes paths, NotificationAttributes attributes = {},
                                    std::optional<ContentFormat> accept = {});
  static Operation CancelObservation(Path path);
  static Operation CancelObserveComposite(ContentFormat format, Bytes paths);
  static Operation Send(ContentFormat format, Bytes payload);

  // The CoAP request: CON, message id 0 and an empty token (the sender sets
  // them), options in number order, queries in the order of the TS URI
  // templates then `extra_queries`, Content-Format and Accept when set,
  // Observe 0/1 for the IR operations, Accept 40 for a Discover without one.
  // `alternate_path` ("/lwm2m") is put before DM and IR paths (Transport TS 1.2 §6.4.1).
  // The fields are written as given, so a wrong operation gives a wrong message.
  CoapMessage ToCoap(std::string_view alternate_path = {}) const;

  // "Read /3/0 accept=112", "Register ep=node1 lt=300 lwm2m=1.2 b=U links=2".
  std::string Summary() const;

  bool operator==(const Operation&) const = default;
};

struct ClassifyOptions {
  Direction direction = Direction::kServerToClient;
  // The server side of the exchange is a Bootstrap-Server: server->client GET, PUT,
  // DELETE and POST /bs are the Bootstrap operations.
  bool bootstrap_server = false;
  // The transport authenticated the client (DTLS/TLS/OSCORE identity): Register and
  // Bootstrap-Request may then omit ep (Core TS 1.2 §6.2.1). Without it a missing ep is 4.00.
  bool authenticated_identity = false;
  // The client's alternate path ("/lwm2m", from </lwm2m>;rt="oma.lwm2m"); DM and IR
  // requests must carry it (Transport TS 1.2 §6.4.1).
  std::string alternate_path;
  // Object models: tell Execute from a Write partial update on POST /o/i/r and type-check
  // attributes. Without models the Content-Format decides (text/plain or none: Execute).
  const ModelRegistry* models = nullptr;
};

struct Classification {
  std::optional<Operation> operation;   // what the message is, also when it breaks a rule; nullopt: no operation
  Status status;                        // Ok, or what a strict receiver answers (first rule broken)
  std::vector<Diagnostic> diagnostics;  // every rule broken (errors) and oddity (warnings, infos)
  bool ok() const { return status.ok(); }
  Result<Operation> result() const;     // the operation when ok(), else the status
};

// Maps a request to an LwM2M operation and checks it against the TS: the
// method/path/option combination, query parameters (missing ep -> 4.00, Q=value,
// lt without value or not numeric, unknown parameters as warnings), targets
// (Write on an Object, Create below an Object, Delete of a Resource, Observe on
// root, ids of 65535 -> 4.05), Content-Formats, Execute argument syntax, and
// attribute consistency (4.00).
Classification Classify(const CoapMessage& request, const ClassifyOptions& options = {});

// What the peer would take `op` for, and every rule it breaks: Classify(op.ToCoap())
// plus an error when the message would be classified as a different operation
// (a Create on /3/0/1 is received as an Execute).
std::vector<Diagnostic> Validate(const Operation& op, const ClassifyOptions& options = {});

enum class ResponseKind : uint8_t {
  kSuccess,     // the operation's success code
  kNotify,      // 2.05 with Observe to an Observe/Observe-Composite (also the first response)
  kContinue,    // 2.31 Continue to a block of a request payload (RFC 7959 §2.9.1)
  kError,       // 4.xx, 5.xx
  kUnexpected,  // a success code other than the operation's, or a message that is no response
  kEmptyAck,    // an Empty ACK: the response comes separately (RFC 7252 §5.2.2)
  kReset,       // RST
};
std::string_view ResponseKindName(ResponseKind k);  // "success", "notify", ...

struct ResponseClassification {
  ResponseKind kind = ResponseKind::kUnexpected;
  std::vector<Diagnostic> diagnostics;
  std::string location;             // Register: the Location-Path, "/rd/5a3f"
  std::optional<Path> created;      // Create: the instance from the Location-Path
  std::optional<uint32_t> observe;  // Notify: the Observe sequence number
  bool HasErrors() const { return lwm2m::HasErrors(diagnostics); }
};

// The success code of each operation (Register 2.01, Update 2.04, De-register 2.02,
// Read/Discover/Observe/Bootstrap-Read 2.05, Write 2.04, Create 2.01, Delete 2.02, ...).
uint8_t ExpectedSuccessCode(OperationKind k);
// The 4.xx codes Transport TS 1.2 Tables 6.7-1 to 6.7-4 list for the operation.
const std::vector<uint8_t>& ListedErrorCodes(OperationKind k);

// Labels `response` to `request` and checks it: the success code, Register's
// Location-Path under /rd, Create's Location-Path /o/i, Content-Format against
// Accept, link format for Discover, error codes the TS does not list (warning).
ResponseClassification ClassifyResponse(const Operation& request, const CoapMessage& response);

}  // namespace lwm2m
