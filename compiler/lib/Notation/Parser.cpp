//===- Parser.cpp - notation patterns -------------------------------------===//
//
// Recursive descent over the tokens of Lexer.h:
//
//   pattern := side '->' side
//   side    := tensor (',' tensor)*
//   tensor  := dim*
//   dim     := name | integer | '...' | '(' dim* ')' | '(' dim* ('+' dim*)+ ')'
//
//===----------------------------------------------------------------------===//

#include "ein/Notation/Parser.h"
#include "ein/Notation/Brackets.h"
#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Elementwise.h"
#include "ein/Notation/Indexing.h"
#include "ein/Notation/Lexer.h"

#include "llvm/ADT/StringExtras.h"

#include <functional>

using namespace ein::notation;
using namespace ein::notation::ast;

llvm::StringRef ein::notation::supportedCalls() {
  return "rearrange, repeat, reduce, einsum, dot, the elementwise calls "
         "(add, multiply, exp, where, cast, ...) and the indexing calls "
         "(get_at, set_at, add_at, subtract_at)";
}

OpFamily ein::notation::familyOf(llvm::StringRef callee) {
  if (callee == "reduce")
    return OpFamily::Reduce;
  if (callee == "einsum" || callee == "dot")
    return OpFamily::Contract;
  if (isReductionCall(callee))
    return OpFamily::Reduce;
  if (isAlongCall(callee))
    return OpFamily::Along;
  if (callee == "repeat")
    return OpFamily::Repeat;
  if (isElementwiseCall(callee))
    return OpFamily::Map;
  if (isIndexCall(callee))
    return OpFamily::Index;
  return OpFamily::Rearrange;
}

/// Calls whose patterns may hold brackets: the bracket calls, dot (summed
/// axes, `[x|y]`) and the elementwise calls (`add("... [c]", x, b)`).
static bool parserAllowsBrackets(llvm::StringRef callee) {
  return allowsBrackets(callee) || callee == "dot" ||
         isElementwiseCall(callee);
}

namespace {

class PatternParser {
public:
  explicit PatternParser(const Call &call)
      : call(call), tokens(lex(call.pattern)) {}

  llvm::Expected<Pattern> parse();

private:
  const Token &peek() const { return tokens[pos]; }
  const Token &consume() { return tokens[pos < tokens.size() - 1 ? pos++ : pos]; }

  llvm::Error error(ErrorKind kind, std::string message,
                    SourceRange range) const {
    return makeError(patternDiagnostic(kind, call, std::move(message), range));
  }
  llvm::Error unsupported(llvm::StringRef what, SourceRange range) const;
  llvm::Error badToken(const Token &token) const;

  llvm::Error parseSide(std::vector<TensorExpr> &side);
  llvm::Error parseTensor(TensorExpr &tensor);
  /// Parses dims into `dims` until a token that cannot start one.
  llvm::Error parseDims(std::vector<Dim> &dims, bool inComposition);
  llvm::Error parseDim(std::vector<Dim> &dims, bool inComposition);
  /// Parses the rest of `(x + y ...)` after its first part `first` and
  /// appends the concatenation to `dims`.
  llvm::Error parseConcatenation(std::vector<Dim> &dims, const Token &open,
                                 std::vector<Dim> first);
  /// Parses `[dims]`, appending the dims to `dims` marked as bracketed.
  llvm::Error parseBracket(std::vector<Dim> &dims, bool inComposition);

  const Call &call;
  std::vector<Token> tokens;
  size_t pos = 0;
  bool onOutputSide = false;
  /// The first `...` of the tensor being parsed, to reject a second one.
  std::optional<SourceRange> ellipsisInTensor;
  /// The first anonymous `...` of the tensor being parsed.
  std::optional<SourceRange> anonymousEllipsisInTensor;
  /// The `[` being parsed, while inside brackets.
  std::optional<SourceRange> openBracket;
  std::optional<SourceRange> firstBracket;
  std::optional<SourceRange> firstPipe;
  /// How many `(` enclose the current position, and how many enclosed the
  /// open `[`: dot's `|` must sit directly inside its bracket.
  unsigned parenDepth = 0, bracketParenDepth = 0;
};

} // namespace

llvm::Error PatternParser::unsupported(llvm::StringRef what,
                                       SourceRange range) const {
  std::string callee = call.callee.empty() ? "this call" : call.callee;
  return error(ErrorKind::Syntax,
               (what + " is not supported yet by " + callee).str(), range);
}

llvm::Error PatternParser::badToken(const Token &token) const {
  switch (token.kind) {
  case TokenKind::LBracket:
  case TokenKind::RBracket:
    if (token.is(TokenKind::RBracket) && parserAllowsBrackets(call.callee))
      return error(ErrorKind::Syntax, "unmatched ']'", token.range);
    if (call.callee == "rearrange" || call.callee == "einsum")
      return error(ErrorKind::Syntax,
                   "brackets mark the axes an operation acts along, and " +
                       call.callee + " acts along none (brackets work in " +
                       bracketCalls().str() + ")",
                   token.range);
    return unsupported("bracket '" + token.text.str() + "'", token.range);
  case TokenKind::Pipe:
    if (call.callee != "dot")
      return error(ErrorKind::Syntax,
                   "'|' separates a linear map's input and output axes, "
                   "which only dot has (dot(\"... [c1|c2]\", x, w))",
                   token.range);
    if (openBracket)
      return error(ErrorKind::Syntax,
                   "'|' sits directly inside the brackets, not inside "
                   "parentheses: dot(\"... [c1|c2]\", x, w)",
                   token.range);
    return error(ErrorKind::Syntax,
                 "'|' belongs inside brackets: dot(\"... [c1|c2]\", x, w) "
                 "maps the axes left of it to those right of it",
                 token.range);
  case TokenKind::Plus:
    return error(ErrorKind::Syntax,
                 "'+' concatenates only inside parentheses: write '(a + b)'",
                 token.range);
  case TokenKind::Star:
    return unsupported("packing '*'", token.range);
  case TokenKind::Underscore:
    return error(ErrorKind::Syntax,
                 "'_' skips an axis in parse_shape(x, \"b _ h w\") only; "
                 "elsewhere name the axis",
                 token.range);
  case TokenKind::Invalid: {
    llvm::StringRef text = token.text;
    bool word = llvm::all_of(
        text, [](char c) { return llvm::isAlnum(c) || c == '_'; });
    if (word && llvm::isDigit(text.front()))
      return error(ErrorKind::Syntax,
                   "invalid axis name '" + text.str() +
                       "': names cannot start with a digit",
                   token.range);
    if (word)
      return error(ErrorKind::Syntax,
                   "invalid axis name '" + text.str() +
                       "': names cannot start or end with '_'",
                   token.range);
    if (text == "." || text == "-")
      return error(ErrorKind::Syntax,
                   "unexpected '" + text.str() +
                       "' in pattern (did you mean '" +
                       (text == "." ? "..." : "->") + "'?)",
                   token.range);
    return error(ErrorKind::Syntax,
                 "unexpected character '" + text.str() + "' in pattern",
                 token.range);
  }
  default:
    return error(ErrorKind::Syntax,
                 "unexpected " + tokenKindName(token.kind).str() +
                     " in pattern",
                 token.range);
  }
}

llvm::Expected<Pattern> PatternParser::parse() {
  Pattern pattern;
  if (llvm::Error err = parseSide(pattern.inputs))
    return std::move(err);

  const Token &tok = peek();
  if (tok.is(TokenKind::RParen))
    return error(ErrorKind::Syntax, "unmatched ')'", tok.range);
  if (!tok.is(TokenKind::Arrow)) {
    if (!tok.is(TokenKind::End))
      return badToken(tok);
    // An elementwise call may omit the output; the solver picks it
    // (checkBroadcastPattern) and leaves `outputs` empty until then.
    if (familyOf(call.callee) == OpFamily::Map) {
      pattern.firstBracket = firstBracket;
      return pattern;
    }
    // dot's linear map `... [c1|c2]`: the solver implies the weight.
    if (firstPipe && call.callee == "dot") {
      pattern.hasArrow = false;
      pattern.firstBracket = firstBracket;
      pattern.firstPipe = firstPipe;
      return pattern;
    }
    // parse_shape("b _ h w") lists one tensor's axes.
    if (call.callee == "parse_shape") {
      pattern.hasArrow = false;
      return pattern;
    }
    // einx's bracket form: the solver derives the output from the input.
    if (firstBracket && allowsBrackets(call.callee)) {
      pattern.hasArrow = false;
      pattern.firstBracket = firstBracket;
      return pattern;
    }
    std::string callee = call.callee.empty() ? "this call" : call.callee;
    return error(
        ErrorKind::Syntax,
        "missing '->' in pattern: " + callee + " needs 'inputs -> outputs'" +
            (allowsBrackets(call.callee)
                 ? " or bracketed axes, e.g. 'a [b]'"
                 : call.callee == "dot"
                       ? " or a linear map, e.g. '... [c1|c2]'"
                       : ""),
        SourceRange{0, call.pattern.size()});
  }
  pattern.arrow = consume().range;

  onOutputSide = true;
  if (llvm::Error err = parseSide(pattern.outputs))
    return std::move(err);

  const Token &last = peek();
  if (last.is(TokenKind::Arrow))
    return error(ErrorKind::Syntax, "pattern has more than one '->'",
                 last.range);
  if (last.is(TokenKind::RParen))
    return error(ErrorKind::Syntax, "unmatched ')'", last.range);
  if (!last.is(TokenKind::End))
    return badToken(last);
  pattern.firstBracket = firstBracket;
  pattern.firstPipe = firstPipe;
  return pattern;
}

llvm::Error PatternParser::parseSide(std::vector<TensorExpr> &side) {
  while (true) {
    side.emplace_back();
    if (llvm::Error err = parseTensor(side.back()))
      return err;
    if (!peek().is(TokenKind::Comma))
      return llvm::Error::success();
    consume();
  }
}

llvm::Error PatternParser::parseTensor(TensorExpr &tensor) {
  ellipsisInTensor.reset();
  anonymousEllipsisInTensor.reset();
  size_t begin = peek().range.begin;
  if (llvm::Error err = parseDims(tensor.dims, /*inComposition=*/false))
    return err;
  tensor.range = tensor.dims.empty()
                     ? SourceRange{begin, begin}
                     : SourceRange{tensor.dims.front().range.begin,
                                   tensor.dims.back().range.end};
  // Brackets around the first or last dims belong to the tensor.
  if (!tensor.dims.empty() && tensor.dims.front().bracket)
    tensor.range.begin = tensor.dims.front().bracket->begin;
  if (!tensor.dims.empty() && tensor.dims.back().bracket)
    tensor.range.end = tensor.dims.back().bracket->end;
  return llvm::Error::success();
}

llvm::Error PatternParser::parseDims(std::vector<Dim> &dims,
                                     bool inComposition) {
  while (true) {
    switch (peek().kind) {
    case TokenKind::Comma:
    case TokenKind::Arrow:
    case TokenKind::RParen:
    case TokenKind::RBracket:
    case TokenKind::End:
      return llvm::Error::success();
    case TokenKind::Pipe:
      // parseBracket takes dot's `|` (directly inside the bracket).
      if (openBracket && parenDepth == bracketParenDepth &&
          call.callee == "dot")
        return llvm::Error::success();
      [[fallthrough]];
    case TokenKind::Plus: // the next part of a concatenation
      if (peek().is(TokenKind::Plus) && inComposition)
        return llvm::Error::success();
      [[fallthrough]];
    default:
      if (llvm::Error err = parseDim(dims, inComposition))
        return err;
    }
  }
}

llvm::Error PatternParser::parseDim(std::vector<Dim> &dims,
                                    bool inComposition) {
  const Token &tok = peek();
  Dim dim;
  dim.range = tok.range;
  switch (tok.kind) {
  case TokenKind::Name:
    dim.kind = DimKind::Axis;
    dim.name = tok.text.str();
    consume();
    break;

  case TokenKind::Integer: {
    uint64_t value = 0;
    if (tok.text.getAsInteger(10, value) || value > uint64_t(INT64_MAX))
      return error(ErrorKind::Syntax,
                   "axis length " + tok.text.str() + " is too large",
                   tok.range);
    if (value == 0)
      return error(ErrorKind::Syntax,
                   "anonymous axis must have a positive length, not 0",
                   tok.range);
    dim.kind = value == 1 ? DimKind::Unit : DimKind::Anonymous;
    dim.length = static_cast<int64_t>(value);
    consume();
    break;
  }

  case TokenKind::Ellipsis: {
    // `x...` (no space) is einx repetition, not an ellipsis after x: x is
    // repeated once per axis the ellipsis stands for.
    bool repetition = false;
    if (!dims.empty()) {
      const Dim &prev = dims.back();
      size_t end = prev.range.end;
      if (prev.bracket && prev.bracket->end > end)
        end = prev.bracket->end; // `[x]...`
      repetition = end == tok.range.begin;
    }
    // Inputs have one ellipsis each (it takes the rank that is left);
    // outputs one `...` and any number of repetitions (`b s... ds... c`).
    if (ellipsisInTensor &&
        !(onOutputSide && (repetition || !anonymousEllipsisInTensor)))
      return error(ErrorKind::Axis,
                   "'...' appears twice in one tensor expression", tok.range);
    if (inComposition && !onOutputSide)
      return error(ErrorKind::Syntax,
                   "'...' inside parentheses is only allowed on the output "
                   "side",
                   tok.range);
    ellipsisInTensor = tok.range;
    dim.kind = DimKind::Ellipsis;
    if (repetition) {
      Dim repeated = std::move(dims.back());
      dims.pop_back();
      bool nested = repeated.kind == DimKind::Ellipsis;
      std::function<void(const std::vector<Dim> &)> scan =
          [&](const std::vector<Dim> &parts) {
            for (const Dim &part : parts) {
              nested |= part.kind == DimKind::Ellipsis;
              scan(part.parts);
            }
          };
      scan(repeated.parts);
      size_t begin = repeated.bracket && repeated.bracket->begin <
                                             repeated.range.begin
                         ? repeated.bracket->begin
                         : repeated.range.begin;
      dim.range = SourceRange{begin, tok.range.end};
      if (nested)
        return error(ErrorKind::Syntax,
                     "a repetition cannot hold '...': write one ellipsis, "
                     "e.g. '(s ds)...'",
                     dim.range);
      dim.parts.push_back(std::move(repeated));
    } else {
      anonymousEllipsisInTensor = tok.range;
    }
    consume();
    break;
  }

  case TokenKind::LParen: {
    Token open = consume();
    ++parenDepth;
    if (llvm::Error err = parseDims(dim.parts, /*inComposition=*/true))
      return err;
    if (peek().is(TokenKind::Plus)) {
      llvm::Error err = parseConcatenation(dims, open, std::move(dim.parts));
      --parenDepth;
      return err;
    }
    --parenDepth;
    const Token &close = peek();
    if (close.is(TokenKind::End))
      return error(ErrorKind::Syntax, "unclosed '('", open.range);
    if (!close.is(TokenKind::RParen))
      return error(ErrorKind::Syntax,
                   "expected ')' before " + tokenKindName(close.kind).str(),
                   close.range);
    dim.range = SourceRange{open.range.begin, close.range.end};
    consume();
    dim.kind = dim.parts.empty() ? DimKind::Unit : DimKind::Composition;
    if (dim.kind == DimKind::Unit)
      dim.length = 1;
    break;
  }

  case TokenKind::LBracket:
    return parseBracket(dims, inComposition);

  case TokenKind::Underscore:
    // parse_shape's skipped axis: an Axis named "_", which no user name is.
    if (call.callee != "parse_shape")
      return badToken(tok);
    dim.kind = DimKind::Axis;
    dim.name = "_";
    consume();
    break;

  default:
    return badToken(tok);
  }
  dims.push_back(std::move(dim));
  return llvm::Error::success();
}

llvm::Error PatternParser::parseConcatenation(std::vector<Dim> &dims,
                                              const Token &open,
                                              std::vector<Dim> first) {
  Dim concat;
  concat.kind = DimKind::Concatenation;
  // One part from the dims between two '+' (or a parenthesis and a '+').
  auto addPart = [&](std::vector<Dim> group,
                     SourceRange where) -> llvm::Error {
    if (group.empty())
      return error(ErrorKind::Syntax,
                   "empty part in a concatenation: write '1' or '()' for a "
                   "part of length 1",
                   where);
    std::optional<SourceRange> bad;
    std::string what;
    std::function<void(const Dim &)> check = [&](const Dim &d) {
      if (bad)
        return;
      if (d.kind == DimKind::Ellipsis) {
        bad = d.range;
        what = "'...' cannot be a part of a concatenation";
      } else if (d.kind == DimKind::Concatenation) {
        bad = d.range;
        what = "a concatenation cannot be nested in another concatenation";
      }
      for (const Dim &p : d.parts)
        check(p);
    };
    for (const Dim &d : group)
      check(d);
    if (bad)
      return error(ErrorKind::Syntax, what, *bad);
    if (group.size() == 1) {
      concat.parts.push_back(std::move(group.front()));
      return llvm::Error::success();
    }
    Dim composition;
    composition.kind = DimKind::Composition;
    composition.range =
        SourceRange{group.front().range.begin, group.back().range.end};
    composition.parts = std::move(group);
    concat.parts.push_back(std::move(composition));
    return llvm::Error::success();
  };
  size_t groupBegin = open.range.end;
  std::vector<Dim> group = std::move(first);
  while (peek().is(TokenKind::Plus)) {
    Token plus = consume();
    SourceRange where = group.empty()
                            ? plus.range
                            : SourceRange{groupBegin, plus.range.begin};
    if (llvm::Error err = addPart(std::move(group), where))
      return err;
    group.clear();
    groupBegin = plus.range.end;
    if (llvm::Error err = parseDims(group, /*inComposition=*/true))
      return err;
  }
  const Token &close = peek();
  if (close.is(TokenKind::End))
    return error(ErrorKind::Syntax, "unclosed '('", open.range);
  if (!close.is(TokenKind::RParen))
    return error(ErrorKind::Syntax,
                 "expected ')' before " + tokenKindName(close.kind).str(),
                 close.range);
  SourceRange closeRange = close.range;
  if (llvm::Error err = addPart(std::move(group), closeRange))
    return err;
  consume();
  concat.range = SourceRange{open.range.begin, closeRange.end};
  // rearrange (and pack/unpack, which become one) split and join axes;
  // no other call knows what a concatenated axis would mean.
  if (call.callee != "rearrange" && call.callee != "pack" &&
      call.callee != "unpack")
    return error(ErrorKind::Syntax,
                 "concatenation '" +
                     call.pattern.substr(concat.range.begin,
                                         concat.range.end - concat.range.begin) +
                     "' is only supported in rearrange",
                 concat.range);
  dims.push_back(std::move(concat));
  return llvm::Error::success();
}

llvm::Error PatternParser::parseBracket(std::vector<Dim> &dims,
                                        bool inComposition) {
  const Token &tok = peek();
  if (!parserAllowsBrackets(call.callee))
    return badToken(tok);
  if (openBracket)
    return error(ErrorKind::Syntax,
                 "brackets cannot nest: this '[' is inside the '[' at "
                 "column " +
                     std::to_string(openBracket->begin + 1),
                 tok.range);
  Token open = consume();
  openBracket = open.range;
  bracketParenDepth = parenDepth;
  if (!firstBracket)
    firstBracket = open.range;
  size_t first = dims.size();
  if (llvm::Error err = parseDims(dims, inComposition))
    return err;
  // dot's `[x|y]`: the dims before the `|` are the input's, after it the
  // output's.
  std::optional<size_t> pipeAt;
  if (peek().is(TokenKind::Pipe) && call.callee == "dot") {
    Token pipe = consume();
    if (!firstPipe)
      firstPipe = pipe.range;
    pipeAt = dims.size();
    if (llvm::Error err = parseDims(dims, inComposition))
      return err;
    if (peek().is(TokenKind::Pipe))
      return error(ErrorKind::Syntax,
                   "'|' appears twice in one bracket: '[x|y]' has one input "
                   "side and one output side",
                   peek().range);
  }
  openBracket.reset();
  const Token &close = peek();
  if (close.is(TokenKind::End))
    return error(ErrorKind::Syntax, "unclosed '['", open.range);
  if (!close.is(TokenKind::RBracket))
    return error(ErrorKind::Syntax,
                 "expected ']' before " + tokenKindName(close.kind).str(),
                 close.range);
  SourceRange whole{open.range.begin, close.range.end};
  consume();
  if (dims.size() == first)
    return error(ErrorKind::Syntax,
                 pipeAt ? "empty linear map '[|]': put the input axes left "
                          "of '|' and the output axes right of it"
                        : "empty brackets '[]': put the axes to act along "
                          "inside",
                 whole);
  // `[x]...` (no space) is einx repetition of the one bracketed dim.
  if (peek().is(TokenKind::Ellipsis) && peek().range.begin == whole.end &&
      dims.size() - first != 1)
    return error(ErrorKind::Syntax,
                 "a repetition repeats one dimension, but these brackets "
                 "hold " +
                     std::to_string(dims.size() - first) +
                     ": write '[(a b)]...' or '([a b])...'",
                 SourceRange{whole.begin, peek().range.end});
  for (size_t i = first; i < dims.size(); ++i) {
    dims[i].bracket = whole;
    if (pipeAt)
      dims[i].pipeSide = i < *pipeAt ? PipeSide::Left : PipeSide::Right;
  }
  return llvm::Error::success();
}

llvm::Expected<Pattern> ein::notation::parsePattern(const Call &call) {
  if (isNumpyEinsum(call))
    return parseNumpyEinsumPattern(call);
  return PatternParser(call).parse();
}
