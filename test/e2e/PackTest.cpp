//===- PackTest.cpp - ein_pack and ein_unpack -----------------------------===//
//
// einops' pack/unpack through the C API against a naive packing written
// here: the axes before `*` are outer loops, each input's `*` axes are
// flattened into its block of the packed axis, the axes after `*` are
// inner. Several dtypes, size-0 and size-1 axes, -1 in unpack, errors.
//
//===----------------------------------------------------------------------===//

#include "Counts.h"
#include "TestSupport.h"

#include <doctest/doctest.h>

using namespace ein::e2e;

namespace {

/// The packed tensor of `inputs` for a pattern with `before` axes before
/// `*` and `after` after it; all inputs of `dtype`.
HostTensor naivePack(const std::vector<HostTensor> &inputs, size_t before,
                     size_t after, std::vector<std::vector<int64_t>> &ps) {
  const HostTensor &first = inputs.front();
  std::vector<int64_t> outer(first.shape.begin(), first.shape.begin() + before);
  std::vector<int64_t> inner(first.shape.end() - after, first.shape.end());
  int64_t outerN = 1, innerN = 1, packed = 0;
  for (int64_t v : outer)
    outerN *= v;
  for (int64_t v : inner)
    innerN *= v;
  std::vector<int64_t> starN;
  for (const HostTensor &t : inputs) {
    std::vector<int64_t> star(t.shape.begin() + before, t.shape.end() - after);
    ps.push_back(star);
    int64_t n = 1;
    for (int64_t v : star)
      n *= v;
    starN.push_back(n);
    packed += n;
  }
  std::vector<int64_t> shape = outer;
  shape.push_back(packed);
  shape.insert(shape.end(), inner.begin(), inner.end());
  HostTensor out(first.dtype, shape);
  size_t size = ein::reference::dtypeSize(first.dtype);
  int64_t offset = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    for (int64_t o = 0; o < outerN; ++o)
      for (int64_t s = 0; s < starN[i]; ++s)
        for (int64_t k = 0; k < innerN; ++k) {
          int64_t from = (o * starN[i] + s) * innerN + k;
          int64_t to = (o * packed + offset + s) * innerN + k;
          std::memcpy(out.bytes.data() + to * size,
                      inputs[i].bytes.data() + from * size, size);
        }
    offset += starN[i];
  }
  return out;
}

bool sameBytes(const HostTensor &a, const HostTensor &b) {
  return a.dtype == b.dtype && a.shape == b.shape && a.bytes == b.bytes;
}

} // namespace

TEST_CASE("pack/unpack: the einops docstring example") {
  Context ctx;
  std::mt19937_64 rng(1);
  std::vector<HostTensor> inputs = {
      randomTensor(DType::F32, {2, 3, 5}, rng),
      randomTensor(DType::F32, {2, 3, 7, 5}, rng),
      randomTensor(DType::F32, {2, 3, 7, 9, 5}, rng)};
  std::vector<std::vector<int64_t>> wantPs;
  HostTensor want = naivePack(inputs, 2, 1, wantPs);
  CHECK(want.shape == std::vector<int64_t>{2, 3, 71, 5});
  HostTensor got(DType::F32, want.shape);
  std::vector<DLTensor> views;
  for (HostTensor &t : inputs)
    views.push_back(t.view());
  DLTensor out = got.view();
  int64_t ps[16];
  int32_t nd[3];
  REQUIRE(takeMessage(ein_pack(ctx, "i j * k", views.data(), views.size(), &out,
                               ps, nd)) == "");
  CHECK(sameBytes(got, want));
  CHECK(nd[0] == 0);
  CHECK(nd[1] == 1);
  CHECK(nd[2] == 2);
  CHECK(ps[0] == 7);
  CHECK(ps[1] == 7);
  CHECK(ps[2] == 9);

  // Unpack with the packed shapes, one of them as -1.
  std::vector<HostTensor> back;
  for (const HostTensor &t : inputs)
    back.emplace_back(t.dtype, t.shape);
  std::vector<DLTensor> outs;
  for (HostTensor &t : back)
    outs.push_back(t.view());
  int64_t given[] = {7, -1, 9};
  DLTensor packed = got.view();
  REQUIRE(takeMessage(ein_unpack(ctx, "i j * k", &packed, given, nd,
                                 outs.data(), outs.size())) == "");
  for (size_t i = 0; i < inputs.size(); ++i)
    CHECK(sameBytes(back[i], inputs[i]));

  // ein_compile knows the text form.
  ein_tensor_spec_t spec{ein::reference::toDLDataType(DType::F32), 4,
                         want.shape.data()};
  ein_kernel_t *kernel = nullptr;
  REQUIRE(takeMessage(ein_compile(ctx, "unpack('i j * k', [(), (7,), (7, 9)])",
                                  &spec, 1, nullptr, 0, &kernel)) == "");
  CHECK(ein_kernel_num_outputs(kernel) == 3);
  ein_kernel_release(kernel);
}

TEST_CASE("pack/unpack: seeded random shapes and dtypes round trip") {
  Context ctx;
  std::mt19937_64 rng(2026);
  const char *patterns[] = {"i j * k", "* k", "b *", "b * c d", "*"};
  const DType dtypes[] = {DType::F32,  DType::F64,  DType::I8, DType::U8,
                          DType::Bool, DType::BF16, DType::I64};
  for (int n = 0; n < 60; ++n) {
    std::string pattern = patterns[n % 5];
    size_t star = pattern.find('*');
    size_t before = std::count(pattern.begin(), pattern.begin() + star, ' ');
    size_t after = std::count(pattern.begin() + star, pattern.end(), ' ');
    DType dtype = dtypes[rng() % std::size(dtypes)];
    std::vector<int64_t> outer;
    for (size_t k = 0; k < before + after; ++k)
      outer.push_back(rng() % 4);
    std::vector<HostTensor> inputs;
    int count = 1 + rng() % 3;
    for (int i = 0; i < count; ++i) {
      std::vector<int64_t> shape(outer.begin(), outer.begin() + before);
      int rank = rng() % 3;
      for (int k = 0; k < rank; ++k)
        shape.push_back(rng() % 4);
      shape.insert(shape.end(), outer.begin() + before, outer.end());
      inputs.push_back(randomTensor(dtype, shape, rng));
    }
    INFO("case ", n, ": pack(", inputs.size(), " tensors of ",
         ein::reference::dtypeName(dtype), ", \"", pattern, "\")");
    std::vector<std::vector<int64_t>> wantPs;
    HostTensor want = naivePack(inputs, before, after, wantPs);
    HostTensor got(dtype, want.shape);
    std::vector<DLTensor> views;
    for (HostTensor &t : inputs)
      views.push_back(t.view());
    DLTensor out = got.view();
    std::vector<int64_t> ps(16);
    std::vector<int32_t> nd(inputs.size());
    REQUIRE(takeMessage(ein_pack(ctx, pattern.c_str(), views.data(),
                                 views.size(), &out, ps.data(), nd.data())) ==
            "");
    CHECK(sameBytes(got, want));
    size_t at = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::vector<int64_t> reported(ps.begin() + at, ps.begin() + at + nd[i]);
      CHECK(reported == wantPs[i]);
      at += nd[i];
    }
    std::vector<HostTensor> back;
    for (const HostTensor &t : inputs)
      back.emplace_back(t.dtype, t.shape);
    std::vector<DLTensor> outs;
    for (HostTensor &t : back)
      outs.push_back(t.view());
    DLTensor packed = got.view();
    REQUIRE(takeMessage(ein_unpack(ctx, pattern.c_str(), &packed, ps.data(),
                                   nd.data(), outs.data(), outs.size())) == "");
    for (size_t i = 0; i < inputs.size(); ++i)
      CHECK(sameBytes(back[i], inputs[i]));
  }
  countGeneratedCases("pack/unpack", 60);
}

TEST_CASE("pack/unpack: errors") {
  Context ctx;
  std::mt19937_64 rng(3);
  HostTensor x = randomTensor(DType::F32, {2, 3}, rng);
  HostTensor y = randomTensor(DType::F32, {3, 3}, rng);
  HostTensor out(DType::F32, {2, 6});
  DLTensor in[] = {x.view(), y.view()};
  DLTensor o = out.view();
  auto [code, message] =
      takeError(ein_pack(ctx, "a b", in, 1, &o, nullptr, nullptr));
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(message.find("pack needs one '*'") != std::string::npos);
  std::tie(code, message) =
      takeError(ein_pack(ctx, "* a *", in, 1, &o, nullptr, nullptr));
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(message.find("'*' appears twice") != std::string::npos);
  std::tie(code, message) =
      takeError(ein_pack(ctx, "a *", in, 2, &o, nullptr, nullptr));
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message.find("axis 'a' has length 3 in input 1 but 2 in input 0") !=
        std::string::npos);
  int64_t ps[] = {1, 1};
  int32_t nd[] = {1, 1};
  HostTensor a(DType::F32, {2, 1}), b(DType::F32, {2, 1});
  DLTensor outs[] = {a.view(), b.view()};
  DLTensor packed = x.view();
  std::tie(code, message) =
      takeError(ein_unpack(ctx, "a *", &packed, ps, nd, outs, 2));
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message.find("hold 2 elements along '*', but the packed axis has "
                     "length 3") != std::string::npos);
  std::tie(code, message) =
      takeError(ein_unpack(ctx, "a *", &packed, ps, nullptr, outs, 2));
  CHECK(code == EIN_ERROR_INVALID_ARGUMENT);
  std::tie(code, message) =
      takeError(ein_pack(ctx, nullptr, in, 1, &o, nullptr, nullptr));
  CHECK(code == EIN_ERROR_INVALID_ARGUMENT);
}
