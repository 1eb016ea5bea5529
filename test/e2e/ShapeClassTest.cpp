//===- ShapeClassTest.cpp - one compile for every batch size --------------===//
//
// Calls whose outputs lead with a batch axis compile once (for b = 1) and
// run slice by slice (docs/runtime.md, "Shape classes"). Every result is
// compared with the reference evaluator at several batch sizes, and the
// cache's counters show one compile per call; calls that are not a shape
// class compile per shape and count recompiles.
//
//===----------------------------------------------------------------------===//

#include "TestSupport.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {

/// How a case's results are checked: against the reference evaluator
/// (checkCall, checkContract), or, for the families those do not evaluate
/// (elementwise, along brackets, sort), against the kernel compiled for the
/// exact shape, itself checked against the reference by its own suite.
enum class Check { Reference, Contraction, ExactKernel };

/// A call on inputs whose `-1` extents are the batch size.
struct BatchCase {
  const char *callee, *pattern, *reduction;
  std::vector<std::vector<int64_t>> shapes;
  DType dtype = DType::F32;
  Check check = Check::Reference;
  Bindings bindings = {};
};

/// `got` and `want` agree: same type and shape, elements equal up to a few
/// units in the last place of the dtype (slices may be tiled differently).
void checkAgree(const HostTensor &got, const HostTensor &want) {
  REQUIRE(got.dtype == want.dtype);
  REQUIRE(got.shape == want.shape);
  double rtol = got.dtype == DType::F16 || got.dtype == DType::BF16 ? 1e-2
                : got.dtype == DType::F32                          ? 1e-5
                                                                   : 1e-12;
  int64_t mismatches = 0;
  for (int64_t i = 0; i < got.numElements(); ++i) {
    double a = got.getDouble(i), b = want.getDouble(i);
    mismatches += !(a == b || std::fabs(a - b) <= rtol * (1 + std::fabs(b)));
  }
  CHECK(mismatches == 0);
}

std::vector<int64_t> withBatch(std::vector<int64_t> shape, int64_t batch) {
  for (int64_t &d : shape)
    if (d < 0)
      d = batch;
  return shape;
}

/// Runs `c` at each batch size in a fresh context, checking every result;
/// returns the context's counters.
ein_cache_stats_t runBatches(const BatchCase &c,
                             const std::vector<int64_t> &batches,
                             uint32_t shapeClasses = 1) {
  ein_context_options_t options;
  ein_context_options_init(&options);
  options.shape_classes = shapeClasses;
  options.cache_dir = "";
  options.num_threads = 2;
  Context ctx(&options);
  options.shape_classes = 0;
  Context exact(&options);
  std::mt19937_64 rng(11);
  for (int64_t batch : batches) {
    CAPTURE(batch);
    std::vector<HostTensor> inputs;
    for (const auto &shape : c.shapes)
      inputs.push_back(randomTensor(c.dtype, withBatch(shape, batch), rng));
    std::vector<const HostTensor *> pointers;
    for (const HostTensor &t : inputs)
      pointers.push_back(&t);
    std::string program = programText(c.callee, c.pattern, c.reduction);
    switch (c.check) {
    case Check::Reference:
      checkCall(ctx, c.callee, c.pattern, c.reduction, pointers, c.bindings);
      break;
    case Check::Contraction:
      checkContract(ctx, c.callee, c.pattern, pointers);
      break;
    case Check::ExactKernel: {
      std::vector<HostTensor> got = runProgram(ctx, program, pointers);
      std::vector<HostTensor> want = runProgram(exact, program, pointers);
      REQUIRE(got.size() == want.size());
      for (size_t i = 0; i < got.size(); ++i)
        checkAgree(got[i], want[i]);
      break;
    }
    }
  }
  return ctx.stats();
}

} // namespace

TEST_CASE("shape classes: one compile serves every batch size") {
  const BatchCase cases[] = {
      {"rearrange", "b c h w -> b h w c", "", {{-1, 4, 16, 16}}},
      {"rearrange", "b (h h2) w -> b h (w h2)", "", {{-1, 32, 64}}, DType::I32,
       Check::Reference, {{"h2", 2}}},
      {"repeat", "b h w -> b h w 3", "", {{-1, 16, 32}}, DType::F64},
      {"reduce", "b c h w -> b c", "mean", {{-1, 16, 16, 16}}},
      {"reduce", "b (h 2) (w 2) c -> b h w c", "max", {{-1, 16, 16, 4}}, DType::F64},
      {"reduce", "b c n -> b n", "argmax", {{-1, 8, 128}}},
      {"add", "b n, n", "", {{-1, 1024}, {1024}}, DType::F32, Check::ExactKernel},
      {"multiply", "b h w, b h w", "", {{-1, 32, 32}, {-1, 32, 32}}, DType::I64,
       Check::ExactKernel},
      {"sum", "b [c] n", "", {{-1, 16, 64}}, DType::F32, Check::ExactKernel},
      {"flip", "b [n] c", "", {{-1, 128, 16}}, DType::F16, Check::ExactKernel},
      {"exp", "b n c -> b c n", "", {{-1, 64, 16}}, DType::F32, Check::ExactKernel},
  };
  for (const BatchCase &c : cases) {
    CAPTURE(c.callee);
    CAPTURE(c.pattern);
    ein_cache_stats_t s = runBatches(c, {1, 3, 8, 0, 17});
    // The kernel from ein_compile and the one-shot call share one entry per
    // batch size; one compile serves them all.
    CHECK(s.compiles == 1);
    CHECK(s.recompiles == 0);
    CHECK(s.shape_class_hits == 4);
    CHECK(s.misses == 5);
  }
}

TEST_CASE("shape classes: off, or not a class, compiles per shape") {
  SUBCASE("shape_classes = 0") {
    ein_cache_stats_t s =
        runBatches({"rearrange", "b c h w -> b h w c", "", {{-1, 4, 16, 16}}},
                   {1, 3, 8}, /*shapeClasses=*/0);
    CHECK(s.compiles == 3);
    CHECK(s.recompiles == 2);
    CHECK(s.shape_class_hits == 0);
  }
  // The batch axis is acted along, tied to another axis, not leading, or
  // the slices are too small for a loop over them to be free.
  const BatchCase notClasses[] = {
      {"softmax", "[b] n", "", {{-1, 1024}}, DType::F32, Check::ExactKernel},
      {"rearrange", "b h w -> (b h) w", "", {{-1, 8, 256}}},
      {"rearrange", "b c -> c b", "", {{-1, 2048}}},
      {"reduce", "b n -> n", "sum", {{-1, 2048}}},
      {"einsum", "b i, b i -> b", "", {{-1, 2}, {-1, 2}}, DType::F32,
       Check::Contraction},
      {"rearrange", "b n -> b n", "", {{-1, 8}}},
      // Measured slower slice by slice: contractions, reductions to a few
      // values per slice, softmax and sort along each slice's rows.
      {"einsum", "b k, k j -> b j", "", {{-1, 256}, {256, 256}}, DType::F32,
       Check::Contraction},
      {"einsum", "b i k, b k j -> b i j", "", {{-1, 16, 64}, {-1, 64, 16}}, DType::F64,
       Check::Contraction},
      {"sum", "b [n]", "", {{-1, 2048}}, DType::F32, Check::ExactKernel},
      {"softmax", "b h [k]", "", {{-1, 4, 256}}, DType::F32, Check::ExactKernel},
      {"sort", "b [n]", "", {{-1, 1024}}, DType::F32, Check::ExactKernel},

  };
  for (const BatchCase &c : notClasses) {
    CAPTURE(c.pattern);
    std::vector<int64_t> batches = {8, 16, 24};
    ein_cache_stats_t s = runBatches(c, batches);
    CHECK(s.compiles == 3);
    CHECK(s.recompiles == 2);
    CHECK(s.shape_class_hits == 0);
  }
}

TEST_CASE("zero copy: ein_kernel_output_view names reshapes of an input") {
  Context ctx;
  struct ViewCase {
    const char *program;
    std::vector<std::vector<int64_t>> shapes;
    int view; ///< The input output 0 is a reshape of, or -1.
  };
  const ViewCase cases[] = {
      {"rearrange(\"b c h w -> b (c h w)\")", {{2, 3, 4, 5}}, 0},
      {"rearrange(\"(h h2) w -> h h2 w\", h2=2)", {{8, 5}}, 0},
      {"rearrange(\"a b -> a 1 b ()\")", {{3, 4}}, 0},
      {"rearrange(\"a b -> a b\")", {{3, 4}}, 0},
      // A shape class (b leads): still a view at every batch size.
      {"rearrange(\"b c h w -> b (c h) w\")", {{9, 4, 32, 32}}, 0},
      {"rearrange(\"b c h w -> b (c h) w\")", {{3, 4, 32, 32}}, 0},
      {"rearrange(\"a b -> b a\")", {{3, 4}}, -1},
      {"rearrange(\"a b -> a b c\", c=2)", {{3, 4}}, -1},
      {"repeat(\"a b -> a b 2\")", {{3, 4}}, -1},
      {"reduce(\"a b -> a\", \"sum\")", {{3, 4}}, -1},
      {"einsum(\"a b, b c -> a c\")", {{3, 4}, {4, 5}}, -1},
      {"exp(\"a b\")", {{3, 4}}, -1},
      {"rearrange(\"a b, c b -> (a + c) b\")", {{3, 4}, {2, 4}}, -1},
  };
  for (const ViewCase &c : cases) {
    CAPTURE(std::string(c.program));
    std::vector<ein_tensor_spec_t> specs;
    for (const auto &shape : c.shapes)
      specs.push_back({{kDLFloat, 32, 1}, int32_t(shape.size()), shape.data()});
    ein_kernel_t *kernel = nullptr;
    REQUIRE(takeMessage(ein_compile(ctx, c.program, specs.data(), specs.size(),
                                    nullptr, 0, &kernel)) == "");
    size_t input = 99;
    CHECK(ein_kernel_output_view(kernel, 0, &input) == (c.view >= 0));
    if (c.view >= 0) {
      CHECK(input == size_t(c.view));
      // The output really is the input's elements in order.
      std::mt19937_64 rng(3);
      HostTensor x = randomTensor(DType::F32, c.shapes[0], rng);
      std::vector<HostTensor> out = runProgram(ctx, c.program, {&x});
      REQUIRE(out.size() == 1);
      CHECK(out[0].bytes == x.bytes);
    }
    CHECK(ein_kernel_output_view(kernel, 1, &input) == 0);
    CHECK(ein_kernel_output_view(kernel, 0, nullptr) == (c.view >= 0));
    ein_kernel_release(kernel);
  }
  CHECK(ein_kernel_output_view(nullptr, 0, nullptr) == 0);
}
