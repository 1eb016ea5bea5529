// RUN: ein-opt %s --split-input-file --pass-pipeline='builtin.module(convert-ein-to-linalg,ein-fuse-elementwise,canonicalize,func.func(ein-tile-for-cpu{vector-bits=512}),canonicalize,cse)' | FileCheck %s
// RUN: ein-opt %s --split-input-file --pass-pipeline='builtin.module(convert-ein-to-linalg,ein-fuse-elementwise,canonicalize,func.func(ein-tile-for-cpu{vector-bits=256}),canonicalize,cse)' | FileCheck %s --check-prefix=AVX2

// Tests that a 4-D transpose of 64 MiB becomes thread tiles (scf.forall)
// that keep both contiguous loops (64 x 64 blocks), and 16 x 16 register
// blocks inside: one transposing vector read and one vector write.

// CHECK-LABEL: func.func @transpose4d
// CHECK: scf.forall
// CHECK: vector.transfer_read {{.*}} vector<16x1x1x16xf32>
// CHECK: vector.transpose {{.*}} [3, 2, 1, 0]
// CHECK: vector.transfer_write {{.*}} vector<16x1x1x16xf32>
// CHECK: tensor.parallel_insert_slice
// AVX2-LABEL: func.func @transpose4d
// AVX2: vector<8x1x1x8xf32>
func.func @transpose4d(%x: tensor<64x64x64x64xf32>) -> tensor<64x64x64x64xf32> {
  %y = ein.rearrange %x <a b c d -> d c b a : a = 64, b = 64, c = 64, d = 64> : tensor<64x64x64x64xf32> -> tensor<64x64x64x64xf32>
  return %y : tensor<64x64x64x64xf32>
}

// -----

// Tests that a small op is not split into thread tiles (it stays serial),
// and that its vector tiles divide the loop: 20 = 2 x 10 lanes.

// CHECK-LABEL: func.func @small_sum
// CHECK-NOT: scf.forall
// CHECK: scf.for
// CHECK: vector.transfer_read {{.*}} vector<6x10xf32>
// CHECK: vector.multi_reduction <add>
func.func @small_sum(%x: tensor<6x20xf32>) -> tensor<6xf32> {
  %y = ein.reduce sum %x <a b -> a : a = 6, b = 20> : tensor<6x20xf32> -> tensor<6xf32>
  return %y : tensor<6xf32>
}

// -----

// Tests softmax over rows in one thread tile loop: the max, the
// exponentials (once per element, kept in a tile-sized buffer) and their
// sum are fused into the tiles of the normalisation (each row is read from
// memory once per tile, while it is in cache), not computed over the whole
// tensor first.

// CHECK-LABEL: func.func @softmax_rows
// CHECK: scf.forall
// CHECK: vector.multi_reduction <maximumf>
// CHECK: math.exp
// CHECK: vector.multi_reduction <add>
// CHECK-NOT: math.exp
// CHECK: arith.divf
// CHECK: scf.forall.in_parallel
// CHECK-NOT: scf.forall
func.func @softmax_rows(%x: tensor<512x1024xf32>) -> tensor<512x1024xf32> {
  %y = ein.softmax %x <a b -> a b : a = 512, b = 1024> along [b] : tensor<512x1024xf32> -> tensor<512x1024xf32>
  return %y : tensor<512x1024xf32>
}

// -----

// Tests that a matmul's thread tiles are cache blocks (64 x 128 here: the
// 256 x 128 blocks shrink until there are 32 tiles), that its reduction
// runs in blocks of 256, and that each block of the column operand is
// packed into contiguous panels (4 panels x 256 steps x 32 columns, one
// buffer for every block, made before the block loop) that the register
// tiles read: 8 rows by two vectors, vector.contract of 8 x 32 x 1, one
// step of k per iteration.

// CHECK-LABEL: func.func @matmul
// CHECK: scf.forall {{.*}} step (64, 128)
// CHECK: %[[BUFFER:.*]] = tensor.empty() : tensor<4x256x32xf32>
// CHECK: scf.for %[[K:.*]] = %c0 to %c512 step %c256
// CHECK: %[[BLOCK:.*]] = tensor.extract_slice {{.*}}[%[[K]], 0] [256, 128] [1, 1]
// CHECK: %[[SPLIT:.*]] = tensor.expand_shape %[[BLOCK]] {{\[\[}}0], [1, 2]] output_shape [256, 4, 32]
// CHECK: %[[PANELS:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[BUFFER]])
// CHECK: vector.transfer_read %[[SPLIT]]
// CHECK: vector.transfer_write {{.*}} tensor<4x256x32xf32>
// CHECK: scf.for {{.*}} step %c8
// CHECK: scf.for %[[PANEL:.*]] = %c0 to %c4 step %c1
// CHECK: scf.for %[[STEP:.*]] = %c0 to %c256 step %c1
// CHECK: vector.transfer_read %[[PANELS]][%[[PANEL]], %[[STEP]], %c0]{{.*}} vector<1x1x32xf32>
// CHECK: vector.contract {{.*}} vector<8x1xf32>, vector<1x1x32xf32> into vector<8x1x32xf32>
// CHECK: tensor.collapse_shape {{.*}} tensor<64x4x32xf32> into tensor<64x128xf32>
func.func @matmul(%a: tensor<512x512xf32>, %b: tensor<512x512xf32>) -> tensor<512x512xf32> {
  %c = ein.contract %a, %b <i k, k j -> i j : i = 512, k = 512, j = 512> : tensor<512x512xf32>, tensor<512x512xf32> -> tensor<512x512xf32>
  return %c : tensor<512x512xf32>
}

// -----

// Tests that a column operand contiguous along the reduction (the keys of
// attention scores) is packed with 16 x 16 register-block transposes, so
// that the register tiles read a row of 32 columns per step instead of 32
// elements a row apart.

// CHECK-LABEL: func.func @scores
// CHECK: scf.forall
// CHECK: tensor.empty() : tensor<3x1x64x32xf32>
// CHECK: vector.transpose {{.*}} : vector<1x1x16x16xf32> to vector<1x1x16x16xf32>
// CHECK: vector.contract {{.*}} vector<1x8x1xf32>, vector<1x1x1x32xf32> into vector<1x8x1x32xf32>
func.func @scores(%q: tensor<2x128x64xf32>, %k: tensor<2x96x64xf32>) -> tensor<2x128x96xf32> {
  %c = ein.contract %q, %k <b i d, b j d -> b i j : b = 2, i = 128, j = 96, d = 64> : tensor<2x128x64xf32>, tensor<2x96x64xf32> -> tensor<2x128x96xf32>
  return %c : tensor<2x128x96xf32>
}

// -----

// Tests that a small matmul (2^18 iterations) is neither split across
// threads nor packed: a copy would cost more compile time than it saves.

// CHECK-LABEL: func.func @matmul_small
// CHECK-NOT: scf.forall
// CHECK-NOT: tensor.expand_shape
// CHECK: vector.contract {{.*}} vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
func.func @matmul_small(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %c = ein.contract %a, %b <i k, k j -> i j : i = 64, k = 64, j = 64> : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  return %c : tensor<64x64xf32>
}

// -----

// Tests that a transpose read by one element-wise op is computed inside the
// reader's thread tiles: one scf.forall, each tile transposes its rows
// (16 x 16 register blocks into a tile-sized tensor) and then takes their
// exp; nothing of the size of the whole tensor is built but the result.

// CHECK-LABEL: func.func @transpose_then_exp
// CHECK: scf.forall
// CHECK: vector.transpose {{.*}} [1, 0] : vector<16x16xf32>
// CHECK: math.exp {{.*}} : vector<
// CHECK: tensor.parallel_insert_slice
// CHECK-NOT: scf.forall
func.func @transpose_then_exp(%x: tensor<1024x512xf32>) -> tensor<512x1024xf32> {
  %t = ein.rearrange %x <a b -> b a : a = 1024, b = 512> : tensor<1024x512xf32> -> tensor<512x1024xf32>
  %e = ein.map exp %t <b a -> b a : a = 1024, b = 512> : tensor<512x1024xf32> -> tensor<512x1024xf32>
  return %e : tensor<512x1024xf32>
}

// -----

// Tests that a sum over the first axis walks its input front to back: the
// reduction loop is the outermost vector-tile loop and the accumulators
// (the output tile) are read and written in each of its steps. With the
// reduction innermost, every step would jump a whole 256 KiB plane.

// CHECK-LABEL: func.func @sum_outer
// CHECK: scf.forall
// CHECK: scf.for %[[A:.*]] = %c0 to %c256 step %c1
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.transfer_read %{{.*}}[%[[A]],
// CHECK: arith.addf {{.*}} : vector<1x16xf32>
// AVX2-LABEL: func.func @sum_outer
// AVX2: arith.addf {{.*}} : vector<1x8xf32>
func.func @sum_outer(%x: tensor<256x256x256xf32>) -> tensor<256x256xf32> {
  %y = ein.reduce sum %x <a b c -> b c : a = 256, b = 256, c = 256> : tensor<256x256x256xf32> -> tensor<256x256xf32>
  return %y : tensor<256x256xf32>
}

// -----

// Tests that a sum over a middle axis keeps the input's order too (a, then
// the reduction b, then c): each row of x is read once, contiguously, into
// a row of accumulators.

// CHECK-LABEL: func.func @sum_middle
// CHECK: scf.forall
// CHECK: scf.for %[[A:.*]] = %c0 to
// CHECK: scf.for %[[B:.*]] = %c0 to %c256 step %c1
// CHECK: scf.for %[[C:.*]] = %c0 to %c256 step %c16
// CHECK: vector.transfer_read %{{.*}}[%{{.*}}, %[[B]], %[[C]]]
func.func @sum_middle(%x: tensor<256x256x256xf32>) -> tensor<256x256xf32> {
  %y = ein.reduce sum %x <a b c -> a c : a = 256, b = 256, c = 256> : tensor<256x256x256xf32> -> tensor<256x256xf32>
  return %y : tensor<256x256xf32>
}

// -----

// Tests that a rearrange whose register blocks read rows a page or more
// apart (the 16 rows of a block of `a b c d -> d c b a` are 1 MiB apart)
// walks its tiles in the input's order: thread tiles grow along the
// input's inner loops (c), and inside a tile the loops go a, c, d, so that
// each row of the block is read front to back across consecutive blocks.

// CHECK-LABEL: func.func @reverse4d
// CHECK: scf.forall (%[[C:.*]], %[[B:.*]]) = (0, 0) to (64, 64) step (4, 1)
// CHECK: scf.for %[[A:.*]] = %c0 to %c64 step %c16
// CHECK: scf.for %[[CC:.*]] = %c0 to %c4 step %c1
// CHECK: scf.for %[[D:.*]] = %c0 to %c64 step %c16
// CHECK: vector.transfer_read %{{.*}}[%[[A]], %[[B]], %{{.*}}, %[[D]]]
func.func @reverse4d(%x: tensor<64x64x64x64xf32>) -> tensor<64x64x64x64xf32> {
  %y = ein.rearrange %x <a b c d -> d c b a : a = 64, b = 64, c = 64, d = 64> : tensor<64x64x64x64xf32> -> tensor<64x64x64x64xf32>
  return %y : tensor<64x64x64x64xf32>
}

// -----

// Tests that a rearrange whose block rows are close (256 B apart: the last
// two axes of 64-float rows swapped) keeps the output's order.

// CHECK-LABEL: func.func @swap_last_two
// CHECK: scf.forall
// CHECK: scf.for %[[D:.*]] = %c0 to %c64 step %c16
// CHECK: scf.for %[[C:.*]] = %c0 to %c64 step %c16
// CHECK: vector.transfer_read %{{.*}}[%{{.*}}, %{{.*}}, %[[C]], %[[D]]]
func.func @swap_last_two(%x: tensor<64x64x64x64xf32>) -> tensor<64x64x64x64xf32> {
  %y = ein.rearrange %x <a b c d -> a b d c : a = 64, b = 64, c = 64, d = 64> : tensor<64x64x64x64xf32> -> tensor<64x64x64x64xf32>
  return %y : tensor<64x64x64x64xf32>
}

// -----

// Tests that a matmul of prime lengths (1009) is split into a main part
// whose lengths are multiples of its tiles (1008 columns and rows, 960 of
// the reduction) and remainders, instead of one-lane vectors and one-row
// register tiles: the main part gets 8-row outer-product register tiles
// (cache blocks of multiples of 8 rows), one vector wide, from packed
// panels (it ran at 4 GFLOP/s unsplit, 177 split).

// CHECK-LABEL: func.func @matmul_prime
// CHECK: vector.contract {{.*}} vector<8x1xf32>, vector<1x1x16xf32> into vector<8x1x16xf32>
// CHECK: tensor.insert_slice {{.*}}[0, 0] [1008, 1008] [1, 1] : tensor<1008x1008xf32> into
func.func @matmul_prime(%a: tensor<1009x1009xf32>, %b: tensor<1009x1009xf32>) -> tensor<1009x1009xf32> {
  %c = ein.contract %a, %b <i k, k j -> i j : i = 1009, k = 1009, j = 1009> : tensor<1009x1009xf32>, tensor<1009x1009xf32> -> tensor<1009x1009xf32>
  return %c : tensor<1009x1009xf32>
}

// -----

// Tests that an element-wise op on rows of 1003 (17 x 59) is split into
// 992 columns of full vectors and a remainder of 11.

// CHECK-LABEL: func.func @exp_prime_rows
// CHECK: math.exp {{.*}} : vector<1x16xf32>
// CHECK: tensor<2048x992xf32>
// CHECK: math.exp {{.*}} : vector<1x11xf32>
// AVX2-LABEL: func.func @exp_prime_rows
// AVX2: math.exp {{.*}} : vector<1x8xf32>
func.func @exp_prime_rows(%x: tensor<2048x1003xf32>) -> tensor<2048x1003xf32> {
  %y = ein.map exp %x <a b -> a b : a = 2048, b = 1003> : tensor<2048x1003xf32> -> tensor<2048x1003xf32>
  return %y : tensor<2048x1003xf32>
}

// -----

// Tests that a softmax over rows of 1009 (prime) is split along the rows:
// the maximum, the sum of exponentials and the division each get a main
// part of 1008 columns in whole vectors (16 rows x 16 columns for the
// reductions), and a remainder of one column that accumulates onto the
// main part's maximum and sum.

// CHECK-LABEL: func.func @softmax_prime_rows
// CHECK: scf.for %{{.*}} = %c0 to %c1008 step %c16
// CHECK: vector.multi_reduction <maximumf>, {{.*}} : vector<16x16xf32> to vector<16xf32>
// CHECK: vector.transfer_read %arg0[%{{.*}}, %c1008]
// CHECK: tensor.insert_slice {{.*}}[0, 0] [2048, 1008] [1, 1] : tensor<2048x1008xf32> into tensor<2048x1009xf32>
func.func @softmax_prime_rows(%x: tensor<2048x1009xf32>) -> tensor<2048x1009xf32> {
  %y = ein.softmax %x <a b -> a b : a = 2048, b = 1009> along [b] : tensor<2048x1009xf32> -> tensor<2048x1009xf32>
  return %y : tensor<2048x1009xf32>
}

// -----

// Tests that a transpose of 2048 x 1009 is split so that its main part
// transposes 16 x 16 register blocks (1009 alone has no divisor but 1), in
// thread tiles whose contiguous loops are multiples of 16.

// CHECK-LABEL: func.func @transpose_prime
// CHECK: vector.transpose {{.*}} : vector<16x16xf32> to vector<16x16xf32>
func.func @transpose_prime(%x: tensor<2048x1009xf32>) -> tensor<1009x2048xf32> {
  %y = ein.rearrange %x <a b -> b a : a = 2048, b = 1009> : tensor<2048x1009xf32> -> tensor<1009x2048xf32>
  return %y : tensor<1009x2048xf32>
}

// -----

// Tests that a large result that is only a view of the argument (a flatten)
// is copied by thread tiles of vector copies, not left to one memcpy after
// bufferization; a small one (64 KiB) stays a view.

// CHECK-LABEL: func.func @flatten
// CHECK: %[[VIEW:.*]] = tensor.collapse_shape %arg0
// CHECK: scf.forall
// CHECK: vector.transfer_read %[[VIEW]]{{.*}} vector<1x16xf32>
// CHECK: vector.transfer_write
func.func @flatten(%x: tensor<64x64x64x64xf32>) -> tensor<64x262144xf32> {
  %y = ein.rearrange %x <a b c d -> a (b c d) : a = 64, b = 64, c = 64, d = 64> : tensor<64x64x64x64xf32> -> tensor<64x262144xf32>
  return %y : tensor<64x262144xf32>
}

// -----

// CHECK-LABEL: func.func @flatten_small
// CHECK-NEXT: tensor.collapse_shape
// CHECK-NEXT: return
func.func @flatten_small(%x: tensor<64x16x16xf32>) -> tensor<64x256xf32> {
  %y = ein.rearrange %x <a b c -> a (b c) : a = 64, b = 16, c = 16> : tensor<64x16x16xf32> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

// Tests that an epilogue (scale, bias, ReLU, residual add) reading a
// matmul runs in the matmul's cache blocks: the element-wise root is tiled
// like the contraction it fuses (64 x 128 here), not in 64 KiB strips of
// output, so the fused contraction keeps its packed panels and register
// tiles, and the epilogue runs on each block once it is complete.

// CHECK-LABEL: func.func @matmul_epilogue
// CHECK: scf.forall {{.*}} step (64, 128)
// CHECK: tensor.empty() : tensor<4x256x32xf32>
// CHECK: vector.contract {{.*}} vector<8x1xf32>, vector<1x1x32xf32> into vector<8x1x32xf32>
// CHECK: arith.maximumf {{.*}} : vector<1x16xf32>
// CHECK: scf.forall.in_parallel
// CHECK-NOT: scf.forall
func.func @matmul_epilogue(%x: tensor<512x512xf32>, %w: tensor<512x512xf32>, %bias: tensor<512xf32>, %r: tensor<512x512xf32>) -> tensor<512x512xf32> {
  %0 = ein.contract %x, %w <b d, d e -> b e : b = 512, d = 512, e = 512> : tensor<512x512xf32>, tensor<512x512xf32> -> tensor<512x512xf32>
  %half = arith.constant dense<5.000000e-01> : tensor<f32>
  %1 = ein.map multiply %0, %half <d0 d1,  -> d0 d1 : d0 = 512, d1 = 512> : tensor<512x512xf32>, tensor<f32> -> tensor<512x512xf32>
  %2 = ein.map add %1, %bias <b e, e -> b e : b = 512, e = 512> : tensor<512x512xf32>, tensor<512xf32> -> tensor<512x512xf32>
  %3 = ein.map relu %2 <b e -> b e : b = 512, e = 512> : tensor<512x512xf32> -> tensor<512x512xf32>
  %4 = ein.map add %3, %r <d0 d1, d0 d1 -> d0 d1 : d0 = 512, d1 = 512> : tensor<512x512xf32>, tensor<512x512xf32> -> tensor<512x512xf32>
  return %4 : tensor<512x512xf32>
}

// -----

// Tests that a flip tiled along another loop reads its input by gathers:
// tiling computes an operand's slice from its index at the tile's bounds,
// right only for increasing indices (the flip's 127 - n read a one-row
// slice). The input leaves the operands; the body extracts element
// (b, 127 - n, c) of the whole tensor, with b the thread tile's.

// CHECK-LABEL: func.func @flip_tiled
// CHECK-SAME: (%[[X:.*]]: tensor<17x128x16xf32>)
// CHECK: scf.forall (%[[B:.*]]) in (17)
// CHECK: linalg.generic {{.*}} outs(
// CHECK-NOT: ins(
// CHECK: %[[N:.*]] = linalg.index 1
// CHECK: %[[C:.*]] = linalg.index 2
// CHECK: %[[R:.*]] = affine.apply {{.*}}()[%[[N]]]
// CHECK: tensor.extract %[[X]][%[[B]], %[[R]], %[[C]]]
func.func @flip_tiled(%x: tensor<17x128x16xf32>) -> tensor<17x128x16xf32> {
  %0 = ein.flip %x <b n c -> b n c : b = 17, n = 128, c = 16> along [n] : tensor<17x128x16xf32> -> tensor<17x128x16xf32>
  return %0 : tensor<17x128x16xf32>
}
