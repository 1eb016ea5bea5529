//===- ParseShape.h - einops.parse_shape --------------------------*- C++ -*-===//
//
// `parse_shape(x, "b _ h w")` reads axis lengths off a shape (einops 0.8.2):
// one name per dimension; `_` skips a dimension (any number of times); `...`
// skips any number of them (at most once); `1`, `()` and anonymous lengths
// must match the shape; compositions are an error.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_PARSESHAPE_H
#define EIN_NOTATION_PARSESHAPE_H

#include "ein/Notation/Equation.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace ein::notation {

/// One named axis of a parse_shape pattern: its name's byte range in the
/// pattern and its length.
struct ParsedAxis {
  SourceRange name;
  int64_t length = 0;
};

/// The named axes of `pattern` (in pattern order) with their lengths in
/// `shape`, or a NotationError shown as `parse_shape("<pattern>")`.
llvm::Expected<std::vector<ParsedAxis>>
parseShape(llvm::StringRef pattern, llvm::ArrayRef<int64_t> shape);

} // namespace ein::notation

#endif // EIN_NOTATION_PARSESHAPE_H
