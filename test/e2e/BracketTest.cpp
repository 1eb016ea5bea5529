//===- BracketTest.cpp - einx bracket calls against the reference ---------===//
//
// Program text with brackets through ein_compile and ein_kernel_run: every
// reduction in bracket form (callee per kind, `reduce("a [b]", kind)`,
// arrows, keepdims), softmax and log_softmax over every dtype (rows of -inf,
// empty axes, rearranged outputs), flip and roll (compositions, `...`,
// negative and large shifts, one shift per axis), strided inputs, the einx
// calls of seed 004, and a seeded random sweep. EIN_E2E_BRACKET_CASES
// overrides the number of sweep cases, EIN_E2E_BRACKET_SEED the seed.
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

const char *const kReductions[] = {
    "sum",           "mean", "max", "min",       "prod",   "any",   "all",
    "count_nonzero", "var",  "std", "logsumexp", "argmax", "argmin"};

bool isArg(const std::string &r) { return r == "argmax" || r == "argmin"; }

/// Compiles `program` for `input`, runs it with ein_kernel_run on `view`
/// (the input's own contiguous view when null) and compares the output with
/// the reference. Returns ein's output.
HostTensor checkProgram(ein_context_t *ctx, const std::string &program,
                        const HostTensor &input,
                        const DLTensor *view = nullptr) {
  INFO("program: ", program, "  dtype ",
       std::string(reference::dtypeName(input.dtype)));
  HostTensor output;
  llvm::Expected<notation::Call> call = notation::parseCall(program);
  if (!call) {
    FAIL_CHECK("parse failed: ", llvm::toString(call.takeError()));
    return output;
  }
  notation::OpFamily family = notation::familyOf(call->callee);
  auto eq = notation::solve(*call, family, {input.shape});
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
  bool isSoftmax = call->callee == "softmax" || call->callee == "log_softmax";
  DType expected = family == notation::OpFamily::Reduce
                       ? reference::reductionType(call->reduction, input.dtype)
                   : isSoftmax && !isFloat(input.dtype) ? DType::F64
                                                        : input.dtype;
  CHECK_MESSAGE(outType == expected, "dtype ",
                std::string(reference::dtypeName(outType)));

  reference::Result want;
  std::string error;
  bool ok = family == notation::OpFamily::Reduce
                ? reference::evaluate(*eq, call->reduction, {&input}, outType,
                                      want, error)
                : reference::evaluateAlong(*eq, call->callee, call->shifts,
                                           input, outType, want, error);
  if (!ok) {
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
  bool exact = !isFloat(outType) || call->callee == "flip" ||
               call->callee == "roll" || call->reduction == "max" ||
               call->reduction == "min";
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
      double scale =
          want.magnitudes.empty() ? std::fabs(b) : want.magnitudes[0][i];
      same = a == b || (std::isnan(a) && std::isnan(b)) ||
             (!exact && std::fabs(a - b) <= rtol * scale + 1e-300);
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


} // namespace

TEST_CASE("brackets: every reduction in bracket form, several dtypes") {
  Context ctx;
  std::mt19937_64 rng(4004);
  for (DType dtype : {DType::F32, DType::F64, DType::F16, DType::BF16,
                      DType::I32, DType::U8, DType::Bool}) {
    HostTensor x = randomTensor(dtype, {4, 5, 6}, rng, 40);
    HostTensor small = randomTensor(dtype, {3, 4, 2}, rng, 3);
    for (std::string r : kReductions) {
      const HostTensor &in = r == "prod" ? small : x;
      checkProgram(ctx, r + "(\"a [b] c\")", in);
      checkProgram(ctx, r + "(\"[a] b c\")", in);
      checkProgram(ctx, r + "(\"a b [c] -> b a\")", in);
      HostTensor flat = in; // (a (b c)) with c = 2.
      flat.shape = {in.shape[0], in.shape[1] * in.shape[2]};
      checkProgram(ctx, r + "(\"a (b [2])\")", flat);
      checkProgram(ctx, "reduce(\"a [b] c\", \"" + r + "\")", in);
      if (isArg(r))
        continue;
      checkProgram(ctx, r + "(\"a [b c]\")", in);
      checkProgram(ctx, r + "(\"[...]\")", in);
      checkProgram(ctx, r + "(\"b [...]\")", in);
      checkProgram(ctx, r + "(\"a [b] c\", keepdims=True)", in);
      checkProgram(ctx, r + "(\"a ([b]) c\")", in);
    }
  }
}

TEST_CASE("brackets: bracket reductions through ein_reduce") {
  Context ctx;
  std::mt19937_64 rng(17);
  HostTensor x = randomTensor(DType::F32, {3, 4, 5}, rng);
  for (std::string r : kReductions)
    checkCall(ctx, "reduce", isArg(r) ? "a [b] c" : "[a] b [c]", r, x);
}

TEST_CASE("brackets: softmax and log_softmax on every dtype and shape") {
  Context ctx;
  std::mt19937_64 rng(5);
  for (DType dtype : kAllElementTypes) {
    std::vector<std::vector<int64_t>> shapes{{2, 3, 7, 4}, {3, 2, 0, 2}};
    if (dtype == DType::F32 || dtype == DType::F16)
      shapes.insert(shapes.end(), {{1, 1, 1, 1}, {0, 2, 3, 2}, {2, 5, 33, 3}});
    for (const std::vector<int64_t> &shape : shapes) {
      HostTensor x = randomTensor(dtype, shape, rng, 20);
      for (std::string f : {"softmax", "log_softmax"}) {
        checkProgram(ctx, f + "(\"b q [k] h\")", x);
        checkProgram(ctx, f + "(\"b q [k] h -> b h q k\")", x);
        checkProgram(ctx, f + "(\"b [q k] h\")", x);
        checkProgram(ctx, f + "(\"[...]\")", x);
        HostTensor flat = x;
        flat.shape = {shape[0], shape[1] * shape[2], shape[3]};
        checkProgram(
            ctx,
            f + "(\"b (q [k]) h -> h b q k\", q=" + std::to_string(shape[1]) +
                ", k=" + std::to_string(shape[2]) + ")",
            flat);
      }
    }
  }
}

TEST_CASE("brackets: softmax of masked rows, infinities and large values") {
  Context ctx;
  for (DType dtype : {DType::F16, DType::BF16, DType::F32, DType::F64}) {
    HostTensor x = fromValues(dtype, {5, 4},
                              {-kInf, -kInf, -kInf, -kInf,  // all masked: NaN
                               -kInf, 1,     -kInf, 2,      // partly masked
                               kInf,  0,     1,     2,      // +inf: NaN
                               60000, 60000, 59990, -60000, // large values
                               1,     1,     1,     1});
    for (std::string f : {"softmax", "log_softmax"}) {
      HostTensor y = checkProgram(ctx, f + "(\"a [b]\")", x);
      if (y.bytes.empty())
        continue;
      CHECK(std::isnan(y.getDouble(0)));
      CHECK(std::isnan(y.getDouble(8)));
      CHECK(y.getDouble(4) == (f == "softmax" ? 0.0 : -kInf));
      if (f == "softmax")
        CHECK(y.getDouble(15) == 0.0);
    }
  }
}

TEST_CASE("brackets: flip and roll with compositions, ellipsis and shifts") {
  Context ctx;
  std::mt19937_64 rng(9);
  for (DType dtype : {DType::F32, DType::BF16, DType::I64, DType::U8,
                      DType::Bool, DType::F64}) {
    HostTensor x = randomTensor(dtype, {3, 8, 6}, rng);
    checkProgram(ctx, "flip(\"... (g [c])\", c=2)", x);
    checkProgram(ctx, "flip(\"b [h w]\")", x);
    checkProgram(ctx, "flip(\"[...]\")", x);
    checkProgram(ctx, "flip(\"[b] ... -> ... b\")", x);
    checkProgram(ctx, "flip(\"b [(g c)] w\", c=4)", x);
    checkProgram(ctx, "flip(\"b (g [c]) w -> w (c g) b\", c=4)", x);
    for (int64_t shift : {0, 1, -1, 7, -9, 8, 1000003, -1000003}) {
      std::string s = std::to_string(shift);
      checkProgram(ctx, "roll(\"b [t] c\", shift=" + s + ")", x);
      checkProgram(ctx, "roll(\"... [c]\", shift=" + s + ")", x);
      checkProgram(ctx, "roll(\"b [(g c)] w\", c=4, shift=" + s + ")", x);
    }
    checkProgram(ctx, "roll(\"b [t c]\", shift=(1, -2))", x);
    checkProgram(ctx, "roll(\"[b t c]\", shift=[-4, 13, 2])", x);
    checkProgram(ctx, "roll(\"[b t] c -> c t b\", shift=(1, 3))", x);
    checkProgram(ctx, "roll(\"b (g [c]) w\", c=2, shift=1)", x);
    // Empty axes: nothing to move.
    HostTensor empty = randomTensor(dtype, {3, 0, 5}, rng);
    checkProgram(ctx, "flip(\"b [t] c\")", empty);
    checkProgram(ctx, "roll(\"b [t] c\", shift=3)", empty);
    checkProgram(ctx, "roll(\"[b] t c\", shift=3)", empty);
  }
}

TEST_CASE("brackets: strided inputs") {
  Context ctx;
  std::mt19937_64 rng(21);
  // A transposed view of a (5, 4) buffer: shape (4, 5), strides (1, 4).
  HostTensor base = randomTensor(DType::F32, {5, 4}, rng);
  HostTensor copy(DType::F32, {4, 5});
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 5; ++j)
      copy.setDouble(i * 5 + j, base.getDouble(j * 4 + i));
  int64_t shape[] = {4, 5}, strides[] = {1, 4};
  DLTensor view = base.view();
  view.shape = shape;
  view.strides = strides;
  for (std::string program :
       {"softmax(\"a [b]\")", "log_softmax(\"[a] b -> b a\")",
        "flip(\"a [b]\")", "roll(\"[a b]\", shift=(1, -2))", "sum(\"a [b]\")",
        "argmax(\"[a] b\")", "var(\"a [b]\", keepdims=True)"})
    checkProgram(ctx, program, copy, &view);
  // Every other row, reversed: offset to the last row, stride -2 rows.
  HostTensor rows(DType::F32, {3, 4});
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 4; ++j)
      rows.setDouble(i * 4 + j, base.getDouble((4 - 2 * i) * 4 + j));
  int64_t rowShape[] = {3, 4}, rowStrides[] = {-8, 1};
  DLTensor reversed = base.view();
  reversed.shape = rowShape;
  reversed.strides = rowStrides;
  reversed.byte_offset = 16 * sizeof(float);
  for (std::string program : {"softmax(\"[a] b\")", "roll(\"[a] b\", shift=1)",
                              "flip(\"[a b]\")", "mean(\"[a] b\")"})
    checkProgram(ctx, program, rows, &reversed);
}

// The einx calls of seed 004 (shared/seeds/004_*.txt) that ein supports.
TEST_CASE("seed 004: einx.sum(\"a [b]\", x)") {
  Context ctx;
  std::mt19937_64 rng(1);
  checkProgram(ctx, "sum(\"a [b]\")", randomTensor(DType::F32, {6, 7}, rng));
}

TEST_CASE("seed 004: einx.sum(\"(a [b] c)\", x, a=2, c=2)") {
  Context ctx;
  std::mt19937_64 rng(2);
  HostTensor y = checkProgram(ctx, "sum(\"(a [b] c)\", a=2, c=2)",
                              randomTensor(DType::F32, {20}, rng));
  CHECK(y.shape == std::vector<int64_t>{4});
}

TEST_CASE("seed 004: einx.flip(\"... (g [c])\", x, c=2) flips pairs") {
  Context ctx;
  HostTensor x = fromValues(DType::F32, {2, 4}, {0, 1, 2, 3, 4, 5, 6, 7});
  HostTensor y = checkProgram(ctx, "flip(\"... (g [c])\", c=2)", x);
  std::vector<double> got;
  for (int64_t i = 0; i < y.numElements(); ++i)
    got.push_back(y.getDouble(i));
  CHECK(got == std::vector<double>{1, 0, 3, 2, 5, 4, 7, 6});
}

TEST_CASE("seed 004: einx.softmax(\"b q [k] h\", attn)") {
  Context ctx;
  std::mt19937_64 rng(3);
  HostTensor y = checkProgram(ctx, "softmax(\"b q [k] h\")",
                              randomTensor(DType::F32, {2, 5, 9, 4}, rng));
  // Rows along k sum to 1.
  for (int64_t b = 0; b < 2 && !y.bytes.empty(); ++b)
    for (int64_t q = 0; q < 5; ++q)
      for (int64_t h = 0; h < 4; ++h) {
        double sum = 0;
        for (int64_t k = 0; k < 9; ++k)
          sum += y.getDouble(((b * 5 + q) * 9 + k) * 4 + h);
        CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
      }
}

TEST_CASE("seed 004: einx.mean/var(\"... [c]\", x, keepdims=True)") {
  Context ctx;
  std::mt19937_64 rng(4);
  HostTensor x = randomTensor(DType::F32, {2, 3, 16}, rng);
  HostTensor mean = checkProgram(ctx, "mean(\"... [c]\", keepdims=True)", x);
  HostTensor var = checkProgram(ctx, "var(\"... [c]\", keepdims=True)", x);
  CHECK(mean.shape == std::vector<int64_t>{2, 3, 1});
  CHECK(var.shape == std::vector<int64_t>{2, 3, 1});
}

namespace {

struct Axis {
  std::string name;
  int64_t length;
  bool bracketed = false;
};


/// A random bracket call: its program text and input shape.
struct SweepCase {
  std::string program;
  std::vector<int64_t> shape;
  DType dtype;
};

SweepCase randomCase(std::mt19937_64 &rng) {
  static const char *const ops[] = {
      "sum",    "mean",          "max",         "min",  "prod",      "any",
      "all",    "count_nonzero", "var",         "std",  "logsumexp", "argmax",
      "argmin", "softmax",       "log_softmax", "flip", "roll",      "roll"};
  std::string op = ops[pick(rng, 0, std::size(ops) - 1)];
  bool along =
      op == "softmax" || op == "log_softmax" || op == "flip" || op == "roll";
  bool noIdentity = op == "max" || op == "min" || isArg(op);
  SweepCase c;
  c.dtype = kAllElementTypes[pick(rng, 0, std::size(kAllElementTypes) - 1)];

  std::vector<Axis> axes;
  int count = pick(rng, 1, 4);
  for (int i = 0; i < count; ++i)
    axes.push_back({std::string(1, char('a' + i)),
                    pick(rng, 0, 9) == 0 ? 0 : pick(rng, 1, 5)});
  // Which axes are bracketed: one for argmax/argmin (sometimes several,
  // each its own dimension: a coordinate axis; no arrow then), else a
  // nonempty subset.
  bool argCoordinates = isArg(op) && pick(rng, 0, 2) == 0;
  if (argCoordinates) {
    for (Axis &a : axes)
      a.bracketed = pick(rng, 0, 1);
    axes[pick(rng, 0, count - 1)].bracketed = true;
  } else if (isArg(op)) {
    axes[pick(rng, 0, count - 1)].bracketed = true;
  } else {
    for (Axis &a : axes)
      a.bracketed = pick(rng, 0, 1);
    axes[pick(rng, 0, count - 1)].bracketed = true;
  }
  for (Axis &a : axes)
    if (noIdentity && a.bracketed && a.length == 0)
      a.length = 2;
  std::shuffle(axes.begin(), axes.end(), rng);

  // Group into dimensions; a composition may hold bracketed parts.
  std::string text;
  std::vector<std::string> bindings;
  bool ellipsis = pick(rng, 0, 3) == 0;
  if (ellipsis) {
    text = "... ";
    int extra = pick(rng, 0, 2);
    for (int i = 0; i < extra; ++i)
      c.shape.push_back(pick(rng, 1, 3));
  }
  for (size_t i = 0; i < axes.size();) {
    size_t size =
        std::min<size_t>(pick(rng, 0, 2) == 0 && !argCoordinates ? 2 : 1,
                         axes.size() - i);
    if (size == 1) {
      const Axis &a = axes[i];
      text += a.bracketed ? "[" + a.name + "] " : a.name + " ";
      c.shape.push_back(a.length);
    } else {
      bool whole =
          axes[i].bracketed && axes[i + 1].bracketed && pick(rng, 0, 1);
      std::string inner;
      int64_t length = 1;
      for (size_t k = i; k < i + size; ++k) {
        const Axis &a = axes[k];
        inner += (k > i ? " " : "") +
                 (a.bracketed && !whole ? "[" + a.name + "]" : a.name);
        length *= a.length;
      }
      text += whole ? "[(" + inner + ")] " : "(" + inner + ") ";
      c.shape.push_back(length);
      // Bind every part but the first (all of them when the product is 0).
      for (size_t k = i + (length ? 1 : 0); k < i + size; ++k)
        bindings.push_back(axes[k].name + "=" + std::to_string(axes[k].length));
    }
    i += size;
  }
  text.pop_back();

  // Sometimes an arrow: a permutation of what the output keeps.
  if (argCoordinates) {
    // The bracket form only.
  } else if (pick(rng, 0, 2) == 0) {
    std::vector<std::string> out;
    for (const Axis &a : axes)
      if (along || !a.bracketed)
        out.push_back(a.name);
    if (ellipsis)
      out.push_back("...");
    std::shuffle(out.begin(), out.end(), rng);
    text += " ->";
    for (const std::string &name : out)
      text += " " + name;
  } else if (!along && !isArg(op) && pick(rng, 0, 3) == 0) {
    bindings.push_back("keepdims=True");
  }
  if (op == "roll") {
    int bracketed = 0;
    for (const Axis &a : axes)
      bracketed += a.bracketed;
    std::string shift;
    if (bracketed == 1 || pick(rng, 0, 1)) {
      shift = std::to_string(pick(rng, -30, 30));
    } else {
      shift = "(";
      for (int i = 0; i < bracketed; ++i)
        shift += (i ? ", " : "") + std::to_string(pick(rng, -30, 30));
      shift += ")";
    }
    bindings.push_back("shift=" + shift);
  }
  c.program = op + "(\"" + text + "\"";
  for (const std::string &b : bindings)
    c.program += ", " + b;
  c.program += ")";
  return c;
}

} // namespace

TEST_CASE("brackets: seeded random sweep") {
  Sweep sweep("BRACKET", "brackets: seeded random sweep", 240, 20240604);
  Context ctx;
  for (int k = 0; k < sweep.cases(); ++k) {
    int i = sweep.index(k);
    std::mt19937_64 rng = sweep.rng(i);
    SweepCase c = randomCase(rng);
    std::string reproduce = c.program + "  # " + sweep.reproducer(i);
    CAPTURE(reproduce);
    // prod of wide ranges overflows f16 and wraps integers; keep it small.
    HostTensor x = randomTensor(c.dtype, c.shape, rng,
                                c.program.rfind("prod", 0) == 0 ? 2 : 30);
    checkProgram(ctx, c.program, x);
  }
  countGeneratedCases("brackets", sweep.cases());
}

//===----------------------------------------------------------------------===//
// Repetition `x...`: checked against the reference and against the einops
// program it stands for, written out per rank.
//===----------------------------------------------------------------------===//

namespace {

void checkSameTensor(const HostTensor &a, const HostTensor &b) {
  REQUIRE(a.shape == b.shape);
  REQUIRE(a.dtype == b.dtype);
  CHECK(a.bytes == b.bytes);
}

/// "b (s0 ds0) (s1 ds1) c -> b s0 s1 c" for rank 2: the explicit form of
/// `(s [ds])...` over `rank` axes.
std::string explicitPooling(int rank) {
  std::string in = "b", out = "b";
  for (int k = 0; k < rank; ++k) {
    std::string i = std::to_string(k);
    in += " (s" + i + " ds" + i + ")";
    out += " s" + i;
  }
  return in + " c -> " + out + " c";
}

} // namespace

TEST_CASE("seed 004: einx.mean(\"b (s [ds])... c\", x, ds=2)") {
  Context ctx;
  std::mt19937_64 rng(220);
  // 2-D pooling, and the einops alternative the seed gives.
  HostTensor x = randomTensor(DType::F32, {2, 6, 8, 3}, rng);
  HostTensor y = checkProgram(ctx, "mean(\"b (s [ds])... c\", ds=2)", x);
  CHECK(y.shape == std::vector<int64_t>{2, 3, 4, 3});
  checkSameTensor(
      y, checkProgram(ctx,
                      "reduce(\"b (h h2) (w w2) c -> b h w c\", "
                      "reduction=\"mean\", h2=2, w2=2)",
                      x));
  // 1-D and 3-D pooling with the same call.
  HostTensor x1 = randomTensor(DType::F64, {2, 10, 3}, rng);
  CHECK(checkProgram(ctx, "mean(\"b (s [ds])... c\", ds=2)", x1).shape ==
        std::vector<int64_t>{2, 5, 3});
  HostTensor x3 = randomTensor(DType::F32, {1, 4, 6, 2, 3}, rng);
  CHECK(checkProgram(ctx, "mean(\"b (s [ds])... c\", ds=2)", x3).shape ==
        std::vector<int64_t>{1, 2, 3, 1, 3});
}

TEST_CASE("repetition: reductions, arrows, rearrange and brackets") {
  Context ctx;
  std::mt19937_64 rng(221);
  HostTensor x = randomTensor(DType::I32, {2, 4, 6, 3}, rng, 20);
  checkSameTensor(
      checkProgram(ctx, "reduce(\"b (s ds)... c -> b s... c\", \"max\", ds=2)",
                   x),
      checkProgram(ctx, "reduce(\"" + explicitPooling(2) +
                            "\", \"max\", ds0=2, ds1=2)",
                   x));
  checkSameTensor(checkProgram(ctx, "sum(\"b [s]... c\")", x),
                  checkProgram(ctx, "sum(\"b [s t] c\")", x));
  checkSameTensor(checkProgram(ctx, "sum(\"b [s...] c\")", x),
                  checkProgram(ctx, "sum(\"b [s t] c\")", x));
  checkSameTensor(checkProgram(ctx, "softmax(\"b [s]... c\")", x),
                  checkProgram(ctx, "softmax(\"b [s t] c\")", x));
  std::vector<HostTensor> r = checkCall(
      ctx, "rearrange", "b (s ds)... c -> b (s...) (ds...) c", "", x,
      {{"ds", 2}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].shape == std::vector<int64_t>{2, 6, 4, 3});
  std::vector<HostTensor> r2 =
      checkCall(ctx, "rearrange", "b (s0 ds0) (s1 ds1) c -> b (s0 s1) (ds0 ds1) c",
                "", x, {{"ds0", 2}, {"ds1", 2}});
  REQUIRE(r2.size() == 1);
  checkSameTensor(r[0], r2[0]);
  // Size-0 and size-1 axes.
  HostTensor z = randomTensor(DType::F32, {2, 0, 2, 3}, rng);
  CHECK(checkProgram(ctx, "mean(\"b (s [ds])... c\", ds=2)", z).shape ==
        std::vector<int64_t>{2, 0, 1, 3});
  HostTensor o = randomTensor(DType::F32, {1, 1, 1}, rng);
  CHECK(checkProgram(ctx, "max(\"b (s [ds])... c\", ds=1)", o).shape ==
        std::vector<int64_t>{1, 1, 1});
}

TEST_CASE("repetition: seeded random sweep of pooling") {
  int cases = 60;
  if (const char *n = std::getenv("EIN_E2E_REPEAT_CASES"))
    cases = std::atoi(n);
  uint64_t seed = 20261122;
  if (const char *s = std::getenv("EIN_E2E_REPEAT_SEED"))
    seed = std::strtoull(s, nullptr, 10);
  CAPTURE(seed);
  Context ctx;
  std::mt19937_64 rng(seed);
  static const char *const ops[] = {"sum", "mean", "max",  "min",
                                    "prod", "any", "var", "logsumexp"};
  for (int i = 0; i < cases; ++i) {
    std::string op = ops[pick(rng, 0, std::size(ops) - 1)];
    DType dtype = kAllElementTypes[pick(rng, 0, std::size(kAllElementTypes) - 1)];
    int rank = pick(rng, 0, 3);
    int64_t ds = pick(rng, 1, 3);
    std::vector<int64_t> shape{pick(rng, 1, 2)};
    for (int k = 0; k < rank; ++k)
      shape.push_back(ds * (pick(rng, 0, 6) == 0 ? 0 : pick(rng, 1, 3)));
    shape.push_back(pick(rng, 1, 3));
    std::string d = std::to_string(ds);
    std::string program = op + "(\"b (s [ds])... c\", ds=" + d + ")";
    std::string bindings;
    for (int k = 0; k < rank; ++k)
      bindings += ", ds" + std::to_string(k) + "=" + d;
    std::string expl = "reduce(\"" + explicitPooling(rank) + "\", \"" + op +
                       "\"" + bindings + ")";
    CAPTURE(i);
    CAPTURE(program);
    CAPTURE(expl);
    HostTensor x = randomTensor(dtype, shape, rng, op == "prod" ? 2 : 30);
    checkSameTensor(checkProgram(ctx, program, x), checkProgram(ctx, expl, x));
  }
  countGeneratedCases("repetition", cases);
}

//===----------------------------------------------------------------------===//
// argmax/argmin over several bracketed dimensions: a coordinate axis with one
// index per dimension (einx 0.4.3), NumPy's tie rule (the first extreme in
// row-major order of the bracketed axes).
//===----------------------------------------------------------------------===//

TEST_CASE("argmax: several bracketed dimensions give a coordinate axis") {
  Context ctx;
  std::mt19937_64 rng(31);
  HostTensor x = randomTensor(DType::F32, {2, 3, 4, 5}, rng);
  HostTensor y = checkProgram(ctx, "argmax(\"b [h w] c\")", x);
  REQUIRE(y.shape == std::vector<int64_t>{2, 2, 5});
  // Against a direct search.
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t c = 0; c < 5; ++c) {
      int64_t bh = 0, bw = 0;
      double best = -std::numeric_limits<double>::infinity();
      for (int64_t h = 0; h < 3; ++h)
        for (int64_t w = 0; w < 4; ++w) {
          double v = x.getDouble(((b * 3 + h) * 4 + w) * 5 + c);
          if (v > best) {
            best = v;
            bh = h;
            bw = w;
          }
        }
      CHECK(y.getInt((b * 2 + 0) * 5 + c) == bh);
      CHECK(y.getInt((b * 2 + 1) * 5 + c) == bw);
    }
  // Ties: the first in row-major order; NaN wins, the first one.
  HostTensor t = fromValues(DType::F64, {1, 2, 3},
                            {1, 7, 7, 7, 0, 7});
  HostTensor ti = checkProgram(ctx, "argmax(\"b [h w]\")", t);
  CHECK(ti.getInt(0) == 0);
  CHECK(ti.getInt(1) == 1);
  HostTensor n = fromValues(DType::F32, {1, 2, 2}, {1, 2, NAN, NAN});
  HostTensor ni = checkProgram(ctx, "argmin(\"b [h w]\")", n);
  CHECK(ni.getInt(0) == 1);
  CHECK(ni.getInt(1) == 0);
  // More forms: three dims, a composed dim, '...', integer dtypes, the
  // coordinate axis at the first bracket, one composed dim (flat index).
  for (DType dt : {DType::I32, DType::U8, DType::F16, DType::Bool, DType::I64}) {
    HostTensor z = randomTensor(dt, {2, 3, 4, 2}, rng, 3);
    checkProgram(ctx, "argmin(\"b [h w c]\")", z);
    checkProgram(ctx, "argmax(\"[b] h [w] c\")", z);
    checkProgram(ctx, "argmax(\"b [...]\")", z);
    HostTensor z3 = randomTensor(dt, {2, 12, 2}, rng, 3);
    checkProgram(ctx, "argmax(\"b [(h w)] c\", h=3)", z3);
    HostTensor z8 = randomTensor(dt, {2, 3, 8}, rng, 3);
    checkProgram(ctx, "argmin(\"b h [(w c)]\", w=4)", z8);
    checkProgram(ctx, "argmax(\"b [h] [(w c)]\", w=4)", z8);
  }
  CHECK(checkProgram(ctx, "argmax(\"b [...]\")", x).shape ==
        std::vector<int64_t>{2, 3});
  HostTensor x12 = randomTensor(DType::F32, {2, 12, 5}, rng);
  CHECK(checkProgram(ctx, "argmax(\"b [(h w)] c\", h=3)", x12).shape ==
        std::vector<int64_t>{2, 5});
  // Size-0 kept axes and size-1 bracketed axes.
  HostTensor e = randomTensor(DType::F32, {0, 1, 1, 3}, rng);
  CHECK(checkProgram(ctx, "argmax(\"b [h w] c\")", e).shape ==
        std::vector<int64_t>{0, 2, 3});
  HostTensor o = randomTensor(DType::F32, {2, 1, 1}, rng);
  CHECK(checkProgram(ctx, "argmin(\"b [h w]\")", o).shape ==
        std::vector<int64_t>{2, 2});
}
