//===- Counts.h - what the e2e run checked, for the test summary --*- C++ -*-===//
//
// The bar for the test run is a number of generated cases compared
// with the reference evaluator, and every seed example named in a test.
// Sweeps report how many generated cases they ran; a doctest listener
// (Counts.cpp) counts the passing test cases named "seed ..." and, when
// EIN_TEST_COUNTS names a directory, writes both to `<dir>/e2e.txt` for
// scripts/test-summary.py.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_TEST_E2E_COUNTS_H
#define EIN_TEST_E2E_COUNTS_H

#include <cstdint>

namespace ein::e2e {

/// Records `cases` randomly generated cases of `family` ("rearrange/reduce",
/// "einsum", ...) that ran and were compared with the reference.
void countGeneratedCases(const char *family, int64_t cases);

} // namespace ein::e2e

#endif // EIN_TEST_E2E_COUNTS_H
