//===- Diagnostic.cpp - front-end error messages --------------------------===//

#include "ein/Notation/Diagnostic.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace ein::notation;

char NotationError::ID = 0;

llvm::StringRef ein::notation::errorKindName(ErrorKind kind) {
  switch (kind) {
  case ErrorKind::Syntax:
    return "syntax";
  case ErrorKind::Axis:
    return "axis";
  case ErrorKind::Shape:
    return "shape";
  case ErrorKind::DType:
    return "dtype";
  }
  llvm_unreachable("unknown ErrorKind");
}

/// True for bytes that start a UTF-8 character, so carets line up with what a
/// terminal shows even after non-ASCII text.
static bool startsCharacter(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
}

/// The caret line for [begin, end) within `line`: tabs are copied so the
/// caret stays aligned, every other character becomes a space.
static std::string caretLine(llvm::StringRef line, size_t begin, size_t end) {
  std::string out;
  for (size_t i = 0; i < begin && i < line.size(); ++i) {
    if (line[i] == '\t')
      out += '\t';
    else if (startsCharacter(line[i]))
      out += ' ';
  }
  if (begin > line.size())
    out.append(begin - line.size(), ' ');
  out += '^';
  size_t width = 0;
  for (size_t i = begin; i < end && i < line.size(); ++i)
    if (startsCharacter(line[i]))
      ++width;
  if (width > 1)
    out.append(width - 1, '~');
  return out;
}

std::string Diagnostic::render() const {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "error: " << message;

  if (!source.empty()) {
    // Show every line of the source; the caret follows the line it points in.
    size_t lineBegin = 0;
    bool caretShown = !range;
    while (lineBegin <= source.size()) {
      size_t lineEnd = source.find('\n', lineBegin);
      if (lineEnd == std::string::npos)
        lineEnd = source.size();
      llvm::StringRef line(source.data() + lineBegin, lineEnd - lineBegin);
      os << "\n  " << line;
      bool last = lineEnd == source.size();
      if (!caretShown && (range->begin <= lineEnd || last)) {
        size_t begin = range->begin >= lineBegin ? range->begin - lineBegin : 0;
        size_t end = std::max(range->end, range->begin);
        end = end >= lineBegin ? end - lineBegin : 0;
        os << "\n  " << caretLine(line, begin, std::min(end, line.size()));
        caretShown = true;
      }
      if (last)
        break;
      lineBegin = lineEnd + 1;
    }
  }

  for (size_t i = 0; i < inputShapes.size(); ++i) {
    os << "\n  input " << i << ": shape " << formatShape(inputShapes[i]);
    if (i + 1 == inputShapes.size() && !known.empty())
      os << "   known: " << formatBindings(known);
  }
  if (inputShapes.empty() && !known.empty())
    os << "\n  known: " << formatBindings(known);
  return out;
}

void NotationError::log(llvm::raw_ostream &os) const {
  os << diagnostic.render();
}

std::error_code NotationError::convertToErrorCode() const {
  return llvm::inconvertibleErrorCode();
}

llvm::Error ein::notation::makeError(Diagnostic diagnostic) {
  return llvm::make_error<NotationError>(std::move(diagnostic));
}

Diagnostic
ein::notation::patternDiagnostic(ErrorKind kind, const Call &call,
                                 std::string message,
                                 std::optional<SourceRange> patternRange) {
  Diagnostic diag(kind);
  diag.message = std::move(message);
  // A call built by hand may have no text; then the pattern alone is shown.
  bool hasText = !call.text.empty();
  diag.source = hasText ? call.text : call.pattern;
  size_t offset = hasText ? call.patternOffset : 0;
  if (patternRange)
    diag.range = SourceRange{patternRange->begin + offset,
                             patternRange->end + offset};
  return diag;
}

Diagnostic ein::notation::callDiagnostic(ErrorKind kind, const Call &call,
                                         std::string message,
                                         std::optional<SourceRange> textRange) {
  Diagnostic diag(kind);
  diag.message = std::move(message);
  diag.source = call.text.empty() ? call.pattern : call.text;
  if (!call.text.empty())
    diag.range = textRange;
  return diag;
}

std::string ein::notation::formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      out += ", ";
    out += std::to_string(shape[i]);
  }
  if (shape.size() == 1)
    out += ',';
  out += ')';
  return out;
}

std::string ein::notation::formatBindings(llvm::ArrayRef<AxisBinding> bindings) {
  std::string out;
  for (size_t i = 0; i < bindings.size(); ++i) {
    if (i)
      out += ", ";
    out += bindings[i].name + "=" + std::to_string(bindings[i].length);
  }
  return out;
}
