// oneDNN peers (Debian's oneDNN 2.6, C++ API), float32 on one CPU engine and one stream.
// Each network is set up once outside the timed loop: primitive descriptors with weights in
// format_tag::any (oneDNN's preferred, usually blocked, layout), the weights reordered into it
// once, bias and activation fused as eltwise post-ops, activations in plain layouts (nc) except
// where noted. The timed loop only executes primitives, then waits on the stream.
//
// One thread: Debian builds oneDNN with the OpenMP runtime (DNNL_CPU_THREADING_RUNTIME OMP, the
// same libgomp as this program; bench/CMakeLists.txt compiles this file only then), which sizes
// its parallel regions from omp_get_max_threads() of the calling thread: omp_set_num_threads(1)
// before each peer, whatever OMP_NUM_THREADS says. ctnn's own regions name their thread count
// (num_threads clause), so this does not touch ctnn's figures.
#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <benchmark/benchmark.h>

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../common.hpp"

namespace ctnn_bench {
namespace {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;
using tag = memory::format_tag;
constexpr auto f32 = memory::data_type::f32;

memory::dim dim(std::size_t n) { return static_cast<memory::dim>(n); }

// The attribute fusing an eltwise activation into a primitive (algorithm::undef: none).
dnnl::primitive_attr activation_post_op(algorithm act) {
  dnnl::post_ops po;
  if (act != algorithm::undef) po.append_eltwise(1.0f, act, 0.0f, 0.0f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(po);
  return attr;
}

// A network as a list of primitives with their arguments, bound once.
struct network {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  std::vector<std::pair<dnnl::primitive, std::unordered_map<int, memory>>> steps;

  network() { omp_set_num_threads(1); }

  void run() {
    for (auto& [p, args] : steps) p.execute(stream, args);
    stream.wait();
  }

  // Values from uniform_values laid out as `layout` says, reordered into `want` (the
  // primitive's choice) once.
  memory constant(const memory::desc& want, const memory::dims& dims, tag layout, std::uint64_t seed, float lo,
                  float hi) {
    memory::dim count = 1;
    for (const memory::dim d : dims) count *= d;
    std::vector<float> v = uniform_values(static_cast<std::size_t>(count), seed, lo, hi);
    memory user({dims, f32, layout}, engine, v.data());
    memory m(want, engine);
    dnnl::reorder(user, m).execute(stream, user, m);
    stream.wait();
    return m;
  }

  // Inner product src -> out units with bias and an optional eltwise post-op (undef: none);
  // user weights laid out as `weights_layout` says, values in [-w_hi, w_hi) and [-b_hi, b_hi).
  // Returns its dst memory (plain nc).
  memory dense(const memory& src, memory::dim out, algorithm act, tag weights_layout, std::uint64_t w_seed,
               float w_hi, std::uint64_t b_seed, float b_hi) {
    const memory::desc& src_md = src.get_desc();
    memory::dims w_dims = src_md.dims();
    w_dims[0] = out;
    const memory::dim batch = src_md.dims()[0];
    const dnnl::inner_product_forward::desc d(prop_kind::forward_inference, src_md, {w_dims, f32, tag::any},
                                              {{out}, f32, tag::x}, {{batch, out}, f32, tag::nc});
    const dnnl::inner_product_forward::primitive_desc pd(d, activation_post_op(act), engine);
    const memory w = constant(pd.weights_desc(), w_dims, weights_layout, w_seed, -w_hi, w_hi);
    const memory b = constant(pd.bias_desc(), {out}, tag::x, b_seed, -b_hi, b_hi);
    memory dst(pd.dst_desc(), engine);
    steps.push_back({dnnl::inner_product_forward(pd),
                     {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, dst}}});
    return dst;
  }

  memory softmax(const memory& src) {
    const dnnl::softmax_forward::primitive_desc pd({prop_kind::forward_inference, src.get_desc(), 1}, engine);
    memory dst(pd.dst_desc(), engine);
    steps.push_back({dnnl::softmax_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}}});
    return dst;
  }
};

// Times net.run() per iteration (one warm-up run first), its output y the sink.
void time_runs(benchmark::State& state, network& net, const memory& y, double samples, double flops) {
  net.run();
  const wall_timer timer;
  for (auto _ : state) {
    net.run();
    benchmark::DoNotOptimize(y.get_data_handle());
    benchmark::ClobberMemory();
  }
  timer.finish(state, samples, flops);
}

// W1: weights stored (out, in) as the Eigen peer's w1_out_in, same values.
void w1_onednn(benchmark::State& state) {
  network net;
  std::vector<float> x = uniform_values(w1_in, 11, 0.0f, 1.0f);
  const memory src({{1, dim(w1_in)}, f32, tag::nc}, net.engine, x.data());
  const memory h1 = net.dense(src, dim(w1_h1), algorithm::eltwise_relu, tag::oi, 31, 0.08f, 34, 0.1f);
  const memory h2 = net.dense(h1, dim(w1_h2), algorithm::eltwise_relu, tag::oi, 32, 0.2f, 35, 0.1f);
  const memory z = net.dense(h2, dim(w1_out), algorithm::undef, tag::oi, 33, 0.3f, 36, 0.1f);
  const memory y = net.softmax(z);
  time_runs(state, net, y, 1, w1_flops);
}

// W2: the 1x1x28x28 image is given in plain nchw; the convolution's src, weights and dst are
// format_tag::any, so oneDNN picks its own layouts (on AVX-512, 2.6.3's brgconv takes nhwc src
// and dst, which for one channel is the same memory as nchw: oneDNN's descriptors compare equal
// then, and no reorder runs). Were its src layout another, the image would be reordered into it
// inside each call, as a user holding an nchw image would pay. Pooling and the first dense layer
// take the convolution's layout as it is (the dense weights, stored oihw as PyTorch's Flatten of
// NCHW orders them, are reordered to match once), so no other reorder runs.
void w2_onednn(benchmark::State& state) {
  network net;
  const memory::dim side = dim(w2_side), filters = dim(w2_filters), conv_side = side - 2, pooled = dim(w2_pooled);
  std::vector<float> x = uniform_values(w2_side * w2_side, 12, 0.0f, 1.0f);
  const memory image({{1, 1, side, side}, f32, tag::nchw}, net.engine, x.data());

  const memory::dims w_dims{filters, 1, 3, 3};
  const dnnl::convolution_forward::desc conv_d(
      prop_kind::forward_inference, algorithm::convolution_direct, {{1, 1, side, side}, f32, tag::any},
      {w_dims, f32, tag::any}, {{filters}, f32, tag::x}, {{1, filters, conv_side, conv_side}, f32, tag::any}, {1, 1},
      {0, 0}, {0, 0});
  const dnnl::convolution_forward::primitive_desc conv_pd(conv_d, activation_post_op(algorithm::eltwise_relu),
                                                          net.engine);
  memory conv_src = image;
  if (conv_pd.src_desc() != image.get_desc()) {
    conv_src = memory(conv_pd.src_desc(), net.engine);
    net.steps.push_back({dnnl::reorder(image, conv_src), {{DNNL_ARG_FROM, image}, {DNNL_ARG_TO, conv_src}}});
  }
  const memory conv_w = net.constant(conv_pd.weights_desc(), w_dims, tag::oihw, 41, -0.3f, 0.3f);
  const memory conv_b = net.constant(conv_pd.bias_desc(), {filters}, tag::x, 42, -0.1f, 0.1f);
  const memory conv_dst(conv_pd.dst_desc(), net.engine);
  net.steps.push_back({dnnl::convolution_forward(conv_pd), {{DNNL_ARG_SRC, conv_src},
                                                            {DNNL_ARG_WEIGHTS, conv_w},
                                                            {DNNL_ARG_BIAS, conv_b},
                                                            {DNNL_ARG_DST, conv_dst}}});

  const dnnl::pooling_forward::desc pool_d(prop_kind::forward_inference, algorithm::pooling_max, conv_pd.dst_desc(),
                                           {{1, filters, pooled, pooled}, f32, tag::any}, {2, 2}, {2, 2}, {0, 0},
                                           {0, 0});
  const dnnl::pooling_forward::primitive_desc pool_pd(pool_d, net.engine);
  const memory pool_dst(pool_pd.dst_desc(), net.engine);
  net.steps.push_back({dnnl::pooling_forward(pool_pd), {{DNNL_ARG_SRC, conv_dst}, {DNNL_ARG_DST, pool_dst}}});

  const memory h = net.dense(pool_dst, dim(w2_hidden), algorithm::eltwise_relu, tag::oihw, 43, 0.03f, 44, 0.1f);
  const memory z = net.dense(h, dim(w2_out), algorithm::undef, tag::oi, 45, 0.3f, 46, 0.1f);
  const memory y = net.softmax(z);
  time_runs(state, net, y, 1, w2_flops);
}

// W5: Y = max(X W + b, 0), one inner product with the relu post-op; W stored (in, units) as
// the Eigen and OpenBLAS peers store it (oneDNN's io), same values.
void w5_onednn(benchmark::State& state) {
  network net;
  std::vector<float> x = uniform_values(w5_batch * w5_in, 23, 0.0f, 1.0f);
  const memory src({{dim(w5_batch), dim(w5_in)}, f32, tag::nc}, net.engine, x.data());
  const memory y = net.dense(src, dim(w5_units), algorithm::eltwise_relu, tag::io, 21, 0.05f, 22, 0.1f);
  time_runs(state, net, y, w5_batch, w5_flops);
}

// W7: weights stored (out, in) as the Eigen peer's w7_net, same values; timed as w7_eigen:
// one input value changed from the previous output, the output consumed.
void w7_onednn(benchmark::State& state) {
  network net;
  std::vector<float> x = uniform_values(w7_in, 77, -1.0f, 1.0f);
  const memory src({{1, dim(w7_in)}, f32, tag::nc}, net.engine, x.data());
  const memory h1 = net.dense(src, dim(w7_hidden), algorithm::eltwise_tanh, tag::oi, 71, 0.5f, 74, 0.1f);
  const memory h2 = net.dense(h1, dim(w7_hidden), algorithm::eltwise_tanh, tag::oi, 72, 0.4f, 75, 0.1f);
  const memory y = net.dense(h2, dim(w7_out), algorithm::undef, tag::oi, 73, 0.4f, 76, 0.1f);
  const float* out = static_cast<const float*>(y.get_data_handle());
  net.run();
  float sink = out[0];
  std::size_t t = 0;
  const wall_timer timer;
  for (auto _ : state) {
    x[t++ & (w7_in - 1)] = sink * 1e-3f;
    net.run();
    sink = out[0];
    benchmark::DoNotOptimize(sink);
  }
  timer.finish(state, 1, w7_flops);
}

}  // namespace

void register_onednn_peers() {
  const dnnl::version_t* v = dnnl::version();
  benchmark::AddCustomContext("onednn_version", std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                                                    std::to_string(v->patch));
  benchmark::RegisterBenchmark("W1_mlp_infer_b1/onednn", w1_onednn)->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W2_cnn_infer_b1/onednn", w2_onednn)->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W5_dense_fused_fwd/onednn", w5_onednn)->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W7_tiny_mlp_b1/onednn", w7_onednn)->UseRealTime()->Unit(benchmark::kNanosecond);
}

}  // namespace ctnn_bench
