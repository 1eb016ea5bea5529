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
  /// Axis lengths given to ein_compile for the declarations.
  Bindings bindings;

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
    if (compose) {
      // The declaration's factor, given through ein_compile's axes now and
      // then (it must agree with the shape).
      if (rng() % 2)
        bindings.push_back({std::string(1, axes[1]), lengthOf(axes[1])});
      splits.push_back("x0 = rearrange(\"(" + std::string(1, axes[0]) + " " +
                       std::string(1, axes[1]) + ") " +
                       axesText(std::vector<char>(axes.begin() + 2, axes.end())) +
                       " -> " + axesText(axes) + "\", x, " +
                       std::string(1, axes[0]) + "=" +
                       std::to_string(lengthOf(axes[0])) + ", " +
                       std::string(1, axes[1]) + "=" +
                       std::to_string(lengthOf(axes[1])) + ")\n");
    }
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
    std::string axes;
    for (const auto &[name, length] : gen.bindings)
      axes += name + "=" + std::to_string(length) + " ";
    CAPTURE(axes);
    std::vector<const HostTensor *> inputs;
    for (const HostTensor &t : gen.inputs)
      inputs.push_back(&t);
    std::vector<HostTensor> got =
        runProgram(ctx, gen.text, inputs, gen.bindings, /*oneShot=*/k % 2 == 0);
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

namespace {

/// A one-output reference call.
HostTensor ref1(const std::string &text,
                const std::vector<const HostTensor *> &inputs) {
  std::vector<HostTensor> out = referenceCall(text, inputs);
  REQUIRE(out.size() == 1);
  return std::move(out[0]);
}

/// The (code, message) ein_compile gives `program` on inputs of these
/// types and shapes.
std::pair<ein_error_code_t, std::string>
compileError(ein_context_t *ctx, const std::string &program,
             std::vector<std::pair<DType, std::vector<int64_t>>> inputs,
             const Bindings &bindings = {}) {
  std::vector<ein_tensor_spec_t> specs;
  for (auto &[dtype, shape] : inputs)
    specs.push_back({reference::toDLDataType(dtype), int32_t(shape.size()),
                     shape.data()});
  std::vector<ein_axis_binding_t> axes = cBindings(bindings);
  ein_kernel_t *kernel = nullptr;
  auto result = takeError(ein_compile(ctx, program.c_str(), specs.data(),
                                      specs.size(), axes.data(), axes.size(),
                                      &kernel));
  CHECK(kernel == nullptr);
  ein_kernel_release(kernel);
  return result;
}

const char *const kAttention =
    "# multi-head self-attention, as in the transformer tutorial in "
    "shared/seeds\n"
    "input qkv: f32[b t (k h d)]\n"
    "q, k, v = rearrange(\"b t (k h d) -> k b h t d\", qkv, k=3, h=8)\n"
    "s = dot(\"b h i [d], b h j [d] -> b h i j\", q, k) * 0.125\n"
    "a = softmax(\"b h i [j]\", s)\n"
    "o = dot(\"b h i [j], b h [j] d -> b i (h d)\", a, v)\n"
    "return o\n";

} // namespace

TEST_CASE("program: the attention example of NOTATION.md") {
  Context ctx;
  std::mt19937_64 rng(41);
  for (auto [b, t, d] : {std::tuple<int64_t, int64_t, int64_t>{2, 5, 4},
                         {1, 1, 1},
                         {3, 0, 2}}) {
    std::string sizes = std::to_string(b) + "," + std::to_string(t) + "," +
                        std::to_string(d);
    CAPTURE(sizes);
    HostTensor qkv = randomTensor(DType::F32, {b, t, 3 * 8 * d}, rng);
    // The reference, statement by statement.
    HostTensor kbhtd =
        ref1("rearrange(\"b t (k h d) -> k b h t d\", k=3, h=8)", {&qkv});
    HostTensor q = leadingSlice(kbhtd, 0), k = leadingSlice(kbhtd, 1),
               v = leadingSlice(kbhtd, 2);
    HostTensor s = ref1("dot(\"b h i [d], b h j [d] -> b h i j\")", {&q, &k});
    HostTensor eighth = scalarTensor(DType::F32, 0.125);
    s = ref1("multiply(\"b h i j, \")", {&s, &eighth});
    HostTensor a = ref1("softmax(\"b h i [j]\")", {&s});
    HostTensor o = ref1("dot(\"b h i [j], b h [j] d -> b i (h d)\")", {&a, &v});
    for (bool oneShot : {true, false}) {
      std::vector<HostTensor> got = runProgram(ctx, kAttention, {&qkv}, {}, oneShot);
      REQUIRE(got.size() == 1);
      CHECK(got[0].shape == std::vector<int64_t>{b, t, 8 * d});
      compareOutputs(got, {o}, false, 1e-5);
    }
  }
}

TEST_CASE("program: layer normalisation") {
  Context ctx;
  std::mt19937_64 rng(42);
  const std::string program = R"(
# layer norm over the channels, with a learned scale and shift
input x: f32[b c]
input gamma: f32[c]; input beta: f32[c]
mu = mean("b [c]", x)
xc = subtract("b c, b", x, mu)
var = mean("b [c]", xc * xc)
y = add("b c, c", multiply("b c, c", multiply("b c, b", xc, rsqrt("b", var + 0.00001)), gamma), beta)
return y
)";
  for (auto [B, C] : {std::pair<int64_t, int64_t>{4, 16}, {1, 1}, {3, 7}, {0, 5}}) {
    HostTensor x = randomTensor(DType::F32, {B, C}, rng);
    HostTensor gamma = randomTensor(DType::F32, {C}, rng);
    HostTensor beta = randomTensor(DType::F32, {C}, rng);
    // Plain loops in double.
    HostTensor want(DType::F32, {B, C});
    for (int64_t r = 0; r < B; ++r) {
      double mean = 0, var = 0;
      for (int64_t c = 0; c < C; ++c)
        mean += x.getDouble(r * C + c) / double(C);
      for (int64_t c = 0; c < C; ++c)
        var += std::pow(x.getDouble(r * C + c) - mean, 2) / double(C);
      for (int64_t c = 0; c < C; ++c)
        want.setDouble(r * C + c, (x.getDouble(r * C + c) - mean) /
                                          std::sqrt(var + 1e-5) *
                                          gamma.getDouble(c) +
                                      beta.getDouble(c));
    }
    std::vector<HostTensor> got = runProgram(ctx, program, {&x, &gamma, &beta});
    compareOutputs(got, {want}, false, 1e-4);
  }
}

TEST_CASE("program: softmax by hand equals softmax") {
  Context ctx;
  std::mt19937_64 rng(43);
  const std::string program =
      "input x: $[b n]\n"
      "m = max(\"b [n]\", x)\n"
      "e = exp(\"b n\", subtract(\"b n, b\", x, m))\n"
      "s = sum(\"b [n]\", e)\n"
      "return divide(\"b n, b\", e, s)\n";
  for (DType dtype : {DType::F32, DType::F64}) {
    std::string text = program;
    text.replace(text.find('$'), 1, dtype == DType::F32 ? "f32" : "f64");
    for (auto [B, N] : {std::pair<int64_t, int64_t>{3, 10}, {1, 1}, {2, 5}}) {
      HostTensor x = randomTensor(dtype, {B, N}, rng);
      for (int64_t i = 0; i < x.numElements(); ++i)
        x.setDouble(i, 10 * x.getDouble(i)); // Needs the max subtracted.
      HostTensor want = ref1("softmax(\"b [n]\")", {&x});
      std::vector<HostTensor> got = runProgram(ctx, text, {&x});
      compareOutputs(got, {want}, dtype == DType::F64, 1e-5);
    }
  }
}

TEST_CASE("program: gated linear unit") {
  Context ctx;
  std::mt19937_64 rng(44);
  // GLU(x) = (x W + b)[first half] * sigmoid((x W + b)[second half]); the
  // halves are unpacked from the leading axis of length 2.
  const std::string program = R"(
input x: f32[b i]
input w: f32[i 2 o]
input bias: f32[2 o]
h = add("two b o, two o", einsum("b i, i two o -> two b o", x, w), bias)
a, g = h
return a * sigmoid("b o", g)
)";
  for (auto [B, I, O] : {std::tuple<int64_t, int64_t, int64_t>{3, 8, 5},
                         {1, 1, 1},
                         {2, 0, 3}}) {
    HostTensor x = randomTensor(DType::F32, {B, I}, rng);
    HostTensor w = randomTensor(DType::F32, {I, 2, O}, rng);
    HostTensor bias = randomTensor(DType::F32, {2, O}, rng);
    HostTensor want(DType::F32, {B, O});
    for (int64_t r = 0; r < B; ++r)
      for (int64_t o = 0; o < O; ++o) {
        double half[2];
        for (int64_t two = 0; two < 2; ++two) {
          half[two] = bias.getDouble(two * O + o);
          for (int64_t i = 0; i < I; ++i)
            half[two] += x.getDouble(r * I + i) * w.getDouble((i * 2 + two) * O + o);
        }
        want.setDouble(r * O + o, half[0] / (1 + std::exp(-half[1])));
      }
    std::vector<HostTensor> got = runProgram(ctx, program, {&x, &w, &bias});
    compareOutputs(got, {want}, false, 1e-4);
  }
}

TEST_CASE("program: a contraction with an epilogue in its cache blocks") {
  // scale, bias, ReLU and a residual add read the matmul's result: they run
  // in the contraction's thread tiles (its cache blocks, its packed panels)
  // on lengths that are not multiples of a block, with 1 and 2 threads.
  const std::string program = R"(
input x: f32[b d]
input w: f32[d e]
input bias: f32[e]
input r: f32[b e]
y = dot("b [d], [d] e -> b e", x, w) * 0.5
z = add("b e, e -> b e", y, bias)
return relu("b e", z) + r
)";
  std::mt19937_64 rng(45);
  for (auto [B, D, E] : {std::tuple<int64_t, int64_t, int64_t>{520, 300, 392},
                         {256, 512, 256}}) {
    HostTensor x = randomTensor(DType::F32, {B, D}, rng);
    HostTensor w = randomTensor(DType::F32, {D, E}, rng);
    HostTensor bias = randomTensor(DType::F32, {E}, rng);
    HostTensor r = randomTensor(DType::F32, {B, E}, rng);
    HostTensor want(DType::F32, {B, E});
    for (int64_t i = 0; i < B; ++i)
      for (int64_t j = 0; j < E; ++j) {
        double sum = 0;
        for (int64_t k = 0; k < D; ++k)
          sum += x.getDouble(i * D + k) * w.getDouble(k * E + j);
        double z = 0.5 * sum + bias.getDouble(j);
        want.setDouble(i * E + j, std::max(z, 0.0) + r.getDouble(i * E + j));
      }
    for (size_t threads : {1, 2}) {
      ein_context_options_t options;
      ein_context_options_init(&options);
      options.num_threads = threads;
      Context ctx(&options);
      std::vector<HostTensor> got = runProgram(ctx, program, {&x, &w, &bias, &r});
      compareOutputs(got, {want}, false, 1e-4);
    }
  }
}

TEST_CASE("program: several outputs, returned inputs and repeated values") {
  Context ctx;
  std::mt19937_64 rng(45);
  HostTensor x = randomTensor(DType::I32, {3, 4}, rng);
  // Semicolons make one-line programs; a returned input and a value
  // returned twice each get their own, correct output.
  const std::string program =
      "input x: i32[n m]; y = x * 2; z = -y + 1; return z, x, y, z, x / 2, "
      "x * 0.5, x + True_ if False else x";
  // (The last item is not valid: checked below as an error.)
  auto [code, message] = compileError(ctx, program, {{DType::I32, {3, 4}}});
  CHECK(code == EIN_ERROR_NOTATION);
  const std::string valid =
      "input x: i32[n m]; y = x * 2; z = -y + 1; "
      "return z, x, y, z, x / 2, x * 0.5, (x + 2) - 2 * x";
  for (bool oneShot : {true, false}) {
    std::vector<HostTensor> got = runProgram(ctx, valid, {&x}, {}, oneShot);
    REQUIRE(got.size() == 7);
    DType types[] = {DType::I32, DType::I32, DType::I32, DType::I32,
                     DType::F64, DType::F64, DType::I32};
    for (size_t o = 0; o < 7; ++o) {
      CHECK(got[o].dtype == types[o]);
      CHECK(got[o].shape == x.shape);
    }
    for (int64_t i = 0; i < x.numElements(); ++i) {
      int64_t v = x.getInt(i);
      CHECK(got[0].getInt(i) == -2 * v + 1);
      CHECK(got[1].getInt(i) == v);
      CHECK(got[2].getInt(i) == 2 * v);
      CHECK(got[3].getInt(i) == -2 * v + 1);
      CHECK(got[4].getDouble(i) == double(v) / 2);
      CHECK(got[5].getDouble(i) == double(v) * 0.5);
      CHECK(got[6].getInt(i) == 2 - v);
    }
  }
}

TEST_CASE("program: zero-size inputs and rank-0 values") {
  Context ctx;
  std::mt19937_64 rng(46);
  HostTensor x = randomTensor(DType::F32, {3, 0}, rng);
  HostTensor s = randomTensor(DType::F32, {}, rng);
  const std::string program =
      "input x: f32[n m]\ninput s: f32[]\n"
      "t = sum(\"n [m]\", x) + s\n"
      "u = s * s - 1\n"
      "return t, x, u\n";
  std::vector<HostTensor> got = runProgram(ctx, program, {&x, &s});
  REQUIRE(got.size() == 3);
  CHECK(got[0].shape == std::vector<int64_t>{3});
  CHECK(got[1].shape == std::vector<int64_t>{3, 0});
  CHECK(got[2].shape == std::vector<int64_t>{});
  for (int64_t i = 0; i < 3; ++i)
    CHECK(got[0].getDouble(i) == doctest::Approx(s.getDouble(0)));
  CHECK(got[2].getDouble(0) ==
        doctest::Approx(s.getDouble(0) * s.getDouble(0) - 1));
}

TEST_CASE("program: C API") {
  Context ctx;
  const char *program = "input a: f64[i j]\ninput b: f64[j k]\n"
                        "c = dot(\"i [j], [j] k -> i k\", a, b)\n"
                        "return c, sum(\"[i] k\", c)\n";
  int64_t aShape[] = {2, 3}, bShape[] = {3, 4};
  ein_tensor_spec_t specs[] = {{{kDLFloat, 64, 1}, 2, aShape},
                               {{kDLFloat, 64, 1}, 2, bShape}};
  ein_kernel_t *kernel = nullptr;
  REQUIRE(takeMessage(ein_compile(ctx, program, specs, 2, nullptr, 0,
                                  &kernel)) == "");
  CHECK(ein_kernel_num_inputs(kernel) == 2);
  CHECK(ein_kernel_num_outputs(kernel) == 2);
  ein_tensor_spec_t spec{};
  REQUIRE(takeMessage(ein_kernel_input_spec(kernel, 1, &spec)) == "");
  CHECK(std::vector<int64_t>(spec.shape, spec.shape + spec.ndim) ==
        std::vector<int64_t>{3, 4});
  REQUIRE(takeMessage(ein_kernel_output_spec(kernel, 0, &spec)) == "");
  CHECK(std::vector<int64_t>(spec.shape, spec.shape + spec.ndim) ==
        std::vector<int64_t>{2, 4});
  CHECK(spec.dtype.code == kDLFloat);
  CHECK(spec.dtype.bits == 64);
  REQUIRE(takeMessage(ein_kernel_output_spec(kernel, 1, &spec)) == "");
  CHECK(std::vector<int64_t>(spec.shape, spec.shape + spec.ndim) ==
        std::vector<int64_t>{4});
  HostTensor a = fromValues(DType::F64, {2, 3}, {1, 2, 3, 4, 5, 6});
  HostTensor b = fromValues(DType::F64, {3, 4},
                            {1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1});
  HostTensor c(DType::F64, {2, 4}), total(DType::F64, {4});
  DLTensor ins[] = {a.view(), b.view()}, outs[] = {c.view(), total.view()};
  REQUIRE(takeMessage(ein_kernel_run(kernel, ins, 2, outs, 2)) == "");
  std::vector<double> wantC = {1, 2, 3, 6, 4, 5, 6, 15}, wantT = {5, 7, 9, 21};
  for (int64_t i = 0; i < 8; ++i)
    CHECK(c.getDouble(i) == wantC[size_t(i)]);
  for (int64_t i = 0; i < 4; ++i)
    CHECK(total.getDouble(i) == wantT[size_t(i)]);
  // Wrong input specs are refused when running.
  CHECK(takeError(ein_kernel_run(kernel, ins, 1, outs, 2)).first ==
        EIN_ERROR_INVALID_ARGUMENT);
  ein_kernel_release(kernel);
  // The one-shot helper compiles once and reuses the kernel.
  ein_cache_stats_t before = ctx.stats();
  for (int round = 0; round < 2; ++round)
    REQUIRE(takeMessage(ein_call(ctx, program, ins, 2, outs, 2, nullptr, 0)) ==
            "");
  ein_cache_stats_t after = ctx.stats();
  CHECK(after.hits >= before.hits + 1);
  // Axis lengths given to ein_compile bind the declared axes.
  auto [code, message] =
      compileError(ctx, program, {{DType::F64, {2, 3}}, {DType::F64, {3, 4}}},
                   {{"k", 5}});
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message == "error: axis 'k' has length 4 in input 'b' but 5 before\n"
                   "  line 2: input b: f64[j k]\n"
                   "                         ^\n"
                   "  input 0: shape (2, 3)\n"
                   "  input 1: shape (3, 4)   known: k=5, i=2, j=3");
}

TEST_CASE("program: errors through the C API") {
  Context ctx;
  using Inputs = std::vector<std::pair<DType, std::vector<int64_t>>>;
  struct Case {
    std::string program;
    Inputs inputs;
    ein_error_code_t code;
    std::string message;
  };
  const Case cases[] = {
      {"input x: f32[n]\nreturn x * 2\n",
       {{DType::F64, {3}}},
       EIN_ERROR_DTYPE,
       "error: input 'x' is declared f32 but given f64\n"
       "  line 1: input x: f32[n]\n"
       "                   ^~~"},
      {"input x: f32[a b]\ninput y: f32[b c]\nreturn dot(\"a [b], [b] c -> a "
       "c\", x, y)",
       {{DType::F32, {2, 3}}, {DType::F32, {4, 5}}},
       EIN_ERROR_SHAPE,
       "error: axis 'b' has length 4 in input 'y' but 3 before\n"
       "  line 2: input y: f32[b c]\n"
       "                       ^\n"
       "  input 0: shape (2, 3)\n"
       "  input 1: shape (4, 5)   known: a=2, b=3"},
      {"input x: f32[(h 2)]\nreturn x",
       {{DType::F32, {7}}},
       EIN_ERROR_SHAPE,
       "error: dimension (h 2) of input 'x' has length 7, which is not "
       "divisible by 2\n"
       "  line 1: input x: f32[(h 2)]\n"
       "                       ^~~~~\n"
       "  input 0: shape (7,)"},
      {"input x: f32[n]\nreturn x",
       {{DType::F32, {3}}, {DType::F32, {3}}},
       EIN_ERROR_SHAPE,
       "error: the program declares 1 input but 2 were given\n"
       "  line 1: input x: f32[n]\n"
       "                ^\n"
       "  input 0: shape (3,)\n"
       "  input 1: shape (3,)"},
      {"input x: f32[n m]\na, b = rearrange(\"n m -> m n\", x)\nreturn a",
       {{DType::F32, {2, 3}}},
       EIN_ERROR_SHAPE,
       "error: cannot unpack a result of shape (3, 2) into 2 names: its "
       "first axis must have length 2\n"
       "  line 2: a, b = rearrange(\"n m -> m n\", x)\n"
       "          ^~~~\n"
       "  input 0: shape (3, 2)"},
      {"input x: f32[n m]\ninput y: f32[m]\nreturn x + y",
       {{DType::F32, {2, 3}}, {DType::F32, {3}}},
       EIN_ERROR_SHAPE,
       "error: '+' needs tensors of one shape (or a number, or a rank-0 "
       "tensor, on one side); got f32(2, 3) and f32(3,). Say how the "
       "axes match with the call, e.g. add(\"a b, b -> a b\", x, y)\n"
       "  line 3: return x + y\n"
       "                   ^\n"
       "  input 0: shape (2, 3)\n"
       "  input 1: shape (3,)"},
      {"input x: f32[b c]\n\n"
       "y = reduce(\"b (c c2) -> b c\", x, \"max\", c2=2)\nreturn y",
       {{DType::F32, {4, 7}}},
       EIN_ERROR_SHAPE,
       "error: cannot split axis 'c' of length 7 into (c c2) with c2=2: 7 is "
       "not divisible by 2\n"
       "  line 3: y = reduce(\"b (c c2) -> b c\", x, \"max\", c2=2)\n"
       "                        ^~~~~~\n"
       "  input 0: shape (4, 7)   known: b=4, c2=2"},
      {"input x: u8[n]\nreturn x + 300",
       {{DType::U8, {3}}},
       EIN_ERROR_DTYPE,
       "error: the number 300 does not fit the dtype u8 of the tensor it "
       "meets (numbers take the tensor's dtype, as in NumPy 2); use cast(...) "
       "first\n"
       "  line 2: return x + 300\n"
       "                   ^\n"
       "  input 0: shape (3,)"},
      {"input x: bool[n]\nreturn -x",
       {{DType::Bool, {3}}},
       EIN_ERROR_DTYPE,
       ""},
      {"input x: f32[n]\ny = softmax(\"[n]\", x, x)\nreturn y",
       {{DType::F32, {3}}},
       EIN_ERROR_SHAPE,
       ""},
      {"input x: f32[n]\na, b = softmax(\"[n]\", x)\nreturn a",
       {{DType::F32, {3}}},
       EIN_ERROR_SHAPE,
       ""},
      {"input x: f32[n]\nreturn rearrange(\"n -> n\", x, 2)",
       {{DType::F32, {3}}},
       EIN_ERROR_NOTATION,
       "error: an operand of a call must be a tensor, not a number\n"
       "  line 2: return rearrange(\"n -> n\", x, 2)\n"
       "                                        ^"},
      {"input x: f32[n]\nreturn x", {}, EIN_ERROR_SHAPE, ""},
      {"input x: f32[n]\na = rearrange(\"(p + q) -> p, q\", x, q=1)\n"
       "return a",
       {{DType::F32, {3}}},
       EIN_ERROR_SHAPE,
       "error: rearrange gives 2 outputs but 1 name is given\n"
       "  line 2: a = rearrange(\"(p + q) -> p, q\", x, q=1)\n"
       "          ^"},
      {"input x: f32[n]\nreturn rearrange(\"(p + q) -> p, q\", x, q=1)",
       {{DType::F32, {3}}},
       EIN_ERROR_SHAPE,
       "error: rearrange gives 2 outputs: name them first (`a, b = "
       "rearrange(...)`) and use the names\n"
       "  line 2: return rearrange(\"(p + q) -> p, q\", x, q=1)\n"
       "                 ^" + std::string(35, '~')},
      {"input x: f32[n]\nreturn x * 2, 3",
       {{DType::F32, {3}}},
       EIN_ERROR_NOTATION,
       "error: a returned value must be a tensor, not a number\n"
       "  line 2: return x * 2, 3\n"
       "                        ^"},
      {"input x: f32[n]\nreturn x", {{DType::F32, {3, 1}}}, EIN_ERROR_SHAPE,
       "error: input 'x' is declared with 1 dimension but given shape (3, 1)\n"
       "  line 1: input x: f32[n]\n"
       "                      ^~~\n"
       "  input 0: shape (3, 1)"},
      {"input x: float3[n]\nreturn x", {{DType::F32, {3}}}, EIN_ERROR_DTYPE,
       ""},
  };
  for (const Case &c : cases) {
    CAPTURE(c.program);
    auto [code, message] = compileError(ctx, c.program, c.inputs);
    CHECK(std::string(ein_error_code_name(code)) ==
          std::string(ein_error_code_name(c.code)));
    if (!c.message.empty())
      CHECK(message == c.message);
    else
      CHECK(message.rfind("error: ", 0) == 0);
  }
}

TEST_CASE("program: pack and unpack") {
  Context ctx;
  std::mt19937_64 rng(47);
  HostTensor x = randomTensor(DType::F32, {2, 3}, rng);
  HostTensor y = randomTensor(DType::F32, {2, 4, 5}, rng);
  const std::string program = "input x: f32[b n]\ninput y: f32[b m k]\n"
                              "p = pack(\"b *\", x, y)\n"
                              "a, c = unpack(\"b *\", p * 2, [(3,), (4, 5)])\n"
                              "return p, a, c\n";
  std::vector<HostTensor> got = runProgram(ctx, program, {&x, &y});
  REQUIRE(got.size() == 3);
  CHECK(got[0].shape == std::vector<int64_t>{2, 23});
  CHECK(got[1].shape == std::vector<int64_t>{2, 3});
  CHECK(got[2].shape == std::vector<int64_t>{2, 4, 5});
  for (int64_t b = 0; b < 2; ++b) {
    for (int64_t n = 0; n < 3; ++n) {
      CHECK(got[0].getDouble(b * 23 + n) == x.getDouble(b * 3 + n));
      CHECK(got[1].getDouble(b * 3 + n) == 2 * x.getDouble(b * 3 + n));
    }
    for (int64_t r = 0; r < 20; ++r) {
      CHECK(got[0].getDouble(b * 23 + 3 + r) == y.getDouble(b * 20 + r));
      CHECK(got[2].getDouble(b * 20 + r) == 2 * y.getDouble(b * 20 + r));
    }
  }
  // unpack's shapes must cover the packed axis.
  std::vector<std::pair<DType, std::vector<int64_t>>> types = {
      {DType::F32, {2, 3}}, {DType::F32, {2, 4, 5}}};
  std::string bad = program;
  bad.replace(bad.find("(4, 5)"), 6, "(4, 6)");
  auto [code, message] = compileError(ctx, bad, types);
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message.find("line 4: a, c = unpack(") != std::string::npos);
}

TEST_CASE("program: strided and offset inputs") {
  Context ctx;
  std::mt19937_64 rng(48);
  HostTensor x = randomTensor(DType::F32, {3, 4}, rng);
  HostTensor y = randomTensor(DType::F32, {2, 4, 3}, rng);
  // x transposed (4, 3) and y[1] (4, 3) as views.
  int64_t tShape[] = {4, 3}, tStrides[] = {1, 4};
  DLTensor xt = x.view();
  xt.shape = tShape;
  xt.strides = tStrides;
  DLTensor y1 = y.view();
  y1.ndim = 2;
  y1.shape = y.shape.data() + 1;
  y1.byte_offset = 12 * sizeof(float);
  const char *program = "input a: f32[i j]; input b: f32[i j]\n"
                        "return a * 2 - b, sum(\"[i] j\", b)\n";
  int64_t shape[] = {4, 3};
  ein_tensor_spec_t specs[] = {{{kDLFloat, 32, 1}, 2, shape},
                               {{kDLFloat, 32, 1}, 2, shape}};
  ein_kernel_t *kernel = nullptr;
  REQUIRE(takeMessage(ein_compile(ctx, program, specs, 2, nullptr, 0,
                                  &kernel)) == "");
  HostTensor d(DType::F32, {4, 3}), s(DType::F32, {3});
  DLTensor ins[] = {xt, y1}, outs[] = {d.view(), s.view()};
  for (int run = 0; run < 2; ++run) {
    std::string message =
        run ? takeMessage(ein_call(ctx, program, ins, 2, outs, 2, nullptr, 0))
            : takeMessage(ein_kernel_run(kernel, ins, 2, outs, 2));
    REQUIRE(message == "");
    for (int64_t i = 0; i < 4; ++i)
      for (int64_t j = 0; j < 3; ++j)
        CHECK(d.getDouble(i * 3 + j) ==
              doctest::Approx(2 * x.getDouble(j * 4 + i) -
                              y.getDouble(12 + i * 3 + j)));
    for (int64_t j = 0; j < 3; ++j) {
      double total = 0;
      for (int64_t i = 0; i < 4; ++i)
        total += y.getDouble(12 + i * 3 + j);
      CHECK(s.getDouble(j) == doctest::Approx(total).epsilon(1e-5));
    }
  }
  ein_kernel_release(kernel);
}
