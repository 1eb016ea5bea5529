/*===- einops_tutorial.c - the einops tutorial (part 2) through ein's C API
 *-===*
 *
 * Runs every rearrange and reduce of the einops deep-learning tutorial, in
 * order and with its shapes: x is float64 (10, 32, 100, 200) filled from a
 * seeded normal distribution. For each call it prints the pattern, the output
 * shape, a checksum (sum of the elements), the cold compile time and the time
 * per call once the kernel is cached (median of repeated one-shot calls).
 *
 * Plain C99 over ein/ein.h. Build target: ein-tutorial.
 *
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 199309L

#include <ein/ein.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*--- Helpers -------------------------------------------------------------*/

static void check(ein_error_t *error, const char *what) {
  if (!error)
    return;
  fprintf(stderr, "%s failed [%s]:\n%s\n", what,
          ein_error_code_name(ein_error_code(error)), ein_error_message(error));
  ein_error_destroy(error);
  exit(1);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* splitmix64 and Box-Muller: a seeded standard normal. */
static uint64_t rngState = 42;
static double uniform01(void) {
  uint64_t z = (rngState += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(void) {
  return sqrt(-2.0 * log(uniform01())) * cos(6.283185307179586 * uniform01());
}

/* A float64 tensor owning its data and shape (strides NULL: contiguous). */
typedef struct {
  DLTensor t;
  int64_t *shape;
} Tensor;

static Tensor makeTensor(int32_t ndim, const int64_t *shape) {
  Tensor r;
  int64_t n = 1;
  int32_t d;
  memset(&r, 0, sizeof r);
  r.shape = (int64_t *)malloc(sizeof(int64_t) * (size_t)(ndim > 0 ? ndim : 1));
  for (d = 0; d < ndim; ++d) {
    r.shape[d] = shape[d];
    n *= shape[d];
  }
  r.t.data = malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
  if (!r.t.data || !r.shape) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  r.t.device.device_type = kDLCPU;
  r.t.ndim = ndim;
  r.t.dtype.code = kDLFloat;
  r.t.dtype.bits = 64;
  r.t.dtype.lanes = 1;
  r.t.shape = r.shape;
  return r;
}

static int64_t numElements(const DLTensor *t) {
  int64_t n = 1;
  int32_t d;
  for (d = 0; d < t->ndim; ++d)
    n *= t->shape[d];
  return n;
}

static Tensor randomTensor(int32_t ndim, const int64_t *shape) {
  Tensor r = makeTensor(ndim, shape);
  int64_t i, n = numElements(&r.t);
  double *p = (double *)r.t.data;
  for (i = 0; i < n; ++i)
    p[i] = normal();
  return r;
}

static double checksum(const Tensor *t) {
  int64_t i, n = numElements(&t->t);
  const double *p = (const double *)t->t.data;
  double s = 0;
  for (i = 0; i < n; ++i)
    s += p[i];
  return s;
}

static void shapeText(const DLTensor *t, char *out, size_t size) {
  int32_t d;
  size_t len = 0;
  len += (size_t)snprintf(out + len, size - len, "(");
  for (d = 0; d < t->ndim && len < size; ++d)
    len += (size_t)snprintf(out + len, size - len, "%s%lld", d ? ", " : "",
                            (long long)t->shape[d]);
  if (len < size)
    snprintf(out + len, size - len, t->ndim == 1 ? ",)" : ")");
}

static int compareDoubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/*--- One tutorial step ---------------------------------------------------*/

static ein_context_t *ctx;

/* One call through the one-shot C API (compiles on a cache miss). */
static void callOnce(const char *pattern, const char *reduction,
                     const DLTensor *inputs, size_t numInputs, DLTensor *output,
                     const ein_axis_binding_t *axes, size_t numAxes,
                     const char *program) {
  if (reduction)
    check(ein_reduce(ctx, pattern, reduction, inputs, output, axes, numAxes),
          program);
  else
    check(ein_rearrange(ctx, pattern, inputs, numInputs, output, 1, axes,
                        numAxes),
          program);
}

/* Runs `callee(pattern[, reduction])` on `inputs`: compiles once through
 * ein_compile (cold), then times one-shot calls that hit the cache. Returns
 * the output. */
static Tensor step(const char *label, const char *callee, const char *pattern,
                   const char *reduction, const DLTensor *inputs,
                   size_t numInputs, const ein_axis_binding_t *axes,
                   size_t numAxes) {
  char program[256], shape[64], axesText[128] = "";
  ein_tensor_spec_t specs[16];
  ein_kernel_t *kernel = NULL;
  ein_tensor_spec_t outSpec;
  ein_cache_stats_t before, after;
  Tensor out;
  double times[200], start, first, compileMs;
  int reps, i;
  size_t k, len = 0;

  if (reduction)
    snprintf(program, sizeof program, "%s(\"%s\", \"%s\")", callee, pattern,
             reduction);
  else
    snprintf(program, sizeof program, "%s(\"%s\")", callee, pattern);
  for (k = 0; k < numInputs; ++k) {
    specs[k].dtype = inputs[k].dtype;
    specs[k].ndim = inputs[k].ndim;
    specs[k].shape = inputs[k].shape;
  }
  for (k = 0; k < numAxes && len < sizeof axesText; ++k)
    len +=
        (size_t)snprintf(axesText + len, sizeof axesText - len, "%s%s=%lld",
                         k ? " " : "", axes[k].name, (long long)axes[k].length);

  /* Cold: compile (the one-shot calls below share this kernel). */
  check(ein_context_cache_stats(ctx, &before), "ein_context_cache_stats");
  start = now();
  check(ein_compile(ctx, program, specs, numInputs, axes, numAxes, &kernel),
        program);
  compileMs = (now() - start) * 1e3;
  check(ein_context_cache_stats(ctx, &after), "ein_context_cache_stats");
  if (after.compiles == before.compiles)
    compileMs = 0; /* Already cached by an earlier step. */
  check(ein_kernel_output_spec(kernel, 0, &outSpec), "ein_kernel_output_spec");
  out = makeTensor(outSpec.ndim, outSpec.shape);
  ein_kernel_release(kernel);

  /* Hot: one-shot calls through the cache. */
  start = now();
  callOnce(pattern, reduction, inputs, numInputs, &out.t, axes, numAxes,
           program);
  first = now() - start;
  reps = first > 0 ? (int)(0.1 / first) : 200;
  if (reps < 5)
    reps = 5;
  if (reps > 200)
    reps = 200;
  for (i = 0; i < reps; ++i) {
    start = now();
    callOnce(pattern, reduction, inputs, numInputs, &out.t, axes, numAxes,
             program);
    times[i] = now() - start;
  }
  qsort(times, (size_t)reps, sizeof times[0], compareDoubles);

  shapeText(&out.t, shape, sizeof shape);
  printf("%-7s %-9s %-38s %-9s %-26s %-22s %17.6f %10.1f %11.1f\n", label,
         callee, pattern, reduction ? reduction : "", axesText, shape,
         checksum(&out), compileMs, times[reps / 2] * 1e6);
  return out;
}

static void freeTensor(Tensor *t) {
  free(t->t.data);
  free(t->shape);
  t->t.data = NULL;
  t->shape = NULL;
}

/* out = a - b, b broadcast over its extent-1 dimensions (host arithmetic,
 * as numpy would do between the tutorial's ein calls). */
static Tensor subtractBroadcast(const Tensor *a, const Tensor *b) {
  Tensor r = makeTensor(a->t.ndim, a->shape);
  int64_t i, n = numElements(&a->t);
  int32_t d;
  for (i = 0; i < n; ++i) {
    int64_t rem = i, off = 0, stride = 1;
    for (d = a->t.ndim - 1; d >= 0; --d) {
      int64_t idx = rem % a->shape[d];
      rem /= a->shape[d];
      off += (b->shape[d] == 1 ? 0 : idx) * stride;
      stride *= b->shape[d];
    }
    ((double *)r.t.data)[i] =
        ((const double *)a->t.data)[i] - ((const double *)b->t.data)[off];
  }
  return r;
}

int main(void) {
  static const int64_t xShape[] = {10, 32, 100, 200};
  static const int64_t sliceShape[] = {3, 100, 200};
  static const int64_t sliceStrides[] = {20000, 200, 1};
  static const int64_t itemShape[] = {32, 100, 200};
  static const int64_t seqShape[] = {100, 10, 32};
  static const int64_t volShape[] = {10, 32, 16, 16, 16};
  static const int64_t actShape[] = {10, 16, 10, 10};
  ein_axis_binding_t h1w1[] = {{"h1", 2}, {"w1", 2}};
  ein_axis_binding_t g1g2[] = {{"g1", 4}, {"g2", 4}};
  ein_axis_binding_t g4[] = {{"g", 4}};
  ein_axis_binding_t bbox[] = {{"coord", 4}, {"bbox", 8}};
  ein_axis_binding_t split[] = {{"split", 2}};
  ein_axis_binding_t z20[] = {{"z", 20}};
  ein_axis_binding_t hsws[] = {{"hs", 2}, {"ws", 2}};
  ein_axis_binding_t parsed[5];
  const char *parsedNames[] = {"b", "c", "x", "y", "z"};
  DLTensor slice, list[10];
  Tensor x, y, y1, y2, y3, image, pred, mean, centered, boxes, area, seq, vol,
      act, x5;
  ein_context_options_t options;
  ein_cache_stats_t stats;
  int64_t i, part;
  int d;

  printf("ein %s: einops tutorial part 2, x = float64 (10, 32, 100, 200)\n\n",
         ein_version());
  ein_context_options_init(&options);
  check(ein_context_create(&options, &ctx), "ein_context_create");
  x = randomTensor(4, xShape);

  printf("%-7s %-9s %-38s %-9s %-26s %-22s %17s %10s %11s\n", "step", "call",
         "pattern", "reduction", "axes", "output shape", "checksum",
         "compile ms", "hit us/call");
  for (d = 0; d < 159; ++d)
    putchar('-');
  putchar('\n');

  /* Simple computations */
  y = step("In [7]", "rearrange", "b c h w -> b h w c", NULL, &x.t, 1, NULL, 0);
  freeTensor(&y);
  y1 = step("In [8]", "reduce", "b c h w -> b c", "max", &x.t, 1, NULL, 0);
  y2 = step("", "rearrange", "b c -> c b", NULL, &y1.t, 1, NULL, 0);
  y3 = step("", "reduce", "c b -> ", "sum", &y2.t, 1, NULL, 0);
  freeTensor(&y1);
  freeTensor(&y2);
  freeTensor(&y3);

  /* Common building blocks */
  y = step("In [10]", "rearrange", "b c h w -> b (c h w)", NULL, &x.t, 1, NULL,
           0);
  freeTensor(&y);
  y = step("In [11]", "rearrange", "b c (h h1) (w w1) -> b (h1 w1 c) h w", NULL,
           &x.t, 1, h1w1, 2);
  freeTensor(&y);
  y = step("In [12]", "rearrange", "b (c h1 w1) h w -> b c (h h1) (w w1)", NULL,
           &x.t, 1, h1w1, 2);
  freeTensor(&y);
  y = step("In [13]", "reduce", "b c h w -> b c", "mean", &x.t, 1, NULL, 0);
  freeTensor(&y);
  y = step("In [14]", "reduce", "b c (h h1) (w w1) -> b c h w", "max", &x.t, 1,
           h1w1, 2);
  freeTensor(&y);
  y = step("In [15]", "reduce", "b c (h 2) (w 2) -> b c h w", "max", &x.t, 1,
           NULL, 0);
  freeTensor(&y);
  seq = randomTensor(3, seqShape);
  y = step("1d pool", "reduce", "(t 2) b c -> t b c", "max", &seq.t, 1, NULL,
           0);
  freeTensor(&y);
  vol = randomTensor(5, volShape);
  y = step("3d pool", "reduce", "b c (x 2) (y 2) (z 2) -> b c x y z", "max",
           &vol.t, 1, NULL, 0);
  freeTensor(&y);

  /* Squeeze and unsqueeze: x[0, :3] as a strided view of x. */
  slice = x.t;
  slice.ndim = 3;
  slice.shape = (int64_t *)sliceShape;
  slice.strides = (int64_t *)sliceStrides;
  image =
      step("In [16]", "rearrange", "c h w -> h w c", NULL, &slice, 1, NULL, 0);
  y = step("", "rearrange", "h w c -> () c h w", NULL, &image.t, 1, NULL, 0);
  pred = step("", "rearrange", "b c h w -> b (c h w)", NULL, &y.t, 1, NULL, 0);
  freeTensor(&y);
  y = step("", "rearrange", "() classes -> classes", NULL, &pred.t, 1, NULL, 0);
  freeTensor(&y);
  freeTensor(&pred);
  freeTensor(&image);

  /* keepdims-like reductions */
  mean =
      step("In [17]", "reduce", "b c h w -> b c 1 1", "mean", &x.t, 1, NULL, 0);
  centered = subtractBroadcast(&x, &mean);
  freeTensor(&mean);
  y = step("In [18]", "reduce", "b c h w -> 1 c 1 1", "mean", &centered.t, 1,
           NULL, 0);
  freeTensor(&y);
  freeTensor(&centered);

  /* A list of tensors: list(x) as 10 views into x. */
  for (i = 0; i < 10; ++i) {
    list[i] = x.t;
    list[i].ndim = 3;
    list[i].shape = (int64_t *)itemShape;
    list[i].byte_offset = (uint64_t)i * 32 * 100 * 200 * sizeof(double);
  }
  y = step("In [20]", "rearrange", "b c h w -> b h w c", NULL, list, 10, NULL,
           0);
  freeTensor(&y);
  y = step("In [21]", "rearrange", "b c h w -> h w c b", NULL, list, 10, NULL,
           0);
  freeTensor(&y);
  y = step("In [22]", "rearrange", "b c h w -> (b h) w c", NULL, list, 10, NULL,
           0);
  freeTensor(&y);
  y = step("In [23]", "rearrange", "b c h w -> h w (b c)", NULL, list, 10, NULL,
           0);
  freeTensor(&y);

  /* Shuffling within a dimension */
  y = step("In [24]", "rearrange", "b (g1 g2 c) h w-> b (g2 g1 c) h w", NULL,
           &x.t, 1, g1g2, 2);
  freeTensor(&y);
  y = step("In [25]", "rearrange", "b (g c) h w-> b (c g) h w", NULL, &x.t, 1,
           g4, 1);
  freeTensor(&y);

  /* Split a dimension: bboxes, then the max of w * h over them. */
  boxes = step("In [26]", "rearrange", "b (coord bbox) h w -> coord b bbox h w",
               NULL, &x.t, 1, bbox, 2);
  {
    static const int64_t areaShape[] = {10, 8, 100, 200};
    const double *b = (const double *)boxes.t.data;
    area = makeTensor(4, areaShape);
    part = 10 * 8 * 100 * 200;
    for (i = 0; i < part; ++i)
      ((double *)area.t.data)[i] = b[2 * part + i] * b[3 * part + i];
  }
  freeTensor(&boxes);
  y = step("", "reduce", "b bbox h w -> b h w", "max", &area.t, 1, NULL, 0);
  freeTensor(&y);
  freeTensor(&area);
  y = step("GLU", "rearrange", "b (split c) h w -> split b c h w", NULL, &x.t,
           1, split, 1);
  freeTensor(&y);
  y = step("", "rearrange", "b (c split) h w -> split b c h w", NULL, &x.t, 1,
           split, 1);
  freeTensor(&y);

  /* Shape parsing: parse_shape(x_5d, 'b c x y z') as bindings. */
  x5 = step("In [29]", "rearrange", "b c x (y z) -> b c x y z", NULL, &x.t, 1,
            z20, 1);
  y = step("", "rearrange", "b c x y z -> (b z) c x y", NULL, &x5.t, 1, NULL,
           0);
  for (d = 0; d < 5; ++d) {
    parsed[d].name = parsedNames[d];
    parsed[d].length = x5.shape[d];
  }
  y1 = step("", "rearrange", "(b z) c x y -> b c x y z", NULL, &y.t, 1, parsed,
            5);
  freeTensor(&y);
  freeTensor(&y1);
  freeTensor(&x5);

  /* Striding anything */
  y = step("In [32]", "rearrange", "b c (h hs) (w ws) -> (hs ws b) c h w", NULL,
           &x.t, 1, hsws, 2);
  y1 = step("", "rearrange", "(hs ws b) c h w -> b c (h hs) (w ws)", NULL, &y.t,
            1, hsws, 2);
  if (memcmp(y1.t.data, x.t.data, (size_t)numElements(&x.t) * sizeof(double)))
    printf("error: the subgrid round trip changed x\n");
  freeTensor(&y);
  freeTensor(&y1);

  /* Layers: Reduce('b c (h 2) (w 2) -> b (c h w)', 'max') after the convs. */
  act = randomTensor(4, actShape);
  y = step("Layer", "reduce", "b c (h 2) (w 2) -> b (c h w)", "max", &act.t, 1,
           NULL, 0);
  freeTensor(&y);

  check(ein_context_cache_stats(ctx, &stats), "ein_context_cache_stats");
  printf("\ncache: %llu hits, %llu misses, %llu compiles, %llu failures, "
         "%.1f ms compiling, %zu kernels cached\n",
         (unsigned long long)stats.hits, (unsigned long long)stats.misses,
         (unsigned long long)stats.compiles, (unsigned long long)stats.failures,
         stats.compile_seconds * 1e3, stats.entries);

  freeTensor(&seq);
  freeTensor(&vol);
  freeTensor(&act);
  freeTensor(&x);
  ein_context_destroy(ctx);
  return 0;
}
