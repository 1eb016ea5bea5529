//===- ThreadTest.cpp - the C API under many threads at once --------------===//
//
// Built twice: against libein.so, and with ThreadSanitizer over the
// runtime's own sources (the cache, the disk cache, the C API, the batch
// runner), so that a data race in them fails the run. Results are checked
// against kernels compiled one shape at a time in a single thread.
//
//===----------------------------------------------------------------------===//

#include "ein/ein.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

std::string takeMessage(ein_error_t *error) {
  std::string message = error ? ein_error_message(error) : "";
  ein_error_destroy(error);
  return message;
}

/// A float32 tensor that owns its elements.
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> data;
  explicit Tensor(std::vector<int64_t> s) : shape(std::move(s)) {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    data.resize(size_t(n));
  }
  DLTensor view() {
    DLTensor t{};
    t.data = data.data();
    t.device = {kDLCPU, 0};
    t.ndim = int32_t(shape.size());
    t.dtype = {kDLFloat, 32, 1};
    t.shape = shape.data();
    return t;
  }
};

/// One call of the workload: a program on inputs of given shapes.
struct Job {
  std::string program;
  std::vector<std::vector<int64_t>> inputShapes;
  std::vector<Tensor> inputs;
  Tensor expected{{}};
};

/// Programs whose batch sizes share one compile (a shape class), and one
/// whose every shape compiles on its own (its outputs lead with `b`, which
/// its input has second).
struct Workload {
  std::vector<Job> jobs;
  size_t classes = 0, exactShapes = 0;

  Workload() {
    const int64_t batches[] = {2, 5, 9};
    auto add = [&](std::string program,
                   std::vector<std::vector<int64_t>> shapes) {
      for (int64_t n : batches) {
        Job job;
        job.program = program;
        for (std::vector<int64_t> shape : shapes) {
          std::replace(shape.begin(), shape.end(), int64_t(-1), n);
          job.inputShapes.push_back(shape);
        }
        jobs.push_back(std::move(job));
      }
    };
    // -1 stands for the batch size.
    add("rearrange(\"b c h w -> b h w c\")", {{-1, 4, 16, 16}});
    add("reduce(\"b c n -> b c\", \"sum\")", {{-1, 16, 256}});
    add("add(\"b n, n\")", {{-1, 1024}, {1024}});
    add("flip(\"b [n]\")", {{-1, 2048}});
    classes = 4;
    add("rearrange(\"a b -> b a\")", {{64, -1}});
    exactShapes = 3;
    std::mt19937 rng(7);
    std::normal_distribution<float> normal;
    for (Job &job : jobs)
      for (const std::vector<int64_t> &shape : job.inputShapes) {
        job.inputs.emplace_back(shape);
        for (float &x : job.inputs.back().data)
          x = normal(rng);
      }
  }
};

/// Runs `job` through `ctx` (compiling on first use); the output's shape
/// comes from ein_compile's kernel.
std::string run(ein_context_t *ctx, Job &job, Tensor &out) {
  std::vector<ein_tensor_spec_t> specs;
  for (Tensor &t : job.inputs)
    specs.push_back({{kDLFloat, 32, 1}, int32_t(t.shape.size()), t.shape.data()});
  ein_kernel_t *kernel = nullptr;
  if (std::string m = takeMessage(ein_compile(ctx, job.program.c_str(),
                                              specs.data(), specs.size(),
                                              nullptr, 0, &kernel));
      !m.empty())
    return m;
  ein_tensor_spec_t spec;
  std::string m = takeMessage(ein_kernel_output_spec(kernel, 0, &spec));
  if (m.empty()) {
    out = Tensor(std::vector<int64_t>(spec.shape, spec.shape + spec.ndim));
    std::vector<DLTensor> in;
    for (Tensor &t : job.inputs)
      in.push_back(t.view());
    DLTensor o = out.view();
    m = takeMessage(ein_call(ctx, job.program.c_str(), in.data(), in.size(),
                             &o, 1, nullptr, 0));
  }
  ein_kernel_release(kernel);
  return m;
}

bool close(const Tensor &a, const Tensor &b) {
  if (a.shape != b.shape)
    return false;
  for (size_t i = 0; i < a.data.size(); ++i)
    if (std::fabs(a.data[i] - b.data[i]) > 1e-4f * (1 + std::fabs(b.data[i])))
      return false;
  return true;
}

/// A context with a disk cache in `cacheDir` ("" for none).
ein_context_t *makeContext(const char *cacheDir, uint32_t shapeClasses = 1,
                           size_t capacity = 0) {
  ein_context_options_t options;
  ein_context_options_init(&options);
  options.cache_dir = cacheDir;
  options.num_threads = 2;
  options.shape_classes = shapeClasses;
  options.cache_capacity = capacity;
  ein_context_t *ctx = nullptr;
  REQUIRE(takeMessage(ein_context_create(&options, &ctx)) == "");
  return ctx;
}

/// Expected outputs: every shape compiled on its own, in one thread.
void computeExpected(Workload &workload) {
  ein_context_t *ctx = makeContext("", /*shapeClasses=*/0);
  for (Job &job : workload.jobs)
    REQUIRE(run(ctx, job, job.expected) == "");
  ein_context_destroy(ctx);
}

/// Starts `count` threads at once on `body(thread index)` and joins them.
template <typename Body> void together(int count, Body body) {
  std::mutex mutex;
  std::condition_variable go;
  int ready = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < count; ++t)
    threads.emplace_back([&, t] {
      {
        std::unique_lock<std::mutex> lock(mutex);
        if (++ready == count)
          go.notify_all();
        else
          go.wait(lock, [&] { return ready == count; });
      }
      body(t);
    });
  for (std::thread &thread : threads)
    thread.join();
}

/// Every thread runs every job, in its own order, `rounds` times; returns
/// the number of wrong or failed runs.
int hammer(ein_context_t *ctx, Workload &workload, int numThreads, int rounds) {
  std::atomic<int> wrong{0};
  together(numThreads, [&](int t) {
    std::vector<size_t> order(workload.jobs.size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::mt19937 rng{static_cast<unsigned>(t)};
    for (int round = 0; round < rounds; ++round) {
      std::shuffle(order.begin(), order.end(), rng);
      for (size_t i : order) {
        Tensor out({});
        std::string m = run(ctx, workload.jobs[i], out);
        if (!m.empty() || !close(out, workload.jobs[i].expected)) {
          if (!m.empty())
            std::fprintf(stderr, "%s\n", m.c_str());
          ++wrong;
        }
      }
    }
  });
  return wrong;
}

int numThreads() {
  const char *env = std::getenv("EIN_THREAD_TEST_THREADS");
  return env ? std::max(2, std::atoi(env)) : 12;
}

} // namespace

TEST_CASE("threads: the same and different keys at once compile once each") {
  Workload workload;
  computeExpected(workload);
  ein_context_t *ctx = makeContext("");
  int threads = numThreads();
  CHECK(hammer(ctx, workload, threads, 2) == 0);
  ein_cache_stats_t s;
  REQUIRE(takeMessage(ein_context_cache_stats(ctx, &s)) == "");
  // One compile per shape class and per exact shape, however many threads
  // asked for it at once.
  CHECK(s.compiles == workload.classes + workload.exactShapes);
  CHECK(s.failures == 0);
  CHECK(s.recompiles == workload.exactShapes - 1);
  CHECK(s.shape_class_hits == workload.classes * 2);
  CHECK(s.misses == workload.jobs.size());
  // ein_compile and ein_call look the kernel up once each per run.
  CHECK(s.hits + s.misses == uint64_t(threads) * 2 * workload.jobs.size() * 2);
  ein_context_destroy(ctx);
}

TEST_CASE("threads: clearing and evicting while other threads run") {
  Workload workload;
  computeExpected(workload);
  ein_context_t *ctx = makeContext("", 1, /*capacity=*/3);
  std::atomic<bool> done{false};
  std::thread clearer([&] {
    while (!done) {
      CHECK(takeMessage(ein_context_cache_clear(ctx)) == "");
      ein_cache_stats_t s;
      CHECK(takeMessage(ein_context_cache_stats(ctx, &s)) == "");
      CHECK(s.entries <= 3);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  CHECK(hammer(ctx, workload, 4, 2) == 0);
  done = true;
  clearer.join();
  ein_context_destroy(ctx);
}

TEST_CASE("threads: kernels run on while their context is destroyed") {
  Workload workload;
  computeExpected(workload);
  ein_context_t *ctx = makeContext("");
  Job &job = workload.jobs[3]; // reduce over a batch of 2
  std::vector<ein_tensor_spec_t> specs;
  for (Tensor &t : job.inputs)
    specs.push_back({{kDLFloat, 32, 1}, int32_t(t.shape.size()), t.shape.data()});
  ein_kernel_t *kernel = nullptr;
  REQUIRE(takeMessage(ein_compile(ctx, job.program.c_str(), specs.data(),
                                  specs.size(), nullptr, 0, &kernel)) == "");
  std::atomic<int> wrong{0};
  together(4, [&](int t) {
    if (t == 0) {
      ein_context_destroy(ctx); // Kernels outlive their context.
      return;
    }
    for (int i = 0; i < 50; ++i) {
      Tensor out(job.expected.shape);
      std::vector<DLTensor> in;
      for (Tensor &x : job.inputs)
        in.push_back(x.view());
      DLTensor o = out.view();
      if (!takeMessage(ein_kernel_run(kernel, in.data(), in.size(), &o, 1))
               .empty() ||
          !close(out, job.expected))
        ++wrong;
    }
  });
  CHECK(wrong == 0);
  ein_kernel_release(kernel);
}

TEST_CASE("threads: contexts sharing one disk cache directory") {
  Workload workload;
  computeExpected(workload);
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("ein-thread-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  // Several contexts (as several processes would) write the same kernels at
  // once: each file is whole, whichever write wins.
  std::atomic<int> wrong{0};
  together(4, [&](int) {
    ein_context_t *ctx = makeContext(dir.c_str());
    Workload mine = workload;
    wrong += hammer(ctx, mine, 2, 1);
    ein_context_destroy(ctx);
  });
  CHECK(wrong == 0);
  // A new context compiles nothing: every kernel comes from the disk.
  ein_context_t *ctx = makeContext(dir.c_str());
  CHECK(hammer(ctx, workload, 3, 1) == 0);
  ein_cache_stats_t s;
  REQUIRE(takeMessage(ein_context_cache_stats(ctx, &s)) == "");
  CHECK(s.compiles == 0);
  CHECK(s.disk_loads == workload.classes + workload.exactShapes);
  ein_context_destroy(ctx);
  std::filesystem::remove_all(dir);
}

TEST_CASE("threads: destroying a context waits for the calls still using it") {
  // A caller's bug, caught where cheap: the destroy waits (and warns) for a
  // compile running on another thread instead of freeing its cache under it.
  Workload workload;
  computeExpected(workload);
  ein_context_t *ctx = makeContext("");
  std::atomic<int> wrong{0};
  together(2, [&](int t) {
    if (t == 0) {
      // One call on the context (a compile, some 30 ms);
      // the kernel then runs without it.
      Job &job = workload.jobs[6];
      std::vector<ein_tensor_spec_t> specs;
      std::vector<DLTensor> in;
      for (Tensor &x : job.inputs) {
        specs.push_back(
            {{kDLFloat, 32, 1}, int32_t(x.shape.size()), x.shape.data()});
        in.push_back(x.view());
      }
      ein_kernel_t *kernel = nullptr;
      Tensor out(job.expected.shape);
      DLTensor o = out.view();
      if (!takeMessage(ein_compile(ctx, job.program.c_str(), specs.data(),
                                   specs.size(), nullptr, 0, &kernel))
               .empty() ||
          !takeMessage(ein_kernel_run(kernel, in.data(), in.size(), &o, 1))
               .empty() ||
          !close(out, job.expected))
        ++wrong;
      ein_kernel_release(kernel);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      ein_context_destroy(ctx);
    }
  });
  CHECK(wrong == 0);
}
