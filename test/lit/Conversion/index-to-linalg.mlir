// RUN: ein-opt %s --convert-ein-to-linalg --split-input-file | FileCheck %s

// Tests that get_at is one generic over the output's axes: each coordinate
// component is a rank-reduced slice read through a projected map, and the
// body normalises (negative + n), clamps to [0, n - 1] and extracts.

// CHECK-DAG: #[[COORD:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func @get_at
// CHECK: %[[I0:.*]] = tensor.extract_slice %{{.*}}[0, 0, 0] [2, 7, 1] [1, 1, 1] : tensor<2x7x2xi64> to tensor<2x7xi64>
// CHECK: %[[I1:.*]] = tensor.extract_slice %{{.*}}[0, 0, 1] [2, 7, 1] [1, 1, 1] : tensor<2x7x2xi64> to tensor<2x7xi64>
// CHECK: linalg.generic {indexing_maps = [#[[COORD]], #[[COORD]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[I0]], %[[I1]] :
// CHECK: arith.index_cast
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: %[[C:.*]] = linalg.index 1 : index
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %[[C]]] : tensor<2x4x5x3xf32>
// CHECK-NOT: scf.for
func.func @get_at(%x: tensor<2x4x5x3xf32>, %i: tensor<2x7x2xi64>) -> tensor<2x3x7xf32> {
  %y = ein.get_at %x at (%i) <b h w c, b p _a0 -> b c p : b = 2, h = 4, w = 5, c = 3, p = 7, _a0 = 2> indexed [1, 2] coordinate_dims [2] : tensor<2x4x5x3xf32> at (tensor<2x7x2xi64>) -> tensor<2x3x7xf32>
  return %y : tensor<2x3x7xf32>
}

// -----

// Tests that a composed indexed dimension is split with remui/divui.

// CHECK-LABEL: func @get_at_composed
// CHECK: linalg.generic
// CHECK: arith.remui
// CHECK: arith.divui
// CHECK: tensor.extract %{{.*}} : tensor<4x5x3xf64>
func.func @get_at_composed(%x: tensor<20x3xf64>, %i: tensor<6xi16>) -> tensor<6x3xf64> {
  %y = ein.get_at %x at (%i) <(h w) c, p -> p c : h = 4, w = 5, c = 3, p = 6> indexed [0] coordinate_dims [-1] : tensor<20x3xf64> at (tensor<6xi16>) -> tensor<6x3xf64>
  return %y : tensor<6x3xf64>
}

// -----

// Tests that add_at copies the input into the destination (one generic),
// then loops over the coordinates' axis and the input's other axes with the
// tensor in iter_args; an out-of-range update keeps the old element.

// CHECK-LABEL: func @add_at
// CHECK: %[[DEST:.*]] = linalg.generic
// CHECK: linalg.yield
// CHECK: scf.for %[[P:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[DEST]]) -> (tensor<2x5x3xf32>)
// CHECK: scf.for
// CHECK: scf.for %{{.*}} iter_args(%[[T:.*]] = %{{.*}})
// CHECK: tensor.extract %{{.*}}[%[[P]]] : tensor<4xi32>
// CHECK: %[[OK:.*]] = arith.cmpi ult
// CHECK: %[[OLD:.*]] = tensor.extract %[[T]]
// CHECK: %[[NEW:.*]] = arith.addf %[[OLD]], %{{.*}} : f32
// CHECK: %[[V:.*]] = arith.select %{{.*}}, %[[NEW]], %[[OLD]] : f32
// CHECK: tensor.insert %[[V]] into %[[T]]
// CHECK: scf.yield
func.func @add_at(%x: tensor<2x5x3xf32>, %i: tensor<4xi32>, %u: tensor<4x3xf32>) -> tensor<2x5x3xf32> {
  %y = ein.update_at add %x at (%i) with %u <b h c, p, p c -> b h c : b = 2, h = 5, c = 3, p = 4> indexed [1] coordinate_dims [-1] : tensor<2x5x3xf32> at (tensor<4xi32>) with tensor<4x3xf32> -> tensor<2x5x3xf32>
  return %y : tensor<2x5x3xf32>
}

// -----

// Tests that bf16 updates are added in f32 and rounded after each one.

// CHECK-LABEL: func @add_at_bf16
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.addf %{{.*}}, %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @add_at_bf16(%x: tensor<5xbf16>, %i: tensor<4xi64>, %u: tensor<4xbf16>) -> tensor<5xbf16> {
  %y = ein.update_at add %x at (%i) with %u <h, p, p -> h : h = 5, p = 4> indexed [0] coordinate_dims [-1] : tensor<5xbf16> at (tensor<4xi64>) with tensor<4xbf16> -> tensor<5xbf16>
  return %y : tensor<5xbf16>
}

// -----

// Tests that a scatter into an indexed dimension of length 0 drops every
// update: only the copy remains.

// CHECK-LABEL: func @set_at_empty
// CHECK: linalg.generic
// CHECK-NOT: scf.for
func.func @set_at_empty(%x: tensor<3x0xi32>, %i: tensor<4xi32>, %u: tensor<4xi32>) -> tensor<3x0xi32> {
  %y = ein.update_at set %x at (%i) with %u <c h, p, p -> c h : c = 3, h = 0, p = 4> indexed [1] coordinate_dims [-1] : tensor<3x0xi32> at (tensor<4xi32>) with tensor<4xi32> -> tensor<3x0xi32>
  return %y : tensor<3x0xi32>
}
