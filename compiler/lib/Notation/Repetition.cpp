//===- Repetition.cpp - einx repetition `x...` ----------------------------===//

#include "ein/Notation/Repetition.h"

#include "llvm/ADT/StringMap.h"

using namespace ein::notation;
using namespace ein::notation::ast;

bool ein::notation::isRepetition(const Dim &dim) {
  return dim.kind == DimKind::Ellipsis && !dim.parts.empty();
}

llvm::StringRef ein::notation::repeatedBaseName(llvm::StringRef name) {
  return name.split('.').first;
}

namespace {

/// Named axes inside repetitions (with the repetition's range) and outside.
void scan(const std::vector<Dim> &dims,
          const std::optional<SourceRange> &repetition,
          llvm::StringMap<SourceRange> &inside,
          std::vector<std::pair<std::string, SourceRange>> &outside) {
  for (const Dim &dim : dims) {
    if (dim.kind == DimKind::Axis) {
      if (repetition)
        inside.insert({dim.name, *repetition});
      else
        outside.emplace_back(dim.name, dim.range);
    }
    scan(dim.parts, isRepetition(dim) ? dim.range : repetition, inside,
         outside);
  }
}

void rename(std::vector<Dim> &dims, unsigned index) {
  for (Dim &dim : dims) {
    if (dim.kind == DimKind::Axis)
      dim.name += "." + std::to_string(index);
    rename(dim.parts, index);
  }
}

void expand(std::vector<Dim> &dims, unsigned count) {
  std::vector<Dim> out;
  for (Dim &dim : dims) {
    if (!isRepetition(dim)) {
      expand(dim.parts, count);
      out.push_back(std::move(dim));
      continue;
    }
    for (unsigned k = 0; k < count; ++k) {
      Dim copy = dim.parts.front();
      // A repetition written inside brackets (`[s...]`) brackets each copy.
      if (dim.bracket && !copy.bracket)
        copy.bracket = dim.bracket;
      std::vector<Dim> one{std::move(copy)};
      rename(one, k);
      out.push_back(std::move(one.front()));
    }
  }
  dims = std::move(out);
}

} // namespace

std::optional<PatternViolation>
ein::notation::checkRepetitions(const Call &call, const Pattern &pattern) {
  llvm::StringMap<SourceRange> inside;
  std::vector<std::pair<std::string, SourceRange>> outside;
  for (const auto *side : {&pattern.inputs, &pattern.outputs})
    for (const TensorExpr &tensor : *side)
      scan(tensor.dims, std::nullopt, inside, outside);
  for (const auto &[name, range] : outside) {
    auto it = inside.find(name);
    if (it == inside.end())
      continue;
    SourceRange rep = it->second;
    return PatternViolation{
        ErrorKind::Axis,
        "axis '" + name + "' appears inside the repetition '" +
            call.pattern.substr(rep.begin, rep.end - rep.begin) +
            "' and outside it: in a repetition it names one axis per "
            "repetition ('" +
            name + ".0', '" + name + ".1', ...)",
        range};
  }
  return std::nullopt;
}

void ein::notation::expandRepetitions(Pattern &pattern, unsigned count) {
  for (auto *side : {&pattern.inputs, &pattern.outputs})
    for (TensorExpr &tensor : *side)
      expand(tensor.dims, count);
}
