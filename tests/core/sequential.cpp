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
  using ctnn::detail::link_error;
  using ctnn::detail::validate_link;
  using one = ctnn::shape<4>;
  using image = ctnn::shape<8, 8, 1>;
  STATIC_REQUIRE(validate_link<ctnn::dense<3, ctnn::relu, ctnn::use_bias<false>>, one>() == link_error::none);
  STATIC_REQUIRE(validate_link<ctnn::dense<3, ctnn::relu, ctnn::tanh>, one>() == link_error::option_twice);
  STATIC_REQUIRE(validate_link<ctnn::dense<3, ctnn::padding::same>, one>() == link_error::unknown_option);
  STATIC_REQUIRE(validate_link<ctnn::conv2d<2, ctnn::kernel<3, 3>, ctnn::strides<2, 2>, ctnn::relu>, image>() ==
                 link_error::none);
  STATIC_REQUIRE(validate_link<ctnn::conv2d<2, ctnn::kernel<3, 3>, ctnn::strides<1, 1>, ctnn::strides<2, 2>>, image>() ==
                 link_error::option_twice);
  STATIC_REQUIRE(validate_link<ctnn::conv2d<2, ctnn::kernel<3, 3>, int>, image>() == link_error::unknown_option);
  STATIC_REQUIRE(validate_link<ctnn::max_pool2d<ctnn::pool<2, 2>, ctnn::padding::same, ctnn::padding::valid>, image>() ==
                 link_error::option_twice);
  STATIC_REQUIRE(validate_link<ctnn::average_pool2d<ctnn::pool<2, 2>, ctnn::relu>, image>() == link_error::unknown_option);
  STATIC_REQUIRE(validate_link<ctnn::batch_normalization<ctnn::center<false>>, image>() == link_error::none);
  STATIC_REQUIRE(validate_link<ctnn::batch_normalization<ctnn::scale<true>, ctnn::scale<false>>, image>() ==
                 link_error::option_twice);
  STATIC_REQUIRE(validate_link<ctnn::batch_normalization<ctnn::relu>, image>() == link_error::unknown_option);
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
