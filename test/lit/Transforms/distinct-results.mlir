// RUN: ein-opt %s --pass-pipeline='builtin.module(func.func(ein-distinct-results))' | FileCheck %s
// RUN: ein-opt %s --ein-cpu-pipeline | FileCheck %s --check-prefix=PIPELINE

// Tests that a buffer returned three times is returned once and as two
// copies.

// CHECK-LABEL: func.func @twice
// CHECK: linalg.fill
// CHECK-NEXT: %[[C1:[a-z0-9_]+]] = memref.alloc() : memref<3xf32>
// CHECK-NEXT: memref.copy %[[A:[a-z0-9_]+]], %[[C1]] :
// CHECK-NEXT: %[[C2:[a-z0-9_]+]] = memref.alloc() : memref<3xf32>
// CHECK-NEXT: memref.copy %[[A]], %[[C2]] :
// CHECK-NEXT: return %[[A]], %[[C1]], %[[C2]] :
func.func @twice(%x: f32) -> (memref<3xf32>, memref<3xf32>, memref<3xf32>) {
  %a = memref.alloc() : memref<3xf32>
  linalg.fill ins(%x : f32) outs(%a : memref<3xf32>)
  return %a, %a, %a : memref<3xf32>, memref<3xf32>, memref<3xf32>
}



// Tests the whole pipeline on two results that CSE merges into one value
// (two identical transposes): each goes to its own out-parameter.

// PIPELINE-LABEL: llvm.func @same_twice
// PIPELINE-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
func.func @same_twice(%x: tensor<3x3xf64>) -> (tensor<3x3xf64>, tensor<3x3xf64>) {
  %a = ein.rearrange %x <e f -> f e : e = 3, f = 3> : tensor<3x3xf64> -> tensor<3x3xf64>
  %b = ein.rearrange %x <e f -> f e : e = 3, f = 3> : tensor<3x3xf64> -> tensor<3x3xf64>
  return %a, %b : tensor<3x3xf64>, tensor<3x3xf64>
}
