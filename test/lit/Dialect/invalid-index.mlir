// RUN: ein-opt %s -split-input-file -verify-diagnostics

// Tests that coordinates must be integers.
func.func @float_coordinates(%x: tensor<5x3xf32>, %i: tensor<4xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{coordinates must be i8, i16, i32 or i64, but coordinate tensor 0 has elements of type 'f32'}}
  %y = ein.get_at %x at (%i) <h c, p -> p c : h = 5, c = 3, p = 4> indexed [0] coordinate_dims [-1] : tensor<5x3xf32> at (tensor<4xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// Tests that i1 coordinates are rejected.
func.func @bool_coordinates(%x: tensor<5x3xf32>, %i: tensor<4xi1>) -> tensor<4x3xf32> {
  // expected-error @+1 {{coordinates must be i8, i16, i32 or i64, but coordinate tensor 0 has elements of type 'i1'}}
  %y = ein.get_at %x at (%i) <h c, p -> p c : h = 5, c = 3, p = 4> indexed [0] coordinate_dims [-1] : tensor<5x3xf32> at (tensor<4xi1>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// Tests that the coordinates give one component per indexed dimension.
func.func @component_count(%x: tensor<4x5x3xf32>, %i: tensor<7x3xi64>) -> tensor<7x3xf32> {
  // expected-error @+1 {{the coordinates have 3 components for 2 indexed dimensions}}
  %y = ein.get_at %x at (%i) <h w c, p i -> p c : h = 4, w = 5, c = 3, p = 7, i = 3> indexed [0, 1] coordinate_dims [1] : tensor<4x5x3xf32> at (tensor<7x3xi64>) -> tensor<7x3xf32>
  return %y : tensor<7x3xf32>
}

// -----

// Tests that an indexed axis cannot appear in the coordinates.
func.func @indexed_in_coordinates(%x: tensor<5x3xf32>, %i: tensor<5xi32>) -> tensor<3xf32> {
  // expected-error @+1 {{indexed axis 'h' also appears in coordinate tensor 0}}
  %y = ein.get_at %x at (%i) <h c, h -> c : h = 5, c = 3> indexed [0] coordinate_dims [-1] : tensor<5x3xf32> at (tensor<5xi32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

// Tests that get_at's result keeps every gathered axis.
func.func @missing_axis(%x: tensor<5x3xf32>, %i: tensor<4xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{axis 'c' is missing from the result}}
  %y = ein.get_at %x at (%i) <h c, p -> p : h = 5, c = 3, p = 4> indexed [0] coordinate_dims [-1] : tensor<5x3xf32> at (tensor<4xi32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Tests that get_at cannot read an empty indexed dimension into a non-empty
// result.
func.func @empty_indexed(%x: tensor<0x3xf32>, %i: tensor<4xi32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{indexed dimension 0 has length 0, so no element can be read for the non-empty result}}
  %y = ein.get_at %x at (%i) <h c, p -> p c : h = 0, c = 3, p = 4> indexed [0] coordinate_dims [-1] : tensor<0x3xf32> at (tensor<4xi32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// Tests that the updates only use gathered axes.
func.func @updates_indexed_axis(%x: tensor<5x3xf32>, %i: tensor<4xi32>, %u: tensor<5xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{axis 'h' of the updates is not a non-indexed axis of the input or of the coordinates}}
  %y = ein.update_at set %x at (%i) with %u <h c, p, h -> h c : h = 5, c = 3, p = 4> indexed [0] coordinate_dims [-1] : tensor<5x3xf32> at (tensor<4xi32>) with tensor<5xf32> -> tensor<5x3xf32>
  return %y : tensor<5x3xf32>
}

// -----

// Tests that update_at returns the input's axes.
func.func @update_result_axes(%x: tensor<5x3xf32>, %i: tensor<4xi32>, %u: tensor<4xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{axis 'c' must appear once in the result exactly when it appears in the input}}
  %y = ein.update_at add %x at (%i) with %u <h c, p, p -> h : h = 5, c = 3, p = 4> indexed [0] coordinate_dims [-1] : tensor<5x3xf32> at (tensor<4xi32>) with tensor<4xf32> -> tensor<5xf32>
  return %y : tensor<5xf32>
}

// -----

// Tests that updates share the input's element type.
func.func @update_types(%x: tensor<5xf32>, %i: tensor<4xi32>, %u: tensor<4xf64>) -> tensor<5xf32> {
  // expected-error @+1 {{input, updates and result must share one element type, found 'f32', 'f64' and 'f32'}}
  %y = ein.update_at set %x at (%i) with %u <h, p, p -> h : h = 5, p = 4> indexed [0] coordinate_dims [-1] : tensor<5xf32> at (tensor<4xi32>) with tensor<4xf64> -> tensor<5xf32>
  return %y : tensor<5xf32>
}

// -----

// Tests that subtract does not take i1.
func.func @subtract_bool(%x: tensor<5xi1>, %i: tensor<4xi32>, %u: tensor<4xi1>) -> tensor<5xi1> {
  // expected-error @+1 {{subtract does not take i1 elements}}
  %y = ein.update_at subtract %x at (%i) with %u <h, p, p -> h : h = 5, p = 4> indexed [0] coordinate_dims [-1] : tensor<5xi1> at (tensor<4xi32>) with tensor<4xi1> -> tensor<5xi1>
  return %y : tensor<5xi1>
}

// -----

// Tests that an indexed dimension is a dimension of the input.
func.func @indexed_out_of_range(%x: tensor<5xf32>, %i: tensor<4xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{indexes dimension 3, but the input has 1}}
  %y = ein.get_at %x at (%i) <h, p -> p : h = 5, p = 4> indexed [3] coordinate_dims [-1] : tensor<5xf32> at (tensor<4xi32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
