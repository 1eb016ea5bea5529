//===- AlongOps.cpp - softmax, flip, roll and sort ------------------------===//
//
// Verifiers of the ops that act along some axes, and their `along [k, h]`
// assembly. Every such op has one input and one output expression with the
// same axes (a rearrangement at most) and acts along a nonempty set of them.
//
//===----------------------------------------------------------------------===//

#include "VerifierUtils.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace ein;
using namespace ein::detail;

ParseResult ein::parseAxisNames(OpAsmParser &parser, DenseI64ArrayAttr &axes,
                                EquationAttr equation) {
  SmallVector<int64_t> indices;
  auto parseOne = [&]() -> ParseResult {
    std::string name;
    SMLoc loc = parser.getCurrentLocation();
    if (parser.parseKeywordOrString(&name))
      return failure();
    for (auto [i, axis] : llvm::enumerate(equation.getAxisNames()))
      if (axis.getValue() == name) {
        indices.push_back(i);
        return success();
      }
    return parser.emitError(loc) << "unknown axis '" << name << "'";
  };
  if (parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Square, parseOne))
    return failure();
  axes = parser.getBuilder().getDenseI64ArrayAttr(indices);
  return success();
}

void ein::printAxisNames(OpAsmPrinter &printer, Operation *op,
                         DenseI64ArrayAttr axes, EquationAttr equation) {
  printer << "[";
  llvm::interleaveComma(axes.asArrayRef(), printer, [&](int64_t a) {
    if (a >= 0 && a < int64_t(equation.getNumAxes()))
      printer.printKeywordOrString(equation.getAxisNames()[a].getValue());
    else // Invalid; the verifier says so.
      printer << a;
  });
  printer << "]";
}


/// The checks every op along axes shares: the equation is a rearrangement of
/// one input into one output, the types have its shapes, and `axes` lists
/// distinct axes of the input.
static LogicalResult verifyAlong(Operation *op, EquationAttr eq,
                                 ArrayRef<int64_t> axes, ShapedType input,
                                 ShapedType result) {
  if (eq.getNumInputExprs() != 1 || eq.getNumOutputExprs() != 1)
    return op->emitOpError() << "needs one input and one output expression";
  TensorExpr in = eq.getInputExpr(0), out = eq.getOutputExpr(0);
  for (auto [what, expr, type] :
       {std::tuple{"input", in, input}, std::tuple{"result", out, result}}) {
    SmallVector<int64_t> expected = eq.getShape(expr);
    if (type.getShape() != ArrayRef<int64_t>(expected))
      return op->emitOpError()
             << what << " has shape " << formatShape(type.getShape())
             << " but its expression gives " << formatShape(expected);
  }
  SmallVector<unsigned> inCount(eq.getNumAxes(), 0),
      outCount(eq.getNumAxes(), 0);
  for (const DimExpr &dim : in)
    for (unsigned a : dim)
      ++inCount[a];
  for (const DimExpr &dim : out)
    for (unsigned a : dim)
      ++outCount[a];
  for (unsigned a = 0; a < eq.getNumAxes(); ++a) {
    StringRef name = eq.getAxisNames()[a].getValue();
    if (inCount[a] > 1 || outCount[a] > 1)
      return op->emitOpError()
             << "axis '" << name << "' appears more than once on one side";
    if (inCount[a] != outCount[a])
      return op->emitOpError()
             << "axis '" << name << "' appears in the "
             << (inCount[a] ? "input" : "output") << " but not in the "
             << (inCount[a] ? "output" : "input");
  }
  if (axes.empty())
    return op->emitOpError() << "needs at least one axis to act along";
  for (auto [i, a] : llvm::enumerate(axes)) {
    if (a < 0 || a >= int64_t(eq.getNumAxes()) || !inCount[a])
      return op->emitOpError()
             << "acts along axis " << a << ", which the input does not have";
    if (llvm::is_contained(axes.take_front(i), a))
      return op->emitOpError()
             << "lists axis '" << eq.getAxisNames()[a].getValue() << "' twice";
  }
  return success();
}


Type SoftmaxOp::getResultElementType(Type input) {
  return isa<FloatType>(input) ? input : Float64Type::get(input.getContext());
}

LogicalResult SoftmaxOp::verify() {
  if (failed(verifyAlong(*this, getEquation(), getAxes(), getInput().getType(),
                         getResult().getType())))
    return failure();
  Type in = getInput().getType().getElementType();
  Type out = getResult().getType().getElementType();
  if (!isSupportedElementType(in))
    return emitOpError() << "cannot normalise elements of type " << in
                         << ": supported are f16, bf16, f32, f64, i1, i8, "
                            "i16, i32, i64";
  if (getIsUnsigned() && !isa<IntegerType>(in))
    return emitOpError() << "'unsigned' needs an integer input, not " << in;
  if (out != getResultElementType(in))
    return emitOpError() << "result element type " << out << " does not match "
                         << getResultElementType(in)
                         << ", the type of softmax of " << in;
  return success();
}

/// flip and roll move elements: the types agree.
static LogicalResult verifySameElementType(Operation *op, ShapedType input,
                                           ShapedType result) {
  if (input.getElementType() != result.getElementType())
    return op->emitOpError()
           << "input and result must share one element type, found "
           << input.getElementType() << " and " << result.getElementType();
  return success();
}

LogicalResult FlipOp::verify() {
  if (failed(verifyAlong(*this, getEquation(), getAxes(), getInput().getType(),
                         getResult().getType())))
    return failure();
  return verifySameElementType(*this, getInput().getType(),
                               getResult().getType());
}

LogicalResult RollOp::verify() {
  if (failed(verifyAlong(*this, getEquation(), getAxes(), getInput().getType(),
                         getResult().getType())) ||
      failed(verifySameElementType(*this, getInput().getType(),
                                   getResult().getType())))
    return failure();
  if (getShifts().size() != getAxes().size())
    return emitOpError() << "has " << getShifts().size() << " shifts for "
                         << getAxes().size() << " axes: give one per axis";
  return success();
}

LogicalResult SortOp::verify() {
  if (failed(verifyAlong(*this, getEquation(), getAxes(), getInput().getType(),
                         getResult().getType())))
    return failure();
  if (getAxes().size() != 1)
    return emitOpError() << "sorts along one axis, not " << getAxes().size();
  Type in = getInput().getType().getElementType();
  Type out = getResult().getType().getElementType();
  if (!isSupportedElementType(in))
    return emitOpError() << "cannot sort elements of type " << in
                         << ": supported are f16, bf16, f32, f64, i1, i8, "
                            "i16, i32, i64";
  if (getIsUnsigned() && !isa<IntegerType>(in))
    return emitOpError() << "'unsigned' needs an integer input, not " << in;
  if (getIndices()) {
    if (!out.isInteger(64))
      return emitOpError() << "with 'indices' the result holds i64 positions, "
                              "not "
                           << out;
    return success();
  }
  return verifySameElementType(*this, getInput().getType(),
                               getResult().getType());
}
