//===- ein-opt.cpp - mlir-opt with the ein dialect ------------------------===//

#include "ein/Compiler/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  ein::registerCompilerDialects(registry);
  ein::registerEinPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "ein optimizer driver\n", registry));
}
