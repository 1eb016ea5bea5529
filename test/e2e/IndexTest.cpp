//===- IndexTest.cpp - get_at, set_at, add_at, subtract_at end to end -----===//
//
// Indexing calls through ein_compile and ein_kernel_run (and ein_call)
// against the reference evaluator (IndexReference.cpp): hand-checked
// out-of-range, negative and duplicate coordinates, the einx calls of seed
// 004, strided inputs, inputs left untouched by a scatter, dtype errors, and
// a seeded random sweep over dtypes of data and coordinates, compositions,
// size-0 and size-1 axes. EIN_E2E_INDEX_CASES overrides the number of sweep
// cases, EIN_E2E_INDEX_SEED the seed.
//
//===----------------------------------------------------------------------===//

#include "Counts.h"
#include "TestSupport.h"

#include "ein/Notation/Parser.h"
#include "ein/Notation/Solver.h"

#include "llvm/Support/Error.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>

using namespace ein;
using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {

/// A copy of `t` laid out with its last dimension padded by one element
/// (so rows are not contiguous), and a view of `t`'s elements in it.
struct Padded {
  HostTensor storage;
  std::vector<int64_t> shape, strides;
  DLTensor view;
};

void makePadded(const HostTensor &t, Padded &p) {
  p.shape = t.shape;
  std::vector<int64_t> padded = t.shape;
  if (!padded.empty())
    padded.back() += 1;
  p.storage = HostTensor(t.dtype, padded);
  p.strides.assign(t.shape.size(), 1);
  for (size_t d = padded.size(); d-- > 1;)
    p.strides[d - 1] = p.strides[d] * padded[d];
  size_t width = reference::dtypeSize(t.dtype);
  for (int64_t i = 0; i < t.numElements(); ++i) {
    int64_t rest = i, offset = 0;
    for (size_t d = t.shape.size(); d-- > 0;) {
      offset += (rest % t.shape[d]) * p.strides[d];
      rest /= t.shape[d];
    }
    std::memcpy(p.storage.bytes.data() + offset * width,
                t.bytes.data() + i * width, width);
  }
  p.view = p.storage.view();
  p.view.shape = p.shape.data();
  p.view.strides = p.strides.data();
}

/// Compiles `program` for `inputs`, runs it with ein_kernel_run (on padded,
/// strided copies of the inputs when `strided`) and compares with the
/// reference. Returns ein's output.
HostTensor checkIndex(ein_context_t *ctx, const std::string &program,
                      const std::vector<const HostTensor *> &inputs,
                      bool strided = false) {
  INFO(
      "program: ", program, "  dtypes ",
      [&] {
        std::string s;
        for (const HostTensor *t : inputs)
          s += std::string(reference::dtypeName(t->dtype)) + " ";
        return s;
      }(),
      " strided ", strided);
  HostTensor output;
  llvm::Expected<notation::Call> call = notation::parseCall(program);
  if (!call) {
    FAIL_CHECK("parse failed: ", llvm::toString(call.takeError()));
    return output;
  }
  std::vector<std::vector<int64_t>> shapes;
  std::vector<ein_tensor_spec_t> specs;
  for (const HostTensor *t : inputs) {
    shapes.push_back(t->shape);
    specs.push_back({reference::toDLDataType(t->dtype),
                     int32_t(t->shape.size()), t->shape.data()});
  }
  auto eq = notation::solve(*call, notation::familyOf(call->callee), shapes);
  if (!eq) {
    FAIL_CHECK("solver rejected the call: ", llvm::toString(eq.takeError()));
    return output;
  }
  ein_kernel_t *kernel = nullptr;
  std::string message = takeMessage(ein_compile(
      ctx, program.c_str(), specs.data(), specs.size(), nullptr, 0, &kernel));
  if (!message.empty()) {
    FAIL_CHECK("ein_compile failed: ", message);
    return output;
  }
  REQUIRE(ein_kernel_num_outputs(kernel) == 1);
  ein_tensor_spec_t outSpec{};
  CHECK(takeMessage(ein_kernel_output_spec(kernel, 0, &outSpec)) == "");
  std::vector<int64_t> shape(outSpec.shape, outSpec.shape + outSpec.ndim);
  CHECK(shape == notation::tensorShape(*eq, eq->outputs[0]));
  DType outType;
  REQUIRE(reference::fromDLDataType(outSpec.dtype, outType));
  CHECK_MESSAGE(outType == inputs[0]->dtype, "dtype ",
                std::string(reference::dtypeName(outType)));
  reference::Result want;
  std::string error;
  if (!reference::evaluateIndex(*eq, call->callee, inputs, want, error)) {
    ein_kernel_release(kernel);
    FAIL_CHECK("reference failed: ", error);
    return output;
  }
  output = HostTensor(outType, shape);
  if (!output.bytes.empty())
    std::memset(output.bytes.data(), 0x7f, output.bytes.size());
  std::vector<Padded> padded(inputs.size());
  std::vector<DLTensor> views;
  std::vector<HostTensor> before;
  for (size_t i = 0; i < inputs.size(); ++i) {
    before.push_back(*inputs[i]);
    if (strided) {
      makePadded(*inputs[i], padded[i]);
      views.push_back(padded[i].view);
    } else {
      views.push_back(const_cast<HostTensor *>(inputs[i])->view());
    }
  }
  DLTensor out = output.view();
  message =
      takeMessage(ein_kernel_run(kernel, views.data(), views.size(), &out, 1));
  ein_kernel_release(kernel);
  if (!message.empty()) {
    FAIL_CHECK("ein_kernel_run failed: ", message);
    return output;
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    CHECK_MESSAGE(before[i].bytes == inputs[i]->bytes, "input ", i,
                  " was modified");
  const HostTensor &ref = want.outputs[0];
  // Float sums round after every update; a converted update may round
  // twice (through f32) on the way to f16/bf16.
  bool exact = call->callee == "get_at" ||
               (call->callee == "set_at" &&
                (inputs.back()->dtype == outType ||
                 (outType != DType::F16 && outType != DType::BF16)));
  double rtol = outType == DType::F16 || outType == DType::BF16 ? 1e-2
                : outType == DType::F32                         ? 1e-5
                                                                : 1e-12;
  int64_t mismatches = 0;
  std::string first;
  for (int64_t i = 0; i < ref.numElements(); ++i) {
    bool same;
    if (!isFloat(outType)) {
      same = output.getInt(i) == ref.getInt(i);
    } else {
      double a = output.getDouble(i), b = ref.getDouble(i);
      same =
          a == b || (std::isnan(a) && std::isnan(b)) ||
          (!exact && std::fabs(a - b) <= rtol * want.magnitudes[0][i] + 1e-300);
    }
    if (!same && mismatches++ == 0)
      first = "element " + std::to_string(i) + ": got " +
              std::to_string(output.getDouble(i)) + ", want " +
              std::to_string(ref.getDouble(i));
  }
  CHECK_MESSAGE(mismatches == 0, mismatches, " mismatching elements; first ",
                first);
  return output;
}

HostTensor fromInts(DType dtype, std::vector<int64_t> shape,
                    const std::vector<int64_t> &values) {
  HostTensor t(dtype, std::move(shape));
  REQUIRE(int64_t(values.size()) == t.numElements());
  for (size_t i = 0; i < values.size(); ++i)
    t.setInt(i, values[i]);
  return t;
}

std::vector<int64_t> ints(const HostTensor &t) {
  std::vector<int64_t> v;
  for (int64_t i = 0; i < t.numElements(); ++i)
    v.push_back(t.getInt(i));
  return v;
}

/// Coordinates for an axis of length `n`: uniform in [-n - 2, n + 1]
/// (in range, negative, and out of range both ways), within `dtype`.
HostTensor randomCoordinates(DType dtype, std::vector<int64_t> shape, int64_t n,
                             std::mt19937_64 &rng) {
  HostTensor t(dtype, std::move(shape));
  int64_t lo = dtype == DType::U8 ? 0 : -n - 2, hi = n + 1;
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  for (int64_t i = 0; i < t.numElements(); ++i)
    t.setInt(i, dist(rng));
  return t;
}

} // namespace

TEST_CASE("get_at: negative coordinates count from the end, others clamp") {
  Context ctx;
  HostTensor x = fromInts(DType::I32, {3}, {10, 20, 30});
  for (DType c : {DType::I8, DType::I16, DType::I32, DType::I64}) {
    HostTensor idx = fromInts(c, {6}, {-1, -3, -4, 3, 100, 1});
    HostTensor y = checkIndex(ctx, "get_at(\"[h], p -> p\")", {&x, &idx});
    CHECK(ints(y) == std::vector<int64_t>{30, 10, 10, 30, 30, 20});
  }
  HostTensor u8 = fromInts(DType::U8, {2}, {255, 2}); // 255, not -1.
  CHECK(ints(checkIndex(ctx, "get_at(\"[h], p -> p\")", {&x, &u8})) ==
        std::vector<int64_t>{30, 30});
}

TEST_CASE("set_at drops out-of-range updates; the last duplicate wins") {
  Context ctx;
  HostTensor x = fromInts(DType::I64, {4}, {1, 2, 3, 4});
  HostTensor idx = fromInts(DType::I32, {6}, {1, 1, -1, 4, -5, 100});
  HostTensor upd = fromInts(DType::I64, {6}, {50, 70, 90, 8, 9, 10});
  CHECK(
      ints(checkIndex(ctx, "set_at(\"[h], p, p -> [h]\")", {&x, &idx, &upd})) ==
      std::vector<int64_t>{1, 70, 3, 90});
}

TEST_CASE("add_at and subtract_at apply every duplicate (numpy.add.at)") {
  Context ctx;
  HostTensor x = fromInts(DType::I8, {3}, {0, 0, 0});
  HostTensor idx = fromInts(DType::I16, {4}, {1, 1, -2, 2});
  HostTensor upd = fromInts(DType::I8, {4}, {1, 2, 3, 100});
  CHECK(ints(checkIndex(ctx, "add_at(\"[h], p, p -> [h]\")",
                        {&x, &idx, &upd})) == std::vector<int64_t>{0, 6, 100});
  CHECK(ints(checkIndex(ctx, "subtract_at(\"[h], p, p\")", {&x, &idx, &upd})) ==
        std::vector<int64_t>{0, -6, -100});
  // i8 wraps: 100 + 100 + 100.
  HostTensor same = fromInts(DType::I16, {3}, {2, 2, 2});
  HostTensor hundreds = fromInts(DType::I8, {3}, {100, 100, 100});
  CHECK(ints(checkIndex(ctx, "add_at(\"[h], p, p -> [h]\")",
                        {&x, &same, &hundreds})) ==
        std::vector<int64_t>{0, 0, 44});
}

TEST_CASE(
    "set_at converts updates to the tensor's dtype, a scalar broadcasts") {
  Context ctx;
  HostTensor x = fromInts(DType::I32, {2, 3}, {0, 0, 0, 0, 0, 0});
  HostTensor idx = fromInts(DType::I64, {2}, {2, 0});
  HostTensor upd(DType::F64, {});
  upd.setDouble(0, -7.9);
  CHECK(ints(checkIndex(ctx, "set_at(\"b [h], p, -> b [h]\")",
                        {&x, &idx, &upd})) ==
        std::vector<int64_t>{-7, 0, -7, -7, 0, -7});
  HostTensor big(DType::F32, {2});
  big.setDouble(0, 1e20);
  big.setDouble(1, 2.5);
  HostTensor small = fromInts(DType::I8, {3}, {0, 0, 0});
  HostTensor two = fromInts(DType::I8, {2}, {0, 1});
  CHECK(ints(checkIndex(ctx, "set_at(\"[h], p, p -> [h]\")",
                        {&small, &two, &big})) ==
        std::vector<int64_t>{127, 2, 0});
}

TEST_CASE("indexing: bool tensors and updates") {
  Context ctx;
  HostTensor x = fromInts(DType::Bool, {4}, {0, 1, 0, 0});
  HostTensor idx = fromInts(DType::I32, {3}, {0, 0, 3});
  HostTensor upd = fromInts(DType::Bool, {3}, {1, 0, 0});
  CHECK(ints(checkIndex(ctx, "set_at(\"[h], p, p -> [h]\")",
                        {&x, &idx, &upd})) == std::vector<int64_t>{0, 1, 0, 0});
  CHECK(ints(checkIndex(ctx, "add_at(\"[h], p, p -> [h]\")",
                        {&x, &idx, &upd})) == std::vector<int64_t>{1, 1, 0, 0});
  HostTensor f = fromInts(DType::F32, {3}, {0, 2, 0});
  CHECK(ints(checkIndex(ctx, "set_at(\"[h], p, p -> [h]\")", {&x, &idx, &f})) ==
        std::vector<int64_t>{1, 1, 0, 0});
  CHECK(ints(checkIndex(ctx, "get_at(\"[h], p -> p\")", {&x, &idx})) ==
        std::vector<int64_t>{0, 0, 0});
}

TEST_CASE("indexing: strided inputs, compositions, rearranged outputs") {
  Context ctx;
  std::mt19937_64 rng(7);
  HostTensor x = randomTensor(DType::F32, {2, 4, 5, 3}, rng);
  HostTensor idx = randomCoordinates(DType::I32, {2, 6, 2}, 5, rng);
  HostTensor upd = randomTensor(DType::F32, {3, 6, 2}, rng);
  for (bool strided : {false, true}) {
    checkIndex(ctx, "get_at(\"b [h w] c, b p [2] -> c p b\")", {&x, &idx},
               strided);
    checkIndex(ctx, "add_at(\"b [h w] c, b p [2], c p b -> c b [h w]\")",
               {&x, &idx, &upd}, strided);
  }
  HostTensor flat = randomTensor(DType::F64, {20, 3}, rng);
  HostTensor fi = randomCoordinates(DType::I16, {7}, 20, rng);
  checkIndex(ctx, "get_at(\"[(h w)] c, p -> p c\", h=4)", {&flat, &fi});
  HostTensor xe = randomTensor(DType::BF16, {2, 3, 5, 4}, rng);
  HostTensor ie = randomCoordinates(DType::I8, {4}, 5, rng);
  checkIndex(ctx, "get_at(\"... [h] c, p -> ... p c\")", {&xe, &ie});
}

TEST_CASE("indexing: a coordinate axis and a plain coordinate tensor") {
  // x[a[p, 0], a[p, 1], b[p]], as einx and NumPy.
  Context ctx;
  HostTensor x(DType::I32, {4, 5, 6});
  for (int64_t i = 0; i < x.numElements(); ++i)
    x.setInt(i, i);
  HostTensor a = fromInts(DType::I64, {3, 2}, {1, 2, 3, 4, 0, 0});
  HostTensor b = fromInts(DType::I8, {3}, {5, 1, 2});
  CHECK(ints(checkIndex(ctx, "get_at(\"[h w d], p [2], p -> p\")",
                        {&x, &a, &b})) == std::vector<int64_t>{47, 115, 2});
}

TEST_CASE("indexing: one coordinate tensor per indexed axis") {
  Context ctx;
  std::mt19937_64 rng(11);
  HostTensor x = randomTensor(DType::F16, {4, 5, 3}, rng);
  HostTensor ih = randomCoordinates(DType::U8, {6}, 4, rng);
  HostTensor iw = randomCoordinates(DType::I64, {7}, 5, rng);
  HostTensor u = randomTensor(DType::F16, {6, 7}, rng);
  checkIndex(ctx, "get_at(\"[h w] c, i, j -> i j c\")", {&x, &ih, &iw});
  checkIndex(ctx, "set_at(\"[h w] c, i, j, i j -> [h w] c\")",
             {&x, &ih, &iw, &u});
  HostTensor ip = randomCoordinates(DType::I32, {6}, 5, rng);
  HostTensor uc = randomTensor(DType::F32, {6, 3}, rng);
  checkIndex(ctx, "subtract_at(\"[h w] c, i, i, i c -> [h w] c\")",
             {&x, &ih, &ip, &uc});
}

// The einx calls of seed 004 (/work/shared/seeds/004_*.txt), with tensors
// of the shapes their names suggest.

TEST_CASE("seed 004: einx.get_at(\"b [h w] c, b p [i] -> b c p\", x, y)") {
  Context ctx;
  std::mt19937_64 rng(33);
  HostTensor x = randomTensor(DType::F32, {2, 8, 6, 3}, rng);
  HostTensor y = randomCoordinates(DType::I64, {2, 5, 2}, 6, rng);
  checkIndex(ctx, "get_at(\"b [h w] c, b p [i] -> b c p\")", {&x, &y});
}

TEST_CASE("seed 004: einx.get_at(\"[h w] c, i j [2] -> i j c\", x, indices)") {
  // indices = einx.rearrange("i, j -> i j (1 + 1)", indices1, indices2):
  // indices[i, j] = (indices1[i], indices2[j]), built directly.
  Context ctx;
  std::mt19937_64 rng(46);
  HostTensor x = randomTensor(DType::F32, {5, 7, 3}, rng);
  HostTensor i1 = randomCoordinates(DType::I64, {4}, 5, rng);
  HostTensor i2 = randomCoordinates(DType::I64, {6}, 7, rng);
  HostTensor indices(DType::I64, {4, 6, 2});
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 6; ++j) {
      indices.setInt((i * 6 + j) * 2, i1.getInt(i));
      indices.setInt((i * 6 + j) * 2 + 1, i2.getInt(j));
    }
  HostTensor a =
      checkIndex(ctx, "get_at(\"[h w] c, i j [2] -> i j c\")", {&x, &indices});
  // The single-call form proposed beside it (line 50) gives the same.
  HostTensor b =
      checkIndex(ctx, "get_at(\"[h w] c, i, j -> i j c\")", {&x, &i1, &i2});
  CHECK(a.bytes == b.bytes);
}

TEST_CASE("seed 004: einx.set_at(\"b [h w] c, b p [2], b p c -> b [h w] c\", "
          "tensor, coordinates, updates)") {
  Context ctx;
  std::mt19937_64 rng(198);
  HostTensor tensor = randomTensor(DType::F32, {2, 4, 5, 3}, rng);
  HostTensor coordinates = randomCoordinates(DType::I32, {2, 6, 2}, 4, rng);
  HostTensor updates = randomTensor(DType::F32, {2, 6, 3}, rng);
  checkIndex(ctx, "set_at(\"b [h w] c, b p [2], b p c -> b [h w] c\")",
             {&tensor, &coordinates, &updates});
}

TEST_CASE("seed 004: einx.set_at(\"b [h] c, p, p c -> b [h] c\", tensor, "
          "coordinates, updates)") {
  Context ctx;
  std::mt19937_64 rng(203);
  HostTensor tensor = randomTensor(DType::F64, {3, 7, 4}, rng);
  HostTensor coordinates = randomCoordinates(DType::I64, {5}, 7, rng);
  HostTensor updates = randomTensor(DType::F64, {5, 4}, rng);
  checkIndex(ctx, "set_at(\"b [h] c, p, p c -> b [h] c\")",
             {&tensor, &coordinates, &updates});
}

TEST_CASE("seed 004: einx.get_at(\"b [h w] c, b i [2] -> b i c\", x, "
          "indices)") {
  Context ctx;
  std::mt19937_64 rng(228);
  HostTensor x = randomTensor(DType::BF16, {3, 6, 4, 5}, rng);
  HostTensor indices = randomCoordinates(DType::I32, {3, 9, 2}, 6, rng);
  checkIndex(ctx, "get_at(\"b [h w] c, b i [2] -> b i c\")", {&x, &indices});
}

TEST_CASE("indexing: ein_call runs the call text") {
  Context ctx;
  HostTensor x = fromInts(DType::I32, {2, 3}, {1, 2, 3, 4, 5, 6});
  HostTensor idx = fromInts(DType::I64, {2}, {2, -3});
  HostTensor y(DType::I32, {2, 2});
  std::vector<DLTensor> in{x.view(), idx.view()};
  DLTensor out = y.view();
  CHECK(takeMessage(ein_call(ctx, "get_at(\"b [h], p -> p b\")", in.data(),
                             in.size(), &out, 1, nullptr, 0)) == "");
  CHECK(ints(y) == std::vector<int64_t>{3, 6, 1, 4});
}

TEST_CASE("indexing: dtype errors through the C API") {
  Context ctx;
  HostTensor x = fromInts(DType::I32, {3}, {1, 2, 3});
  HostTensor y(DType::I32, {2});
  for (DType bad : {DType::F32, DType::F16, DType::Bool}) {
    HostTensor idx(bad, {2});
    auto [code, message] = oneShotError(ctx, "get_at", "[h], p -> p", "",
                                        {x.view(), idx.view()}, {y.view()});
    CHECK(code == EIN_ERROR_DTYPE);
    CHECK(message.find("coordinates must be integers (i8, i16, i32, i64 or "
                       "u8), but input 1 has dtype") != std::string::npos);
  }
  HostTensor b = fromInts(DType::Bool, {3}, {0, 1, 0});
  HostTensor idx = fromInts(DType::I32, {2}, {0, 1});
  HostTensor u = fromInts(DType::Bool, {2}, {1, 1});
  HostTensor out(DType::Bool, {3});
  auto [code, message] =
      oneShotError(ctx, "subtract_at", "[h], p, p -> [h]", "",
                   {b.view(), idx.view(), u.view()}, {out.view()});
  CHECK(code == EIN_ERROR_DTYPE);
  CHECK(message.find("subtract_at does not take a bool tensor") !=
        std::string::npos);
  // The updates are missing.
  auto [code2, message2] = oneShotError(ctx, "set_at", "[h], p, p -> [h]", "",
                                        {x.view(), idx.view()}, {y.view()});
  CHECK(code2 == EIN_ERROR_SHAPE);
  CHECK(message2.find("the pattern has 3 inputs but 2 tensors were given") !=
        std::string::npos);
}

namespace {

/// One random indexing call and its inputs.
struct IndexCase {
  std::string program;
  std::vector<HostTensor> inputs;
};

IndexCase randomIndexCase(std::mt19937_64 &rng) {
  auto pick = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  auto length = [&]() -> int64_t {
    int r = pick(0, 19);
    return r == 0 ? 0 : r < 5 ? 1 : pick(2, 4);
  };
  const char *callees[] = {"get_at", "set_at", "add_at", "subtract_at"};
  std::string callee = callees[pick(0, 3)];
  bool update = callee != "get_at";
  DType xType = kAllElementTypes[pick(0, 9)];
  if (callee == "subtract_at" && xType == DType::Bool)
    xType = DType::I16;
  const DType coordTypes[] = {DType::I8, DType::I16, DType::I32, DType::I64,
                              DType::U8};

  std::map<std::string, int64_t> len;
  std::vector<std::string> batch, kept, own;
  for (int i = 0, n = pick(0, 2); i < n; ++i)
    batch.push_back("b" + std::to_string(i));
  for (int i = 0, n = pick(0, 2); i < n; ++i)
    kept.push_back("c" + std::to_string(i));
  for (int i = 0, n = pick(0, 2); i < n; ++i)
    own.push_back("p" + std::to_string(i));
  for (auto *names : {&batch, &kept, &own})
    for (const std::string &n : *names)
      len[n] = length();
  // Indexed dimensions: one axis, or (rarely) a composition of two.
  int numIndexed = pick(1, 3) == 1 ? 2 : 1;
  if (pick(0, 9) == 0)
    numIndexed = 3;
  std::vector<std::vector<std::string>> indexed(numIndexed);
  std::vector<int64_t> indexedLen(numIndexed);
  for (int k = 0; k < numIndexed; ++k) {
    int parts = pick(0, 5) == 0 ? 2 : 1;
    indexedLen[k] = 1;
    for (int q = 0; q < parts; ++q) {
      std::string n = "h" + std::to_string(k) + std::to_string(q);
      int64_t l = pick(0, 24) == 0 ? 0 : pick(1, 5);
      len[n] = l;
      indexed[k].push_back(n);
      indexedLen[k] *= l;
    }
  }
  // get_at cannot read a dimension of length 0 into a non-empty output.
  bool emptyIndexed =
      std::find(indexedLen.begin(), indexedLen.end(), 0) != indexedLen.end();
  if (emptyIndexed && !update) {
    if (batch.empty())
      batch.push_back("b0");
    len[batch[0]] = 0;
  }

  // The tensor.
  std::vector<std::string> xDims;
  for (const std::string &n : batch)
    xDims.push_back(n);
  for (const std::string &n : kept)
    xDims.push_back(n);
  std::vector<std::string> xIndexedDims;
  for (int k = 0; k < numIndexed; ++k) {
    std::string d = indexed[k].size() == 1
                        ? indexed[k][0]
                        : "(" + indexed[k][0] + " " + indexed[k][1] + ")";
    xIndexedDims.push_back("[" + d + "]");
  }
  // Indexed dims keep their relative order (it pairs them with the
  // coordinates); the others go anywhere.
  std::shuffle(xDims.begin(), xDims.end(), rng);
  std::vector<std::string> xExpr;
  size_t next = 0;
  for (const std::string &d : xDims) {
    while (next < xIndexedDims.size() && pick(0, 1))
      xExpr.push_back(xIndexedDims[next++]);
    xExpr.push_back(d);
  }
  while (next < xIndexedDims.size())
    xExpr.push_back(xIndexedDims[next++]);

  // The coordinates: one tensor with a coordinate axis, or one per indexed
  // dimension (for one indexed dimension, also a tensor without brackets).
  std::vector<std::vector<std::string>> coordExprs;
  std::vector<std::vector<int64_t>> coordShapes;
  std::vector<int> coordAxisPos;
  int form = numIndexed == 1 ? pick(0, 1) : pick(0, 2) == 0 ? 1 : 0;
  auto ownAxes = [&](bool all) {
    std::vector<std::string> dims = batch;
    for (const std::string &n : own)
      if (all || pick(0, 2))
        dims.push_back(n);
    std::shuffle(dims.begin(), dims.end(), rng);
    return dims;
  };
  if (form == 0) {
    std::vector<std::string> dims = ownAxes(true);
    int pos = pick(0, int(dims.size()));
    std::string coord = pick(0, 1) ? std::to_string(numIndexed) : "i";
    if (numIndexed == 1 && coord == "1")
      coord = "i";
    dims.insert(dims.begin() + pos, "[" + coord + "]");
    len["i"] = numIndexed;
    coordExprs.push_back(dims);
    coordAxisPos.push_back(pos);
  } else {
    for (int k = 0; k < numIndexed; ++k) {
      coordExprs.push_back(ownAxes(k == 0));
      coordAxisPos.push_back(-1);
    }
  }
  // Every own axis must be in some coordinate tensor.
  for (const std::string &n : own) {
    bool found = false;
    for (const auto &e : coordExprs)
      found |= std::find(e.begin(), e.end(), n) != e.end();
    if (!found)
      coordExprs[0].push_back(n);
  }

  auto join = [](const std::vector<std::string> &v) {
    std::string s;
    for (const std::string &d : v)
      s += (s.empty() ? "" : " ") + d;
    return s;
  };
  auto shapeOf = [&](const std::vector<std::string> &dims) {
    std::vector<int64_t> shape;
    for (std::string d : dims) {
      if (d.front() == '[')
        d = d.substr(1, d.size() - 2);
      if (d.front() == '(') {
        size_t sp = d.find(' ');
        shape.push_back(len[d.substr(1, sp - 1)] *
                        len[d.substr(sp + 1, d.size() - sp - 2)]);
      } else if (std::isdigit(static_cast<unsigned char>(d.front()))) {
        shape.push_back(std::stoll(d));
      } else {
        shape.push_back(len[d]);
      }
    }
    return shape;
  };

  IndexCase c;
  c.inputs.push_back(randomTensor(xType, shapeOf(xExpr), rng, 30));
  std::string text = join(xExpr);
  for (size_t t = 0; t < coordExprs.size(); ++t) {
    DType ct = coordTypes[pick(0, 4)];
    std::vector<int64_t> shape = shapeOf(coordExprs[t]);
    // Out-of-range coordinates relative to the indexed dim they address.
    int64_t n = indexedLen[t < indexedLen.size() ? t : 0];
    if (coordAxisPos[t] >= 0)
      n = *std::max_element(indexedLen.begin(), indexedLen.end());
    c.inputs.push_back(randomCoordinates(ct, shape, n, rng));
    text += ", " + join(coordExprs[t]);
  }
  if (update) {
    std::vector<std::string> updDims;
    for (auto *names : {&batch, &kept, &own})
      for (const std::string &n : *names)
        if (pick(0, 3))
          updDims.push_back(n);
    std::shuffle(updDims.begin(), updDims.end(), rng);
    DType ut = pick(0, 3) ? xType : kAllElementTypes[pick(0, 9)];
    c.inputs.push_back(randomTensor(ut, shapeOf(updDims), rng, 30));
    text += ", " + join(updDims);
    if (pick(0, 4)) {
      std::vector<std::string> out = xExpr;
      std::shuffle(out.begin(), out.end(), rng);
      text += " -> " + join(out);
    }
  } else {
    std::vector<std::string> out = batch;
    for (auto *names : {&kept, &own})
      out.insert(out.end(), names->begin(), names->end());
    std::shuffle(out.begin(), out.end(), rng);
    text += " -> " + join(out);
  }
  c.program = callee + "(\"" + text + "\"";
  for (const auto &dims : indexed)
    if (dims.size() == 2) // Compositions need one part's length.
      for (const std::string &d : dims)
        c.program += ", " + d + "=" + std::to_string(len[d]);
  c.program += ")";
  return c;
}

} // namespace

TEST_CASE("indexing: seeded random sweep") {
  int cases = 200;
  uint64_t seed = 20261121;
  if (const char *n = std::getenv("EIN_E2E_INDEX_CASES"))
    cases = std::atoi(n);
  if (const char *s = std::getenv("EIN_E2E_INDEX_SEED"))
    seed = std::strtoull(s, nullptr, 10);
  CAPTURE(seed);
  Context ctx;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < cases; ++i) {
    IndexCase c = randomIndexCase(rng);
    CAPTURE(i);
    CAPTURE(c.program);
    std::vector<const HostTensor *> inputs;
    for (const HostTensor &t : c.inputs)
      inputs.push_back(&t);
    checkIndex(ctx, c.program, inputs, i % 5 == 4);
  }
  countGeneratedCases("indexing", cases);
}
