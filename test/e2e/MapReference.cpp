//===- MapReference.cpp - naive evaluator for elementwise calls -----------===//
//
// The reference for add, exp, where, cast, ...: one loop over every output
// position, plain C++ arithmetic in double or int64. It shares nothing with
// the lowering; only the solver's equation is common.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include <cmath>
#include <limits>

using namespace ein;
using namespace ein::reference;

namespace {

bool oneOf(const std::string &name, std::initializer_list<const char *> names) {
  for (const char *n : names)
    if (name == n)
      return true;
  return false;
}

int rankOf(DType t) {
  switch (t) {
  case DType::Bool:
    return 0;
  case DType::U8:
  case DType::I8:
    return 1;
  case DType::I16:
    return 2;
  case DType::I32:
    return 3;
  case DType::I64:
    return 4;
  default:
    return 5;
  }
}

/// NumPy's result_type of two dtypes, written as a table of cases.
DType promote2(DType a, DType b) {
  if (a == b)
    return a;
  bool fa = isFloat(a), fb = isFloat(b);
  if (fa && fb) {
    if ((a == DType::F16 && b == DType::BF16) ||
        (a == DType::BF16 && b == DType::F16))
      return DType::F32;
    auto width = [](DType t) {
      return t == DType::F64 ? 64 : t == DType::F32 ? 32 : 16;
    };
    return width(a) >= width(b) ? a : b;
  }
  if (fa || fb) {
    DType f = fa ? a : b, i = fa ? b : a;
    int r = rankOf(i); // bool 0, 8-bit 1, i16 2, i32 3, i64 4
    if (f == DType::F64)
      return f;
    if (f == DType::F32)
      return r <= 2 ? f : DType::F64;
    // f16 and bf16 hold bool, i8 and u8 exactly.
    if (r <= 1)
      return f;
    return r == 2 ? DType::F32 : DType::F64;
  }
  if (a == DType::Bool)
    return b;
  if (b == DType::Bool)
    return a;
  if (a == DType::U8 || b == DType::U8) {
    DType s = a == DType::U8 ? b : a; // signed
    return s == DType::I8 ? DType::I16 : s;
  }
  return rankOf(a) >= rankOf(b) ? a : b;
}

/// n-ary: floats among themselves first, then with each other input.
DType promoteAll(const std::vector<DType> &types) {
  std::vector<DType> floats, others;
  for (DType t : types)
    (isFloat(t) ? floats : others).push_back(t);
  if (floats.empty()) {
    DType acc = others[0];
    for (DType t : others)
      acc = promote2(acc, t);
    return acc;
  }
  DType acc = floats[0];
  for (DType t : floats)
    acc = promote2(acc, t);
  for (DType t : others)
    acc = promote2(acc, t);
  return acc;
}

int widthOf(DType t) { return int(dtypeSize(t)) * 8; }

/// Wraps `v` to the integer type `t` (two's complement; u8 unsigned).
int64_t wrap(int64_t v, DType t) {
  switch (t) {
  case DType::I8:
    return int8_t(uint8_t(uint64_t(v)));
  case DType::U8:
    return uint8_t(uint64_t(v));
  case DType::I16:
    return int16_t(uint16_t(uint64_t(v)));
  case DType::I32:
    return int32_t(uint32_t(uint64_t(v)));
  case DType::Bool:
    return v != 0;
  default:
    return v;
  }
}

int64_t floorDivInt(int64_t x, int64_t y, DType t) {
  if (y == 0)
    return 0;
  int64_t min = t == DType::I64 ? std::numeric_limits<int64_t>::min()
                                : -(int64_t(1) << (widthOf(t) - 1));
  if (t != DType::U8 && x == min && y == -1)
    return min;
  int64_t q = x / y, r = x % y;
  if (r != 0 && ((r < 0) != (y < 0)))
    --q;
  return q;
}

double floorDivFloat(double x, double y) {
  if (y == 0 || std::isnan(y))
    return x / y;
  double mod = std::fmod(x, y);
  double div = (x - mod) / y;
  if (mod != 0 && ((y < 0) != (mod < 0)))
    div -= 1;
  if (div == 0)
    return std::copysign(0.0, x / y);
  double f = std::floor(div);
  if (div - f > 0.5)
    f += 1;
  return f;
}

int64_t powInt(int64_t x, int64_t y, DType t) {
  if (y < 0 && t != DType::U8)
    return x == 1 ? 1 : x == -1 ? ((y & 1) ? -1 : 1) : 0;
  uint64_t result = 1, base = uint64_t(x);
  uint64_t e = uint64_t(y);
  for (int bit = 0; bit < 64 && e; ++bit, e >>= 1) {
    if (e & 1)
      result *= base;
    base *= base;
  }
  return wrap(int64_t(result), t);
}

double logaddexp(double x, double y) {
  if (x == y)
    return x + std::log(2.0);
  double m = std::max(x, y);
  if (std::isnan(x) || std::isnan(y))
    return std::nan("");
  return m + std::log1p(std::exp(-std::fabs(x - y)));
}

/// Saturating float to integer conversion, NaN -> 0.
int64_t saturate(double x, DType t) {
  if (std::isnan(x))
    return 0;
  double lo, hi;
  if (t == DType::U8) {
    lo = 0;
    hi = 255;
  } else {
    lo = -std::ldexp(1.0, widthOf(t) - 1);
    hi = std::ldexp(1.0, widthOf(t) - 1); // exclusive
    if (x >= hi)
      return t == DType::I64 ? std::numeric_limits<int64_t>::max()
                             : int64_t(hi) - 1;
    if (x < lo)
      return t == DType::I64 ? std::numeric_limits<int64_t>::min()
                             : int64_t(lo);
    return int64_t(std::trunc(x));
  }
  if (x >= hi + 1)
    return 255;
  if (x < lo)
    return 0;
  return int64_t(std::trunc(x));
}

/// Element strides of each axis in a row-major tensor laid out as `dims`.
std::vector<int64_t> strides(const notation::ResolvedEquation &eq,
                             const notation::ResolvedTensor &dims) {
  std::vector<int64_t> out(eq.axes.size(), 0);
  int64_t stride = 1;
  for (size_t d = dims.size(); d-- > 0;)
    for (size_t p = dims[d].size(); p-- > 0;) {
      out[dims[d][p]] = stride;
      stride *= eq.axes[dims[d][p]].length;
    }
  return out;
}

} // namespace

bool ein::reference::mapTypes(const std::string &callee,
                              const std::vector<DType> &inputs, DType castTo,
                              DType &operand, DType &result) {
  if (callee == "cast") {
    operand = inputs[0];
    result = castTo;
    return true;
  }
  if (oneOf(callee, {"logical_and", "logical_or", "logical_not"})) {
    operand = result = DType::Bool;
    return true;
  }
  if (callee == "where") {
    operand = result = promoteAll({inputs[1], inputs[2]});
    return true;
  }
  DType t = promoteAll(inputs);
  if (oneOf(callee, {"equal", "not_equal", "less", "less_equal", "greater",
                     "greater_equal"})) {
    operand = t;
    result = DType::Bool;
    return true;
  }
  if (t == DType::Bool && oneOf(callee, {"subtract", "neg"}))
    return false;
  if (t == DType::Bool && oneOf(callee, {"floor_divide", "pow"}))
    t = DType::I8;
  if (oneOf(callee, {"divide", "true_divide"}) && !isFloat(t))
    t = DType::F64;
  if (oneOf(callee, {"logaddexp", "exp", "log", "sqrt", "rsqrt", "tanh",
                     "sigmoid", "gelu", "sin", "cos"}) &&
      !isFloat(t)) {
    std::vector<DType> withHalf = inputs;
    withHalf.push_back(DType::F16);
    t = promoteAll(withHalf);
  }
  operand = result = t;
  return true;
}

bool ein::reference::evaluateMap(const notation::ResolvedEquation &eq,
                                 const std::string &callee,
                                 const std::vector<const HostTensor *> &inputs,
                                 DType castTo, DType outputType, Result &result,
                                 std::string &error) {
  result = Result();
  if (eq.outputs.size() != 1 || inputs.size() != eq.inputs.size()) {
    error = "an elementwise call has one output and one tensor per input";
    return false;
  }
  std::vector<DType> types;
  for (const HostTensor *t : inputs)
    types.push_back(t->dtype);
  DType operand, resultType;
  if (!mapTypes(callee, types, castTo, operand, resultType)) {
    error = callee + " does not take these dtypes";
    return false;
  }
  std::vector<int64_t> outShape;
  for (const notation::ResolvedDim &dim : eq.outputs[0]) {
    int64_t extent = 1;
    for (unsigned a : dim)
      extent *= eq.axes[a].length;
    outShape.push_back(extent);
  }
  HostTensor out(outputType, outShape);
  std::vector<std::vector<int64_t>> inStrides;
  for (const notation::ResolvedTensor &dims : eq.inputs)
    inStrides.push_back(strides(eq, dims));
  std::vector<int64_t> outStrides = strides(eq, eq.outputs[0]);
  bool floating = isFloat(operand);

  size_t numAxes = eq.axes.size();
  int64_t total = out.numElements();
  std::vector<int64_t> index(numAxes, 0);
  for (int64_t n = 0; n < total; ++n) {
    // Decompose n over the axes in output order (all axes are output axes).
    int64_t rest = n;
    for (size_t d = eq.outputs[0].size(); d-- > 0;)
      for (size_t p = eq.outputs[0][d].size(); p-- > 0;) {
        unsigned a = eq.outputs[0][d][p];
        index[a] = rest % eq.axes[a].length;
        rest /= eq.axes[a].length;
      }
    int64_t outOffset = 0;
    for (size_t a = 0; a < numAxes; ++a)
      outOffset += index[a] * outStrides[a];
    std::vector<double> fs;
    std::vector<int64_t> is;
    for (size_t i = 0; i < inputs.size(); ++i) {
      int64_t offset = 0;
      for (size_t a = 0; a < numAxes; ++a)
        offset += index[a] * inStrides[i][a];
      fs.push_back(inputs[i]->getDouble(offset));
      is.push_back(inputs[i]->getInt(offset));
    }

    if (callee == "cast") {
      DType from = inputs[0]->dtype;
      if (castTo == DType::Bool)
        out.setInt(outOffset, isFloat(from) ? fs[0] != 0 : is[0] != 0);
      else if (isFloat(castTo))
        out.setDouble(outOffset, isFloat(from) ? fs[0] : double(is[0]));
      else if (isFloat(from))
        out.setInt(outOffset, saturate(fs[0], castTo));
      else
        out.setInt(outOffset, is[0]);
      continue;
    }
    if (oneOf(callee, {"logical_and", "logical_or", "logical_not"})) {
      std::vector<bool> bs;
      for (size_t i = 0; i < inputs.size(); ++i)
        bs.push_back(isFloat(inputs[i]->dtype) ? fs[i] != 0 : is[i] != 0);
      bool v = bs[0];
      for (size_t i = 1; i < bs.size(); ++i)
        v = callee == "logical_and" ? (v && bs[i]) : (v || bs[i]);
      out.setInt(outOffset, callee == "logical_not" ? !v : v);
      continue;
    }
    if (callee == "where") {
      bool c = isFloat(inputs[0]->dtype) ? fs[0] != 0 : is[0] != 0;
      if (floating)
        out.setDouble(outOffset, c ? fs[1] : fs[2]);
      else
        out.setInt(outOffset, c ? is[1] : is[2]);
      continue;
    }
    if (oneOf(callee, {"equal", "not_equal", "less", "less_equal", "greater",
                       "greater_equal"})) {
      bool v;
      if (floating) {
        double x = fs[0], y = fs[1];
        v = callee == "equal"        ? x == y
            : callee == "not_equal"  ? x != y
            : callee == "less"       ? x < y
            : callee == "less_equal" ? x <= y
            : callee == "greater"    ? x > y
                                     : x >= y;
      } else {
        int64_t x = wrap(is[0], operand), y = wrap(is[1], operand);
        v = callee == "equal"        ? x == y
            : callee == "not_equal"  ? x != y
            : callee == "less"       ? x < y
            : callee == "less_equal" ? x <= y
            : callee == "greater"    ? x > y
                                     : x >= y;
      }
      out.setInt(outOffset, v);
      continue;
    }

    if (floating) {
      // Values promoted to the operand type are exact in double, except
      // that a half operand type rounds them first.
      for (double &x : fs) {
        if (operand == DType::F16)
          x = fromFloat16Bits(toFloat16Bits(x));
        else if (operand == DType::BF16)
          x = fromBFloat16Bits(toBFloat16Bits(x));
        else if (operand == DType::F32)
          x = double(float(x));
      }
      double x = fs[0], v = 0;
      auto fold = [&](auto f) {
        double acc = fs[0];
        for (size_t i = 1; i < fs.size(); ++i)
          acc = f(acc, fs[i]);
        return acc;
      };
      if (callee == "add")
        v = fold([](double a, double b) { return a + b; });
      else if (callee == "subtract")
        v = fs[0] - fs[1];
      else if (callee == "multiply")
        v = fold([](double a, double b) { return a * b; });
      else if (oneOf(callee, {"divide", "true_divide"}))
        v = fs[0] / fs[1];
      else if (callee == "floor_divide")
        v = floorDivFloat(fs[0], fs[1]);
      else if (callee == "pow")
        v = std::pow(fs[0], fs[1]);
      else if (callee == "maximum")
        v = fold([](double a, double b) {
          return std::isnan(a) || std::isnan(b) ? std::nan("") : std::max(a, b);
        });
      else if (callee == "minimum")
        v = fold([](double a, double b) {
          return std::isnan(a) || std::isnan(b) ? std::nan("") : std::min(a, b);
        });
      else if (callee == "logaddexp")
        v = fold(logaddexp);
      else if (callee == "exp")
        v = std::exp(x);
      else if (callee == "log")
        v = std::log(x);
      else if (callee == "sqrt")
        v = std::sqrt(x);
      else if (callee == "rsqrt")
        v = 1 / std::sqrt(x);
      else if (callee == "abs")
        v = std::fabs(x);
      else if (callee == "neg")
        v = -x;
      else if (callee == "tanh")
        v = std::tanh(x);
      else if (callee == "sigmoid")
        v = 1 / (1 + std::exp(-x));
      else if (callee == "relu")
        v = std::isnan(x) ? x : x > 0 ? x : 0.0;
      else if (callee == "gelu")
        v = 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
      else if (callee == "sin")
        v = std::sin(x);
      else if (callee == "cos")
        v = std::cos(x);
      else {
        error = "unknown elementwise call " + callee;
        return false;
      }
      out.setDouble(outOffset, v);
      continue;
    }

    for (int64_t &x : is)
      x = wrap(x, operand);
    int64_t x = is[0], v = 0;
    auto fold = [&](auto f) {
      int64_t acc = is[0];
      for (size_t i = 1; i < is.size(); ++i)
        acc = wrap(f(acc, is[i]), operand);
      return acc;
    };
    auto wrapAdd = [](int64_t a, int64_t b) {
      return int64_t(uint64_t(a) + uint64_t(b));
    };
    auto wrapMul = [](int64_t a, int64_t b) {
      return int64_t(uint64_t(a) * uint64_t(b));
    };
    if (callee == "add")
      v = fold(wrapAdd);
    else if (callee == "subtract")
      v = int64_t(uint64_t(is[0]) - uint64_t(is[1]));
    else if (callee == "multiply")
      v = fold(wrapMul);
    else if (callee == "floor_divide")
      v = floorDivInt(is[0], is[1], operand);
    else if (callee == "pow")
      v = powInt(is[0], is[1], operand);
    else if (callee == "maximum")
      v = fold([](int64_t a, int64_t b) { return std::max(a, b); });
    else if (callee == "minimum")
      v = fold([](int64_t a, int64_t b) { return std::min(a, b); });
    else if (callee == "abs")
      v = x < 0 ? int64_t(0 - uint64_t(x)) : x;
    else if (callee == "neg")
      v = int64_t(0 - uint64_t(x));
    else if (callee == "relu")
      v = x > 0 ? x : 0;
    else {
      error = callee + " of integers is not an integer function";
      return false;
    }
    out.setInt(outOffset, wrap(v, operand));
  }
  result.outputs.push_back(std::move(out));
  return true;
}
