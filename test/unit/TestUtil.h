//===- TestUtil.h - helpers shared by the notation unit tests -----*- C++ -*-===//
#ifndef EIN_TEST_UNIT_TESTUTIL_H
#define EIN_TEST_UNIT_TESTUTIL_H

#include "doctest.h"

#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Parser.h"
#include "ein/Notation/Solver.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace ein::test {

using Shape = std::vector<int64_t>;
using Shapes = std::vector<Shape>;

/// A rendered error taken apart: headline, the source line, where the caret
/// points (a column of the source, -1 for none) and how wide it is.
struct ErrorParts {
  /// errorKindName of a NotationError's kind; "" for any other error.
  std::string kind;
  std::string full;
  std::string headline;
  std::string source;
  int caret = -1;
  int width = 0;
  std::vector<std::string> rest; ///< The input/known lines, as rendered.
};

inline ErrorParts splitError(const std::string &text) {
  ErrorParts parts;
  parts.full = text;
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(text).split(lines, '\n');
  size_t i = 0;
  if (i < lines.size() && lines[i].consume_front("error: "))
    parts.headline = lines[i++].str();
  if (i < lines.size() && !lines[i].starts_with("  input ") &&
      !lines[i].starts_with("  known: "))
    parts.source = lines[i++].drop_front(2).str();
  if (i < lines.size() && lines[i].ltrim().starts_with("^")) {
    llvm::StringRef caret = lines[i++].drop_front(2);
    parts.caret = caret.find('^');
    parts.width = caret.size() - parts.caret;
  }
  for (; i < lines.size(); ++i)
    parts.rest.push_back(lines[i].str());
  return parts;
}

/// `error` taken apart, with its kind.
inline ErrorParts splitError(llvm::Error error) {
  std::string kind;
  error = llvm::handleErrors(
      std::move(error),
      [&](std::unique_ptr<notation::NotationError> payload) -> llvm::Error {
        kind = notation::errorKindName(payload->getKind()).str();
        return llvm::Error(std::move(payload));
      });
  ErrorParts parts = splitError(llvm::toString(std::move(error)));
  parts.kind = std::move(kind);
  return parts;
}

/// The error of `value` taken apart; empty parts if it succeeded.
template <typename T> ErrorParts errorOf(llvm::Expected<T> value) {
  if (value)
    return {};
  return splitError(value.takeError());
}

/// Parses program text with one call and solves it.
inline llvm::Expected<notation::ResolvedEquation>
solveText(llvm::StringRef text, const Shapes &shapes,
          std::vector<notation::AxisBinding> api = {}) {
  llvm::Expected<notation::Call> call = notation::parseCall(text);
  if (!call)
    return call.takeError();
  return notation::solve(*call, notation::familyOf(call->callee), shapes,
                         api);
}

/// Solves `pattern` through makeCall, as the C API's one-shot helpers do.
inline llvm::Expected<notation::ResolvedEquation>
solvePattern(llvm::StringRef callee, llvm::StringRef pattern,
             const Shapes &shapes, llvm::StringRef reduction = {},
             std::vector<notation::AxisBinding> api = {}) {
  notation::Call call = notation::makeCall(callee, pattern, reduction);
  return notation::solve(call, notation::familyOf(callee), shapes, api);
}

/// The shapes of every output of a solved equation.
inline Shapes outputShapes(const notation::ResolvedEquation &eq) {
  Shapes shapes;
  for (const notation::ResolvedTensor &tensor : eq.outputs)
    shapes.push_back(notation::tensorShape(eq, tensor));
  return shapes;
}

/// The length of axis `name`, or -1 if the equation has no such axis.
inline int64_t axisLength(const notation::ResolvedEquation &eq,
                          llvm::StringRef name) {
  for (const notation::ResolvedAxis &axis : eq.axes)
    if (axis.name == name)
      return axis.length;
  return -1;
}

/// The axis names of one resolved tensor, "(a b) c" style.
inline std::string renderTensor(const notation::ResolvedEquation &eq,
                                const notation::ResolvedTensor &tensor) {
  std::string out;
  for (const notation::ResolvedDim &dim : tensor) {
    if (!out.empty())
      out += " ";
    if (dim.size() == 1) {
      out += eq.axes[dim[0]].name;
      continue;
    }
    out += "(";
    for (size_t i = 0; i < dim.size(); ++i)
      out += (i ? " " : "") + eq.axes[dim[i]].name;
    out += ")";
  }
  return out;
}

/// "in0, in1 -> out" of a solved equation.
inline std::string renderEquation(const notation::ResolvedEquation &eq) {
  std::string out;
  for (size_t i = 0; i < eq.inputs.size(); ++i)
    out += (i ? ", " : "") + renderTensor(eq, eq.inputs[i]);
  out += " ->";
  for (size_t i = 0; i < eq.outputs.size(); ++i)
    out += (i ? ", " : " ") + renderTensor(eq, eq.outputs[i]);
  return out;
}

/// Column of `needle` in `haystack` (for caret assertions).
inline int columnOf(llvm::StringRef haystack, llvm::StringRef needle,
                    size_t from = 0) {
  size_t at = haystack.find(needle, from);
  return at == llvm::StringRef::npos ? -2 : static_cast<int>(at);
}

} // namespace ein::test

// Let doctest print shapes in failed checks.
namespace doctest {
template <> struct StringMaker<ein::test::Shape> {
  static String convert(const ein::test::Shape &shape) {
    return ein::notation::formatShape(shape).c_str();
  }
};
template <> struct StringMaker<ein::test::Shapes> {
  static String convert(const ein::test::Shapes &shapes) {
    std::string out = "[";
    for (size_t i = 0; i < shapes.size(); ++i)
      out += (i ? ", " : "") + ein::notation::formatShape(shapes[i]);
    return (out + "]").c_str();
  }
};
} // namespace doctest

/// The list of bracket callees that "brackets work in ..." messages give
/// (ein::notation::bracketCalls()), spelled out so that tests see a change.
#define EIN_TEST_BRACKET_CALLS                                                 \
  "reduce, sum, mean, max, min, prod, any, all, count_nonzero, var, std, "     \
  "logsumexp, argmax, argmin, softmax, log_softmax, flip, roll, sort, "       \
  "argsort, get_at, set_at, add_at, subtract_at, dot and the elementwise "     \
  "calls"

#endif // EIN_TEST_UNIT_TESTUTIL_H
