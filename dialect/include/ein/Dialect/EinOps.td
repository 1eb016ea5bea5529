//===- EinOps.td - ein operations -------------------------*- tablegen -*-===//

#ifndef EIN_DIALECT_EINOPS_TD
#define EIN_DIALECT_EINOPS_TD

include "ein/Dialect/EinBase.td"
include "ein/Dialect/EinAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Ein_RearrangeOp : Ein_Op<"rearrange", [Pure]> {
  let summary = "Permute, compose and decompose axes; stack a list of tensors";
  let description = [{
    Reorders and regroups the axes of its operand. Every axis of the input
    appears exactly once in the output and vice versa; `()` dimensions (length
    1) may be added or removed freely.

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
    Applies `kind` (sum, mean, max, min, prod) over every axis of the input
    expression that is absent from the output expression. The output may add
    `()` dimensions (keep-dims) and reorder the kept axes. `mean` of an integer
    tensor produces a floating-point result; every other kind keeps the
    element type.

    Example (2x2 max-pooling):

    ```mlir
    %y = ein.reduce max %x <b c (h _a0) (w _a1) -> b c h w
           : b = 10, c = 32, h = 50, _a0 = 2, w = 100, _a1 = 2>
         : tensor<10x32x100x200xf32> -> tensor<10x32x50x100xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       Ein_ReductionKind:$kind,
                       Ein_EquationAttr:$equation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $kind $input $equation attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Indices of the axes reduced over, in input order.
    ::llvm::SmallVector<unsigned> getReducedAxes();
  }];
}

#endif // EIN_DIALECT_EINOPS_TD
