#pragma once
// Stochastic diagonal Levenberg-Marquardt (LeCun et al. 1998, "Efficient
// BackProp" 9.1; the 1989 paper's "special version of Newton's algorithm",
// Becker and LeCun 1988): per parameter k,
//   w_k <- w_k - eta / (mu + h_kk) dE/dw_k,
// with h_kk the diagonal Gauss-Newton estimate in Parameter::curvature
// (graph/curvature.hpp), averaged over a few hundred examples before each
// pass and held fixed during it. mu keeps the step bounded where the
// curvature is near zero. Then grad = 0, as sgd_step.
#include <cstddef>

#include "ctgrad/kernels/kernels.hpp"
#include "ctgrad/nn/parameters.hpp"

namespace ctgrad {

// The 1998 paper's constants (LeNet-5): mu = 0.02, the estimate over 500
// examples, and eta by pass: 0.0005 for 2 passes, 0.0002 for 3, 0.0001 for 3,
// 0.00005 for 4, then 0.00001.
struct SdlmSettings {
  float mu = 0.02f;
  std::size_t curvature_examples = 500;
};

// eta for pass `pass` (0-based) of the 1998 schedule, scaled by `scale`
// (eta_scale 1 is the paper's values).
inline float sdlm_1998_eta(std::size_t pass, float scale = 1.f) {
  float eta = 0.00001f;
  if (pass < 2)
    eta = 0.0005f;
  else if (pass < 5)
    eta = 0.0002f;
  else if (pass < 8)
    eta = 0.0001f;
  else if (pass < 12)
    eta = 0.00005f;
  return eta * scale;
}

template <class K = kernels::Default, class Params>
void sdlm_step(Params& params, float eta, float mu) {
  for_each_parameter(params, [&](auto& parameter) {
    constexpr std::size_t n = std::remove_cvref_t<decltype(parameter)>::shape::size;
    K::template sdlm_update<n>(eta, mu, parameter.curvature.data(), parameter.grad.data(), parameter.value.data());
  });
}

}  // namespace ctgrad
