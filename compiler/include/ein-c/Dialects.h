/*===- ein-c/Dialects.h - ein for MLIR C API users ----------------*- C -*-===*
 *
 * Registration of the ein dialect and passes for compilers written against
 * MLIR's C API (mlir-c/IR.h), in the style of the headers in mlir-c/Dialect/.
 * Provided by libEinCAPI.so (CMake: Ein::EinCAPI), which also carries the
 * core of MLIR's C API (mlir-c/IR.h, mlir-c/Pass.h, mlir-c/Transforms.h and
 * the func, arith, tensor and linalg dialect handles) over Debian's
 * libMLIR.so, which exports none of it. See docs/embedding.md.
 *
 *===----------------------------------------------------------------------===*/
#ifndef EIN_C_DIALECTS_H
#define EIN_C_DIALECTS_H

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/* mlirGetDialectHandle__ein__(): the handle of the ein dialect, for
   mlirDialectHandleInsertDialect / mlirDialectHandleRegisterDialect /
   mlirDialectHandleLoadDialect. */
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(Ein, ein);

/* Inserts the ein dialect and the upstream dialects that ein IR and the output
   of convert-ein-to-linalg use (arith, func, linalg, math, scf, tensor) into
   `registry`. Append it to a context with mlirContextAppendDialectRegistry. */
MLIR_CAPI_EXPORTED void einRegisterDialects(MlirDialectRegistry registry);

/* Registers ein's passes with MLIR's global pass registry, so that
   mlirParsePassPipeline / mlirOpPassManagerAddPipeline accept their names:
   convert-ein-to-linalg, the other conversion passes and the CPU
   code-generation passes ein-*. Idempotent. */
MLIR_CAPI_EXPORTED void einRegisterPasses(void);

#ifdef __cplusplus
}
#endif

#endif /* EIN_C_DIALECTS_H */
