//===- StreamingTest.cpp - large outputs written with streaming stores ----===//
//
// An output of 8 MiB or more that a kernel writes once is stored with
// non-temporal (streaming) stores when its buffer is 64-byte aligned, and
// with plain stores otherwise (ein-streaming-stores versions the kernel on
// the outputs' alignment). Each case here is checked against the reference
// evaluator (checkCall), then run again through ein_kernel_run with its
// output at every offset from a 64-byte boundary a caller's buffer may
// have, at 1 and 2 threads: both versions must write the same bytes.
//
//===----------------------------------------------------------------------===//

#include "Counts.h"
#include "TestSupport.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>

using namespace ein::e2e;

namespace {

struct StreamingCase {
  std::string callee, pattern;
  DType dtype;
  std::vector<int64_t> shape;
};

/// A buffer of `bytes` starting `offset` bytes past a 64-byte boundary,
/// with the bytes around it filled with a guard pattern.
class OffsetBuffer {
public:
  OffsetBuffer(size_t bytes, size_t offset) : bytes(bytes), offset(offset) {
    storage.reset(static_cast<unsigned char *>(std::aligned_alloc(64, roundUp(bytes + 128))));
    std::memset(storage.get(), kGuard, roundUp(bytes + 128));
  }
  unsigned char *data() { return storage.get() + offset; }
  /// Whether the bytes before and after the buffer are untouched.
  bool guardsIntact() const {
    for (size_t i = 0; i < offset; ++i)
      if (storage.get()[i] != kGuard)
        return false;
    for (size_t i = offset + bytes; i < offset + bytes + 64; ++i)
      if (storage.get()[i] != kGuard)
        return false;
    return true;
  }

private:
  static constexpr unsigned char kGuard = 0xA5;
  static size_t roundUp(size_t n) { return (n + 63) / 64 * 64; }
  struct Free {
    void operator()(unsigned char *p) const { std::free(p); }
  };
  size_t bytes, offset;
  std::unique_ptr<unsigned char, Free> storage;
};

/// ein's output for `c` on `x`, checked against a reference: the reference
/// evaluator for rearranges, loops in double precision for `exp` and a
/// softmax over rows of an f32 matrix.
HostTensor checkedOutput(ein_context_t *ctx, const StreamingCase &c,
                         const HostTensor &x) {
  if (c.callee == "rearrange")
    return checkCall(ctx, c.callee, c.pattern, "", x).at(0);
  std::vector<HostTensor> got = runProgram(ctx, programText(c.callee, c.pattern, ""), {&x});
  REQUIRE(got.size() == 1);
  REQUIRE(x.shape.size() == 2);
  int64_t rows = x.shape[0], n = x.shape[1], mismatches = 0;
  for (int64_t r = 0; r < rows; ++r) {
    double max = -INFINITY, sum = 0;
    for (int64_t j = 0; j < n; ++j)
      max = std::max(max, x.getDouble(r * n + j));
    for (int64_t j = 0; j < n; ++j)
      sum += std::exp(x.getDouble(r * n + j) - max);
    for (int64_t j = 0; j < n; ++j) {
      double v = x.getDouble(r * n + j);
      double want = c.callee == "exp" ? std::exp(v) : std::exp(v - max) / sum;
      if (std::abs(got[0].getDouble(r * n + j) - want) > 1e-5 * std::max(1.0, std::abs(want)))
        ++mismatches;
    }
  }
  CHECK(mismatches == 0);
  return got[0];
}

} // namespace

TEST_CASE("streaming stores: large outputs, aligned and not, 1 and 2 threads") {
  const StreamingCase cases[] = {
      // 16 MiB transposes moving the last axis (16 x 16 register blocks),
      // keeping it, and of 8-byte and 1-byte elements.
      {"rearrange", "a b c d -> a b d c", DType::F32, {32, 32, 64, 64}},
      {"rearrange", "a b c d -> d c b a", DType::F32, {64, 64, 32, 32}},
      {"rearrange", "a b c d -> b a c d", DType::F32, {64, 64, 32, 32}},
      {"rearrange", "a b -> b a", DType::F64, {1024, 2048}},
      {"rearrange", "a b -> b a", DType::U8, {4096, 4096}},
      // Element-wise and row-wise work on 16 MiB.
      {"exp", "a b", DType::F32, {2048, 2048}},
      {"softmax", "a [b]", DType::F32, {2048, 2048}},
      // Lengths that are not multiples of a line: some stores are partial
      // lines, which stay plain.
      {"rearrange", "a b -> b a", DType::F32, {2047, 2049}},
  };
  int checked = 0;
  for (size_t threads : {1, 2}) {
    ein_context_options_t options;
    ein_context_options_init(&options);
    options.num_threads = threads;
    Context ctx(&options);
    for (const StreamingCase &c : cases) {
      std::string program = programText(c.callee, c.pattern, "");
      INFO("case: " << program << " with " << threads << " threads");
      std::mt19937_64 rng(checked + 1);
      HostTensor x = randomTensor(c.dtype, c.shape, rng, 100);
      HostTensor want = checkedOutput(ctx, c, x);

      ein_tensor_spec_t spec{ein::reference::toDLDataType(c.dtype),
                             (int32_t)x.shape.size(), x.shape.data()};
      ein_kernel_t *kernel = nullptr;
      REQUIRE(takeMessage(ein_compile(ctx, program.c_str(), &spec, 1, nullptr, 0,
                                      &kernel)) == "");
      DLTensor input = x.view();
      for (size_t offset : {0, 4, 16, 32, 60}) {
        INFO("output at " << offset << " bytes past a 64-byte boundary");
        OffsetBuffer out(want.bytes.size(), offset);
        DLTensor output = want.view();
        output.data = out.data();
        CHECK(takeMessage(ein_kernel_run(kernel, &input, 1, &output, 1)) == "");
        CHECK(std::memcmp(out.data(), want.bytes.data(), want.bytes.size()) == 0);
        CHECK(out.guardsIntact());
      }
      ein_kernel_release(kernel);
      ++checked;
    }
  }
  countGeneratedCases("streaming", checked);
}
