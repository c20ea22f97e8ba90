// iut.h: everything of harness/iut/ in one include: the IUT description (ICS + IXIT), templates
// and variables, the launched IUT process with its control channel, and upper-tester actions.
//   #include "harness/iut/iut.h"   // lwm2m::iut::LoadIut, Expand, IutProcess, RunAction
#pragma once

#include "harness/iut/action.h"
#include "harness/iut/iut_description.h"
#include "harness/iut/iut_process.h"
#include "harness/iut/template.h"
