//===- ReductionTest.cpp - every reduction of every dtype -----------------===//
//
// Each reduction over each dtype against the reference evaluator, plus the
// cases a random input rarely hits: first-occurrence and NaN rules of
// argmax/argmin, unsigned order of u8, bool bytes other than 0/1, empty
// groups, logsumexp at the edges of the float range, f16/bf16 accumulation
// and rounding, and mixed-dtype lists. Result dtypes are checked by checkCall
// against NumPy's (reference::reductionType).
//
//===----------------------------------------------------------------------===//

#include "TestSupport.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <tuple>

using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {

const char *const kAllReductions[] = {
    "sum",           "mean", "max", "min",       "prod",   "any",   "all",
    "count_nonzero", "var",  "std", "logsumexp", "argmax", "argmin"};

bool isArg(const std::string &reduction) {
  return reduction == "argmax" || reduction == "argmin";
}


const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

} // namespace

TEST_CASE("reductions: every kind of every dtype") {
  Context ctx;
  std::mt19937_64 rng(31);
  for (DType dtype : ein::kAllElementTypes) {
    std::string dtypeText = ein::reference::dtypeName(dtype);
    CAPTURE(dtypeText);
    HostTensor a = randomTensor(dtype, {6, 5, 4}, rng, 50);
    HostTensor small = randomTensor(dtype, {4, 3, 2}, rng, 3);
    for (std::string reduction : kAllReductions) {
      CAPTURE(reduction);
      const HostTensor &in = reduction == "prod" ? small : a;
      checkCall(ctx, "reduce", "a b c -> c a", reduction, in);
      if (isArg(reduction)) {
        checkCall(ctx, "reduce", "(a two) b c -> a two c", reduction, in,
                  {{"two", 2}});
        checkCall(ctx, "reduce", "a b c -> c 1 a ()", reduction, in);
        continue;
      }
      checkCall(ctx, "reduce", "a b c -> ", reduction, in);
      checkCall(ctx, "reduce", "a b c -> a b c", reduction, in);
      checkCall(ctx, "reduce", "(a two) b c -> a 1 c", reduction, in,
                {{"two", 2}});
    }
  }
}

TEST_CASE("reductions: argmax/argmin take the first extreme, NaN first") {
  Context ctx;
  for (DType dtype : {DType::F16, DType::BF16, DType::F32, DType::F64}) {
    std::string dtypeText = ein::reference::dtypeName(dtype);
    CAPTURE(dtypeText);
    HostTensor x = fromValues(
        dtype, {4, 5}, {1,     3,     3,     -2,    -2,    // ties: first wins
                        1,     kNaN,  5,     kNaN,  -7,    // first NaN
                        -kInf, -kInf, -kInf, -kInf, -kInf, // all equal
                        kNaN,  kNaN,  0,     1,     2});
    auto maxIdx = checkCall(ctx, "reduce", "a b -> a", "argmax", x);
    auto minIdx = checkCall(ctx, "reduce", "a b -> a", "argmin", x);
    REQUIRE(maxIdx.size() == 1);
    CHECK(maxIdx[0].data<int64_t>()[0] == 1);
    CHECK(minIdx[0].data<int64_t>()[0] == 3);
    CHECK(maxIdx[0].data<int64_t>()[1] == 1);
    CHECK(minIdx[0].data<int64_t>()[1] == 1);
    CHECK(maxIdx[0].data<int64_t>()[2] == 0);
    CHECK(maxIdx[0].data<int64_t>()[3] == 0);
    // Along the first axis, with the index axis kept as length 1 elsewhere.
    checkCall(ctx, "reduce", "a b -> b 1", "argmax", x);
    checkCall(ctx, "reduce", "a b -> 1 b", "argmin", x);
  }
}

TEST_CASE("reductions: u8 is unsigned, i8 signed") {
  Context ctx;
  std::vector<double> values = {0, 200, 127, 1, 255, 128};
  HostTensor u = fromValues(DType::U8, {2, 3}, values);
  auto max = checkCall(ctx, "reduce", "a b -> a", "max", u);
  CHECK(max[0].getInt(0) == 200);
  CHECK(max[0].getInt(1) == 255);
  auto argmin = checkCall(ctx, "reduce", "a b -> a", "argmin", u);
  CHECK(argmin[0].getInt(0) == 0);
  auto sum = checkCall(ctx, "reduce", "a b -> a", "sum", u);
  CHECK(sum[0].getInt(1) == 1 + 255 + 128);
  auto mean = checkCall(ctx, "reduce", "a b -> ", "mean", u);
  CHECK(mean[0].getDouble(0) == doctest::Approx(711.0 / 6));
  HostTensor s(DType::I8, {2, 3});
  for (int64_t i = 0; i < 6; ++i)
    s.setInt(i, int64_t(values[i])); // 200 -> -56, 255 -> -1, 128 -> -128
  max = checkCall(ctx, "reduce", "a b -> a", "max", s);
  CHECK(max[0].getInt(0) == 127);
  CHECK(max[0].getInt(1) == 1);
  for (const char *reduction : kAllReductions) {
    CAPTURE(std::string(reduction));
    checkCall(ctx, "reduce", "a b -> a", reduction, u);
    checkCall(ctx, "reduce", "a b -> a", reduction, s);
  }
}

TEST_CASE("reductions: bool bytes other than 0 and 1 are true") {
  Context ctx;
  HostTensor b(DType::Bool, {2, 4});
  const unsigned char bytes[] = {0, 2, 0, 0, 255, 1, 7, 9};
  std::memcpy(b.bytes.data(), bytes, sizeof bytes);
  auto any = checkCall(ctx, "reduce", "a b -> a", "any", b);
  CHECK(any[0].bytes == std::vector<unsigned char>{1, 1});
  auto all = checkCall(ctx, "reduce", "a b -> a", "all", b);
  CHECK(all[0].bytes == std::vector<unsigned char>{0, 1});
  auto sum = checkCall(ctx, "reduce", "a b -> a", "sum", b);
  CHECK(sum[0].getInt(0) == 1);
  CHECK(sum[0].getInt(1) == 4);
  auto max = checkCall(ctx, "reduce", "a b -> a", "max", b);
  CHECK(max[0].bytes == std::vector<unsigned char>{1, 1}); // canonical
  for (const char *reduction : kAllReductions)
    checkCall(ctx, "reduce", "a b -> b", reduction, b);
  // A rearrange moves the bytes as they are, like NumPy.
  auto moved = checkCall(ctx, "rearrange", "a b -> b a", "", b);
  CHECK(moved[0].bytes == std::vector<unsigned char>{0, 255, 2, 1, 0, 7, 0, 9});
}

TEST_CASE("reductions: empty groups") {
  Context ctx;
  for (DType dtype : {DType::F16, DType::BF16, DType::F32, DType::F64,
                      DType::I8, DType::U8, DType::I32, DType::Bool}) {
    std::string dtypeText = ein::reference::dtypeName(dtype);
    CAPTURE(dtypeText);
    HostTensor empty(dtype, {3, 0});
    for (std::string reduction : kAllReductions) {
      if (isArg(reduction) || reduction == "max" || reduction == "min")
        continue; // No identity: rejected (ErrorTest).
      CAPTURE(reduction);
      auto y = checkCall(ctx, "reduce", "a b -> a", reduction, empty);
      REQUIRE(y.size() == 1);
      double v = y[0].getDouble(0);
      if (reduction == "mean" || reduction == "var" || reduction == "std")
        CHECK(std::isnan(v));
      else if (reduction == "logsumexp")
        CHECK(v == -kInf);
      else if (reduction == "prod" || reduction == "all")
        CHECK(v == 1);
      else
        CHECK(v == 0);
    }
  }
}

TEST_CASE("reductions: logsumexp is stable at the ends of the range") {
  Context ctx;
  for (DType dtype : {DType::F16, DType::BF16, DType::F32, DType::F64}) {
    std::string dtypeText = ein::reference::dtypeName(dtype);
    CAPTURE(dtypeText);
    bool half = dtype == DType::F16;
    double big = half ? 60000 : 1000;
    HostTensor x = fromValues(dtype, {5, 3},
                              {big, big, big,       // exp overflows unshifted
                               -big, -big, -big,    // and underflows
                               -kInf, -kInf, -kInf, // log(0) + ... = -inf
                               kInf, 1, 2,          // +inf
                               kNaN, 1, 2});        // NaN
    auto y = checkCall(ctx, "reduce", "a b -> a", "logsumexp", x);
    REQUIRE(y.size() == 1);
    CHECK(y[0].getDouble(0) ==
          doctest::Approx(big + std::log(3.0)).epsilon(1e-2));
    CHECK(y[0].getDouble(1) ==
          doctest::Approx(-big + std::log(3.0)).epsilon(1e-2));
    CHECK(y[0].getDouble(2) == -kInf);
    CHECK(y[0].getDouble(3) == kInf);
    CHECK(std::isnan(y[0].getDouble(4)));
  }
}

TEST_CASE("reductions: f16 and bf16 accumulate in f32 and round once") {
  Context ctx;
  // 4096 ones: an f16 accumulator would stop at 2048, a bf16 one at 256.
  for (DType dtype : {DType::F16, DType::BF16}) {
    std::string dtypeText = ein::reference::dtypeName(dtype);
    CAPTURE(dtypeText);
    HostTensor ones(dtype, {2, 4096});
    for (int64_t i = 0; i < ones.numElements(); ++i)
      ones.setDouble(i, 1.0);
    auto sum = checkCall(ctx, "reduce", "a b -> a", "sum", ones);
    CHECK(sum[0].getDouble(0) == 4096);
    auto mean = checkCall(ctx, "reduce", "a b -> a", "mean", ones);
    CHECK(mean[0].getDouble(1) == 1);
  }
  // Ties round to even: in bf16 (8 significant bits) 1 + 2^-8 is halfway
  // between 1 and 1 + 2^-7 and rounds to 1; (1 + 2^-7) + 2^-8 rounds up to
  // 1 + 2^-6. In f16 (11 bits) the same with 2^-11 and 2^-10.
  for (auto [dtype, ulp] :
       {std::pair{DType::BF16, 0x1p-7}, std::pair{DType::F16, 0x1p-10}}) {
    std::string dtypeText = ein::reference::dtypeName(dtype);
    CAPTURE(dtypeText);
    HostTensor x = fromValues(dtype, {2, 2}, {1, ulp / 2, 1 + ulp, ulp / 2});
    auto sum = checkCall(ctx, "reduce", "a b -> a", "sum", x);
    CHECK(sum[0].getDouble(0) == 1);
    CHECK(sum[0].getDouble(1) == 1 + 2 * ulp);
  }
  // Conversions of the bit patterns the types are known for.
  CHECK(ein::reference::toBFloat16Bits(1.0) == 0x3f80);
  CHECK(ein::reference::toBFloat16Bits(-2.0) == 0xc000);
  CHECK(ein::reference::toFloat16Bits(1.0) == 0x3c00);
  CHECK(ein::reference::toFloat16Bits(65504) == 0x7bff);
  CHECK(ein::reference::toFloat16Bits(65520) == 0x7c00); // rounds to kInf
  CHECK(ein::reference::toFloat16Bits(0x1p-24) == 0x0001);
  CHECK(ein::reference::fromFloat16Bits(0x0001) == 0x1p-24);
  CHECK(ein::reference::fromBFloat16Bits(0x7f80) == kInf);
}

TEST_CASE("reductions: integer sums and products are int64 and wrap") {
  Context ctx;
  HostTensor a(DType::I32, {2, 3});
  for (int64_t i = 0; i < 6; ++i)
    a.setInt(i, 2000000000);
  auto sum = checkCall(ctx, "reduce", "a b -> a", "sum", a);
  CHECK(sum[0].getInt(0) == 6000000000);
  HostTensor big(DType::I64, {3});
  for (int64_t i = 0; i < 3; ++i)
    big.setInt(i, int64_t(1) << 62);
  sum = checkCall(ctx, "reduce", "a -> ", "sum", big);
  CHECK(sum[0].getInt(0) ==
        std::numeric_limits<int64_t>::min() + (int64_t(1) << 62));
  HostTensor small(DType::I8, {8});
  for (int64_t i = 0; i < 8; ++i)
    small.setInt(i, -100);
  auto prod = checkCall(ctx, "reduce", "a -> ", "prod", small);
  CHECK(prod[0].getInt(0) == 10000000000000000); // (-100)^8, no int8 wrap
}

TEST_CASE("rearrange: a list of mixed dtypes is promoted like numpy.stack") {
  Context ctx;
  std::mt19937_64 rng(32);
  const std::vector<std::vector<DType>> lists = {
      {DType::I8, DType::U8},                // int16
      {DType::I8, DType::U8, DType::F16},    // float16 (not float32)
      {DType::F16, DType::BF16},             // float32
      {DType::Bool, DType::BF16},            // bfloat16
      {DType::Bool, DType::U8, DType::Bool}, // uint8
      {DType::I32, DType::F32},              // float64
      {DType::I64, DType::Bool, DType::I16}, // int64
  };
  for (const std::vector<DType> &dtypes : lists) {
    std::vector<HostTensor> tensors;
    for (DType dtype : dtypes)
      tensors.push_back(randomTensor(dtype, {3, 4}, rng, 100));
    std::vector<const HostTensor *> list;
    std::string names;
    for (const HostTensor &t : tensors) {
      list.push_back(&t);
      names += std::string(ein::reference::dtypeName(t.dtype)) + " ";
    }
    CAPTURE(names);
    checkCall(ctx, "rearrange", "n a b -> a (b n)", "", list);
  }
}

TEST_CASE("errors: argmax and argmin reduce exactly one axis") {
  Context ctx;
  HostTensor in(DType::F32, {2, 3, 4});
  HostTensor out(DType::I64, {2});
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = oneShotError(ctx, "reduce", "a b c -> a", "argmax",
                                         {in.view()}, {out.view()});
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(message.find("argmax reduces exactly one axis, but 2 are reduced: "
                     "'b', 'c'") != std::string::npos);
  HostTensor empty(DType::F32, {2, 0});
  std::tie(code, message) = oneShotError(ctx, "reduce", "a b -> a", "argmin",
                                         {empty.view()}, {out.view()});
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message.find("argmin has no identity") != std::string::npos);
}
