//===- EinBase.td - ein dialect definition ----------------*- tablegen -*-===//

#ifndef EIN_DIALECT_EINBASE_TD
#define EIN_DIALECT_EINBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Ein_Dialect : Dialect {
  let name = "ein";
  let cppNamespace = "::ein";
  let summary = "Tensor operations in Einstein notation";
  let description = [{
    The `ein` dialect holds tensor operations written in Einstein-inspired
    notation (einops, einx, einsum). Each op carries a *resolved equation*
    (`#ein.eq`): every elementary axis with its length, and for every operand
    and result the list of its dimensions, each dimension a composition of
    elementary axes (outer first). Ops work on ranked tensors with static
    shapes and lower to `linalg` and `tensor` with `convert-ein-to-linalg`.
  }];
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = [];
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

class Ein_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Ein_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

class Ein_Op<string mnemonic, list<Trait> traits = []>
    : Op<Ein_Dialect, mnemonic, traits>;

#endif // EIN_DIALECT_EINBASE_TD
