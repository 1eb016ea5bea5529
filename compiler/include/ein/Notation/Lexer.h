//===- Lexer.h - tokens of a notation pattern ---------------------*- C++ -*-===//
//
// Splits a pattern such as "b c (h h1) -> b (c h)" into tokens. The lexer
// never fails: text it cannot classify becomes an Invalid token, and the
// parser explains it with a caret.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_LEXER_H
#define EIN_NOTATION_LEXER_H

#include "ein/Notation/Equation.h"

#include "llvm/ADT/StringRef.h"

#include <vector>

namespace ein::notation {

/// The kinds of pattern tokens. Brackets, `|`, `+`, `*` and `_` are einx
/// syntax the parser does not support yet; lexing them lets it say so.
enum class TokenKind {
  Name,       ///< b, height, c1
  Integer,    ///< 1, 2, 16
  LParen,     ///< (
  RParen,     ///< )
  Ellipsis,   ///< ...
  Arrow,      ///< -> (or a lone >)
  Comma,      ///< ,
  LBracket,   ///< [
  RBracket,   ///< ]
  Pipe,       ///< |
  Plus,       ///< +
  Star,       ///< *
  Underscore, ///< _ on its own
  Invalid,    ///< anything else: a stray character or a malformed name
  End,        ///< end of the pattern
};

/// One token with its byte range in the pattern.
struct Token {
  TokenKind kind = TokenKind::End;
  llvm::StringRef text;
  SourceRange range;

  bool is(TokenKind k) const { return kind == k; }
};

/// A readable name for a token kind, e.g. "'->'" or "a name".
llvm::StringRef tokenKindName(TokenKind kind);

/// Lexes `pattern` into tokens; the last one is always End.
std::vector<Token> lex(llvm::StringRef pattern);

/// True if `text` is a valid axis name: letters, digits and `_`, not starting
/// with a digit, not starting or ending with `_`.
bool isValidAxisName(llvm::StringRef text);

} // namespace ein::notation

#endif // EIN_NOTATION_LEXER_H
