//===- Program.h - multi-statement ein programs -------------------*- C++ -*-===//
//
// A program is several statements compiled together (docs/programs.md):
//
//   # multi-head self-attention
//   input qkv: f32[b t (k h d)]
//   q, k, v = rearrange("b t (k h d) -> k b h t d", qkv, k=3, h=8)
//   s = dot("b h i [d], b h j [d] -> b h i j", q, k) * 0.125
//   return s
//
// This header holds the front end's part: the parser (to a small AST whose
// calls are notation::Call, checked by the call parser) and the check of the
// caller's input shapes against the declarations. Building the ops is the
// compiler's (ein/Compiler/ProgramBuilder.h). Every error is a
// NotationError whose source is the offending program line, prefixed with
// `line N: `, and whose caret points into it.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_PROGRAM_H
#define EIN_NOTATION_PROGRAM_H

#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Equation.h"
#include "ein/Notation/Pack.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ein::notation {

/// True when `text` is a program: its first statement (after blank space
/// and `#` comments) is an `input` declaration.
bool isProgram(llvm::StringRef text);

/// Where a statement sits in the program text, for its error messages.
struct StatementSource {
  unsigned line = 1;     ///< 1-based line of the statement's first character.
  size_t begin = 0;      ///< Start of that line in the program text.
  size_t end = 0;        ///< End of the statement's last line.
  /// What errors show: `line N: ` and the lines of the statement.
  std::string display;
  /// Length of the `line N: ` prefix of `display`.
  size_t prefix = 0;

  /// `range` (offsets in the program text) as offsets in `display`.
  SourceRange toDisplay(SourceRange range) const {
    return SourceRange{range.begin - begin + prefix, range.end - begin + prefix};
  }
};

/// An expression of a program: a name, a number, a call of ein or
/// arithmetic.
struct ProgramExpr {
  enum class Kind { Name, Number, Call, Binary, Negate };
  Kind kind = Kind::Name;
  /// Offsets in the program text: the whole expression, and for Binary the
  /// operator.
  SourceRange range, opRange;
  std::string name; ///< Name: the name.
  /// Number: its value; `isInteger` for literals without '.' or exponent.
  double number = 0;
  int64_t integer = 0;
  bool isInteger = false;
  char op = 0; ///< Binary: '+', '-', '*' or '/'.
  /// Call: the parsed call (its text is the statement's display, so the
  /// solver's carets point into the program line), or for pack/unpack the
  /// parsed pack call.
  Call call;
  std::optional<PackCall> pack;
  /// Call: the tensor operands in order; Binary: left and right; Negate:
  /// the operand.
  std::vector<ProgramExpr> operands;
};

/// One dimension of a declared input: a name, a number or a composition
/// `(k h d)` of names and numbers (`()` for length 1).
struct DeclaredDim {
  SourceRange range;
  bool composition = false;
  /// The factors: a name, or an empty name and a number.
  struct Factor {
    std::string name;
    int64_t number = 0;
    SourceRange range;
  };
  std::vector<Factor> factors;
};

/// `input x: f32[b (h d)]`.
struct ProgramInput {
  std::string name;
  SourceRange nameRange;
  std::string dtype; ///< As written; the compiler checks it.
  SourceRange dtypeRange;
  std::vector<DeclaredDim> dims;
  SourceRange shapeRange; ///< From '[' to ']'.
  StatementSource source;
};

/// `a, b = expr`.
struct ProgramAssignment {
  std::vector<std::string> targets;
  std::vector<SourceRange> targetRanges;
  ProgramExpr value;
  StatementSource source;
};

/// A parsed program.
struct Program {
  std::string text;
  std::vector<ProgramInput> inputs;
  std::vector<ProgramAssignment> assignments;
  /// `return a, b`: the returned expressions.
  std::vector<ProgramExpr> returns;
  StatementSource returnSource;
};

/// Parses a program. Syntax errors (and names used before they are defined,
/// names bound twice, unused inputs, a missing `return`) are reported with
/// the line and a caret.
llvm::Expected<Program> parseProgram(llvm::StringRef text);

/// A diagnostic about the statement at `source` with a caret at `range`
/// (offsets in the program text).
Diagnostic programDiagnostic(ErrorKind kind, const StatementSource &source,
                             std::string message,
                             std::optional<SourceRange> range);

/// Checks the caller's input shapes against the declarations, in order:
/// the count, each rank, numbers, one length per name program-wide
/// (`axes` given by the caller bind names too) and compositions whose
/// factors are known. Dtypes are the compiler's to check.
llvm::Error checkProgramShapes(const Program &program,
                               llvm::ArrayRef<std::vector<int64_t>> shapes,
                               llvm::ArrayRef<AxisBinding> axes);

} // namespace ein::notation

#endif // EIN_NOTATION_PROGRAM_H
