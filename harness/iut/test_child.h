// test_child.h (tests only): a tiny upper-tester IUT in Python that speaks UPPER-TESTER.md,
// written to a temporary file. Verbs: ping (event, log line, reply), noid (reply without id),
// silent (no reply), die (exit "code"), fail (ok:false), anything else: "unsupported" (and exit 127
// when "exit127" is set).
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace lwm2m::iut::testing_child {

inline std::string ControlChildCommand() {
  static const std::string path = [] {
    // A name per process, written then renamed: parallel test processes never read a partial file.
    std::string p = ::testing::TempDir() + "/lwm2m_iut_control_child_" + std::to_string(getpid()) + ".py";
    std::ofstream f(p + ".tmp");
    f << R"PY(import json, sys
print("child started", flush=True)
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    try:
        req = json.loads(line)
    except ValueError:
        print(json.dumps({"ok": False, "error": "malformed JSON"}), flush=True)
        continue
    cmd = req.get("cmd")
    rid = req.get("id")
    if cmd == "ping":
        print(json.dumps({"event": "pinged", "n": req.get("n")}), flush=True)
        print("log text, not JSON", flush=True)
        print(json.dumps({"id": rid, "ok": True, "pong": req.get("n"), "args": req}), flush=True)
    elif cmd == "noid":
        print(json.dumps({"ok": True, "anon": 1}), flush=True)
    elif cmd == "silent":
        pass
    elif cmd == "die":
        sys.exit(int(req.get("code", 3)))
    elif cmd == "fail":
        print(json.dumps({"id": rid, "ok": False, "error": "it broke"}), flush=True)
    else:
        print(json.dumps({"id": rid, "ok": False, "error": "unsupported: " + str(cmd)}), flush=True)
        if req.get("exit127"):
            sys.exit(127)
)PY";
    f.close();
    std::rename((p + ".tmp").c_str(), p.c_str());
    return p;
  }();
  return "exec /usr/bin/python3 -u " + path;
}

}  // namespace lwm2m::iut::testing_child
