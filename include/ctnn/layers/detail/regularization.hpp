#pragma once
// The regularization a layer with a kernel (and a bias) inherits: the run-time regularizer
// objects, the penalty over its parameter slice and the penalty's gradient. One implementation
// for every such layer (dense, conv2d, the recurrent layers). Layer L names its tensors in
// L::parameters; each kernel, recurrent kernel and bias is regularized by the regularizer of its
// role.
#include <cstddef>
#include <span>

#include <array>
#include <type_traits>

#include "../../core/layer.hpp"
#include "../../regularizers/regularizer.hpp"

namespace ctnn::detail {

// No regularizer: the hooks below compile to nothing for it.
struct no_regularizer {
  template <class T> double penalty(std::span<const T>) const { return 0; }
  template <class T> void add_gradient(std::span<const T>, std::span<T>) const {}
};

template <class KernelRegularizer, class BiasRegularizer, class RecurrentRegularizer = no_regularizer>
struct regularization {
  static constexpr bool regularized = !std::is_same_v<KernelRegularizer, no_regularizer> ||
                                      !std::is_same_v<BiasRegularizer, no_regularizer> ||
                                      !std::is_same_v<RecurrentRegularizer, no_regularizer>;
  KernelRegularizer kernel_regularizer{};
  BiasRegularizer bias_regularizer{};
  // Only layers with a recurrent kernel name it (and take a recurrent_regularizer option).
  [[no_unique_address]] RecurrentRegularizer recurrent_regularizer{};

  // Penalty of the tensors described by `parameters` within the slice params.
  template <class T, std::size_t N>
  double penalty(const std::array<parameter_info, N>& parameters, const T* params) const {
    double p = 0;
    for (const auto& info : parameters) {
      const std::span<const T> w(params + info.offset, info.size);
      if (info.role == parameter_role::kernel) p += kernel_regularizer.penalty(w);
      else if (info.role == parameter_role::bias) p += bias_regularizer.penalty(w);
      else if (info.role == parameter_role::recurrent_kernel) p += recurrent_regularizer.penalty(w);
    }
    return p;
  }
  template <class T, std::size_t N>
  void add_gradient(const std::array<parameter_info, N>& parameters, const T* params, T* grads) const {
    for (const auto& info : parameters) {
      const std::span<const T> w(params + info.offset, info.size);
      const std::span<T> g(grads + info.offset, info.size);
      if (info.role == parameter_role::kernel) kernel_regularizer.add_gradient(w, g);
      else if (info.role == parameter_role::bias) bias_regularizer.add_gradient(w, g);
      else if (info.role == parameter_role::recurrent_kernel) recurrent_regularizer.add_gradient(w, g);
    }
  }
};

}  // namespace ctnn::detail
