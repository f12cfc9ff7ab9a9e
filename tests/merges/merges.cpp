// The merges on small arrays, by hand: values, the gradient each path receives, NaN.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>

#include <ctnn/ctnn.hpp>

namespace {
using s3 = ctnn::shape<3>;
const std::array<float, 3> a{1.0f, -2.0f, 3.0f}, b{4.0f, -2.0f, -1.0f}, c{0.5f, 5.0f, 3.0f};
const std::array<const float*, 3> three{a.data(), b.data(), c.data()};
const std::array<float, 3> dy{1.0f, 10.0f, 100.0f};

template <class M>
std::array<std::array<float, 3>, 3> run(std::array<float, 3>& y) {
  M::template forward<s3, s3, s3>(1, three, y.data());
  std::array<std::array<float, 3>, 3> d{};
  M::template backward<s3, s3, s3>(1, three, y.data(), dy.data(), std::array<float*, 3>{d[0].data(), d[1].data(), d[2].data()});
  return d;
}
}  // namespace

TEST_CASE("merges: add, multiply, average, maximum, minimum over three paths", "[merge]") {
  std::array<float, 3> y{};
  {
    const auto d = run<ctnn::add>(y);
    CHECK(y == std::array<float, 3>{5.5f, 1.0f, 5.0f});
    for (const auto& dk : d) CHECK(dk == dy);
  }
  {
    const auto d = run<ctnn::multiply>(y);
    CHECK(y == std::array<float, 3>{2.0f, 20.0f, -9.0f});
    CHECK(d[0] == std::array<float, 3>{2.0f, -100.0f, -300.0f});  // dy * b * c
    CHECK(d[1] == std::array<float, 3>{0.5f, -100.0f, 900.0f});   // dy * a * c
    CHECK(d[2] == std::array<float, 3>{4.0f, 40.0f, -300.0f});    // dy * a * b
  }
  {
    const auto d = run<ctnn::average>(y);
    CHECK(y[0] == Approx(5.5 / 3));
    for (const auto& dk : d) CHECK(dk[2] == Approx(100.0 / 3));
  }
  {
    const auto d = run<ctnn::maximum>(y);
    CHECK(y == std::array<float, 3>{4.0f, 5.0f, 3.0f});
    // Value 2: a and c tie at 3, the first (a) takes the gradient.
    CHECK(d[0] == std::array<float, 3>{0.0f, 0.0f, 100.0f});
    CHECK(d[1] == std::array<float, 3>{1.0f, 0.0f, 0.0f});
    CHECK(d[2] == std::array<float, 3>{0.0f, 10.0f, 0.0f});
  }
  {
    const auto d = run<ctnn::minimum>(y);
    CHECK(y == std::array<float, 3>{0.5f, -2.0f, -1.0f});
    // Value 1: a and b tie at -2, the first (a) takes the gradient.
    CHECK(d[0] == std::array<float, 3>{0.0f, 10.0f, 0.0f});
    CHECK(d[1] == std::array<float, 3>{0.0f, 0.0f, 100.0f});
    CHECK(d[2] == std::array<float, 3>{1.0f, 0.0f, 0.0f});
  }
}

TEST_CASE("merges: subtract takes two paths, the second with a minus sign", "[merge]") {
  std::array<float, 3> y{}, d0{}, d1{};
  const std::array<const float*, 2> two{a.data(), b.data()};
  ctnn::subtract::forward<s3, s3>(1, two, y.data());
  CHECK(y == std::array<float, 3>{-3.0f, 0.0f, 4.0f});
  ctnn::subtract::backward<s3, s3>(1, two, y.data(), dy.data(), std::array<float*, 2>{d0.data(), d1.data()});
  CHECK(d0 == dy);
  CHECK(d1 == std::array<float, 3>{-1.0f, -10.0f, -100.0f});
  STATIC_REQUIRE(ctnn::detail::links<ctnn::branches<ctnn::subtract, ctnn::path<ctnn::relu>, ctnn::path<ctnn::relu>>, s3>);
  STATIC_REQUIRE_FALSE(ctnn::detail::links<
                       ctnn::branches<ctnn::subtract, ctnn::path<ctnn::relu>, ctnn::path<ctnn::relu>, ctnn::path<ctnn::relu>>, s3>);
}

TEST_CASE("merges: NaN in a path stays NaN in maximum and minimum, as tf.maximum", "[merge][nan]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::array<float, 2> p{1.0f, nan}, q{nan, 2.0f};
  const std::array<const float*, 2> two{p.data(), q.data()};
  std::array<float, 2> y{};
  using s2 = ctnn::shape<2>;
  ctnn::maximum::forward<s2, s2>(1, two, y.data());
  CHECK(std::isnan(y[0]));
  CHECK(std::isnan(y[1]));
  ctnn::minimum::forward<s2, s2>(1, two, y.data());
  CHECK(std::isnan(y[0]));
  CHECK(std::isnan(y[1]));
}

TEST_CASE("merges: concatenate along the first, middle and last axis", "[merge]") {
  // Two samples of (2, 3) and (2, 1) along axis 1 (the last): rows of 3 then 1.
  using x = ctnn::shape<2, 3>;
  using z = ctnn::shape<2, 1>;
  STATIC_REQUIRE(std::is_same_v<ctnn::concatenate<>::output_shape<x, z>, ctnn::shape<2, 4>>);
  STATIC_REQUIRE(std::is_same_v<ctnn::concatenate<0>::output_shape<x, x>, ctnn::shape<4, 3>>);
  STATIC_REQUIRE(std::is_same_v<ctnn::concatenate<1>::output_shape<ctnn::shape<2, 2, 3>, ctnn::shape<2, 1, 3>>, ctnn::shape<2, 3, 3>>);
  const std::array<float, 12> p{0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15};
  const std::array<float, 4> q{-1, -2, -11, -12};
  std::array<float, 16> y{};
  ctnn::concatenate<>::forward<x, z>(2, std::array<const float*, 2>{p.data(), q.data()}, y.data());
  CHECK(y == std::array<float, 16>{0, 1, 2, -1, 3, 4, 5, -2, 10, 11, 12, -11, 13, 14, 15, -12});
  std::array<float, 12> dp{};
  std::array<float, 4> dq{};
  ctnn::concatenate<>::backward<x, z>(2, std::array<const float*, 2>{p.data(), q.data()}, y.data(), y.data(),
                                      std::array<float*, 2>{dp.data(), dq.data()});
  CHECK(dp == p);
  CHECK(dq == q);
  STATIC_REQUIRE_FALSE(ctnn::detail::links<ctnn::branches<ctnn::concatenate<2>, ctnn::path<ctnn::relu>, ctnn::path<ctnn::relu>>,
                                           ctnn::shape<2, 3>>);
  STATIC_REQUIRE_FALSE(ctnn::detail::links<ctnn::branches<ctnn::concatenate<-3>, ctnn::path<ctnn::relu>, ctnn::path<ctnn::relu>>,
                                           ctnn::shape<2, 3>>);
}
