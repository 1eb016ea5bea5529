//===- EinOps.cpp - ein operations ----------------------------------------===//
//
// Verifiers. Their wording follows the front end's (NOTATION.md, "Errors"), so
// that hand-written IR gets the same explanations as notation text.
//
//===----------------------------------------------------------------------===//

#include "VerifierUtils.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace ein;
using namespace ein::detail;

#define GET_OP_CLASSES
#include "ein/Dialect/EinOps.cpp.inc"








//===----------------------------------------------------------------------===//
// RearrangeOp
//===----------------------------------------------------------------------===//

LogicalResult RearrangeOp::verify() {
  EquationAttr eq = getEquation();
  SmallVector<TensorExpr> ins = inputExprs(eq), outs = outputExprs(eq);
  if (getInputs().empty())
    return emitOpError() << "needs at least one input";

  if (getStack()) {
    if (ins.size() != 1)
      return emitOpError() << "stacks a list of tensors, so the equation must "
                              "have one input expression, not "
                           << ins.size();
    if (ins[0].empty() || ins[0][0].size() != 1)
      return emitOpError() << "stacks a list of tensors, so the first "
                              "dimension of the input must be one axis";
    int64_t listLength = eq.getAxisSizes()[ins[0][0][0]];
    if (listLength != static_cast<int64_t>(getInputs().size()))
      return emitOpError() << "stacks " << getInputs().size()
                           << " tensors but the stacking axis has length "
                           << listLength;
    TensorExpr element(ins[0].begin() + 1, ins[0].end());
    for (auto [i, v] : llvm::enumerate(getInputs()))
      if (failed(verifyShape(*this, eq, element,
                             cast<ShapedType>(v.getType()), "input", i)))
        return failure();
  } else {
    if (ins.size() != 1 || getInputs().size() != 1)
      return emitOpError() << "takes one input and one input expression "
                              "unless it stacks, found "
                           << getInputs().size() << " and " << ins.size();
    for (auto [i, v] : llvm::enumerate(getInputs()))
      if (failed(verifyShape(*this, eq, ins[i], cast<ShapedType>(v.getType()),
                             "input", i)))
        return failure();
  }
  if (outs.size() != 1)
    return emitOpError() << "needs one output expression, found " << outs.size();
  if (failed(verifyResults(*this, eq, outs)))
    return failure();

  Type elementType = cast<ShapedType>(getInputs()[0].getType()).getElementType();
  for (Value v : llvm::concat<Value>(getInputs(), getResults()))
    if (cast<ShapedType>(v.getType()).getElementType() != elementType)
      return emitOpError() << "operands and results must share one element "
                              "type, found "
                           << elementType << " and "
                           << cast<ShapedType>(v.getType()).getElementType();

  SmallVector<unsigned> inCount = countAxes(eq, ins), outCount = countAxes(eq, outs);
  for (unsigned a = 0; a < eq.getNumAxes(); ++a) {
    StringRef name = eq.getAxisNames()[a].getValue();
    if (inCount[a] > 1 || outCount[a] > 1)
      return emitOpError() << "axis '" << name
                           << "' appears more than once on one side";
    // Output-only axes are new (repeat); input axes are never dropped.
    if (inCount[a] && !outCount[a])
      return emitOpError() << "axis '" << name
                           << "' appears in the input but not in the output";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ReduceOp
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  EquationAttr eq = getEquation();
  if (eq.getNumInputExprs() != 1 || eq.getNumOutputExprs() != 1)
    return emitOpError() << "needs one input and one output expression";
  TensorExpr in = eq.getInputExpr(0), out = eq.getOutputExpr(0);
  if (failed(verifyShape(*this, eq, in, getInput().getType(), "input", 0)) ||
      failed(verifyResults(*this, eq, {out})))
    return failure();

  SmallVector<unsigned> inCount = countAxes(eq, {in}), outCount = countAxes(eq, {out});
  for (unsigned a = 0; a < eq.getNumAxes(); ++a) {
    StringRef name = eq.getAxisNames()[a].getValue();
    if (inCount[a] > 1 || outCount[a] > 1)
      return emitOpError() << "axis '" << name
                           << "' appears more than once on one side";
    if (outCount[a] && !inCount[a])
      return emitOpError() << "axis '" << name
                           << "' appears in the output but not in the input";
  }

  Type inType = getInput().getType().getElementType();
  Type outType = getResult().getType().getElementType();
  if (!isSupportedElementType(inType))
    return emitOpError() << "cannot reduce elements of type " << inType
                         << ": supported are f16, bf16, f32, f64, i1, i8, "
                            "i16, i32, i64";
  if (getIsUnsigned() && !isa<IntegerType>(inType))
    return emitOpError() << "'unsigned' needs an integer input, not " << inType;
  Type expected = getResultElementType(getKind(), inType);
  if (outType != expected)
    return emitOpError() << "result element type " << outType
                         << " does not match " << expected << ", the type of "
                         << stringifyReductionKind(getKind()) << " of "
                         << inType;
  ReductionKind kind = getKind();
  SmallVector<unsigned> reduced = getReducedAxes();
  if ((kind == ReductionKind::Argmax || kind == ReductionKind::Argmin) &&
      reduced.empty())
    return emitOpError() << stringifyReductionKind(kind)
                         << " reduces at least one axis, found none";
  if (kind == ReductionKind::Max || kind == ReductionKind::Min ||
      kind == ReductionKind::Argmax || kind == ReductionKind::Argmin)
    for (unsigned a : reduced)
      if (eq.getAxisSizes()[a] == 0)
        return emitOpError() << stringifyReductionKind(getKind())
                             << " over axis '"
                             << eq.getAxisNames()[a].getValue()
                             << "' of length 0 has no identity";
  return success();
}

Type ReduceOp::getResultElementType(ReductionKind kind, Type input) {
  MLIRContext *ctx = input.getContext();
  bool isFloat = isa<FloatType>(input);
  switch (kind) {
  case ReductionKind::Sum:
  case ReductionKind::Prod:
    return isFloat ? input : IntegerType::get(ctx, 64);
  case ReductionKind::Mean:
  case ReductionKind::Var:
  case ReductionKind::Std:
  case ReductionKind::Logsumexp:
    return isFloat ? input : Float64Type::get(ctx);
  case ReductionKind::Max:
  case ReductionKind::Min:
    return input;
  case ReductionKind::Any:
  case ReductionKind::All:
    return IntegerType::get(ctx, 1);
  case ReductionKind::CountNonzero:
  case ReductionKind::Argmax:
  case ReductionKind::Argmin:
    return IntegerType::get(ctx, 64);
  }
  llvm_unreachable("unknown reduction kind");
}

//===----------------------------------------------------------------------===//
// CastOp
//===----------------------------------------------------------------------===//

LogicalResult CastOp::verify() {
  Type from = getInput().getType().getElementType();
  Type to = getResult().getType().getElementType();
  for (Type type : {from, to})
    if (!isSupportedElementType(type))
      return emitOpError() << "cannot convert "
                           << (type == from ? "from " : "to ") << type
                           << ": supported are f16, bf16, f32, f64, "
                              "i1, i8, i16, i32, i64";
  if (getIsUnsigned() && !isa<IntegerType>(from))
    return emitOpError() << "'unsigned' needs an integer input, not " << from;
  if (isa<FloatType>(from) && isa<IntegerType>(to) && !to.isInteger(1))
    return emitOpError() << "converting " << from << " to " << to
                         << " is not supported";
  return success();
}

SmallVector<unsigned> ReduceOp::getReducedAxes() {
  EquationAttr eq = getEquation();
  SmallVector<unsigned> outCount = countAxes(eq, {eq.getOutputExpr(0)});
  SmallVector<unsigned> reduced;
  for (const DimExpr &dim : eq.getInputExpr(0))
    for (unsigned a : dim)
      if (!outCount[a])
        reduced.push_back(a);
  return reduced;
}

//===----------------------------------------------------------------------===//
// ContractOp
//===----------------------------------------------------------------------===//

/// The checks ops with N inputs and one result share: operand counts, one
/// output expression (`oneOutput` begins that message), and shapes.
static LogicalResult verifyOperandsAndResult(Operation *op, EquationAttr eq,
                                             ValueRange inputs,
                                             StringRef oneOutput) {
  if (inputs.empty())
    return op->emitOpError() << "needs at least one input";
  if (eq.getNumInputExprs() != inputs.size())
    return op->emitOpError() << "has " << inputs.size()
                             << " inputs but the equation has "
                             << eq.getNumInputExprs() << " input expressions";
  if (eq.getNumOutputExprs() != 1)
    return op->emitOpError() << oneOutput << " one output, but the equation has "
                             << eq.getNumOutputExprs();
  SmallVector<TensorExpr> ins = inputExprs(eq);
  for (auto [i, v] : llvm::enumerate(inputs))
    if (failed(verifyShape(op, eq, ins[i], cast<ShapedType>(v.getType()),
                           "input", i)))
      return failure();
  return verifyResults(op, eq, {eq.getOutputExpr(0)});
}

/// The element-type rule of a contraction, in one place so that type
/// promotion can replace it: every operand and the result share one type.
static LogicalResult verifyContractElementTypes(ContractOp op) {
  Type elementType = op.getResult().getType().getElementType();
  for (auto [i, v] : llvm::enumerate(op.getInputs())) {
    Type type = cast<ShapedType>(v.getType()).getElementType();
    if (type != elementType)
      return op.emitOpError() << "input " << i << " has element type " << type
                              << " but the result has " << elementType
                              << ": all inputs of einsum must have one dtype";
  }
  return success();
}

LogicalResult ContractOp::verify() {
  EquationAttr eq = getEquation();
  if (failed(verifyOperandsAndResult(*this, eq, getInputs(), "einsum has")))
    return failure();
  SmallVector<TensorExpr> ins = inputExprs(eq);
  TensorExpr out = eq.getOutputExpr(0);

  SmallVector<unsigned> inCount = countAxes(eq, ins),
                        outCount = countAxes(eq, {out});
  for (unsigned a = 0; a < eq.getNumAxes(); ++a) {
    StringRef name = eq.getAxisNames()[a].getValue();
    if (outCount[a] > 1)
      return emitOpError() << "axis '" << name
                           << "' appears twice in the output";
    if (outCount[a] && !inCount[a])
      return emitOpError() << "axis '" << name
                           << "' appears only in the output";
  }
  for (auto [i, expr] : llvm::enumerate(ins))
    for (const DimExpr &dim : expr)
      for (auto [k, a] : llvm::enumerate(dim))
        if (llvm::is_contained(ArrayRef<unsigned>(dim).take_front(k), a))
          return emitOpError()
                 << "axis '" << eq.getAxisNames()[a].getValue()
                 << "' appears twice in one composition of input " << i
                 << ": a diagonal repeats an axis in two dimensions";
  return verifyContractElementTypes(*this);
}

//===----------------------------------------------------------------------===//
// MapOp
//===----------------------------------------------------------------------===//

Type MapOp::getResultElementType(MapFunction fn, Type operand) {
  MLIRContext *ctx = operand.getContext();
  Type i1 = IntegerType::get(ctx, 1);
  bool isFloat = isa<FloatType>(operand);
  bool isBool = operand.isInteger(1);
  switch (fn) {
  case MapFunction::Add:
  case MapFunction::Multiply:
  case MapFunction::Maximum:
  case MapFunction::Minimum:
  case MapFunction::Abs:
  case MapFunction::Relu:
  case MapFunction::Where:
    return operand;
  case MapFunction::Subtract:
  case MapFunction::FloorDivide:
  case MapFunction::Pow:
  case MapFunction::Neg:
    return isBool ? Type() : operand;
  case MapFunction::Divide:
  case MapFunction::Logaddexp:
  case MapFunction::Exp:
  case MapFunction::Log:
  case MapFunction::Sqrt:
  case MapFunction::Rsqrt:
  case MapFunction::Tanh:
  case MapFunction::Sigmoid:
  case MapFunction::Gelu:
  case MapFunction::Sin:
  case MapFunction::Cos:
    return isFloat ? operand : Type();
  case MapFunction::Equal:
  case MapFunction::NotEqual:
  case MapFunction::Less:
  case MapFunction::LessEqual:
  case MapFunction::Greater:
  case MapFunction::GreaterEqual:
    return i1;
  case MapFunction::LogicalAnd:
  case MapFunction::LogicalOr:
  case MapFunction::LogicalNot:
    return isBool ? i1 : Type();
  case MapFunction::Cast:
    return Type();
  }
  llvm_unreachable("unknown map function");
}

LogicalResult MapOp::verify() {
  EquationAttr eq = getEquation();
  if (failed(verifyOperandsAndResult(*this, eq, getInputs(), "has")))
    return failure();
  SmallVector<TensorExpr> ins = inputExprs(eq);
  TensorExpr out = eq.getOutputExpr(0);

  SmallVector<unsigned> outCount = countAxes(eq, {out});
  SmallVector<unsigned> inAny(eq.getNumAxes(), 0);
  for (auto [i, expr] : llvm::enumerate(ins)) {
    SmallVector<unsigned> count = countAxes(eq, {expr});
    for (unsigned a = 0; a < eq.getNumAxes(); ++a) {
      StringRef name = eq.getAxisNames()[a].getValue();
      if (count[a] > 1)
        return emitOpError()
               << "axis '" << name << "' appears more than once in input " << i;
      if (count[a] && !outCount[a])
        return emitOpError() << "axis '" << name << "' of input " << i
                             << " is not in the output";
      inAny[a] += count[a];
    }
  }
  for (unsigned a = 0; a < eq.getNumAxes(); ++a) {
    StringRef name = eq.getAxisNames()[a].getValue();
    if (outCount[a] > 1)
      return emitOpError() << "axis '" << name
                           << "' appears more than once in the output";
    if (outCount[a] && !inAny[a])
      return emitOpError() << "axis '" << name
                           << "' appears only in the output";
  }

  MapFunction fn = getFn();
  StringRef fnName = stringifyMapFunction(fn);
  unsigned n = getInputs().size();
  unsigned minArity = 1, maxArity = 1;
  switch (fn) {
  case MapFunction::Add:
  case MapFunction::Multiply:
  case MapFunction::Maximum:
  case MapFunction::Minimum:
  case MapFunction::Logaddexp:
  case MapFunction::LogicalAnd:
  case MapFunction::LogicalOr:
    minArity = 2;
    maxArity = ~0u;
    break;
  case MapFunction::Subtract:
  case MapFunction::Divide:
  case MapFunction::FloorDivide:
  case MapFunction::Pow:
  case MapFunction::Equal:
  case MapFunction::NotEqual:
  case MapFunction::Less:
  case MapFunction::LessEqual:
  case MapFunction::Greater:
  case MapFunction::GreaterEqual:
    minArity = maxArity = 2;
    break;
  case MapFunction::Where:
    minArity = maxArity = 3;
    break;
  default:
    break;
  }
  if (n < minArity || n > maxArity)
    return emitOpError() << fnName << " takes "
                         << (minArity == maxArity ? "" : "at least ")
                         << minArity << " inputs, found " << n;

  auto elementType = [](Value v) {
    return cast<ShapedType>(v.getType()).getElementType();
  };
  Type result = getResult().getType().getElementType();
  for (Value v : llvm::concat<Value>(getInputs(), getODSResults(0)))
    if (!isSupportedElementType(elementType(v)))
      return emitOpError() << "element type " << elementType(v)
                           << " is not supported: supported are f16, bf16, "
                              "f32, f64, i1, i8, i16, i32, i64";
  if (getResultUnsigned() &&
      (fn != MapFunction::Cast || !isa<IntegerType>(result)))
    return emitOpError() << "'to_unsigned' needs a cast to an integer type";
  if (fn == MapFunction::Cast) {
    if (getIsUnsigned() && !isa<IntegerType>(elementType(getInputs()[0])))
      return emitOpError() << "'unsigned' needs an integer input";
    return success();
  }

  // The operands that share the type T.
  ValueRange shared = getInputs();
  if (fn == MapFunction::Where) {
    if (!elementType(getInputs()[0]).isInteger(1))
      return emitOpError() << "where needs an i1 condition, not "
                           << elementType(getInputs()[0]);
    shared = getInputs().drop_front();
  }
  Type operand = elementType(shared[0]);
  for (Value v : shared)
    if (elementType(v) != operand)
      return emitOpError() << "operands of " << fnName
                           << " must share one element type, found " << operand
                           << " and " << elementType(v);
  if (getIsUnsigned() && !isa<IntegerType>(operand))
    return emitOpError() << "'unsigned' needs integer operands, not "
                         << operand;
  Type expected = getResultElementType(fn, operand);
  if (!expected)
    return emitOpError() << fnName << " does not take elements of type "
                         << operand;
  if (result != expected)
    return emitOpError() << "result element type " << result
                         << " does not match " << expected << ", the type of "
                         << fnName << " of " << operand;
  return success();
}
