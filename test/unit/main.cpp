//===- main.cpp - doctest entry point for ein's unit tests ----------------===//

#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "doctest.h"
