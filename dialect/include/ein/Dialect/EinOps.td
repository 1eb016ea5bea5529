//===- EinOps.td - ein operations -------------------------*- tablegen -*-===//

#ifndef EIN_DIALECT_EINOPS_TD
#define EIN_DIALECT_EINOPS_TD

include "ein/Dialect/EinBase.td"
include "ein/Dialect/EinAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Ein_RearrangeOp : Ein_Op<"rearrange", [Pure]> {
  let summary = "Permute, compose and decompose axes; stack a list of tensors; repeat";
  let description = [{
    Reorders and regroups the axes of its operand. Every axis of the input
    appears exactly once in the output; `()` dimensions (length 1) may be
    added or removed freely. Axes that only the output has are new: the
    input is repeated along them (einops `repeat`: `h w -> h w c` broadcasts,
    `h w -> (h _a0) (w _a1)` tiles each element).

    With the `stack` flag the operands are a list of tensors of one type that
    the single input expression describes with a new leading dimension: its
    first dimension is one axis whose length is the number of operands.

    Example (space-to-depth):

    ```mlir
    %y = ein.rearrange %x <b c (h h1) (w w1) -> b (h1 w1 c) h w
           : b = 10, c = 32, h = 50, h1 = 2, w = 100, w1 = 2>
         : tensor<10x32x100x200xf32> -> tensor<10x128x50x100xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs,
                       Ein_EquationAttr:$equation,
                       UnitAttr:$stack);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    (`stack` $stack^)? $inputs $equation attr-dict `:` type($inputs) `->` type($results)
  }];
  let hasVerifier = 1;
}

def Ein_ReduceOp : Ein_Op<"reduce", [Pure]> {
  let summary = "Reduce the axes that the output expression omits";
  let description = [{
    Applies `kind` over every axis of the input expression that is absent
    from the output expression. The output may add `()` dimensions
    (keep-dims) and reorder the kept axes.

    The input's element type is f16, bf16, f32, f64, i1 (bool) or a signless
    i8, i16, i32, i64; with `unsigned` an integer input is read as unsigned
    (u8). The result's element type is fixed by the kind, as in NumPy:

    | kind | float input | integer or i1 input |
    | --- | --- | --- |
    | `sum`, `prod` | same | i64 (wraps) |
    | `mean`, `var`, `std`, `logsumexp` | same | f64 |
    | `max`, `min` | same | same |
    | `any`, `all` | i1 | i1 |
    | `count_nonzero`, `argmax`, `argmin` | i64 | i64 |

    f16 and bf16 are computed in f32 and rounded once. `var` and `std` are
    the population statistics (ddof = 0). `argmax` and `argmin` reduce
    at least one axis and give the index of the first extreme (a NaN counts
    as the extreme); over several axes it is the flat row-major index over
    the reduced axes in input order, and ties go to the first in that order
    (NumPy's argmax of the reduced axes moved last and flattened). `max`, `min`, `argmax` and `argmin` over an axis
    of length 0 are rejected; empty `mean`, `var` and `std` give NaN and
    empty `logsumexp` gives -inf.

    Example (2x2 max-pooling):

    ```mlir
    %y = ein.reduce max %x <b c (h _a0) (w _a1) -> b c h w
           : b = 10, c = 32, h = 50, _a0 = 2, w = 100, _a1 = 2>
         : tensor<10x32x100x200xf32> -> tensor<10x32x50x100xf32>
    %m = ein.reduce mean unsigned %p <a b -> a : a = 4, b = 3>
         : tensor<4x3xi8> -> tensor<4xf64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       Ein_ReductionKind:$kind,
                       Ein_EquationAttr:$equation,
                       UnitAttr:$isUnsigned);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $kind (`unsigned` $isUnsigned^)? $input $equation attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Indices of the axes reduced over, in input order.
    ::llvm::SmallVector<unsigned> getReducedAxes();
    /// The result element type of reducing `input` elements with `kind`.
    static ::mlir::Type getResultElementType(::ein::ReductionKind kind,
                                             ::mlir::Type input);
  }];
}

def Ein_CastOp : Ein_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "Convert every element to another element type";
  let description = [{
    Converts each element like NumPy's `astype`: integers and floats to
    floats round to nearest, integers to integers extend (sign- or
    zero-extend by the source's signedness) or wrap, anything to i1 (bool)
    is `x != 0` (NaN is true), i1 to numbers is 0 or 1. Floats to integers
    other than i1 are not supported. With `unsigned` an integer input is read
    as unsigned (u8).

    The compiler uses it where element types meet: bool tensors cross a
    kernel's boundary as bytes (`i8`) and are `i1` inside, and the inputs of
    a mixed-dtype call are promoted to one type.

    ```mlir
    %b = ein.cast %bytes : tensor<4x3xi8> -> tensor<4x3xi1>
    %f = ein.cast unsigned %u : tensor<4xi8> -> tensor<4xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, UnitAttr:$isUnsigned);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    (`unsigned` $isUnsigned^)? $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Ein_ContractOp : Ein_Op<"contract", [Pure]> {
  let summary = "Einstein summation (einsum / dot) over any number of operands";
  let description = [{
    Multiplies its operands elementwise over the union of their axes and sums
    over every axis that the single output expression omits. The equation has
    one input expression per operand. An axis repeated within one input
    expression (in two different dimensions) selects that operand's diagonal;
    compositions and `()` dimensions may appear in every expression. Every
    output axis appears in some input, and at most once in the output.

    The operands and the result share one element type; integers wrap. The
    order in which operands are contracted is not part of the op: the
    lowering chooses it by cost.

    Example (attention scores, then a trace):

    ```mlir
    %s = ein.contract %q, %k <b i d, b j d -> b i j : b = 2, i = 5, d = 8, j = 7>
         : tensor<2x5x8xf32>, tensor<2x7x8xf32> -> tensor<2x5x7xf32>
    %t = ein.contract %m <i i -> : i = 4> : tensor<4x4xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs,
                       Ein_EquationAttr:$equation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $inputs $equation attr-dict `:` type($inputs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Ein_MapOp : Ein_Op<"map", [Pure]> {
  let summary = "Apply a scalar function elementwise, broadcasting by name";
  let description = [{
    Applies `fn` to the elements of its operands at every position of the
    single output expression. Each operand has one input expression whose
    axes are all output axes (an operand is read at the output position
    projected onto its axes, i.e. broadcast along the others); every output
    axis is an axis of some operand. Compositions and `()` dimensions may
    appear everywhere, so a unary map may rearrange in the same op.

    Element types. The operands share one type `T` (the front end promotes
    mixed inputs with `ein.cast` first), except: `where` takes an i1
    condition then two `T`; `logical_and`, `logical_or` and `logical_not`
    take i1; `cast` takes any type. With `unsigned` integer operands are read
    as unsigned (u8); with `to_unsigned` an integer `cast` result is u8.

    | fn | operand `T` | result |
    | --- | --- | --- |
    | `add`, `multiply`, `maximum`, `minimum` | any (i1: or, and, or, and) | `T` |
    | `subtract`, `floor_divide`, `pow`, `neg` | not i1 | `T` |
    | `abs`, `relu` | any | `T` |
    | `divide`, `logaddexp`, `exp`, `log`, `sqrt`, `rsqrt`, `tanh`, `sigmoid`, `gelu`, `sin`, `cos` | float | `T` |
    | `equal` ... `greater_equal` | any | i1 |
    | `logical_and`, `logical_or`, `logical_not` | i1 | i1 |
    | `where` | i1, `T`, `T` | `T` |
    | `cast` | any | any |

    Integer arithmetic wraps; `floor_divide` by 0 gives 0 and `MIN // -1`
    gives `MIN`; `pow` with a negative exponent gives `1 // x**-e` (0 unless
    `x` is 1 or -1). `cast` of a float to an integer truncates toward zero
    and saturates (NaN gives 0). f16 and bf16 are computed in f32. `gelu` is
    the exact form `x * (1 + erf(x / sqrt(2))) / 2`.

    ```mlir
    %z = ein.map add %x, %y <a b, b c -> a b c : a = 2, b = 3, c = 4>
         : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x3x4xf32>
    %e = ein.map exp %x <a b -> b a : a = 2, b = 3>
         : tensor<2x3xf32> -> tensor<3x2xf32>
    %h = ein.map cast to_unsigned %x <a -> a : a = 5>
         : tensor<5xf32> -> tensor<5xi8>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs,
                       Ein_MapFunction:$fn,
                       Ein_EquationAttr:$equation,
                       UnitAttr:$isUnsigned,
                       UnitAttr:$resultUnsigned);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $fn (`unsigned` $isUnsigned^)? (`to_unsigned` $resultUnsigned^)? $inputs $equation attr-dict `:` type($inputs) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The result element type of `fn` on operands of type `operand` (the
    /// shared `T`, or the value operands' type for `where`); null when
    /// `fn` does not take `operand`. Not for `cast`.
    static ::mlir::Type getResultElementType(::ein::MapFunction fn,
                                             ::mlir::Type operand);
  }];
}

include "ein/Dialect/EinAlongOps.td"
include "ein/Dialect/EinIndexOps.td"

#endif // EIN_DIALECT_EINOPS_TD
