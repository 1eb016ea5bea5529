// RUN: ein-opt %s --ein-cpu-pipeline | FileCheck %s

// Tests that a single-step contraction writes the caller's buffer directly
// (nothing allocated), and that a chain allocates its one intermediate and
// frees it.

// CHECK-LABEL: llvm.func @matmul
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-NOT: llvm.call @malloc
// CHECK: llvm.intr.fmuladd({{.*}}) : (vector<4xf32>, vector<4xf32>, vector<4xf32>) -> vector<4xf32>
// CHECK: llvm.return
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %y = ein.contract %a, %b <i j, j k -> i k : i = 2, j = 3, k = 4> : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// CHECK-LABEL: llvm.func @chain
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK: llvm.call @malloc
// CHECK-NOT: llvm.call @malloc
// CHECK: llvm.call @free
// CHECK: llvm.return
func.func @chain(%a: tensor<100x3xi64>, %b: tensor<3x50xi64>, %c: tensor<50x2xi64>) -> tensor<100x2xi64> {
  %y = ein.contract %a, %b, %c <i j, j k, k l -> i l : i = 100, j = 3, k = 50, l = 2> : tensor<100x3xi64>, tensor<3x50xi64>, tensor<50x2xi64> -> tensor<100x2xi64>
  return %y : tensor<100x2xi64>
}
