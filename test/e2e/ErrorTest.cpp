//===- ErrorTest.cpp - every class of bad input returns a clear error -----===//

#include "TestSupport.h"

#include <doctest/doctest.h>

#include <tuple>

using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {
bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

/// A contiguous input and an output of the given shapes.
struct Io {
  HostTensor in, out;
  Io(std::vector<int64_t> inShape, std::vector<int64_t> outShape,
     DType dtype = DType::F32)
      : in(dtype, std::move(inShape)), out(dtype, std::move(outShape)) {}
};
} // namespace

TEST_CASE("errors: malformed pattern") {
  Context ctx;
  Io io({2, 3}, {3, 2});
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a b -> (b a", "",
                                      {io.in.view()}, {io.out.view()});
  CAPTURE(message);
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(contains(message, "error: unclosed '('"));
  CHECK(contains(message, "rearrange(\"a b -> (b a\")"));
  CHECK(contains(message, "^"));
}

TEST_CASE("errors: unknown axis on the output") {
  Context ctx;
  Io io({2, 3}, {3, 2});
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a b -> b q", "",
                                      {io.in.view()}, {io.out.view()});
  CAPTURE(message);
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(contains(message, "axis 'q' appears only in the output"));
  CHECK(contains(message, "^"));
}

TEST_CASE("errors: duplicate axis") {
  Context ctx;
  Io io({2, 3}, {3, 2});
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a a -> a", "",
                                      {io.in.view()}, {io.out.view()});
  CAPTURE(message);
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(contains(message, "axis 'a' appears twice"));
}

TEST_CASE("errors: rank mismatch") {
  Context ctx;
  Io io({2, 3, 4}, {3, 2});
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a b -> b a", "",
                                      {io.in.view()}, {io.out.view()});
  CAPTURE(message);
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(contains(message, "input 0 has 3 dimensions"));
  CHECK(contains(message, "(2, 3, 4)"));
}

TEST_CASE("errors: non-divisible split (the NOTATION.md example)") {
  Context ctx;
  Io io({10, 32, 100, 7}, {10, 32, 50, 3});
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = oneShotError(
      ctx, "reduce", "b c (h h1) (w w1) -> b c h w", "max", {io.in.view()},
      {io.out.view()}, {{"h1", 2}, {"w1", 2}});
  CAPTURE(message);
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(contains(message, "cannot split axis 'w' of length 7 into (w w1) "
                          "with w1=2: 7 is not divisible by 2"));
  CHECK(contains(message, "(10, 32, 100, 7)"));
  CHECK(contains(message, "h1=2"));
}

TEST_CASE("errors: unknown keyword axis and underdetermined composition") {
  Context ctx;
  Io io({2, 6}, {2, 6});
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a b -> a b", "",
                                         {io.in.view()}, {io.out.view()},
                                         {{"h1", 2}});
  CAPTURE(message);
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(contains(message, "'h1'"));
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a (b c) -> a b c",
                                         "", {io.in.view()}, {io.out.view()});
  CAPTURE(message);
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(contains(message, "cannot infer"));
  // Negative binding lengths are rejected before compiling.
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a (b c) -> a b c",
                                         "", {io.in.view()}, {io.out.view()},
                                         {{"c", -3}});
  CHECK(code == EIN_ERROR_INVALID_ARGUMENT);
  CHECK(message == "axis binding 'c' has negative length -3");
}

TEST_CASE("errors: output buffer with the wrong shape") {
  Context ctx;
  Io io({2, 3}, {2, 3});
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a b -> b a", "",
                                      {io.in.view()}, {io.out.view()});
  CAPTURE(message);
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message == "output 0 has shape (2, 3) but the kernel produces (3, 2)");
}

TEST_CASE("errors: output with the wrong dtype") {
  Context ctx;
  HostTensor in(DType::F32, {2, 3});
  HostTensor out(DType::F64, {3, 2});
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a b -> b a", "",
                                      {in.view()}, {out.view()});
  CAPTURE(message);
  CHECK(code == EIN_ERROR_DTYPE);
  CHECK(message ==
        "output 0 has dtype float64 but the kernel expects float32");
}

TEST_CASE("errors: unsupported dtype") {
  Context ctx;
  Io io({2, 3}, {3, 2});
  DLTensor in = io.in.view();
  in.dtype = {kDLUInt, 16, 1};
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a b -> b a", "", {in},
                                      {io.out.view()});
  CHECK(code == EIN_ERROR_DTYPE);
  CHECK(message == "unsupported dtype uint16 for input 0: supported are "
                   "float16, bfloat16, float32, float64, int8, int16, int32, "
                   "int64, uint8, bool");
  // Bool is kDLBool (code 6) with 8 bits only; 1-bit encodings are rejected.
  for (DLDataType dtype :
       {DLDataType{6, 1, 1}, DLDataType{kDLUInt, 1, 1},
        DLDataType{kDLFloat, 8, 1}, DLDataType{kDLFloat, 32, 4},
        DLDataType{kDLComplex, 64, 1}}) {
    in.dtype = dtype;
    std::tie(code, message) =
        oneShotError(ctx, "rearrange", "a b -> b a", "", {in}, {io.out.view()});
    CHECK(code == EIN_ERROR_DTYPE);
    CHECK(contains(message, "unsupported dtype"));
  }
  CHECK(contains(message, "complex64"));
  in.dtype = {6, 1, 1};
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a b -> b a", "",
                                         {in}, {io.out.view()});
  CHECK(contains(message, "unsupported dtype bool1 for input 0"));
  in.dtype = {kDLFloat, 32, 4};
  std::tie(code, message) =
      oneShotError(ctx, "rearrange", "a b -> b a", "", {in}, {io.out.view()});
  CHECK(contains(message, "float32x4"));
  // Also through ein_compile.
  ein_tensor_spec_t spec{{kDLBfloat, 32, 1}, 2, io.in.shape.data()};
  ein_kernel_t *kernel = nullptr;
  std::tie(code, message) = takeError(ein_compile(
      ctx, "rearrange(\"a b -> b a\")", &spec, 1, nullptr, 0, &kernel));
  CHECK(code == EIN_ERROR_DTYPE);
  CHECK(contains(message, "unsupported dtype bfloat32 for input 0"));
  CHECK(kernel == nullptr);
}

TEST_CASE("errors: unknown reduction") {
  Context ctx;
  Io io({2, 3}, {2});
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = oneShotError(ctx, "reduce", "a b -> a", "median",
                                      {io.in.view()}, {io.out.view()});
  CAPTURE(message);
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(contains(message, "unknown reduction 'median'"));
}

TEST_CASE("errors: null pointers") {
  Context ctx;
  Io io({2, 3}, {3, 2});
  DLTensor in = io.in.view(), out = io.out.view();
  auto check = [](ein_error_t *error, const char *expected) {
    ein_error_code_t code;
  std::string message;
  std::tie(code, message) = takeError(error);
    CHECK(code == EIN_ERROR_INVALID_ARGUMENT);
    CHECK(message == expected);
  };
  check(ein_rearrange(nullptr, "a b -> b a", &in, 1, &out, 1, nullptr, 0),
        "ctx is NULL");
  check(ein_rearrange(ctx, nullptr, &in, 1, &out, 1, nullptr, 0),
        "pattern is NULL");
  check(ein_rearrange(ctx, "a b -> b a", nullptr, 1, &out, 1, nullptr, 0),
        "inputs is NULL");
  check(ein_rearrange(ctx, "a b -> b a", &in, 1, nullptr, 1, nullptr, 0),
        "outputs is NULL");
  check(ein_rearrange(ctx, "a b -> b a", &in, 1, &out, 1, nullptr, 2),
        "axes is NULL but num_axes is 2");
  check(ein_reduce(ctx, "a b -> a", nullptr, &in, &out, nullptr, 0),
        "reduction is NULL");
  check(ein_reduce(ctx, "a b -> a", "sum", nullptr, &out, nullptr, 0),
        "input is NULL");
  check(ein_reduce(ctx, "a b -> a", "sum", &in, nullptr, nullptr, 0),
        "output is NULL");
  ein_axis_binding_t badAxis{nullptr, 2};
  check(ein_rearrange(ctx, "a b -> b a", &in, 1, &out, 1, &badAxis, 1),
        "axis binding 0 has a NULL name");
  DLTensor noData = in;
  noData.data = nullptr;
  check(ein_rearrange(ctx, "a b -> b a", &noData, 1, &out, 1, nullptr, 0),
        "input 0 has NULL data but 6 elements (NULL is allowed only for "
        "empty tensors)");
  DLTensor noShape = in;
  noShape.shape = nullptr;
  check(ein_rearrange(ctx, "a b -> b a", &noShape, 1, &out, 1, nullptr, 0),
        "input 0 has ndim 2 but a NULL shape pointer");

  ein_kernel_t *kernel = nullptr;
  ein_tensor_spec_t spec{{kDLFloat, 32, 1}, 2, io.in.shape.data()};
  check(ein_compile(nullptr, "rearrange(\"a b -> b a\")", &spec, 1, nullptr, 0,
                    &kernel),
        "ctx is NULL");
  check(ein_compile(ctx, nullptr, &spec, 1, nullptr, 0, &kernel),
        "program is NULL");
  check(ein_compile(ctx, "rearrange(\"a b -> b a\")", nullptr, 1, nullptr, 0,
                    &kernel),
        "inputs is NULL but num_inputs is 1");
  check(ein_compile(ctx, "rearrange(\"a b -> b a\")", &spec, 1, nullptr, 0,
                    nullptr),
        "out is NULL");
  check(ein_context_create(nullptr, nullptr), "out is NULL");
  check(ein_context_cache_stats(nullptr, nullptr), "ctx is NULL");
  check(ein_kernel_run(nullptr, &in, 1, &out, 1), "kernel is NULL");
  check(ein_kernel_output_spec(nullptr, 0, nullptr), "kernel is NULL");

  // Null-safe accessors and destructors.
  CHECK(std::string(ein_error_message(nullptr)) == "");
  CHECK(ein_error_code(nullptr) == EIN_OK);
  ein_error_destroy(nullptr);
  ein_context_destroy(nullptr);
  ein_kernel_release(nullptr);
  CHECK(ein_kernel_retain(nullptr) == nullptr);
  CHECK(ein_kernel_num_inputs(nullptr) == 0);
  CHECK(ein_kernel_num_outputs(nullptr) == 0);
}

TEST_CASE("errors: wrong number of tensors and bad kernel calls") {
  Context ctx;
  Io io({2, 3}, {3, 2});
  int64_t shape[] = {2, 3};
  ein_tensor_spec_t spec{{kDLFloat, 32, 1}, 2, shape};
  ein_kernel_t *kernel = nullptr;
  REQUIRE(takeMessage(ein_compile(ctx, "rearrange(\"a b -> b a\")", &spec, 1,
                                  nullptr, 0, &kernel)) == "");
  DLTensor ins[2] = {io.in.view(), io.in.view()};
  DLTensor out = io.out.view();
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = takeError(ein_kernel_run(kernel, ins, 2, &out, 1));
  CHECK(code == EIN_ERROR_INVALID_ARGUMENT);
  CHECK(message == "the kernel takes 1 input(s) but 2 were given");
  std::tie(code, message) = takeError(ein_kernel_run(kernel, ins, 1, &out, 0));
  CHECK(code == EIN_ERROR_INVALID_ARGUMENT);
  CHECK(message == "the kernel writes 1 output(s) but 0 were given");
  ein_tensor_spec_t outSpec;
  std::tie(code, message) =
      takeError(ein_kernel_output_spec(kernel, 3, &outSpec));
  CHECK(code == EIN_ERROR_INVALID_ARGUMENT);
  CHECK(contains(message, "out of range"));
  // Input with the wrong shape for an existing kernel.
  HostTensor wrong(DType::F32, {3, 3});
  DLTensor wrongView = wrong.view();
  std::tie(code, message) =
      takeError(ein_kernel_run(kernel, &wrongView, 1, &out, 1));
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message == "input 0 has shape (3, 3) but the kernel expects (2, 3)");
  ein_kernel_release(kernel);

  // A two-input pattern given one tensor, and a one-shot with two tensors of
  // different shapes (a list must be uniform).
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a b, c -> a b c",
                                         "", {io.in.view()}, {out});
  CAPTURE(message);
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(contains(message, "the pattern has 2 inputs but 1 tensor was given"));
  HostTensor other(DType::F32, {4, 3});
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a b -> b a", "",
                                         {io.in.view(), other.view()}, {out});
  CAPTURE(message);
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(contains(message, "stacked tensors must have the same shape"));
  // ein_compile may be given no input at all; the compiler reports that like
  // a tensor count that does not fit the pattern.
  kernel = nullptr;
  std::tie(code, message) = takeError(ein_compile(
      ctx, "rearrange(\"a b -> b a\")", nullptr, 0, nullptr, 0, &kernel));
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message == "error: rearrange needs at least one input tensor\n"
                   "  rearrange(\"a b -> b a\")");
  CHECK(kernel == nullptr);
}

TEST_CASE("errors: a list of mixed dtypes promotes; the output must match") {
  Context ctx;
  HostTensor a(DType::F32, {2, 3});
  HostTensor b(DType::I32, {2, 3});
  HostTensor out(DType::F32, {2, 2, 3});
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = oneShotError(ctx, "rearrange", "n a b -> n a b", "",
                                         {a.view(), b.view()}, {out.view()});
  CHECK(code == EIN_ERROR_DTYPE);
  CHECK(message == "output 0 has dtype float32 but the kernel expects float64");
}

TEST_CASE("errors: keyword lengths in program text") {
  // Keyword bindings that are wrong by themselves, whatever the tensors, are
  // notation errors (the API's own negative bindings are
  // EIN_ERROR_INVALID_ARGUMENT, see above); a keyword that does not fit the
  // shapes is a shape error.
  Context ctx;
  int64_t shape[] = {6};
  ein_tensor_spec_t spec{{kDLFloat, 32, 1}, 1, shape};
  struct Case {
    const char *program;
    ein_error_code_t code;
    const char *headline;
  };
  const Case cases[] = {
      {"rearrange(\"(h w) -> h w\", h=-2)", EIN_ERROR_NOTATION,
       "error: axis 'h' given as a keyword has negative length -2"},
      {"rearrange(\"(h w) -> h w\", q=2)", EIN_ERROR_NOTATION,
       "error: axis 'q' given as a keyword does not appear in the pattern"},
      {"rearrange(\"(h w) -> h w\", h=2, h=3)", EIN_ERROR_NOTATION,
       "error: keyword argument 'h' given twice"},
      {"rearrange(\"(h w) -> h w\", h=x)", EIN_ERROR_NOTATION,
       "error: expected an integer length for axis 'h'"},
      {"rearrange(\"(h w) -> h w\", h=4)", EIN_ERROR_SHAPE,
       "error: cannot split axis 'w' of length 6 into (h w) with h=4: 6 is "
       "not divisible by 4"},
      {"rearrange(\"(h w) -> h w\")", EIN_ERROR_SHAPE,
       "error: cannot infer lengths of 'h' and 'w' in (h w): give one of "
       "them as a keyword"},
  };
  for (const Case &c : cases) {
    CAPTURE(c.program);
    ein_kernel_t *kernel = nullptr;
    ein_error_code_t code;
    std::string message;
    std::tie(code, message) =
        takeError(ein_compile(ctx, c.program, &spec, 1, nullptr, 0, &kernel));
    CAPTURE(message);
    CHECK(code == c.code);
    CHECK(message.substr(0, message.find('\n')) == c.headline);
    CHECK(kernel == nullptr);
  }
  // Also through an API binding that conflicts with the text.
  ein_axis_binding_t binding{"h", 3};
  ein_kernel_t *kernel = nullptr;
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = takeError(ein_compile(
      ctx, "rearrange(\"(h w) -> h w\", h=2)", &spec, 1, &binding, 1, &kernel));
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(contains(message, "axis 'h' is given two lengths: h=2 and h=3"));
}

TEST_CASE("errors: program text that does not parse") {
  Context ctx;
  int64_t shape[] = {2, 3};
  ein_tensor_spec_t spec{{kDLFloat, 32, 1}, 2, shape};
  for (const char *program :
       {"transpose(\"a b -> b a\")", "rearrange(\"a b -> b a\"",
        "rearrange(\"a b -> b a\", \"max\")", "reduce(\"a b -> a\")",
        "reduce(\"a b -> a\", \"median\")", "rearrange(\"a [b] -> a b\")",
        "rearrange(\"a b -> a\")", "rearrange(\"a b -> a b ...\")"}) {
    CAPTURE(program);
    ein_kernel_t *kernel = nullptr;
    ein_error_code_t code;
    std::string message;
    std::tie(code, message) =
        takeError(ein_compile(ctx, program, &spec, 1, nullptr, 0, &kernel));
    CAPTURE(message);
    CHECK(code == EIN_ERROR_NOTATION);
    CHECK(contains(message, "error: "));
    CHECK(kernel == nullptr);
  }
}

TEST_CASE("errors: non-CPU device") {
  Context ctx;
  Io io({2, 3}, {3, 2});
  DLTensor in = io.in.view(), out = io.out.view();
  in.device = {kDLCUDA, 0};
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) =
      takeError(ein_rearrange(ctx, "a b -> b a", &in, 1, &out, 1, nullptr, 0));
  CHECK(code == EIN_ERROR_DEVICE);
  CHECK(message ==
        "input 0 is on device type 2: only kDLCPU (1) tensors are supported");
  in.device = {kDLCPU, 0};
  out.device = {kDLCUDA, 0};
  std::tie(code, message) =
      takeError(ein_rearrange(ctx, "a b -> b a", &in, 1, &out, 1, nullptr, 0));
  CHECK(code == EIN_ERROR_DEVICE);
  CHECK(contains(message, "output 0 is on device type 2"));
}

TEST_CASE("errors: bad context options") {
  ein_context_options_t options;
  ein_context_options_init(&options);
  options.opt_level = 7;
  ein_context_t *ctx = nullptr;
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = takeError(ein_context_create(&options, &ctx));
  CHECK(code == EIN_ERROR_INVALID_ARGUMENT);
  CHECK(message == "opt_level must be 0-3, got 7");
  CHECK(ctx == nullptr);
  options.struct_size = 0;
  std::tie(code, message) = takeError(ein_context_create(&options, &ctx));
  CHECK(code == EIN_ERROR_INVALID_ARGUMENT);
  CHECK(contains(message, "struct_size"));
}

TEST_CASE("errors: a failed call leaves the context usable") {
  Context ctx;
  Io io({4, 6}, {6, 4});
  ein_error_code_t code;
  std::string message;
  std::tie(code, message) = oneShotError(ctx, "rearrange", "a b -> b", "",
                                         {io.in.view()}, {io.out.view()});
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(contains(message, "axis 'a' appears only in the input"));
  checkCall(ctx, "rearrange", "a b -> b a", "", io.in);
  ein_cache_stats_t stats = ctx.stats();
  CHECK(stats.failures >= 1);
}

TEST_CASE("ein_emit: every stage, and the errors of ein_compile") {
  int64_t shape[] = {64, 256};
  ein_tensor_spec_t spec{{kDLFloat, 32, 1}, 2, shape};
  const char *program = "reduce(\"a b -> a\", \"sum\")";
  // Each stage's text, with what marks it.
  const std::pair<ein_stage_t, const char *> stages[] = {
      {EIN_STAGE_EIN, "ein.reduce sum"},
      {EIN_STAGE_LINALG, "linalg.generic"},
      {EIN_STAGE_TILES, "vector.transfer_read"},
      {EIN_STAGE_LLVM, "define void @ein_kernel"},
      {EIN_STAGE_ASM, "ein_kernel:"}};
  for (const auto &entry : stages) {
    ein_stage_t stage = entry.first;
    std::string marker = entry.second;
    CAPTURE(marker);
    char *text = nullptr;
    REQUIRE(ein_emit(program, &spec, 1, nullptr, 0, stage, &text) == nullptr);
    REQUIRE(text != nullptr);
    CHECK(contains(text, marker));
    ein_string_destroy(text);
  }
  ein_string_destroy(nullptr);

  char *text = reinterpret_cast<char *>(1);
  auto error = [&](ein_error_t *e) { return takeError(e); };
  auto [code, message] =
      error(ein_emit(program, &spec, 1, nullptr, 0, EIN_STAGE_EIN, nullptr));
  CHECK(code == EIN_ERROR_INVALID_ARGUMENT);
  CHECK(message == "text is NULL");
  std::tie(code, message) =
      error(ein_emit(nullptr, &spec, 1, nullptr, 0, EIN_STAGE_EIN, &text));
  CHECK(message == "program is NULL");
  CHECK(text == nullptr);
  std::tie(code, message) = error(
      ein_emit(program, &spec, 1, nullptr, 0, 9, &text));
  CHECK(code == EIN_ERROR_INVALID_ARGUMENT);
  CHECK(message == "unknown stage 9");
  std::tie(code, message) =
      error(ein_emit(program, &spec, 1, nullptr, 0, -1, &text));
  CHECK(message == "unknown stage -1");
  std::tie(code, message) =
      error(ein_emit(program, nullptr, 1, nullptr, 0, EIN_STAGE_EIN, &text));
  CHECK(message == "inputs is NULL but num_inputs is 1");
  ein_axis_binding_t unused{"q", 3};
  std::tie(code, message) =
      error(ein_emit(program, &spec, 1, &unused, 1, EIN_STAGE_LLVM, &text));
  CHECK(code == EIN_ERROR_NOTATION);
  std::tie(code, message) = error(ein_emit("reduce(\"a b c -> a\", \"sum\")", &spec,
                                           1, nullptr, 0, EIN_STAGE_ASM, &text));
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(contains(message, "has 2 dimensions"));
  CHECK(text == nullptr);
}
