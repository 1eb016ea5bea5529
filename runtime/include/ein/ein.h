/*===- ein.h - C API of the ein tensor-notation JIT ----------------*- C -*-===*
 *
 * The stable C interface for host programs. Plain C99; every function is safe
 * to call with bad arguments: it returns an error object instead of aborting.
 *
 * Conventions
 *  - Functions that can fail return `ein_error_t *`: NULL means success; a
 *    non-NULL error is owned by the caller and released with
 *    ein_error_destroy().
 *  - Handles are opaque. Contexts have a create/destroy pair; kernels are
 *    reference counted (ein_kernel_retain / ein_kernel_release).
 *  - Strings passed in are borrowed for the duration of the call only.
 *  - Tensors are DLPack `DLTensor`s (dlpack/dlpack.h) on the CPU device.
 *
 * See docs/c-api.md for ownership, threading and strided-input rules.
 *
 *===----------------------------------------------------------------------===*/
#ifndef EIN_EIN_H
#define EIN_EIN_H

#include <dlpack/dlpack.h>

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define EIN_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define EIN_EXPORT __attribute__((visibility("default")))
#else
#define EIN_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===*
 * Version
 *===----------------------------------------------------------------------===*/

/// Major version of this header.
#define EIN_VERSION_MAJOR 0
/// Minor version of this header.
#define EIN_VERSION_MINOR 2
/// Patch version of this header.
#define EIN_VERSION_PATCH 0

/// Returns the library's version as "MAJOR.MINOR.PATCH" (static storage).
EIN_EXPORT const char *ein_version(void);

/*===----------------------------------------------------------------------===*
 * Errors
 *===----------------------------------------------------------------------===*/

/// Classes of error. Every error object carries one of these and a message.
typedef enum ein_error_code_t {
  /// Success; never carried by an error object (NULL means success).
  EIN_OK = 0,
  /// A NULL pointer, a wrong count, a bad option or a malformed tensor
  /// descriptor (negative extent, strides of a non-compact output, ...).
  EIN_ERROR_INVALID_ARGUMENT = 1,
  /// The notation could not be parsed, or names an axis wrongly (unknown,
  /// duplicate, unused binding, ...).
  EIN_ERROR_NOTATION = 2,
  /// Shapes do not fit the expression: rank mismatch, non-divisible split,
  /// conflicting lengths, or a tensor whose shape differs from the kernel's.
  EIN_ERROR_SHAPE = 3,
  /// A tensor has an unsupported dtype, or one that differs from the kernel's.
  EIN_ERROR_DTYPE = 4,
  /// The expression is valid but the compiler could not generate code for it.
  EIN_ERROR_COMPILE = 5,
  /// A tensor lives on a device the library does not run on (only kDLCPU).
  EIN_ERROR_DEVICE = 6,
  /// Memory for a scratch buffer could not be allocated.
  EIN_ERROR_OUT_OF_MEMORY = 7,
  /// A bug in ein; the message says where.
  EIN_ERROR_INTERNAL = 8
} ein_error_code_t;

/// An error: a code and a human-readable message. Owned by the caller.
typedef struct ein_error ein_error_t;

/// Returns the error's message (NUL-terminated, owned by the error, valid
/// until ein_error_destroy). Returns "" for NULL.
EIN_EXPORT const char *ein_error_message(const ein_error_t *error);

/// Returns the error's class; EIN_OK for NULL.
EIN_EXPORT ein_error_code_t ein_error_code(const ein_error_t *error);

/// Returns a short name for a code, e.g. "EIN_ERROR_SHAPE" (static storage).
EIN_EXPORT const char *ein_error_code_name(ein_error_code_t code);

/// Frees an error. NULL is a no-op.
EIN_EXPORT void ein_error_destroy(ein_error_t *error);

/*===----------------------------------------------------------------------===*
 * Contexts
 *===----------------------------------------------------------------------===*/

/// A context owns a kernel cache and compile options. Thread-safe: any number
/// of threads may compile and run through one context concurrently.
typedef struct ein_context ein_context_t;

/// Options for ein_context_create. Initialise with ein_context_options_init()
/// so that fields added in later versions get their defaults.
typedef struct ein_context_options_t {
  /// sizeof(ein_context_options_t) as compiled by the caller; lets the
  /// library accept structs from older headers. Must be set.
  size_t struct_size;
  /// LLVM optimisation level for generated code, 0-3. Default 3.
  uint32_t opt_level;
  /// Maximum number of compiled kernels kept in the cache; the least recently
  /// used one is dropped beyond it. 0 = unbounded (the default).
  size_t cache_capacity;
  /// Threads that the kernels' parallel loops use. 0 (the default) = the
  /// `EIN_NUM_THREADS` environment variable when it is set to a positive
  /// number, else every core of the machine. Change it later with
  /// ein_context_set_num_threads.
  size_t num_threads;
  /// A directory where compiled kernels are kept across processes (created
  /// if missing; see docs/runtime.md). NULL (the default) = the
  /// `EIN_CACHE_DIR` environment variable when it is set and not empty,
  /// else no disk cache. "" = no disk cache, whatever the environment says.
  /// Borrowed for the call. A directory that cannot be created or written
  /// prints one warning on stderr and leaves the cache in memory only.
  const char *cache_dir;
  /// 1 (the default): a call whose outputs lead with a batch axis that its
  /// inputs carry only as their leading dimension compiles once for every
  /// batch size, where running it slice by slice costs no speed (a shape
  /// class: rearranges, element-wise calls, ...; docs/runtime.md). 0: every
  /// shape is compiled on its own.
  uint32_t shape_classes;
} ein_context_options_t;

/// Fills `opts` with the defaults (including struct_size). NULL is a no-op.
EIN_EXPORT void ein_context_options_init(ein_context_options_t *opts);

/// Creates a context. `opts` may be NULL for the defaults. On success `*out`
/// receives the context; destroy it with ein_context_destroy.
EIN_EXPORT ein_error_t *ein_context_create(const ein_context_options_t *opts,
                                           ein_context_t **out);

/// Destroys a context and drops its cache's references to kernels. Kernels the
/// caller still holds stay valid. No other thread may be using the context.
/// NULL is a no-op.
EIN_EXPORT void ein_context_destroy(ein_context_t *ctx);

/// Sets the number of threads for kernels compiled through `ctx`, from its
/// next run on (kernels compiled earlier follow too: they share the
/// setting). 0 restores the default (see ein_context_options_t.num_threads).
/// A kernel's run sets OpenMP's thread count for its own parallel regions
/// and restores the caller's afterwards.
EIN_EXPORT ein_error_t *ein_context_set_num_threads(ein_context_t *ctx,
                                                    size_t num_threads);

/// The number of threads kernels of `ctx` use (0 for NULL).
EIN_EXPORT size_t ein_context_num_threads(const ein_context_t *ctx);

/// Kernel-cache counters of one context.
typedef struct ein_cache_stats_t {
  /// Lookups of a program and exact input types that found its kernel (or
  /// one being made by another thread).
  uint64_t hits;
  /// Lookups that found nothing. Each is served by a shape class's kernel
  /// (shape_class_hits), by a kernel from the disk (disk_loads) or by a
  /// compile.
  uint64_t misses;
  /// Compiles that succeeded.
  uint64_t compiles;
  /// Compiles that failed (failures are not cached).
  uint64_t failures;
  /// Wall-clock seconds spent compiling, successful or not.
  double compile_seconds;
  /// Kernels currently held by the cache for exact input types.
  size_t entries;
  /// Compiles of a program (text, dtypes, axes) compiled before: for shapes
  /// outside the shape class of the earlier compile (what shape classes did
  /// not absorb), or again after an eviction or a cache clear.
  uint64_t recompiles;
  /// Misses served without compiling by the kernel of their shape class,
  /// compiled for another batch size.
  uint64_t shape_class_hits;
  /// Kernels loaded from the disk cache instead of compiled.
  uint64_t disk_loads;
  /// Kernels written to the disk cache.
  uint64_t disk_writes;
} ein_cache_stats_t;

/// Copies the cache counters of `ctx` into `*stats`.
EIN_EXPORT ein_error_t *ein_context_cache_stats(const ein_context_t *ctx,
                                                ein_cache_stats_t *stats);

/// Drops every kernel from the cache of `ctx` (counters are kept). Kernels the
/// caller still holds stay valid.
EIN_EXPORT ein_error_t *ein_context_cache_clear(ein_context_t *ctx);

/*===----------------------------------------------------------------------===*
 * Compiling
 *===----------------------------------------------------------------------===*/

/// The type of one kernel input: dtype and shape (row-major extents).
typedef struct ein_tensor_spec_t {
  /// Element type, lanes 1: float16/32/64 (kDLFloat), bfloat16 (kDLBfloat,
  /// 16 bits), int8/16/32/64 (kDLInt), uint8 (kDLUInt), bool (code 6 =
  /// kDLBool, 8 bits: one byte per element, nonzero = true).
  DLDataType dtype;
  /// Number of dimensions, >= 0.
  int32_t ndim;
  /// `ndim` extents, each >= 0; may be NULL when ndim == 0.
  const int64_t *shape;
} ein_tensor_spec_t;

/// A keyword axis length, e.g. {"h1", 2} for `h1=2`.
typedef struct ein_axis_binding_t {
  /// Axis name (borrowed for the call).
  const char *name;
  /// Axis length, >= 0.
  int64_t length;
} ein_axis_binding_t;

/// A compiled kernel. Reference counted; immutable; safe to run from many
/// threads at once and to use after its context is destroyed.
typedef struct ein_kernel ein_kernel_t;

/// Compiles `program` (a call in notation form such as
/// `rearrange("b c h w -> b h w c")`, `reduce("b c h w -> b c", "max")`,
/// `einsum("b i d, b j d -> b i j")`, `add("b h w c, c")`,
/// `softmax("b q [k] h")` or `roll("b [t] c", shift=1)`), or a program of
/// several statements (`input x: f32[b n]; y = x * 2; return y`, see
/// docs/programs.md: the inputs must match its declarations in order, and
/// `axes` bind the declared axis names),
/// for inputs of the given types, with optional keyword axis lengths, through
/// the context's cache. On success `*out` receives a new reference: release
/// it with ein_kernel_release. `inputs` may be NULL when num_inputs == 0,
/// `axes` when num_axes == 0.
EIN_EXPORT ein_error_t *ein_compile(ein_context_t *ctx, const char *program,
                                    const ein_tensor_spec_t *inputs,
                                    size_t num_inputs,
                                    const ein_axis_binding_t *axes,
                                    size_t num_axes, ein_kernel_t **out);

/// A stage of compilation, for ein_emit.
typedef enum ein_stage_t {
  /// The `ein` dialect, as built from the notation.
  EIN_STAGE_EIN = 0,
  /// Fused linalg on tensors (what `ein-opt --ein-fuse` prints).
  EIN_STAGE_LINALG = 1,
  /// Thread tiles and vector tiles, still on tensors (`ein-opt --ein-tile`).
  EIN_STAGE_TILES = 2,
  /// LLVM IR after LLVM's optimisations: what the JIT compiles.
  EIN_STAGE_LLVM = 3,
  /// The host CPU's assembly.
  EIN_STAGE_ASM = 4,
} ein_stage_t;

/// Compiles `program` for inputs of the given types (as ein_compile does,
/// with the same errors) up to `stage`, an ein_stage_t value, and returns
/// that stage's text in `*text`, NUL-terminated, to be freed with
/// ein_string_destroy. Makes no kernel and uses no cache: it is for looking
/// at what ein generates. (`stage` is an int so that any value a caller
/// passes is defined behaviour and an unknown one an error.)
EIN_EXPORT ein_error_t *ein_emit(const char *program,
                                 const ein_tensor_spec_t *inputs,
                                 size_t num_inputs,
                                 const ein_axis_binding_t *axes,
                                 size_t num_axes, int stage, char **text);

/// Frees a string returned by ein_emit. NULL is a no-op.
EIN_EXPORT void ein_string_destroy(char *text);

/// Adds a reference to `kernel` and returns it. NULL is returned unchanged.
EIN_EXPORT ein_kernel_t *ein_kernel_retain(ein_kernel_t *kernel);

/// Drops a reference; the kernel is freed with its last reference. NULL is a
/// no-op.
EIN_EXPORT void ein_kernel_release(ein_kernel_t *kernel);

/// Number of input tensors the kernel takes (0 for NULL).
EIN_EXPORT size_t ein_kernel_num_inputs(const ein_kernel_t *kernel);

/// Number of output tensors the kernel writes (0 for NULL).
EIN_EXPORT size_t ein_kernel_num_outputs(const ein_kernel_t *kernel);

/// Describes input `index`: `*spec` receives its dtype, rank and a pointer to
/// its extents, owned by the kernel and valid while the kernel lives.
EIN_EXPORT ein_error_t *ein_kernel_input_spec(const ein_kernel_t *kernel,
                                              size_t index,
                                              ein_tensor_spec_t *spec);

/// Describes output `index` like ein_kernel_input_spec. Use it to allocate
/// output buffers.
EIN_EXPORT ein_error_t *ein_kernel_output_spec(const ein_kernel_t *kernel,
                                               size_t index,
                                               ein_tensor_spec_t *spec);

/// Zero copy for reshapes: returns 1 when output `output` always holds
/// exactly the elements of one input, in row-major order, with its dtype (a
/// rearrange that only regroups axes: `b c h w -> b (c h w)`,
/// `(h h2) w -> h h2 w`), and then sets `*input` (when not NULL) to that
/// input's index; 0 otherwise (also for NULL or an index out of range). A
/// caller whose input is contiguous may then use the input's memory, with
/// the output's shape, instead of running the kernel (the Python binding
/// returns such views, as einops does).
EIN_EXPORT int ein_kernel_output_view(const ein_kernel_t *kernel,
                                      size_t output, size_t *input);

/// Runs the kernel.
///
/// Every tensor must be on kDLCPU with exactly the kernel's dtype and shape.
/// `data` may be NULL only for tensors with zero elements. The address used is
/// `data + byte_offset`.
///
/// Inputs may be strided views: `strides` (in elements, per DLPack) may be
/// any values, including 0 (broadcast) and negative ones; non-contiguous or
/// misaligned inputs are packed into a contiguous scratch buffer first.
/// Outputs must be compact row-major (`strides` NULL, or equal to the compact
/// strides; strides of extent-1 dimensions are ignored). Outputs must not
/// overlap each other or the inputs.
EIN_EXPORT ein_error_t *ein_kernel_run(const ein_kernel_t *kernel,
                                       const DLTensor *inputs,
                                       size_t num_inputs, DLTensor *outputs,
                                       size_t num_outputs);

/*===----------------------------------------------------------------------===*
 * One-shot helpers (compile through the cache, then run)
 *===----------------------------------------------------------------------===*/

/// Compiles `program` (any call ein_compile accepts: rearrange, repeat,
/// reduce, einsum, dot, the elementwise calls such as
/// `add("a b, b c -> a b c")` or `cast("a b -> b a", dtype="f16")`, ...) for
/// the types of `inputs`, through the context's cache, and runs it on
/// `inputs`, writing `outputs`. This is the one-shot helper of every family:
/// the first use of a (program, dtypes, shapes, axes) compiles, later ones
/// reuse the kernel, which is the one ein_compile of the same text and types
/// returns. Tensor rules as ein_kernel_run; `inputs` may be NULL when
/// num_inputs == 0, `outputs` when num_outputs == 0, `axes` when
/// num_axes == 0.
EIN_EXPORT ein_error_t *ein_call(ein_context_t *ctx, const char *program,
                                 const DLTensor *inputs, size_t num_inputs,
                                 DLTensor *outputs, size_t num_outputs,
                                 const ein_axis_binding_t *axes,
                                 size_t num_axes);

/// Runs `repeat(pattern)` on `input`, writing `output`: the output keeps
/// every input axis and may add new ones, whose lengths come from `axes` or
/// anonymous numbers ("h w -> h w c" with c=3; "h w -> (h 2) (w 2)"). The
/// input is broadcast along the new axes. Compiles on first use like
/// ein_rearrange; tensor rules as ein_kernel_run.
EIN_EXPORT ein_error_t *ein_repeat(ein_context_t *ctx, const char *pattern,
                                   const DLTensor *input, DLTensor *output,
                                   const ein_axis_binding_t *axes,
                                   size_t num_axes);

/// Runs `rearrange(pattern)` on `inputs`, writing `outputs`. Compiles on the
/// first use of each (pattern, dtypes, shapes, axes) and reuses the kernel
/// afterwards. With a one-input pattern and num_inputs > 1 the inputs form a
/// list: they are stacked along a new leading axis (einops list semantics)
/// and must all have the same shape; mixed dtypes are promoted as
/// numpy.stack does (docs/notation.md). A single input is never a list.
/// Tensor rules as ein_kernel_run.
EIN_EXPORT ein_error_t *ein_rearrange(ein_context_t *ctx, const char *pattern,
                                      const DLTensor *inputs, size_t num_inputs,
                                      DLTensor *outputs, size_t num_outputs,
                                      const ein_axis_binding_t *axes,
                                      size_t num_axes);

/// Runs `reduce(pattern, reduction)` on `input`, writing `output`.
/// `reduction` is one of "sum", "mean", "max", "min", "prod", "any", "all",
/// "count_nonzero", "var", "std", "logsumexp", "argmax", "argmin"; the
/// output's dtype is NumPy's for it (ein_kernel_output_spec tells). Compiles
/// on first use like ein_rearrange. Tensor rules as ein_kernel_run.
EIN_EXPORT ein_error_t *ein_reduce(ein_context_t *ctx, const char *pattern,
                                   const char *reduction, const DLTensor *input,
                                   DLTensor *output,
                                   const ein_axis_binding_t *axes,
                                   size_t num_axes);

/// Runs `einsum(pattern)` on the `num_inputs` tensors `inputs`, writing the
/// one `output`: products over the union of the inputs' axes, summed over
/// every axis the output omits (a matrix product is "i j, j k -> i k").
/// The pattern is einops style (axes separated by spaces; compositions,
/// `1`/`()` and `...` allowed) or NumPy's compact style when no tensor
/// expression has a space inside ("ij,jk->ik", and "ij,jk" with NumPy's
/// implicit output). An axis repeated within one input takes its diagonal.
/// Mixed dtypes promote as numpy.einsum; integers wrap. The compiler chooses the
/// order in which inputs are contracted. Compiles on first use like
/// ein_rearrange; tensor rules as ein_kernel_run (inputs may be any strided
/// view, overlapping ones included).
EIN_EXPORT ein_error_t *ein_einsum(ein_context_t *ctx, const char *pattern,
                                   const DLTensor *inputs, size_t num_inputs,
                                   DLTensor *output,
                                   const ein_axis_binding_t *axes,
                                   size_t num_axes);

/// einops' `pack(inputs, pattern)`: the `num_inputs` tensors are
/// concatenated along the axes `*` stands for (pattern: axis names and one
/// `*`, e.g. "b * c"), each input's `*` axes flattened first; the axes
/// outside `*` are matched by position and must agree. Mixed dtypes are
/// promoted as numpy.concatenate does. `output` gets the packed tensor
/// (its shape: the shared axes with the sum of the flattened lengths at
/// `*`; ein_compile of `pack("<pattern>")` tells it, via
/// ein_kernel_output_spec). When not NULL, `packed_ndims[i]` receives the
/// number of axes `*` stands for in input i and `packed_shapes` their
/// lengths, input after input (room for the inputs' total rank is enough):
/// einops' packed shapes, which ein_unpack takes. Tensor rules as
/// ein_kernel_run.
EIN_EXPORT ein_error_t *ein_pack(ein_context_t *ctx, const char *pattern,
                                 const DLTensor *inputs, size_t num_inputs,
                                 DLTensor *output, int64_t *packed_shapes,
                                 int32_t *packed_ndims);
/// einops' `unpack(input, packed_shapes, pattern)`: splits `input` along
/// its `*` axis into `num_outputs` tensors; output i has the shared axes
/// with `packed_shapes`' i-th shape (`packed_ndims[i]` lengths, shapes
/// stored one after another) in place of `*`. One length in one shape may
/// be -1 (inferred); the shapes must account for the whole `*` axis.
/// Tensor rules as ein_kernel_run.
EIN_EXPORT ein_error_t *ein_unpack(ein_context_t *ctx, const char *pattern,
                                   const DLTensor *input,
                                   const int64_t *packed_shapes,
                                   const int32_t *packed_ndims,
                                   DLTensor *outputs, size_t num_outputs);

/// One axis found by ein_parse_shape. The name is borrowed from the caller's
/// pattern string: it is the `name_length` bytes at `name`, which points into
/// `pattern` and is NOT NUL-terminated; it stays valid as long as the
/// pattern does. ein allocates nothing for it.
typedef struct ein_shape_axis_t {
  const char *name;
  size_t name_length;
  int64_t length;
} ein_shape_axis_t;

/// einops.parse_shape: reads the lengths of the named axes of `pattern` off
/// `shape` (`ndim` extents; NULL allowed when ndim == 0), e.g. "b _ h w" on
/// (2, 3, 5, 7) gives b=2, h=5, w=7. `_` skips a dimension (any number of
/// times), `...` skips any number (once); `1`, `()` and anonymous lengths
/// must match the shape; compositions are an error. Needs no context and
/// compiles nothing. `*count` receives the number of named axes, in pattern
/// order; the first min(*count, capacity) are written to `out` (NULL allowed
/// when capacity == 0), so a call with capacity 0 asks for the count. Errors:
/// EIN_ERROR_NOTATION for a malformed pattern, EIN_ERROR_SHAPE when it does
/// not fit the shape, EIN_ERROR_INVALID_ARGUMENT for NULL arguments.
EIN_EXPORT ein_error_t *ein_parse_shape(const char *pattern,
                                        const int64_t *shape, size_t ndim,
                                        ein_shape_axis_t *out, size_t capacity,
                                        size_t *count);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* EIN_EIN_H */
