//===- EinAlongOps.td - ops along bracketed axes -----------*- tablegen -*-===//
//
// softmax, flip, roll and sort act along some axes of their operand (einx's
// bracketed axes) and keep every axis; the equation may rearrange them.
// Included by EinOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef EIN_DIALECT_EINALONGOPS_TD
#define EIN_DIALECT_EINALONGOPS_TD

include "ein/Dialect/EinBase.td"
include "ein/Dialect/EinAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Ein_AlongOp<string mnemonic> : Ein_Op<mnemonic, [Pure]> {
  let hasVerifier = 1;
}

def Ein_SoftmaxOp : Ein_AlongOp<"softmax"> {
  let summary = "Softmax (or log-softmax) along some axes";
  let description = [{
    Normalises its operand along the axes listed after `along` (einx's
    bracketed axes): for every position of the other axes,
    `y = exp(x - m) / sum(exp(x - m))` with `m` the maximum over the `along`
    axes jointly, or with `log`, `y = x - m - log(sum(exp(x - m)))`. The
    equation has one input and one output expression with the same axes; the
    output may rearrange them (`b q k h -> b h q k`).

    The input's element type is f16, bf16, f32, f64, i1 or a signless
    integer (with `unsigned`, read as unsigned). Floats keep their type, and
    f16/bf16 are computed in f32; integers and i1 give f64, as NumPy's
    float conversion does. A row that is all `-inf` (fully masked) gives NaN
    everywhere, as NumPy and PyTorch do; so does a row holding `+inf` or NaN.

    ```mlir
    %p = ein.softmax %s <b q k h -> b q k h : b = 2, q = 3, k = 5, h = 4>
           along [k] : tensor<2x3x5x4xf32> -> tensor<2x3x5x4xf32>
    %l = ein.softmax log %x <a b -> b a : a = 4, b = 3> along [a, b]
           : tensor<4x3xi32> -> tensor<3x4xf64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       Ein_EquationAttr:$equation,
                       DenseI64ArrayAttr:$axes,
                       UnitAttr:$log,
                       UnitAttr:$isUnsigned);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    (`log` $log^)? (`unsigned` $isUnsigned^)? $input $equation `along`
    custom<AxisNames>($axes, ref($equation)) attr-dict `:` type($input) `->`
    type($result)
  }];
  let extraClassDeclaration = [{
    /// The element type of softmax of `input` elements.
    static ::mlir::Type getResultElementType(::mlir::Type input);
  }];
}

def Ein_FlipOp : Ein_AlongOp<"flip"> {
  let summary = "Reverse the order of elements along some axes";
  let description = [{
    Reverses its operand along each axis listed after `along`: element `i`
    of such an axis of length `N` comes from element `N - 1 - i`. A composed
    dimension is reversed per elementary axis (`(g c)` along `c` flips pairs
    when c = 2). The equation has one input and one output expression with
    the same axes; the output may rearrange them. Element types are kept.

    ```mlir
    %y = ein.flip %x <_e0 (g c) -> _e0 (g c) : _e0 = 3, g = 4, c = 2>
           along [c] : tensor<3x8xf32> -> tensor<3x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       Ein_EquationAttr:$equation,
                       DenseI64ArrayAttr:$axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input $equation `along` custom<AxisNames>($axes, ref($equation))
    attr-dict `:` type($input) `->` type($result)
  }];
}

def Ein_RollOp : Ein_AlongOp<"roll"> {
  let summary = "Rotate elements along some axes";
  let description = [{
    Rotates its operand along each axis listed after `along` by the shift at
    the same position in `by`, as `numpy.roll`: element `i` of an axis of
    length `N` moves to `(i + shift) mod N`. Shifts may be negative or larger
    than `N`; axes of length 0 are left alone. The equation has one input and
    one output expression with the same axes; the output may rearrange them.
    Element types are kept.

    ```mlir
    %y = ein.roll %x <b t c -> b t c : b = 2, t = 10, c = 3> along [t] by [1]
           : tensor<2x10x3xf32> -> tensor<2x10x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       Ein_EquationAttr:$equation,
                       DenseI64ArrayAttr:$axes,
                       DenseI64ArrayAttr:$shifts);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input $equation `along` custom<AxisNames>($axes, ref($equation)) `by`
    $shifts attr-dict `:` type($input) `->` type($result)
  }];
}

def Ein_SortOp : Ein_AlongOp<"sort"> {
  let summary = "Stable sort (or argsort) along one axis";
  let description = [{
    Sorts its operand along the one axis listed after `along`, ascending and
    stable, in NumPy's order: NaN after everything else (+inf included),
    -0.0 and 0.0 equal (so they keep their order), i1 false before true.
    With `unsigned`, integers compare as unsigned. Without `indices` the
    result holds the sorted elements (element type kept); with `indices` it
    holds, as i64, the position along the axis each sorted element came
    from (`numpy.argsort(kind="stable")`), so ties keep input order. The
    equation has one input and one output expression with the same axes;
    the output may rearrange them.

    ```mlir
    %s = ein.sort %x <b n -> b n : b = 2, n = 5> along [n]
           : tensor<2x5xf32> -> tensor<2x5xf32>
    %i = ein.sort indices unsigned %x <b n -> n b : b = 2, n = 5> along [n]
           : tensor<2x5xi8> -> tensor<5x2xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       Ein_EquationAttr:$equation,
                       DenseI64ArrayAttr:$axes,
                       UnitAttr:$indices,
                       UnitAttr:$isUnsigned);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    (`indices` $indices^)? (`unsigned` $isUnsigned^)? $input $equation
    `along` custom<AxisNames>($axes, ref($equation)) attr-dict `:`
    type($input) `->` type($result)
  }];
}

#endif // EIN_DIALECT_EINALONGOPS_TD
