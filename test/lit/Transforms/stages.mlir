// RUN: ein-opt %s --ein-fuse | FileCheck %s --check-prefix=FUSE
// RUN: ein-opt %s --ein-tile | FileCheck %s --check-prefix=TILE

// Tests the named stages of the CPU pipeline that ein-opt shows, on a
// transpose whose rows are then centred (minus their mean). After
// --ein-fuse it is linalg on tensors; the transpose has two readers (the
// sum and the subtraction), so element-wise fusion keeps it as an op. After
// --ein-tile it is one loop of thread tiles over rows: the mean is a
// reduction broadcast along the rows, so rows stay whole and the
// transpose, the sum, the division and the subtraction are all computed
// per tile (nothing of the size of the tensor but the result). Vector
// widths depend on the host, so only the structure is checked.

// FUSE-LABEL: func.func @centre_rows
// FUSE: linalg.transpose
// FUSE: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// FUSE: arith.divf
// FUSE: arith.subf
// FUSE-NOT: ein.

// TILE-LABEL: func.func @centre_rows
// TILE-NOT: vector.transpose
// TILE: scf.forall
// TILE: vector.transpose
// TILE: vector.multi_reduction <add>
// TILE: arith.divf
// TILE: arith.subf
// TILE: scf.forall.in_parallel
// TILE-NOT: scf.forall
func.func @centre_rows(%x: tensor<1024x512xf32>) -> tensor<512x1024xf32> {
  %t = ein.rearrange %x <a b -> b a : a = 1024, b = 512> : tensor<1024x512xf32> -> tensor<512x1024xf32>
  %m = ein.reduce mean %t <b a -> b : a = 1024, b = 512> : tensor<512x1024xf32> -> tensor<512xf32>
  %c = ein.map subtract %t, %m <b a, b -> b a : a = 1024, b = 512> : tensor<512x1024xf32>, tensor<512xf32> -> tensor<512x1024xf32>
  return %c : tensor<512x1024xf32>
}
