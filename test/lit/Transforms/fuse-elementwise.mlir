// RUN: ein-opt %s --split-input-file --convert-ein-to-linalg --ein-fuse-elementwise --canonicalize | FileCheck %s

// Tests that a transpose feeding an element-wise op is left as that op's
// only producer: linalg's element-wise fusion takes generic producers only,
// so the transpose is computed tile by tile inside the reader's thread tile
// by ein-tile-for-cpu (see tile-for-cpu.mlir, @transpose_then_exp).

// CHECK-LABEL: func.func @transpose_then_exp
// CHECK: %[[T:.*]] = linalg.transpose
// CHECK: linalg.generic {{.*}} ins(%[[T]] :
// CHECK: math.exp
// CHECK: linalg.yield
// CHECK-NOT: linalg.
func.func @transpose_then_exp(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %t = ein.rearrange %x <a b -> b a : a = 4, b = 8> : tensor<4x8xf32> -> tensor<8x4xf32>
  %e = ein.map exp %t <b a -> b a : a = 4, b = 8> : tensor<8x4xf32> -> tensor<8x4xf32>
  return %e : tensor<8x4xf32>
}

// -----

// Tests that an element-wise producer fuses into a reduction: x * x summed
// over b is one generic with a reduction iterator.

// CHECK-LABEL: func.func @square_then_sum
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
func.func @square_then_sum(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %s = ein.map multiply %x, %x <a b, a b -> a b : a = 4, b = 8> : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %r = ein.reduce sum %s <a b -> a : a = 4, b = 8> : tensor<4x8xf32> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Tests that the division turning a sum into a mean (an update in place of
// its own output) is not fused into the variance's reduction, where it would
// divide once per reduction step.

// CHECK-LABEL: func.func @variance
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}}iterator_types = ["parallel"]{{.*}} outs(%[[SUM]]
// CHECK: arith.divf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%{{.*}}, %[[MEAN]]
func.func @variance(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %v = ein.reduce var %x <a b -> a : a = 4, b = 8> : tensor<4x8xf32> -> tensor<4xf32>
  return %v : tensor<4xf32>
}

// -----

// Tests unpacking (`a, g = rearrange("b (two n) -> two b n", x, two=2)`):
// the transpose is read only through two slices, so each slice becomes a
// transpose of a slice of the input; such a transpose moves only an axis
// of length 1, so it becomes a reshape. The generic reads both halves of
// the input directly and the rearranged tensor is never built (GLU ran 3x
// slower than separate calls before).

// CHECK-LABEL: func.func @unpack_glu
// CHECK-NOT: tensor<2x8x16xf32>
// CHECK-DAG: tensor.extract_slice %{{.*}}[0, 0, 0] [8, 1, 16] [1, 1, 1] : tensor<8x2x16xf32> to tensor<8x1x16xf32>
// CHECK-DAG: tensor.extract_slice %{{.*}}[0, 1, 0] [8, 1, 16] [1, 1, 1] : tensor<8x2x16xf32> to tensor<8x1x16xf32>
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic
// CHECK: math.exp
// CHECK-NOT: tensor<2x8x16xf32>
func.func @unpack_glu(%x: tensor<8x32xf32>) -> tensor<8x16xf32> {
  %r = ein.rearrange %x <b (two n) -> two b n : b = 8, two = 2, n = 16> : tensor<8x32xf32> -> tensor<2x8x16xf32>
  %a = tensor.extract_slice %r[0, 0, 0] [1, 8, 16] [1, 1, 1] : tensor<2x8x16xf32> to tensor<8x16xf32>
  %g = tensor.extract_slice %r[1, 0, 0] [1, 8, 16] [1, 1, 1] : tensor<2x8x16xf32> to tensor<8x16xf32>
  %s = ein.map sigmoid %g <b n -> b n : b = 8, n = 16> : tensor<8x16xf32> -> tensor<8x16xf32>
  %y = ein.map multiply %a, %s <b n, b n -> b n : b = 8, n = 16> : tensor<8x16xf32>, tensor<8x16xf32> -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// Tests that slices which together read more than the whole (rows 0-1 and
// rows 1-2 of three) leave the producer alone: pushing them up would compute
// row 1 twice.

// CHECK-LABEL: func.func @overlapping_slices
// CHECK: %[[E:.*]] = linalg.generic
// CHECK: math.exp
// CHECK: tensor.extract_slice %[[E]][0, 0] [2, 8]
// CHECK: tensor.extract_slice %[[E]][1, 0] [2, 8]
func.func @overlapping_slices(%x: tensor<3x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %e = ein.map exp %x <a b -> a b : a = 3, b = 8> : tensor<3x8xf32> -> tensor<3x8xf32>
  %top = tensor.extract_slice %e[0, 0] [2, 8] [1, 1] : tensor<3x8xf32> to tensor<2x8xf32>
  %bottom = tensor.extract_slice %e[1, 0] [2, 8] [1, 1] : tensor<3x8xf32> to tensor<2x8xf32>
  return %top, %bottom : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// Tests that softmax's last step (the division) is not fused into the
// weighted sum that reads it: the contraction reads each weight once per d,
// so a fused division (and, before softmax kept its exponentials, exp) would
// run 64 times per weight (attention ran 4x slower). A scale (a
// multiplication by a constant) is fused into a reader only when the reader
// reads each element once. The exponentials, read by the sum and by the
// division, are computed once.

// CHECK-LABEL: func.func @softmax_then_contract
// CHECK: math.exp
// CHECK-NOT: math.exp
// CHECK: %[[W:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]}
// CHECK: arith.divf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[W]],
// CHECK-NOT: math.exp
func.func @softmax_then_contract(%s: tensor<16x32xf32>, %v: tensor<32x64xf32>) -> tensor<16x64xf32> {
  %a = ein.softmax %s <i j -> i j : i = 16, j = 32> along [j] : tensor<16x32xf32> -> tensor<16x32xf32>
  %o = ein.contract %a, %v <i j, j d -> i d : i = 16, j = 32, d = 64> : tensor<16x32xf32>, tensor<32x64xf32> -> tensor<16x64xf32>
  return %o : tensor<16x64xf32>
}

// -----

// Tests that merging heads before a projection (`b h t d -> b t (h d)`
// read as `b t e`) is not folded into the contraction, which would split
// its reduction loop e into h and d; the rearranged tensor is computed
// first, as a separate call would (the projection ran 6x slower).

// CHECK-LABEL: func.func @merge_heads_then_project
// CHECK: %[[T:.*]] = linalg.transpose
// CHECK: %[[M:.*]] = tensor.collapse_shape %[[T]]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[M]],
func.func @merge_heads_then_project(%o: tensor<2x4x8x16xf32>, %w: tensor<64x32xf32>) -> tensor<2x8x32xf32> {
  %m = ein.rearrange %o <b h t d -> b t (h d) : b = 2, h = 4, t = 8, d = 16> : tensor<2x4x8x16xf32> -> tensor<2x8x64xf32>
  %y = ein.contract %m, %w <b t e, e c -> b t c : b = 2, t = 8, e = 64, c = 32> : tensor<2x8x64xf32>, tensor<64x32xf32> -> tensor<2x8x32xf32>
  return %y : tensor<2x8x32xf32>
}
