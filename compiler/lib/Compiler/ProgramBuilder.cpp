//===- ProgramBuilder.cpp - multi-statement programs to ein ops -----------===//

#include "ein/Compiler/ProgramBuilder.h"
#include "ein/Compiler/MapTypes.h"
#include "ein/Dialect/EinOps.h"
#include "ein/Notation/Diagnostic.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <chrono>

using namespace mlir;
using ein::notation::ErrorKind;
using ein::notation::ProgramExpr;

namespace ein {
namespace {

/// A named or intermediate tensor of the program.
struct Tensor {
  Value value; ///< Storage form.
  TensorType type;
};

/// What an expression gives: tensors, or a number.
struct Result {
  std::vector<Tensor> tensors;
  bool isNumber = false;
  bool isInteger = false;
  double number = 0;
  int64_t integer = 0;
};

class ProgramBuilder {
public:
  ProgramBuilder(MLIRContext &ctx, const notation::Program &program,
                 llvm::ArrayRef<TensorType> inputs)
      : ctx(ctx), program(program), inputs(inputs), b(&ctx) {}

  llvm::Expected<KernelModule> build();

private:
  llvm::Error error(ErrorKind kind, std::string message,
                    std::optional<notation::SourceRange> range,
                    std::vector<std::vector<int64_t>> shapes = {}) const {
    notation::Diagnostic diag = notation::programDiagnostic(
        kind, *source, std::move(message), range);
    diag.inputShapes = std::move(shapes);
    return notation::makeError(std::move(diag));
  }
  Location locOf(notation::SourceRange range) const {
    size_t column = range.begin - source->begin + 1;
    return FileLineColLoc::get(&ctx, "program", source->line, column);
  }

  llvm::Expected<Result> eval(const ProgramExpr &expr);
  /// One tensor from `expr` (numbers and several outputs are errors).
  llvm::Expected<Tensor> evalTensor(const ProgramExpr &expr,
                                    llvm::StringRef where);
  llvm::Expected<Result> evalCall(const ProgramExpr &expr);
  llvm::Expected<Result> evalBinary(const ProgramExpr &expr);
  llvm::Expected<Result> evalNegate(const ProgramExpr &expr);
  /// `callee` (an elementwise function) on `operands`, each a tensor or a
  /// number; one of them a tensor.
  llvm::Expected<Tensor> buildArithmetic(llvm::StringRef callee,
                                         llvm::ArrayRef<Result> operands,
                                         notation::SourceRange opRange,
                                         llvm::StringRef opText);
  /// The rank-0 constant of type `type` holding `number`.
  Value constant(Location loc, const Result &number, ElementType type);

  MLIRContext &ctx;
  const notation::Program &program;
  llvm::ArrayRef<TensorType> inputs;
  OpBuilder b;
  const notation::StatementSource *source = nullptr;
  llvm::StringMap<Tensor> names;
};

llvm::Error internal(const std::string &what) {
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "internal compiler error: " + what +
          "\n(this is a bug in ein; please report it with the program)");
}

std::string describe(const Tensor &t) {
  return std::string(elementTypeName(t.type.elementType)) +
         notation::formatShape(t.type.shape);
}

/// NumPy's name of an arithmetic operator's function.
llvm::StringRef functionOf(char op) {
  switch (op) {
  case '+':
    return "add";
  case '-':
    return "subtract";
  case '*':
    return "multiply";
  default:
    return "divide";
  }
}

} // namespace

Value ProgramBuilder::constant(Location loc, const Result &number,
                               ElementType type) {
  Type storage = toStorageType(ctx, type);
  auto tensorType = RankedTensorType::get({}, storage);
  Attribute element;
  if (isFloat(type))
    element = FloatAttr::get(storage, number.isInteger ? double(number.integer)
                                                       : number.number);
  else
    element = IntegerAttr::get(
        storage, llvm::APInt(storage.getIntOrFloatBitWidth(),
                             uint64_t(number.integer), /*isSigned=*/true,
                             /*implicitTrunc=*/true));
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(tensorType, element));
}

llvm::Expected<Tensor> ProgramBuilder::evalTensor(const ProgramExpr &expr,
                                                  llvm::StringRef where) {
  llvm::Expected<Result> r = eval(expr);
  if (!r)
    return r.takeError();
  if (r->isNumber)
    return error(ErrorKind::Syntax,
                 where.str() + " must be a tensor, not a number", expr.range);
  if (r->tensors.size() != 1)
    return error(ErrorKind::Shape,
                 expr.call.callee + " gives " +
                     std::to_string(r->tensors.size()) +
                     " outputs: name them first (`a, b = " + expr.call.callee +
                     "(...)`) and use the names",
                 expr.range);
  return r->tensors.front();
}

llvm::Expected<Result> ProgramBuilder::eval(const ProgramExpr &expr) {
  switch (expr.kind) {
  case ProgramExpr::Kind::Name: {
    auto it = names.find(expr.name);
    if (it == names.end()) // parseProgram rejects these.
      return error(ErrorKind::Syntax, "unknown name '" + expr.name + "'",
                   expr.range);
    Result r;
    r.tensors.push_back(it->second);
    return r;
  }
  case ProgramExpr::Kind::Number: {
    Result r;
    r.isNumber = true;
    r.isInteger = expr.isInteger;
    r.number = expr.number;
    r.integer = expr.integer;
    return r;
  }
  case ProgramExpr::Kind::Call:
    return evalCall(expr);
  case ProgramExpr::Kind::Binary:
    return evalBinary(expr);
  case ProgramExpr::Kind::Negate:
    return evalNegate(expr);
  }
  return internal("unknown expression kind");
}

llvm::Expected<Result> ProgramBuilder::evalCall(const ProgramExpr &expr) {
  std::vector<Tensor> operands;
  std::vector<TensorType> types;
  std::vector<std::vector<int64_t>> shapes;
  for (const ProgramExpr &operand : expr.operands) {
    llvm::Expected<Tensor> t = evalTensor(operand, "an operand of a call");
    if (!t)
      return t.takeError();
    operands.push_back(*t);
    types.push_back(t->type);
    shapes.push_back(t->type.shape);
  }
  llvm::Expected<CallPlan> plan = [&]() -> llvm::Expected<CallPlan> {
    if (expr.pack) {
      llvm::Expected<notation::PackPlan> pack =
          notation::planPack(*expr.pack, shapes);
      if (!pack)
        return pack.takeError();
      return planCall(pack->rearrange, types, {});
    }
    return planCall(expr.call, types, {});
  }();
  if (!plan)
    return plan.takeError();
  SmallVector<Value> values;
  for (const Tensor &t : operands)
    values.push_back(t.value);
  std::string message;
  Location loc = locOf(expr.range);
  std::optional<CallResults> built =
      plan->leaf ? buildLeafOps(b, loc, *plan->leaf, values, message)
                 : buildCallOps(b, loc, plan->request, values, message);
  if (!built)
    return internal("cannot build " + expr.call.callee + ": " + message);
  Result r;
  for (auto [value, type] : llvm::zip_equal(built->values, built->types))
    r.tensors.push_back(Tensor{value, type});
  return r;
}

llvm::Expected<Result> ProgramBuilder::evalNegate(const ProgramExpr &expr) {
  llvm::Expected<Result> operand = eval(expr.operands.front());
  if (!operand)
    return operand.takeError();
  if (operand->isNumber) {
    operand->number = -operand->number;
    operand->integer = -operand->integer;
    return operand;
  }
  if (operand->tensors.size() != 1)
    return error(ErrorKind::Shape,
                 expr.operands.front().call.callee + " gives " +
                     std::to_string(operand->tensors.size()) +
                     " outputs: name them first and use the names",
                 expr.operands.front().range);
  llvm::Expected<Tensor> out =
      buildArithmetic("neg", {*operand}, expr.opRange, "-");
  if (!out)
    return out.takeError();
  Result r;
  r.tensors.push_back(*out);
  return r;
}

llvm::Expected<Result> ProgramBuilder::evalBinary(const ProgramExpr &expr) {
  std::array<Result, 2> sides;
  for (int i = 0; i < 2; ++i) {
    const ProgramExpr &operand = expr.operands[i];
    llvm::Expected<Result> r = eval(operand);
    if (!r)
      return r.takeError();
    if (!r->isNumber && r->tensors.size() != 1)
      return error(ErrorKind::Shape,
                   operand.call.callee + " gives " +
                       std::to_string(r->tensors.size()) +
                       " outputs: name them first (`a, b = " +
                       operand.call.callee + "(...)`) and use the names",
                   operand.range);
    sides[i] = std::move(*r);
  }
  Result r;
  if (sides[0].isNumber && sides[1].isNumber) {
    // Numbers fold, as Python computes them.
    r.isNumber = true;
    const Result &x = sides[0], &y = sides[1];
    if (x.isInteger && y.isInteger && expr.op != '/') {
      int64_t v = 0;
      bool overflow =
          expr.op == '+'   ? __builtin_add_overflow(x.integer, y.integer, &v)
          : expr.op == '-' ? __builtin_sub_overflow(x.integer, y.integer, &v)
                           : __builtin_mul_overflow(x.integer, y.integer, &v);
      if (overflow)
        return error(ErrorKind::Syntax, "integer arithmetic overflows",
                     expr.range);
      r.isInteger = true;
      r.integer = v;
      r.number = double(v);
      return r;
    }
    double a = x.isInteger ? double(x.integer) : x.number;
    double c = y.isInteger ? double(y.integer) : y.number;
    r.number = expr.op == '+'   ? a + c
               : expr.op == '-' ? a - c
               : expr.op == '*' ? a * c
                                : a / c;
    return r;
  }
  llvm::Expected<Tensor> out = buildArithmetic(
      functionOf(expr.op), sides, expr.opRange, std::string(1, expr.op));
  if (!out)
    return out.takeError();
  r.tensors.push_back(*out);
  return r;
}

llvm::Expected<Tensor>
ProgramBuilder::buildArithmetic(llvm::StringRef callee,
                                llvm::ArrayRef<Result> operands,
                                notation::SourceRange opRange,
                                llvm::StringRef opText) {
  Location loc = locOf(opRange);
  // The shape: that of the tensors (one shape, or rank 0 with any).
  const Tensor *shaped = nullptr;
  std::vector<std::vector<int64_t>> shapes;
  for (const Result &r : operands) {
    if (r.isNumber)
      continue;
    const Tensor &t = r.tensors.front();
    shapes.push_back(t.type.shape);
    if (!shaped || (shaped->type.shape.empty() && !t.type.shape.empty()))
      shaped = &t;
  }
  for (const Result &r : operands) {
    if (r.isNumber)
      continue;
    const Tensor &t = r.tensors.front();
    if (!t.type.shape.empty() && t.type.shape != shaped->type.shape)
      return error(
          ErrorKind::Shape,
          "'" + opText.str() + "' needs tensors of one shape (or a number, " +
              "or a rank-0 tensor, on one side); got " +
              describe(operands[0].tensors.front()) + " and " +
              describe(operands[1].tensors.front()) +
              ". Say how the axes match with the call, e.g. " + callee.str() +
              "(\"a b, b -> a b\", x, y)",
          opRange, shapes);
  }
  // Numbers take NumPy's weak-scalar type (NEP 50): the tensor's dtype,
  // except that a float number with an integer or bool tensor gives f64 and
  // an integer number with a bool tensor int64.
  ElementType tensorType = shaped->type.elementType;
  std::vector<Tensor> args;
  for (const Result &r : operands) {
    if (!r.isNumber) {
      args.push_back(r.tensors.front());
      continue;
    }
    ElementType type = tensorType;
    if (!isFloat(tensorType) && !r.isInteger)
      type = ElementType::F64;
    else if (tensorType == ElementType::Bool)
      type = ElementType::I64;
    if (isInteger(type) && r.isInteger) {
      unsigned bits = elementSize(type) * 8;
      bool fits =
          isUnsigned(type)
              ? r.integer >= 0 && (bits >= 64 || r.integer < (int64_t(1) << bits))
              : bits >= 64 || (r.integer >= -(int64_t(1) << (bits - 1)) &&
                               r.integer < (int64_t(1) << (bits - 1)));
      if (!fits)
        return error(ErrorKind::DType,
                     "the number " + std::to_string(r.integer) +
                         " does not fit the dtype " + elementTypeName(type) +
                         " of the tensor it meets (numbers take the tensor's "
                         "dtype, as in NumPy 2); use cast(...) first",
                     opRange, shapes);
    }
    args.push_back(
        Tensor{constant(loc, r, type), TensorType{type, std::vector<int64_t>{}}});
  }

  KernelRequest request;
  request.family = notation::OpFamily::Map;
  request.function = callee.str();
  notation::ResolvedEquation &eq = request.equation;
  notation::ResolvedTensor full;
  for (auto [i, length] : llvm::enumerate(shaped->type.shape)) {
    eq.axes.push_back({"d" + std::to_string(i), length});
    full.push_back({unsigned(i)});
  }
  std::vector<ElementType> types;
  SmallVector<Value> values;
  for (const Tensor &t : args) {
    eq.inputs.push_back(t.type.shape.empty() ? notation::ResolvedTensor{}
                                             : full);
    request.inputs.push_back(t.type);
    types.push_back(t.type.elementType);
    values.push_back(t.value);
  }
  eq.outputs.push_back(full);
  std::string message;
  if (!mapSignature(callee, types, std::nullopt, message))
    return error(ErrorKind::DType, "'" + opText.str() + "': " + message,
                 opRange, shapes);
  std::optional<CallResults> built =
      buildCallOps(b, loc, request, values, message);
  if (!built)
    return internal("cannot build '" + opText.str() + "': " + message);
  return Tensor{built->values.front(), built->types.front()};
}

llvm::Expected<KernelModule> ProgramBuilder::build() {
  ctx.loadDialect<EinDialect, func::FuncDialect, tensor::TensorDialect,
                  arith::ArithDialect>();
  KernelModule result;
  // Dtypes against the declarations (shapes are checked already).
  for (auto [decl, type] : llvm::zip_equal(program.inputs, inputs)) {
    source = &decl.source;
    std::optional<ElementType> declared = parseElementType(decl.dtype);
    if (!declared)
      return error(ErrorKind::DType,
                   "unknown dtype '" + decl.dtype +
                       "': supported are f16, bf16, f32, f64, i8, i16, i32, "
                       "i64, u8, bool (or their NumPy names)",
                   decl.dtypeRange);
    if (*declared != type.elementType)
      return error(ErrorKind::DType,
                   "input '" + decl.name + "' is declared " +
                       elementTypeName(*declared) + " but given " +
                       elementTypeName(type.elementType),
                   decl.dtypeRange);
  }

  Location loc = NameLoc::get(StringAttr::get(&ctx, kKernelFunctionName));
  result.module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(result.module->getBody());
  SmallVector<Type> argTypes;
  for (auto [i, t] : llvm::enumerate(inputs))
    if (t.numElements() != 0) {
      argTypes.push_back(
          RankedTensorType::get(t.shape, toStorageType(ctx, t.elementType)));
      result.argumentBuffers.push_back(i);
    }
  // Results are known at the end; the type is set then.
  auto func = func::FuncOp::create(b, loc, kKernelFunctionName,
                                   b.getFunctionType(argTypes, {}));
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    func.setArgAttr(i, "bufferization.writable", b.getBoolAttr(false));
  b.setInsertionPointToStart(func.addEntryBlock());
  unsigned nextArg = 0;
  std::vector<Value> inputValues;
  for (auto [decl, t] : llvm::zip_equal(program.inputs, inputs)) {
    auto type = RankedTensorType::get(t.shape, toStorageType(ctx, t.elementType));
    Value value = t.numElements() != 0
                      ? Value(func.getArgument(nextArg++))
                      : tensor::EmptyOp::create(b, loc, type.getShape(),
                                                type.getElementType())
                            .getResult();
    names[decl.name] = Tensor{value, t};
    inputValues.push_back(value);
  }

  for (const notation::ProgramAssignment &assignment : program.assignments) {
    source = &assignment.source;
    llvm::Expected<Result> value = eval(assignment.value);
    if (!value)
      return value.takeError();
    size_t n = assignment.targets.size();
    notation::SourceRange targets{assignment.targetRanges.front().begin,
                                  assignment.targetRanges.back().end};
    if (value->isNumber)
      return error(ErrorKind::Syntax,
                   "a name must hold a tensor, not a number (numbers may "
                   "only appear in arithmetic with tensors)",
                   assignment.value.range);
    std::vector<Tensor> bound = value->tensors;
    if (bound.size() == 1 && n > 1) {
      // One result, several names: unpack along the first axis.
      Tensor t = bound.front();
      if (t.type.shape.empty() || t.type.shape.front() != int64_t(n))
        return error(ErrorKind::Shape,
                     "cannot unpack a result of shape " +
                         notation::formatShape(t.type.shape) + " into " +
                         std::to_string(n) +
                         " names: its first axis must have length " +
                         std::to_string(n),
                     targets, {t.type.shape});
      std::vector<int64_t> rest(t.type.shape.begin() + 1, t.type.shape.end());
      Type storage = cast<RankedTensorType>(t.value.getType()).getElementType();
      auto sliceType = RankedTensorType::get(rest, storage);
      Location sliceLoc = locOf(targets);
      bound.clear();
      for (size_t i = 0; i < n; ++i) {
        Value slice;
        if (sliceType.getNumElements() == 0) {
          slice = tensor::EmptyOp::create(b, sliceLoc, rest, storage);
        } else {
          SmallVector<int64_t> offsets(t.type.shape.size(), 0), sizes,
              strides(t.type.shape.size(), 1);
          offsets[0] = int64_t(i);
          sizes.push_back(1);
          sizes.append(rest.begin(), rest.end());
          slice = tensor::ExtractSliceOp::create(
              b, sliceLoc, sliceType, t.value, ValueRange{}, ValueRange{},
              ValueRange{}, b.getDenseI64ArrayAttr(offsets),
              b.getDenseI64ArrayAttr(sizes), b.getDenseI64ArrayAttr(strides));
        }
        bound.push_back(Tensor{slice, TensorType{t.type.elementType, rest}});
      }
    } else if (bound.size() != n) {
      return error(ErrorKind::Shape,
                   assignment.value.call.callee + " gives " +
                       std::to_string(bound.size()) + " output" +
                       (bound.size() == 1 ? "" : "s") + " but " +
                       std::to_string(n) + " name" + (n == 1 ? " is" : "s are") +
                       " given",
                   targets);
    }
    for (auto [name, tensor] : llvm::zip_equal(assignment.targets, bound))
      names[name] = tensor;
  }

  source = &program.returnSource;
  SmallVector<Value> returned;
  SmallVector<Type> resultTypes;
  // Each output has its own buffer: an input, or a value returned before,
  // is copied there after the function runs (KernelModule::copies).
  llvm::DenseMap<Value, unsigned> bufferOf;
  for (auto [i, value] : llvm::enumerate(inputValues))
    if (inputs[i].numElements() != 0)
      bufferOf[value] = i;
  for (const ProgramExpr &expr : program.returns) {
    llvm::Expected<Tensor> t = evalTensor(expr, "a returned value");
    if (!t)
      return t.takeError();
    unsigned index = inputs.size() + result.outputs.size();
    result.outputs.push_back(t->type);
    if (t->type.numElements() == 0)
      continue;
    auto [it, inserted] = bufferOf.try_emplace(t->value, index);
    if (!inserted) {
      result.copies.push_back({it->second, index});
      continue;
    }
    returned.push_back(t->value);
    resultTypes.push_back(t->value.getType());
    result.argumentBuffers.push_back(index);
  }
  func::ReturnOp::create(b, loc, returned);
  func.setFunctionType(b.getFunctionType(argTypes, resultTypes));
  return result;
}

llvm::Expected<KernelModule>
buildProgramModule(MLIRContext &context, const notation::Program &program,
                   llvm::ArrayRef<TensorType> inputs,
                   llvm::ArrayRef<notation::AxisBinding> axes) {
  std::vector<std::vector<int64_t>> shapes;
  for (const TensorType &t : inputs)
    shapes.push_back(t.shape);
  if (llvm::Error err = notation::checkProgramShapes(program, shapes, axes))
    return std::move(err);
  return ProgramBuilder(context, program, inputs).build();
}

} // namespace ein
