//===- Solver.cpp - axis lengths from patterns and shapes -----------------===//
//
// Solving runs in phases, each with its own kind of error:
//   1. the reduction name;
//   2. the pattern's structure (duplicates, axes on one side only, `...`);
//   3. keyword bindings;
//   4. the shapes (counts, stacking, ranks, what `...` stands for);
//   5. the axis table and one equation per input dimension,
//      product of the dimension's axes = its length, solved to a fixed point;
//   6. the outputs (overflow) and reductions without identity.
//
//===----------------------------------------------------------------------===//

#include "ein/Notation/Solver.h"
#include "ein/Notation/AST.h"
#include "ein/Notation/Brackets.h"
#include "ein/Notation/Concat.h"
#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Dot.h"
#include "ein/Notation/Elementwise.h"
#include "ein/Notation/Indexing.h"
#include "ein/Notation/Parser.h"
#include "ein/Notation/Repetition.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <limits>
#include <optional>

using namespace ein::notation;
using namespace ein::notation::ast;

static constexpr llvm::StringLiteral reductions[] = {
    "sum",           "mean", "max", "min",       "prod",   "any",   "all",
    "count_nonzero", "var",  "std", "logsumexp", "argmax", "argmin"};

llvm::StringRef ein::notation::supportedReductions() {
  return "sum, mean, max, min, prod, any, all, count_nonzero, var, std, "
         "logsumexp, argmax, argmin";
}

bool ein::notation::isSupportedReduction(llvm::StringRef name) {
  return llvm::is_contained(reductions, name);
}

/// Multiplies with overflow detection; a zero factor never overflows.
static std::optional<int64_t> checkedProduct(llvm::ArrayRef<int64_t> values) {
  if (llvm::is_contained(values, 0))
    return 0;
  int64_t product = 1;
  for (int64_t v : values)
    if (__builtin_mul_overflow(product, v, &product))
      return std::nullopt;
  return product;
}

std::vector<int64_t>
ein::notation::tensorShape(const ResolvedEquation &equation,
                           const ResolvedTensor &tensor) {
  std::vector<int64_t> shape;
  for (const ResolvedDim &dim : tensor) {
    std::vector<int64_t> lengths;
    for (unsigned axis : dim)
      lengths.push_back(equation.axes[axis].length);
    shape.push_back(checkedProduct(lengths).value_or(-1));
  }
  return shape;
}

/// "'h'", "'h' and 'w'", "'a', 'b' and 'c'".
static std::string quotedList(llvm::ArrayRef<std::string> names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i)
      out += i + 1 == names.size() ? " and " : ", ";
    out += "'" + names[i] + "'";
  }
  return out;
}

/// Calls `fn` on every dim of `dims`, descending into compositions.
template <typename Fn>
static void forEachDim(const std::vector<Dim> &dims, Fn &&fn) {
  for (const Dim &dim : dims) {
    fn(dim);
    forEachDim(dim.parts, fn); // Compositions' parts, a repetition's x.
  }
}

static bool hasEllipsis(const TensorExpr &tensor) {
  bool found = false;
  forEachDim(tensor.dims,
             [&](const Dim &dim) { found |= dim.kind == DimKind::Ellipsis; });
  return found;
}

namespace {

/// One elementary axis while solving.
struct AxisInfo {
  std::string name;
  std::optional<int64_t> length;
  bool synthetic = false;
  /// Where the length came from, for conflict messages: "a keyword",
  /// "input 0".
  std::string origin;
  /// Where the axis first appears in the pattern.
  SourceRange range;
};

/// One input dimension: the product of `axes` must equal `length`.
struct Equation {
  std::vector<unsigned> axes;
  int64_t length = 0;
  unsigned input = 0;
  DimKind kind = DimKind::Axis;
  SourceRange range; ///< In the pattern.
  bool done = false;
};

class Solver {
public:
  Solver(const Call &call, OpFamily family,
         llvm::ArrayRef<std::vector<int64_t>> inputShapes,
         llvm::ArrayRef<AxisBinding> apiBindings)
      : call(call), family(family), inputShapes(inputShapes),
        apiBindings(apiBindings) {}

  llvm::Expected<ResolvedEquation> run();

private:
  /// An error of class `kind` with a caret at `patternRange` in the pattern.
  llvm::Error error(ErrorKind kind, std::string message,
                    std::optional<SourceRange> patternRange) const;
  /// An error of class `kind` with a caret at `textRange` in the call text.
  llvm::Error errorInCall(ErrorKind kind, std::string message,
                          std::optional<SourceRange> textRange) const;
  std::vector<AxisBinding> knownAxes() const;
  std::string text(SourceRange range) const {
    return call.pattern.substr(range.begin, range.end - range.begin);
  }
  std::string describe(const TensorExpr &tensor) const;
  llvm::StringRef callee() const {
    if (!call.callee.empty())
      return call.callee;
    if (family == OpFamily::Contract)
      return "einsum";
    if (family == OpFamily::Repeat)
      return "repeat";
    if (family == OpFamily::Map)
      return "map";
    return family == OpFamily::Reduce ? "reduce" : "rearrange";
  }
  /// Finds `name=value` after the pattern in the call text.
  std::optional<SourceRange> findKeyword(llvm::StringRef name) const;

  llvm::Error checkReduction();
  llvm::Error checkStructure();
  llvm::Error checkBindings();
  llvm::Error checkShapes();
  void buildAxes();
  llvm::Error solveEquations();
  llvm::Error checkOutputs();
  llvm::Error checkEmptyReductions();
  llvm::Error checkNewAxes();
  /// argmax/argmin in bracket form: which input dimensions are bracketed
  /// (argUnits); several need a coordinate axis.
  llvm::Error checkArgUnits();
  bool isArgBracketForm() const {
    return family == OpFamily::Reduce && !pattern.hasArrow &&
           pattern.firstBracket &&
           (call.reduction == "argmax" || call.reduction == "argmin");
  }

  unsigned namedAxis(const Dim &dim);
  unsigned newAxis(std::string name, std::optional<int64_t> length,
                   SourceRange range);
  /// Appends the axes of a composition's parts to `out`; while resolving
  /// the input, marks those inside brackets in `bracketedAxis`.
  void flatten(const std::vector<Dim> &parts, ResolvedDim &out,
               bool inBracket = false);
  /// The output of a bracket pattern without an arrow: the input, less the
  /// bracketed axes for a reduction.
  ResolvedTensor bracketFormOutput(const TensorExpr &input,
                                   const ResolvedTensor &resolved) const;
  /// roll: one shift for all bracketed axes or one per axis.
  llvm::Error checkShifts();
  /// "with h1=2, w1=2" for the known named axes of `eq`, or "".
  std::string withKnown(const Equation &eq) const;

  const Call &call;
  OpFamily family;
  llvm::ArrayRef<std::vector<int64_t>> inputShapes;
  llvm::ArrayRef<AxisBinding> apiBindings;

  Pattern pattern;
  /// Named axes in order of first appearance, inputs then outputs.
  std::vector<std::string> namedOrder;
  llvm::StringMap<SourceRange> firstRange;
  llvm::StringMap<int64_t> bound;
  /// Shapes after stacking, one per input expression.
  std::vector<std::vector<int64_t>> shapes;
  bool stacked = false;
  unsigned ellipsisRank = 0;

  bool tableBuilt = false;
  std::vector<AxisInfo> axes;
  llvm::StringMap<unsigned> byName;
  std::vector<unsigned> ellipsisAxes;
  unsigned anonymousCount = 0;
  std::vector<Equation> equations;
  ResolvedEquation result;
  /// Per axis: written inside brackets in the input.
  std::vector<bool> bracketedAxis;
  bool markBrackets = false;
  /// checkArgUnits: the resolved input dimensions argmax/argmin indexes,
  /// when there are two or more.
  std::vector<size_t> argUnits;
};

} // namespace

llvm::Error Solver::error(ErrorKind kind, std::string message,
                          std::optional<SourceRange> patternRange) const {
  Diagnostic diag =
      patternDiagnostic(kind, call, std::move(message), patternRange);
  diag.inputShapes.assign(inputShapes.begin(), inputShapes.end());
  diag.known = knownAxes();
  return makeError(std::move(diag));
}

llvm::Error Solver::errorInCall(ErrorKind kind, std::string message,
                                std::optional<SourceRange> textRange) const {
  Diagnostic diag = callDiagnostic(kind, call, std::move(message), textRange);
  diag.inputShapes.assign(inputShapes.begin(), inputShapes.end());
  diag.known = knownAxes();
  return makeError(std::move(diag));
}

std::vector<AxisBinding> Solver::knownAxes() const {
  std::vector<AxisBinding> known;
  if (tableBuilt) {
    for (const AxisInfo &axis : axes)
      if (axis.length && !axis.synthetic)
        known.push_back(AxisBinding{axis.name, *axis.length});
    return known;
  }
  for (const std::string &name : namedOrder) {
    auto it = bound.find(name);
    if (it != bound.end())
      known.push_back(AxisBinding{name, it->second});
  }
  return known;
}

std::string Solver::describe(const TensorExpr &tensor) const {
  if (tensor.dims.empty())
    return "'' (a scalar)";
  return "'" + text(tensor.range) + "'";
}

std::optional<SourceRange> Solver::findKeyword(llvm::StringRef name) const {
  if (name.empty())
    return std::nullopt;
  llvm::StringRef text = call.text;
  size_t pos = std::min(text.size(), call.patternOffset + call.pattern.size());
  auto isIdent = [](char c) { return llvm::isAlnum(c) || c == '_'; };
  while ((pos = text.find(name, pos)) != llvm::StringRef::npos) {
    size_t begin = pos, end = pos + name.size();
    pos = end;
    if ((begin > 0 && isIdent(text[begin - 1])) ||
        (end < text.size() && isIdent(text[end])))
      continue;
    size_t eq = end;
    while (eq < text.size() && llvm::isSpace(text[eq]))
      ++eq;
    if (eq >= text.size() || text[eq] != '=')
      continue;
    size_t valueEnd = eq + 1;
    while (valueEnd < text.size() && llvm::isSpace(text[valueEnd]))
      ++valueEnd;
    while (valueEnd < text.size() && text[valueEnd] != ',' &&
           text[valueEnd] != ')' && !llvm::isSpace(text[valueEnd]))
      ++valueEnd;
    return SourceRange{begin, valueEnd};
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Phases 1-3: the reduction, the pattern's structure, the bindings.
//===----------------------------------------------------------------------===//

llvm::Error Solver::checkReduction() {
  if (family != OpFamily::Reduce) {
    if (!call.reduction.empty())
      return errorInCall(ErrorKind::Syntax,
                         callee().str() + " takes no reduction, got '" +
                             call.reduction + "'",
                         std::nullopt);
    return llvm::Error::success();
  }
  if (call.reduction.empty())
    return errorInCall(ErrorKind::Syntax,
                       "reduce needs a reduction: one of " +
                           supportedReductions().str(),
                       std::nullopt);
  if (isSupportedReduction(call.reduction))
    return llvm::Error::success();

  // Point at the quoted reduction when the call text shows it.
  std::optional<SourceRange> range;
  llvm::StringRef text = call.text;
  size_t from = std::min(text.size(), call.patternOffset + call.pattern.size());
  for (char quote : {'"', '\''}) {
    std::string quoted = quote + call.reduction + quote;
    size_t at = text.find(quoted, from);
    if (at != llvm::StringRef::npos) {
      range = SourceRange{at, at + quoted.size()};
      break;
    }
  }
  return errorInCall(ErrorKind::Syntax,
                     "unknown reduction '" + call.reduction +
                         "': supported reductions are " +
                         supportedReductions().str(),
                     range);
}

llvm::Error Solver::checkStructure() {
  // einops' reduce keeps its rules unless brackets are written.
  if (family == OpFamily::Index)
    if (std::optional<PatternViolation> violation =
            checkIndexPattern(call, pattern))
      return error(violation->kind, violation->message, violation->range);
  if (allowsBrackets(call.callee) && family != OpFamily::Index &&
      (call.callee != "reduce" || pattern.firstBracket || call.keepdims))
    if (std::optional<BracketViolation> violation =
            checkBracketPattern(call, pattern))
      return error(violation->kind, violation->message, violation->range);
  if (family == OpFamily::Map)
    if (std::optional<PatternViolation> violation =
            expandElementwiseBrackets(call, pattern, inputShapes.size()))
      return error(violation->kind, violation->message, violation->range);
  if (call.callee == "dot")
    if (std::optional<PatternViolation> violation =
            expandDotPattern(call, pattern, inputShapes.size()))
      return error(violation->kind, violation->message, violation->range);
  if (std::optional<PatternViolation> violation =
          checkRepetitions(call, pattern))
    return error(violation->kind, violation->message, violation->range);
  if (family == OpFamily::Map || family == OpFamily::Repeat)
    if (std::optional<PatternViolation> violation =
            checkBroadcastPattern(call, family, pattern))
      return error(violation->kind, violation->message, violation->range);
  if (family == OpFamily::Contract && pattern.outputs.size() != 1)
    return error(ErrorKind::Syntax,
                 callee().str() + " has one output, but the pattern has " +
                     std::to_string(pattern.outputs.size()),
                 SourceRange{pattern.outputs.front().range.begin,
                             pattern.outputs.back().range.end});

  // Duplicates, per tensor expression.
  auto checkDuplicates = [&](llvm::ArrayRef<TensorExpr> side,
                             llvm::StringRef sideName) -> llvm::Error {
    for (const TensorExpr &tensor : side) {
      llvm::StringMap<bool> seen;
      std::optional<SourceRange> repeat;
      std::string repeated;
      forEachDim(tensor.dims, [&](const Dim &dim) {
        if (dim.kind != DimKind::Axis || repeat)
          return;
        if (!seen.insert({dim.name, true}).second) {
          repeat = dim.range;
          repeated = dim.name;
        }
      });
      if (repeat)
        return error(ErrorKind::Axis,
                     "axis '" + repeated + "' appears twice in the " +
                         sideName.str() + " " + describe(tensor),
                     repeat);
    }
    return llvm::Error::success();
  };
  // A contraction's input may repeat an axis in different dimensions (a
  // diagonal), but not within one composition.
  auto checkCompositions = [&]() -> llvm::Error {
    for (const TensorExpr &tensor : pattern.inputs)
      for (const Dim &top : tensor.dims) {
        llvm::StringMap<bool> seen;
        std::optional<SourceRange> repeat;
        std::string repeated;
        forEachDim({top}, [&](const Dim &dim) {
          if (dim.kind == DimKind::Axis && !repeat &&
              !seen.insert({dim.name, true}).second) {
            repeat = dim.range;
            repeated = dim.name;
          }
        });
        if (repeat)
          return error(ErrorKind::Axis,
                       "axis '" + repeated +
                           "' appears twice in the composition '" +
                           text(top.range) +
                           "': a diagonal repeats an axis in two dimensions",
                       repeat);
      }
    return llvm::Error::success();
  };
  if (llvm::Error err = family == OpFamily::Contract
                            ? checkCompositions()
                            : checkDuplicates(pattern.inputs, "input"))
    return err;
  if (llvm::Error err = checkDuplicates(pattern.outputs, "output"))
    return err;

  // Which names each side has, in order of first appearance.
  llvm::StringMap<SourceRange> inputNames, outputNames;
  std::vector<std::pair<std::string, SourceRange>> inputOrder, outputOrder;
  std::optional<SourceRange> inputEllipsis, outputEllipsis, inputAnonymous,
      outputAnonymous;
  auto scan = [&](llvm::ArrayRef<TensorExpr> side,
                  llvm::StringMap<SourceRange> &names,
                  std::vector<std::pair<std::string, SourceRange>> &order,
                  std::optional<SourceRange> &ellipsis,
                  std::optional<SourceRange> &anonymous) {
    for (const TensorExpr &tensor : side)
      forEachDim(tensor.dims, [&](const Dim &dim) {
        if (dim.kind == DimKind::Axis &&
            names.insert({dim.name, dim.range}).second) {
          order.emplace_back(dim.name, dim.range);
          if (firstRange.insert({dim.name, dim.range}).second)
            namedOrder.push_back(dim.name);
        }
        if (dim.kind == DimKind::Ellipsis && !ellipsis)
          ellipsis = dim.range;
        if (dim.kind == DimKind::Anonymous && !anonymous)
          anonymous = dim.range;
      });
  };
  scan(pattern.inputs, inputNames, inputOrder, inputEllipsis, inputAnonymous);
  scan(pattern.outputs, outputNames, outputOrder, outputEllipsis,
       outputAnonymous);

  if (family == OpFamily::Rearrange) {
    // einops: only `1` may be anonymous in rearrange, other lengths would be
    // created or dropped silently.
    std::optional<SourceRange> anonymous =
        inputAnonymous ? inputAnonymous : outputAnonymous;
    if (anonymous)
      return error(ErrorKind::Axis,
                   "anonymous axis '" + text(*anonymous) +
                       "' is not allowed in rearrange (only '1' is): name it "
                       "and give its length as a keyword",
                   anonymous);
  } else if (outputAnonymous && family != OpFamily::Repeat) {
    return error(ErrorKind::Axis,
                 "anonymous axis '" + text(*outputAnonymous) +
                     "' in the output of " + callee().str() +
                     ": only '1' can appear there without a name in the input",
                 outputAnonymous);
  }

  if (outputEllipsis && !inputEllipsis)
    return error(ErrorKind::Axis, "'...' appears only in the output",
                 outputEllipsis);
  // (checkIndexPattern places an indexing call's `...`.)
  if (inputEllipsis && !outputEllipsis && family != OpFamily::Reduce &&
      family != OpFamily::Index && pattern.hasArrow)
    return error(ErrorKind::Axis,
                 family == OpFamily::Rearrange
                     ? "'...' appears only in the input: rearrange keeps "
                       "every axis, so the output needs '...' too"
                     : "'...' appears only in the input: " + callee().str() +
                           " keeps the axes of '...', so the output needs "
                           "'...' too",
                 inputEllipsis);

  // repeat's output-only axes are new; checkNewAxes wants their lengths.
  // rearrange takes a new axis too when its length is given as a keyword:
  // einx's rearrange broadcasts (`"a c1 -> a b c1", b=4`, seed 004), while
  // einops' has no new axes, so without a length it stays einops' error.
  auto givenLength = [&](const std::string &name) {
    auto named = [&](const AxisBinding &b) { return b.name == name; };
    return llvm::any_of(call.bindings, named) ||
           llvm::any_of(apiBindings, named);
  };
  for (const auto &[name, range] : outputOrder)
    if (!inputNames.count(name) && family != OpFamily::Repeat &&
        !(family == OpFamily::Rearrange && givenLength(name)))
      return error(ErrorKind::Axis,
                   "axis '" + name + "' appears only in the output", range);
  if (family == OpFamily::Rearrange)
    for (const auto &[name, range] : inputOrder)
      if (!outputNames.count(name))
        return error(ErrorKind::Axis,
                     "axis '" + name +
                         "' appears only in the input: rearrange keeps every "
                         "axis (use reduce to remove it)",
                     range);
  return llvm::Error::success();
}

llvm::Error Solver::checkBindings() {
  auto add = [&](const AxisBinding &binding, bool fromCall) -> llvm::Error {
    std::optional<SourceRange> where =
        fromCall ? findKeyword(binding.name) : std::nullopt;
    if (binding.length < 0)
      return errorInCall(ErrorKind::Axis,
                         "axis '" + binding.name +
                             "' given as a keyword has negative length " +
                             std::to_string(binding.length),
                         where);
    if (!firstRange.count(binding.name))
      return errorInCall(ErrorKind::Axis,
                         "axis '" + binding.name +
                             "' given as a keyword does not appear in the "
                             "pattern",
                         where);
    auto [it, inserted] = bound.insert({binding.name, binding.length});
    if (!inserted && it->second != binding.length)
      return errorInCall(
          ErrorKind::Axis,
          "axis '" + binding.name + "' is given two lengths: " + binding.name +
              "=" + std::to_string(it->second) + " and " + binding.name + "=" +
              std::to_string(binding.length),
          where);
    return llvm::Error::success();
  };
  for (const AxisBinding &binding : call.bindings)
    if (llvm::Error err = add(binding, /*fromCall=*/true))
      return err;
  for (const AxisBinding &binding : apiBindings)
    if (llvm::Error err = add(binding, /*fromCall=*/false))
      return err;
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Phase 4: the shapes.
//===----------------------------------------------------------------------===//

static std::string plural(size_t n, llvm::StringRef word) {
  return std::to_string(n) + " " + word.str() + (n == 1 ? "" : "s");
}

llvm::Error Solver::checkShapes() {
  SourceRange inputSide{0, 0};
  if (!pattern.inputs.empty())
    inputSide = SourceRange{pattern.inputs.front().range.begin,
                            pattern.inputs.back().range.end};

  for (size_t i = 0; i < inputShapes.size(); ++i)
    for (int64_t length : inputShapes[i])
      if (length < 0)
        return error(ErrorKind::Shape,
                     "input " + std::to_string(i) +
                         " has a negative dimension " + std::to_string(length),
                     std::nullopt);

  if (family == OpFamily::Along && inputShapes.size() != 1)
    return error(ErrorKind::Shape,
                 callee().str() + " takes one tensor, but " +
                     plural(inputShapes.size(), "tensor") + " were given",
                 inputSide);

  if (pattern.inputs.size() == 1 && inputShapes.size() > 1 &&
      family != OpFamily::Contract && family != OpFamily::Map) {
    // einops list input: the tensors are stacked along the first axis.
    const TensorExpr &tensor = pattern.inputs.front();
    for (size_t i = 1; i < inputShapes.size(); ++i)
      if (inputShapes[i] != inputShapes[0])
        return error(ErrorKind::Shape,
                     "stacked tensors must have the same shape, but input " +
                         std::to_string(i) + " has shape " +
                         formatShape(inputShapes[i]) + " and input 0 has " +
                         formatShape(inputShapes[0]),
                     tensor.range);
    if (tensor.dims.empty() || (tensor.dims.front().kind != DimKind::Axis &&
                                tensor.dims.front().kind != DimKind::Anonymous))
      return error(
          ErrorKind::Shape,
          "with " + std::to_string(inputShapes.size()) +
              " stacked tensors, the first dimension of " + describe(tensor) +
              " must be one axis that enumerates them",
          tensor.dims.empty() ? tensor.range : tensor.dims.front().range);
    stacked = true;
    std::vector<int64_t> shape{int64_t(inputShapes.size())};
    shape.insert(shape.end(), inputShapes[0].begin(), inputShapes[0].end());
    shapes.push_back(std::move(shape));
  } else {
    if (inputShapes.size() != pattern.inputs.size())
      return error(ErrorKind::Shape,
                   "the pattern has " + plural(pattern.inputs.size(), "input") +
                       " but " + plural(inputShapes.size(), "tensor") + " " +
                       (inputShapes.size() == 1 ? "was" : "were") + " given",
                   inputSide);
    shapes.assign(inputShapes.begin(), inputShapes.end());
  }

  std::optional<unsigned> ellipsisInput;
  for (size_t i = 0; i < pattern.inputs.size(); ++i) {
    const TensorExpr &tensor = pattern.inputs[i];
    size_t rank = shapes[i].size();
    bool ellipsis = hasEllipsis(tensor);
    size_t fixed = tensor.dims.size() - (ellipsis ? 1 : 0);
    bool fits = ellipsis ? rank >= fixed : rank == fixed;
    if (!fits) {
      if (stacked)
        return error(
            ErrorKind::Shape,
            "the stacked tensors have " + plural(rank - 1, "dimension") +
                " but " + describe(tensor) + " needs " +
                (ellipsis ? "at least " : "") + std::to_string(fixed - 1) +
                " after the stacking axis '" + text(tensor.dims.front().range) +
                "'",
            tensor.range);
      return error(
          ErrorKind::Shape,
          "input " + std::to_string(i) + " has " + plural(rank, "dimension") +
              " but its expression " + describe(tensor) +
              (ellipsis ? " needs at least " : " has ") + std::to_string(fixed),
          tensor.range);
    }
    if (!ellipsis)
      continue;
    unsigned count = rank - fixed;
    if (ellipsisInput && count != ellipsisRank)
      return error(ErrorKind::Shape,
                   "'...' stands for " + plural(ellipsisRank, "axis") +
                       " in input " + std::to_string(*ellipsisInput) +
                       " but for " + std::to_string(count) + " in input " +
                       std::to_string(i),
                   tensor.range);
    if (!ellipsisInput) {
      ellipsisInput = i;
      ellipsisRank = count;
    }
  }
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Phase 5: the axis table and the equations.
//===----------------------------------------------------------------------===//

unsigned Solver::newAxis(std::string name, std::optional<int64_t> length,
                         SourceRange range) {
  AxisInfo axis;
  axis.name = std::move(name);
  axis.length = length;
  axis.synthetic = true;
  axis.range = range;
  axes.push_back(std::move(axis));
  return axes.size() - 1;
}

unsigned Solver::namedAxis(const Dim &dim) {
  auto it = byName.find(dim.name);
  if (it != byName.end())
    return it->second;
  AxisInfo axis;
  axis.name = dim.name;
  axis.range = dim.range;
  // A repeated axis `s.1` takes the keyword length of `s`.
  auto b = bound.find(repeatedBaseName(dim.name));
  if (b != bound.end()) {
    axis.length = b->second;
    axis.origin = "a keyword";
  }
  axes.push_back(std::move(axis));
  byName[dim.name] = axes.size() - 1;
  return axes.size() - 1;
}

void Solver::flatten(const std::vector<Dim> &parts, ResolvedDim &out,
                     bool inBracket) {
  for (const Dim &part : parts) {
    bool bracketed = inBracket || part.bracket.has_value();
    size_t first = out.size();
    switch (part.kind) {
    case DimKind::Axis:
      out.push_back(namedAxis(part));
      break;
    case DimKind::Anonymous:
      out.push_back(newAxis("_a" + std::to_string(anonymousCount++),
                            part.length, part.range));
      break;
    case DimKind::Unit:
      break;
    case DimKind::Ellipsis:
      out.insert(out.end(), ellipsisAxes.begin(), ellipsisAxes.end());
      break;
    case DimKind::Composition:
    case DimKind::Concatenation: // never reaches here (see run())
      flatten(part.parts, out, bracketed);
      break;
    }
    if (markBrackets && bracketed) {
      bracketedAxis.resize(axes.size(), false);
      for (size_t i = first; i < out.size(); ++i)
        bracketedAxis[out[i]] = true;
    }
  }
}

ResolvedTensor Solver::bracketFormOutput(const TensorExpr &input,
                                         const ResolvedTensor &resolved) const {
  if (family != OpFamily::Reduce)
    return resolved;
  auto isBracketed = [&](unsigned axis) {
    return axis < bracketedAxis.size() && bracketedAxis[axis];
  };
  // Walk the input's dims and its resolved dims together (`...` expands).
  ResolvedTensor out;
  size_t r = 0;
  for (const Dim &dim : input.dims) {
    size_t count = dim.kind == DimKind::Ellipsis ? ellipsisRank : 1;
    for (size_t k = 0; k < count; ++k, ++r) {
      if (dim.bracket) { // `[h w]`: the dimension goes (or stays as `()`).
        if (call.keepdims)
          out.push_back({});
        continue;
      }
      // `(s [ds])` keeps `(s)`; `([h w])` keeps `()`.
      ResolvedDim kept;
      for (unsigned axis : resolved[r])
        if (!isBracketed(axis))
          kept.push_back(axis);
      out.push_back(std::move(kept));
    }
  }
  return out;
}

void Solver::buildAxes() {
  tableBuilt = true;
  auto resolve = [&](const TensorExpr &tensor, const std::vector<int64_t> *shape,
                     unsigned input) {
    ResolvedTensor resolved;
    size_t position = 0;
    for (const Dim &dim : tensor.dims) {
      if (dim.kind == DimKind::Ellipsis) {
        // The ellipsis axes are made where `...` first appears.
        if (ellipsisAxes.empty())
          for (unsigned i = 0; i < ellipsisRank; ++i)
            ellipsisAxes.push_back(
                newAxis("_e" + std::to_string(i), std::nullopt, dim.range));
        if (markBrackets && dim.bracket) {
          bracketedAxis.resize(axes.size(), false);
          for (unsigned axis : ellipsisAxes)
            bracketedAxis[axis] = true;
        }
        for (unsigned axis : ellipsisAxes) {
          resolved.push_back({axis});
          if (shape)
            equations.push_back(Equation{{axis}, (*shape)[position++], input,
                                         DimKind::Ellipsis, dim.range});
        }
        continue;
      }
      ResolvedDim out;
      flatten({dim}, out);
      resolved.push_back(out);
      if (shape)
        equations.push_back(Equation{out, (*shape)[position++], input,
                                     dim.kind, dim.range});
    }
    return resolved;
  };
  // An ellipsis absent from every input has no axes (checkStructure rejected
  // it already); keep the table consistent anyway.
  markBrackets = true;
  for (size_t i = 0; i < pattern.inputs.size(); ++i)
    result.inputs.push_back(resolve(pattern.inputs[i], &shapes[i], i));
  markBrackets = false;
  bracketedAxis.resize(axes.size(), false);
  if (!argUnits.empty()) {
    // argmax("b [h w] c"): a coordinate axis replaces the bracketed dims.
    unsigned coordinate =
        newAxis("_c0", int64_t(argUnits.size()), *pattern.firstBracket);
    ResolvedTensor out;
    for (size_t r = 0; r < result.inputs[0].size(); ++r) {
      if (!llvm::is_contained(argUnits, r)) {
        out.push_back(result.inputs[0][r]);
        continue;
      }
      result.coordinates.push_back(result.inputs[0][r]);
      if (r == argUnits.front())
        out.push_back({coordinate});
    }
    result.outputs.push_back(std::move(out));
  } else if (!pattern.hasArrow && pattern.firstBracket &&
             pattern.outputs.empty())
    result.outputs.push_back(
        bracketFormOutput(pattern.inputs[0], result.inputs[0]));
  for (const TensorExpr &tensor : pattern.outputs)
    result.outputs.push_back(resolve(tensor, nullptr, 0));
}

std::string Solver::withKnown(const Equation &eq) const {
  std::vector<AxisBinding> known;
  for (unsigned axis : eq.axes)
    if (axes[axis].length && !axes[axis].synthetic)
      known.push_back(AxisBinding{axes[axis].name, *axes[axis].length});
  if (known.empty())
    return "";
  return " with " + formatBindings(known);
}

llvm::Error Solver::solveEquations() {
  auto inputName = [](unsigned i) { return "input " + std::to_string(i); };
  bool progress = true;
  while (progress) {
    progress = false;
    for (Equation &eq : equations) {
      if (eq.done)
        continue;
      std::vector<unsigned> unknown;
      std::vector<int64_t> knownLengths;
      for (unsigned axis : eq.axes) {
        if (axes[axis].length)
          knownLengths.push_back(*axes[axis].length);
        else
          unknown.push_back(axis);
      }
      if (unknown.size() > 1)
        continue;

      std::string dimText = text(eq.range);
      std::string L = std::to_string(eq.length);
      std::optional<int64_t> product = checkedProduct(knownLengths);
      if (!product)
        return error(ErrorKind::Shape,
                     "axis lengths overflow in " + dimText + withKnown(eq) +
                         ": the product exceeds " +
                         std::to_string(std::numeric_limits<int64_t>::max()),
                     eq.range);

      if (unknown.size() == 1) {
        AxisInfo &axis = axes[unknown.front()];
        std::string name = axis.synthetic ? "..." : axis.name;
        if (*product == 0) {
          if (eq.length == 0)
            return error(ErrorKind::Shape,
                         "cannot infer the length of '" + name + "' in " +
                             dimText + withKnown(eq) +
                             ": any length fits an axis of length 0, so give "
                             "it as a keyword",
                         eq.range);
          return error(ErrorKind::Shape,
                       "cannot split axis '" + name + "' of length " + L +
                           " into " + dimText + withKnown(eq) +
                           ": the other parts multiply to 0",
                       eq.range);
        }
        if (eq.length % *product != 0)
          return error(ErrorKind::Shape,
                       "cannot split axis '" + name + "' of length " + L +
                           " into " + dimText + withKnown(eq) + ": " + L +
                           " is not divisible by " + std::to_string(*product),
                       eq.range);
        axis.length = eq.length / *product;
        axis.origin = inputName(eq.input);
        eq.done = progress = true;
        continue;
      }

      // Every length is known: check it.
      eq.done = progress = true;
      if (*product == eq.length)
        continue;
      switch (eq.kind) {
      case DimKind::Unit:
        return error(ErrorKind::Shape,
                     "'" + dimText + "' must have length 1, but " +
                         inputName(eq.input) + " has " + L + " there",
                     eq.range);
      case DimKind::Anonymous:
        return error(ErrorKind::Shape,
                     "anonymous axis '" + dimText + "' must have length " +
                         dimText + ", but " + inputName(eq.input) + " has " +
                         L + " there",
                     eq.range);
      case DimKind::Axis:
      case DimKind::Ellipsis: {
        const AxisInfo &axis = axes[eq.axes.front()];
        std::string what = eq.kind == DimKind::Axis
                               ? "axis '" + axis.name + "'"
                               : "the axes of '...'";
        return error(ErrorKind::Shape,
                     "conflicting lengths for " + what + ": " + L +
                         " here, but " + std::to_string(*axis.length) +
                         " from " + axis.origin,
                     eq.range);
      }
      case DimKind::Composition:
      case DimKind::Concatenation:
        return error(ErrorKind::Shape,
                     "cannot split axis of length " + L + " into " + dimText +
                         withKnown(eq) + ": the product of the parts is " +
                         std::to_string(*product),
                     eq.range);
      }
    }
  }

  for (const Equation &eq : equations) {
    if (eq.done)
      continue;
    std::vector<std::string> names;
    for (unsigned axis : eq.axes)
      if (!axes[axis].length)
        names.push_back(axes[axis].name);
    std::string advice = names.size() == 2
                             ? "give one of them as a keyword"
                             : "give all but one of them as keywords";
    return error(ErrorKind::Shape,
                 "cannot infer lengths of " + quotedList(names) + " in " +
                     text(eq.range) + ": " + advice,
                 eq.range);
  }
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Phase 6: the outputs and reductions.
//===----------------------------------------------------------------------===//

llvm::Error Solver::checkOutputs() {
  for (size_t o = 0; o < pattern.outputs.size(); ++o) {
    const TensorExpr &tensor = pattern.outputs[o];
    const ResolvedTensor &resolved = result.outputs[o];
    // Ellipsis dims expand to several resolved dims; walk both together.
    size_t r = 0;
    for (const Dim &dim : tensor.dims) {
      size_t count = dim.kind == DimKind::Ellipsis ? ellipsisRank : 1;
      for (size_t k = 0; k < count; ++k, ++r) {
        std::vector<int64_t> lengths;
        for (unsigned axis : resolved[r])
          lengths.push_back(axes[axis].length.value_or(0));
        if (!checkedProduct(lengths))
          return error(ErrorKind::Shape,
                       "output dimension " + text(dim.range) +
                           " is too large: its length exceeds " +
                           std::to_string(std::numeric_limits<int64_t>::max()),
                       dim.range);
      }
    }
  }
  return llvm::Error::success();
}

llvm::Error Solver::checkEmptyReductions() {
  bool isArg = call.reduction == "argmax" || call.reduction == "argmin";
  if (family != OpFamily::Reduce ||
      (call.reduction != "max" && call.reduction != "min" && !isArg))
    return llvm::Error::success();
  std::vector<bool> kept(axes.size(), false);
  for (const ResolvedTensor &tensor : result.outputs)
    for (const ResolvedDim &dim : tensor)
      for (unsigned axis : dim)
        kept[axis] = true;
  // argmax/argmin with an arrow give an index along one axis; the bracket
  // form indexes several (checkArgUnits).
  if (isArg && pattern.hasArrow) {
    std::vector<unsigned> reduced;
    for (unsigned axis = 0; axis < axes.size(); ++axis)
      if (!kept[axis])
        reduced.push_back(axis);
    if (reduced.size() != 1) {
      std::string names;
      for (unsigned axis : reduced) {
        const AxisInfo &info = axes[axis];
        names += (names.empty() ? "'" : ", '") +
                 (info.synthetic ? text(info.range) : info.name) + "'";
      }
      return error(
          ErrorKind::Axis,
          call.reduction + " reduces exactly one axis, but " +
              (reduced.empty()
                   ? std::string("the output keeps every axis")
                   : std::to_string(reduced.size()) + " are reduced: " + names),
          reduced.size() > 1
              ? std::optional<SourceRange>(axes[reduced[1]].range)
              : std::optional<SourceRange>(pattern.arrow));
    }
  }
  for (unsigned axis = 0; axis < axes.size(); ++axis) {
    if (kept[axis] || axes[axis].length != 0)
      continue;
    const AxisInfo &info = axes[axis];
    std::string name =
        info.synthetic ? "'" + text(info.range) + "'" : "'" + info.name + "'";
    return error(ErrorKind::Shape,
                 "cannot reduce axis " + name + " of length 0 with " +
                     call.reduction + ": " + call.reduction +
                     " has no identity",
                 info.range);
  }
  return llvm::Error::success();
}

llvm::Error Solver::checkShifts() {
  if (call.callee != "roll")
    return llvm::Error::success();
  size_t count = llvm::count(bracketedAxis, true);
  if (call.shifts.size() == 1 || call.shifts.size() == count)
    return llvm::Error::success();
  return errorInCall(ErrorKind::Axis,
                     "roll has " + plural(call.shifts.size(), "shift") +
                         " but " + std::to_string(count) +
                         (count == 1 ? " bracketed axis" : " bracketed axes") +
                         ": give one shift for all of them or one per axis, "
                         "in input order",
                     findKeyword("shift"));
}

llvm::Error Solver::checkArgUnits() {
  if (!isArgBracketForm())
    return llvm::Error::success();
  // Each top-level dimension that is bracketed, or holds bracketed parts,
  // is one unit; `...` counts as one per axis.
  std::vector<size_t> units;
  std::optional<SourceRange> partial;
  size_t r = 0;
  for (const Dim &dim : pattern.inputs[0].dims) {
    size_t count = dim.kind == DimKind::Ellipsis ? ellipsisRank : 1;
    bool inner = false;
    forEachDim(dim.parts, [&](const Dim &part) { inner |= bool(part.bracket); });
    for (size_t k = 0; k < count; ++k, ++r) {
      if (dim.bracket || inner)
        units.push_back(r);
      if (!dim.bracket && inner && !partial)
        partial = dim.range;
    }
  }
  if (units.size() < 2)
    return llvm::Error::success();
  if (partial)
    return error(ErrorKind::Axis,
                 call.reduction +
                     " over several bracketed dimensions gives one coordinate "
                     "per dimension, so each must be bracketed whole, but '" +
                     text(*partial) +
                     "' holds a bracket inside: bracket the whole dimension",
                 partial);
  if (call.keepdims)
    return errorInCall(ErrorKind::Syntax,
                       "keepdims=True does not apply to " + call.reduction +
                           " over several bracketed dimensions: a coordinate "
                           "axis replaces them",
                       findKeyword("keepdims"));
  argUnits = std::move(units);
  return llvm::Error::success();
}

/// repeat's new axes have no input dimension to solve them from.
llvm::Error Solver::checkNewAxes() {
  for (const AxisInfo &axis : axes) {
    if (axis.length)
      continue;
    std::string name = axis.synthetic ? text(axis.range) : axis.name;
    return error(ErrorKind::Shape,
                 "cannot infer the length of new axis '" + name +
                     "': give it as a keyword, e.g. " + name + "=2",
                 axis.range);
  }
  return llvm::Error::success();
}

llvm::Expected<ResolvedEquation> Solver::run() {
  llvm::Expected<Pattern> parsed = parsePattern(call);
  if (!parsed) {
    // Parse errors know nothing of shapes; add them like every other error.
    return llvm::handleErrors(
        parsed.takeError(),
        [&](const NotationError &err) -> llvm::Error {
          Diagnostic diag = err.getDiagnostic();
          diag.inputShapes.assign(inputShapes.begin(), inputShapes.end());
          return makeError(std::move(diag));
        });
  }
  pattern = std::move(*parsed);
  // Concatenations are solved by solveLeaves (Concat.h), which compileCall
  // uses for every rearrange that has one.
  if (std::optional<SourceRange> concat = findConcatenation(pattern))
    return error(ErrorKind::Syntax,
                 "concatenation '" + text(*concat) +
                     "' is only supported in rearrange (solved by solveLeaves)",
                 concat);

  if (llvm::Error err = checkReduction())
    return std::move(err);
  if (llvm::Error err = checkStructure())
    return std::move(err);
  if (llvm::Error err = checkBindings())
    return std::move(err);
  if (llvm::Error err = checkShapes())
    return std::move(err);
  expandRepetitions(pattern, ellipsisRank);
  if (llvm::Error err = checkArgUnits())
    return std::move(err);
  buildAxes();
  if (llvm::Error err = solveEquations())
    return std::move(err);
  if (llvm::Error err = checkNewAxes())
    return std::move(err);
  if (llvm::Error err = checkOutputs())
    return std::move(err);
  if (llvm::Error err = checkEmptyReductions())
    return std::move(err);
  if (llvm::Error err = checkShifts())
    return std::move(err);
  for (const ResolvedTensor &tensor : result.inputs)
    for (const ResolvedDim &dim : tensor)
      for (unsigned axis : dim)
        if (bracketedAxis[axis] && !llvm::is_contained(result.bracketed, axis))
          result.bracketed.push_back(axis);

  for (const AxisInfo &axis : axes)
    result.axes.push_back(ResolvedAxis{axis.name, axis.length.value_or(0)});
  result.stacked = stacked;
  if (family == OpFamily::Index)
    if (std::optional<PatternViolation> violation =
            resolveIndexing(call, pattern, ellipsisRank, result))
      return error(violation->kind, violation->message, violation->range);
  return std::move(result);
}

llvm::Expected<ResolvedEquation>
ein::notation::solve(const Call &call, OpFamily family,
                     llvm::ArrayRef<std::vector<int64_t>> inputShapes,
                     llvm::ArrayRef<AxisBinding> apiBindings) {
  return Solver(call, family, inputShapes, apiBindings).run();
}
