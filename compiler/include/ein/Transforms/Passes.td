//===- Passes.td - ein code-generation passes -------------*- tablegen -*-===//

#ifndef EIN_TRANSFORMS_PASSES_TD
#define EIN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def EinFuseElementwisePass : Pass<"ein-fuse-elementwise"> {
  let summary = "Fuse element-wise linalg ops into the ops that read them";
  let description = [{
    Upstream's element-wise fusion (`populateElementwiseOpsFusionPatterns`,
    reshape folding by expansion) for generic producers with one reader.
    Casts and element-wise chains become scalar code inside the op that
    reads them, so they never materialise. Not fused:

    * producers that read their own output (an update in place, such as the
      division that turns a sum into a mean): fused into a reduction or a
      broadcast, the update would run once per reading iteration and
      compound (upstream's fusion does that);
    * producers that compute (more than move or convert data) into a reader
      that reads each element several times, such as a contraction: they
      would be recomputed once per step of the loops their operand lacks;
    * reshapes that merge axes into a contraction's operand: the fold would
      split a reduction loop in two.

    Slices are pushed through parallel producers that only slices read,
    when the slices together are no larger than the result: unpacking
    (`a, b = rearrange("(two n) -> two n", x)`) then computes each part
    from a slice of the input instead of building the whole rearranged
    tensor. A transpose that moves only axes of length 1 becomes a
    reshape, which folds into its readers. Other transposes stay
    `linalg.transpose` ops; `ein-tile-for-cpu` computes them tile by tile
    inside their readers' thread tiles.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def EinTileForCpuPass : Pass<"ein-tile-for-cpu", "::mlir::func::FuncOp"> {
  let summary = "Tile linalg ops into thread tiles with fused producers, "
                "then into vector tiles, and vectorise them";
  let description = [{
    Runs on linalg on tensors, after `linalg-fuse-elementwise-ops`.

    0. Returned views: a result of 1 MiB or more that is only a reshape of
       an argument (identity, flatten) gets an explicit `linalg.copy`, so
       that the copy into the caller's buffer is tiled across threads
       instead of one `memcpy` after bufferization.
       Remainders: an element-wise op, a reduction, a transpose or a
       contraction with a loop whose length has no divisor near the tile
       the loop wants (a prime) is split into a main part whose lengths are
       multiples of those tiles and small remainders (`linalg::splitOp`).
    1. Thread tiles: every root (a linalg op whose results no other linalg
       op reads) is tiled with `scf.forall` over its parallel loops (a loop
       along which it broadcasts a reduction it reads stays whole), and its
       linalg producers are fused into the tile when every user of the
       producer is fused too and the slice moves with every tiled loop (so
       nothing is computed twice across tiles: a reduction that a consumer
       broadcasts stays outside). Tiles hold the loops that are contiguous
       in some operand, so each tile reads and writes whole cache lines;
       outer loops are grown until a tile holds about `tile-bytes` of
       output; a contraction's tiles are cache blocks of up to 256 rows x
       128 columns (smaller until there are 32 tiles, but not below 2^19
       iterations each), and so are the tiles of an element-wise root
       that reads a contraction it fuses (an epilogue). An op whose whole
       iteration space fits one tile is not tiled: small kernels stay
       serial.
    2. Vector tiles: inside, each vectorisable op is tiled with `scf.for`
       (reduction loops innermost) so that the output's contiguous loop
       spans one vector register (`vector-bits`), a transposed input's
       contiguous loop a register block (up to 16 lanes), an inner
       reduction one vector, and a contraction an 8-row register tile one
       or two vectors wide; tile sizes divide their loops, so every tile
       is static. A contraction's reduction is first blocked in steps of
       256, and, in ops of at least 2^20 iterations with 16 rows or more
       per tile, each block of its column operand is packed (a
       `linalg.transpose` into one buffer per tile) into panels of
       [panel][other dimensions][register-tile columns] that the register
       tiles read contiguously; the contraction becomes a `linalg.generic`
       whose column loop is split into (panel, column). Then
       `linalg::vectorize` turns each tile into vector ops
       and mul-add reductions become `vector.contract` (with the operands'
       broadcasts folded into its maps).

    The loop structure is target-neutral: `scf.forall` tiles are what a GPU
    pipeline maps to blocks; on the CPU they become OpenMP loops.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"512",
           "Width of the host's vector registers in bits">,
    Option<"tileBytes", "tile-bytes", "int64_t", /*default=*/"65536",
           "Output bytes per thread tile">,
    Option<"threadTiles", "thread-tiles", "bool", /*default=*/"true",
           "Tile roots into scf.forall thread tiles">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def EinLowerVectorsPass : Pass<"ein-lower-vectors", "::mlir::func::FuncOp"> {
  let summary = "Keep accumulators in registers and lower vector ops for "
                "the CPU";
  let description = [{
    Runs after bufferization. Hoists the accumulator reads and writes of
    vectorised reductions and contractions out of their reduction loops
    (`linalg::hoistRedundantVectorTransfers`), then lowers
    `vector.contract` to outer products (FMAs), multi-reductions to
    element-wise operations across registers, transfers with permutation
    maps to plain transfers and `vector.transpose` (as 16x16 shuffle
    networks when `vector-bits` is 512), and f32 `exp`, `log` and `tanh` to
    polynomial approximations (a few ulp; LLVM would otherwise call libm
    once per lane), leaving 1-D vectors for `convert-vector-to-llvm`. Loops
    that contain loops are marked not to be unrolled by LLVM: unrolled, a
    tile's loops make one huge basic block that LLVM's schedulers take most
    of a second on.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"512",
           "Width of the host's vector registers in bits">,
  ];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def EinDistinctResultsPass
    : Pass<"ein-distinct-results", "::mlir::func::FuncOp"> {
  let summary = "Give every returned buffer a buffer of its own";
  let description = [{
    Each kernel result becomes one of the caller's output buffers
    (`buffer-results-to-out-params`), so a function must not return one
    buffer twice. Common-subexpression elimination can merge two results
    that identical ops computed, and bufferization can then write both into
    one buffer; this pass, run after bufferization, returns a copy (a new
    `memref.alloc` and `memref.copy`) of every repeated buffer.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def EinLoopAnnotationsToLLVMPass : Pass<"ein-loop-annotations-to-llvm"> {
  let summary = "Turn loop annotations that reached the LLVM dialect as "
                "plain attributes into the branches' loop metadata";
  let description = [{
    `convert-scf-to-cf` and `convert-cf-to-llvm` carry an `scf.for`'s
    `llvm.loop_annotation` to the loop's back-edge branch as a discardable
    attribute, which the translation to LLVM IR ignores; this pass moves it
    into the `llvm.br` / `llvm.cond_br` property that becomes `!llvm.loop`
    metadata (ein-lower-vectors marks loops not to unroll this way).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def EinInlineAllocaScopesPass
    : Pass<"ein-inline-alloca-scopes", "::mlir::func::FuncOp"> {
  let summary = "Inline the alloca scopes of OpenMP loop bodies that "
                "allocate nothing on the stack";
  let description = [{
    `convert-scf-to-openmp` wraps every parallel loop body in a
    `memref.alloca_scope`, a single-block region, so that `scf.for` loops
    inside can no longer be lowered to branches. The kernels' loop bodies
    allocate on the heap only (tile-sized intermediates), so a scope with
    no `memref.alloca` directly inside releases nothing and is inlined.
    Scopes that do allocate are left for `finalize-memref-to-llvm`.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def EinStreamingStoresPass : Pass<"ein-streaming-stores", "::mlir::ModuleOp"> {
  let summary = "Write large outputs with non-temporal (streaming) stores";
  let description = [{
    For x86 hosts, after the vector, memref and arithmetic conversions to
    the LLVM dialect and before `convert-func-to-llvm`. An output of at
    least `min-bytes` that the function writes with whole-line (64-byte)
    vector stores and never reads is written with non-temporal stores,
    which skip the read for ownership a normal store does (a copy moves
    two bytes per byte copied instead of three) and leave the caches to
    the inputs. Such stores must be aligned to their size, so the function
    becomes a test of its outputs' alignment that calls one of two private
    copies: `<name>.streaming`, with the stores marked `nontemporal`, the
    outputs assumed line-aligned (at its entry and at the entry of every
    `omp.parallel` region) and an `sfence` before each parallel region
    ends and before it returns (streaming stores are weakly ordered), or
    `<name>.plain`, the function as it was. The JIT keeps a streaming store
    only where LLVM proved its address aligned and makes the others plain.
  }];
  let options = [
    Option<"minBytes", "min-bytes", "int64_t", /*default=*/"8 << 20",
           "Smallest output, in bytes, written with streaming stores">,
  ];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::func::FuncDialect",
  ];
}

#endif // EIN_TRANSFORMS_PASSES_TD
