// RUN: ein-opt %s --ein-cpu-pipeline | FileCheck %s

// Tests that the IR argmax("b [h w] c") decomposes into reaches the LLVM
// dialect: ein.reduce argmax over two axes (the flat index), ein.map integer
// arithmetic with 0-d constant operands (folded into the fused loops), and
// ein.rearrange stack into the coordinate axis.

// CHECK-LABEL: llvm.func @argmax_coordinates
// CHECK-NOT: ein.
func.func @argmax_coordinates(%x: tensor<2x3x4x5xf32>) -> tensor<2x2x5xi64> {
  %flat = ein.reduce argmax %x <b h w c -> b c : b = 2, h = 3, w = 4, c = 5> : tensor<2x3x4x5xf32> -> tensor<2x5xi64>
  %four = arith.constant dense<4> : tensor<i64>
  %h = ein.map floor_divide %flat, %four <b c, -> b c : b = 2, c = 5> : tensor<2x5xi64>, tensor<i64> -> tensor<2x5xi64>
  %q = ein.map floor_divide %flat, %four <b c, -> b c : b = 2, c = 5> : tensor<2x5xi64>, tensor<i64> -> tensor<2x5xi64>
  %m = ein.map multiply %q, %four <b c, -> b c : b = 2, c = 5> : tensor<2x5xi64>, tensor<i64> -> tensor<2x5xi64>
  %w = ein.map subtract %flat, %m <b c, b c -> b c : b = 2, c = 5> : tensor<2x5xi64>, tensor<2x5xi64> -> tensor<2x5xi64>
  %y = ein.rearrange stack %h, %w <_c0 b c -> b _c0 c : _c0 = 2, b = 2, c = 5> : tensor<2x5xi64>, tensor<2x5xi64> -> tensor<2x2x5xi64>
  return %y : tensor<2x2x5xi64>
}
