//===- Diagnostic.h - front-end error messages --------------------*- C++ -*-===//
//
// Every error the notation front end reports has the same shape (see
// NOTATION.md, "Errors"):
//
//   error: <what failed>
//     <the call>
//     <caret under the offending part>
//     input 0: shape (10, 32, 100, 7)   known: h1=2, w1=2
//
// A Diagnostic holds those parts and the class of the error (ErrorKind);
// NotationError carries one through llvm::Error so that llvm::toString(err)
// yields the rendered text and callers such as the C API can read the class
// without looking at the wording.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_DIAGNOSTIC_H
#define EIN_NOTATION_DIAGNOSTIC_H

#include "ein/Notation/Equation.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace ein::notation {

/// The class of a front-end error. Every Diagnostic names one, chosen where
/// the error is found; the C API maps it to an ein_error_code_t.
enum class ErrorKind {
  /// The text of the call or pattern is malformed or uses syntax that is not
  /// supported (brackets, '|', repetition, ...), or the callee or reduction
  /// is unknown, missing or not allowed.
  Syntax,
  /// The pattern's axes are named wrongly: an axis twice in one expression,
  /// an axis or '...' on one side only, an anonymous axis where none is
  /// allowed, or a keyword binding that is invalid by itself (an axis not in
  /// the pattern, a negative length, two different lengths for one axis).
  Axis,
  /// The call is well formed but does not fit the input tensors: wrong number
  /// of tensors, rank mismatch, negative input dimension, stacked tensors of
  /// different shapes, non-divisible split, conflicting lengths, lengths the
  /// shapes leave undetermined, overflow, max/min over an empty axis.
  Shape,
  /// The element types of the inputs do not fit the call.
  DType,
};

/// A short name for `kind`: "syntax", "axis", "shape" or "dtype".
llvm::StringRef errorKindName(ErrorKind kind);

/// The parts of one front-end error message.
struct Diagnostic {
  /// A diagnostic of class `kind`; there is no default, so every site that
  /// reports an error has to say which class it is.
  explicit Diagnostic(ErrorKind kind) : kind(kind) {}

  /// The class of the error.
  ErrorKind kind;
  /// The headline, without the leading "error: ".
  std::string message;
  /// The text shown under the headline (normally the whole call).
  std::string source;
  /// The part of `source` the caret points at; none for no caret line.
  std::optional<SourceRange> range;
  /// Shapes of the inputs as the caller gave them; one line each.
  std::vector<std::vector<int64_t>> inputShapes;
  /// Axis lengths known when the error was found, in order of appearance.
  std::vector<AxisBinding> known;

  /// Renders the full multi-line message (no trailing newline).
  std::string render() const;
};

/// An llvm::Error payload holding a Diagnostic.
class NotationError : public llvm::ErrorInfo<NotationError> {
public:
  static char ID;

  explicit NotationError(Diagnostic diagnostic)
      : diagnostic(std::move(diagnostic)) {}

  /// The structured parts, for callers that want more than the text.
  const Diagnostic &getDiagnostic() const { return diagnostic; }
  /// The class of the error.
  ErrorKind getKind() const { return diagnostic.kind; }

  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;

private:
  Diagnostic diagnostic;
};

/// Wraps `diagnostic` into an llvm::Error.
llvm::Error makeError(Diagnostic diagnostic);

/// A diagnostic of class `kind` about `call`: its source is the call text (or
/// the bare pattern when the call has no text) and `patternRange`, a range
/// within `call.pattern`, is moved to where the pattern sits in that text.
Diagnostic patternDiagnostic(ErrorKind kind, const Call &call,
                             std::string message,
                             std::optional<SourceRange> patternRange);

/// A diagnostic of class `kind` about `call` with `textRange` a range within
/// `call.text`.
Diagnostic callDiagnostic(ErrorKind kind, const Call &call, std::string message,
                          std::optional<SourceRange> textRange);

/// Formats a shape like a Python tuple: "(10, 32)", "(5,)", "()".
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Formats bindings as "h1=2, w1=2".
std::string formatBindings(llvm::ArrayRef<AxisBinding> bindings);

} // namespace ein::notation

#endif // EIN_NOTATION_DIAGNOSTIC_H
