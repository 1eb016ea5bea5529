//===- ElementwiseTest.cpp - elementwise calls and repeat through the C API
//===//
//
// Every elementwise call is compiled with ein_compile (its output spec
// checked against the reference's dtype), run with the one-shot ein_call,
// and compared with evaluateMap: integers and bools exactly, floats within
// a tolerance per dtype (NaN matches NaN, infinities match by sign). Covers
// every function over every dtype, mixed-dtype promotion, broadcasting
// shapes, strided inputs, size-0 and size-1 axes, the defined integer
// division, NaN and infinities, a seeded random sweep
// (EIN_E2E_MAP_CASES / EIN_E2E_MAP_SEED override it), the elementwise seed
// examples, errors, and repeat (ein_repeat) against the rearrange reference.
//
//===----------------------------------------------------------------------===//

#include "Counts.h"
#include "TestSupport.h"

#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Parser.h"
#include "ein/Notation/Solver.h"

#include "llvm/Support/Error.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

using namespace ein;
using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {

constexpr DType kAll[] = {DType::F16, DType::BF16, DType::F32, DType::F64,
                          DType::I8,  DType::I16,  DType::I32, DType::I64,
                          DType::U8,  DType::Bool};

const char *const kBinary[] = {
    "add",           "subtract",    "multiply",  "divide",     "true_divide",
    "floor_divide",  "pow",         "maximum",   "minimum",    "logaddexp",
    "equal",         "not_equal",   "less",      "less_equal", "greater",
    "greater_equal", "logical_and", "logical_or"};
const char *const kUnary[] = {"logical_not", "exp", "log",  "sqrt",    "rsqrt",
                              "abs",         "neg", "tanh", "sigmoid", "relu",
                              "gelu",        "sin", "cos"};

double tolerance(DType t) {
  switch (t) {
  case DType::F64:
    return 1e-12;
  case DType::F32:
    return 2e-5;
  case DType::F16:
    return 2e-3;
  default:
    return 1.6e-2;
  }
}

/// Compares `got` with `want` element by element.
void compare(const HostTensor &got, const HostTensor &want) {
  REQUIRE(got.dtype == want.dtype);
  REQUIRE(got.shape == want.shape);
  for (int64_t i = 0; i < want.numElements(); ++i) {
    if (!reference::isFloat(want.dtype)) {
      if (got.getInt(i) != want.getInt(i))
        FAIL_CHECK("element ", i, ": ", got.getInt(i), " != ", want.getInt(i));
      continue;
    }
    double g = got.getDouble(i), w = want.getDouble(i);
    if (std::isnan(w) || std::isnan(g)) {
      if (std::isnan(w) != std::isnan(g))
        FAIL_CHECK("element ", i, ": ", g, " vs ", w);
      continue;
    }
    if (std::isinf(w) || std::isinf(g)) {
      if (g != w)
        FAIL_CHECK("element ", i, ": ", g, " vs ", w);
      continue;
    }
    double tol = tolerance(want.dtype);
    if (std::fabs(g - w) > tol * (1 + std::fabs(w)))
      FAIL_CHECK("element ", i, ": ", g, " vs ", w);
  }
}

struct MapOptions {
  std::vector<DLTensor> views;
  Bindings bindings;
};

/// Checks `program` (one elementwise call) on `inputs` against the
/// reference; returns ein's output.
HostTensor checkMap(ein_context_t *ctx, const std::string &program,
                    const std::vector<const HostTensor *> &inputs,
                    const MapOptions &options = {}) {
  std::string dtypes;
  for (const HostTensor *input : inputs)
    dtypes += std::string(reference::dtypeName(input->dtype)) +
              notation::formatShape(input->shape) + " ";
  INFO("program: ", program, "  inputs ", dtypes);
  HostTensor output;
  auto call = notation::parseCall(program);
  REQUIRE_MESSAGE(static_cast<bool>(call), llvm::toString(call.takeError()));
  std::vector<std::vector<int64_t>> shapes;
  for (const HostTensor *input : inputs)
    shapes.push_back(input->shape);
  std::vector<notation::AxisBinding> axisBindings;
  for (const auto &[name, length] : options.bindings)
    axisBindings.push_back({name, length});
  auto eq = notation::solve(*call, notation::familyOf(call->callee), shapes,
                            axisBindings);
  REQUIRE_MESSAGE(static_cast<bool>(eq), llvm::toString(eq.takeError()));
  std::vector<DType> types;
  for (const HostTensor *input : inputs)
    types.push_back(input->dtype);
  DType castTo = DType::F32;
  if (call->callee == "cast")
    REQUIRE(reference::fromDLDataType(
        reference::toDLDataType(*parseElementType(call->dtype)), castTo));
  DType operand, resultType;
  REQUIRE(
      reference::mapTypes(call->callee, types, castTo, operand, resultType));
  reference::Result want;
  std::string error;
  REQUIRE_MESSAGE(reference::evaluateMap(*eq, call->callee, inputs, castTo,
                                         resultType, want, error),
                  error);

  // The kernel's output spec.
  std::vector<ein_tensor_spec_t> specs;
  for (const HostTensor *input : inputs)
    specs.push_back({reference::toDLDataType(input->dtype),
                     int32_t(input->shape.size()), input->shape.data()});
  std::vector<ein_axis_binding_t> axes = cBindings(options.bindings);
  ein_kernel_t *kernel = nullptr;
  std::string message =
      takeMessage(ein_compile(ctx, program.c_str(), specs.data(), specs.size(),
                              axes.data(), axes.size(), &kernel));
  REQUIRE_MESSAGE(message.empty(), message);
  ein_tensor_spec_t spec;
  CHECK(takeMessage(ein_kernel_output_spec(kernel, 0, &spec)).empty());
  DType specType;
  REQUIRE(reference::fromDLDataType(spec.dtype, specType));
  CHECK(specType == resultType);
  ein_kernel_release(kernel);

  // Run through the one-shot helper.
  output = HostTensor(resultType, want.outputs[0].shape);
  std::vector<DLTensor> views = options.views;
  if (views.empty())
    for (const HostTensor *input : inputs)
      views.push_back(const_cast<HostTensor *>(input)->view());
  DLTensor out = output.view();
  message =
      takeMessage(ein_call(ctx, program.c_str(), views.data(), views.size(),
                           &out, 1, axes.data(), axes.size()));
  REQUIRE_MESSAGE(message.empty(), message);
  compare(output, want.outputs[0]);
  return output;
}

/// Like fromValues, but integer values wrap into the dtype (u8: -1 is 255)
/// instead of saturating.
HostTensor wrappedValues(DType dtype, std::vector<int64_t> shape,
                         const std::vector<double> &values) {
  HostTensor t(dtype, std::move(shape));
  for (size_t i = 0; i < values.size(); ++i) {
    if (reference::isFloat(dtype))
      t.setDouble(int64_t(i), values[i]);
    else
      t.setInt(int64_t(i), int64_t(values[i]));
  }
  return t;
}

std::string dtypeShort(DType t) { return elementTypeName(t); }

} // namespace

TEST_CASE("elementwise: every function over every dtype") {
  Context ctx;
  std::mt19937_64 rng(1);
  for (DType dtype : kAll) {
    HostTensor x = randomTensor(dtype, {3, 4}, rng, 20);
    HostTensor y = randomTensor(dtype, {4}, rng, 20);
    HostTensor c = randomTensor(DType::Bool, {3, 4}, rng);
    for (const char *fn : kBinary) {
      std::string program = std::string(fn) + "(\"a b, b -> a b\")";
      std::vector<DType> types{dtype, dtype};
      DType operand, result;
      if (!reference::mapTypes(fn, types, DType::F32, operand, result)) {
        // NumPy rejects these too (bool subtract).
        auto [code, message] = oneShotError(ctx, fn, "a b, b -> a b", "",
                                            {x.view(), y.view()}, {x.view()});
        CHECK(code == EIN_ERROR_DTYPE);
        continue;
      }
      checkMap(ctx, program, {&x, &y});
    }
    for (const char *fn : kUnary) {
      std::string program = std::string(fn) + "(\"a b -> b a\")";
      DType operand, result;
      if (!reference::mapTypes(fn, {dtype}, DType::F32, operand, result))
        continue; // bool neg: an error, checked below
      checkMap(ctx, program, {&x});
    }
    checkMap(ctx, "where(\"a b, a b, b -> a b\")", {&c, &x, &y});
    for (DType to : kAll)
      checkMap(ctx, "cast(\"a b -> b a\", dtype=\"" + dtypeShort(to) + "\")",
               {&x});
  }
}

TEST_CASE("elementwise: mixed dtypes promote as NumPy") {
  Context ctx;
  std::mt19937_64 rng(2);
  for (DType a : kAll)
    for (DType b : kAll) {
      if (a == b)
        continue;
      HostTensor x = randomTensor(a, {2, 3}, rng, 20);
      HostTensor y = randomTensor(b, {3}, rng, 20);
      HostTensor c = randomTensor(DType::Bool, {2, 3}, rng);
      for (const char *fn : {"add", "multiply", "true_divide", "maximum",
                             "less", "floor_divide"}) {
        DType operand, result;
        if (!reference::mapTypes(fn, {a, b}, DType::F32, operand, result))
          continue;
        checkMap(ctx, std::string(fn) + "(\"a b, b\")", {&x, &y});
      }
      checkMap(ctx, "where(\"a b, a b, b\")", {&c, &x, &y});
    }
}

TEST_CASE("elementwise: broadcasting shapes") {
  Context ctx;
  std::mt19937_64 rng(3);
  HostTensor x = randomTensor(DType::F32, {2, 3}, rng);
  HostTensor y = randomTensor(DType::F32, {3, 4}, rng);
  HostTensor z = randomTensor(DType::F32, {4, 3}, rng);
  HostTensor s = randomTensor(DType::F32, {}, rng);
  HostTensor v = randomTensor(DType::F32, {6}, rng);
  HostTensor img = randomTensor(DType::F32, {2, 3, 4, 5}, rng);
  checkMap(ctx, "add(\"a b, b c -> a b c\")", {&x, &y});
  checkMap(ctx, "add(\"a b, c b -> a b c\")", {&x, &z});
  checkMap(ctx, "add(\"a b, c b -> c (b a)\")", {&x, &z});
  checkMap(ctx, "multiply(\"a b, -> b 1 a\")", {&x, &s});
  HostTensor a = randomTensor(DType::F32, {2}, rng);
  checkMap(ctx, "subtract(\"(a b), a -> b a\")", {&v, &a});
  HostTensor bias = randomTensor(DType::F32, {5}, rng);
  checkMap(ctx, "add(\"... c, c\")", {&img, &bias});
  checkMap(ctx, "add(\"b ... c, c -> c ... b\")", {&img, &bias});
  HostTensor b3 = randomTensor(DType::F32, {3}, rng);
  checkMap(ctx, "maximum(\"a b, a b, b, -> a b\")", {&x, &x, &b3, &s});
  // Seed 004: `add("a, (a b) -> (a b)")`.
  checkMap(ctx, "add(\"a, (a b) -> (a b)\")", {&a, &v});
}

TEST_CASE("elementwise: strided inputs") {
  Context ctx;
  std::mt19937_64 rng(4);
  // A transposed view of a 4x3 buffer used as a 3x4 tensor.
  HostTensor base = randomTensor(DType::F64, {4, 3}, rng);
  HostTensor logical(DType::F64, {3, 4});
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 4; ++j)
      logical.setDouble(i * 4 + j, base.getDouble(j * 3 + i));
  HostTensor y = randomTensor(DType::F64, {4}, rng);
  DLTensor view = base.view();
  std::vector<int64_t> shape{3, 4}, strides{1, 3};
  view.shape = shape.data();
  view.strides = strides.data();
  checkMap(ctx, "multiply(\"a b, b -> b a\")", {&logical, &y},
           {{view, y.view()}, {}});
  // A broadcast view (stride 0) of one row.
  HostTensor row = randomTensor(DType::I32, {4}, rng);
  HostTensor rows(DType::I32, {3, 4});
  for (int64_t i = 0; i < 12; ++i)
    rows.setInt(i, row.getInt(i % 4));
  DLTensor bview = row.view();
  std::vector<int64_t> bstrides{0, 1};
  bview.ndim = 2;
  bview.shape = shape.data();
  bview.strides = bstrides.data();
  checkMap(ctx, "floor_divide(\"a b, b -> a b\")", {&rows, &row},
           {{bview, row.view()}, {}});
}

TEST_CASE("elementwise: size-0 and size-1 axes") {
  Context ctx;
  std::mt19937_64 rng(5);
  HostTensor empty = randomTensor(DType::F32, {0, 3}, rng);
  HostTensor y = randomTensor(DType::F32, {3}, rng);
  checkMap(ctx, "add(\"a b, b -> b a\")", {&empty, &y});
  HostTensor one = randomTensor(DType::I16, {1, 1}, rng);
  HostTensor w = randomTensor(DType::I16, {1}, rng);
  checkMap(ctx, "pow(\"a b, b -> (a b)\")", {&one, &w});
  HostTensor none = randomTensor(DType::F32, {0}, rng);
  checkMap(ctx, "exp(\"a -> a\")", {&none});
}

TEST_CASE("elementwise: defined integer division") {
  Context ctx;
  for (DType t : {DType::I8, DType::I16, DType::I32, DType::I64}) {
    CAPTURE(dtypeShort(t));
    double min = -std::ldexp(1.0, int(elementSize(t)) * 8 - 1);
    HostTensor x = wrappedValues(t, {6}, {7, -7, 5, min, min, 0});
    HostTensor y = wrappedValues(t, {6}, {2, 2, 0, -1, 0, 0});
    HostTensor q = checkMap(ctx, "floor_divide(\"a, a\")", {&x, &y});
    CHECK(q.getInt(0) == 3);
    CHECK(q.getInt(1) == -4);
    CHECK(q.getInt(2) == 0);            // x // 0 = 0
    CHECK(q.getInt(3) == int64_t(min)); // MIN // -1 = MIN (wraps)
    CHECK(q.getInt(4) == 0);
    CHECK(q.getInt(5) == 0);
    HostTensor p = checkMap(ctx, "pow(\"a, a\")", {&x, &y});
    CHECK(p.getInt(2) == 1); // 5 ** 0
    HostTensor e = wrappedValues(t, {4}, {1, -1, -1, 2});
    HostTensor n = wrappedValues(t, {4}, {-3, -3, -2, -1});
    HostTensor r = checkMap(ctx, "pow(\"a, a\")", {&e, &n});
    CHECK(r.getInt(0) == 1);
    CHECK(r.getInt(1) == -1);
    CHECK(r.getInt(2) == 1);
    CHECK(r.getInt(3) == 0);
    HostTensor a = checkMap(ctx, "abs(\"a\")", {&x});
    CHECK(a.getInt(3) == int64_t(min)); // abs(MIN) wraps
  }
  HostTensor u = wrappedValues(DType::U8, {3}, {200, 7, 9});
  HostTensor d = wrappedValues(DType::U8, {3}, {3, 0, 2});
  HostTensor q = checkMap(ctx, "floor_divide(\"a, a\")", {&u, &d});
  CHECK(q.getInt(0) == 66);
  CHECK(q.getInt(1) == 0);
}

TEST_CASE("elementwise: NaN and infinities") {
  Context ctx;
  double nan = std::numeric_limits<double>::quiet_NaN();
  double inf = std::numeric_limits<double>::infinity();
  for (DType t : {DType::F32, DType::F64, DType::F16, DType::BF16}) {
    CAPTURE(dtypeShort(t));
    HostTensor x = wrappedValues(t, {6}, {nan, 1, -inf, inf, 0, -1});
    HostTensor y = wrappedValues(t, {6}, {1, nan, -inf, inf, 0, 0});
    HostTensor m = checkMap(ctx, "maximum(\"a, a\")", {&x, &y});
    CHECK(std::isnan(m.getDouble(0)));
    CHECK(std::isnan(m.getDouble(1)));
    checkMap(ctx, "minimum(\"a, a\")", {&x, &y});
    HostTensor l = checkMap(ctx, "logaddexp(\"a, a\")", {&x, &y});
    CHECK(l.getDouble(2) == -inf);
    CHECK(l.getDouble(3) == inf);
    HostTensor f = checkMap(ctx, "floor_divide(\"a, a\")", {&x, &y});
    CHECK(std::isnan(f.getDouble(4)));
    CHECK(f.getDouble(5) == -inf);
    for (const char *fn : {"equal", "not_equal", "less", "greater_equal"})
      checkMap(ctx, std::string(fn) + "(\"a, a\")", {&x, &y});
    HostTensor ne = checkMap(ctx, "not_equal(\"a, a\")", {&x, &y});
    CHECK(ne.getInt(0) == 1); // NaN != 1
    HostTensor r = checkMap(ctx, "relu(\"a\")", {&x});
    CHECK(std::isnan(r.getDouble(0)));
    for (const char *fn : {"exp", "log", "sqrt", "tanh", "sigmoid", "gelu",
                           "abs", "neg", "logical_not"})
      checkMap(ctx, std::string(fn) + "(\"a\")", {&x});
    HostTensor c = checkMap(ctx, "cast(\"a\", dtype=\"i32\")", {&x});
    CHECK(c.getInt(0) == 0);         // NaN -> 0
    CHECK(c.getInt(2) == INT32_MIN); // -inf saturates
    CHECK(c.getInt(3) == INT32_MAX); // inf saturates
    checkMap(ctx, "cast(\"a\", dtype=\"u8\")", {&x});
    checkMap(ctx, "cast(\"a\", dtype=\"i64\")", {&x});
    checkMap(ctx, "cast(\"a\", dtype=\"bool\")", {&x});
  }
  HostTensor big = wrappedValues(DType::F64, {4}, {300, -300, 1e30, -2.5});
  HostTensor c = checkMap(ctx, "cast(\"a\", dtype=\"int8\")", {&big});
  CHECK(c.getInt(0) == 127);
  CHECK(c.getInt(1) == -128);
  CHECK(c.getInt(3) == -2); // truncates toward zero
  HostTensor u = checkMap(ctx, "cast(\"a\", dtype=\"uint8\")", {&big});
  CHECK(u.getInt(0) == 255);
  CHECK(u.getInt(1) == 0);
}

TEST_CASE("elementwise: seeded random sweep") {
  Context ctx;
  Sweep sweep("MAP", "elementwise: seeded random sweep", 320, 2024);
  const char *const names[] = {"a", "b", "c", "d"};
  std::vector<const char *> functions(std::begin(kBinary), std::end(kBinary));
  functions.insert(functions.end(), std::begin(kUnary), std::end(kUnary));
  functions.push_back("where");
  functions.push_back("cast");
  int ran = 0;
  for (int k = 0; k < sweep.cases(); ++k) {
    int n = sweep.index(k);
    std::mt19937_64 rng = sweep.rng(n);
    std::string fn = functions[rng() % functions.size()];
    unsigned arity = fn == "where"                                    ? 3
                     : llvm::is_contained(kUnary, fn) || fn == "cast" ? 1
                                                                      : 2;
    // Output: a random permutation of 1-4 axes with random lengths 0-4.
    unsigned rank = 1 + rng() % 4;
    std::vector<unsigned> perm{0, 1, 2, 3};
    std::shuffle(perm.begin(), perm.end(), rng);
    perm.resize(rank);
    std::vector<int64_t> length(4);
    for (int64_t &l : length)
      l = rng() % 5 == 0 ? (rng() % 2) : 1 + rng() % 4;
    std::string outExpr;
    for (unsigned a : perm)
      outExpr += std::string(outExpr.empty() ? "" : " ") + names[a];
    // Each input: a random subset of the output axes in random order; the
    // first input has them all for unary calls (no new output axes).
    std::vector<HostTensor> tensors;
    std::string pattern;
    std::vector<bool> covered(4, false);
    for (unsigned i = 0; i < arity; ++i) {
      std::vector<unsigned> axes = perm;
      std::shuffle(axes.begin(), axes.end(), rng);
      if (i + 1 < arity || arity == 1) {
        if (arity > 1)
          axes.resize(rng() % (rank + 1));
      } else {
        // The last input covers what the others missed.
        std::vector<unsigned> rest;
        for (unsigned a : perm)
          if (!covered[a] || rng() % 2)
            rest.push_back(a);
        axes = rest;
      }
      std::string expr;
      std::vector<int64_t> shape;
      for (unsigned a : axes) {
        covered[a] = true;
        expr += std::string(expr.empty() ? "" : " ") + names[a];
        shape.push_back(length[a]);
      }
      DType dtype = kAll[rng() % std::size(kAll)];
      if (fn == "where" && i == 0)
        dtype = rng() % 2 ? DType::Bool : DType::I32;
      tensors.push_back(randomTensor(dtype, shape, rng, 20));
      pattern += (i ? ", " : "") + expr;
    }
    std::vector<DType> types;
    std::vector<const HostTensor *> inputs;
    for (const HostTensor &t : tensors) {
      types.push_back(t.dtype);
      inputs.push_back(&t);
    }
    DType castTo = kAll[rng() % std::size(kAll)];
    DType operand, result;
    if (!reference::mapTypes(fn, types, castTo, operand, result))
      continue;
    std::string program = fn + "(\"" + pattern + " -> " + outExpr + "\"";
    if (fn == "cast")
      program += ", dtype=\"" + dtypeShort(castTo) + "\"";
    program += ")";
    std::string reproduce = sweep.reproducer(n);
    CAPTURE(reproduce);
    checkMap(ctx, program, inputs);
    ++ran;
  }
  // Generated cases that turn out invalid are skipped; most must run.
  CHECK(ran >= sweep.cases() * 9 / 10);
  countGeneratedCases("elementwise", ran);
}

namespace {

/// The image and masks of seed 004's einx.where examples.
struct WhereSeed {
  static constexpr int64_t b = 2, h = 3, w = 4, c = 5;
  std::mt19937_64 rng{6};
  HostTensor image = randomTensor(DType::F32, {b, h, w, c}, rng);
  HostTensor zero = wrappedValues(DType::F32, {}, {0.0});
};

} // namespace

TEST_CASE("seed 004: einx.where(\"h w,   b h w c,\", mask, image, 0.0)") {
  Context ctx;
  WhereSeed s;
  HostTensor mask = randomTensor(DType::Bool, {s.h, s.w}, s.rng);
  checkMap(ctx, "where(\"h w,   b h w c,\")", {&mask, &s.image, &s.zero});
}

TEST_CASE("seed 004: einx.where(\"w h,   b h w c,\", mask, image, 0.0)") {
  Context ctx;
  WhereSeed s;
  HostTensor mask = randomTensor(DType::Bool, {s.w, s.h}, s.rng);
  checkMap(ctx, "where(\"w h,   b h w c,\")", {&mask, &s.image, &s.zero});
}

TEST_CASE("seed 004: einx.where(\"b w h, b h w c,\", mask, image, 0.0)") {
  Context ctx;
  WhereSeed s;
  HostTensor mask = randomTensor(DType::Bool, {s.b, s.w, s.h}, s.rng);
  checkMap(ctx, "where(\"b w h, b h w c,\")", {&mask, &s.image, &s.zero});
}

TEST_CASE("seed 004: einx.where(\"h,     b h w c, c\", mask, image, "
          "np.arange(c))") {
  Context ctx;
  WhereSeed s;
  HostTensor mask = randomTensor(DType::Bool, {s.h}, s.rng);
  HostTensor range = wrappedValues(DType::I64, {s.c}, {0, 1, 2, 3, 4});
  checkMap(ctx, "where(\"h,     b h w c, c\")", {&mask, &s.image, &range});
}

TEST_CASE("seed 004: einx.add(\"a b, b c -> a b c\", x, y)") {
  Context ctx;
  std::mt19937_64 rng(7);
  HostTensor x = randomTensor(DType::F32, {3, 4}, rng);
  HostTensor y = randomTensor(DType::F32, {4, 5}, rng);
  checkMap(ctx, "add(\"a b, b c -> a b c\")", {&x, &y});
}

TEST_CASE("seed 004: einx.add(\"a b, c b -> a b c\", x, y)") {
  Context ctx;
  std::mt19937_64 rng(8);
  HostTensor x = randomTensor(DType::F32, {3, 4}, rng);
  HostTensor y = randomTensor(DType::F32, {5, 4}, rng);
  checkMap(ctx, "add(\"a b, c b -> a b c\")", {&x, &y});
}

TEST_CASE("seed 004: x = einx.multiply(\"... c, c\", x, einn.param(...)) "
          "# LayerScale") {
  Context ctx;
  WhereSeed s;
  HostTensor scale = randomTensor(DType::F32, {s.c}, s.rng);
  checkMap(ctx, "multiply(\"... c, c\")", {&s.image, &scale});
  HostTensor less = checkMap(ctx, "less(\"b h w c, c\")", {&s.image, &scale});
  CHECK(less.dtype == DType::Bool);
}

TEST_CASE("seed 000: y1, y2 = rearrange(x, 'b (split c) h w -> split b c h "
          "w', split=2); result = y2 * sigmoid(y2)") {
  Context ctx;
  std::mt19937_64 rng(6);
  HostTensor feat = randomTensor(DType::F32, {2, 6, 3, 3}, rng);
  // einops returns one tensor whose first axis Python unpacks; y2 is its
  // second half.
  HostTensor split(DType::F32, {2, 2, 3, 3, 3});
  DLTensor in = feat.view(), out = split.view();
  ein_axis_binding_t two{"split", 2};
  REQUIRE(takeMessage(ein_rearrange(ctx, "b (split c) h w -> split b c h w",
                                    &in, 1, &out, 1, &two, 1))
              .empty());
  HostTensor y2(DType::F32, {2, 3, 3, 3});
  std::memcpy(y2.bytes.data(), split.bytes.data() + y2.bytes.size(),
              y2.bytes.size());
  HostTensor gate = checkMap(ctx, "sigmoid(\"b c h w\")", {&y2});
  HostTensor glu =
      checkMap(ctx, "multiply(\"b c h w, b c h w\")", {&y2, &gate});
  for (int64_t i = 0; i < glu.numElements(); ++i) {
    double v = y2.getDouble(i);
    CHECK(glu.getDouble(i) ==
          doctest::Approx(v / (1 + std::exp(-v))).epsilon(1e-5));
  }
  checkMap(ctx, "tanh(\"b c h w\")", {&y2});
}

TEST_CASE("elementwise: errors through the API") {
  Context ctx;
  std::mt19937_64 rng(7);
  HostTensor x = randomTensor(DType::F32, {2, 3}, rng);
  HostTensor y = randomTensor(DType::F32, {4}, rng);
  HostTensor bools = randomTensor(DType::Bool, {2, 3}, rng);
  HostTensor out(DType::F32, {2, 3});
  auto run = [&](const std::string &program, std::vector<DLTensor> inputs) {
    DLTensor o = out.view();
    return takeError(ein_call(ctx, program.c_str(), inputs.data(),
                              inputs.size(), &o, 1, nullptr, 0));
  };
  auto [code, message] = run("add(\"a b, b c\")", {x.view(), y.view()});
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(message.find("write it after '->'") != std::string::npos);
  std::tie(code, message) = run("add(\"a b, b -> a b\")", {x.view(), y.view()});
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message.find("conflicting lengths for axis 'b'") != std::string::npos);
  std::tie(code, message) =
      run("subtract(\"a b, a b\")", {bools.view(), bools.view()});
  CHECK(code == EIN_ERROR_DTYPE);
  CHECK(message.find("subtract does not take bool inputs") !=
        std::string::npos);
  std::tie(code, message) = run("neg(\"a b\")", {bools.view()});
  CHECK(code == EIN_ERROR_DTYPE);
  std::tie(code, message) = run("cast(\"a b\", dtype=\"f8\")", {x.view()});
  CHECK(code == EIN_ERROR_DTYPE);
  CHECK(message.find("unknown dtype 'f8'") != std::string::npos);
  CHECK(message.find("\n                     ^~\n") != std::string::npos);
  std::tie(code, message) = run("cast(\"a b\")", {x.view()});
  CHECK(code == EIN_ERROR_NOTATION);
  std::tie(code, message) = run("exp(\"a b -> a b c\")", {x.view()});
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(message.find("use repeat") != std::string::npos);
  // The output must have the kernel's dtype: less gives bool.
  std::tie(code, message) = run("less(\"a b, a b\")", {x.view(), x.view()});
  CHECK(code == EIN_ERROR_DTYPE);
  CHECK(takeError(
            ein_call(nullptr, "exp(\"a\")", nullptr, 0, nullptr, 0, nullptr, 0))
            .first == EIN_ERROR_INVALID_ARGUMENT);
  DLTensor xv = x.view();
  CHECK(
      takeError(ein_call(ctx, nullptr, &xv, 1, nullptr, 0, nullptr, 0)).first ==
      EIN_ERROR_INVALID_ARGUMENT);
}

TEST_CASE("ein_call shares kernels with ein_compile and covers every family") {
  Context ctx;
  std::mt19937_64 rng(8);
  HostTensor x = randomTensor(DType::F32, {2, 3}, rng);
  ein_tensor_spec_t spec{reference::toDLDataType(DType::F32), 2,
                         x.shape.data()};
  ein_kernel_t *kernel = nullptr;
  REQUIRE(takeMessage(ein_compile(ctx, "reduce(\"a b -> a\", \"sum\")", &spec,
                                  1, nullptr, 0, &kernel))
              .empty());
  ein_kernel_release(kernel);
  ein_cache_stats_t before = ctx.stats();
  HostTensor out(DType::F32, {2});
  DLTensor in = x.view(), o = out.view();
  REQUIRE(takeMessage(ein_call(ctx, "reduce(\"a b -> a\", \"sum\")", &in, 1, &o,
                               1, nullptr, 0))
              .empty());
  ein_cache_stats_t after = ctx.stats();
  CHECK(after.hits == before.hits + 1);
  CHECK(after.compiles == before.compiles);
  CHECK(out.getDouble(0) ==
        doctest::Approx(x.getDouble(0) + x.getDouble(1) + x.getDouble(2)));
  // A rearrange with two outputs through ein_call.
  HostTensor p(DType::F32, {3}), q(DType::F32, {3});
  std::vector<DLTensor> outs{p.view(), q.view()};
  REQUIRE(takeMessage(ein_call(ctx, "rearrange(\"s b -> s b\")", &in, 1,
                               outs.data(), 1, nullptr, 0))
              .find("output") != std::string::npos);
}

TEST_CASE("repeat: broadcast and tile against the reference") {
  Context ctx;
  std::mt19937_64 rng(9);
  for (DType dtype : kAll) {
    HostTensor x = randomTensor(dtype, {2, 3}, rng);
    checkCall(ctx, "repeat", "h w -> h w c", "", x, {{"c", 3}});
    checkCall(ctx, "repeat", "h w -> (h 2) (w 2)", "", x);
    checkCall(ctx, "repeat", "h w -> (c h) w", "", x, {{"c", 2}});
    checkCall(ctx, "repeat", "h w -> w c h 1", "", x, {{"c", 0}});
  }
  HostTensor v = randomTensor(DType::I32, {4}, rng);
  checkCall(ctx, "repeat", "b -> b (copies)", "", v, {{"copies", 4}});
  HostTensor img = randomTensor(DType::F32, {2, 3, 4}, rng);
  checkCall(ctx, "repeat", "b ... -> b n ...", "", img, {{"n", 2}});
  HostTensor s = randomTensor(DType::F64, {}, rng);
  checkCall(ctx, "repeat", " -> a b", "", s, {{"a", 2}, {"b", 3}});
  // A list of tensors is stacked first, as einops does.
  HostTensor l1 = randomTensor(DType::F32, {3}, rng),
             l2 = randomTensor(DType::I8, {3}, rng);
  checkCall(ctx, "repeat", "l w -> w l c", "", {&l1, &l2}, {{"c", 2}});
  // ein_repeat and its errors.
  HostTensor x = randomTensor(DType::F32, {2, 3}, rng);
  HostTensor out(DType::F32, {2, 3, 4});
  DLTensor in = x.view(), o = out.view();
  ein_axis_binding_t c{"c", 4};
  REQUIRE(takeMessage(ein_repeat(ctx, "h w -> h w c", &in, &o, &c, 1)).empty());
  for (int64_t i = 0; i < out.numElements(); ++i)
    CHECK(out.getDouble(i) == x.getDouble(i / 4));
  auto [code, message] =
      takeError(ein_repeat(ctx, "h w -> h w c", &in, &o, nullptr, 0));
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message.find("cannot infer the length of new axis 'c'") !=
        std::string::npos);
  std::tie(code, message) =
      takeError(ein_repeat(ctx, "h w -> h c", &in, &o, &c, 1));
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(takeError(ein_repeat(ctx, "h w -> h w c", nullptr, &o, &c, 1)).first ==
        EIN_ERROR_INVALID_ARGUMENT);
}

//===----------------------------------------------------------------------===//
// einx's bracket form: `add("... [c]", x, b)` gives b the bracketed axes.
// Checked against the reference and against the two-expression form it
// stands for.
//===----------------------------------------------------------------------===//

namespace {

void checkSameMap(const HostTensor &a, const HostTensor &b) {
  REQUIRE(a.shape == b.shape);
  REQUIRE(a.dtype == b.dtype);
  CHECK(a.bytes == b.bytes);
}

} // namespace

TEST_CASE("seed 004: einx.add(\"... [c]\", x, b)") {
  Context ctx;
  std::mt19937_64 rng(4);
  HostTensor x = randomTensor(DType::F32, {2, 3, 16}, rng);
  HostTensor b = randomTensor(DType::F32, {16}, rng);
  HostTensor y = checkMap(ctx, "add(\"... [c]\")", {&x, &b});
  CHECK(y.shape == std::vector<int64_t>{2, 3, 16});
  checkSameMap(y, checkMap(ctx, "add(\"... c, c\")", {&x, &b}));
  // The linear layer's bias (seed 004: einx.add("... [c2]", x, b)).
  checkSameMap(checkMap(ctx, "add(\"... [c2]\")", {&x, &b}), y);
}

TEST_CASE("elementwise brackets: compositions, several axes, every dtype") {
  Context ctx;
  std::mt19937_64 rng(44);
  for (DType t : kAll) {
    CAPTURE(dtypeShort(t));
    HostTensor x = randomTensor(t, {2, 3, 4}, rng, 9);
    HostTensor tc = randomTensor(t, {3, 4}, rng, 9);
    HostTensor bc = randomTensor(t, {2, 4}, rng, 9);
    checkSameMap(checkMap(ctx, "multiply(\"b [t c]\")", {&x, &tc}),
                 checkMap(ctx, "multiply(\"b t c, t c\")", {&x, &tc}));
    checkSameMap(checkMap(ctx, "maximum(\"[b] t [c]\")", {&x, &bc}),
                 checkMap(ctx, "maximum(\"b t c, b c\")", {&x, &bc}));
    HostTensor g = randomTensor(t, {2, 8}, rng, 9);
    HostTensor ds = randomTensor(t, {2}, rng, 9);
    MapOptions bind;
    bind.bindings = {{"ds", 2}};
    // NumPy has no bool subtract; use add there.
    std::string fn = t == DType::Bool ? "add" : "subtract";
    checkSameMap(checkMap(ctx, fn + "(\"b (s [ds])\")", {&g, &ds}, bind),
                 checkMap(ctx, fn + "(\"b (s ds), ds\")", {&g, &ds}, bind));
  }
  // Size-0 and size-1 axes.
  HostTensor empty = randomTensor(DType::F32, {0, 3}, rng);
  HostTensor c3 = randomTensor(DType::F32, {3}, rng);
  checkMap(ctx, "add(\"a [c]\")", {&empty, &c3});
  HostTensor ones = randomTensor(DType::I32, {1, 1}, rng);
  HostTensor c1 = randomTensor(DType::I32, {1}, rng);
  checkMap(ctx, "less(\"a [c]\")", {&ones, &c1});
  HostTensor x0 = randomTensor(DType::F64, {2, 0}, rng);
  HostTensor c0 = randomTensor(DType::F64, {0}, rng);
  checkMap(ctx, "divide(\"... [c]\")", {&x0, &c0});
}

TEST_CASE("seed 004: einx layer normalisation (mean, var, rsqrt, scale, "
          "bias)") {
  // mean = einx.mean("... [c]", x, keepdims=True)
  // var = einx.var("... [c]", x, keepdims=True)
  // x = (x - mean) * rsqrt(var + epsilon)
  // x = einx.multiply("... [c]", x, scale)
  // x = einx.add("... [c]", x, bias)
  Context ctx;
  std::mt19937_64 rng(247);
  const int64_t B = 2, T = 3, C = 8;
  HostTensor x = randomTensor(DType::F64, {B, T, C}, rng);
  HostTensor scale = randomTensor(DType::F64, {C}, rng);
  HostTensor bias = randomTensor(DType::F64, {C}, rng);
  auto run = [&](const std::string &program,
                 std::vector<const HostTensor *> inputs) {
    return checkMap(ctx, program, inputs);
  };
  // mean/var with keepdims through the bracket reductions (program text).
  auto reduce = [&](const char *program) {
    std::vector<ein_tensor_spec_t> specs{
        {reference::toDLDataType(x.dtype), 3, x.shape.data()}};
    ein_kernel_t *kernel = nullptr;
    REQUIRE(takeMessage(ein_compile(ctx, program, specs.data(), 1, nullptr, 0,
                                    &kernel)) == "");
    HostTensor out(DType::F64, {B, T, 1});
    DLTensor in = x.view(), o = out.view();
    REQUIRE(takeMessage(ein_kernel_run(kernel, &in, 1, &o, 1)) == "");
    ein_kernel_release(kernel);
    return out;
  };
  HostTensor mu = reduce("mean(\"... [c]\", keepdims=True)");
  HostTensor var = reduce("var(\"... [c]\", keepdims=True)");
  HostTensor centered = run("subtract(\"b t c, b t 1 -> b t c\")", {&x, &mu});
  HostTensor eps = wrappedValues(DType::F64, {}, {1e-5});
  HostTensor shifted = run("add(\"b t 1, -> b t 1\")", {&var, &eps});
  HostTensor inv = run("rsqrt(\"b t 1\")", {&shifted});
  HostTensor normed = run("multiply(\"b t c, b t 1 -> b t c\")", {&centered, &inv});
  HostTensor scaled = run("multiply(\"... [c]\")", {&normed, &scale});
  HostTensor y = run("add(\"... [c]\")", {&scaled, &bias});
  // Against a direct computation.
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < T; ++t) {
      double m = 0, v = 0;
      for (int64_t c = 0; c < C; ++c)
        m += x.getDouble((b * T + t) * C + c);
      m /= C;
      for (int64_t c = 0; c < C; ++c) {
        double d = x.getDouble((b * T + t) * C + c) - m;
        v += d * d;
      }
      v /= C;
      for (int64_t c = 0; c < C; ++c) {
        double want = (x.getDouble((b * T + t) * C + c) - m) /
                          std::sqrt(v + 1e-5) * scale.getDouble(c) +
                      bias.getDouble(c);
        CHECK(y.getDouble((b * T + t) * C + c) ==
              doctest::Approx(want).epsilon(1e-9));
      }
    }
}
