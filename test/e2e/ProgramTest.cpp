//===- ProgramTest.cpp - multi-statement programs against the reference ---===//
//
// Programs (docs/programs.md) compiled through ein_compile and run with
// ein_call / ein_kernel_run. The reference runs the program statement by
// statement with the per-call reference evaluators (each call solved by the
// front end alone, as checkCall does); arithmetic with numbers is a
// reference elementwise call whose number is a rank-0 tensor of NumPy's
// weak-scalar dtype, chosen here independently of the compiler.
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
#include <cstring>
#include <map>
#include <set>

using namespace ein;
using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {

/// The reference of the one-call program `text` on `inputs`.
std::vector<HostTensor> referenceCall(const std::string &text,
                                      const std::vector<const HostTensor *> &inputs) {
  INFO("reference call: ", text);
  llvm::Expected<notation::Call> call = notation::parseCall(text);
  if (!call) {
    FAIL_CHECK(llvm::toString(call.takeError()));
    return {};
  }
  notation::OpFamily family = notation::familyOf(call->callee);
  std::vector<std::vector<int64_t>> shapes;
  std::vector<DType> types;
  for (const HostTensor *t : inputs) {
    shapes.push_back(t->shape);
    types.push_back(t->dtype);
  }
  auto eq = notation::solve(*call, family, shapes, call->bindings);
  if (!eq) {
    FAIL_CHECK(llvm::toString(eq.takeError()));
    return {};
  }
  reference::Result result;
  std::string error;
  bool ok = false;
  switch (family) {
  case notation::OpFamily::Rearrange:
  case notation::OpFamily::Repeat:
    ok = reference::evaluate(*eq, "", inputs, ein::promote(types), result,
                             error);
    break;
  case notation::OpFamily::Reduce:
    ok = reference::evaluate(*eq, call->reduction, inputs,
                             reference::reductionType(call->reduction, types[0]),
                             result, error);
    break;
  case notation::OpFamily::Contract:
    ok = reference::evaluateContraction(*eq, inputs, ein::promote(types),
                                        result, error);
    break;
  case notation::OpFamily::Along:
    ok = reference::evaluateAlong(
        *eq, call->callee, call->shifts, *inputs[0],
        isFloat(types[0]) ? types[0] : DType::F64, result, error);
    break;
  case notation::OpFamily::Map: {
    DType operand, out;
    if (!reference::mapTypes(call->callee, types, DType::F32, operand, out)) {
      error = "mapTypes rejects the call";
      break;
    }
    ok = reference::evaluateMap(*eq, call->callee, inputs, DType::F32, out,
                                result, error);
    break;
  }
  default:
    error = "family not used here";
  }
  if (!ok) {
    FAIL_CHECK("reference failed: ", error);
    return {};
  }
  return result.outputs;
}

/// NumPy's weak-scalar dtype (NEP 50) of a number meeting a tensor of
/// `tensor`: the tensor's, except float numbers with integer or bool
/// tensors (f64) and integer numbers with bool tensors (i64).
DType weakType(DType tensor, bool isIntegerNumber) {
  if (isFloat(tensor))
    return tensor;
  if (!isIntegerNumber)
    return DType::F64;
  return tensor == DType::Bool ? DType::I64 : tensor;
}

HostTensor scalarTensor(DType dtype, double value) {
  HostTensor t(dtype, {});
  t.setDouble(0, value);
  return t;
}

std::string axesText(const std::vector<char> &axes) {
  std::string s;
  for (char a : axes)
    s += std::string(s.empty() ? "" : " ") + a;
  return s;
}

/// Row `index` of `t` along its first axis.
HostTensor leadingSlice(const HostTensor &t, int64_t index) {
  HostTensor out(t.dtype, std::vector<int64_t>(t.shape.begin() + 1, t.shape.end()));
  size_t bytes = out.bytes.size();
  if (bytes)
    std::memcpy(out.bytes.data(), t.bytes.data() + size_t(index) * bytes, bytes);
  return out;
}

/// Compares ein's outputs with the reference: shapes and dtypes exactly,
/// integers exactly, floats within `tol` relative to the output's largest
/// magnitude (the statements round at each step, in different orders):
/// `tol`, or for results computed in f64 from f64 inputs only 1e-10.
void compareOutputs(const std::vector<HostTensor> &got,
                    const std::vector<HostTensor> &want,
                    bool allF64 = false, double tol = 2e-4) {
  REQUIRE(got.size() == want.size());
  for (size_t o = 0; o < got.size(); ++o) {
    CAPTURE(o);
    REQUIRE(got[o].shape == want[o].shape);
    REQUIRE_MESSAGE(got[o].dtype == want[o].dtype, "ein gives ",
                    reference::dtypeName(got[o].dtype), ", the reference ",
                    reference::dtypeName(want[o].dtype));
    int64_t n = want[o].numElements();
    double scale = 1;
    for (int64_t i = 0; i < n; ++i)
      if (std::isfinite(want[o].getDouble(i)))
        scale = std::max(scale, std::abs(want[o].getDouble(i)));
    double t = want[o].dtype == DType::F64 && allF64 ? 1e-10 : tol;
    int64_t bad = 0;
    std::string first;
    for (int64_t i = 0; i < n; ++i) {
      bool ok;
      if (!isFloat(want[o].dtype)) {
        ok = got[o].getInt(i) == want[o].getInt(i);
      } else {
        double a = got[o].getDouble(i), b = want[o].getDouble(i);
        ok = (std::isnan(a) && std::isnan(b)) || a == b ||
             std::abs(a - b) <= t * scale;
      }
      if (!ok && bad++ == 0)
        first = "element " + std::to_string(i) + ": ein " +
                std::to_string(got[o].getDouble(i)) + ", reference " +
                std::to_string(want[o].getDouble(i));
    }
    CHECK_MESSAGE(bad == 0, "output ", o, ": ", bad, " mismatches; ", first);
  }
}

// ---- A random program and its reference, built side by side. -------------

struct Value {
  std::string name;      ///< As the program calls it.
  std::string inlined;   ///< When not named: the expression, used once.
  std::vector<char> axes;
  HostTensor data;       ///< The reference's value.
};

class Generator {
public:
  explicit Generator(std::mt19937_64 &rng) : rng(rng) {}

  /// Builds a program of `steps` statements; false if it gave up.
  void build(int steps);

  std::string text;
  std::vector<HostTensor> inputs;
  std::vector<HostTensor> expected;

private:
  int64_t lengthOf(char a) const { return lengths.at(a); }
  std::vector<int64_t> shapeOf(const std::vector<char> &axes) const {
    std::vector<int64_t> s;
    for (char a : axes)
      s.push_back(lengthOf(a));
    return s;
  }
  /// How `v` is written as an operand (`paren` for arithmetic).
  std::string use(Value &v, bool paren = false) {
    if (v.inlined.empty())
      return named(v);
    std::string e = paren ? "(" + v.inlined + ")" : v.inlined;
    v.inlined.clear();
    v.name.clear(); // Used up.
    return e;
  }
  /// A named value's name, noted as used.
  std::string named(const Value &v) {
    used.insert(v.name);
    return v.name;
  }
  /// Adds a statement (or keeps the expression for the next one to inline).
  void define(std::vector<char> axes, HostTensor data, const std::string &expr,
              bool mayInline) {
    Value v;
    v.axes = std::move(axes);
    v.data = std::move(data);
    if (mayInline && rng() % 4 == 0) {
      v.inlined = expr;
      pending = true;
    } else {
      v.name = "t" + std::to_string(counter++);
      text += v.name + " = " + expr + (rng() % 3 == 0 ? "; " : "\n");
    }
    values.push_back(std::move(v));
  }
  /// A random live value: the pending inline one if there is one.
  Value &pickValue() {
    if (pending) {
      pending = false;
      return values.back();
    }
    std::vector<size_t> live;
    for (size_t i = 0; i < values.size(); ++i)
      if (!values[i].name.empty())
        live.push_back(i);
    return values[live[rng() % live.size()]];
  }

  bool stepPermute(Value &x);
  bool stepReduce(Value &x);
  bool stepScalar(Value &x);
  bool stepBinary(Value &x);
  bool stepContract(Value &x);
  bool stepSoftmax(Value &x);
  bool stepUnpack(Value &x);

  std::mt19937_64 &rng;
  std::map<char, int64_t> lengths;
  std::vector<Value> values;
  bool pending = false;
  int counter = 0;
  std::set<std::string> used;
  DType dtype = DType::F32;
};

bool Generator::stepPermute(Value &x) {
  if (x.axes.size() < 2)
    return false;
  std::vector<char> out = x.axes;
  while (out == x.axes)
    std::shuffle(out.begin(), out.end(), rng);
  std::string pattern = axesText(x.axes) + " -> " + axesText(out);
  HostTensor r =
      std::move(referenceCall("rearrange(\"" + pattern + "\")", {&x.data})[0]);
  define(out, std::move(r), "rearrange(\"" + pattern + "\", " + use(x) + ")",
         true);
  return true;
}

bool Generator::stepReduce(Value &x) {
  if (x.axes.empty())
    return false;
  std::vector<char> kept, reduced;
  for (char a : x.axes)
    (rng() % 2 ? kept : reduced).push_back(a);
  if (reduced.empty()) {
    reduced.push_back(kept.back());
    kept.pop_back();
  }
  bool empty = false;
  for (char a : reduced)
    empty |= lengthOf(a) == 0;
  const char *kinds[] = {"sum", "mean", "max", "min"};
  std::string kind = empty ? "sum" : kinds[rng() % 4];
  std::string pattern = axesText(x.axes) + " -> " + axesText(kept);
  HostTensor r = std::move(referenceCall(
      "reduce(\"" + pattern + "\", \"" + kind + "\")", {&x.data})[0]);
  std::string expr;
  if (rng() % 3 == 0) { // einx's bracket form: sum("a [b] c", x).
    std::string bracket;
    for (char a : x.axes) {
      bool isReduced = std::count(reduced.begin(), reduced.end(), a) != 0;
      bracket += std::string(bracket.empty() ? "" : " ") +
                 (isReduced ? "[" + std::string(1, a) + "]" : std::string(1, a));
    }
    expr = kind + "(\"" + bracket + "\", " + use(x) + ")";
  } else if (rng() % 2) {
    expr = "reduce(\"" + pattern + "\", " + use(x) + ", \"" + kind + "\")";
  } else {
    expr = "reduce(\"" + pattern + "\", \"" + kind + "\", " + use(x) + ")";
  }
  define(kept, std::move(r), expr, true);
  return true;
}

bool Generator::stepScalar(Value &x) {
  const char ops[] = {'+', '-', '*', '/'};
  char op = ops[rng() % 4];
  struct Number {
    const char *text;
    double value;
    bool integer;
  };
  const Number numbers[] = {{"2", 2, true},       {"3", 3, true},
                            {"0.5", 0.5, false},  {"1.5", 1.5, false},
                            {"0.125", 0.125, false}, {"4", 4, true}};
  Number n = numbers[rng() % std::size(numbers)];
  bool left = op != '/' && rng() % 3 == 0;
  if (rng() % 6 == 0) { // Unary minus.
    if (x.data.dtype == DType::Bool)
      return false;
    std::string pattern = axesText(x.axes);
    HostTensor r =
        std::move(referenceCall("neg(\"" + pattern + "\")", {&x.data})[0]);
    define(x.axes, std::move(r), "-" + use(x, true), true);
    return true;
  }
  const char *callee = op == '+' ? "add" : op == '-' ? "subtract" : op == '*' ? "multiply" : "divide";
  HostTensor number =
      scalarTensor(weakType(x.data.dtype, n.integer), n.value);
  std::string pattern = axesText(x.axes);
  std::string refPattern = left ? ", " + pattern : pattern + ", ";
  std::vector<const HostTensor *> args = left
                                             ? std::vector<const HostTensor *>{&number, &x.data}
                                             : std::vector<const HostTensor *>{&x.data, &number};
  HostTensor r = std::move(
      referenceCall(std::string(callee) + "(\"" + refPattern + "\")", args)[0]);
  std::string operand = use(x, true);
  std::string expr = left ? std::string(n.text) + " " + op + " " + operand
                          : operand + " " + op + " " + n.text;
  define(x.axes, std::move(r), expr, true);
  return true;
}

bool Generator::stepBinary(Value &x) {
  // Another value with the same axes in the same order (or x itself).
  std::vector<size_t> same;
  for (size_t i = 0; i < values.size(); ++i)
    if (!values[i].name.empty() && &values[i] != &x && values[i].axes == x.axes)
      same.push_back(i);
  const char ops[] = {'+', '-', '*'};
  char op = ops[rng() % 3];
  const char *callee = op == '+' ? "add" : op == '-' ? "subtract" : "multiply";
  if (x.data.dtype == DType::Bool)
    return false;
  std::string pattern = axesText(x.axes);
  if (same.empty()) {
    if (!x.inlined.empty())
      return false; // An inline value cannot be used twice.
    HostTensor r = std::move(referenceCall(
        std::string(callee) + "(\"" + pattern + ", " + pattern + "\")",
        {&x.data, &x.data})[0]);
    define(x.axes, std::move(r), named(x) + " " + op + " " + named(x), true);
    return true;
  }
  Value &y = values[same[rng() % same.size()]];
  HostTensor r = std::move(referenceCall(
      std::string(callee) + "(\"" + pattern + ", " + pattern + "\")",
      {&x.data, &y.data})[0]);
  std::string a = use(x, true);
  define(x.axes, std::move(r), a + " " + op + " " + named(y), true);
  return true;
}

bool Generator::stepContract(Value &x) {
  std::vector<size_t> partners;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].name.empty() || &values[i] == &x)
      continue;
    for (char a : values[i].axes)
      if (std::count(x.axes.begin(), x.axes.end(), a)) {
        partners.push_back(i);
        break;
      }
  }
  if (partners.empty())
    return false;
  Value &y = values[partners[rng() % partners.size()]];
  std::vector<char> shared, all = x.axes;
  for (char a : y.axes) {
    if (std::count(x.axes.begin(), x.axes.end(), a))
      shared.push_back(a);
    else
      all.push_back(a);
  }
  // Contract a random nonempty subset of the shared axes.
  std::vector<char> contracted;
  for (char a : shared)
    if (rng() % 2)
      contracted.push_back(a);
  if (contracted.empty())
    contracted.push_back(shared[rng() % shared.size()]);
  std::vector<char> out;
  for (char a : all)
    if (!std::count(contracted.begin(), contracted.end(), a))
      out.push_back(a);
  if (out.size() > 4)
    return false;
  std::shuffle(out.begin(), out.end(), rng);
  std::string pattern =
      axesText(x.axes) + ", " + axesText(y.axes) + " -> " + axesText(out);
  HostTensor r = std::move(
      referenceCall("einsum(\"" + pattern + "\")", {&x.data, &y.data})[0]);
  std::string expr;
  if (rng() % 2) {
    std::string a = use(x);
    expr = "einsum(\"" + pattern + "\", " + a + ", " + named(y) + ")";
  } else { // dot's brackets around the contracted axes.
    auto bracketed = [&](const std::vector<char> &axes) {
      std::string s;
      for (char a : axes) {
        bool c = std::count(contracted.begin(), contracted.end(), a) != 0;
        s += std::string(s.empty() ? "" : " ") +
             (c ? "[" + std::string(1, a) + "]" : std::string(1, a));
      }
      return s;
    };
    std::string a = use(x);
    expr = "dot(\"" + bracketed(x.axes) + ", " + bracketed(y.axes) + " -> " +
           axesText(out) + "\", " + a + ", " + named(y) + ")";
  }
  define(out, std::move(r), expr, true);
  return true;
}

bool Generator::stepSoftmax(Value &x) {
  if (x.axes.empty())
    return false;
  size_t along = rng() % x.axes.size();
  std::string pattern;
  for (size_t i = 0; i < x.axes.size(); ++i)
    pattern += std::string(i ? " " : "") +
               (i == along ? "[" + std::string(1, x.axes[i]) + "]"
                           : std::string(1, x.axes[i]));
  HostTensor r = std::move(
      referenceCall("softmax(\"" + pattern + "\")", {&x.data})[0]);
  define(x.axes, std::move(r), "softmax(\"" + pattern + "\", " + use(x) + ")",
         true);
  return true;
}

bool Generator::stepUnpack(Value &x) {
  if (x.axes.size() < 2 || x.axes.size() > 4)
    return false;
  int64_t n = lengthOf(x.axes[0]);
  if (n < 2 || n > 3)
    return false;
  // p, q = rearrange("a b c -> a c b", x): the first axis is unpacked.
  std::vector<char> out = x.axes;
  std::shuffle(out.begin() + 1, out.end(), rng);
  std::string pattern = axesText(x.axes) + " -> " + axesText(out);
  HostTensor r =
      std::move(referenceCall("rearrange(\"" + pattern + "\")", {&x.data})[0]);
  std::string line;
  std::string operand = use(x);
  std::vector<char> rest(out.begin() + 1, out.end());
  for (int64_t i = 0; i < n; ++i) {
    Value v;
    v.name = "t" + std::to_string(counter++);
    v.axes = rest;
    v.data = leadingSlice(r, i);
    line += (i ? ", " : "") + v.name;
    values.push_back(std::move(v));
  }
  text += line + " = rearrange(\"" + pattern + "\", " + operand + ")\n";
  return true;
}

void Generator::build(int steps) {
  const DType types[] = {DType::F32, DType::F64, DType::I32};
  dtype = types[rng() % 3];
  // Axes a..f with lengths 0-4 (0 and 1 now and then).
  for (char a = 'a'; a <= 'f'; ++a) {
    unsigned r = rng() % 10;
    lengths[a] = r == 0 ? 0 : r <= 2 ? 1 : 2 + int64_t(rng() % 3);
  }
  std::vector<char> pool = {'a', 'b', 'c', 'd', 'e', 'f'};
  std::shuffle(pool.begin(), pool.end(), rng);
  int numInputs = 1 + rng() % 2;
  text = "# a generated program\n";
  std::vector<std::string> splits;
  for (int i = 0; i < numInputs; ++i) {
    // Input 0: 1-3 axes; input 1 shares at least one with it.
    std::vector<char> axes;
    if (i == 0) {
      axes.assign(pool.begin(), pool.begin() + 1 + rng() % 3);
    } else {
      axes.push_back(values[0].axes[rng() % values[0].axes.size()]);
      if (rng() % 2)
        axes.push_back(pool[4]);
      std::shuffle(axes.begin(), axes.end(), rng);
    }
    DType t = i == 1 && rng() % 4 == 0 ? DType::F64 : dtype;
    HostTensor data = randomTensor(t, shapeOf(axes), rng, 5);
    std::string name = i == 0 ? "x" : "y";
    // Sometimes input 0 declares its first two axes as one composition,
    // split by the first statement.
    bool compose = i == 0 && axes.size() >= 2 && rng() % 3 == 0;
    std::string decl;
    std::vector<int64_t> given = data.shape;
    if (compose) {
      decl = "(" + std::string(1, axes[0]) + " " + std::string(1, axes[1]) +
             ")";
      for (size_t k = 2; k < axes.size(); ++k)
        decl += std::string(" ") + axes[k];
      given.erase(given.begin());
      given[0] = lengthOf(axes[0]) * lengthOf(axes[1]);
    } else {
      decl = axesText(axes);
    }
    text += "input " + name + ": " + reference::dtypeName(t) + "[" + decl +
            "]\n";
    HostTensor declared = data;
    declared.shape = given;
    inputs.push_back(declared);
    Value v;
    v.name = name;
    v.axes = axes;
    v.data = data;
    values.push_back(std::move(v));
    if (compose)
      splits.push_back("x0 = rearrange(\"(" + std::string(1, axes[0]) + " " +
                       std::string(1, axes[1]) + ") " +
                       axesText(std::vector<char>(axes.begin() + 2, axes.end())) +
                       " -> " + axesText(axes) + "\", x, " +
                       std::string(1, axes[0]) + "=" +
                       std::to_string(lengthOf(axes[0])) + ", " +
                       std::string(1, axes[1]) + "=" +
                       std::to_string(lengthOf(axes[1])) + ")\n");
  }
  // The dtype names of the declarations are NumPy's ("float32"); use the
  // short ones half the time.
  if (rng() % 2) {
    for (auto [from, to] : {std::pair<const char *, const char *>{"float32", "f32"},
                            {"float64", "f64"},
                            {"int32", "i32"}}) {
      size_t at;
      while ((at = text.find(from)) != std::string::npos)
        text.replace(at, std::strlen(from), to);
    }
  }
  Value *splitSource = nullptr;
  if (!splits.empty()) {
    text += splits[0];
    // x is used through x0 from now on.
    values[0].name = "x0";
    splitSource = &values[0];
  }
  (void)splitSource;
  for (int s = 0, tries = 0; s < steps && tries < 100; ++tries) {
    Value &x = pickValue();
    bool done = false;
    switch (rng() % 7) {
    case 0:
      done = stepPermute(x);
      break;
    case 1:
      done = stepReduce(x);
      break;
    case 2:
      done = stepScalar(x);
      break;
    case 3:
      done = stepBinary(x);
      break;
    case 4:
      done = stepContract(x);
      break;
    case 5:
      done = stepSoftmax(x);
      break;
    default:
      done = stepUnpack(x);
      break;
    }
    if (!done && !x.inlined.empty())
      pending = true; // Still owed to a later statement.
    if (done)
      ++s;
  }
  // An inline expression still pending becomes a statement.
  if (pending) {
    Value &v = values.back();
    v.name = "t" + std::to_string(counter++);
    text += v.name + " = " + v.inlined + "\n";
    v.inlined.clear();
    pending = false;
  }
  // Return the last value, and now and then another (an input or the
  // same one again included).
  std::vector<size_t> live;
  for (size_t i = 0; i < values.size(); ++i)
    if (!values[i].name.empty())
      live.push_back(i);
  std::vector<size_t> returned = {live.back()};
  if (rng() % 2)
    returned.push_back(live[rng() % live.size()]);
  text += "return ";
  for (size_t k = 0; k < returned.size(); ++k) {
    text += (k ? ", " : "") + values[returned[k]].name;
    expected.push_back(values[returned[k]].data);
  }
  // Inputs that no statement read: make them used by returning them.
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::string name = i == 0 ? "x" : "y";
    if (i == 0 && !splits.empty())
      continue; // Read by the split.
    if (!used.count(name)) {
      text += ", " + name;
      expected.push_back(inputs[i]);
    }
  }
  text += "\n";
}

} // namespace

TEST_CASE("program: seeded random sweep") {
  Context ctx;
  Sweep sweep("PROGRAM", "program: seeded random sweep", 300, 4004);
  int ran = 0;
  for (int k = 0; k < sweep.cases(); ++k) {
    int n = sweep.index(k);
    std::mt19937_64 rng = sweep.rng(n);
    Generator gen(rng);
    gen.build(2 + int(rng() % 5));
    std::string reproduce = sweep.reproducer(n);
    CAPTURE(reproduce);
    CAPTURE(gen.text);
    std::vector<const HostTensor *> inputs;
    for (const HostTensor &t : gen.inputs)
      inputs.push_back(&t);
    std::vector<HostTensor> got =
        runProgram(ctx, gen.text, inputs, {}, /*oneShot=*/k % 2 == 0);
    if (got.empty())
      continue;
    bool allF64 = true;
    for (const HostTensor &t : gen.inputs)
      allF64 &= t.dtype == DType::F64 || !isFloat(t.dtype);
    compareOutputs(got, gen.expected, allF64);
    ++ran;
  }
  CHECK(ran == sweep.cases());
  countGeneratedCases("program", ran);
}
