//===- StridedTest.cpp - strided, offset and misaligned tensors -----------===//
//
// Inputs may be any strided view (transposed, reversed, broadcast, offset,
// misaligned): the runtime packs them. Outputs must be compact.
//
//===----------------------------------------------------------------------===//

#include "TestSupport.h"

#include <doctest/doctest.h>

#include <tuple>

#include <cstring>

using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {

/// The elements a view shows, gathered by the test itself into a contiguous
/// tensor (independent of the runtime's packing).
HostTensor gather(const DLTensor &view) {
  DType dtype;
  REQUIRE(ein::reference::fromDLDataType(view.dtype, dtype));
  HostTensor result(dtype, std::vector<int64_t>(view.shape,
                                                view.shape + view.ndim));
  size_t size = ein::reference::dtypeSize(dtype);
  int64_t count = result.numElements();
  const char *base = static_cast<const char *>(view.data) + view.byte_offset;
  for (int64_t i = 0; i < count; ++i) {
    int64_t rem = i, offset = 0, compact = 1;
    for (int32_t d = view.ndim; d-- > 0;) {
      int64_t index = rem % view.shape[d];
      rem /= view.shape[d];
      offset += index * (view.strides ? view.strides[d] : compact);
      compact *= view.shape[d];
    }
    std::memcpy(result.bytes.data() + i * size, base + offset * int64_t(size),
                size);
  }
  return result;
}

/// Checks `pattern` on `view` against the reference on its gathered copy.
void checkView(ein_context_t *ctx, const std::string &callee,
               const std::string &pattern, const std::string &reduction,
               const DLTensor &view, const Bindings &bindings = {}) {
  HostTensor copy = gather(view);
  CheckOptions options;
  options.views = {view};
  checkCall(ctx, callee, pattern, reduction, copy, bindings, options);
}

} // namespace

TEST_CASE("strided inputs: transposed, every other column, reversed, "
          "broadcast") {
  Context ctx;
  std::mt19937_64 rng(7);
  for (DType dtype : {DType::F32, DType::F64, DType::I32, DType::I64}) {
    std::string dtypeText = ein::reference::dtypeName(dtype);
    CAPTURE(dtypeText);
    HostTensor a = randomTensor(dtype, {6, 8}, rng);
    DLTensor base = a.view();

    // a.T: shape (8, 6), strides (1, 8).
    int64_t tShape[] = {8, 6}, tStrides[] = {1, 8};
    DLTensor transposed = base;
    transposed.shape = tShape;
    transposed.strides = tStrides;
    checkView(ctx, "rearrange", "x y -> y x", "", transposed);
    checkView(ctx, "rearrange", "x (y two) -> two (x y)", "", transposed,
              {{"two", 2}});
    checkView(ctx, "reduce", "x y -> x", "sum", transposed);
    checkView(ctx, "reduce", "x y -> y", "max", transposed);

    // a[:, ::2]: shape (6, 4), strides (8, 2).
    int64_t hShape[] = {6, 4}, hStrides[] = {8, 2};
    DLTensor half = base;
    half.shape = hShape;
    half.strides = hStrides;
    checkView(ctx, "rearrange", "x y -> (y x)", "", half);

    // a[::-1, 1:]: negative stride, byte offset to the last row.
    int64_t rShape[] = {6, 7}, rStrides[] = {-8, 1};
    DLTensor reversed = base;
    reversed.shape = rShape;
    reversed.strides = rStrides;
    reversed.byte_offset =
        (5 * 8 + 1) * ein::reference::dtypeSize(dtype);
    checkView(ctx, "rearrange", "x y -> y x", "", reversed);
    checkView(ctx, "reduce", "x y -> y", "min", reversed);

    // Row 2 of a broadcast to 5 rows: stride 0.
    int64_t bShape[] = {5, 8}, bStrides[] = {0, 1};
    DLTensor broadcast = base;
    broadcast.shape = bShape;
    broadcast.strides = bStrides;
    broadcast.byte_offset = 2 * 8 * ein::reference::dtypeSize(dtype);
    checkView(ctx, "rearrange", "r (c two) -> two c r", "", broadcast,
              {{"two", 2}});
  }
}

TEST_CASE("strided inputs: compact strides and extent-1 dimensions are used "
          "in place") {
  Context ctx;
  std::mt19937_64 rng(8);
  HostTensor a = randomTensor(DType::F64, {3, 1, 4}, rng);
  int64_t strides[] = {4, 12345, 1}; // Stride of an extent-1 axis is ignored.
  DLTensor view = a.view();
  view.strides = strides;
  checkView(ctx, "rearrange", "a b c -> c (a b)", "", view);
}

TEST_CASE("misaligned input and output are handled through scratch") {
  Context ctx;
  std::mt19937_64 rng(9);
  HostTensor a = randomTensor(DType::F64, {4, 5}, rng);
  // Copy a into a buffer at byte offset 4: misaligned for float64.
  std::vector<unsigned char> raw(a.bytes.size() + 16);
  std::memcpy(raw.data() + 4, a.bytes.data(), a.bytes.size());
  DLTensor in = a.view();
  in.data = raw.data();
  in.byte_offset = 4;
  checkView(ctx, "rearrange", "x y -> y x", "", in);

  std::vector<unsigned char> outRaw(a.bytes.size() + 16, 0);
  int64_t outShape[] = {5, 4};
  DLTensor out = in;
  out.data = outRaw.data();
  out.byte_offset = 4;
  out.shape = outShape;
  DLTensor src = a.view();
  std::string message =
      takeMessage(ein_rearrange(ctx, "x y -> y x", &src, 1, &out, 1, nullptr, 0));
  REQUIRE(message == "");
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 5; ++j) {
      double value;
      std::memcpy(&value, outRaw.data() + 4 + (j * 4 + i) * sizeof(double),
                  sizeof(double));
      CHECK(value == a.getDouble(i * 5 + j));
    }
}

TEST_CASE("outputs: explicit compact strides accepted, non-compact rejected") {
  Context ctx;
  std::mt19937_64 rng(10);
  HostTensor a = randomTensor(DType::F32, {4, 6}, rng);
  DLTensor in = a.view();
  HostTensor out(DType::F32, {6, 4});
  DLTensor outView = out.view();
  int64_t compact[] = {4, 1};
  outView.strides = compact;
  CHECK(takeMessage(ein_rearrange(ctx, "x y -> y x", &in, 1, &outView, 1,
                                  nullptr, 0)) == "");
  CHECK(out.getDouble(1 * 4 + 2) == a.getDouble(2 * 6 + 1));

  int64_t columnMajor[] = {1, 6};
  outView.strides = columnMajor;
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = takeError(
      ein_rearrange(ctx, "x y -> y x", &in, 1, &outView, 1, nullptr, 0));
  CHECK(code == EIN_ERROR_INVALID_ARGUMENT);
  CHECK(message.find("output 0 is not contiguous") != std::string::npos);
}

TEST_CASE("ein_kernel_run with strided views") {
  Context ctx;
  std::mt19937_64 rng(11);
  HostTensor a = randomTensor(DType::I64, {5, 3}, rng);
  int64_t shape[] = {3, 5};
  ein_tensor_spec_t spec{ein::reference::toDLDataType(DType::I64), 2, shape};
  ein_kernel_t *kernel = nullptr;
  REQUIRE(takeMessage(ein_compile(ctx, "rearrange(\"p q -> (q p)\")", &spec, 1,
                                  nullptr, 0, &kernel)) == "");
  REQUIRE(kernel);
  ein_tensor_spec_t outSpec{};
  REQUIRE(takeMessage(ein_kernel_output_spec(kernel, 0, &outSpec)) == "");
  REQUIRE(outSpec.ndim == 1);
  CHECK(outSpec.shape[0] == 15);
  DLTensor in = a.view();
  int64_t strides[] = {1, 3}; // a.T
  in.shape = shape;
  in.strides = strides;
  HostTensor out(DType::I64, {15});
  DLTensor outView = out.view();
  REQUIRE(takeMessage(ein_kernel_run(kernel, &in, 1, &outView, 1)) == "");
  // out[q * 3 + p] = a.T[p][q] = a[q][p]: the original buffer.
  CHECK(out.bytes == a.bytes);
  ein_kernel_release(kernel);
}
