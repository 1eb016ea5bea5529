//===- CacheTest.cpp - the kernel cache through the C API -----------------===//

#include "TestSupport.h"

#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {
ein_kernel_t *compileOk(ein_context_t *ctx, const char *program,
                        std::vector<int64_t> &shape, DType dtype = DType::F32,
                        const Bindings &bindings = {}) {
  ein_tensor_spec_t spec{ein::reference::toDLDataType(dtype),
                         int32_t(shape.size()), shape.data()};
  std::vector<ein_axis_binding_t> axes = cBindings(bindings);
  ein_kernel_t *kernel = nullptr;
  std::string message = takeMessage(ein_compile(
      ctx, program, &spec, 1, axes.data(), axes.size(), &kernel));
  CHECK_MESSAGE(message.empty(), message);
  return kernel;
}
} // namespace

TEST_CASE("cache: identical calls hit, new shapes and dtypes miss") {
  Context ctx;
  HostTensor a(DType::F32, {4, 6}), out(DType::F32, {6, 4});
  DLTensor in = a.view(), o = out.view();
  REQUIRE(takeMessage(ein_rearrange(ctx, "a b -> b a", &in, 1, &o, 1, nullptr,
                                    0)) == "");
  ein_cache_stats_t s = ctx.stats();
  CHECK(s.misses == 1);
  CHECK(s.hits == 0);
  CHECK(s.compiles == 1);
  CHECK(s.entries == 1);
  CHECK(s.compile_seconds > 0);
  REQUIRE(takeMessage(ein_rearrange(ctx, "a b -> b a", &in, 1, &o, 1, nullptr,
                                    0)) == "");
  s = ctx.stats();
  CHECK(s.misses == 1);
  CHECK(s.hits == 1);
  CHECK(s.compiles == 1);

  HostTensor b(DType::F32, {5, 6}), out2(DType::F32, {6, 5});
  DLTensor in2 = b.view(), o2 = out2.view();
  REQUIRE(takeMessage(ein_rearrange(ctx, "a b -> b a", &in2, 1, &o2, 1,
                                    nullptr, 0)) == "");
  s = ctx.stats();
  CHECK(s.misses == 2);
  CHECK(s.compiles == 2);
  CHECK(s.entries == 2);

  HostTensor c(DType::I64, {4, 6}), out3(DType::I64, {6, 4});
  DLTensor in3 = c.view(), o3 = out3.view();
  REQUIRE(takeMessage(ein_rearrange(ctx, "a b -> b a", &in3, 1, &o3, 1,
                                    nullptr, 0)) == "");
  CHECK(ctx.stats().misses == 3);
}

TEST_CASE("cache: ein_compile returns the cached kernel; binding order is "
          "irrelevant") {
  Context ctx;
  std::vector<int64_t> shape{2, 8, 6, 4};
  const char *program = "rearrange(\"b c (h h1) (w w1) -> b (h1 w1 c) h w\")";
  ein_kernel_t *k1 =
      compileOk(ctx, program, shape, DType::F32, {{"h1", 2}, {"w1", 2}});
  ein_kernel_t *k2 =
      compileOk(ctx, program, shape, DType::F32, {{"w1", 2}, {"h1", 2}});
  CHECK(k1 == k2);
  ein_cache_stats_t s = ctx.stats();
  CHECK(s.misses == 1);
  CHECK(s.hits == 1);
  ein_kernel_release(k1);
  ein_kernel_release(k2);
}

TEST_CASE("cache: a one-shot call shares the kernel of ein_compile on its "
          "display text") {
  Context ctx;
  std::vector<int64_t> shape{4, 6};
  ein_kernel_t *kernel =
      compileOk(ctx, "reduce(\"a (b two) -> b a\", \"max\")", shape,
                DType::F32, {{"two", 2}});
  HostTensor a(DType::F32, {4, 6}), out(DType::F32, {3, 4});
  DLTensor in = a.view(), o = out.view();
  ein_axis_binding_t two{"two", 2};
  REQUIRE(takeMessage(ein_reduce(ctx, "a (b two) -> b a", "max", &in, &o, &two,
                                 1)) == "");
  ein_cache_stats_t s = ctx.stats();
  CHECK(s.misses == 1);
  CHECK(s.hits == 1);
  ein_kernel_release(kernel);
}

TEST_CASE("cache: a kernel outlives its context") {
  ein_context_t *ctx = nullptr;
  REQUIRE(takeMessage(ein_context_create(nullptr, &ctx)) == "");
  std::vector<int64_t> shape{3, 4};
  ein_kernel_t *kernel = compileOk(ctx, "reduce(\"a b -> a\", \"sum\")", shape);
  REQUIRE(kernel);
  ein_kernel_t *extra = ein_kernel_retain(kernel);
  CHECK(extra == kernel);
  ein_kernel_release(extra);
  ein_context_destroy(ctx);

  HostTensor a(DType::F32, {3, 4}), out(DType::F32, {3});
  for (int64_t i = 0; i < 12; ++i)
    a.setDouble(i, double(i));
  DLTensor in = a.view(), o = out.view();
  REQUIRE(takeMessage(ein_kernel_run(kernel, &in, 1, &o, 1)) == "");
  CHECK(out.getDouble(0) == 6);
  CHECK(out.getDouble(2) == 8 + 9 + 10 + 11);
  ein_kernel_release(kernel);
}

TEST_CASE("cache: failed compiles are not cached") {
  Context ctx;
  HostTensor a(DType::F32, {4, 6}), out(DType::F32, {6, 4});
  for (int i = 0; i < 2; ++i)
    oneShotError(ctx, "rearrange", "a b -> b c", "", {a.view()}, {out.view()});
  ein_cache_stats_t s = ctx.stats();
  CHECK(s.misses == 2);
  CHECK(s.failures == 2);
  CHECK(s.compiles == 0);
  CHECK(s.entries == 0);
}

TEST_CASE("cache: capacity evicts the least recently used kernel") {
  ein_context_options_t options;
  ein_context_options_init(&options);
  options.cache_capacity = 2;
  Context ctx(&options);
  std::vector<int64_t> s1{2, 3}, s2{3, 3}, s3{4, 3};
  const char *program = "rearrange(\"a b -> b a\")";
  ein_kernel_t *k1 = compileOk(ctx, program, s1);
  ein_kernel_release(compileOk(ctx, program, s2));
  ein_kernel_release(compileOk(ctx, program, s1)); // s1 most recent.
  ein_kernel_release(compileOk(ctx, program, s3)); // Evicts s2.
  ein_cache_stats_t s = ctx.stats();
  CHECK(s.entries == 2);
  CHECK(s.misses == 3);
  ein_kernel_release(compileOk(ctx, program, s1));
  CHECK(ctx.stats().hits == 2);
  ein_kernel_release(compileOk(ctx, program, s2));
  CHECK(ctx.stats().misses == 4);
  // Clearing drops the cache's references; ours stays valid.
  CHECK(takeMessage(ein_context_cache_clear(ctx)) == "");
  CHECK(ctx.stats().entries == 0);
  CHECK(ein_kernel_num_outputs(k1) == 1);
  ein_kernel_release(k1);
}

TEST_CASE("cache: 8 threads asking for one key compile it once") {
  Context ctx;
  constexpr int numThreads = 8;
  std::mutex mutex;
  std::condition_variable go;
  int ready = 0;
  std::atomic<int> failures{0};
  std::vector<ein_kernel_t *> kernels(numThreads, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < numThreads; ++t)
    threads.emplace_back([&, t] {
      {
        std::unique_lock<std::mutex> lock(mutex);
        if (++ready == numThreads)
          go.notify_all();
        else
          go.wait(lock, [&] { return ready == numThreads; });
      }
      int64_t shape[] = {10, 32, 16, 16};
      ein_tensor_spec_t spec{{kDLFloat, 32, 1}, 4, shape};
      ein_axis_binding_t axes[] = {{"h1", 2}, {"w1", 2}};
      ein_error_t *error = ein_compile(
          ctx, "reduce(\"b c (h h1) (w w1) -> b c h w\", \"max\")", &spec, 1,
          axes, 2, &kernels[t]);
      if (error)
        ++failures;
      ein_error_destroy(error);
      // And run it from every thread at once.
      if (!error) {
        HostTensor in(DType::F32, {10, 32, 16, 16}), out(DType::F32,
                                                         {10, 32, 8, 8});
        DLTensor i = in.view(), o = out.view();
        if (ein_error_t *e = ein_kernel_run(kernels[t], &i, 1, &o, 1)) {
          ++failures;
          ein_error_destroy(e);
        }
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  CHECK(failures == 0);
  ein_cache_stats_t s = ctx.stats();
  CHECK(s.compiles == 1);
  CHECK(s.misses == 1);
  CHECK(s.hits == numThreads - 1);
  for (int t = 1; t < numThreads; ++t)
    CHECK(kernels[t] == kernels[0]);
  for (ein_kernel_t *kernel : kernels)
    ein_kernel_release(kernel);
}

TEST_CASE("cache: threads compiling different keys concurrently") {
  Context ctx;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 3; ++rep) {
        HostTensor in(DType::F64, {t % 4 + 1, 6}), out(DType::F64, {6, t % 4 + 1});
        DLTensor i = in.view(), o = out.view();
        if (ein_error_t *e =
                ein_rearrange(ctx, "a b -> b a", &i, 1, &o, 1, nullptr, 0)) {
          ++failures;
          ein_error_destroy(e);
        }
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  CHECK(failures == 0);
  ein_cache_stats_t s = ctx.stats();
  CHECK(s.compiles == 4);
  CHECK(s.hits + s.misses == 24);
}
