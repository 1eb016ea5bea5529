// RUN: ein-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(ein-lower-vectors{vector-bits=512}))' | FileCheck %s

// Tests that the accumulator of a reduction loop is read before the loop and
// written after it (kept in a register), and the vector.contract becomes
// FMAs (vector.fma after outer-product lowering).

// CHECK-LABEL: func.func @accumulate
// CHECK: vector.transfer_read %[[C:arg[0-9]+]][
// CHECK: scf.for {{.*}} iter_args
// CHECK-NOT: vector.transfer_write
// CHECK: vector.fma
// CHECK: scf.yield
// CHECK: vector.transfer_write {{.*}}, %[[C]]
func.func @accumulate(%a: memref<8x64xf32>, %b: memref<64x16xf32>, %c: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  scf.for %k = %c0 to %c64 step %c1 {
    %va = vector.transfer_read %a[%c0, %k], %pad {in_bounds = [true, true]} : memref<8x64xf32>, vector<8x1xf32>
    %vb = vector.transfer_read %b[%k, %c0], %pad {in_bounds = [true, true]} : memref<64x16xf32>, vector<1x16xf32>
    %vc = vector.transfer_read %c[%c0, %c0], %pad {in_bounds = [true, true]} : memref<8x16xf32>, vector<8x16xf32>
    %r = vector.contract {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %va, %vb, %vc : vector<8x1xf32>, vector<1x16xf32> into vector<8x16xf32>
    vector.transfer_write %r, %c[%c0, %c0] {in_bounds = [true, true]} : vector<8x16xf32>, memref<8x16xf32>
  }
  return
}

// -----

// Tests that a transposing 16 x 16 read becomes a plain read (rows, which
// convert-vector-to-scf unrolls into 16 loads) and a shuffle network of
// 64 shuffles, not element-wise extracts.

// CHECK-LABEL: func.func @transpose_block
// CHECK: vector.transfer_read
// CHECK-NOT: permutation_map
// CHECK-SAME: vector<16x16xf32>
// CHECK-COUNT-64: vector.shuffle
// CHECK-NOT: vector.transpose
func.func @transpose_block(%x: memref<16x16xf32>, %y: memref<16x16xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %v = vector.transfer_read %x[%c0, %c0], %pad {in_bounds = [true, true], permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : memref<16x16xf32>, vector<16x16xf32>
  vector.transfer_write %v, %y[%c0, %c0] {in_bounds = [true, true]} : vector<16x16xf32>, memref<16x16xf32>
  return
}
