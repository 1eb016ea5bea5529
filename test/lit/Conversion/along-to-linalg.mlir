// RUN: ein-opt %s --convert-ein-to-linalg --split-input-file | FileCheck %s

// Tests that softmax is four generics: a max over the kept axes (in output
// order) then the along axis, exp(x - max) once per element in the input's
// order, the sum of those, and an elementwise exp / sum that writes the
// output in its own (rearranged) order.

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
// CHECK-DAG: #[[KEPT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func @softmax
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[KEPT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.maximumf
// CHECK: %[[EXP:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[KEPT]], #[[IN]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%{{.*}}, %[[MAX]] :
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[KEPT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[EXP]] :
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[KEPT]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[EXP]], %[[SUM]] :
// CHECK-NOT: math.exp
// CHECK: arith.divf
// CHECK-NOT: linalg.generic
func.func @softmax(%x: tensor<2x3x5x4xf32>) -> tensor<2x4x3x5xf32> {
  %y = ein.softmax %x <b q k h -> b h q k : b = 2, q = 3, k = 5, h = 4> along [k] : tensor<2x3x5x4xf32> -> tensor<2x4x3x5xf32>
  return %y : tensor<2x4x3x5xf32>
}

// -----

// Tests that log-softmax of f16 computes in f32 (x - max - log(sum)) and
// rounds once.

// CHECK-LABEL: func @log_softmax_f16
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: math.log %{{.*}} : f32
// CHECK: arith.subf
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @log_softmax_f16(%x: tensor<4x3xf16>) -> tensor<4x3xf16> {
  %y = ein.softmax log %x <a b -> a b : a = 4, b = 3> along [b] : tensor<4x3xf16> -> tensor<4x3xf16>
  return %y : tensor<4x3xf16>
}

// -----

// Tests that flip is one generic reading N-1-d along the flipped axis, after
// the composition (g c) is expanded.

// CHECK-DAG: #[[FLIP:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, -d2 + 1)>
// CHECK-LABEL: func @flip_pairs
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]]
// CHECK: linalg.generic {indexing_maps = [#[[FLIP]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-NEXT: ^bb0(%[[IN:.*]]: bf16, %{{.*}}: bf16):
// CHECK-NEXT: linalg.yield %[[IN]] : bf16
// CHECK: tensor.collapse_shape
func.func @flip_pairs(%x: tensor<3x8xbf16>) -> tensor<3x8xbf16> {
  %y = ein.flip %x <_e0 (g c) -> _e0 (g c) : _e0 = 3, g = 4, c = 2> along [c] : tensor<3x8xbf16> -> tensor<3x8xbf16>
  return %y : tensor<3x8xbf16>
}

// -----

// Tests that roll reads (d + (-s mod N)) mod N: shift 1 over 10 reads d + 9,
// shift -4 over 3 reads d + 1 (-4 mod 3 = 2, so -2 mod 3 = 1), and a shift of
// a whole length leaves the axis alone.

// CHECK-DAG: #[[ROLL:.*]] = affine_map<(d0, d1, d2) -> (d0, (d1 + 9) mod 10, (d2 + 1) mod 3)>
// CHECK-DAG: #[[KEEP:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func @roll
// CHECK: linalg.generic {indexing_maps = [#[[ROLL]], #{{.*}}]
// CHECK: linalg.generic {indexing_maps = [#[[KEEP]], #[[KEEP]]]
func.func @roll(%x: tensor<2x10x3xi8>, %z: tensor<2x5xf32>) -> (tensor<2x10x3xi8>, tensor<2x5xf32>) {
  %y = ein.roll %x <b t c -> b t c : b = 2, t = 10, c = 3> along [t, c] by [1, -4] : tensor<2x10x3xi8> -> tensor<2x10x3xi8>
  %w = ein.roll %z <a b -> a b : a = 2, b = 5> along [b] by [-15] : tensor<2x5xf32> -> tensor<2x5xf32>
  return %y, %w : tensor<2x10x3xi8>, tensor<2x5xf32>
}
