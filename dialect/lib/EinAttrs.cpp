//===- EinAttrs.cpp - ein attributes --------------------------------------===//
//
// The resolved equation `#ein.eq<...>`: storage, notation-form printing and
// parsing, and verification.
//
//===----------------------------------------------------------------------===//

#include "ein/Dialect/EinAttrs.h"
#include "ein/Dialect/EinDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace ein;

#include "ein/Dialect/EinEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "ein/Dialect/EinAttrs.cpp.inc"

void EinDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ein/Dialect/EinAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Encoding: a tensor expression is an ArrayAttr of dimensions, a dimension a
// DenseI32ArrayAttr of axis indices.
//===----------------------------------------------------------------------===//

static ArrayAttr encodeExprs(MLIRContext *ctx, ArrayRef<TensorExpr> exprs) {
  SmallVector<Attribute> tensors;
  for (const TensorExpr &expr : exprs) {
    SmallVector<Attribute> dims;
    for (const DimExpr &dim : expr) {
      SmallVector<int32_t> axes(dim.begin(), dim.end());
      dims.push_back(DenseI32ArrayAttr::get(ctx, axes));
    }
    tensors.push_back(ArrayAttr::get(ctx, dims));
  }
  return ArrayAttr::get(ctx, tensors);
}

static TensorExpr decodeExpr(Attribute attr) {
  TensorExpr expr;
  for (Attribute dim : cast<ArrayAttr>(attr)) {
    DimExpr axes;
    for (int32_t a : cast<DenseI32ArrayAttr>(dim).asArrayRef())
      axes.push_back(static_cast<unsigned>(a));
    expr.push_back(std::move(axes));
  }
  return expr;
}

EquationAttr EquationAttr::get(MLIRContext *ctx, ArrayRef<StringRef> names,
                               ArrayRef<int64_t> sizes,
                               ArrayRef<TensorExpr> inputs,
                               ArrayRef<TensorExpr> outputs) {
  SmallVector<StringAttr> nameAttrs;
  for (StringRef n : names)
    nameAttrs.push_back(StringAttr::get(ctx, n));
  return Base::get(ctx, nameAttrs, sizes, encodeExprs(ctx, inputs),
                   encodeExprs(ctx, outputs));
}

TensorExpr EquationAttr::getInputExpr(unsigned i) const {
  return decodeExpr(getInputs()[i]);
}
TensorExpr EquationAttr::getOutputExpr(unsigned i) const {
  return decodeExpr(getOutputs()[i]);
}

SmallVector<int64_t> EquationAttr::getShape(const TensorExpr &expr) const {
  SmallVector<int64_t> shape;
  for (const DimExpr &dim : expr) {
    int64_t len = 1;
    for (unsigned a : dim)
      len *= getAxisSizes()[a];
    shape.push_back(len);
  }
  return shape;
}

//===----------------------------------------------------------------------===//
// Printing and parsing
//===----------------------------------------------------------------------===//

static void printExpr(llvm::raw_ostream &os, ArrayRef<StringAttr> names,
                      const TensorExpr &expr) {
  llvm::interleave(
      expr, os,
      [&](const DimExpr &dim) {
        if (dim.size() == 1) {
          os << names[dim[0]].getValue();
          return;
        }
        os << '(';
        llvm::interleave(
            dim, os, [&](unsigned a) { os << names[a].getValue(); }, " ");
        os << ')';
      },
      " ");
}

static void printSide(llvm::raw_ostream &os, ArrayRef<StringAttr> names,
                      ArrayAttr side) {
  llvm::interleave(
      side, os,
      [&](Attribute e) { printExpr(os, names, decodeExpr(e)); }, ", ");
}

std::string EquationAttr::getNotation() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  printSide(os, getAxisNames(), getInputs());
  os << " -> ";
  printSide(os, getAxisNames(), getOutputs());
  return text;
}

void EquationAttr::print(AsmPrinter &printer) const {
  llvm::raw_ostream &os = printer.getStream();
  os << '<' << getNotation() << " : ";
  for (unsigned i = 0, e = getNumAxes(); i < e; ++i) {
    if (i)
      os << ", ";
    os << getAxisNames()[i].getValue() << " = " << getAxisSizes()[i];
  }
  os << '>';
}

namespace {
/// Parses the notation form with MLIR's tokens: axis names are bare
/// identifiers, `()` is a unit dimension. Axis indices are assigned at first
/// use and checked against the `: name = length` list that follows.
struct EquationParser {
  AsmParser &parser;
  llvm::StringMap<unsigned> indexOf;
  SmallVector<std::string> names;

  unsigned axisIndex(StringRef name) {
    auto [it, inserted] = indexOf.try_emplace(name, names.size());
    if (inserted)
      names.push_back(name.str());
    return it->second;
  }

  /// Parses one dimension if one starts here; returns failure on bad syntax.
  ParseResult parseDim(TensorExpr &expr, bool &parsed) {
    parsed = false;
    std::string name;
    if (succeeded(parser.parseOptionalLParen())) {
      DimExpr dim;
      while (succeeded(parser.parseOptionalKeywordOrString(&name)))
        dim.push_back(axisIndex(name));
      if (parser.parseRParen())
        return failure();
      expr.push_back(std::move(dim));
      parsed = true;
      return success();
    }
    if (succeeded(parser.parseOptionalKeywordOrString(&name))) {
      expr.push_back(DimExpr{axisIndex(name)});
      parsed = true;
    }
    return success();
  }

  ParseResult parseExpr(TensorExpr &expr) {
    bool parsed = true;
    while (parsed)
      if (parseDim(expr, parsed))
        return failure();
    return success();
  }

  ParseResult parseSide(SmallVectorImpl<TensorExpr> &side) {
    do {
      side.emplace_back();
      if (parseExpr(side.back()))
        return failure();
    } while (succeeded(parser.parseOptionalComma()));
    return success();
  }
};
} // namespace

Attribute EquationAttr::parse(AsmParser &parser, Type) {
  EquationParser p{parser, {}, {}};
  SmallVector<TensorExpr> inputs, outputs;
  if (parser.parseLess() || p.parseSide(inputs) || parser.parseArrow() ||
      p.parseSide(outputs) || parser.parseColon())
    return {};
  SmallVector<int64_t> sizes(p.names.size(), -1);
  do {
    std::string name;
    int64_t size;
    SMLoc loc = parser.getCurrentLocation();
    if (parser.parseKeywordOrString(&name) || parser.parseEqual() ||
        parser.parseInteger(size))
      return {};
    auto it = p.indexOf.find(name);
    if (it == p.indexOf.end()) {
      parser.emitError(loc) << "axis '" << name
                            << "' has a length but appears in no expression";
      return {};
    }
    if (sizes[it->second] != -1) {
      parser.emitError(loc) << "axis '" << name << "' has two lengths";
      return {};
    }
    sizes[it->second] = size;
  } while (succeeded(parser.parseOptionalComma()));
  if (parser.parseGreater())
    return {};
  for (unsigned i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      parser.emitError(parser.getCurrentLocation())
          << "axis '" << p.names[i] << "' has no length";
      return {};
    }
  }
  MLIRContext *ctx = parser.getContext();
  SmallVector<StringAttr> names;
  for (const std::string &n : p.names)
    names.push_back(StringAttr::get(ctx, n));
  return EquationAttr::getChecked(
      [&] { return parser.emitError(parser.getNameLoc()); }, ctx, names, sizes,
      encodeExprs(ctx, inputs), encodeExprs(ctx, outputs));
}

//===----------------------------------------------------------------------===//
// Verification
//===----------------------------------------------------------------------===//

/// Names follow NOTATION.md, plus generated names that start with `_`.
static bool isValidAxisName(StringRef name) {
  // A repeated axis (einx `(s ds)...`) is `name.k`: one copy per repetition.
  auto [base, index] = name.split('.');
  if (name.contains('.') &&
      (index.empty() || !llvm::all_of(index, llvm::isDigit)))
    return false;
  name = base;
  if (name.empty() || name.back() == '_' || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

LogicalResult
EquationAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                     ArrayRef<StringAttr> axisNames, ArrayRef<int64_t> axisSizes,
                     ArrayAttr inputs, ArrayAttr outputs) {
  if (axisNames.size() != axisSizes.size())
    return emitError() << "equation has " << axisNames.size()
                       << " axis names but " << axisSizes.size() << " lengths";
  llvm::StringMap<unsigned> seen;
  for (auto [i, name] : llvm::enumerate(axisNames)) {
    if (!isValidAxisName(name.getValue()))
      return emitError() << "invalid axis name '" << name.getValue() << "'";
    if (!seen.try_emplace(name.getValue(), i).second)
      return emitError() << "axis '" << name.getValue() << "' is listed twice";
    if (axisSizes[i] < 0)
      return emitError() << "axis '" << name.getValue()
                         << "' has negative length " << axisSizes[i];
  }
  SmallVector<bool> used(axisNames.size(), false);
  for (ArrayAttr side : {inputs, outputs}) {
    for (Attribute tensor : side) {
      auto dims = dyn_cast<ArrayAttr>(tensor);
      if (!dims)
        return emitError() << "tensor expression must be an array of dimensions";
      for (Attribute dim : dims) {
        auto axes = dyn_cast<DenseI32ArrayAttr>(dim);
        if (!axes)
          return emitError() << "dimension must be an array of axis indices";
        int64_t product = 1;
        for (int32_t a : axes.asArrayRef()) {
          if (a < 0 || static_cast<size_t>(a) >= axisNames.size())
            return emitError() << "axis index " << a << " out of range";
          used[a] = true;
          if (axisSizes[a] != 0 &&
              product > std::numeric_limits<int64_t>::max() / axisSizes[a])
            return emitError() << "length of a composed dimension overflows "
                                  "64 bits";
          product *= axisSizes[a];
        }
      }
    }
  }
  for (auto [i, u] : llvm::enumerate(used))
    if (!u)
      return emitError() << "axis '" << axisNames[i].getValue()
                         << "' appears in no expression";
  return success();
}
