// The 1989 LeNet-1 training step of lenet1_train, written directly on oneDNN
// (Intel's CPU deep-learning library, whose convolutions PyTorch's CPU path
// also uses), so that the fastest CPU library is measured beside ctgrad in
// the same run: ctgrad_bench --benchmark_filter=onednn_lenet1_train
//
// One step of a batch of B: load the examples, forward, the MSE gradient,
// backward (data and weights), an SGD update of all 9,760 parameters. Every
// primitive and memory is created once, before the timed loop. Activations
// are NHWC; weights take the layout each primitive asks for
// (format_tag::any), reordered where the forward and backward layouts differ.
// Differences from ctgrad's graph, none of which favours ctgrad:
//  - H2's connection table (each output plane reads 8 of H1's 12 planes) is a
//    dense 12-to-12 convolution whose absent connections' weights are zero and
//    stay zero (the gradient is masked in the update): oneDNN has no sparse
//    or grouped form of this table, so it does 12/8 of H2's arithmetic.
//  - The -1 padding (the paper's background value) is a buffer whose border
//    is filled with -1 once: convolutions pad with zeros only, so the input
//    and H1's output are copied into the interiors of such buffers.
// The gradient is checked before the timing (check_gradient), so a wrong
// backward fails the benchmark instead of timing it.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <oneapi/dnnl/dnnl.hpp>

#include "bench/train_bench.hpp"
#include "lenet1/model.hpp"

namespace {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;
using tag = memory::format_tag;

memory::desc f32(const memory::dims& dims, tag layout) { return {dims, memory::data_type::f32, layout}; }
float* floats(const memory& m) { return static_cast<float*>(m.get_data_handle()); }
std::size_t count(const memory& m) { return m.get_desc().get_size() / sizeof(float); }

// tanh as a post-op of the primitive before it, so the pre-activation is
// never written; its backward reads tanh's output (use_dst_for_bwd).
dnnl::primitive_attr then_tanh() {
  dnnl::post_ops ops;
  ops.append_eltwise(1.f, algorithm::eltwise_tanh, 0.f, 0.f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  return attr;
}

// A parameter in the layout its forward primitive chose, its gradient in the
// same layout (SGD is elementwise), and for H2 the connection table's mask.
struct Parameter {
  memory value, gradient, mask;
};

struct Step {
  dnnl::primitive primitive;
  std::unordered_map<int, memory> arguments;
};

class OneDnnLeNet1 {
 public:
  // Weights uniform in +-2.4/sqrt(fan-in), biases 0, output biases -1, as
  // lenet1::initialize; the fan-in of H2 is the 8 planes of its table.
  OneDnnLeNet1(memory::dim batch, std::uint32_t seed) : batch_(batch), stream_(engine_) {
    const memory::dim n = batch;
    std::mt19937 rng(seed);

    // The input, padded by 2 with -1 (one plane: NCHW and NHWC are the same bytes).
    x_ = fill(memory(f32({n, 1, 20, 20}, tag::nchw), engine_), -1.f);
    targets_ = memory(f32({n, 10}, tag::nc), engine_);

    // H1: 12 5x5 stride-2 convolutions to 12x8x8, per-unit biases, tanh.
    // Its output in the layout oneDNN picks (channels blocked by 16 on
    // AVX-512), where its forward and weight gradient run faster than NHWC;
    // H2's stay NHWC: in the layouts oneDNN picks for H2, its backward runs
    // reference code (and its forward does from an NHWC input).
    const dnnl::convolution_forward::primitive_desc h1_conv(
        {prop_kind::forward_training, algorithm::convolution_direct, x_.get_desc(), f32({12, 1, 5, 5}, tag::any),
         f32({n, 12, 8, 8}, tag::any), {2, 2}, {0, 0}, {0, 0}},
        engine_);
    implementations_ = std::string("H1 ") + h1_conv.impl_info_str();
    h1w_ = parameter(h1_conv.weights_desc(), f32({12, 1, 5, 5}, tag::oihw), 2.4f / 5.f, rng);
    const memory h1_sum(h1_conv.dst_desc(), engine_);
    forward_.push_back({dnnl::convolution_forward(h1_conv),
                        {{DNNL_ARG_SRC, x_}, {DNNL_ARG_WEIGHTS, h1w_.value}, {DNNL_ARG_DST, h1_sum}}});
    h1b_ = bias(f32({1, 12, 8, 8}, layout_of(h1_conv.dst_desc())), 0.f);
    h1_ = add_bias_then_tanh(h1_sum, h1b_);

    // H1's output padded by 2 with -1, read by H2.
    const memory h1_padded = fill(memory(f32({n, 12, 12, 12}, tag::nhwc), engine_), -1.f);
    const memory::desc interior = h1_padded.get_desc().submemory_desc({n, 12, 8, 8}, {0, 0, 2, 2});
    forward_.push_back(reorder(h1_, memory(interior, engine_, h1_padded.get_data_handle())));

    // H2: 12 5x5 stride-2 convolutions to 12x4x4 over the connection table.
    const dnnl::convolution_forward::primitive_desc h2_conv(
        {prop_kind::forward_training, algorithm::convolution_direct, h1_padded.get_desc(),
         f32({12, 12, 5, 5}, tag::any), f32({n, 12, 4, 4}, tag::nhwc), {2, 2}, {0, 0}, {0, 0}},
        engine_);
    implementations_ += std::string(", H2 ") + h2_conv.impl_info_str();
    h2w_ = parameter(h2_conv.weights_desc(), f32({12, 12, 5, 5}, tag::oihw), 2.4f / std::sqrt(200.f), rng);
    h2w_.mask = connection_mask(h2_conv.weights_desc());
    multiply(h2w_.value, h2w_.mask);
    const memory h2_sum(h2_conv.dst_desc(), engine_);
    forward_.push_back({dnnl::convolution_forward(h2_conv),
                        {{DNNL_ARG_SRC, h1_padded}, {DNNL_ARG_WEIGHTS, h2w_.value}, {DNNL_ARG_DST, h2_sum}}});
    h2b_ = bias(f32({1, 12, 4, 4}, tag::nhwc), 0.f);
    const memory h2 = add_bias_then_tanh(h2_sum, h2b_);

    // H3: 192 -> 30 and the output 30 -> 10, each with tanh. The inner
    // product reads H2's 12x4x4 planes as they lie (its weights are 4-D).
    auto dense = [&](const memory& in, const memory::dims& weights_dims, memory::dim out, float fan_in,
                     Parameter& weights, Parameter& biases, float bias_value) {
      const dnnl::inner_product_forward::primitive_desc pd(
          {prop_kind::forward_training, in.get_desc(), f32(weights_dims, tag::any), f32({out}, tag::a),
           f32({n, out}, tag::nc)},
          then_tanh(), engine_);
      const tag plain = weights_dims.size() == 4 ? tag::oihw : tag::oi;
      weights = parameter(pd.weights_desc(), f32(weights_dims, plain), 2.4f / std::sqrt(fan_in), rng);
      biases = bias(f32({out}, tag::a), bias_value);
      const memory result(pd.dst_desc(), engine_);
      forward_.push_back({dnnl::inner_product_forward(pd),
                          {{DNNL_ARG_SRC, in},
                           {DNNL_ARG_WEIGHTS, weights.value},
                           {DNNL_ARG_BIAS, biases.value},
                           {DNNL_ARG_DST, result}}});
      return std::make_pair(pd, result);
    };
    const auto [h3_pd, h3] = dense(h2, {30, 12, 4, 4}, 30, 192.f, h3w_, h3b_, 0.f);
    const auto [out_pd, y] = dense(h3, {10, 30}, 10, 30.f, outw_, outb_, -1.f);
    y_ = y;

    // Backward, from the MSE gradient in dy_ (written by hand, backward()).
    dy_ = memory(y_.get_desc(), engine_);
    tanh_backward(y_, dy_);
    const memory dh3 = dense_backward(out_pd, h3, dy_, outw_, outb_);
    tanh_backward(h3, dh3);
    const memory dh2 = dense_backward(h3_pd, h2, dh3, h3w_, h3b_);
    tanh_backward(h2, dh2);
    sum_over_batch(dh2, h2b_.gradient);
    convolution_weights_backward("H2", h2_conv, h1_padded, dh2, h2w_);
    const memory dh1_padded(h1_padded.get_desc(), engine_);
    const dnnl::convolution_backward_data::primitive_desc h2_data(
        {algorithm::convolution_direct, dh1_padded.get_desc(), f32({12, 12, 5, 5}, tag::any), dh2.get_desc(),
         {2, 2}, {0, 0}, {0, 0}},
        engine_, h2_conv);
    implementations_ += std::string(", H2 data ") + h2_data.impl_info_str();
    backward_.push_back({dnnl::convolution_backward_data(h2_data),
                         {{DNNL_ARG_DIFF_DST, dh2},
                          {DNNL_ARG_WEIGHTS, in_layout(h2w_.value, h2_data.weights_desc())},
                          {DNNL_ARG_DIFF_SRC, dh1_padded}}});
    const memory dh1(h1_.get_desc(), engine_);
    backward_.push_back(reorder(memory(interior, engine_, dh1_padded.get_data_handle()), dh1));
    tanh_backward(h1_, dh1);
    sum_over_batch(dh1, h1b_.gradient);
    convolution_weights_backward("H1", h1_conv, x_, dh1, h1w_);
  }

  // The convolutions' implementations, as oneDNN names them: forward, then
  // the gradients (the label of the benchmark).
  const std::string& implementations() const { return implementations_; }

  // Examples first .. first + batch of `split` as the input and +-1 targets.
  void load(const ctgrad::train::Split& split, std::size_t first) {
    float* x = floats(x_);
    float* t = floats(targets_);
    for (memory::dim e = 0; e < batch_; ++e) {
      const std::size_t example = first + static_cast<std::size_t>(e);
      const float* image = split.images.data() + example * 256;
      for (int row = 0; row < 16; ++row)
        std::memcpy(x + e * 400 + (row + 2) * 20 + 2, image + row * 16, 16 * sizeof(float));
      for (int k = 0; k < 10; ++k) t[e * 10 + k] = split.labels[example] == static_cast<std::uint32_t>(k) ? 1.f : -1.f;
    }
  }

  void forward() { run(forward_); }

  // The batch's mean loss: the squared error averaged over the 10 outputs
  // and the examples (the reference's torch.mean((y - t)**2)), after forward().
  float loss() const {
    const float* y = floats(y_);
    const float* t = floats(targets_);
    double sum = 0;
    for (std::size_t i = 0; i < count(y_); ++i) sum += (double(y[i]) - t[i]) * (double(y[i]) - t[i]);
    return static_cast<float>(sum / static_cast<double>(count(y_)));
  }

  // Every gradient of the mean loss, after forward().
  void backward() {
    const float* y = floats(y_);
    const float* t = floats(targets_);
    float* dy = floats(dy_);
    const float scale = 2.f / static_cast<float>(count(y_));
    for (std::size_t i = 0; i < count(y_); ++i) dy[i] = scale * (y[i] - t[i]);
    run(backward_);
  }

  // SGD; H2's absent connections get no gradient, so they stay zero.
  void update(float learning_rate) {
    for (Parameter* p : parameters()) {
      float* value = floats(p->value);
      const float* gradient = floats(p->gradient);
      const std::size_t size = count(p->value);
      if (p->mask) {
        const float* mask = floats(p->mask);
        for (std::size_t i = 0; i < size; ++i) value[i] -= learning_rate * mask[i] * gradient[i];
      } else {
        for (std::size_t i = 0; i < size; ++i) value[i] -= learning_rate * gradient[i];
      }
    }
  }

  // The squared length of the gradient update() follows.
  double gradient_norm2() {
    double sum = 0;
    for (Parameter* p : parameters()) {
      const float* gradient = floats(p->gradient);
      for (std::size_t i = 0; i < count(p->gradient); ++i) {
        const double g = p->mask ? floats(p->mask)[i] * gradient[i] : gradient[i];
        sum += g * g;
      }
    }
    return sum;
  }

 private:
  std::vector<Parameter*> parameters() { return {&h1w_, &h1b_, &h2w_, &h2b_, &h3w_, &h3b_, &outw_, &outb_}; }

  // The format tag of `desc` among those a convolution's output takes here.
  static tag layout_of(const memory::desc& desc) {
    for (const tag candidate : {tag::nChw16c, tag::nChw8c, tag::nhwc, tag::nchw})
      if (memory::desc(desc.dims(), memory::data_type::f32, candidate) == desc) return candidate;
    throw std::runtime_error("oneDNN LeNet-1: H1's output has a layout this benchmark does not know");
  }
  static memory fill(memory m, float value) {
    std::fill_n(floats(m), count(m), value);
    return m;
  }
  static void multiply(const memory& m, const memory& by) {
    for (std::size_t i = 0; i < count(m); ++i) floats(m)[i] *= floats(by)[i];
  }
  Step reorder(const memory& from, const memory& to) {
    return {dnnl::reorder(from, to), {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}}};
  }
  void run(std::vector<Step>& steps) {
    for (Step& step : steps) step.primitive.execute(stream_, step.arguments);
    stream_.wait();
  }
  // `plain` values reordered into `chosen`, the layout a primitive asked for.
  memory from_plain(const memory::desc& plain, const std::vector<float>& values, const memory::desc& chosen) {
    memory source(plain, engine_, const_cast<float*>(values.data()));
    memory result(chosen, engine_);
    std::fill_n(floats(result), count(result), 0.f);  // blocked layouts' padding
    dnnl::reorder(source, result).execute(stream_, source, result);
    stream_.wait();
    return result;
  }
  Parameter parameter(const memory::desc& chosen, const memory::desc& plain, float limit, std::mt19937& rng) {
    std::uniform_real_distribution<float> uniform(-limit, limit);
    std::vector<float> values(plain.get_size() / sizeof(float));
    for (float& v : values) v = uniform(rng);
    return {from_plain(plain, values, chosen), fill(memory(chosen, engine_), 0.f), {}};
  }
  Parameter bias(const memory::desc& desc, float value) {
    return {fill(memory(desc, engine_), value), fill(memory(desc, engine_), 0.f), {}};
  }
  // 1 where H2's output plane reads the input plane (lenet1::H2Connections), else 0.
  memory connection_mask(const memory::desc& chosen) {
    std::vector<float> mask(12 * 12 * 25, 0.f);
    for (std::size_t out = 0; out < 12; ++out)
      for (const std::size_t in : lenet1::H2Connections::planes[out])
        std::fill_n(mask.begin() + static_cast<std::ptrdiff_t>((out * 12 + in) * 25), 25, 1.f);
    return from_plain(f32({12, 12, 5, 5}, tag::oihw), mask, chosen);
  }
  // `value` as a primitive that wants `layout` reads it: itself, or a copy
  // reordered at that point of the backward pass.
  memory in_layout(const memory& value, const memory::desc& layout) {
    if (value.get_desc() == layout) return value;
    const memory copy(layout, engine_);
    backward_.push_back(reorder(value, copy));
    return copy;
  }

  // sum + per-unit bias [1, C, H, W], broadcast over the batch, then tanh.
  memory add_bias_then_tanh(const memory& sum, const Parameter& bias) {
    const dnnl::binary::primitive_desc pd(
        {algorithm::binary_add, sum.get_desc(), bias.value.get_desc(), sum.get_desc()}, then_tanh(), engine_);
    const memory result(pd.dst_desc(), engine_);
    forward_.push_back(
        {dnnl::binary(pd), {{DNNL_ARG_SRC_0, sum}, {DNNL_ARG_SRC_1, bias.value}, {DNNL_ARG_DST, result}}});
    return result;
  }
  // gradient <- gradient * (1 - tanh^2), in place, from tanh's output.
  void tanh_backward(const memory& tanh_output, const memory& gradient) {
    const auto& desc = tanh_output.get_desc();
    const dnnl::eltwise_forward::primitive_desc hint(
        {prop_kind::forward_training, algorithm::eltwise_tanh_use_dst_for_bwd, desc, 0.f, 0.f}, engine_);
    const dnnl::eltwise_backward::primitive_desc pd(
        {algorithm::eltwise_tanh_use_dst_for_bwd, gradient.get_desc(), desc, 0.f, 0.f}, engine_, hint);
    backward_.push_back({dnnl::eltwise_backward(pd),
                         {{DNNL_ARG_DST, tanh_output}, {DNNL_ARG_DIFF_DST, gradient}, {DNNL_ARG_DIFF_SRC, gradient}}});
  }
  // A per-unit bias's gradient: the pre-activation's gradient summed over
  // the batch, as the product of a row of ones [1, B] with the gradient seen
  // as [B, units] (NHWC or channels blocked: each example's units, padding
  // included, are contiguous and in the order of the bias's own layout).
  // Not the reduction primitive: oneDNN 2.6 sums over the batch with its
  // reference code, the slowest primitive of the step.
  void sum_over_batch(const memory& gradient, const memory& bias_gradient) {
    const memory::dim units = static_cast<memory::dim>(count(bias_gradient));
    if (!ones_) ones_ = fill(memory(f32({1, batch_}, tag::ab), engine_), 1.f);
    const memory rows(f32({batch_, units}, tag::ab), engine_, gradient.get_data_handle());
    const memory sum(f32({1, units}, tag::ab), engine_, bias_gradient.get_data_handle());
    const dnnl::matmul::primitive_desc pd({ones_.get_desc(), rows.get_desc(), sum.get_desc()}, engine_);
    backward_.push_back({dnnl::matmul(pd), {{DNNL_ARG_SRC, ones_}, {DNNL_ARG_WEIGHTS, rows}, {DNNL_ARG_DST, sum}}});
  }
  // The weights' gradient, written in the layout the primitive chose and
  // reordered into the parameter's when they differ.
  void convolution_weights_backward(const std::string& layer, const dnnl::convolution_forward::primitive_desc& forward,
                                    const memory& src,
                                    const memory& diff_dst, Parameter& weights) {
    const auto& dims = weights.value.get_desc().dims();
    const dnnl::convolution_backward_weights::primitive_desc pd(
        {algorithm::convolution_direct, src.get_desc(), f32(dims, tag::any), diff_dst.get_desc(), {2, 2}, {0, 0},
         {0, 0}},
        engine_, forward);
    implementations_ += ", " + layer + " weights " + pd.impl_info_str();
    const memory gradient = written_in(pd.diff_weights_desc(), weights.gradient);
    backward_.push_back({dnnl::convolution_backward_weights(pd),
                         {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_WEIGHTS, gradient}}});
    if (gradient != weights.gradient) backward_.push_back(reorder(gradient, weights.gradient));
  }
  // `target` itself if it has `layout`, else a buffer of that layout (the
  // caller reorders it into `target`).
  memory written_in(const memory::desc& layout, const memory& target) {
    return layout == target.get_desc() ? target : memory(layout, engine_);
  }
  // An inner product's backward: its input's gradient (returned), its
  // weights' and bias's.
  memory dense_backward(const dnnl::inner_product_forward::primitive_desc& forward, const memory& in,
                        const memory& diff_dst, Parameter& weights, Parameter& biases) {
    const memory diff_src(in.get_desc(), engine_);
    const auto& dims = weights.value.get_desc().dims();
    const dnnl::inner_product_backward_data::primitive_desc data(
        {in.get_desc(), f32(dims, tag::any), diff_dst.get_desc()}, engine_, forward);
    backward_.push_back({dnnl::inner_product_backward_data(data),
                         {{DNNL_ARG_DIFF_DST, diff_dst},
                          {DNNL_ARG_WEIGHTS, in_layout(weights.value, data.weights_desc())},
                          {DNNL_ARG_DIFF_SRC, diff_src}}});
    const dnnl::inner_product_backward_weights::primitive_desc pd(
        {in.get_desc(), f32(dims, tag::any), biases.gradient.get_desc(), diff_dst.get_desc()}, engine_, forward);
    const memory gradient = written_in(pd.diff_weights_desc(), weights.gradient);
    backward_.push_back({dnnl::inner_product_backward_weights(pd),
                         {{DNNL_ARG_SRC, in},
                          {DNNL_ARG_DIFF_DST, diff_dst},
                          {DNNL_ARG_DIFF_WEIGHTS, gradient},
                          {DNNL_ARG_DIFF_BIAS, biases.gradient}}});
    if (gradient != weights.gradient) backward_.push_back(reorder(gradient, weights.gradient));
    return diff_src;
  }

  memory::dim batch_;
  dnnl::engine engine_{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream_;
  std::vector<Step> forward_, backward_;
  memory x_, targets_, h1_, y_, dy_, ones_;
  Parameter h1w_, h1b_, h2w_, h2b_, h3w_, h3b_, outw_, outb_;
  std::string implementations_;
};

// The gradient's squared length against the loss's central difference
// along it, (L(w + e g) - L(w - e g)) / 2e, on the loaded batch: every
// gradient enters it, so a wrong one shows. Then ten SGD steps on that
// batch must lower its loss. An empty string if both hold, else what failed.
std::string check_gradient(OneDnnLeNet1& net) {
  net.forward();
  const float start = net.loss();
  net.backward();
  const double norm2 = net.gradient_norm2();
  const float step = static_cast<float>(0.01 * start / norm2);  // moves the loss by about 1%
  net.update(step);
  net.forward();
  const float lower = net.loss();
  net.update(-2.f * step);
  net.forward();
  const float higher = net.loss();
  net.update(step);
  const double slope = (double(higher) - lower) / (2.0 * step);
  if (!(std::abs(slope - norm2) <= 0.02 * norm2))
    return "oneDNN LeNet-1: the loss's slope along the gradient is " + std::to_string(slope) +
           ", its squared length " + std::to_string(norm2) + " (a wrong backward)";
  for (int i = 0; i < 10; ++i) {
    net.forward();
    net.backward();
    net.update(0.1f);
  }
  net.forward();
  if (!(net.loss() < start))
    return "oneDNN LeNet-1: ten SGD steps on one batch took its loss from " + std::to_string(start) + " to " +
           std::to_string(net.loss());
  return {};
}

// Examples/s of the step, like lenet1_train, on the same 512 random images.
// Threads are the OpenMP runtime's that Debian's oneDNN is built with.
void onednn_lenet1_train(benchmark::State& state, int batch, int threads) {
  omp_set_num_threads(threads);  // before the primitives: they plan their work for it
  static const ctgrad::train::Split split = ctgrad::bench::random_split(512);
  OneDnnLeNet1 net(batch, 1);
  net.load(split, 0);
  if (const std::string failed = check_gradient(net); !failed.empty()) {
    state.SkipWithError(failed.c_str());
    return;
  }
  state.SetLabel(net.implementations());
  std::size_t next = 0;
  for (auto _ : state) {
    if (next + static_cast<std::size_t>(batch) > split.count()) next = 0;
    net.load(split, next);
    net.forward();
    net.backward();
    net.update(1e-6f);
    next += static_cast<std::size_t>(batch);
  }
  state.SetItemsProcessed(state.iterations() * batch);
}

#if DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_OMP
const bool registered = [] {
  for (const int batch : {1, 32, 128, 512})
    for (const int threads : {1, 2})
      benchmark::RegisterBenchmark(
          ("onednn_lenet1_train/batch:" + std::to_string(batch) + "/threads:" + std::to_string(threads)).c_str(),
          [=](benchmark::State& state) { onednn_lenet1_train(state, batch, threads); })
          ->UseRealTime();
  return true;
}();
#endif

}  // namespace
