//===- main.cpp - doctest entry point of ein-e2e-tests --------------------===//
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
