#pragma once
// What ctnn::dropout and ctnn::gaussian_noise share: a spec whose one value (a rate, a standard
// deviation) is checked where the network is composed, and a bound layer that, in a training
// pass (pass_context::phase == mode::training), changes every value with a fresh draw from the
// model's seeded generator (pass_context::rng), and is the identity in inference or when the
// noise is off (a rate or stddev of 0).
//
// The Noise policy says only what differs:
//   Noise::kind                   the spec's kind ("dropout")
//   Noise::on                     static constexpr bool: the draws change anything
//   Noise::keeps_draws            static constexpr bool: the backward pass needs each value's
//                                 draw (dropout's mask), kept in the layer's workspace
//   Noise::draw<T>(rng&) -> T     one value's draw, in the order of the values
//   Noise::apply(x, d) -> T       the value forward stores for input x and draw d
//   Noise::gradient(dy, d) -> T   dL/dx for dL/dy and draw d, when keeps_draws; otherwise the
//                                 noise is additive and dL/dx = dL/dy.
//   Noise::describe(d)            its value, for the network description (layer_traits)
#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "../../core/layer.hpp"
#include "../../detail/check_link.hpp"
#include "no_parameters.hpp"
#include "../../detail/random.hpp"

namespace ctnn::detail {

template <class Noise, class In>
class training_noise_layer : public no_parameters {
 public:
  using input_shape = In;
  using output_shape = In;
  static constexpr std::string_view kind = Noise::kind;
  // Per value, the draw forward applied in training (when the backward pass needs it).
  static constexpr std::size_t workspace_size = Noise::keeps_draws ? In::size : 0;
  template <class D>
  static constexpr void describe(D& d) { Noise::describe(d); }

  template <class T>
  void forward(const forward_io<T>& io, pass_context& ctx) const {
    const std::size_t count = io.n * In::size;
    if (!active(ctx)) {
      std::copy(io.x, io.x + count, io.y);
      return;
    }
    if (ctx.rng == nullptr)
      throw std::invalid_argument("ctnn::" + std::string(kind) +
                                  ": a training pass needs a random generator (pass_context::rng)");
    if constexpr (Noise::keeps_draws) {
      T* draws = io.workspace;
      for (std::size_t i = 0; i < count; ++i) draws[i] = Noise::template draw<T>(*ctx.rng);
      for (std::size_t i = 0; i < count; ++i) io.y[i] = Noise::apply(io.x[i], draws[i]);
    } else {
      for (std::size_t i = 0; i < count; ++i) io.y[i] = Noise::apply(io.x[i], Noise::template draw<T>(*ctx.rng));
    }
  }

  // One time step of a sequence (model::step, always inference): the step unchanged.
  template <class T>
    requires(In::rank == 2)
  void step(const step_io<T>& io) const {
    std::copy(io.x, io.x + In::dims[1], io.y);
  }

  // dx = dy through the draws forward applied; dy unchanged in inference or for additive noise.
  template <class T>
  void backward(const backward_io<T>& io, pass_context& ctx) const {
    if (!io.dx) return;
    const std::size_t count = io.n * In::size;
    if constexpr (Noise::keeps_draws) {
      if (active(ctx)) {
        for (std::size_t i = 0; i < count; ++i) io.dx[i] = Noise::gradient(io.dy[i], io.workspace[i]);
        return;
      }
    }
    std::copy(io.dy, io.dy + count, io.dx);
  }

 private:
  static bool active(const pass_context& ctx) { return ctx.phase == mode::training && Noise::on; }
};

// The spec side, a base of the noise policy Spec (dropout<Rate>, gaussian_noise<Stddev>): Valid
// says whether its value passes the compile-time check, Error is the spec's error tag
// (detail/check_link.hpp) when not.
template <class Spec, bool Valid, class Error>
struct training_noise_spec {
  using ctnn_layer_spec = void;

  template <class In>
  static constexpr auto validate() {
    if constexpr (Valid) return link_ok{};
    else return Error{};
  }

  template <class In>
  using layer = training_noise_layer<Spec, In>;
};

}  // namespace ctnn::detail
