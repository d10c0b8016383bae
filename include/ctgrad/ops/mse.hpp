#pragma once
#include "ctgrad/ops/expr.hpp"

namespace ctgrad {

// The shape rule (core/shape_rule.hpp), on the nodes: the label must also be a target.
template <class Y, class T>
constexpr auto mse_rule() {
  if constexpr (!std::is_same_v<typename Y::shape, typename T::shape>)
    return broken<"mse: prediction and target shapes differ: {} vs {}", typename Y::shape, typename T::shape>;
  else
    return label_rule<"mse", Y, T>();
}

// Mean squared error: mean over all elements of (y - target)^2, a scalar.
// LeCun 1989 trains on this loss with +1/-1 targets.
template <class Y, class T>
struct MseLoss : OpBase {
  using in_shape = typename Y::shape;
  static_assert(checked<mse_rule<Y, T>()>);
  using shape = Shape<>;
  using arguments = std::tuple<Y, T>;
  static constexpr std::string_view op_name = "mse";
  static constexpr bool writes_input_grads = true;
  static constexpr float inverse_count = 1.f / static_cast<float>(in_shape::size);
  arguments args;
  bool operator==(const MseLoss&) const = default;

  template <class K>
  void forward(const Tensor<in_shape>& y, const Tensor<in_shape>& t, Tensor<shape>& loss, NoScratch&) const {
    float sum = 0;
    for (std::size_t i = 0; i < in_shape::size; ++i) sum += (y[i] - t[i]) * (y[i] - t[i]);
    loss[0] = sum * inverse_count;
  }
  template <class K, class DY, class DT>
  void backward(const Tensor<in_shape>& y, const Tensor<in_shape>& t, const Tensor<shape>&, const Tensor<shape>& dloss,
                DY dy, DT dt, NoScratch&) const {
    const float scale = 2.f * inverse_count * dloss[0];
    for (std::size_t i = 0; i < in_shape::size; ++i) {
      const float g = scale * (y[i] - t[i]);
      if constexpr (wants_grad<DY>) {
        if constexpr (DY::overwrite)
          dy.data()[i] = g;
        else
          dy.data()[i] += g;
      }
      if constexpr (wants_grad<DT>) {
        if constexpr (DT::overwrite)
          dt.data()[i] = -g;
        else
          dt.data()[i] -= g;
      }
    }
  }
  // The paper's E = 1/2 sum (y - t)^2 has d2E/dy2 = 1 per output; this loss
  // is the mean, (1/n) sum (y - t)^2, so d2/dy2 = 2/n (0.2 for LeNet-1's 10
  // outputs), the same factor as its gradient. Exact: no term is dropped.
  static constexpr bool has_curvature_rule = true;
  template <class K, class CY, class CT>
  void curvature(const Tensor<in_shape>&, const Tensor<in_shape>&, const Tensor<shape>&, const Tensor<shape>& closs,
                 CY cy, CT ct, NoScratch&, NoScratch&) const {
    const float c = 2.f * inverse_count * closs[0];
    for (std::size_t i = 0; i < in_shape::size; ++i) {
      if constexpr (wants_grad<CY>) cy.data()[i] += c;
      if constexpr (wants_grad<CT>) ct.data()[i] += c;
    }
  }
};

struct mse_spec : makes<MseLoss> {  // mse(y, t) (core/shape_rule.hpp, checked_factory)
  template <operand Y, operand T>
  static constexpr auto rule() { return mse_rule<expr_t<Y>, expr_t<T>>(); }
};
inline constexpr checked_factory<mse_spec> mse{};

}  // namespace ctgrad
