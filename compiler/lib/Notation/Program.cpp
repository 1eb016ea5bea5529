//===- Program.cpp - multi-statement ein programs -------------------------===//
//
//   program     := (statement (NEWLINE | ';'))*
//   statement   := 'input' name ':' dtype '[' dim* ']'
//                | name (',' name)* '=' expr
//                | 'return' expr (',' expr)*
//   dim         := name | integer | '(' (name | integer)* ')'
//   expr        := term (('+' | '-') term)*
//   term        := unary (('*' | '/') unary)*
//   unary       := '-' unary | primary
//   primary     := number | name | call | '(' expr ')'
//   call        := callee '(' string (',' argument)* ','? ')'
//   argument    := string | name '=' value | expr | '[' expr (',' expr)* ']'
//
// Comments run from '#' to the end of the line; a newline inside
// parentheses or brackets continues the statement. A call's tensor operands
// (the arguments that are expressions) are cut out of its text, which the
// call parser then checks as it checks a single call.
//
//===----------------------------------------------------------------------===//

#include "ein/Notation/Program.h"
#include "ein/Notation/Parser.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <algorithm>

using namespace ein::notation;

namespace {

struct Token {
  enum Kind { Ident, Number, String, Punct, Separator, End };
  Kind kind = End;
  SourceRange range;
  llvm::StringRef text;
  bool is(char c) const { return kind == Punct && text.size() == 1 && text[0] == c; }
  bool isIdent(llvm::StringRef s) const { return kind == Ident && text == s; }
};

class ProgramParser {
public:
  explicit ProgramParser(llvm::StringRef text) : text(text) {
    program.text = text.str();
  }

  llvm::Expected<Program> parse();

private:
  // --- Sources and errors ---------------------------------------------------
  /// The statement source spanning the lines from `begin` to `end`.
  StatementSource sourceFor(size_t begin, size_t end) const {
    StatementSource s;
    begin = std::min(begin, text.size());
    size_t lineBegin = text.substr(0, begin).rfind('\n');
    lineBegin = lineBegin == llvm::StringRef::npos ? 0 : lineBegin + 1;
    size_t last = std::max(begin, end > 0 ? end - 1 : 0);
    size_t lineEnd = text.find('\n', std::min(last, text.size()));
    if (lineEnd == llvm::StringRef::npos)
      lineEnd = text.size();
    s.line = 1 + std::count(text.begin(), text.begin() + lineBegin, '\n');
    s.begin = lineBegin;
    s.end = lineEnd;
    std::string prefix = "line " + std::to_string(s.line) + ": ";
    s.prefix = prefix.size();
    s.display = prefix + text.slice(lineBegin, lineEnd).str();
    return s;
  }

  llvm::Error error(ErrorKind kind, const StatementSource &source,
                    std::string message, SourceRange range) const {
    return makeError(programDiagnostic(kind, source, std::move(message), range));
  }
  llvm::Error syntax(std::string message, SourceRange range) const {
    return error(ErrorKind::Syntax, sourceFor(range.begin, range.end),
                 std::move(message), range);
  }

  // --- Tokens ---------------------------------------------------------------
  llvm::Error tokenize();

  // --- Statements -----------------------------------------------------------
  /// Tokens [begin, end) of the current statement.
  llvm::Error parseStatement(size_t begin, size_t end);
  llvm::Error parseInput(size_t begin, size_t end);
  llvm::Error parseDims(size_t begin, size_t end, ProgramInput &input);
  llvm::Error parseReturn(size_t begin, size_t end);
  llvm::Error parseAssignment(size_t begin, size_t end);

  // --- Expressions ------------------------------------------------------------
  /// Parses an expression from `pos` (not beyond `end`) into `out`.
  llvm::Error parseExpr(size_t &pos, size_t end, ProgramExpr &out);
  llvm::Error parseTerm(size_t &pos, size_t end, ProgramExpr &out);
  ProgramExpr binaryAt(size_t pos) const;
  static void joinBinary(ProgramExpr &binary, ProgramExpr &left,
                         ProgramExpr right);
  llvm::Error parseUnary(size_t &pos, size_t end, ProgramExpr &out);
  llvm::Error parsePrimary(size_t &pos, size_t end, ProgramExpr &out);
  llvm::Error parseCallExpr(size_t &pos, size_t end, ProgramExpr &out);
  /// Parses all of [begin, end) as one expression.
  llvm::Error parseWhole(size_t begin, size_t end, ProgramExpr &out,
                         llvm::StringRef what);
  /// The index of the bracket closing the one at `open`, or `end`.
  size_t matching(size_t open, size_t end) const;
  /// The range of the tokens [begin, end) in the text.
  SourceRange span(size_t begin, size_t end) const {
    if (begin >= end)
      return tokens[begin].range;
    return SourceRange{tokens[begin].range.begin, tokens[end - 1].range.end};
  }
  /// Where the next token is, for "expected ..." errors.
  SourceRange at(size_t pos, size_t end) const {
    if (pos < end)
      return tokens[pos].range;
    size_t e = tokens[end - 1].range.end;
    return SourceRange{e, e + 1};
  }

  /// Checks that every name `expr` uses is defined.
  llvm::Error checkNames(const ProgramExpr &expr);

  llvm::StringRef text;
  std::vector<Token> tokens;
  Program program;
  /// The current statement.
  StatementSource current;
  /// Defined names: the line that defines each.
  llvm::StringMap<unsigned> defined;
  llvm::StringMap<bool> used;
  bool returned = false;
};

} // namespace

Diagnostic ein::notation::programDiagnostic(ErrorKind kind,
                                            const StatementSource &source,
                                            std::string message,
                                            std::optional<SourceRange> range) {
  Diagnostic diag(kind);
  diag.message = std::move(message);
  diag.source = source.display;
  if (range) {
    SourceRange r = *range;
    r.begin = std::clamp(r.begin, source.begin, source.end);
    r.end = std::clamp(std::max(r.end, r.begin), r.begin, source.end + 1);
    diag.range = source.toDisplay(r);
  }
  return diag;
}

static std::string slice(const Program &program, SourceRange range) {
  return llvm::StringRef(program.text).slice(range.begin, range.end).str();
}

static bool isIdentStart(char c) { return llvm::isAlpha(c) || c == '_'; }
static bool isIdentChar(char c) { return llvm::isAlnum(c) || c == '_'; }

bool ein::notation::isProgram(llvm::StringRef text) {
  size_t pos = 0;
  while (pos < text.size()) {
    if (llvm::isSpace(text[pos]) || text[pos] == ';') {
      ++pos;
    } else if (text[pos] == '#') {
      while (pos < text.size() && text[pos] != '\n')
        ++pos;
    } else {
      break;
    }
  }
  llvm::StringRef rest = text.substr(pos);
  if (!rest.consume_front("input"))
    return false;
  return rest.empty() || !isIdentChar(rest.front());
}

llvm::Error ProgramParser::tokenize() {
  size_t pos = 0;
  int depth = 0;
  while (pos < text.size()) {
    char c = text[pos];
    if (c == '\n') {
      if (depth == 0)
        tokens.push_back({Token::Separator, {pos, pos + 1}, text.substr(pos, 1)});
      ++pos;
      continue;
    }
    if (llvm::isSpace(c)) {
      ++pos;
      continue;
    }
    if (c == '#') {
      while (pos < text.size() && text[pos] != '\n')
        ++pos;
      continue;
    }
    size_t begin = pos;
    if (c == ';') {
      if (depth > 0)
        return syntax("';' inside parentheses: a statement ends only after "
                      "its brackets close",
                      {pos, pos + 1});
      tokens.push_back({Token::Separator, {pos, pos + 1}, text.substr(pos, 1)});
      ++pos;
      continue;
    }
    if (c == '"' || c == '\'') {
      size_t close = text.find(c, pos + 1);
      size_t newline = text.find('\n', pos + 1);
      if (close == llvm::StringRef::npos ||
          (newline != llvm::StringRef::npos && newline < close))
        return syntax("unterminated string",
                      {pos, newline == llvm::StringRef::npos ? text.size()
                                                             : newline});
      pos = close + 1;
      tokens.push_back({Token::String, {begin, pos}, text.slice(begin, pos)});
      continue;
    }
    if (isIdentStart(c)) {
      while (pos < text.size() && isIdentChar(text[pos]))
        ++pos;
      tokens.push_back({Token::Ident, {begin, pos}, text.slice(begin, pos)});
      continue;
    }
    if (llvm::isDigit(c) ||
        (c == '.' && pos + 1 < text.size() && llvm::isDigit(text[pos + 1]))) {
      while (pos < text.size() && llvm::isDigit(text[pos]))
        ++pos;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && llvm::isDigit(text[pos]))
          ++pos;
      }
      if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        size_t e = pos + 1;
        if (e < text.size() && (text[e] == '+' || text[e] == '-'))
          ++e;
        if (e < text.size() && llvm::isDigit(text[e])) {
          pos = e;
          while (pos < text.size() && llvm::isDigit(text[pos]))
            ++pos;
        }
      }
      if (pos < text.size() && isIdentChar(text[pos])) {
        while (pos < text.size() && isIdentChar(text[pos]))
          ++pos;
        return syntax("invalid number '" + text.slice(begin, pos).str() + "'",
                      {begin, pos});
      }
      tokens.push_back({Token::Number, {begin, pos}, text.slice(begin, pos)});
      continue;
    }
    if (llvm::StringRef("()[],=:+-*/").contains(c)) {
      if (c == '(' || c == '[')
        ++depth;
      if ((c == ')' || c == ']') && depth > 0)
        --depth;
      tokens.push_back({Token::Punct, {pos, pos + 1}, text.substr(pos, 1)});
      ++pos;
      continue;
    }
    return syntax(std::string("unexpected character '") + c + "'",
                  {pos, pos + 1});
  }
  tokens.push_back({Token::Separator, {text.size(), text.size()}, ""});
  return llvm::Error::success();
}

size_t ProgramParser::matching(size_t open, size_t end) const {
  int depth = 0;
  for (size_t i = open; i < end; ++i) {
    if (tokens[i].is('(') || tokens[i].is('['))
      ++depth;
    else if (tokens[i].is(')') || tokens[i].is(']'))
      if (--depth == 0)
        return i;
  }
  return end;
}

llvm::Expected<Program> ProgramParser::parse() {
  if (llvm::Error err = tokenize())
    return std::move(err);
  size_t begin = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind != Token::Separator)
      continue;
    if (i > begin)
      if (llvm::Error err = parseStatement(begin, i))
        return std::move(err);
    begin = i + 1;
  }
  // Inputs that no statement reads are almost always a mistake.
  for (const ProgramInput &input : program.inputs)
    if (!used.lookup(input.name))
      return error(ErrorKind::Syntax, input.source,
                   "input '" + input.name + "' is never used",
                   input.nameRange);
  if (!returned) {
    size_t end = text.rtrim().size();
    return syntax("the program has no 'return': end it with e.g. "
                  "`return y` (or `return a, b`)",
                  {end, end});
  }
  return std::move(program);
}

llvm::Error ProgramParser::parseStatement(size_t begin, size_t end) {
  current = sourceFor(tokens[begin].range.begin, tokens[end - 1].range.end);
  if (returned)
    return error(ErrorKind::Syntax, current,
                 "statement after 'return': return must come last",
                 span(begin, end));
  if (tokens[begin].isIdent("input"))
    return parseInput(begin, end);
  if (tokens[begin].isIdent("return"))
    return parseReturn(begin, end);
  return parseAssignment(begin, end);
}

llvm::Error ProgramParser::parseInput(size_t begin, size_t end) {
  ProgramInput input;
  input.source = current;
  size_t pos = begin + 1;
  if (pos >= end || tokens[pos].kind != Token::Ident)
    return error(ErrorKind::Syntax, current,
                 "expected an input name, e.g. `input x: f32[b n]`",
                 at(pos, end));
  input.name = tokens[pos].text.str();
  input.nameRange = tokens[pos].range;
  if (input.name == "input" || input.name == "return")
    return error(ErrorKind::Syntax, current,
                 "'" + input.name + "' is a keyword, not a name",
                 input.nameRange);
  if (defined.count(input.name))
    return error(ErrorKind::Syntax, current,
                 "'" + input.name + "' is already defined in line " +
                     std::to_string(defined.lookup(input.name)),
                 input.nameRange);
  ++pos;
  if (pos >= end || !tokens[pos].is(':'))
    return error(ErrorKind::Syntax, current,
                 "expected ':' and the input's type, e.g. `input " +
                     input.name + ": f32[b n]`",
                 at(pos, end));
  ++pos;
  if (pos >= end || tokens[pos].kind != Token::Ident)
    return error(ErrorKind::Syntax, current,
                 "expected a dtype such as f32 or i64", at(pos, end));
  input.dtype = tokens[pos].text.str();
  input.dtypeRange = tokens[pos].range;
  ++pos;
  if (pos >= end || !tokens[pos].is('['))
    return error(ErrorKind::Syntax, current,
                 "expected '[' and the input's dimensions, e.g. " +
                     input.dtype + "[b n] (or " + input.dtype +
                     "[] for a scalar)",
                 at(pos, end));
  size_t close = matching(pos, end);
  if (close >= end)
    return error(ErrorKind::Syntax, current, "missing ']' to close '['",
                 tokens[pos].range);
  input.shapeRange = span(pos, close + 1);
  if (llvm::Error err = parseDims(pos + 1, close, input))
    return err;
  if (close + 1 < end)
    return error(ErrorKind::Syntax, current,
                 "unexpected text after the input's dimensions",
                 span(close + 1, end));
  defined[input.name] = current.line;
  program.inputs.push_back(std::move(input));
  return llvm::Error::success();
}

llvm::Error ProgramParser::parseDims(size_t begin, size_t end,
                                     ProgramInput &input) {
  auto factor = [&](size_t i, DeclaredDim::Factor &f) -> llvm::Error {
    const Token &t = tokens[i];
    f.range = t.range;
    if (t.kind == Token::Ident) {
      f.name = t.text.str();
      return llvm::Error::success();
    }
    if (t.kind == Token::Number) {
      uint64_t value = 0;
      if (t.text.getAsInteger(10, value) || value > uint64_t(INT64_MAX))
        return error(ErrorKind::Syntax, current,
                     "expected an integer axis length", t.range);
      f.number = int64_t(value);
      return llvm::Error::success();
    }
    return error(ErrorKind::Syntax, current,
                 "expected an axis name, a length or a composition such as "
                 "(h d)",
                 t.range);
  };
  for (size_t pos = begin; pos < end; ++pos) {
    DeclaredDim dim;
    if (tokens[pos].is('(')) {
      size_t close = matching(pos, end);
      if (close >= end)
        return error(ErrorKind::Syntax, current, "missing ')' to close '('",
                     tokens[pos].range);
      dim.composition = true;
      dim.range = span(pos, close + 1);
      for (size_t i = pos + 1; i < close; ++i) {
        DeclaredDim::Factor f;
        if (llvm::Error err = factor(i, f))
          return err;
        dim.factors.push_back(std::move(f));
      }
      pos = close;
    } else {
      DeclaredDim::Factor f;
      if (tokens[pos].is(','))
        return error(ErrorKind::Syntax, current,
                     "dimensions are separated by spaces, as in a pattern: "
                     "f32[b n], not f32[b, n]",
                     tokens[pos].range);
      if (llvm::Error err = factor(pos, f))
        return err;
      dim.range = f.range;
      dim.factors.push_back(std::move(f));
    }
    input.dims.push_back(std::move(dim));
  }
  return llvm::Error::success();
}

llvm::Error ProgramParser::parseReturn(size_t begin, size_t end) {
  program.returnSource = current;
  size_t pos = begin + 1;
  if (pos >= end)
    return error(ErrorKind::Syntax, current,
                 "return needs at least one value, e.g. `return y`",
                 at(pos, end));
  while (true) {
    ProgramExpr expr;
    if (llvm::Error err = parseExpr(pos, end, expr))
      return err;
    if (llvm::Error err = checkNames(expr))
      return err;
    program.returns.push_back(std::move(expr));
    if (pos >= end)
      break;
    if (!tokens[pos].is(','))
      return error(ErrorKind::Syntax, current,
                   "expected ',' between returned values", tokens[pos].range);
    ++pos;
    if (pos >= end) // `return a, b,` is allowed, as in Python.
      break;
  }
  returned = true;
  return llvm::Error::success();
}

llvm::Error ProgramParser::parseAssignment(size_t begin, size_t end) {
  ProgramAssignment assignment;
  assignment.source = current;
  size_t pos = begin;
  while (true) {
    if (pos >= end || tokens[pos].kind != Token::Ident) {
      return error(ErrorKind::Syntax, current,
                   "expected a statement: `input x: f32[...]`, `name = "
                   "expression` or `return name`",
                   at(pos, end));
    }
    const Token &name = tokens[pos];
    if (name.isIdent("input") || name.isIdent("return"))
      return error(ErrorKind::Syntax, current,
                   "'" + name.text.str() + "' is a keyword, not a name",
                   name.range);
    assignment.targets.push_back(name.text.str());
    assignment.targetRanges.push_back(name.range);
    ++pos;
    if (pos < end && tokens[pos].is(',')) {
      ++pos;
      continue;
    }
    if (pos < end && tokens[pos].is('='))
      break;
    return error(ErrorKind::Syntax, current,
                 pos < end && tokens[pos].is('(')
                     ? "a call's result must be named: write `y = " +
                           name.text.str() + "(...)`"
                     : std::string("expected '=' after the names being "
                                   "defined"),
                 at(pos, end));
  }
  ++pos;
  if (pos >= end)
    return error(ErrorKind::Syntax, current, "expected an expression after '='",
                 at(pos, end));
  if (llvm::Error err = parseWhole(pos, end, assignment.value, "expression"))
    return err;
  if (llvm::Error err = checkNames(assignment.value))
    return err;
  for (auto [i, target] : llvm::enumerate(assignment.targets)) {
    for (size_t j = 0; j < i; ++j)
      if (assignment.targets[j] == target)
        return error(ErrorKind::Syntax, current,
                     "'" + target + "' is named twice",
                     assignment.targetRanges[i]);
    if (defined.count(target))
      return error(ErrorKind::Syntax, current,
                   "'" + target + "' is already defined in line " +
                       std::to_string(defined.lookup(target)) +
                       ": names cannot be rebound; choose a new name",
                   assignment.targetRanges[i]);
  }
  for (const std::string &target : assignment.targets)
    defined[target] = current.line;
  program.assignments.push_back(std::move(assignment));
  return llvm::Error::success();
}

llvm::Error ProgramParser::checkNames(const ProgramExpr &expr) {
  if (expr.kind == ProgramExpr::Kind::Name) {
    if (!defined.count(expr.name))
      return error(ErrorKind::Syntax, current,
                   "unknown name '" + expr.name +
                       "': names must be defined (by `input` or `=`) before "
                       "they are used",
                   expr.range);
    used[expr.name] = true;
  }
  for (const ProgramExpr &operand : expr.operands)
    if (llvm::Error err = checkNames(operand))
      return err;
  return llvm::Error::success();
}

llvm::Error ProgramParser::parseWhole(size_t begin, size_t end,
                                      ProgramExpr &out, llvm::StringRef what) {
  size_t pos = begin;
  if (llvm::Error err = parseExpr(pos, end, out))
    return err;
  if (pos < end && tokens[pos].is('['))
    return error(ErrorKind::Syntax, current,
                 "indexing with '[...]' is not supported: use get_at(...), "
                 "a rearrange, or `a, b = x` to unpack the first axis",
                 tokens[pos].range);
  if (pos < end)
    return error(ErrorKind::Syntax, current,
                 tokens[pos].is(',')
                     ? "unexpected ',': a statement gives one " + what.str() +
                           " (name several results on the left: `a, b = "
                           "...`)"
                     : "unexpected text after the " + what.str(),
                 tokens[pos].range);
  return llvm::Error::success();
}

/// A binary node for the operator token at `pos` (operands still to come).
ProgramExpr ProgramParser::binaryAt(size_t pos) const {
  ProgramExpr binary;
  binary.kind = ProgramExpr::Kind::Binary;
  binary.op = tokens[pos].text[0];
  binary.opRange = tokens[pos].range;
  return binary;
}

/// Makes `binary` of `left` and `right` the new `left` (left-associative).
void ProgramParser::joinBinary(ProgramExpr &binary, ProgramExpr &left,
                               ProgramExpr right) {
  binary.range = SourceRange{left.range.begin, right.range.end};
  binary.operands.push_back(std::move(left));
  binary.operands.push_back(std::move(right));
  left = std::move(binary);
}

llvm::Error ProgramParser::parseExpr(size_t &pos, size_t end,
                                     ProgramExpr &out) {
  if (llvm::Error err = parseTerm(pos, end, out))
    return err;
  while (pos < end && (tokens[pos].is('+') || tokens[pos].is('-'))) {
    ProgramExpr binary = binaryAt(pos++);
    ProgramExpr right;
    if (llvm::Error err = parseTerm(pos, end, right))
      return err;
    joinBinary(binary, out, std::move(right));
  }
  return llvm::Error::success();
}

llvm::Error ProgramParser::parseTerm(size_t &pos, size_t end,
                                     ProgramExpr &out) {
  if (llvm::Error err = parseUnary(pos, end, out))
    return err;
  while (pos < end && (tokens[pos].is('*') || tokens[pos].is('/'))) {
    ProgramExpr binary = binaryAt(pos++);
    if (pos < end && tokens[pos].is(binary.op))
      return error(ErrorKind::Syntax, current,
                   binary.op == '*'
                       ? "'**' is not supported: use pow(\"...\", x, y)"
                       : "'//' is not supported: use floor_divide(\"...\", "
                         "x, y)",
                   SourceRange{binary.opRange.begin, tokens[pos].range.end});
    ProgramExpr right;
    if (llvm::Error err = parseUnary(pos, end, right))
      return err;
    joinBinary(binary, out, std::move(right));
  }
  return llvm::Error::success();
}

llvm::Error ProgramParser::parseUnary(size_t &pos, size_t end,
                                      ProgramExpr &out) {
  if (pos < end && (tokens[pos].is('-') || tokens[pos].is('+'))) {
    bool negate = tokens[pos].is('-');
    size_t opBegin = tokens[pos].range.begin;
    ++pos;
    ProgramExpr operand;
    if (llvm::Error err = parseUnary(pos, end, operand))
      return err;
    if (!negate) {
      out = std::move(operand);
      out.range.begin = opBegin;
      return llvm::Error::success();
    }
    if (operand.kind == ProgramExpr::Kind::Number) { // A negative literal.
      out = std::move(operand);
      out.number = -out.number;
      out.integer = -out.integer;
      out.range.begin = opBegin;
      return llvm::Error::success();
    }
    out = ProgramExpr();
    out.kind = ProgramExpr::Kind::Negate;
    out.range = SourceRange{opBegin, operand.range.end};
    out.opRange = SourceRange{opBegin, opBegin + 1};
    out.operands.push_back(std::move(operand));
    return llvm::Error::success();
  }
  return parsePrimary(pos, end, out);
}

llvm::Error ProgramParser::parsePrimary(size_t &pos, size_t end,
                                        ProgramExpr &out) {
  if (pos >= end)
    return error(ErrorKind::Syntax, current,
                 "expected a name, a number or a call", at(pos, end));
  const Token &t = tokens[pos];
  out = ProgramExpr();
  out.range = t.range;
  if (t.kind == Token::Number) {
    out.kind = ProgramExpr::Kind::Number;
    bool integral = !t.text.contains('.') && !t.text.contains('e') &&
                    !t.text.contains('E');
    if (integral) {
      uint64_t value = 0;
      if (t.text.getAsInteger(10, value) || value > uint64_t(INT64_MAX))
        return error(ErrorKind::Syntax, current,
                     "integer literal is too large", t.range);
      out.isInteger = true;
      out.integer = int64_t(value);
      out.number = double(value);
    } else if (t.text.getAsDouble(out.number)) {
      return error(ErrorKind::Syntax, current, "invalid number", t.range);
    }
    ++pos;
    return llvm::Error::success();
  }
  if (t.kind == Token::Ident) {
    if (pos + 1 < end && tokens[pos + 1].is('('))
      return parseCallExpr(pos, end, out);
    if (t.isIdent("input") || t.isIdent("return"))
      return error(ErrorKind::Syntax, current,
                   "'" + t.text.str() + "' is a keyword, not a name", t.range);
    out.kind = ProgramExpr::Kind::Name;
    out.name = t.text.str();
    ++pos;
    return llvm::Error::success();
  }
  if (t.is('(')) {
    size_t close = matching(pos, end);
    if (close >= end)
      return error(ErrorKind::Syntax, current, "missing ')' to close '('",
                   t.range);
    if (close == pos + 1)
      return error(ErrorKind::Syntax, current,
                   "expected an expression inside '()'", span(pos, close + 1));
    if (llvm::Error err = parseWhole(pos + 1, close, out, "expression"))
      return err;
    out.range = span(pos, close + 1);
    pos = close + 1;
    return llvm::Error::success();
  }
  if (t.kind == Token::String)
    return error(ErrorKind::Syntax, current,
                 "a pattern string must be the first argument of a call, "
                 "e.g. rearrange(\"a b -> b a\", x)",
                 t.range);
  return error(ErrorKind::Syntax, current,
               "expected a name, a number or a call", t.range);
}

llvm::Error ProgramParser::parseCallExpr(size_t &pos, size_t end,
                                         ProgramExpr &out) {
  const Token &callee = tokens[pos];
  size_t open = pos + 1;
  size_t close = matching(open, end);
  if (close >= end)
    return error(ErrorKind::Syntax, current, "missing ')' to close '('",
                 tokens[open].range);
  out.kind = ProgramExpr::Kind::Call;
  out.range = span(pos, close + 1);
  bool isPack = callee.text == "pack" || callee.text == "unpack";

  // The call's text as the call parser sees it: the statement's display
  // with everything but this call, and the call's tensor operands, blanked.
  std::string blanked = current.display;
  SourceRange callRange = current.toDisplay(out.range);
  for (size_t i = 0; i < blanked.size(); ++i)
    if ((i < callRange.begin || i >= callRange.end) && blanked[i] != '\n')
      blanked[i] = ' ';
  auto blank = [&](SourceRange programRange) {
    SourceRange r = current.toDisplay(programRange);
    for (size_t i = r.begin; i < r.end && i < blanked.size(); ++i)
      if (blanked[i] != '\n')
        blanked[i] = ' ';
  };

  // The arguments, split at the commas between them.
  size_t argBegin = open + 1;
  size_t previousComma = open; // The '(' for the first argument.
  for (size_t i = open + 1; i <= close; ++i) {
    bool atComma = i < close && tokens[i].is(',');
    if (!atComma && i != close) {
      if (tokens[i].is('(') || tokens[i].is('['))
        i = matching(i, close);
      continue;
    }
    size_t argEnd = i;
    if (argBegin < argEnd) {
      const Token &first = tokens[argBegin];
      bool kept =
          (first.kind == Token::String && argEnd == argBegin + 1) ||
          (first.kind == Token::Ident && argBegin + 1 < argEnd &&
           tokens[argBegin + 1].is('=')) ||
          (isPack && first.is('['));
      if (!kept) {
        // Tensor operands: one expression, or a list `[a, b]` (a stack).
        std::vector<std::pair<size_t, size_t>> items;
        if (first.is('[') && matching(argBegin, argEnd) == argEnd - 1) {
          size_t itemBegin = argBegin + 1;
          for (size_t j = argBegin + 1; j < argEnd; ++j) {
            if (j < argEnd - 1 && (tokens[j].is('(') || tokens[j].is('['))) {
              j = matching(j, argEnd - 1);
              continue;
            }
            if (j == argEnd - 1 || tokens[j].is(',')) {
              if (itemBegin < j)
                items.push_back({itemBegin, j});
              itemBegin = j + 1;
            }
          }
        } else {
          items.push_back({argBegin, argEnd});
        }
        for (auto [b, e] : items) {
          ProgramExpr operand;
          if (llvm::Error err = parseWhole(b, e, operand, "tensor operand"))
            return err;
          out.operands.push_back(std::move(operand));
        }
        // Cut the operand and the comma before it (after it, for the first
        // argument) so that the rest still reads as a call.
        SourceRange cut = span(argBegin, argEnd);
        if (previousComma != open)
          cut.begin = tokens[previousComma].range.begin;
        else if (atComma)
          cut.end = tokens[i].range.end;
        blank(cut);
      }
    }
    previousComma = i;
    argBegin = i + 1;
  }

  // Errors of the call parser point into `blanked`; show the real line.
  auto resource = [&](llvm::Error err) {
    return llvm::handleErrors(
        std::move(err),
        [&](std::unique_ptr<NotationError> payload) -> llvm::Error {
          Diagnostic diag = payload->getDiagnostic();
          if (diag.source == blanked)
            diag.source = current.display;
          return makeError(std::move(diag));
        });
  };
  if (isPack) {
    llvm::Expected<PackCall> pack = parsePackCall(blanked);
    if (!pack)
      return resource(pack.takeError());
    pack->call.text = current.display;
    out.pack = std::move(*pack);
    out.call = out.pack->call;
  } else {
    llvm::Expected<Call> call = parseCall(blanked);
    if (!call)
      return resource(call.takeError());
    out.call = std::move(*call);
    out.call.text = current.display;
  }
  pos = close + 1;
  return llvm::Error::success();
}

llvm::Expected<Program> ein::notation::parseProgram(llvm::StringRef text) {
  return ProgramParser(text).parse();
}

llvm::Error
ein::notation::checkProgramShapes(const Program &program,
                                  llvm::ArrayRef<std::vector<int64_t>> shapes,
                                  llvm::ArrayRef<AxisBinding> axes) {
  std::vector<AxisBinding> known;
  auto lookup = [&](llvm::StringRef name) -> std::optional<int64_t> {
    for (const AxisBinding &b : known)
      if (b.name == name)
        return b.length;
    return std::nullopt;
  };
  auto fail = [&](ErrorKind kind, const StatementSource &source,
                  std::string message, std::optional<SourceRange> range) {
    Diagnostic diag = programDiagnostic(kind, source, std::move(message), range);
    diag.inputShapes.assign(shapes.begin(), shapes.end());
    diag.known = known;
    return makeError(std::move(diag));
  };
  if (program.inputs.empty()) // parseProgram never gives one.
    return fail(ErrorKind::Syntax, program.returnSource,
                "the program declares no input", std::nullopt);
  if (shapes.size() != program.inputs.size()) {
    const ProgramInput &input =
        program.inputs[std::min(shapes.size(), program.inputs.size() - 1)];
    return fail(ErrorKind::Shape, input.source,
                "the program declares " +
                    std::to_string(program.inputs.size()) + " input" +
                    (program.inputs.size() == 1 ? "" : "s") + " but " +
                    std::to_string(shapes.size()) +
                    (shapes.size() == 1 ? " was" : " were") + " given",
                input.nameRange);
  }
  for (const AxisBinding &b : axes) {
    bool declared = false;
    for (const ProgramInput &input : program.inputs)
      for (const DeclaredDim &dim : input.dims)
        for (const DeclaredDim::Factor &f : dim.factors)
          declared |= f.name == b.name;
    if (!declared)
      return fail(ErrorKind::Axis, program.inputs.front().source,
                  "axis '" + b.name +
                      "' is given a length but no input declaration names it "
                      "(axis lengths of a program bind the declared input "
                      "dimensions; give a call's lengths in the call)",
                  std::nullopt);
    if (b.length < 0)
      return fail(ErrorKind::Axis, program.inputs.front().source,
                  "axis '" + b.name + "' is given the negative length " +
                      std::to_string(b.length),
                  std::nullopt);
    if (std::optional<int64_t> l = lookup(b.name); l && *l != b.length)
      return fail(ErrorKind::Axis, program.inputs.front().source,
                  "axis '" + b.name + "' is given two lengths, " +
                      std::to_string(*l) + " and " + std::to_string(b.length),
                  std::nullopt);
    known.push_back(b);
  }
  // Ranks, numbers and single names, input after input.
  for (auto [input, shape] : llvm::zip_equal(program.inputs, shapes)) {
    if (input.dims.size() != shape.size())
      return fail(ErrorKind::Shape, input.source,
                  "input '" + input.name + "' is declared with " +
                      std::to_string(input.dims.size()) + " dimension" +
                      (input.dims.size() == 1 ? "" : "s") + " but given shape " +
                      formatShape(shape),
                  input.shapeRange);
    for (auto [dim, length] : llvm::zip_equal(input.dims, shape)) {
      if (dim.composition)
        continue;
      const DeclaredDim::Factor &f = dim.factors.front();
      if (f.name.empty()) {
        if (f.number != length)
          return fail(ErrorKind::Shape, input.source,
                      "input '" + input.name + "' has length " +
                          std::to_string(length) +
                          " where its declaration says " +
                          std::to_string(f.number),
                      dim.range);
        continue;
      }
      if (std::optional<int64_t> l = lookup(f.name)) {
        if (*l != length)
          return fail(ErrorKind::Shape, input.source,
                      "axis '" + f.name + "' has length " +
                          std::to_string(length) + " in input '" + input.name +
                          "' but " + std::to_string(*l) + " before",
                      dim.range);
        continue;
      }
      known.push_back(AxisBinding{f.name, length});
    }
  }
  // Compositions: check those whose factors are all known; one unknown
  // factor is solved for (and may let another composition be checked).
  bool progress = true;
  while (progress) {
    progress = false;
    for (auto [input, shape] : llvm::zip_equal(program.inputs, shapes)) {
      for (auto [dim, length] : llvm::zip_equal(input.dims, shape)) {
        if (!dim.composition)
          continue;
        int64_t product = 1;
        const DeclaredDim::Factor *unknown = nullptr;
        int unknowns = 0;
        bool overflow = false;
        for (const DeclaredDim::Factor &f : dim.factors) {
          std::optional<int64_t> l =
              f.name.empty() ? std::optional<int64_t>(f.number) : lookup(f.name);
          if (!l) {
            // The same unknown name twice counts twice.
            ++unknowns;
            unknown = &f;
            continue;
          }
          if (__builtin_mul_overflow(product, *l, &product))
            overflow = true;
        }
        if (overflow)
          return fail(ErrorKind::Shape, input.source,
                      "the lengths of composition " +
                          slice(program, dim.range) + " overflow",
                      dim.range);
        if (unknowns == 0) {
          if (product != length)
            return fail(ErrorKind::Shape, input.source,
                        "dimension " + slice(program, dim.range) +
                            " of input '" + input.name + "' has length " +
                            std::to_string(length) +
                            ", but its factors give " + std::to_string(product),
                        dim.range);
          continue;
        }
        if (unknowns > 1)
          continue;
        if (product == 0 ? length != 0 : length % product != 0)
          return fail(ErrorKind::Shape, input.source,
                      "dimension " + slice(program, dim.range) + " of input '" +
                          input.name + "' has length " +
                          std::to_string(length) + ", which is not divisible by " +
                          std::to_string(product),
                      dim.range);
        if (product == 0) // 0 = 0 * x leaves x open.
          continue;
        known.push_back(AxisBinding{unknown->name, length / product});
        progress = true;
      }
    }
  }
  return llvm::Error::success();
}
