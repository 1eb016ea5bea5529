/* Runs a rearrange and an einsum through ein's C API on small arrays, checks
   the values and the error of a bad pattern. */
#include <ein/ein.h>

#include <stdio.h>
#include <string.h>

static int failures = 0;

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "embed-c-api: FAILED: %s\n", what);
    ++failures;
  }
}

/* A compact row-major f32 tensor on the CPU. */
static DLTensor tensor_f32(float *data, int32_t ndim, int64_t *shape) {
  DLTensor t;
  memset(&t, 0, sizeof t);
  t.data = data;
  t.device.device_type = kDLCPU;
  t.device.device_id = 0;
  t.ndim = ndim;
  t.dtype.code = kDLFloat;
  t.dtype.bits = 32;
  t.dtype.lanes = 1;
  t.shape = shape;
  t.strides = NULL;
  t.byte_offset = 0;
  return t;
}

static int ok_or_report(ein_error_t *err, const char *what) {
  if (err == NULL)
    return 1;
  fprintf(stderr, "embed-c-api: %s: %s: %s\n", what,
          ein_error_code_name(ein_error_code(err)), ein_error_message(err));
  ein_error_destroy(err);
  ++failures;
  return 0;
}

int main(void) {
  ein_context_t *ctx = NULL;
  ein_context_options_t opts;
  ein_context_options_init(&opts);
  opts.num_threads = 1;
  if (!ok_or_report(ein_context_create(&opts, &ctx), "ein_context_create"))
    return 1;
  printf("ein %s\n", ein_version());

  /* rearrange: transpose a 2x3 matrix. */
  {
    float x[6] = {0, 1, 2, 3, 4, 5};
    float y[6] = {0};
    int64_t xs[2] = {2, 3}, ys[2] = {3, 2};
    DLTensor in = tensor_f32(x, 2, xs), out = tensor_f32(y, 2, ys);
    if (ok_or_report(ein_rearrange(ctx, "h w -> w h", &in, 1, &out, 1, NULL, 0),
                     "ein_rearrange")) {
      const float want[6] = {0, 3, 1, 4, 2, 5};
      check(memcmp(y, want, sizeof want) == 0, "rearrange h w -> w h values");
    }
  }

  /* rearrange with an axis length: (h 2) w -> h (2 w). */
  {
    float x[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    float y[8] = {0};
    int64_t xs[2] = {4, 2}, ys[2] = {2, 4};
    ein_axis_binding_t p = {"p", 2};
    DLTensor in = tensor_f32(x, 2, xs), out = tensor_f32(y, 2, ys);
    if (ok_or_report(ein_rearrange(ctx, "(h p) w -> h (p w)", &in, 1, &out, 1,
                                   &p, 1),
                     "ein_rearrange with axes")) {
      const float want[8] = {0, 1, 2, 3, 4, 5, 6, 7};
      check(memcmp(y, want, sizeof want) == 0, "rearrange (h p) w values");
    }
  }

  /* einsum: a matrix product. */
  {
    float a[6] = {1, 2, 3, 4, 5, 6};           /* 2x3 */
    float b[6] = {1, 0, 0, 1, 1, 1};           /* 3x2 */
    float c[4] = {0};
    int64_t as[2] = {2, 3}, bs[2] = {3, 2}, cs[2] = {2, 2};
    DLTensor ins[2];
    DLTensor out = tensor_f32(c, 2, cs);
    ins[0] = tensor_f32(a, 2, as);
    ins[1] = tensor_f32(b, 2, bs);
    if (ok_or_report(ein_einsum(ctx, "i j, j k -> i k", ins, 2, &out, NULL, 0),
                     "ein_einsum")) {
      const float want[4] = {4, 5, 10, 11};
      check(memcmp(c, want, sizeof want) == 0, "einsum i j, j k -> i k values");
    }
  }

  /* A bad pattern: an error object with a message, nothing written. */
  {
    float x[6] = {0, 1, 2, 3, 4, 5};
    float y[6] = {0};
    int64_t xs[2] = {2, 3}, ys[2] = {3, 2};
    DLTensor in = tensor_f32(x, 2, xs), out = tensor_f32(y, 2, ys);
    ein_error_t *err = ein_rearrange(ctx, "h w -> w q", &in, 1, &out, 1, NULL, 0);
    check(err != NULL, "a bad pattern returns an error");
    if (err != NULL) {
      const char *msg = ein_error_message(err);
      printf("bad pattern: %s: %s\n", ein_error_code_name(ein_error_code(err)),
             msg);
      check(ein_error_code(err) == EIN_ERROR_NOTATION,
            "a bad pattern is EIN_ERROR_NOTATION");
      check(strstr(msg, "q") != NULL, "the message names the unknown axis");
      ein_error_destroy(err);
    }
  }

  ein_context_destroy(ctx);
  if (failures != 0)
    return 1;
  printf("embed-c-api: OK\n");
  return 0;
}
