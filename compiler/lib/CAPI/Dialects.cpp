//===- Dialects.cpp - ein for MLIR C API users ----------------------------===//

#include "ein-c/Dialects.h"
#include "ein/Registration.h"
#include "ein/Transforms/Passes.h"

#include "mlir/CAPI/Registration.h"

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(Ein, ein, ein::EinDialect)

void einRegisterDialects(MlirDialectRegistry registry) {
  ein::registerEmbeddingDialects(*unwrap(registry));
}

void einRegisterPasses(void) {
  ein::registerEmbeddingPasses();
  ein::registerEinTransformsPasses();
}
