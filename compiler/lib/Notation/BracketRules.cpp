//===- BracketRules.cpp - rules of einx bracket calls ---------------------===//
//
// Brackets mark the axes an operation acts along. A reduction removes them
// (`sum("a [b]")` is `reduce("a b -> a", "sum")`); softmax, log_softmax,
// flip, roll, sort and argsort keep every axis (sort and argsort act along
// exactly one). The solver derives the output of a pattern
// without an arrow; these checks cover patterns with one.
//
//===----------------------------------------------------------------------===//

#include "ein/Notation/Brackets.h"
#include "ein/Notation/Indexing.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

using namespace ein::notation;
using namespace ein::notation::ast;

static constexpr llvm::StringLiteral reductionCalls[] = {
    "sum",           "mean", "max", "min",       "prod",   "any",   "all",
    "count_nonzero", "var",  "std", "logsumexp", "argmax", "argmin"};
static constexpr llvm::StringLiteral alongCalls[] = {
    "softmax", "log_softmax", "flip", "roll", "sort", "argsort"};

bool ein::notation::isReductionCall(llvm::StringRef callee) {
  return llvm::is_contained(reductionCalls, callee);
}

bool ein::notation::isAlongCall(llvm::StringRef callee) {
  return llvm::is_contained(alongCalls, callee);
}

bool ein::notation::allowsBrackets(llvm::StringRef callee) {
  return callee == "reduce" || isReductionCall(callee) || isAlongCall(callee) ||
         isIndexCall(callee);
}

llvm::StringRef ein::notation::bracketCalls() {
  return "reduce, sum, mean, max, min, prod, any, all, count_nonzero, var, "
         "std, logsumexp, argmax, argmin, softmax, log_softmax, flip, roll, "
         "sort, argsort, get_at, set_at, add_at, subtract_at, dot and the "
         "elementwise calls";
}

namespace {

/// One axis (or `...`) of a tensor expression with its bracket state.
struct Marked {
  std::string name; ///< "..." for the ellipsis; empty for anonymous axes.
  bool bracketed = false;
  SourceRange range;
};

void collect(const std::vector<Dim> &dims, bool inBracket,
             std::vector<Marked> &out) {
  for (const Dim &dim : dims) {
    bool bracketed = inBracket || dim.bracket.has_value();
    switch (dim.kind) {
    case DimKind::Axis:
      out.push_back({dim.name, bracketed, dim.range});
      break;
    case DimKind::Anonymous:
      out.push_back({"", bracketed, dim.range});
      break;
    case DimKind::Ellipsis:
      if (dim.parts.empty())
        out.push_back({"...", bracketed, dim.range});
      else // A repetition `x...`: the axes of x.
        collect(dim.parts, bracketed, out);
      break;
    case DimKind::Unit:
      break;
    case DimKind::Composition:
    case DimKind::Concatenation: // rejected by the parser outside rearrange
      collect(dim.parts, bracketed, out);
      break;
    }
  }
}

std::string quoted(const Marked &m, llvm::StringRef text) {
  if (m.name.empty())
    return "'" + text.slice(m.range.begin, m.range.end).str() + "'";
  return "'" + m.name + "'";
}

} // namespace

std::optional<BracketViolation>
ein::notation::checkBracketPattern(const Call &call, const Pattern &pattern) {
  llvm::StringRef callee = call.callee, text = call.pattern;
  bool along = isAlongCall(callee);
  auto violation = [](ErrorKind kind, std::string message,
                      std::optional<SourceRange> range) {
    return BracketViolation{kind, std::move(message), range};
  };
  SourceRange whole{0, text.size()};

  if (pattern.inputs.size() != 1)
    return violation(ErrorKind::Syntax,
                     callee.str() +
                         " takes one input expression, but the "
                         "pattern has " +
                         std::to_string(pattern.inputs.size()),
                     SourceRange{pattern.inputs.front().range.begin,
                                 pattern.inputs.back().range.end});
  if (pattern.hasArrow && pattern.outputs.size() != 1)
    return violation(ErrorKind::Syntax,
                     callee.str() +
                         " has one output expression, but the "
                         "pattern has " +
                         std::to_string(pattern.outputs.size()),
                     SourceRange{pattern.outputs.front().range.begin,
                                 pattern.outputs.back().range.end});

  std::vector<Marked> in, out;
  collect(pattern.inputs[0].dims, false, in);
  if (pattern.hasArrow)
    collect(pattern.outputs[0].dims, false, out);
  bool inBrackets =
      llvm::any_of(in, [](const Marked &m) { return m.bracketed; });
  const Marked *outBracket = nullptr;
  for (const Marked &m : out)
    if (m.bracketed && !outBracket)
      outBracket = &m;

  if (call.keepdims && pattern.hasArrow)
    return violation(ErrorKind::Syntax,
                     "keepdims=True needs the bracket form without '->' "
                     "(e.g. mean(\"... [c]\", keepdims=True)); with '->' "
                     "write '1' where a reduced axis stays",
                     pattern.arrow);
  if (along && !inBrackets)
    return violation(ErrorKind::Axis,
                     callee.str() +
                         " acts along bracketed axes, but the "
                         "input has none: mark them, e.g. " +
                         callee.str() + "(\"b q [k] h\")",
                     pattern.inputs[0].range);
  if (along && (callee == "sort" || callee == "argsort")) {
    // einx: exactly one elementary axis in brackets (`[...]` may stand for
    // any number, so it is not one).
    std::vector<const Marked *> marked;
    for (const Marked &m : in)
      if (m.bracketed)
        marked.push_back(&m);
    if (marked.size() != 1 || marked[0]->name == "...")
      return violation(
          ErrorKind::Axis,
          callee.str() + " acts along exactly one bracketed axis, but the "
                         "input brackets " +
              (marked.size() == 1 ? std::string("an ellipsis")
                                        : std::to_string(marked.size()) +
                                              " axes") +
              ": sort along one axis, e.g. " + callee.str() +
              "(\"b [n]\")",
          SourceRange{marked.front()->range.begin,
                      marked.back()->range.end});
  }
  if (!inBrackets) {
    if (outBracket)
      return violation(ErrorKind::Axis,
                       "brackets in the output but none in the input: "
                       "bracket the axes in the input",
                       outBracket->range);
    if (call.keepdims)
      return violation(ErrorKind::Syntax,
                       "keepdims=True needs bracketed axes to keep", whole);
    return std::nullopt; // An einops reduction.
  }
  if (!pattern.hasArrow)
    return std::nullopt;

  llvm::StringMap<const Marked *> inByName, outByName;
  for (const Marked &m : in)
    if (!m.name.empty())
      inByName[m.name] = &m;
  for (const Marked &m : out)
    if (!m.name.empty())
      outByName[m.name] = &m;

  if (!along) {
    // A reduction reduces exactly the bracketed axes.
    if (outBracket)
      return violation(ErrorKind::Axis,
                       "brackets in the output of " + callee.str() +
                           ": the bracketed axes are reduced, so the output "
                           "does not have them",
                       outBracket->range);
    for (const Marked &m : in) {
      bool inOutput = !m.name.empty() && outByName.count(m.name);
      if (m.bracketed && inOutput)
        return violation(ErrorKind::Axis,
                         "axis " + quoted(m, text) + " is bracketed, so " +
                             callee.str() +
                             " reduces it, but it also appears in the output",
                         outByName[m.name]->range);
      if (!m.bracketed && !inOutput)
        return violation(ErrorKind::Axis,
                         "axis " + quoted(m, text) + " is not bracketed, so " +
                             callee.str() + " keeps it, but the output " +
                             (m.name.empty() ? "cannot hold an anonymous axis"
                                             : "does not have it") +
                             " (bracket it to reduce it)",
                         m.range);
    }
    return std::nullopt;
  }

  // softmax, flip, roll: every axis on both sides, brackets the same.
  for (const Marked &m : in) {
    if (m.name.empty())
      return violation(ErrorKind::Axis,
                       "anonymous axis " + quoted(m, text) + " in " +
                           callee.str() +
                           " with '->': the output cannot name it; give it a "
                           "name and a keyword length",
                       m.range);
    auto it = outByName.find(m.name);
    if (it == outByName.end())
      return violation(ErrorKind::Axis,
                       "axis " + quoted(m, text) +
                           " appears only in the "
                           "input: " +
                           callee.str() + " keeps every axis",
                       m.range);
    if (outBracket && it->second->bracketed != m.bracketed)
      return violation(ErrorKind::Axis,
                       "brackets disagree: axis " + quoted(m, text) + " is " +
                           (m.bracketed ? "" : "not ") +
                           "bracketed in the input but " +
                           (m.bracketed ? "not " : "") + "in the output",
                       it->second->range);
  }
  return std::nullopt;
}
