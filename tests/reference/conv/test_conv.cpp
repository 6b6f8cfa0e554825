// The conv reference: the lectures' worked numbers, the classic kernels, every backward pass
// against numerical vector-Jacobian products, the fast layers against the naive ones, the shapes
// that do not tile, and shift_image.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/gradcheck.hpp"
#include "common/parallel.hpp"
#include "conv/conv.hpp"
#include "support/blas_threads.hpp"
#include "support/random.hpp"

namespace pg::conv {
namespace {

using Index = Eigen::Index;
using pg::testing::gaussian;

// n x c x h x w of N(0, 1) draws, seeded
Tensor4 random_tensor(long n, long c, long h, long w, std::uint64_t seed) {
  return unflatten(gaussian(n, c * h * w, seed), c, h, w);
}

// one image of one channel, (1, 1, H, W)
Tensor4 as_tensor(const Mat& image) {
  return unflatten(Eigen::Map<const Mat>(image.data(), 1, image.size()), 1, image.rows(),
                   image.cols());
}

Tensor4 zeros(long n, long c, long h, long w) {
  Tensor4 t(n, c, h, w);
  t.setZero();
  return t;
}

// channel c of image n, (H, W)
Mat plane(const Tensor4& t, Index n, Index c) {
  Mat m(t.dimension(2), t.dimension(3));
  for (Index i = 0; i < m.rows(); ++i) {
    for (Index j = 0; j < m.cols(); ++j) m(i, j) = t(n, c, i, j);
  }
  return m;
}

// image n alone, (1, C, H, W)
Tensor4 example(const Tensor4& t, Index n) {
  const Eigen::array<Index, 4> offsets{n, 0, 0, 0};
  const Eigen::array<Index, 4> extents{1, t.dimension(1), t.dimension(2), t.dimension(3)};
  return t.slice(offsets, extents);
}

double max_abs_diff(const Tensor4& a, const Tensor4& b) {
  EXPECT_EQ(shape_of(a), shape_of(b));
  return (flatten(a) - flatten(b)).cwiseAbs().maxCoeff();
}

double rel_error(const Tensor4& a, const Tensor4& b) {
  EXPECT_EQ(shape_of(a), shape_of(b));
  return pg::rel_error(flatten(a), flatten(b));
}

// The numerical vector-Jacobian product of a tensor function f at t (the Mat kit, through
// flatten): d(sum(f(t) * dout))/dt.
Tensor4 numeric_vjp(const std::function<Tensor4(const Tensor4&)>& f, const Tensor4& t,
                    const Tensor4& dout) {
  const long C = t.dimension(1), H = t.dimension(2), W = t.dimension(3);
  auto f_mat = [&](const Mat& v) { return flatten(f(unflatten(v, C, H, W))); };
  return unflatten(eval_numerical_gradient_array(f_mat, flatten(t), flatten(dout)), C, H, W);
}

// what() of the std::invalid_argument that `call` throws, "" if it throws none
std::string message_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// the naive and the fast layers, for the tests that hold for both
struct ConvPath {
  std::string name;
  ConvForward (*forward)(const Tensor4&, const Tensor4&, const Vec&, int, int);
  ConvGrads (*backward)(const Tensor4&, const ConvCache&);
};
const ConvPath kConvPaths[] = {{"naive", conv_forward_naive, conv_backward_naive},
                               {"fast", conv_forward_fast, conv_backward_fast}};

struct PoolPath {
  std::string name;
  MaxPoolForward (*forward)(const Tensor4&, int, int, int);
  MaxPoolGrads (*backward)(const Tensor4&, const MaxPoolCache&);
};
const PoolPath kPoolPaths[] = {{"naive", max_pool_forward_naive, max_pool_backward_naive},
                               {"fast", max_pool_forward_fast, max_pool_backward_fast}};

const Mat kLectureImage6{{1, 0, 0, 0, 0, 1}, {0, 1, 0, 0, 1, 0}, {0, 0, 1, 1, 0, 0},
                         {1, 0, 0, 0, 1, 0}, {0, 1, 0, 0, 1, 0}, {0, 0, 1, 0, 1, 0}};

const Mat kLectureImage7{{0, 0, 0, 0, 0, 0, 0}, {0, 1, 1, 1, 1, 1, 0}, {0, 1, 0, 0, 1, 0, 0},
                         {0, 1, 0, 1, 0, 0, 0}, {0, 1, 1, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0, 0},
                         {0, 0, 0, 0, 0, 0, 0}};

TEST(convolve2d, gives_the_cnn_lectures_two_feature_maps) {
  const Mat filter1{{1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}};
  const Mat filter2{{-1, 1, -1}, {-1, 1, -1}, {-1, 1, -1}};
  EXPECT_EQ(convolve2d(kLectureImage6, filter1, 1),
            (Mat{{3, -1, -3, -1}, {-3, 1, 0, -3}, {-3, -3, 0, 1}, {3, -2, -2, -1}}));
  // not printed in the seed (its slide is an image); the same map as Hung-yi Lee's original slide
  EXPECT_EQ(convolve2d(kLectureImage6, filter2, 1),
            (Mat{{-1, -1, -1, -1}, {-1, -1, -2, 1}, {-1, -1, -2, 1}, {-1, 0, -4, 3}}));
}

TEST(convolve2d, gives_the_image_kernel_lectures_convolved_image_without_flipping) {
  // this kernel is not symmetric: a flipped kernel would give another image
  const Mat kernel{{0, 0, 0}, {0, 1, 1}, {0, 1, 0}};
  EXPECT_EQ(
      convolve2d(kLectureImage7, kernel),
      (Mat{{3, 2, 2, 3, 1}, {2, 0, 2, 1, 0}, {2, 2, 1, 0, 0}, {3, 1, 0, 0, 0}, {1, 0, 0, 0, 0}}));
}

TEST(convolve2d, identity_kernel_gives_the_inner_image_and_with_pad_1_the_image) {
  EXPECT_EQ(convolve2d(kLectureImage7, kernels::identity()), kLectureImage7.block(1, 1, 5, 5));
  EXPECT_EQ(convolve2d(kLectureImage7, kernels::identity(), 1, 1), kLectureImage7);
}

TEST(convolve2d, downsamples_by_averaging_as_in_the_lecture) {
  const Mat image{{1, 1, 1, 1, 1, 0}, {1, 0, 0, 1, 0, 0}, {1, 0, 1, 0, 0, 0},
                  {1, 1, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0}};
  // the lecture's stride-2 "downsampling" slide with a 2 x 2 kernel of ones, then of 1/4
  EXPECT_EQ(convolve2d(image, Mat::Ones(2, 2), 2), (Mat{{3, 3, 1}, {3, 1, 0}, {1, 0, 0}}));
  EXPECT_EQ(convolve2d(image, Mat::Constant(2, 2, 0.25), 2),
            (Mat{{0.75, 0.75, 0.25}, {0.75, 0.25, 0}, {0.25, 0, 0}}));
}

TEST(convolve2d, sharpen_gives_the_workshops_131) {
  // the curation workshop's sharpen example (setosa.io/ev/image-kernels)
  const Mat patch{{110, 139, 191}, {120, 149, 191}, {124, 164, 195}};
  EXPECT_EQ(convolve2d(patch, kernels::sharpen()), (Mat{{131}}));
}

TEST(kernels, have_the_lectures_values_and_sums) {
  using namespace kernels;
  EXPECT_EQ(identity().sum(), 1);
  EXPECT_EQ(sharpen().sum(), 1);
  EXPECT_EQ(edge_detection_4().sum(), 0);
  EXPECT_EQ(edge_detection_8().sum(), 0);
  EXPECT_EQ(sobel_x().sum(), 0);
  EXPECT_EQ(sobel_y().sum(), 0);
  for (const Mat& blur : {box_blur(), gaussian_blur_3x3(), gaussian_blur_5x5(), gaussian_blur_273(),
                          unsharp_masking_5x5()}) {
    EXPECT_NEAR(blur.sum(), 1, 1e-15);
  }
  EXPECT_EQ(edge_detection_4()(1, 1), 4);
  EXPECT_EQ(edge_detection_8()(1, 1), 8);
  EXPECT_EQ(sharpen()(1, 1), 5);
  EXPECT_EQ(box_blur()(0, 0), 1.0 / 9);
  EXPECT_EQ(gaussian_blur_3x3()(1, 1), 4.0 / 16);
  EXPECT_EQ(gaussian_blur_5x5()(2, 2), 36.0 / 256);
  EXPECT_EQ(gaussian_blur_5x5()(0, 1), 4.0 / 256);
  EXPECT_EQ(gaussian_blur_273()(2, 2), 41.0 / 273);
  EXPECT_EQ(gaussian_blur_273()(4, 2), 7.0 / 273);
  EXPECT_EQ(unsharp_masking_5x5()(2, 2), 476.0 / 256);
  EXPECT_EQ(unsharp_masking_5x5()(0, 0), -1.0 / 256);
  EXPECT_EQ(sobel_y(), sobel_x().transpose());
  for (const Mat& k :
       {gaussian_blur_3x3(), gaussian_blur_5x5(), gaussian_blur_273(), unsharp_masking_5x5()}) {
    EXPECT_EQ(k, k.transpose());
    EXPECT_EQ(k, k.colwise().reverse().eval());
  }
}

TEST(kernels, edge_detectors_give_0_and_blurs_keep_a_flat_image) {
  const Mat flat = Mat::Constant(6, 7, 3.0);
  EXPECT_NEAR(convolve2d(flat, kernels::edge_detection_8()).cwiseAbs().maxCoeff(), 0, 1e-14);
  EXPECT_NEAR((convolve2d(flat, kernels::gaussian_blur_5x5()).array() - 3).abs().maxCoeff(), 0,
              1e-14);
}

TEST(sobel_magnitude, finds_a_vertical_step_edge) {
  Mat image = Mat::Zero(5, 6);
  image.rightCols(3).setOnes();
  // brightness grows to the right: Gx, not flipped, is +4 on both sides of the step
  EXPECT_EQ(convolve2d(image, kernels::sobel_x(), 1, 1).row(2), (Mat{{0, 0, 4, 4, 0, -4}}));
  const Mat magnitude = sobel_magnitude(image);
  ASSERT_EQ(magnitude.rows(), 5);
  ASSERT_EQ(magnitude.cols(), 6);
  // away from the top and bottom rows (where the zero padding is an edge too): the step, and the
  // right border where the ones meet the padding
  for (Index i = 1; i <= 3; ++i) EXPECT_EQ(magnitude.row(i), (Mat{{0, 0, 4, 4, 0, 4}}));
  EXPECT_NEAR(magnitude(0, 2), std::sqrt(3.0 * 3.0 + 1.0 * 1.0), 1e-15);  // Gx 3, Gy 1
}

TEST(conv_layer, forward_gives_a_hand_worked_padded_case) {
  // x = [1 2; 3 4], w = [1 2; 3 4], pad 1: out(i, j) = sum_{k,l} w(k, l) x(i + k - 1, j + l - 1),
  // e.g. out(0, 1) = w(1, 0) x(0, 0) + w(1, 1) x(0, 1) = 3 + 8; then b = -1
  const Tensor4 x = as_tensor(Mat{{1, 2}, {3, 4}});
  const Tensor4 w = as_tensor(Mat{{1, 2}, {3, 4}});
  const Mat want{{3, 10, 5}, {13, 29, 13}, {5, 10, 3}};
  EXPECT_EQ(plane(conv_forward_naive(x, w, Vec{{-1}}, 1, 1).out, 0, 0), want);
  EXPECT_EQ(plane(conv_forward_fast(x, w, Vec{{-1}}, 1, 1).out, 0, 0), want);
}

TEST(conv_layer, forward_sums_the_channels) {
  // channel 0 [1 2 3; 4 5 6; 7 8 9] with [1 0; 0 -1] gives x(i, j) - x(i+1, j+1) = -4; channel 1
  // of ones with [.5 .5; .5 .5] gives 2; b = 10: 8 everywhere
  Tensor4 x(1, 2, 3, 3), w(1, 2, 2, 2);
  for (Index i = 0; i < 3; ++i) {
    for (Index j = 0; j < 3; ++j) {
      x(0, 0, i, j) = 3 * i + j + 1;
      x(0, 1, i, j) = 1;
    }
  }
  w.setValues({{{{1, 0}, {0, -1}}, {{0.5, 0.5}, {0.5, 0.5}}}});
  EXPECT_EQ(plane(conv_forward_naive(x, w, Vec{{10}}, 1, 0).out, 0, 0), Mat::Constant(2, 2, 8));
}

struct ConvCase {
  long N, C, H, W, F, HH, WW;
  int stride, pad;
};

std::string str(const ConvCase& s) {
  return "x (" + std::to_string(s.N) + ", " + std::to_string(s.C) + ", " + std::to_string(s.H) +
         ", " + std::to_string(s.W) + "), w (" + std::to_string(s.F) + ", " + std::to_string(s.C) +
         ", " + std::to_string(s.HH) + ", " + std::to_string(s.WW) + "), stride " +
         std::to_string(s.stride) + ", pad " + std::to_string(s.pad);
}

// strides 1 to 3, pads 0 to 2, non-square images and filters, filters wider than the image
const ConvCase kSmallCases[] = {
    {2, 3, 5, 7, 4, 3, 3, 1, 1},  {3, 2, 7, 7, 3, 3, 3, 2, 0}, {1, 1, 8, 6, 2, 4, 2, 2, 2},
    {2, 3, 9, 11, 2, 3, 5, 2, 1}, {2, 2, 3, 3, 2, 5, 5, 1, 2}, {1, 2, 6, 5, 3, 1, 1, 1, 0},
    {1, 2, 7, 10, 2, 1, 4, 3, 0},
};
// the lecture CNN's two conv layers, on fewer images and filters
const ConvCase kLectureCases[] = {{2, 1, 28, 28, 8, 3, 3, 1, 1}, {1, 6, 28, 28, 5, 3, 3, 1, 1}};

TEST(conv_layer, naive_forward_is_the_sum_of_one_channel_convolutions) {
  for (const ConvCase& s : kSmallCases) {
    SCOPED_TRACE(str(s));
    const Tensor4 x = random_tensor(s.N, s.C, s.H, s.W, 1),
                  w = random_tensor(s.F, s.C, s.HH, s.WW, 2);
    const Vec b = gaussian(s.F, 1, 3);
    const Tensor4 out = conv_forward_naive(x, w, b, s.stride, s.pad).out;
    for (Index n = 0; n < s.N; ++n) {
      for (Index f = 0; f < s.F; ++f) {
        Mat want = Mat::Constant(out.dimension(2), out.dimension(3), b(f));
        for (Index c = 0; c < s.C; ++c) {
          want += convolve2d(plane(x, n, c), plane(w, f, c), s.stride, s.pad);
        }
        EXPECT_LT((plane(out, n, f) - want).cwiseAbs().maxCoeff(), 1e-12);
      }
    }
  }
}

TEST(conv_layer, fast_matches_naive_forward_and_backward) {
  std::vector<ConvCase> cases(std::begin(kSmallCases), std::end(kSmallCases));
  cases.insert(cases.end(), std::begin(kLectureCases), std::end(kLectureCases));
  for (const ConvCase& s : cases) {
    SCOPED_TRACE(str(s));
    const Tensor4 x = random_tensor(s.N, s.C, s.H, s.W, 4),
                  w = random_tensor(s.F, s.C, s.HH, s.WW, 5);
    const Vec b = gaussian(s.F, 1, 6);
    const ConvForward naive = conv_forward_naive(x, w, b, s.stride, s.pad);
    const ConvForward fast = conv_forward_fast(x, w, b, s.stride, s.pad);
    EXPECT_LT(max_abs_diff(naive.out, fast.out), 1e-12);
    const Tensor4 dout = random_tensor(s.N, s.F, naive.out.dimension(2), naive.out.dimension(3), 7);
    const ConvGrads gn = conv_backward_naive(dout, naive.cache);
    const ConvGrads gf = conv_backward_fast(dout, fast.cache);
    EXPECT_LT(max_abs_diff(gn.dx, gf.dx), 1e-12);
    EXPECT_LT(max_abs_diff(gn.dw, gf.dw), 1e-11);
    EXPECT_LT((gn.db - gf.db).cwiseAbs().maxCoeff(), 1e-11);
  }
}

// The fast layers spread the images over OpenBLAS's threads (pg::parallel_for): with two workers
// they give what they give with one, the sums dw and db being added in another order.
TEST(conv_layer, fast_layers_give_the_same_results_on_one_and_on_two_workers) {
  const ConvCase s{5, 3, 8, 6, 4, 3, 3, 1, 1};
  const Tensor4 x = random_tensor(s.N, s.C, s.H, s.W, 21), w = random_tensor(s.F, s.C, s.HH, s.WW, 22);
  const Vec b = gaussian(s.F, 1, 23);
  const Tensor4 dout = random_tensor(s.N, s.F, s.H, s.W, 24);
  const Tensor4 pool_dout = random_tensor(s.N, s.C, s.H / 2, s.W / 2, 25);
  struct Run {
    ConvForward conv;
    ConvGrads grads;
    MaxPoolForward pool;
    Tensor4 pool_dx;
  };
  auto run = [&](int threads) {
    const testing::BlasThreads hold(threads);
    EXPECT_EQ(parallel_workers(), threads);
    Run r;
    r.conv = conv_forward_fast(x, w, b, s.stride, s.pad);
    r.grads = conv_backward_fast(dout, r.conv.cache);
    r.pool = max_pool_forward_fast(x, 2, 2, 2);
    r.pool_dx = max_pool_backward_fast(pool_dout, r.pool.cache).dx;
    return r;
  };
  const Run one = run(1), two = run(2);
  EXPECT_EQ(max_abs_diff(one.conv.out, two.conv.out), 0);  // one image, one worker: same sums
  EXPECT_EQ(max_abs_diff(one.grads.dx, two.grads.dx), 0);
  EXPECT_LT(max_abs_diff(one.grads.dw, two.grads.dw), 1e-12);
  EXPECT_LT((one.grads.db - two.grads.db).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_EQ(max_abs_diff(one.pool.out, two.pool.out), 0);
  EXPECT_EQ(max_abs_diff(one.pool_dx, two.pool_dx), 0);
}

// dx, dw and db of `backward` against numerical vector-Jacobian products of `forward`
void expect_conv_gradients(const ConvCase& s, const ConvPath& path) {
  SCOPED_TRACE(path.name + ", " + str(s));
  auto* const forward = path.forward;
  const Tensor4 x = random_tensor(s.N, s.C, s.H, s.W, 8),
                w = random_tensor(s.F, s.C, s.HH, s.WW, 9);
  const Vec b = gaussian(s.F, 1, 10);
  const ConvForward fw = forward(x, w, b, s.stride, s.pad);
  const Tensor4 dout = random_tensor(s.N, s.F, fw.out.dimension(2), fw.out.dimension(3), 11);
  const ConvGrads g = path.backward(dout, fw.cache);
  auto of_x = [&](const Tensor4& v) { return forward(v, w, b, s.stride, s.pad).out; };
  auto of_w = [&](const Tensor4& v) { return forward(x, v, b, s.stride, s.pad).out; };
  auto of_b = [&](const Mat& v) {
    return flatten(forward(x, w, Vec(v.transpose()), s.stride, s.pad).out);
  };
  EXPECT_LT(rel_error(numeric_vjp(of_x, x, dout), g.dx), 1e-7);
  EXPECT_LT(rel_error(numeric_vjp(of_w, w, dout), g.dw), 1e-7);
  EXPECT_LT(pg::rel_error(eval_numerical_gradient_array(of_b, Mat(b.transpose()), flatten(dout)),
                          Mat(g.db.transpose())),
            1e-7);
}

TEST(conv_layer, backward_matches_numeric_gradient) {
  for (const ConvPath& path : kConvPaths) {
    for (const ConvCase& s : kSmallCases) expect_conv_gradients(s, path);
  }
}

TEST(conv_layer, backward_sums_dw_and_db_over_the_batch) {
  const ConvCase s{3, 2, 5, 5, 2, 3, 3, 1, 1};
  const Tensor4 x = random_tensor(s.N, s.C, s.H, s.W, 12),
                w = random_tensor(s.F, s.C, s.HH, s.WW, 13);
  const Vec b = gaussian(s.F, 1, 14);
  const Tensor4 dout = random_tensor(s.N, s.F, s.H, s.W, 15);
  for (const auto& [name, forward, backward] : kConvPaths) {
    SCOPED_TRACE(name);
    const ConvGrads g = backward(dout, forward(x, w, b, s.stride, s.pad).cache);
    Tensor4 dw_sum(g.dw.dimensions());
    dw_sum.setZero();
    Vec db_sum = Vec::Zero(s.F);
    ConvGrads last;
    for (Index n = 0; n < s.N; ++n) {
      last = backward(example(dout, n), forward(example(x, n), w, b, s.stride, s.pad).cache);
      dw_sum += last.dw;
      db_sum += last.db;
      EXPECT_LT(max_abs_diff(example(g.dx, n), last.dx), 1e-12);
    }
    EXPECT_LT(max_abs_diff(g.dw, dw_sum), 1e-12);
    EXPECT_LT((g.db - db_sum).cwiseAbs().maxCoeff(), 1e-12);
    // the last image's dw alone (each image overwriting dw) is far from the sum
    EXPECT_GT(max_abs_diff(g.dw, last.dw), 0.1);
  }
}

TEST(max_pool_layer, forward_and_backward_by_hand) {
  const Tensor4 x = as_tensor(Mat{{1, 2, 5, 0}, {3, 4, 1, 1}, {0, 0, 7, 8}, {9, 0, 6, 2}});
  const Tensor4 dout = as_tensor(Mat{{10, 20}, {30, 40}});
  const Mat out{{4, 5}, {9, 8}};
  const Mat dx{{0, 0, 20, 0}, {0, 10, 0, 0}, {0, 0, 0, 40}, {30, 0, 0, 0}};
  auto [out_n, cache_n] = max_pool_forward_naive(x, 2, 2, 2);
  EXPECT_EQ(plane(out_n, 0, 0), out);
  EXPECT_EQ(plane(max_pool_backward_naive(dout, cache_n).dx, 0, 0), dx);
  auto [out_f, cache_f] = max_pool_forward_fast(x, 2, 2, 2);
  EXPECT_EQ(plane(out_f, 0, 0), out);
  EXPECT_EQ(plane(max_pool_backward_fast(dout, cache_f).dx, 0, 0), dx);
}

TEST(max_pool_layer, gives_a_tie_to_the_first_maximum_only) {
  const Tensor4 dout = as_tensor(Mat{{7}});
  for (const auto& [name, forward, backward] : kPoolPaths) {
    SCOPED_TRACE(name);
    const MaxPoolForward equal = forward(as_tensor(Mat::Constant(2, 2, 5)), 2, 2, 2);
    EXPECT_EQ(plane(equal.out, 0, 0), (Mat{{5}}));
    EXPECT_EQ(plane(backward(dout, equal.cache).dx, 0, 0), (Mat{{7, 0}, {0, 0}}));
    const MaxPoolForward later = forward(as_tensor(Mat{{1, 3}, {3, 2}}), 2, 2, 2);
    EXPECT_EQ(plane(backward(dout, later.cache).dx, 0, 0), (Mat{{0, 7}, {0, 0}}));
  }
}

// the fast 2 x 2 stride-2 pool scans each window on its own: a tie between any of its pixels
// goes to the first in row-major order, as in the naive pool
TEST(max_pool_layer, gives_ties_among_later_pixels_of_a_2x2_window_to_the_first_of_them) {
  const Tensor4 x = as_tensor(
      Mat{{0, 1, 0, 0, 0, 0}, {1, 1, 2, 2, 0, 3}, {-1, -2, -3, -3, 4, 4}, {-1, -1, -3, -3, 4, 4}});
  const Tensor4 dout = as_tensor(Mat{{1, 2, 3}, {4, 5, 6}});
  const Mat dx{{0, 1, 0, 0, 0, 0}, {0, 0, 2, 0, 0, 3}, {4, 0, 5, 0, 6, 0}, {0, 0, 0, 0, 0, 0}};
  for (const auto& [name, forward, backward] : kPoolPaths) {
    SCOPED_TRACE(name);
    const MaxPoolForward f = forward(x, 2, 2, 2);
    EXPECT_EQ(plane(f.out, 0, 0), (Mat{{1, 2, 3}, {-1, -3, 4}}));
    EXPECT_EQ(plane(backward(dout, f.cache).dx, 0, 0), dx);
  }
}

TEST(max_pool_layer, overlapping_windows_add_their_gradients) {
  const Tensor4 x = as_tensor(Mat{{1, 2, 3}, {4, 9, 5}, {6, 7, 8}});
  const Tensor4 dout = as_tensor(Mat{{1, 2}, {3, 4}});
  for (const auto& [name, forward, backward] : kPoolPaths) {
    SCOPED_TRACE(name);
    const MaxPoolForward f = forward(x, 2, 2, 1);
    EXPECT_EQ(plane(f.out, 0, 0), Mat::Constant(2, 2, 9));
    EXPECT_EQ(plane(backward(dout, f.cache).dx, 0, 0), (Mat{{0, 0, 0}, {0, 10, 0}, {0, 0, 0}}));
  }
}

struct PoolCase {
  long N, C, H, W;
  int pool_h, pool_w, stride;
};

const PoolCase kPoolCases[] = {
    {2, 3, 4, 6, 2, 2, 2}, {1, 2, 5, 7, 3, 3, 2}, {2, 1, 6, 5, 2, 3, 1}, {2, 2, 28, 28, 2, 2, 2}};

TEST(max_pool_layer, fast_matches_naive_and_both_match_numeric_gradient) {
  for (const PoolCase& s : kPoolCases) {
    SCOPED_TRACE(std::to_string(s.H) + " x " + std::to_string(s.W) + " pool " +
                 std::to_string(s.pool_h) + " x " + std::to_string(s.pool_w) + " stride " +
                 std::to_string(s.stride));
    const Tensor4 x = random_tensor(s.N, s.C, s.H, s.W, 16);
    const MaxPoolForward naive = max_pool_forward_naive(x, s.pool_h, s.pool_w, s.stride);
    const MaxPoolForward fast = max_pool_forward_fast(x, s.pool_h, s.pool_w, s.stride);
    EXPECT_EQ(max_abs_diff(naive.out, fast.out), 0);
    const Tensor4 dout =
        random_tensor(s.N, s.C, naive.out.dimension(2), naive.out.dimension(3), 17);
    const Tensor4 dx = max_pool_backward_naive(dout, naive.cache).dx;
    EXPECT_EQ(max_abs_diff(dx, max_pool_backward_fast(dout, fast.cache).dx), 0);
    auto f = [&](const Tensor4& v) {
      return max_pool_forward_naive(v, s.pool_h, s.pool_w, s.stride).out;
    };
    EXPECT_LT(rel_error(numeric_vjp(f, x, dout), dx), 1e-8);
  }
}

TEST(conv_relu_sandwich, is_relu_of_conv_and_matches_numeric_gradient) {
  const Tensor4 x = random_tensor(2, 3, 5, 6, 18), w = random_tensor(4, 3, 3, 3, 19);
  const Vec b = gaussian(4, 1, 20);
  const ConvReluForward fw = conv_relu_forward(x, w, b, 1, 1);
  const Tensor4 conv = conv_forward_naive(x, w, b, 1, 1).out;
  EXPECT_EQ(flatten(fw.out), flatten(conv).cwiseMax(0.0));
  const Tensor4 dout = random_tensor(2, 4, 5, 6, 21);
  const ConvGrads g = conv_relu_backward(dout, fw.cache);
  auto of_x = [&](const Tensor4& v) { return conv_relu_forward(v, w, b, 1, 1).out; };
  auto of_w = [&](const Tensor4& v) { return conv_relu_forward(x, v, b, 1, 1).out; };
  EXPECT_LT(rel_error(numeric_vjp(of_x, x, dout), g.dx), 1e-7);
  EXPECT_LT(rel_error(numeric_vjp(of_w, w, dout), g.dw), 1e-7);
}

TEST(conv_relu_pool_sandwich, is_pool_of_relu_of_conv_and_matches_numeric_gradient) {
  const Tensor4 x = random_tensor(2, 2, 6, 8, 22), w = random_tensor(3, 2, 3, 3, 23);
  const Vec b = gaussian(3, 1, 24);
  const ConvReluPoolForward fw = conv_relu_pool_forward(x, w, b, 1, 1, 2, 2, 2);
  const Tensor4 want = max_pool_forward_naive(conv_relu_forward(x, w, b, 1, 1).out, 2, 2, 2).out;
  EXPECT_EQ(max_abs_diff(fw.out, want), 0);
  const Tensor4 dout = random_tensor(2, 3, 3, 4, 25);
  const ConvGrads g = conv_relu_pool_backward(dout, fw.cache);
  auto of_x = [&](const Tensor4& v) { return conv_relu_pool_forward(v, w, b, 1, 1, 2, 2, 2).out; };
  auto of_w = [&](const Tensor4& v) { return conv_relu_pool_forward(x, v, b, 1, 1, 2, 2, 2).out; };
  auto of_b = [&](const Mat& v) {
    return flatten(conv_relu_pool_forward(x, w, Vec(v.transpose()), 1, 1, 2, 2, 2).out);
  };
  EXPECT_LT(rel_error(numeric_vjp(of_x, x, dout), g.dx), 1e-7);
  EXPECT_LT(rel_error(numeric_vjp(of_w, w, dout), g.dw), 1e-7);
  EXPECT_LT(pg::rel_error(eval_numerical_gradient_array(of_b, Mat(b.transpose()), flatten(dout)),
                          Mat(g.db.transpose())),
            1e-7);
}

TEST(convolve2d, rejects_what_does_not_tile_naming_the_shapes) {
  EXPECT_EQ(message_of([] { convolve2d(Mat::Zero(6, 6), Mat::Zero(3, 3), 2); }),
            "convolve2d: kernel (3, 3) with stride 2 does not tile image (6, 6): "
            "H + 2*pad - KH = 3 is not a multiple of the stride");
  EXPECT_EQ(message_of([] { convolve2d(Mat::Zero(5, 6), Mat::Zero(3, 3), 2, 1); }),
            "convolve2d: kernel (3, 3) with stride 2 does not tile image (5, 6) padded by 1: "
            "W + 2*pad - KW = 5 is not a multiple of the stride");
  EXPECT_EQ(message_of([] { convolve2d(Mat::Zero(6, 6), Mat::Zero(3, 3), 0); }),
            "convolve2d: stride must be >= 1, got 0");
  EXPECT_EQ(message_of([] { convolve2d(Mat::Zero(6, 6), Mat::Zero(3, 3), 1, -1); }),
            "convolve2d: pad must be >= 0, got -1");
  EXPECT_EQ(message_of([] { convolve2d(Mat::Zero(6, 6), Mat::Zero(0, 3)); }),
            "convolve2d: kernel (0, 3) is empty");
  EXPECT_EQ(message_of([] { convolve2d(Mat::Zero(3, 3), Mat::Zero(6, 6), 1, 1); }),
            "convolve2d: kernel (6, 6) does not fit in image (3, 3) padded by 1");
}

TEST(conv_layer, rejects_what_does_not_tile_or_match_naming_the_shapes) {
  const Tensor4 x = zeros(1, 3, 6, 6), w = zeros(2, 3, 3, 3);
  for (const auto& [path, forward, backward] : kConvPaths) {
    const std::string name = "conv_forward_" + path;
    EXPECT_EQ(message_of([&] { forward(x, w, Vec::Zero(2), 2, 0); }),
              name +
                  ": w (2, 3, 3, 3) with stride 2 does not tile x (1, 3, 6, 6): "
                  "H + 2*pad - HH = 3 is not a multiple of the stride");
    EXPECT_EQ(message_of([&] { forward(x, zeros(2, 2, 3, 3), Vec::Zero(2), 1, 0); }),
              name +
                  ": x has shape (1, 3, 6, 6) and w has shape (2, 2, 3, 3); their channel "
                  "counts C must match");
    EXPECT_EQ(message_of([&] { forward(x, w, Vec::Zero(3), 1, 0); }),
              name + ": b has 3 entries but w has shape (2, 3, 3, 3): one bias per filter");
  }
  const ConvCache cache = conv_forward_naive(x, w, Vec::Zero(2), 1, 1).cache;
  EXPECT_EQ(message_of([&] { conv_backward_naive(zeros(1, 2, 4, 4), cache); }),
            "conv_backward_naive: dout has shape (1, 2, 4, 4) but must be (1, 2, 6, 6)");
  EXPECT_EQ(message_of([&] { conv_backward_fast(zeros(1, 2, 4, 4), cache); }),
            "conv_backward_fast: dout has shape (1, 2, 4, 4) but must be (1, 2, 6, 6)");
}

TEST(max_pool_layer, rejects_a_stride_that_does_not_tile_naming_the_shapes) {
  const Tensor4 x = zeros(1, 1, 6, 6);
  EXPECT_EQ(message_of([&] { max_pool_forward_naive(x, 2, 2, 3); }),
            "max_pool_forward_naive: the 2 x 2 window with stride 3 does not tile x (1, 1, 6, 6): "
            "H - pool_h = 4 is not a multiple of the stride");
  EXPECT_EQ(message_of([&] { max_pool_forward_fast(x, 7, 2, 1); }),
            "max_pool_forward_fast: the 7 x 2 window does not fit in x (1, 1, 6, 6)");
}

TEST(shift_image, moves_every_column_with_zero_fill_and_no_wrap_around) {
  Mat image(28, 28);
  for (Index i = 0; i < 28; ++i) {
    for (Index j = 0; j < 28; ++j) image(i, j) = static_cast<double>(28 * i + j + 1);
  }
  for (int s = -28; s <= 28; ++s) {
    SCOPED_TRACE("s = " + std::to_string(s));
    Mat want = Mat::Zero(28, 28);
    for (Index i = 0; i < 28; ++i) {
      for (Index j = 0; j < 28; ++j) {
        if (j - s >= 0 && j - s < 28) want(i, j) = image(i, j - s);
      }
    }
    EXPECT_EQ(shift_image(image, s), want);
  }
  EXPECT_EQ(shift_image(image, 0), image);
  EXPECT_EQ(shift_image(image, 1)(0, 1), image(0, 0));  // s > 0 moves right
  EXPECT_EQ(shift_image(image, 40), Mat::Zero(28, 28));
  EXPECT_EQ(shift_image(image, -40), Mat::Zero(28, 28));
  EXPECT_EQ(shift_image(Mat::Ones(3, 5), 2),
            (Mat{{0, 0, 1, 1, 1}, {0, 0, 1, 1, 1}, {0, 0, 1, 1, 1}}));
}

}  // namespace
}  // namespace pg::conv
