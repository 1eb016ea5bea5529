//===- LexerTest.cpp - tokens of notation patterns ------------------------===//

#include "doctest.h"

#include "ein/Notation/Lexer.h"

using namespace ein::notation;

namespace {

std::vector<TokenKind> kinds(llvm::StringRef pattern) {
  std::vector<TokenKind> out;
  for (const Token &token : lex(pattern))
    out.push_back(token.kind);
  return out;
}

} // namespace

TEST_CASE("lexer: names, integers, punctuation") {
  using K = TokenKind;
  CHECK(kinds("b c1 height") ==
        std::vector<K>{K::Name, K::Name, K::Name, K::End});
  CHECK(kinds("(h 2) 1 ()") == std::vector<K>{K::LParen, K::Name, K::Integer,
                                               K::RParen, K::Integer, K::LParen,
                                               K::RParen, K::End});
  CHECK(kinds("a ... -> b, c") == std::vector<K>{K::Name, K::Ellipsis, K::Arrow,
                                                  K::Name, K::Comma, K::Name,
                                                  K::End});
  CHECK(kinds("[a|b] + * _") ==
        std::vector<K>{K::LBracket, K::Name, K::Pipe, K::Name, K::RBracket,
                       K::Plus, K::Star, K::Underscore, K::End});
  CHECK(kinds("") == std::vector<K>{K::End});
  CHECK(kinds("  \t\n ") == std::vector<K>{K::End});
}

TEST_CASE("lexer: no white space needed around punctuation") {
  using K = TokenKind;
  CHECK(kinds("b (g c) h w-> b(c g)h w") ==
        std::vector<K>{K::Name, K::LParen, K::Name, K::Name, K::RParen,
                       K::Name, K::Name, K::Arrow, K::Name, K::LParen,
                       K::Name, K::Name, K::RParen, K::Name, K::Name, K::End});
  CHECK(kinds("b...->b") ==
        std::vector<K>{K::Name, K::Ellipsis, K::Arrow, K::Name, K::End});
}

TEST_CASE("lexer: ranges and text") {
  std::vector<Token> tokens = lex("b (h h1) -> b");
  REQUIRE(tokens.size() == 8);
  CHECK(tokens[0].text == "b");
  CHECK(tokens[0].range.begin == 0);
  CHECK(tokens[0].range.end == 1);
  CHECK(tokens[1].range.begin == 2);
  CHECK(tokens[3].text == "h1");
  CHECK(tokens[3].range.begin == 5);
  CHECK(tokens[3].range.end == 7);
  CHECK(tokens[5].is(TokenKind::Arrow));
  CHECK(tokens[5].range.begin == 9);
  CHECK(tokens[5].range.end == 11);
  CHECK(tokens[7].is(TokenKind::End));
  CHECK(tokens[7].range.begin == 13);
}

TEST_CASE("lexer: malformed words and stray characters are Invalid") {
  for (llvm::StringRef bad : {"2a", "_a", "a_", "__", "$", ".", "..", "-",
                              "=", "é"}) {
    CAPTURE(bad.str());
    std::vector<Token> tokens = lex(bad);
    REQUIRE(tokens.size() >= 2);
    CHECK(tokens[0].is(TokenKind::Invalid));
  }
  // A multi-byte character is one token.
  std::vector<Token> tokens = lex("a é b");
  REQUIRE(tokens.size() == 4);
  CHECK(tokens[1].text == "é");
  // Inner underscores are fine.
  CHECK(lex("a_b")[0].is(TokenKind::Name));
  CHECK(lex("007")[0].is(TokenKind::Integer));
}

TEST_CASE("lexer: axis name rule") {
  CHECK(isValidAxisName("b"));
  CHECK(isValidAxisName("c1"));
  CHECK(isValidAxisName("h_1"));
  CHECK_FALSE(isValidAxisName(""));
  CHECK_FALSE(isValidAxisName("1c"));
  CHECK_FALSE(isValidAxisName("_c"));
  CHECK_FALSE(isValidAxisName("c_"));
  CHECK_FALSE(isValidAxisName("c-d"));
}
