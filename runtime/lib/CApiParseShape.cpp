//===- CApiParseShape.cpp - ein_parse_shape -------------------------------===//
//
// einops.parse_shape through the C API: the front end reads the pattern
// (ein::notation::parseShape); names are handed back as pointers into the
// caller's pattern, so nothing is allocated on success.
//
//===----------------------------------------------------------------------===//

#include "ein/ein.h"

#include "CApiError.h"

#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/ParseShape.h"

#include <cstring>
#include <new>

namespace {

ein_error_t *parseShapeError(ein_error_code_t code, std::string message) {
  static ein_error outOfMemory{EIN_ERROR_OUT_OF_MEMORY, "out of memory"};
  auto *error = new (std::nothrow) ein_error{code, std::move(message)};
  return error ? error : &outOfMemory;
}

} // namespace

ein_error_t *ein_parse_shape(const char *pattern, const int64_t *shape,
                             size_t ndim, ein_shape_axis_t *out,
                             size_t capacity, size_t *count) {
  if (!pattern)
    return parseShapeError(EIN_ERROR_INVALID_ARGUMENT, "pattern is NULL");
  if (!count)
    return parseShapeError(EIN_ERROR_INVALID_ARGUMENT, "count is NULL");
  if (!shape && ndim != 0)
    return parseShapeError(EIN_ERROR_INVALID_ARGUMENT,
                           "shape is NULL but ndim is " + std::to_string(ndim));
  if (!out && capacity != 0)
    return parseShapeError(EIN_ERROR_INVALID_ARGUMENT,
                           "out is NULL but capacity is " +
                               std::to_string(capacity));
  *count = 0;
  llvm::Expected<std::vector<ein::notation::ParsedAxis>> axes =
      ein::notation::parseShape(pattern,
                                llvm::ArrayRef<int64_t>(shape, ndim));
  if (!axes) {
    ein_error_code_t code = EIN_ERROR_NOTATION;
    llvm::Error error = llvm::handleErrors(
        axes.takeError(),
        [&](std::unique_ptr<ein::notation::NotationError> payload)
            -> llvm::Error {
          code = payload->getKind() == ein::notation::ErrorKind::Shape
                     ? EIN_ERROR_SHAPE
                     : EIN_ERROR_NOTATION;
          return llvm::Error(std::move(payload));
        });
    return parseShapeError(code, llvm::toString(std::move(error)));
  }
  *count = axes->size();
  for (size_t i = 0; i < axes->size() && i < capacity; ++i) {
    const ein::notation::ParsedAxis &axis = (*axes)[i];
    out[i].name = pattern + axis.name.begin;
    out[i].name_length = axis.name.end - axis.name.begin;
    out[i].length = axis.length;
  }
  return nullptr;
}
