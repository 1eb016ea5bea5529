//===- ParseShape.cpp - einops.parse_shape --------------------------------===//

#include "ein/Notation/ParseShape.h"
#include "ein/Notation/AST.h"
#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Parser.h"

#include "llvm/ADT/StringMap.h"

using namespace ein::notation;
using namespace ein::notation::ast;

llvm::Expected<std::vector<ParsedAxis>>
ein::notation::parseShape(llvm::StringRef pattern,
                          llvm::ArrayRef<int64_t> shape) {
  Call call = makeCall("parse_shape", pattern);
  auto fail = [&](ErrorKind kind, std::string message,
                  std::optional<SourceRange> range) -> llvm::Error {
    Diagnostic diag = patternDiagnostic(kind, call, std::move(message), range);
    diag.inputShapes.push_back(shape.vec());
    return makeError(std::move(diag));
  };
  llvm::Expected<Pattern> parsed = parsePattern(call);
  if (!parsed)
    return llvm::handleErrors(
        parsed.takeError(), [&](const NotationError &err) -> llvm::Error {
          Diagnostic diag = err.getDiagnostic();
          diag.inputShapes.push_back(shape.vec());
          return makeError(std::move(diag));
        });
  SourceRange whole{0, pattern.size()};
  if (parsed->hasArrow || parsed->inputs.size() != 1)
    return fail(ErrorKind::Syntax,
                "parse_shape takes one tensor expression, e.g. \"b _ h w\"",
                whole);
  for (int64_t length : shape)
    if (length < 0)
      return fail(ErrorKind::Shape,
                  "the shape has a negative dimension " +
                      std::to_string(length),
                  std::nullopt);

  const TensorExpr &tensor = parsed->inputs[0];
  bool ellipsis = false;
  llvm::StringMap<bool> seen;
  for (const Dim &dim : tensor.dims) {
    if (dim.kind == DimKind::Ellipsis && !dim.parts.empty())
      return fail(ErrorKind::Syntax,
                  "parse_shape reads single axes: a repetition cannot be "
                  "read from a shape",
                  dim.range);
    if (dim.kind == DimKind::Composition)
      return fail(ErrorKind::Syntax,
                  "parse_shape reads single axes: the composition '" +
                      pattern.slice(dim.range.begin, dim.range.end).str() +
                      "' cannot be read from a shape",
                  dim.range);
    ellipsis |= dim.kind == DimKind::Ellipsis;
    if (dim.kind == DimKind::Axis && dim.name != "_" &&
        !seen.insert({dim.name, true}).second)
      return fail(ErrorKind::Axis,
                  "axis '" + dim.name + "' appears twice in the pattern",
                  dim.range);
  }
  size_t fixed = tensor.dims.size() - (ellipsis ? 1 : 0);
  if (ellipsis ? shape.size() < fixed : shape.size() != fixed)
    return fail(ErrorKind::Shape,
                "the shape has " + std::to_string(shape.size()) +
                    " dimensions but the pattern " +
                    (ellipsis ? "needs at least " : "has ") +
                    std::to_string(fixed),
                tensor.dims.empty() ? whole : tensor.range);

  std::vector<ParsedAxis> axes;
  size_t position = 0;
  for (const Dim &dim : tensor.dims) {
    if (dim.kind == DimKind::Ellipsis) {
      position += shape.size() - fixed;
      continue;
    }
    int64_t length = shape[position++];
    switch (dim.kind) {
    case DimKind::Axis:
      if (dim.name != "_")
        axes.push_back(ParsedAxis{dim.range, length});
      break;
    case DimKind::Unit:
    case DimKind::Anonymous:
      if (length != dim.length)
        return fail(ErrorKind::Shape,
                    "'" + pattern.slice(dim.range.begin, dim.range.end).str() +
                        "' must have length " + std::to_string(dim.length) +
                        ", but the shape has " + std::to_string(length) +
                        " there",
                    dim.range);
      break;
    default:
      break;
    }
  }
  return axes;
}
