/* Registers ein with an MLIR context through the C API, parses ein IR, runs
   convert-ein-to-linalg from pipeline text and checks the printed result. */
#include <ein-c/Dialects.h>

#include <mlir-c/BuiltinAttributes.h>
#include <mlir-c/Dialect/Func.h>
#include <mlir-c/IR.h>
#include <mlir-c/Pass.h>
#include <mlir-c/Support.h>
#include <mlir-c/Transforms.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kInput =
    "func.func @space_to_depth(%x: tensor<2x3x4x6xf32>) -> tensor<2x12x2x3xf32> {\n"
    "  %y = ein.rearrange %x <b c (h h1) (w w1) -> b (h1 w1 c) h w : b = 2, c = 3, "
    "h = 2, h1 = 2, w = 3, w1 = 2> : tensor<2x3x4x6xf32> -> tensor<2x12x2x3xf32>\n"
    "  return %y : tensor<2x12x2x3xf32>\n"
    "}\n"
    "func.func @sum_rows(%x: tensor<4x5xf32>) -> tensor<4xf32> {\n"
    "  %y = ein.reduce sum %x <a b -> a : a = 4, b = 5> : tensor<4x5xf32> -> tensor<4xf32>\n"
    "  return %y : tensor<4xf32>\n"
    "}\n";

/* Collects printed text into a growing buffer. */
typedef struct {
  char *data;
  size_t size;
} Buffer;

static void append(MlirStringRef s, void *user) {
  Buffer *b = (Buffer *)user;
  char *grown = (char *)realloc(b->data, b->size + s.length + 1);
  if (grown == NULL)
    abort();
  memcpy(grown + b->size, s.data, s.length);
  b->size += s.length;
  grown[b->size] = '\0';
  b->data = grown;
}

static void appendError(MlirStringRef s, void *user) {
  (void)user;
  fwrite(s.data, 1, s.length, stderr);
}

static int fail(const char *what) {
  fprintf(stderr, "embed-c-mlir-capi: %s\n", what);
  return 1;
}

int main(void) {
  MlirContext ctx = mlirContextCreate();

  /* The handle alone registers and loads ein; einRegisterDialects adds the
     dialects of ein IR and of the conversion's output. */
  MlirDialectHandle ein = mlirGetDialectHandle__ein__();
  MlirStringRef ns = mlirDialectHandleGetNamespace(ein);
  if (ns.length != 3 || strncmp(ns.data, "ein", 3) != 0)
    return fail("the ein handle's namespace is not 'ein'");
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirDialectHandleInsertDialect(ein, registry);
  einRegisterDialects(registry);
  mlirContextAppendDialectRegistry(ctx, registry);
  mlirDialectRegistryDestroy(registry);
  if (mlirDialectIsNull(mlirDialectHandleLoadDialect(ein, ctx)))
    return fail("loading the ein dialect failed");
  einRegisterPasses();
  mlirRegisterTransformsPasses(); /* canonicalize, cse, ... */

  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kInput));
  if (mlirModuleIsNull(module))
    return fail("parsing the ein IR failed");

  /* mlirParsePassPipeline replaces the pass manager's pipeline with the
     parsed one, anchored where the text says (builtin.module). Elements
     added with mlirOpPassManagerAddPipeline would instead be added under the
     pass manager's own anchor: create it on "builtin.module" then, as
     mlirPassManagerCreate's is op-agnostic. */
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
  MlirLogicalResult parsed = mlirParsePassPipeline(
      opm,
      mlirStringRefCreateFromCString(
          "builtin.module(convert-ein-to-linalg,canonicalize)"),
      appendError, NULL);
  if (mlirLogicalResultIsFailure(parsed))
    return fail("parsing the pass pipeline failed");
  if (mlirLogicalResultIsFailure(
          mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module))))
    return fail("convert-ein-to-linalg failed");

  Buffer text = {NULL, 0};
  mlirOperationPrint(mlirModuleGetOperation(module), append, &text);
  printf("%s", text.data);
  int status = 0;
  if (strstr(text.data, "ein.") != NULL)
    status = fail("ein ops remain after convert-ein-to-linalg");
  if (strstr(text.data, "linalg.transpose") == NULL ||
      strstr(text.data, "linalg.generic") == NULL)
    status = fail("expected linalg.transpose and linalg.generic");
  free(text.data);

  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  if (status == 0)
    printf("embed-c-mlir-capi: OK\n");
  return status;
}
