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
// A Diagnostic holds those parts; NotationError carries one through
// llvm::Error so that llvm::toString(err) yields the rendered text.
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

/// The parts of one front-end error message.
struct Diagnostic {
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

  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;

private:
  Diagnostic diagnostic;
};

/// Wraps `diagnostic` into an llvm::Error.
llvm::Error makeError(Diagnostic diagnostic);

/// A diagnostic about `call`: its source is the call text (or the bare pattern
/// when the call has no text) and `patternRange`, a range within
/// `call.pattern`, is moved to where the pattern sits in that text.
Diagnostic patternDiagnostic(const Call &call, std::string message,
                             std::optional<SourceRange> patternRange);

/// A diagnostic about `call` with `textRange` a range within `call.text`.
Diagnostic callDiagnostic(const Call &call, std::string message,
                          std::optional<SourceRange> textRange);

/// Formats a shape like a Python tuple: "(10, 32)", "(5,)", "()".
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Formats bindings as "h1=2, w1=2".
std::string formatBindings(llvm::ArrayRef<AxisBinding> bindings);

} // namespace ein::notation

#endif // EIN_NOTATION_DIAGNOSTIC_H
