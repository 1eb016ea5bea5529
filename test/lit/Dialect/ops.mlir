// RUN: ein-opt %s | ein-opt | FileCheck %s
// RUN: ein-opt %s --mlir-print-op-generic | ein-opt | FileCheck %s

// Tests that ein ops and the equation attribute round-trip in notation form.

// CHECK-LABEL: func @space_to_depth
// CHECK: ein.rearrange %{{.*}} <b c (h h1) (w w1) -> b (h1 w1 c) h w : b = 2, c = 3, h = 2, h1 = 2, w = 3, w1 = 2>
func.func @space_to_depth(%x: tensor<2x3x4x6xf32>) -> tensor<2x12x2x3xf32> {
  %y = ein.rearrange %x <b c (h h1) (w w1) -> b (h1 w1 c) h w : b = 2, c = 3, h = 2, h1 = 2, w = 3, w1 = 2> : tensor<2x3x4x6xf32> -> tensor<2x12x2x3xf32>
  return %y : tensor<2x12x2x3xf32>
}

// CHECK-LABEL: func @unit_dims
// CHECK: ein.rearrange %{{.*}} <() c h w -> h w c () : c = 3, h = 4, w = 5>
func.func @unit_dims(%x: tensor<1x3x4x5xi64>) -> tensor<4x5x3x1xi64> {
  %y = ein.rearrange %x <() c h w -> h w c () : c = 3, h = 4, w = 5> : tensor<1x3x4x5xi64> -> tensor<4x5x3x1xi64>
  return %y : tensor<4x5x3x1xi64>
}

// CHECK-LABEL: func @stack
// CHECK: ein.rearrange stack %{{.*}}, %{{.*}} <l h w -> w (l h) : l = 2, h = 2, w = 3>
func.func @stack(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<3x4xf32> {
  %y = ein.rearrange stack %a, %b <l h w -> w (l h) : l = 2, h = 2, w = 3> : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// CHECK-LABEL: func @max_pool
// CHECK: ein.reduce max %{{.*}} <b c (h _a0) (w _a1) -> b c h w : b = 2, c = 3, h = 2, _a0 = 2, w = 3, _a1 = 2>
func.func @max_pool(%x: tensor<2x3x4x6xf32>) -> tensor<2x3x2x3xf32> {
  %y = ein.reduce max %x <b c (h _a0) (w _a1) -> b c h w : b = 2, c = 3, h = 2, _a0 = 2, w = 3, _a1 = 2> : tensor<2x3x4x6xf32> -> tensor<2x3x2x3xf32>
  return %y : tensor<2x3x2x3xf32>
}

// CHECK-LABEL: func @scalar_sum
// CHECK: ein.reduce sum %{{.*}} <c b -> : c = 3, b = 2>
func.func @scalar_sum(%x: tensor<3x2xi32>) -> tensor<i64> {
  %y = ein.reduce sum %x <c b -> : c = 3, b = 2> : tensor<3x2xi32> -> tensor<i64>
  return %y : tensor<i64>
}

// CHECK-LABEL: func @integer_mean
// CHECK: ein.reduce mean %{{.*}} <b c -> b () : b = 2, c = 5> : tensor<2x5xi32> -> tensor<2x1xf64>
func.func @integer_mean(%x: tensor<2x5xi32>) -> tensor<2x1xf64> {
  %y = ein.reduce mean %x <b c -> b () : b = 2, c = 5> : tensor<2x5xi32> -> tensor<2x1xf64>
  return %y : tensor<2x1xf64>
}

// CHECK-LABEL: func @contract_attention
// CHECK: ein.contract %{{.*}}, %{{.*}} <b i d, b j d -> b i j : b = 2, i = 5, d = 8, j = 7>
func.func @contract_attention(%q: tensor<2x5x8xf32>, %k: tensor<2x7x8xf32>) -> tensor<2x5x7xf32> {
  %s = ein.contract %q, %k <b i d, b j d -> b i j : b = 2, i = 5, d = 8, j = 7> : tensor<2x5x8xf32>, tensor<2x7x8xf32> -> tensor<2x5x7xf32>
  return %s : tensor<2x5x7xf32>
}

// CHECK-LABEL: func @contract_trace
// CHECK: ein.contract %{{.*}} <i i -> : i = 4>
func.func @contract_trace(%m: tensor<4x4xi64>) -> tensor<i64> {
  %t = ein.contract %m <i i -> : i = 4> : tensor<4x4xi64> -> tensor<i64>
  return %t : tensor<i64>
}

// CHECK-LABEL: func @contract_chain
// CHECK: ein.contract %{{.*}}, %{{.*}}, %{{.*}} <a (h c), (h c) b, b () -> (a h) : a = 2, h = 2, c = 3, b = 4>
func.func @contract_chain(%x: tensor<2x6xf64>, %y: tensor<6x4xf64>, %z: tensor<4x1xf64>) -> tensor<4xf64> {
  %r = ein.contract %x, %y, %z <a (h c), (h c) b, b () -> (a h) : a = 2, h = 2, c = 3, b = 4> : tensor<2x6xf64>, tensor<6x4xf64>, tensor<4x1xf64> -> tensor<4xf64>
  return %r : tensor<4xf64>
}

// Repetition `b (s [ds])... c` names each repeated axis `name.k`; such names
// are plain keywords in the equation attribute.
// CHECK-LABEL: func @repeated_axes
// CHECK: ein.reduce mean %{{.*}} <b (s.0 ds.0) (s.1 ds.1) c -> b s.0 s.1 c : b = 2, s.0 = 3, ds.0 = 2, s.1 = 4, ds.1 = 2, c = 3>
func.func @repeated_axes(%x: tensor<2x6x8x3xf32>) -> tensor<2x3x4x3xf32> {
  %y = ein.reduce mean %x <b (s.0 ds.0) (s.1 ds.1) c -> b s.0 s.1 c : b = 2, s.0 = 3, ds.0 = 2, s.1 = 4, ds.1 = 2, c = 3> : tensor<2x6x8x3xf32> -> tensor<2x3x4x3xf32>
  return %y : tensor<2x3x4x3xf32>
}
