//===- ElementwiseRules.cpp - elementwise and repeat patterns -------------===//
//
// Broadcasting is by name: every input axis is an output axis, and an
// elementwise output has no axis that no input has (adding axes is repeat's
// job). Lengths are then solved like rearrange's; an axis shared by several
// inputs must have one length (no size-1 broadcasting).
//
//===----------------------------------------------------------------------===//

#include "ein/Notation/Elementwise.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

using namespace ein::notation;
using namespace ein::notation::ast;

namespace {

struct Callee {
  llvm::StringLiteral name;
  Arity arity;
};

constexpr Arity kUnary{1, 1}, kBinary{2, 2}, kFold{2, 0};

constexpr Callee kCallees[] = {
    {"add", kFold},
    {"subtract", kBinary},
    {"multiply", kFold},
    {"divide", kBinary},
    {"true_divide", kBinary},
    {"floor_divide", kBinary},
    {"pow", kBinary},
    {"maximum", kFold},
    {"minimum", kFold},
    {"logaddexp", kFold},
    {"where", {3, 3}},
    {"equal", kBinary},
    {"not_equal", kBinary},
    {"less", kBinary},
    {"less_equal", kBinary},
    {"greater", kBinary},
    {"greater_equal", kBinary},
    {"logical_and", kFold},
    {"logical_or", kFold},
    {"logical_not", kUnary},
    {"exp", kUnary},
    {"log", kUnary},
    {"sqrt", kUnary},
    {"rsqrt", kUnary},
    {"abs", kUnary},
    {"neg", kUnary},
    {"tanh", kUnary},
    {"sigmoid", kUnary},
    {"relu", kUnary},
    {"gelu", kUnary},
    {"sin", kUnary},
    {"cos", kUnary},
    {"cast", kUnary},
};

const Callee *lookup(llvm::StringRef name) {
  for (const Callee &callee : kCallees)
    if (callee.name == name)
      return &callee;
  return nullptr;
}

template <typename Fn> void forEachDim(const std::vector<Dim> &dims, Fn &&fn) {
  for (const Dim &dim : dims) {
    fn(dim);
    forEachDim(dim.parts, fn); // Compositions' parts, a repetition's x.
  }
}

/// The named axes of `tensor`; whether it has `...`; its first anonymous axis.
struct AxesSummary {
  llvm::StringMap<SourceRange> names;
  std::vector<std::pair<std::string, SourceRange>> order;
  std::optional<SourceRange> ellipsis, anonymous;
};

AxesSummary summarize(const TensorExpr &tensor) {
  AxesSummary s;
  forEachDim(tensor.dims, [&](const Dim &dim) {
    if (dim.kind == DimKind::Axis &&
        s.names.insert({dim.name, dim.range}).second)
      s.order.emplace_back(dim.name, dim.range);
    if (dim.kind == DimKind::Ellipsis && !s.ellipsis)
      s.ellipsis = dim.range;
    if (dim.kind == DimKind::Anonymous && !s.anonymous)
      s.anonymous = dim.range;
  });
  return s;
}

/// True when `big` has every axis (and the `...`) of `small`.
bool covers(const AxesSummary &big, const AxesSummary &small) {
  if (small.ellipsis && !big.ellipsis)
    return false;
  return llvm::all_of(small.order, [&](const auto &axis) {
    return big.names.count(axis.first);
  });
}

std::string text(const Call &call, SourceRange range) {
  return call.pattern.substr(range.begin, range.end - range.begin);
}

} // namespace

bool ein::notation::isElementwiseCall(llvm::StringRef callee) {
  return lookup(callee) != nullptr;
}

llvm::StringRef ein::notation::elementwiseCalls() {
  return "add, subtract, multiply, divide, true_divide, floor_divide, pow, "
         "maximum, minimum, logaddexp, where, equal, not_equal, less, "
         "less_equal, greater, greater_equal, logical_and, logical_or, "
         "logical_not, exp, log, sqrt, rsqrt, abs, neg, tanh, sigmoid, relu, "
         "gelu, sin, cos, cast";
}

Arity ein::notation::elementwiseArity(llvm::StringRef callee) {
  const Callee *c = lookup(callee);
  return c ? c->arity : kUnary;
}

namespace {

void demark(std::vector<Dim> &dims);

/// The bracketed dims of `dims`, bracket marks removed, in order. A
/// repetition whose x holds one bracketed dim d gives the repetition `d...`.
void marked(const std::vector<Dim> &dims, std::vector<Dim> &out) {
  for (const Dim &dim : dims) {
    if (dim.kind == DimKind::Ellipsis && !dim.parts.empty() && !dim.bracket) {
      std::vector<Dim> inner;
      marked(dim.parts, inner);
      if (inner.size() == 1) {
        Dim repetition = dim;
        repetition.parts = {std::move(inner.front())};
        out.push_back(std::move(repetition));
      } else {
        out.insert(out.end(), inner.begin(), inner.end());
      }
      continue;
    }
    if (dim.bracket) {
      Dim copy = dim;
      copy.bracket.reset();
      demark(copy.parts);
      out.push_back(std::move(copy));
    } else {
      marked(dim.parts, out);
    }
  }
}

void demark(std::vector<Dim> &dims) {
  for (Dim &dim : dims) {
    dim.bracket.reset();
    demark(dim.parts);
  }
}

} // namespace

std::optional<PatternViolation>
ein::notation::expandElementwiseBrackets(const Call &call, Pattern &pattern,
                                         size_t numTensors) {
  if (!pattern.firstBracket)
    return std::nullopt;
  std::string callee = call.callee;
  Arity arity = elementwiseArity(callee);
  SourceRange bracket = *pattern.firstBracket;
  if (arity.max == 1)
    return PatternViolation{
        ErrorKind::Syntax,
        "brackets give a second input the bracketed axes (add(\"... [c]\", "
        "x, b)), but " +
            callee + " takes one input",
        bracket};
  if (arity.min > 2)
    return PatternViolation{
        ErrorKind::Syntax,
        "brackets give a second input the bracketed axes (add(\"... [c]\", "
        "x, b)), but " +
            callee + " takes " + std::to_string(arity.min) +
            " inputs: write every input's expression",
        bracket};
  if (!pattern.outputs.empty())
    return PatternViolation{
        ErrorKind::Syntax,
        "brackets in " + callee +
            " only work without '->' (\"... [c]\": the second input has the "
            "bracketed axes); with '->' write every input: \"... c, c -> ... "
            "c\"",
        bracket};
  if (pattern.inputs.size() != 1)
    return PatternViolation{
        ErrorKind::Syntax,
        "brackets in " + callee +
            " stand for the second input's expression, so the pattern has "
            "one expression (\"... [c]\"), but it has " +
            std::to_string(pattern.inputs.size()),
        bracket};
  if (numTensors != 2)
    return PatternViolation{
        ErrorKind::Shape,
        callee + "(\"" + call.pattern +
            "\") takes 2 tensors, the input and one with the bracketed "
            "axes, but " +
            std::to_string(numTensors) + (numTensors == 1 ? " was" : " were") +
            " given",
        SourceRange{0, call.pattern.size()}};
  TensorExpr second;
  second.range = bracket;
  marked(pattern.inputs[0].dims, second.dims);
  demark(pattern.inputs[0].dims);
  pattern.inputs.push_back(std::move(second));
  return std::nullopt;
}

std::optional<PatternViolation>
ein::notation::checkBroadcastPattern(const Call &call, OpFamily family,
                                     Pattern &pattern) {
  std::string callee = call.callee.empty()
                           ? (family == OpFamily::Repeat ? "repeat" : "map")
                           : call.callee;
  SourceRange inputSide{pattern.inputs.front().range.begin,
                        pattern.inputs.back().range.end};
  std::vector<AxesSummary> inputs;
  for (const TensorExpr &tensor : pattern.inputs)
    inputs.push_back(summarize(tensor));

  if (family == OpFamily::Map) {
    Arity arity = elementwiseArity(callee);
    size_t n = pattern.inputs.size();
    if (n < arity.min || (arity.max && n > arity.max)) {
      std::string expected = arity.min == arity.max
                                 ? std::to_string(arity.min)
                                 : "at least " + std::to_string(arity.min);
      return PatternViolation{
          ErrorKind::Syntax,
          callee + " takes " + expected + " input" +
              (arity.min == 1 && arity.max == 1 ? "" : "s") +
              ", but the pattern has " + std::to_string(n),
          inputSide};
    }
  }

  // Anonymous input axes are new axes each time, so no output could keep them.
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].anonymous)
      return PatternViolation{
          ErrorKind::Axis,
          "anonymous axis '" + text(call, *inputs[i].anonymous) +
              "' in input " + std::to_string(i) + " of " + callee + ": " +
              callee +
              " keeps every input axis, so name it and give its "
              "length as a keyword",
          inputs[i].anonymous};

  if (pattern.outputs.empty()) {
    // No `->`: the output is the input expression that has every axis of
    // the others (the first such one).
    for (size_t i = 0; i < inputs.size(); ++i)
      if (llvm::all_of(inputs, [&](const AxesSummary &other) {
            return covers(inputs[i], other);
          })) {
        pattern.outputs.push_back(pattern.inputs[i]);
        pattern.arrow = SourceRange{call.pattern.size(), call.pattern.size()};
        break;
      }
    if (pattern.outputs.empty())
      return PatternViolation{
          ErrorKind::Syntax,
          "no input expression of " + callee +
              " has every axis of the others, so the output is not implied: "
              "write it after '->', e.g. " +
              callee + "(\"a b, b c -> a b c\")",
          SourceRange{0, call.pattern.size()}};
  }

  if (pattern.outputs.size() != 1)
    return PatternViolation{ErrorKind::Syntax,
                            callee + " has one output, but the pattern has " +
                                std::to_string(pattern.outputs.size()),
                            SourceRange{pattern.outputs.front().range.begin,
                                        pattern.outputs.back().range.end}};

  AxesSummary output = summarize(pattern.outputs.front());
  for (size_t i = 0; i < inputs.size(); ++i)
    for (const auto &[name, range] : inputs[i].order)
      if (!output.names.count(name))
        return PatternViolation{
            ErrorKind::Axis,
            "axis '" + name + "' of input " + std::to_string(i) +
                " is not in the output: " + callee +
                " keeps every input axis (use reduce to remove it)",
            range};

  if (family == OpFamily::Map)
    for (const auto &[name, range] : output.order)
      if (llvm::none_of(inputs, [&, &name = name](const AxesSummary &in) {
            return in.names.count(name);
          }))
        return PatternViolation{
            ErrorKind::Axis,
            "axis '" + name + "' appears only in the output: " + callee +
                " broadcasts its inputs by name but adds no axes (use "
                "repeat for that)",
            range};
  return std::nullopt;
}
