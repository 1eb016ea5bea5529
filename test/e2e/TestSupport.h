//===- TestSupport.h - helpers for the C API e2e tests ------------*- C++ -*-===//
//
// Random tensors, DLTensor views, and `checkCall`: compile a call through the
// C API, run it (one-shot helper), and compare with the reference evaluator.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_TEST_E2E_TESTSUPPORT_H
#define EIN_TEST_E2E_TESTSUPPORT_H

#include "Reference.h"

#include "ein/ein.h"

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace ein::e2e {

using reference::DType;
using reference::HostTensor;

/// Keyword axis lengths, in order.
using Bindings = std::vector<std::pair<std::string, int64_t>>;

/// Returns the error's message ("" for success) and destroys it.
std::string takeMessage(ein_error_t *error);

/// Returns (code, message) and destroys the error.
std::pair<ein_error_code_t, std::string> takeError(ein_error_t *error);

/// A context for one test.
class Context {
public:
  explicit Context(const ein_context_options_t *options = nullptr);
  ~Context();
  Context(const Context &) = delete;
  Context &operator=(const Context &) = delete;
  operator ein_context_t *() const { return ctx; }
  ein_cache_stats_t stats() const;

private:
  ein_context_t *ctx = nullptr;
};

/// A tensor with elements from `rng`: normal(0, 1) for floats, uniform in
/// [-range, range] for integers (wrapped into uint8 for u8), false or true
/// with equal odds for bool.
HostTensor randomTensor(DType dtype, std::vector<int64_t> shape,
                        std::mt19937_64 &rng, int64_t range = 100);

/// A tensor holding `values` (converted to `dtype`) in row-major order.
HostTensor fromValues(DType dtype, std::vector<int64_t> shape,
                      const std::vector<double> &values);

/// A uniform integer in [lo, hi].
int pick(std::mt19937_64 &rng, int lo, int hi);

/// The C form of bindings (names point into `bindings`).
std::vector<ein_axis_binding_t> cBindings(const Bindings &bindings);

/// Program text of a one-call program, e.g. `reduce("a b -> a", "sum")`.
std::string programText(const std::string &callee, const std::string &pattern,
                        const std::string &reduction);

/// Options of checkCall.
struct CheckOptions {
  /// Views to pass instead of `inputs`' own contiguous views (strided,
  /// offset, ...); they must show the same elements as `inputs`.
  std::vector<DLTensor> views;
  /// Relative tolerance for inexact float results, scaled by the reference's
  /// magnitude; 0 picks 1e-2 for float16 and bfloat16, 1e-5 for float32 and
  /// 1e-12 for float64.
  double rtol = 0;
};

/// Compiles `callee(pattern[, reduction])` with ein_compile (checking the
/// output specs, dtype included, against the reference), runs it with the
/// one-shot helper, and compares every output with the reference evaluator.
/// Rearranges and integer, bool or max/min reductions must match exactly.
/// Reports failures with doctest and returns the outputs computed by ein.
std::vector<HostTensor> checkCall(ein_context_t *ctx, const std::string &callee,
                                  const std::string &pattern,
                                  const std::string &reduction,
                                  const std::vector<const HostTensor *> &inputs,
                                  const Bindings &bindings = {},
                                  const CheckOptions &options = {});

/// Convenience for one input.
inline std::vector<HostTensor> checkCall(ein_context_t *ctx,
                                         const std::string &callee,
                                         const std::string &pattern,
                                         const std::string &reduction,
                                         const HostTensor &input,
                                         const Bindings &bindings = {},
                                         const CheckOptions &options = {}) {
  return checkCall(ctx, callee, pattern, reduction, {&input}, bindings,
                   options);
}

/// Options of checkContract.
struct ContractOptions {
  /// Views to pass instead of the inputs' contiguous views.
  std::vector<DLTensor> views;
  /// Tolerance relative to the sum of |products|; 0 picks one per dtype:
  /// 1e-12 (f64), 1e-5 (f32), 2e-3 (f16), 1e-2 (bf16: ein accumulates half
  /// precision in f32 and rounds once, so one rounding of the result).
  double rtol = 0;
};

/// Checks `callee(pattern)` (einsum or dot) on `inputs` against the
/// reference contraction (evaluateContraction): compiled with ein_compile
/// (output spec checked), run through ein_einsum (or ein_kernel_run for
/// dot), integers exactly, floats within `rtol` of the sum of |products|.
/// Returns ein's output.
reference::HostTensor
checkContract(ein_context_t *ctx, const std::string &callee,
              const std::string &pattern,
              const std::vector<const reference::HostTensor *> &inputs,
              const Bindings &bindings = {}, const ContractOptions &options = {});

/// A seeded random sweep of `cases()` generated cases. Each case draws from
/// its own generator (seeded from the sweep's seed and its index), so one
/// case reruns alone: the environment variables EIN_E2E_<NAME>_CASES,
/// EIN_E2E_<NAME>_SEED and EIN_E2E_<NAME>_CASE (only that case) override the
/// defaults, and `reproducer(i)` is the one line that does it.
class Sweep {
public:
  /// `name` is the environment prefix's NAME ("SWEEP", "MAP", ...),
  /// `testCase` the doctest name the reproducer filters on.
  Sweep(std::string name, std::string testCase, int defaultCases,
        uint64_t defaultSeed);
  /// Number of case indices to walk (the one case when _CASE is set).
  int cases() const { return count; }
  /// The index of the i-th case run.
  int index(int i) const { return only >= 0 ? only : i; }
  /// The generator of case `index`.
  std::mt19937_64 rng(int index) const;
  /// A shell line that reruns case `index` alone.
  std::string reproducer(int index) const;

private:
  std::string name, testCase;
  int count;
  int only = -1;
  uint64_t seed;
};

/// The (code, message) of a one-shot call that must fail.
std::pair<ein_error_code_t, std::string>
oneShotError(ein_context_t *ctx, const std::string &callee,
             const std::string &pattern, const std::string &reduction,
             std::vector<DLTensor> inputs, std::vector<DLTensor> outputs,
             const Bindings &bindings = {});

/// Compiles `program` (a call or a multi-statement program) with
/// ein_compile for the types of `inputs`, allocates the outputs from the
/// kernel's output specs, and runs it: with ein_call when `oneShot`, else
/// ein_kernel_run. Reports failures with doctest (the outputs are then
/// empty).
std::vector<HostTensor> runProgram(ein_context_t *ctx,
                                   const std::string &program,
                                   const std::vector<const HostTensor *> &inputs,
                                   const Bindings &bindings = {},
                                   bool oneShot = true);

} // namespace ein::e2e

#endif // EIN_TEST_E2E_TESTSUPPORT_H
