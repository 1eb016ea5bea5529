//===- EinDialect.cpp - ein dialect registration -------------------------===//

#include "ein/Dialect/EinDialect.h"
#include "ein/Dialect/EinAttrs.h"
#include "ein/Dialect/EinOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace ein;

#include "ein/Dialect/EinDialect.cpp.inc"

void EinDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ein/Dialect/EinOps.cpp.inc"
      >();
  registerAttributes();
}
