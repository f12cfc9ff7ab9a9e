#include <catch2/catch.hpp>

#include <sstream>

#include <ctnn/ctnn.hpp>

using mlp = ctnn::sequential<ctnn::input<784>, ctnn::dense<512, ctnn::relu>, ctnn::dense<10, ctnn::softmax>>;

TEST_CASE("sequential: shapes and parameter counts at compile time, as Keras counts them", "[sequential]") {
  STATIC_REQUIRE(mlp::valid);
  STATIC_REQUIRE(std::is_same_v<mlp::input_shape, ctnn::shape<784>>);
  STATIC_REQUIRE(std::is_same_v<mlp::output_shape, ctnn::shape<10>>);
  STATIC_REQUIRE(mlp::layer_count == 2);
  // Keras: model.summary() of the same network reports 401,920 + 5,130 = 407,050.
  STATIC_REQUIRE(mlp::parameter_count == 407050);
  STATIC_REQUIRE(ctnn::layer<std::tuple_element_t<0, mlp::layer_types>>);
  STATIC_REQUIRE(ctnn::layer<std::tuple_element_t<1, mlp::layer_types>>);

  using deep = ctnn::sequential<ctnn::input<3>, ctnn::dense<4>, ctnn::relu, ctnn::dense<5, ctnn::tanh>,
                                ctnn::softmax>;
  STATIC_REQUIRE(deep::layer_count == 4);
  STATIC_REQUIRE(std::is_same_v<deep::output_shape, ctnn::shape<5>>);
  STATIC_REQUIRE(deep::parameter_count == (3 * 4 + 4) + (4 * 5 + 5));
  // Parameter slices are SIMD-aligned.
  STATIC_REQUIRE(deep::parameter_offsets[2] % 16 == 0);
  STATIC_REQUIRE(deep::inference_workspace_size >= 4 + 4 + 5 + 5);
}

TEST_CASE("sequential: a layer's options are checked where it is linked (unknown kind, kind twice)", "[sequential]") {
  using ctnn::detail::links;
  using ctnn::detail::option_twice;
  using ctnn::detail::refuses_with;
  using one = ctnn::shape<4>;
  using image = ctnn::shape<8, 8, 1>;
  STATIC_REQUIRE(links<ctnn::dense<3, ctnn::relu, ctnn::use_bias<false>>, one>);
  STATIC_REQUIRE(refuses_with<option_twice, ctnn::dense<3, ctnn::relu, ctnn::tanh>, one>);
  using dense_padded = ctnn::dense<3, ctnn::padding::same>;
  STATIC_REQUIRE(refuses_with<dense_padded::unknown_option, dense_padded, one>);
  STATIC_REQUIRE(links<ctnn::conv2d<2, ctnn::kernel<3, 3>, ctnn::strides<2, 2>, ctnn::relu>, image>);
  STATIC_REQUIRE(refuses_with<option_twice, ctnn::conv2d<2, ctnn::kernel<3, 3>, ctnn::strides<1, 1>, ctnn::strides<2, 2>>, image>);
  using conv_int = ctnn::conv2d<2, ctnn::kernel<3, 3>, int>;
  STATIC_REQUIRE(refuses_with<conv_int::unknown_option, conv_int, image>);
  STATIC_REQUIRE(refuses_with<option_twice, ctnn::max_pool2d<ctnn::pool<2, 2>, ctnn::padding::same, ctnn::padding::valid>, image>);
  using pool_relu = ctnn::average_pool2d<ctnn::pool<2, 2>, ctnn::relu>;
  STATIC_REQUIRE(refuses_with<pool_relu::unknown_option, pool_relu, image>);
  STATIC_REQUIRE(links<ctnn::batch_normalization<ctnn::center<false>>, image>);
  STATIC_REQUIRE(refuses_with<option_twice, ctnn::batch_normalization<ctnn::center<false>, ctnn::center<true>>, image>);
  using norm_relu = ctnn::batch_normalization<ctnn::relu>;
  STATIC_REQUIRE(refuses_with<norm_relu::unknown_option, norm_relu, image>);
}

TEST_CASE("sequential: summary() prints a Keras-style table", "[sequential]") {
  std::ostringstream os;
  mlp::summary(os);
  const std::string s = os.str();
  CHECK_THAT(s, Catch::Contains("dense (dense)               (None, 512)               401920"));
  CHECK_THAT(s, Catch::Contains("dense_1 (dense)             (None, 10)                5130"));
  CHECK_THAT(s, Catch::Contains("Total params: 407,050"));
  CHECK_THAT(s, Catch::Contains("Non-trainable params: 0"));
}

TEST_CASE("sequential: summary() widens its columns for long layer names", "[sequential]") {
  using net = ctnn::sequential<ctnn::input<4, 4, 2>, ctnn::global_average_pool2d, ctnn::dense<3>>;
  std::ostringstream os;
  net::summary(os);
  const std::string s = os.str();
  CHECK_THAT(s, Catch::Contains("\n global_average_pooling2d (global_average_pooling2d)  (None, 2)                 0\n"));
  CHECK_THAT(s, Catch::Contains("\n dense (dense)                                        (None, 3)                 9\n"));
}
