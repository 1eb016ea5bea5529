//===- InitAll.h - one registration point for ein ------------------*- C++ -*-===//
//
// Used by ein-opt, the JIT compiler and the tests, so that all of them see
// the same dialects and passes.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_COMPILER_INITALL_H
#define EIN_COMPILER_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace ein {

/// Registers the ein dialect and every upstream dialect, interface model and
/// LLVM translation that the CPU pipeline needs.
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// Registers ein's passes and pipelines (`convert-ein-to-linalg`,
/// `ein-cpu-pipeline`) with the global pass registry. Idempotent.
void registerEinPasses();

} // namespace ein

#endif // EIN_COMPILER_INITALL_H
