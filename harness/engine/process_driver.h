// process_driver.h: the IutDriver (iut_driver.h) for an IUT described by an IUT file
// (harness/iut/): launched per case with IutProcess (own process group, iut.log), upper-tester
// actions with RunAction, the JSON-lines control channel for `state:` steps.
//   std::vector<Diagnostic> d;
//   auto iut = iut::LoadIut("testcases/iut/reference-client.yaml", d);
//   auto driver = MakeProcessDriver(*iut, {.build_dir = "build", .source_dir = "."});
#pragma once

#include <memory>
#include <string>

#include "harness/engine/iut_driver.h"
#include "harness/iut/iut_description.h"

namespace lwm2m::engine {

struct ProcessDriverOptions {
  std::string build_dir, source_dir;
};

// The ICS/IXIT of an IUT file as the engine sees it.
IutInfo InfoFromDescription(const iut::IutDescription& d);
std::unique_ptr<IutDriver> MakeProcessDriver(iut::IutDescription description, ProcessDriverOptions options);

}  // namespace lwm2m::engine
