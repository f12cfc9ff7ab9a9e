#pragma once
#include <span>

#include "l1.hpp"
#include "l2.hpp"
#include "regularizer.hpp"

namespace ctnn::regularizers {

// Keras' l1_l2(l1=0.01, l2=0.01): the sum of both penalties.
struct l1_l2 {
  float l1 = 0.01f;
  float l2 = 0.01f;
  template <class T>
  double penalty(std::span<const T> w) const {
    return regularizers::l1{l1}.penalty(w) + regularizers::l2{l2}.penalty(w);
  }
  template <class T>
  void add_gradient(std::span<const T> w, std::span<T> g) const {
    regularizers::l1{l1}.add_gradient(w, g);
    regularizers::l2{l2}.add_gradient(w, g);
  }
};

}  // namespace ctnn::regularizers

static_assert(ctnn::regularizer<ctnn::regularizers::l1_l2>);
