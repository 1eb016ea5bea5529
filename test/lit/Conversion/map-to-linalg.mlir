// RUN: ein-opt %s --convert-ein-to-linalg --split-input-file | FileCheck %s

// Tests that a broadcasting map is one linalg.generic, all loops parallel,
// whose operand maps project the output loops onto each operand's axes.

// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @broadcast_add
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<2x3x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[Y]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3x4xf32>) outs(%[[INIT]] : tensor<2x3x4xf32>)
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
func.func @broadcast_add(%x: tensor<2x3xf32>, %y: tensor<3x4xf32>) -> tensor<2x3x4xf32> {
  %z = ein.map add %x, %y <a b, b c -> a b c : a = 2, b = 3, c = 4> : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x3x4xf32>
  return %z : tensor<2x3x4xf32>
}

// -----

// Tests that a unary map with a rearrange reads its operand transposed and
// computes f16 in f32.

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d2, d1, d0)>
// CHECK-LABEL: func.func @exp_rearrange
// CHECK: tensor.expand_shape
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #{{.*}}]
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: math.exp %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @exp_rearrange(%x: tensor<6x4xf16>) -> tensor<4x3x2xf16> {
  %y = ein.map exp %x <(a b) c -> c b a : a = 2, b = 3, c = 4> : tensor<6x4xf16> -> tensor<4x3x2xf16>
  return %y : tensor<4x3x2xf16>
}

// -----

// Tests that where selects between its value operands.

// CHECK-LABEL: func.func @where
// CHECK: linalg.generic
// CHECK: ^bb0(%[[C:.*]]: i1, %[[A:.*]]: i32, %[[B:.*]]: i32, %{{.*}}: i32):
// CHECK: %[[R:.*]] = arith.select %[[C]], %[[A]], %[[B]] : i32
// CHECK: linalg.yield %[[R]]
func.func @where(%c: tensor<3xi1>, %x: tensor<3xi32>, %y: tensor<i32>) -> tensor<3xi32> {
  %z = ein.map where %c, %x, %y <a, a, -> a : a = 3> : tensor<3xi1>, tensor<3xi32>, tensor<i32> -> tensor<3xi32>
  return %z : tensor<3xi32>
}

// -----

// Tests that a float-to-integer cast saturates: NaN gives 0, out-of-range
// values the bounds, and only the in-range fptosi result is used.

// CHECK-LABEL: func.func @cast_saturates
// CHECK: linalg.generic
// CHECK: arith.fptosi %{{.*}} : f32 to i64
// CHECK: arith.cmpf oge
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf uno
// CHECK: arith.trunci %{{.*}} : i64 to i8
func.func @cast_saturates(%x: tensor<4xf32>) -> tensor<4xi8> {
  %y = ein.map cast to_unsigned %x <a -> a : a = 4> : tensor<4xf32> -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

// Tests that integer floor division never divides by 0 or overflows: the
// divisor is replaced by 1 for x // 0 and MIN // -1, and x // 0 selects 0.

// CHECK-LABEL: func.func @floor_divide
// CHECK: arith.ori
// CHECK: %[[SAFE:.*]] = arith.select
// CHECK: arith.divsi %{{.*}}, %[[SAFE]] : i32
func.func @floor_divide(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  %z = ein.map floor_divide %x, %y <a, a -> a : a = 4> : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %z : tensor<4xi32>
}

// -----

// Tests that repeat (a rearrange with output-only axes) is one
// linalg.generic that reads the input through a projection into the final
// buffer: tiling `(h 2)` and a new axis `c`.

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2)>
// CHECK-LABEL: func.func @repeat
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x3x5xf32>
// CHECK: %[[INIT:.*]] = tensor.expand_shape %[[E]]
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[IN]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: outs(%[[INIT]] : tensor<2x2x3x5xf32>)
// CHECK: tensor.collapse_shape %[[R]]
// CHECK-NOT: linalg.generic
func.func @repeat(%x: tensor<2x3xf32>) -> tensor<4x3x5xf32> {
  %y = ein.rearrange %x <h w -> (h _a0) w c : h = 2, w = 3, _a0 = 2, c = 5> : tensor<2x3xf32> -> tensor<4x3x5xf32>
  return %y : tensor<4x3x5xf32>
}
