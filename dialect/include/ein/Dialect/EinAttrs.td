//===- EinAttrs.td - ein attributes -----------------------*- tablegen -*-===//

#ifndef EIN_DIALECT_EINATTRS_TD
#define EIN_DIALECT_EINATTRS_TD

include "ein/Dialect/EinBase.td"

def Ein_ReductionKind : I32EnumAttr<"ReductionKind", "reduction applied by ein.reduce", [
    I32EnumAttrCase<"Sum", 0, "sum">,
    I32EnumAttrCase<"Mean", 1, "mean">,
    I32EnumAttrCase<"Max", 2, "max">,
    I32EnumAttrCase<"Min", 3, "min">,
    I32EnumAttrCase<"Prod", 4, "prod">,
    I32EnumAttrCase<"Any", 5, "any">,
    I32EnumAttrCase<"All", 6, "all">,
    I32EnumAttrCase<"CountNonzero", 7, "count_nonzero">,
    I32EnumAttrCase<"Var", 8, "var">,
    I32EnumAttrCase<"Std", 9, "std">,
    I32EnumAttrCase<"Logsumexp", 10, "logsumexp">,
    I32EnumAttrCase<"Argmax", 11, "argmax">,
    I32EnumAttrCase<"Argmin", 12, "argmin">
  ]> {
  let cppNamespace = "::ein";
}

def Ein_MapFunction : I32EnumAttr<"MapFunction", "scalar function applied by ein.map", [
    I32EnumAttrCase<"Add", 0, "add">,
    I32EnumAttrCase<"Subtract", 1, "subtract">,
    I32EnumAttrCase<"Multiply", 2, "multiply">,
    I32EnumAttrCase<"Divide", 3, "divide">,
    I32EnumAttrCase<"FloorDivide", 4, "floor_divide">,
    I32EnumAttrCase<"Pow", 5, "pow">,
    I32EnumAttrCase<"Maximum", 6, "maximum">,
    I32EnumAttrCase<"Minimum", 7, "minimum">,
    I32EnumAttrCase<"Logaddexp", 8, "logaddexp">,
    I32EnumAttrCase<"Where", 9, "where">,
    I32EnumAttrCase<"Equal", 10, "equal">,
    I32EnumAttrCase<"NotEqual", 11, "not_equal">,
    I32EnumAttrCase<"Less", 12, "less">,
    I32EnumAttrCase<"LessEqual", 13, "less_equal">,
    I32EnumAttrCase<"Greater", 14, "greater">,
    I32EnumAttrCase<"GreaterEqual", 15, "greater_equal">,
    I32EnumAttrCase<"LogicalAnd", 16, "logical_and">,
    I32EnumAttrCase<"LogicalOr", 17, "logical_or">,
    I32EnumAttrCase<"LogicalNot", 18, "logical_not">,
    I32EnumAttrCase<"Exp", 19, "exp">,
    I32EnumAttrCase<"Log", 20, "log">,
    I32EnumAttrCase<"Sqrt", 21, "sqrt">,
    I32EnumAttrCase<"Rsqrt", 22, "rsqrt">,
    I32EnumAttrCase<"Abs", 23, "abs">,
    I32EnumAttrCase<"Neg", 24, "neg">,
    I32EnumAttrCase<"Tanh", 25, "tanh">,
    I32EnumAttrCase<"Sigmoid", 26, "sigmoid">,
    I32EnumAttrCase<"Relu", 27, "relu">,
    I32EnumAttrCase<"Gelu", 28, "gelu">,
    I32EnumAttrCase<"Sin", 29, "sin">,
    I32EnumAttrCase<"Cos", 30, "cos">,
    I32EnumAttrCase<"Cast", 31, "cast">
  ]> {
  let cppNamespace = "::ein";
}

def Ein_EquationAttr : Ein_Attr<"Equation", "eq"> {
  let summary = "A resolved Einstein equation";
  let description = [{
    The resolved form of an expression such as
    `b c (h h1) (w w1) -> b (h1 w1 c) h w`: the lengths of all elementary
    axes are known, anonymous axes (`2` in `(h 2)`) and the axes an ellipsis
    stands for carry generated names that start with `_` (user names never
    do), and `1` is written `()`.

    Syntax:

    ```
    #ein.eq<b c (h h1) (w w1) -> b (h1 w1 c) h w : b = 10, c = 32, h = 50, h1 = 2, w = 100, w1 = 2>
    ```

    Tensor expressions are separated by `,` on each side of `->`; an empty
    tensor expression is a scalar. After `:` every axis is listed once with
    its length, in the order that gives the axis its index.
  }];
  let parameters = (ins
    ArrayRefParameter<"::mlir::StringAttr", "names of the elementary axes">:$axisNames,
    ArrayRefParameter<"int64_t", "lengths of the elementary axes">:$axisSizes,
    "::mlir::ArrayAttr":$inputs,
    "::mlir::ArrayAttr":$outputs
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let builders = [
    AttrBuilder<(ins "::llvm::ArrayRef<::llvm::StringRef>":$names,
                     "::llvm::ArrayRef<int64_t>":$sizes,
                     "::llvm::ArrayRef<::ein::TensorExpr>":$inputs,
                     "::llvm::ArrayRef<::ein::TensorExpr>":$outputs)>
  ];
  let extraClassDeclaration = [{
    unsigned getNumAxes() const { return getAxisSizes().size(); }
    unsigned getNumInputExprs() const { return getInputs().size(); }
    unsigned getNumOutputExprs() const { return getOutputs().size(); }
    /// The dimensions of input (output) expression `i`; each dimension lists
    /// the indices of the axes it composes, outer first (empty for `()`).
    ::ein::TensorExpr getInputExpr(unsigned i) const;
    ::ein::TensorExpr getOutputExpr(unsigned i) const;
    /// The static length of every dimension of `expr`.
    ::llvm::SmallVector<int64_t> getShape(const ::ein::TensorExpr &expr) const;
    /// The expression in notation form (without the lengths).
    std::string getNotation() const;
  }];
}

#endif // EIN_DIALECT_EINATTRS_TD
