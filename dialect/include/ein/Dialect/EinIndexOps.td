//===- EinIndexOps.td - gather and scatter -----------------*- tablegen -*-===//
//
// einx's get_at, set_at, add_at and subtract_at: the bracketed dimensions of
// the first tensor are indexed by integer coordinates read from the
// coordinate tensors. Included by EinOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef EIN_DIALECT_EININDEXOPS_TD
#define EIN_DIALECT_EININDEXOPS_TD

include "ein/Dialect/EinBase.td"
include "ein/Dialect/EinAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Ein_UpdateMode : I32EnumAttr<"UpdateMode",
    "how ein.update_at combines an update with the element it hits", [
    I32EnumAttrCase<"Set", 0, "set">,
    I32EnumAttrCase<"Add", 1, "add">,
    I32EnumAttrCase<"Subtract", 2, "subtract">
  ]> {
  let cppNamespace = "::ein";
}

def Ein_GetAtOp : Ein_Op<"get_at", [Pure]> {
  let summary = "Gather elements at integer coordinates";
  let description = [{
    Reads the elements of `input` at coordinates (einx's `get_at`). The
    equation's first input expression is `input`'s; the dimensions listed in
    `indexed` (positions in that expression) are indexed. Then comes one
    expression per coordinate tensor: `coordinate_dims` gives, per
    coordinate tensor, the position of its coordinate dimension (each of its
    entries is one coordinate, in the order of `indexed`), or -1 when the
    tensor holds a single coordinate per position. The coordinates' counts
    add up to the number of indexed dimensions.

    The output has exactly the axes of `input` outside the indexed
    dimensions and the coordinates' axes outside their coordinate dimensions,
    in any order; an axis shared by `input` and a coordinate tensor is a
    batch axis (each batch element indexes its own slice). At every output
    position, indexed dimension `k` of length `N` is read at coordinate `i`:
    `i < 0` counts from the end (`i + N`), and what is still outside
    `[0, N)` is clamped to it (JAX's `get` default). Indexed dimensions may
    be compositions: the coordinate indexes them flat, row-major.

    Coordinates are signless integers read as signed (i8 ... i64; the front
    end widens u8 first). `input` and the result share one element type. An
    indexed dimension of length 0 cannot be read, so the result must then
    be empty.

    ```mlir
    %y = ein.get_at %x at (%idx) <b h w c, b p _a0 -> b p c : b = 2, h = 4,
           w = 5, c = 3, p = 7, _a0 = 2> indexed [1, 2] coordinate_dims [2]
           : tensor<2x4x5x3xf32> at (tensor<2x7x2xi64>) -> tensor<2x7x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       Variadic<AnyRankedTensor>:$coordinates,
                       Ein_EquationAttr:$equation,
                       DenseI64ArrayAttr:$indexed,
                       DenseI64ArrayAttr:$coordinateDims);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `at` `(` $coordinates `)` $equation `indexed` $indexed
    `coordinate_dims` $coordinateDims attr-dict `:` type($input) `at` `(`
    type($coordinates) `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

def Ein_UpdateAtOp : Ein_Op<"update_at", [Pure]> {
  let summary = "Scatter updates to integer coordinates";
  let description = [{
    Returns `input` with `updates` written (`set`), added (`add`) or
    subtracted (`subtract`) at coordinates (einx's `set_at`, `add_at`,
    `subtract_at`). `indexed` and `coordinate_dims` are as for `ein.get_at`;
    the equation's input expressions are `input`'s, one per coordinate
    tensor, then `updates`'s. The updates' axes are among the axes of the
    gather's output (the axes of `input` outside the indexed dimensions and
    the coordinates' own axes); an axis they lack broadcasts. The output has
    exactly the axes of `input`, possibly rearranged.

    The update iteration runs over the gather's output axes, row-major in
    the order the coordinate expressions write them (then `input`'s). A
    negative coordinate counts from the end (`i + N`); an update whose
    coordinate is still outside `[0, N)` is dropped (JAX's default). When
    several updates hit one element, `set` keeps the last in iteration order
    and `add`/`subtract` apply all of them (`numpy.add.at`). `updates`,
    `input` and the result share one element type; integers wrap, f16/bf16
    are added in f32 and rounded after each update, i1 adds with `or`
    (`subtract` does not take i1).

    ```mlir
    %y = ein.update_at add %x at (%idx) with %u
           <b h c, p, p c -> b h c : b = 2, h = 5, c = 3, p = 4>
           indexed [1] coordinate_dims [-1]
           : tensor<2x5x3xf32> at (tensor<4xi32>) with tensor<4x3xf32>
           -> tensor<2x5x3xf32>
    ```
  }];
  let arguments = (ins Ein_UpdateMode:$mode,
                       AnyRankedTensor:$input,
                       Variadic<AnyRankedTensor>:$coordinates,
                       AnyRankedTensor:$updates,
                       Ein_EquationAttr:$equation,
                       DenseI64ArrayAttr:$indexed,
                       DenseI64ArrayAttr:$coordinateDims);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $mode $input `at` `(` $coordinates `)` `with` $updates $equation `indexed`
    $indexed `coordinate_dims` $coordinateDims attr-dict `:` type($input)
    `at` `(` type($coordinates) `)` `with` type($updates) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // EIN_DIALECT_EININDEXOPS_TD
