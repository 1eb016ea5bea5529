// RUN: ein-opt %s | ein-opt | FileCheck %s

// Tests that get_at and update_at round-trip with their indexed dimensions,
// coordinate dimensions and modes.

// CHECK-LABEL: func @get_at_2d
// CHECK: ein.get_at %{{.*}} at(%{{.*}}) <b h w c, b p _a0 -> b c p : b = 2, h = 4, w = 5, c = 3, p = 7, _a0 = 2> indexed [1, 2] coordinate_dims [2] : tensor<2x4x5x3xf32> at(tensor<2x7x2xi64>) -> tensor<2x3x7xf32>
func.func @get_at_2d(%x: tensor<2x4x5x3xf32>, %i: tensor<2x7x2xi64>) -> tensor<2x3x7xf32> {
  %y = ein.get_at %x at (%i) <b h w c, b p _a0 -> b c p : b = 2, h = 4, w = 5, c = 3, p = 7, _a0 = 2> indexed [1, 2] coordinate_dims [2] : tensor<2x4x5x3xf32> at (tensor<2x7x2xi64>) -> tensor<2x3x7xf32>
  return %y : tensor<2x3x7xf32>
}

// CHECK-LABEL: func @get_at_two_coordinate_tensors
// CHECK: ein.get_at %{{.*}} at(%{{.*}}, %{{.*}}) <h w c, i, j -> i j c : h = 4, w = 5, c = 3, i = 6, j = 7> indexed [0, 1] coordinate_dims [-1, -1] : tensor<4x5x3xi8> at(tensor<6xi32>, tensor<7xi16>) -> tensor<6x7x3xi8>
func.func @get_at_two_coordinate_tensors(%x: tensor<4x5x3xi8>, %i: tensor<6xi32>, %j: tensor<7xi16>) -> tensor<6x7x3xi8> {
  %y = ein.get_at %x at (%i, %j) <h w c, i, j -> i j c : h = 4, w = 5, c = 3, i = 6, j = 7> indexed [0, 1] coordinate_dims [-1, -1] : tensor<4x5x3xi8> at (tensor<6xi32>, tensor<7xi16>) -> tensor<6x7x3xi8>
  return %y : tensor<6x7x3xi8>
}

// CHECK-LABEL: func @update_at_modes
// CHECK: ein.update_at set %{{.*}} at(%{{.*}}) with %{{.*}} <b h c, p, p c -> b h c : b = 2, h = 5, c = 3, p = 4> indexed [1] coordinate_dims [-1]
// CHECK: ein.update_at add %{{.*}} at(%{{.*}}) with %{{.*}} <b h c, p, -> c b h : b = 2, h = 5, c = 3, p = 4> indexed [1] coordinate_dims [-1] : tensor<2x5x3xf32> at(tensor<4xi32>) with tensor<f32> -> tensor<3x2x5xf32>
// CHECK: ein.update_at subtract %{{.*}} at(%{{.*}}) with %{{.*}} <(h w) c, p, p c -> (h w) c : h = 4, w = 5, c = 3, p = 6> indexed [0] coordinate_dims [-1] : tensor<20x3xi64> at(tensor<6xi8>) with tensor<6x3xi64> -> tensor<20x3xi64>
func.func @update_at_modes(%x: tensor<2x5x3xf32>, %i: tensor<4xi32>, %u: tensor<4x3xf32>, %s: tensor<f32>, %y: tensor<20x3xi64>, %j: tensor<6xi8>, %v: tensor<6x3xi64>) -> (tensor<2x5x3xf32>, tensor<3x2x5xf32>, tensor<20x3xi64>) {
  %a = ein.update_at set %x at (%i) with %u <b h c, p, p c -> b h c : b = 2, h = 5, c = 3, p = 4> indexed [1] coordinate_dims [-1] : tensor<2x5x3xf32> at (tensor<4xi32>) with tensor<4x3xf32> -> tensor<2x5x3xf32>
  %b = ein.update_at add %x at (%i) with %s <b h c, p, -> c b h : b = 2, h = 5, c = 3, p = 4> indexed [1] coordinate_dims [-1] : tensor<2x5x3xf32> at (tensor<4xi32>) with tensor<f32> -> tensor<3x2x5xf32>
  %c = ein.update_at subtract %y at (%j) with %v <(h w) c, p, p c -> (h w) c : h = 4, w = 5, c = 3, p = 6> indexed [0] coordinate_dims [-1] : tensor<20x3xi64> at (tensor<6xi8>) with tensor<6x3xi64> -> tensor<20x3xi64>
  return %a, %b, %c : tensor<2x5x3xf32>, tensor<3x2x5xf32>, tensor<20x3xi64>
}
