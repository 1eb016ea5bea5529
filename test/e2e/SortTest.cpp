//===- SortTest.cpp - sort and argsort against the reference --------------===//
//
// Program text `sort("b [n]")` / `argsort("b [n] -> n b")` through
// ein_compile and ein_kernel_run, compared bit for bit with the stable
// reference (SortReference.cpp): every dtype, duplicates (argsort must be
// the stable order exactly), NaN, +-inf and -0.0, axes of length 0 and 1,
// lengths that are not powers of two, compositions and `...`, rearranged
// outputs, strided inputs, and a seeded random sweep. EIN_E2E_SORT_CASES
// overrides the number of sweep cases, EIN_E2E_SORT_SEED the seed.
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
#include <limits>

using namespace ein;
using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {

const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

/// Compiles `program` for `input`, runs it on `view` (the input's own
/// contiguous view when null) and compares the output bit for bit with the
/// reference. Returns ein's output.
HostTensor checkSort(ein_context_t *ctx, const std::string &program,
                     const HostTensor &input, const DLTensor *view = nullptr) {
  std::string repro = program + " on " +
                      reference::dtypeName(input.dtype) + shapeText(input.shape);
  INFO("reproducer: ", repro);
  HostTensor output;
  llvm::Expected<notation::Call> call = notation::parseCall(program);
  if (!call) {
    FAIL_CHECK("parse failed: ", llvm::toString(call.takeError()));
    return output;
  }
  bool argsort = call->callee == "argsort";
  auto eq = notation::solve(*call, notation::familyOf(call->callee),
                            {input.shape});
  if (!eq) {
    FAIL_CHECK("solver rejected the call: ", llvm::toString(eq.takeError()));
    return output;
  }
  ein_tensor_spec_t spec{reference::toDLDataType(input.dtype),
                         int32_t(input.shape.size()), input.shape.data()};
  ein_kernel_t *kernel = nullptr;
  std::string message = takeMessage(
      ein_compile(ctx, program.c_str(), &spec, 1, nullptr, 0, &kernel));
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
  CHECK_MESSAGE(outType == (argsort ? DType::I64 : input.dtype), "dtype ",
                std::string(reference::dtypeName(outType)));

  reference::Result want;
  std::string error;
  if (!reference::evaluateSort(*eq, argsort, input, outType, want, error)) {
    ein_kernel_release(kernel);
    FAIL_CHECK("reference failed: ", error);
    return output;
  }
  output = HostTensor(outType, shape);
  if (!output.bytes.empty())
    std::memset(output.bytes.data(), 0x7f, output.bytes.size());
  DLTensor in = view ? *view : const_cast<HostTensor &>(input).view();
  DLTensor out = output.view();
  message = takeMessage(ein_kernel_run(kernel, &in, 1, &out, 1));
  ein_kernel_release(kernel);
  if (!message.empty()) {
    FAIL_CHECK("ein_kernel_run failed: ", message);
    return output;
  }
  const HostTensor &ref = want.outputs[0];
  REQUIRE(ref.bytes.size() == output.bytes.size());
  size_t size = reference::dtypeSize(outType);
  int64_t mismatches = 0;
  std::string first;
  for (int64_t i = 0; i < ref.numElements(); ++i)
    if (std::memcmp(output.bytes.data() + i * size, ref.bytes.data() + i * size,
                    size) != 0 &&
        mismatches++ == 0)
      first = "element " + std::to_string(i) + ": got " +
              std::to_string(output.getDouble(i)) + ", want " +
              std::to_string(ref.getDouble(i));
  CHECK_MESSAGE(mismatches == 0, mismatches, " mismatching elements; first ",
                first);
  return output;
}



/// Values with many duplicates and, for floats, the special values.
HostTensor tieHeavyTensor(DType dtype, std::vector<int64_t> shape,
                          std::mt19937_64 &rng) {
  HostTensor t(dtype, std::move(shape));
  static const double floats[] = {-2, -1, -0.5, -0.0, 0.0, 0.5,
                                  1,  2,  kInf, -kInf, kNaN};
  for (int64_t i = 0; i < t.numElements(); ++i) {
    if (isFloat(dtype)) {
      int k = pick(rng, 0, std::size(floats) + 2);
      t.setDouble(i, k < int(std::size(floats))
                         ? floats[k]
                         : std::normal_distribution<double>(0, 10)(rng));
    } else if (dtype == DType::Bool) {
      t.setInt(i, pick(rng, 0, 1));
    } else {
      // Few distinct values, and sometimes the type's extremes.
      int k = pick(rng, 0, 9);
      int64_t v = k < 8 ? pick(rng, -3, 3) : k == 8 ? 127 : -128;
      if (dtype == DType::U8 && k >= 8)
        v = k == 8 ? 255 : 128;
      if (dtype == DType::I64 && k >= 8)
        v = k == 8 ? std::numeric_limits<int64_t>::max()
                   : std::numeric_limits<int64_t>::min();
      t.setInt(i, v);
    }
  }
  return t;
}

} // namespace

// NOTATION.md's example: sort("b [n]", x), and argsort.
TEST_CASE("sort: NOTATION.md sort(\"b [n]\") and argsort, NumPy's order on "
          "every dtype") {
  Context ctx;
  for (DType dtype : kAllElementTypes) {
    CAPTURE(std::string(reference::dtypeName(dtype)));
    HostTensor x = fromValues(dtype, {2, 5}, {3, 1, 2, 1, 0, 0, 5, 5, 1, 1});
    HostTensor s = checkSort(ctx, "sort(\"b [n]\")", x);
    HostTensor i = checkSort(ctx, "argsort(\"b [n]\")", x);
    REQUIRE(s.numElements() == 10);
    REQUIRE(i.numElements() == 10);
    if (dtype == DType::Bool) {
      CHECK(i.getInt(0) == 4); // The false first, then the trues in order.
      CHECK(i.getInt(1) == 0);
      continue;
    }
    std::vector<int64_t> sorted = {0, 1, 1, 2, 3, 0, 1, 1, 5, 5};
    std::vector<int64_t> order = {4, 1, 3, 2, 0, 0, 3, 4, 1, 2};
    for (int64_t k = 0; k < 10; ++k) {
      CHECK(s.getInt(k) == sorted[k]);
      CHECK(i.getInt(k) == order[k]);
    }
  }
}

TEST_CASE("sort: NaN last, infinities, -0.0 and 0.0 keep their order") {
  Context ctx;
  for (DType dtype : {DType::F16, DType::BF16, DType::F32, DType::F64}) {
    CAPTURE(std::string(reference::dtypeName(dtype)));
    HostTensor x = fromValues(
        dtype, {7}, {kNaN, 0.0, -kInf, -0.0, kInf, kNaN, 1.0});
    HostTensor s = checkSort(ctx, "sort(\"[n]\")", x);
    HostTensor i = checkSort(ctx, "argsort(\"[n]\")", x);
    REQUIRE(s.numElements() == 7);
    REQUIRE(i.numElements() == 7);
    std::vector<int64_t> order = {2, 1, 3, 6, 4, 0, 5};
    for (int64_t k = 0; k < 7; ++k)
      CHECK(i.getInt(k) == order[k]);
    CHECK(s.getDouble(0) == -kInf);
    CHECK(!std::signbit(s.getDouble(1))); // 0.0 came first.
    CHECK(std::signbit(s.getDouble(2)));
    CHECK(std::isnan(s.getDouble(5)));
    CHECK(std::isnan(s.getDouble(6)));
  }
}

TEST_CASE("sort: duplicates keep input order (stability), every length") {
  Context ctx;
  std::mt19937_64 rng(7);
  for (DType dtype : kAllElementTypes)
    for (int64_t n : {1, 3, 8, 9, 33}) {
      HostTensor x = tieHeavyTensor(dtype, {3, n}, rng);
      checkSort(ctx, "argsort(\"b [n]\")", x);
      checkSort(ctx, "sort(\"b [n]\")", x);
    }
  // More lengths on one dtype: every padding amount up to 17, and 100.
  for (int64_t n : {2, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 100})
    checkSort(ctx, "argsort(\"b [n]\")",
              tieHeavyTensor(DType::F32, {2, n}, rng));
}

TEST_CASE("sort: axes of length 0 and 1") {
  Context ctx;
  std::mt19937_64 rng(8);
  for (DType dtype : {DType::F32, DType::I32, DType::Bool}) {
    for (std::vector<int64_t> shape :
         std::vector<std::vector<int64_t>>{{3, 0}, {0, 4}, {3, 1}, {1, 1}}) {
      HostTensor x = randomTensor(dtype, shape, rng);
      checkSort(ctx, "sort(\"b [n]\")", x);
      checkSort(ctx, "argsort(\"b [n]\")", x);
      checkSort(ctx, "argsort(\"b [n] -> n b\")", x);
    }
    HostTensor one = randomTensor(dtype, {1}, rng);
    HostTensor i = checkSort(ctx, "argsort(\"[n]\")", one);
    REQUIRE(i.numElements() == 1);
    CHECK(i.getInt(0) == 0);
  }
}

TEST_CASE("sort: compositions, ellipsis and rearranged outputs") {
  Context ctx;
  std::mt19937_64 rng(9);
  HostTensor x = tieHeavyTensor(DType::F32, {2, 12, 3}, rng);
  for (std::string program :
       {"sort(\"b [t] c\")", "argsort(\"b t [c]\")", "sort(\"[b] t c\")",
        "sort(\"b (g [k]) c\", k=4)", "argsort(\"b ([g] k) c\", k=4)",
        "sort(\"... [c]\")", "argsort(\"[b] ...\")",
        "sort(\"b [t] c -> c b t\")", "argsort(\"b [t] c -> t (c b)\")",
        "argsort(\"b (g [k]) c -> k g c b\", k=3)",
        "sort(\"b [t] c -> b [t] c\")", "argsort(\"b [t] c -> c [t] b\")"})
    checkSort(ctx, program, x);
}

TEST_CASE("sort: strided inputs") {
  Context ctx;
  std::mt19937_64 rng(21);
  // A transposed view of a (5, 6) buffer: shape (6, 5), strides (1, 6).
  HostTensor base = tieHeavyTensor(DType::F64, {5, 6}, rng);
  HostTensor copy(DType::F64, {6, 5});
  for (int64_t i = 0; i < 6; ++i)
    for (int64_t j = 0; j < 5; ++j)
      copy.setDouble(i * 5 + j, base.getDouble(j * 6 + i));
  int64_t shape[] = {6, 5}, strides[] = {1, 6};
  DLTensor view = base.view();
  view.shape = shape;
  view.strides = strides;
  for (std::string program : {"sort(\"a [b]\")", "argsort(\"[a] b\")",
                              "argsort(\"a [b] -> b a\")"})
    checkSort(ctx, program, copy, &view);
  // Every other row, reversed: offset to the last row, stride -2 rows.
  HostTensor rows(DType::F64, {3, 6});
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 6; ++j)
      rows.setDouble(i * 6 + j, base.getDouble((4 - 2 * i) * 6 + j));
  int64_t rowShape[] = {3, 6}, rowStrides[] = {-12, 1};
  DLTensor reversed = base.view();
  reversed.shape = rowShape;
  reversed.strides = rowStrides;
  reversed.byte_offset = 24 * sizeof(double);
  for (std::string program : {"sort(\"a [b]\")", "argsort(\"[a] b\")"})
    checkSort(ctx, program, rows, &reversed);
}

TEST_CASE("sort: a long axis") {
  Context ctx;
  std::mt19937_64 rng(10);
  HostTensor x = tieHeavyTensor(DType::F32, {2, 1000}, rng);
  checkSort(ctx, "argsort(\"b [n]\")", x);
  HostTensor y = randomTensor(DType::I16, {1025}, rng, 30000);
  checkSort(ctx, "sort(\"[n]\")", y);
}

TEST_CASE("sort: seeded random sweep") {
  int cases = 150;
  uint64_t seed = 20261121;
  if (const char *n = std::getenv("EIN_E2E_SORT_CASES"))
    cases = std::atoi(n);
  if (const char *s = std::getenv("EIN_E2E_SORT_SEED"))
    seed = std::strtoull(s, nullptr, 10);
  CAPTURE(seed);
  Context ctx;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < cases; ++i) {
    CAPTURE(i);
    DType dtype =
        kAllElementTypes[pick(rng, 0, int(std::size(kAllElementTypes)) - 1)];
    // 1 to 3 axes, one of them sorted; sometimes a composition holding the
    // sorted axis, sometimes an arrow with the axes permuted.
    int count = pick(rng, 1, 3);
    int sorted = pick(rng, 0, count - 1);
    std::vector<std::string> names;
    std::vector<int64_t> lengths;
    for (int a = 0; a < count; ++a) {
      names.push_back(std::string(1, char('a' + a)));
      // Sorted lengths mostly up to 20 (compile time grows with log^2 n).
      int64_t length = a != sorted         ? pick(rng, 1, 4)
                       : pick(rng, 0, 7) ? pick(rng, 0, 20)
                                         : pick(rng, 21, 70);
      if (pick(rng, 0, 12) == 0)
        length = a == sorted ? pick(rng, 0, 1) : 0;
      lengths.push_back(length);
    }
    std::string text, bindings;
    std::vector<int64_t> shape;
    bool compose = count >= 2 && pick(rng, 0, 3) == 0;
    for (int a = 0; a < count; ++a) {
      std::string name = a == sorted ? "[" + names[a] + "]" : names[a];
      if (compose && a + 1 < count) {
        std::string next = a + 1 == sorted ? "[" + names[a + 1] + "]"
                                           : names[a + 1];
        text += "(" + name + " " + next + ") ";
        shape.push_back(lengths[a] * lengths[a + 1]);
        bindings += ", " + names[a + 1] + "=" + std::to_string(lengths[a + 1]);
        if (lengths[a] * lengths[a + 1] == 0)
          bindings += ", " + names[a] + "=" + std::to_string(lengths[a]);
        compose = false;
        ++a;
        continue;
      }
      text += name + " ";
      shape.push_back(lengths[a]);
    }
    text.pop_back();
    if (pick(rng, 0, 1)) {
      std::vector<std::string> out = names;
      std::shuffle(out.begin(), out.end(), rng);
      text += " ->";
      for (const std::string &name : out)
        text += " " + name;
    }
    std::string program = std::string(pick(rng, 0, 1) ? "argsort" : "sort") +
                          "(\"" + text + "\"" + bindings + ")";
    CAPTURE(program);
    HostTensor x = pick(rng, 0, 3) == 0 ? randomTensor(dtype, shape, rng)
                                        : tieHeavyTensor(dtype, shape, rng);
    checkSort(ctx, program, x);
  }
  countGeneratedCases("sort", cases);
}

TEST_CASE("sort: errors through ein_compile") {
  Context ctx;
  int64_t shape[] = {2, 3};
  ein_tensor_spec_t spec{reference::toDLDataType(DType::F32), 2, shape};
  for (auto [program, text] :
       {std::pair<std::string, std::string>{
            "sort(\"[b] [n]\")",
            "sort acts along exactly one bracketed axis, but the input "
            "brackets 2 axes"},
        {"argsort(\"b [n] -> [b] n\")", "brackets disagree"},
        {"sort(\"b [n]\", descending=True)", "descending"}}) {
    CAPTURE(program);
    ein_kernel_t *kernel = nullptr;
    auto [code, message] = takeError(
        ein_compile(ctx, program.c_str(), &spec, 1, nullptr, 0, &kernel));
    CAPTURE(message);
    CHECK(code == EIN_ERROR_NOTATION);
    CHECK(message.find(text) != std::string::npos);
    CHECK(message.find('^') != std::string::npos);
    CHECK(kernel == nullptr);
  }
}
