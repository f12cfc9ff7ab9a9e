// Twin of bound_not_a_layer.fail.cpp: the bound type models ctnn::layer.
#include <ctnn/ctnn.hpp>

struct identity_spec {
  using ctnn_layer_spec = void;
  template <class In>
  struct layer : ctnn::detail::no_parameters {
    using input_shape = In;
    using output_shape = In;
    static constexpr std::string_view kind = "identity";
    template <class T> void forward(const ctnn::forward_io<T>&, ctnn::pass_context&) const {}
    template <class T> void backward(const ctnn::backward_io<T>&, ctnn::pass_context&) const {}
  };
};
using net = ctnn::sequential<ctnn::input<4>, ctnn::dense<8>, identity_spec>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
