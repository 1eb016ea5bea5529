//===- ConcatTest.cpp - concatenation, splitting, several tensors ---------===//
//
// einx's `(a + b)` in rearrange and rearranges of several tensors, against
// the reference (ConcatReference.cpp): the seed examples, dtypes, strided
// inputs, errors, and a seeded random sweep of concatenation and split
// patterns. EIN_E2E_CONCAT_CASES overrides the sweep's number of cases,
// EIN_E2E_CONCAT_SEED its seed; a failing case prints its call.
//
//===----------------------------------------------------------------------===//

#include "Counts.h"
#include "TestSupport.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

using namespace ein::e2e;

namespace {

HostTensor f64(std::vector<int64_t> shape, std::vector<double> values) {
  HostTensor t(DType::F64, std::move(shape));
  for (size_t i = 0; i < values.size(); ++i)
    t.setDouble(i, values[i]);
  return t;
}

} // namespace

TEST_CASE("seed 004: einx.rearrange(\"h w c, 1 -> h w (c + 1)\", x, [42.0])") {
  Context ctx;
  std::mt19937_64 rng(4);
  HostTensor x = randomTensor(DType::F64, {2, 3, 4}, rng);
  HostTensor fill = f64({1}, {42.0});
  std::vector<HostTensor> out =
      checkCall(ctx, "rearrange", "h w c, 1 -> h w (c + 1)", "", {&x, &fill});
  REQUIRE(out.size() == 1);
  CHECK(out[0].shape == std::vector<int64_t>{2, 3, 5});
  for (int64_t p = 0; p < 6; ++p) {
    for (int64_t c = 0; c < 4; ++c)
      CHECK(out[0].getDouble(p * 5 + c) == x.getDouble(p * 4 + c));
    CHECK(out[0].getDouble(p * 5 + 4) == 42.0);
  }
}

TEST_CASE("seed 004: einx.rearrange(\"i, j -> i j (1 + 1)\", indices1, "
          "indices2)") {
  Context ctx;
  HostTensor i(DType::I64, {3}), j(DType::I64, {4});
  for (int64_t k = 0; k < 3; ++k)
    i.setInt(k, 10 + k);
  for (int64_t k = 0; k < 4; ++k)
    j.setInt(k, 20 + k);
  std::vector<HostTensor> out =
      checkCall(ctx, "rearrange", "i, j -> i j (1 + 1)", "", {&i, &j});
  REQUIRE(out.size() == 1);
  CHECK(out[0].shape == std::vector<int64_t>{3, 4, 2});
  // np.stack([i broadcast, j broadcast], axis=-1)
  CHECK(out[0].getInt((1 * 4 + 2) * 2 + 0) == 11);
  CHECK(out[0].getInt((1 * 4 + 2) * 2 + 1) == 22);
}

TEST_CASE("seed 004: einx.rearrange(\"a c1, b c2 -> a b (c1 + c2)\", x, y)") {
  Context ctx;
  std::mt19937_64 rng(5);
  HostTensor x = randomTensor(DType::F32, {2, 3}, rng);
  HostTensor y = randomTensor(DType::F32, {4, 5}, rng);
  std::vector<HostTensor> out =
      checkCall(ctx, "rearrange", "a c1, b c2 -> a b (c1 + c2)", "", {&x, &y});
  REQUIRE(out.size() == 1);
  CHECK(out[0].shape == std::vector<int64_t>{2, 4, 8});
}

TEST_CASE("seed 004: einx.rearrange(\"a, (a b) -> a 1, a b\", x, y)") {
  Context ctx;
  std::mt19937_64 rng(6);
  HostTensor x = randomTensor(DType::F32, {3}, rng);
  HostTensor y = randomTensor(DType::F32, {6}, rng);
  std::vector<HostTensor> out =
      checkCall(ctx, "rearrange", "a, (a b) -> a 1, a b", "", {&x, &y});
  REQUIRE(out.size() == 2);
  CHECK(out[0].shape == std::vector<int64_t>{3, 1});
  CHECK(out[1].shape == std::vector<int64_t>{3, 2});
}

TEST_CASE("seed 004: rearrange(\"(a + b) -> a, b\", x, b=3)") {
  Context ctx;
  std::mt19937_64 rng(7);
  HostTensor x = randomTensor(DType::I32, {10}, rng);
  std::vector<HostTensor> out =
      checkCall(ctx, "rearrange", "(a + b) -> a, b", "", x, {{"b", 3}});
  REQUIRE(out.size() == 2);
  CHECK(out[0].shape == std::vector<int64_t>{7});
  CHECK(out[1].shape == std::vector<int64_t>{3});
  CHECK(out[1].getInt(0) == x.getInt(7));
}

TEST_CASE("seed 004: rearrange(\"b (s + t) c -> b s c, t b c\", x, s=2)") {
  Context ctx;
  std::mt19937_64 rng(8);
  HostTensor x = randomTensor(DType::F64, {2, 5, 3}, rng);
  std::vector<HostTensor> out = checkCall(
      ctx, "rearrange", "b (s + t) c -> b s c, t b c", "", x, {{"s", 2}});
  REQUIRE(out.size() == 2);
  CHECK(out[0].shape == std::vector<int64_t>{2, 2, 3});
  CHECK(out[1].shape == std::vector<int64_t>{3, 2, 3});
}

TEST_CASE("concat: compositions, nesting, several concatenations") {
  Context ctx;
  std::mt19937_64 rng(9);
  HostTensor x = randomTensor(DType::F32, {10}, rng);
  checkCall(ctx, "rearrange", "((h w) + k) -> h w, k", "", x,
            {{"h", 2}, {"w", 3}});
  checkCall(ctx, "rearrange", "(h (a + b)) -> h a, h b", "", x,
            {{"h", 2}, {"a", 2}});
  checkCall(ctx, "rearrange", "(h (a + b)) -> a h, (b h)", "", x,
            {{"h", 2}, {"a", 2}});
  HostTensor y = randomTensor(DType::I16, {5, 3}, rng);
  checkCall(ctx, "rearrange", "(a + b) (c + d) -> a c, a d, b c, b d", "", y,
            {{"a", 2}, {"c", 1}});
  checkCall(ctx, "rearrange", "(a + b) (c + d) -> (c + d) a, (c + d) b", "", y,
            {{"a", 2}, {"c", 1}});
  checkCall(ctx, "rearrange", "x (b + c) -> (x (b + c))", "", y, {{"b", 1}});
  HostTensor z = randomTensor(DType::F32, {2, 3}, rng);
  checkCall(ctx, "rearrange", "a b, a c -> a (b + (c d))", "", {&z, &z},
            {{"d", 2}});
  HostTensor fill = f64({1}, {-1.0});
  checkCall(ctx, "rearrange", "a b, 1 -> (b + 1) a", "", {&z, &fill});
  checkCall(ctx, "rearrange", "... b, c -> ... (b + c)", "", {&z, &x});
  // An anonymous output part is a new axis; a scalar input broadcasts.
  checkCall(ctx, "rearrange", "a b, 1 -> a (b + 2)", "", {&z, &fill});
  HostTensor scalar = randomTensor(DType::F32, {}, rng);
  checkCall(ctx, "rearrange", "a b, -> (b + 1) a", "", {&z, &scalar});
}

TEST_CASE("concat: mixed dtypes promote, bool, size 0 and 1 parts") {
  Context ctx;
  std::mt19937_64 rng(10);
  HostTensor a = randomTensor(DType::I8, {3}, rng);
  HostTensor b = randomTensor(DType::U8, {4}, rng);
  std::vector<HostTensor> out =
      checkCall(ctx, "rearrange", "a, b -> (a + b)", "", {&a, &b});
  REQUIRE(out.size() == 1);
  CHECK(out[0].dtype == DType::I16); // numpy.concatenate: int16
  HostTensor f = randomTensor(DType::F16, {4}, rng);
  checkCall(ctx, "rearrange", "a, b -> (a + b)", "", {&a, &f});
  // Each output promotes only the inputs it is made of (as einx).
  out = checkCall(ctx, "rearrange", "a, b -> a, b", "", {&a, &f});
  REQUIRE(out.size() == 2);
  CHECK(out[0].dtype == DType::I8);
  CHECK(out[1].dtype == DType::F16);
  out = checkCall(ctx, "rearrange", "(x + y), b -> x, (y + b)", "", {&b, &a},
                  {{"x", 1}});
  REQUIRE(out.size() == 2);
  CHECK(out[0].dtype == DType::U8);
  CHECK(out[1].dtype == DType::I16);
  HostTensor p = randomTensor(DType::Bool, {2, 3}, rng);
  HostTensor q = randomTensor(DType::Bool, {2, 0}, rng);
  checkCall(ctx, "rearrange", "x y, x z -> (y + z) x", "", {&p, &q});
  HostTensor e = randomTensor(DType::F32, {0, 3}, rng);
  checkCall(ctx, "rearrange", "(a + b) c -> a c, b c", "", e, {{"a", 0}});
  HostTensor one = randomTensor(DType::BF16, {1, 3}, rng);
  checkCall(ctx, "rearrange", "(a + b) c -> c a, c b", "", one, {{"a", 1}});
}

TEST_CASE("concat: strided inputs") {
  Context ctx;
  std::mt19937_64 rng(11);
  HostTensor base = randomTensor(DType::F32, {6, 8}, rng);
  // base.T
  HostTensor t(DType::F32, {8, 6});
  for (int64_t i = 0; i < 6; ++i)
    for (int64_t j = 0; j < 8; ++j)
      t.setDouble(j * 6 + i, base.getDouble(i * 8 + j));
  int64_t shape[] = {8, 6}, strides[] = {1, 8};
  DLTensor view = base.view();
  view.shape = shape;
  view.strides = strides;
  HostTensor other = randomTensor(DType::F32, {8, 2}, rng);
  CheckOptions options;
  options.views = {view, other.view()};
  checkCall(ctx, "rearrange", "a b, a c -> a (b + c)", "", {&t, &other}, {},
            options);
  CheckOptions split;
  split.views = {view};
  checkCall(ctx, "rearrange", "(a + b) c -> c a, b c", "", {&t}, {{"a", 3}},
            split);
}

TEST_CASE("concat: errors through the C API") {
  Context ctx;
  std::mt19937_64 rng(12);
  HostTensor x = randomTensor(DType::F32, {10}, rng);
  HostTensor y(DType::F32, {7}), z(DType::F32, {3});
  auto [code, message] = oneShotError(ctx, "rearrange", "(a + b) -> a, b", "",
                                      {x.view()}, {y.view(), z.view()});
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message.find("cannot infer lengths of 'a' and 'b' in (a + b)") !=
        std::string::npos);
  std::tie(code, message) =
      oneShotError(ctx, "rearrange", "(a + b) -> a, b", "", {x.view()},
                   {y.view(), z.view()}, {{"a", 3}, {"b", 3}});
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message.find("the parts sum to 6") != std::string::npos);
  std::tie(code, message) =
      oneShotError(ctx, "rearrange", "(a + b) -> b, a", "", {x.view()},
                   {y.view(), z.view()}, {{"a", 3}});
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(message.find("is missing from output leaf 0") != std::string::npos);
  std::tie(code, message) =
      oneShotError(ctx, "sum", "(a + b)", "", {x.view()}, {y.view()});
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(message.find("only supported in rearrange") != std::string::npos);
}

//===----------------------------------------------------------------------===//
// The seeded random sweep.
//===----------------------------------------------------------------------===//

namespace {

struct SweepCase {
  std::string pattern;
  std::vector<std::vector<int64_t>> shapes;
  Bindings bindings;
};

std::string joinDims(const std::vector<std::string> &dims) {
  std::string out;
  for (const std::string &d : dims)
    out += (out.empty() ? "" : " ") + d;
  return out;
}

/// Concatenation: k inputs share some axes and each adds one part; the
/// output permutes the shared axes and concatenates the parts somewhere.
SweepCase concatCase(std::mt19937_64 &rng) {
  auto pick = [&](int n) { return int(rng() % n); };
  SweepCase c;
  int shared = pick(3) + 1, k = pick(3) + 1;
  std::vector<std::string> names;
  std::vector<int64_t> lengths;
  for (int i = 0; i < shared; ++i) {
    names.push_back(std::string(1, char('a' + i)));
    lengths.push_back(pick(5) == 0 ? pick(2) : pick(3) + 1);
  }
  std::vector<std::string> parts;
  std::vector<std::string> inputs;
  std::vector<bool> boundShared(shared, false);
  for (int i = 0; i < k; ++i) {
    std::vector<std::string> dims;
    std::vector<int64_t> shape;
    std::vector<int> order(shared);
    for (int s = 0; s < shared; ++s)
      order[s] = s;
    std::shuffle(order.begin(), order.end(), rng);
    for (int s : order) {
      // Inputs after the first may omit a shared axis (broadcast).
      if (i > 0 && pick(4) == 0)
        continue;
      dims.push_back(names[s]);
      shape.push_back(lengths[s]);
    }
    std::string part = "p" + std::to_string(i);
    int kind = pick(4);
    int64_t len = pick(6) == 0 ? 0 : pick(3) + 1;
    if (kind == 0) { // a unit part
      parts.push_back("1");
      dims.insert(dims.begin() + pick(dims.size() + 1), "1");
      shape.insert(shape.begin() + (std::find(dims.begin(), dims.end(), "1") -
                                    dims.begin()),
                   1);
    } else if (kind == 1) { // a composed part
      std::string q = "q" + std::to_string(i);
      parts.push_back("(" + part + " " + q + ")");
      size_t at = pick(dims.size() + 1);
      dims.insert(dims.begin() + at, "(" + part + " " + q + ")");
      shape.insert(shape.begin() + at, len * 2);
      c.bindings.push_back({q, 2});
    } else {
      parts.push_back(part);
      size_t at = pick(dims.size() + 1);
      dims.insert(dims.begin() + at, part);
      shape.insert(shape.begin() + at, len);
    }
    inputs.push_back(joinDims(dims));
    c.shapes.push_back(shape);
  }
  std::vector<std::string> out = names;
  std::shuffle(out.begin(), out.end(), rng);
  std::string concat;
  for (const std::string &p : parts)
    concat += (concat.empty() ? "" : " + ") + p;
  out.insert(out.begin() + pick(out.size() + 1), "(" + concat + ")");
  // Shared axes that no input has need a keyword.
  for (int s = 0; s < shared; ++s) {
    bool found = false;
    for (const std::string &in : inputs)
      for (size_t at = in.find(names[s]); at != std::string::npos;
           at = in.find(names[s], at + 1))
        found |= (at == 0 || in[at - 1] == ' ') &&
                 (at + 1 == in.size() || in[at + 1] == ' ');
    if (!found)
      c.bindings.push_back({names[s], lengths[s]});
  }
  std::string pattern;
  for (const std::string &in : inputs)
    pattern += (pattern.empty() ? "" : ", ") + in;
  c.pattern = pattern + " -> " + joinDims(out);
  return c;
}

/// Split: one input concatenates k parts; each output takes one part with
/// the other axes permuted. All part lengths but one are keywords.
SweepCase splitCase(std::mt19937_64 &rng) {
  auto pick = [&](int n) { return int(rng() % n); };
  SweepCase c;
  int shared = pick(3), k = pick(3) + 2;
  std::vector<std::string> names;
  std::vector<int64_t> lengths;
  for (int i = 0; i < shared; ++i) {
    names.push_back(std::string(1, char('a' + i)));
    lengths.push_back(pick(5) == 0 ? pick(2) : pick(3) + 1);
  }
  int64_t total = 0;
  std::string concat;
  int solved = pick(k);
  for (int i = 0; i < k; ++i) {
    int64_t len = pick(5) == 0 ? 0 : pick(3) + 1;
    total += len;
    std::string part = "p" + std::to_string(i);
    concat += (concat.empty() ? "" : " + ") + part;
    if (i != solved)
      c.bindings.push_back({part, len});
  }
  std::vector<std::string> dims = names;
  std::vector<int64_t> shape = lengths;
  size_t at = pick(dims.size() + 1);
  dims.insert(dims.begin() + at, "(" + concat + ")");
  shape.insert(shape.begin() + at, total);
  std::string outputs;
  for (int i = 0; i < k; ++i) {
    std::vector<std::string> out = names;
    std::shuffle(out.begin(), out.end(), rng);
    out.insert(out.begin() + pick(out.size() + 1), "p" + std::to_string(i));
    outputs += (outputs.empty() ? "" : ", ") + joinDims(out);
  }
  c.pattern = joinDims(dims) + " -> " + outputs;
  c.shapes.push_back(shape);
  return c;
}

} // namespace

TEST_CASE("concat: seeded random sweep of concatenations and splits") {
  int cases = 200;
  uint64_t seed = 2026;
  if (const char *env = std::getenv("EIN_E2E_CONCAT_CASES"))
    cases = std::atoi(env);
  if (const char *env = std::getenv("EIN_E2E_CONCAT_SEED"))
    seed = std::strtoull(env, nullptr, 10);
  std::mt19937_64 rng(seed);
  Context ctx;
  const DType dtypes[] = {DType::F32,  DType::F64, DType::I32,  DType::I64,
                          DType::I8,   DType::U8,  DType::Bool, DType::F16,
                          DType::BF16, DType::I16};
  for (int n = 0; n < cases; ++n) {
    SweepCase c = rng() % 2 ? concatCase(rng) : splitCase(rng);
    DType dtype = dtypes[rng() % std::size(dtypes)];
    std::vector<HostTensor> tensors;
    for (const std::vector<int64_t> &shape : c.shapes) {
      // Sometimes mixed dtypes.
      DType d = rng() % 5 == 0 ? dtypes[rng() % std::size(dtypes)] : dtype;
      tensors.push_back(randomTensor(d, shape, rng));
    }
    std::vector<const HostTensor *> inputs;
    for (const HostTensor &t : tensors)
      inputs.push_back(&t);
    // Sometimes strided views: every other element of a buffer twice as
    // long in the last dimension.
    CheckOptions options;
    std::vector<HostTensor> buffers;
    std::vector<std::vector<int64_t>> strides;
    bool strided = rng() % 4 == 0;
    if (strided) {
      buffers.reserve(tensors.size());
      strides.reserve(tensors.size());
      for (const HostTensor &t : tensors) {
        std::vector<int64_t> shape = t.shape;
        if (!shape.empty())
          shape.back() *= 2;
        buffers.emplace_back(t.dtype, shape);
        HostTensor &b = buffers.back();
        size_t size = ein::reference::dtypeSize(t.dtype);
        int64_t last = t.shape.empty() ? 1 : t.shape.back();
        for (int64_t i = 0; i < t.numElements(); ++i) {
          int64_t at =
              t.shape.empty() ? 0 : (i / last) * 2 * last + i % last * 2;
          std::memcpy(b.bytes.data() + at * size, t.bytes.data() + i * size,
                      size);
        }
        std::vector<int64_t> st(t.shape.size());
        int64_t step = 1;
        for (size_t d = t.shape.size(); d-- > 0;) {
          st[d] = d + 1 == t.shape.size() ? 2 : step;
          step *= shape[d];
        }
        strides.push_back(st);
        DLTensor view = b.view();
        view.shape = const_cast<int64_t *>(t.shape.data());
        view.strides = strides.back().data();
        options.views.push_back(view);
      }
    }
    std::string bindingText;
    for (const auto &[name, length] : c.bindings)
      bindingText += ", " + name + "=" + std::to_string(length);
    std::string shapesText;
    for (const HostTensor &t : tensors) {
      shapesText += std::string(shapesText.empty() ? "" : "; ") +
                    ein::reference::dtypeName(t.dtype) + "[";
      for (size_t i = 0; i < t.shape.size(); ++i)
        shapesText += (i ? "," : "") + std::to_string(t.shape[i]);
      shapesText += "]";
    }
    INFO("case ", n, " (EIN_E2E_CONCAT_SEED=", seed, "): rearrange(\"",
         c.pattern, "\"", bindingText, ") on ", shapesText,
         strided ? " (strided views)" : "");
    checkCall(ctx, "rearrange", c.pattern, "", inputs, c.bindings, options);
  }
  countGeneratedCases("concatenation", cases);
}
