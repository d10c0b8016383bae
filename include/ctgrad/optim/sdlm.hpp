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

// The 1998 paper's eta by pass (LeNet-5, mu = 0.02, the estimate over 500
// examples): 0.0005 for 2 passes, 0.0002 for 3, 0.0001 for 3, 0.00005 for 4,
// then 0.00001; here as a factor of the first pass's eta (pass 0-based).
inline float sdlm_1998_eta_factor(std::size_t pass) {
  if (pass < 2) return 1.f;
  if (pass < 5) return 0.4f;
  if (pass < 8) return 0.2f;
  if (pass < 12) return 0.1f;
  return 0.02f;
}

template <class K = kernels::Default, class Params>
void sdlm_step(Params& params, float eta, float mu) {
  for (const ParameterRef& parameter : parameter_refs(params))
    K::sdlm_update(parameter.value.size(), eta, mu, parameter.curvature.data(), parameter.grad.data(),
                   parameter.value.data());
}

}  // namespace ctgrad
