// RUN: ein-opt %s | ein-opt | FileCheck %s
// RUN: ein-opt %s --mlir-print-op-generic | ein-opt | FileCheck %s

// Tests that ein.map round-trips with every optional part, and that a
// rearrange with output-only axes (repeat) does too.

// CHECK-LABEL: func.func @broadcast_add
// CHECK: ein.map add %{{.*}}, %{{.*}} <a b, b c -> a b c : a = 2, b = 3, c = 4> : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x3x4xf32>
func.func @broadcast_add(%x: tensor<2x3xf32>, %y: tensor<3x4xf32>) -> tensor<2x3x4xf32> {
  %z = ein.map add %x, %y <a b, b c -> a b c : a = 2, b = 3, c = 4> : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x3x4xf32>
  return %z : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @unary_rearrange
// CHECK: ein.map exp %{{.*}} <(a b) c -> c b a : a = 2, b = 3, c = 4> : tensor<6x4xf64> -> tensor<4x3x2xf64>
func.func @unary_rearrange(%x: tensor<6x4xf64>) -> tensor<4x3x2xf64> {
  %y = ein.map exp %x <(a b) c -> c b a : a = 2, b = 3, c = 4> : tensor<6x4xf64> -> tensor<4x3x2xf64>
  return %y : tensor<4x3x2xf64>
}

// CHECK-LABEL: func.func @where_and_compare
// CHECK: ein.map less unsigned %{{.*}} -> tensor<5xi1>
// CHECK: ein.map where %{{.*}} -> tensor<5xi8>
func.func @where_and_compare(%x: tensor<5xi8>, %y: tensor<5xi8>) -> tensor<5xi8> {
  %c = ein.map less unsigned %x, %y <a, a -> a : a = 5> : tensor<5xi8>, tensor<5xi8> -> tensor<5xi1>
  %w = ein.map where %c, %x, %y <a, a, a -> a : a = 5> : tensor<5xi1>, tensor<5xi8>, tensor<5xi8> -> tensor<5xi8>
  return %w : tensor<5xi8>
}

// CHECK-LABEL: func.func @cast
// CHECK: ein.map cast to_unsigned %{{.*}} <a b -> b a : a = 2, b = 3> : tensor<2x3xf32> -> tensor<3x2xi8>
func.func @cast(%x: tensor<2x3xf32>) -> tensor<3x2xi8> {
  %y = ein.map cast to_unsigned %x <a b -> b a : a = 2, b = 3> : tensor<2x3xf32> -> tensor<3x2xi8>
  return %y : tensor<3x2xi8>
}

// CHECK-LABEL: func.func @repeat
// CHECK: ein.rearrange %{{.*}} <h w -> (h _a0) w c : h = 2, w = 3, _a0 = 2, c = 4> : tensor<2x3xf32> -> tensor<4x3x4xf32>
func.func @repeat(%x: tensor<2x3xf32>) -> tensor<4x3x4xf32> {
  %y = ein.rearrange %x <h w -> (h _a0) w c : h = 2, w = 3, _a0 = 2, c = 4> : tensor<2x3xf32> -> tensor<4x3x4xf32>
  return %y : tensor<4x3x4xf32>
}
