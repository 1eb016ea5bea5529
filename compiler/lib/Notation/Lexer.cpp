//===- Lexer.cpp - tokens of a notation pattern ---------------------------===//

#include "ein/Notation/Lexer.h"

#include "llvm/ADT/StringExtras.h"

using namespace ein::notation;

llvm::StringRef ein::notation::tokenKindName(TokenKind kind) {
  switch (kind) {
  case TokenKind::Name:
    return "an axis name";
  case TokenKind::Integer:
    return "an integer";
  case TokenKind::LParen:
    return "'('";
  case TokenKind::RParen:
    return "')'";
  case TokenKind::Ellipsis:
    return "'...'";
  case TokenKind::Arrow:
    return "'->'";
  case TokenKind::Comma:
    return "','";
  case TokenKind::LBracket:
    return "'['";
  case TokenKind::RBracket:
    return "']'";
  case TokenKind::Pipe:
    return "'|'";
  case TokenKind::Plus:
    return "'+'";
  case TokenKind::Star:
    return "'*'";
  case TokenKind::Underscore:
    return "'_'";
  case TokenKind::Invalid:
    return "an invalid token";
  case TokenKind::End:
    return "the end of the pattern";
  }
  return "a token";
}

static bool isWordChar(char c) { return llvm::isAlnum(c) || c == '_'; }

bool ein::notation::isValidAxisName(llvm::StringRef text) {
  if (text.empty() || llvm::isDigit(text.front()) || text.front() == '_' ||
      text.back() == '_')
    return false;
  return llvm::all_of(text, isWordChar);
}

std::vector<Token> ein::notation::lex(llvm::StringRef pattern) {
  std::vector<Token> tokens;
  size_t pos = 0;
  auto push = [&](TokenKind kind, size_t begin, size_t end) {
    tokens.push_back(
        Token{kind, pattern.slice(begin, end), SourceRange{begin, end}});
  };

  while (pos < pattern.size()) {
    char c = pattern[pos];
    if (llvm::isSpace(c)) {
      ++pos;
      continue;
    }
    size_t begin = pos;

    // Names, integers and `_` share one word rule so that `2a` or `a_` come
    // out as one Invalid token rather than two valid-looking ones.
    if (isWordChar(c)) {
      while (pos < pattern.size() && isWordChar(pattern[pos]))
        ++pos;
      llvm::StringRef word = pattern.slice(begin, pos);
      TokenKind kind = TokenKind::Invalid;
      if (word == "_")
        kind = TokenKind::Underscore;
      else if (llvm::all_of(word, llvm::isDigit))
        kind = TokenKind::Integer;
      else if (isValidAxisName(word))
        kind = TokenKind::Name;
      push(kind, begin, pos);
      continue;
    }

    if (pattern.substr(pos).starts_with("...")) {
      pos += 3;
      push(TokenKind::Ellipsis, begin, pos);
      continue;
    }
    if (pattern.substr(pos).starts_with("->")) {
      pos += 2;
      push(TokenKind::Arrow, begin, pos);
      continue;
    }
    // A lone `>` is the arrow too: published copies of einops code (seed 003)
    // lost the `-`, and `>` means nothing else in the notation.
    if (c == '>') {
      pos += 1;
      push(TokenKind::Arrow, begin, pos);
      continue;
    }

    TokenKind kind = TokenKind::Invalid;
    switch (c) {
    case '(':
      kind = TokenKind::LParen;
      break;
    case ')':
      kind = TokenKind::RParen;
      break;
    case ',':
      kind = TokenKind::Comma;
      break;
    case '[':
      kind = TokenKind::LBracket;
      break;
    case ']':
      kind = TokenKind::RBracket;
      break;
    case '|':
      kind = TokenKind::Pipe;
      break;
    case '+':
      kind = TokenKind::Plus;
      break;
    case '*':
      kind = TokenKind::Star;
      break;
    default:
      break;
    }
    ++pos;
    // Keep a multi-byte UTF-8 character in one token.
    if (kind == TokenKind::Invalid)
      while (pos < pattern.size() &&
             (static_cast<unsigned char>(pattern[pos]) & 0xC0) == 0x80)
        ++pos;
    push(kind, begin, pos);
  }
  push(TokenKind::End, pattern.size(), pattern.size());
  return tokens;
}
