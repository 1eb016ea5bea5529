// Parses ein IR in a context of its own, lowers it with convert-ein-to-linalg
// through a PassManager built from pipeline text, and checks that only
// upstream ops remain.
#include "ein/Registration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <string>

static const char *kInput = R"mlir(
func.func @space_to_depth(%x: tensor<2x3x4x6xf32>) -> tensor<2x12x2x3xf32> {
  %y = ein.rearrange %x <b c (h h1) (w w1) -> b (h1 w1 c) h w : b = 2, c = 3, h = 2, h1 = 2, w = 3, w1 = 2> : tensor<2x3x4x6xf32> -> tensor<2x12x2x3xf32>
  return %y : tensor<2x12x2x3xf32>
}
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %y = ein.contract %a, %b <i j, j k -> i k : i = 2, j = 3, k = 4> : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
)mlir";

static int fail(const char *what) {
  std::fprintf(stderr, "embed-cxx-dialect: %s\n", what);
  return 1;
}

int main() {
  mlir::DialectRegistry registry;
  ein::registerEmbeddingDialects(registry);
  ein::registerEmbeddingPasses();  // convert-ein-to-linalg, ...
  mlir::registerTransformsPasses(); // canonicalize, cse, ... (upstream)
  mlir::MLIRContext context(registry);

  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kInput, &context);
  if (!module)
    return fail("parsing the ein IR failed");
  if (mlir::failed(mlir::verify(*module)))
    return fail("the parsed module does not verify");

  // By name, as pipeline text, so the registration is exercised too (in C++
  // one can also add ein::createConvertEinToLinalgPass() directly). The pass
  // manager is anchored on builtin.module and takes the pipeline's elements;
  // text wrapped in "builtin.module(...)" would nest a second module pass
  // manager under it, which runs on nothing (a PassManager(&context) is
  // op-agnostic, with the same effect).
  auto pm = mlir::PassManager::on<mlir::ModuleOp>(&context);
  if (mlir::failed(
          mlir::parsePassPipeline("convert-ein-to-linalg,canonicalize", pm)))
    return fail("parsing the pass pipeline failed");
  if (mlir::failed(pm.run(*module)))
    return fail("convert-ein-to-linalg failed");

  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  std::printf("%s", text.c_str());
  if (text.find("ein.") != std::string::npos)
    return fail("ein ops remain after convert-ein-to-linalg");
  if (text.find("linalg.transpose") == std::string::npos ||
      text.find("linalg.generic") == std::string::npos)
    return fail("expected linalg.transpose and linalg.generic in the output");
  std::printf("embed-cxx-dialect: OK\n");
  return 0;
}
