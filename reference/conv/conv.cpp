// Convolution and pooling (assignment 4): the one-channel warm-up and the lectures' kernels, the
// conv and max-pool layers naive and fast, the sandwiches and shift_image. Not the CNN model.
#include "conv/conv.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "common/errors.hpp"
#include "common/parallel.hpp"

namespace pg::conv {

namespace {

using Index = Eigen::Index;

// A kh x kw window sliding over an h x w image padded by pad, moved by stride; out_h x out_w
// positions.
struct Window {
  Index h, w, kh, kw, out_h, out_w;
  int stride, pad;
};

// Checks a window's arguments and counts its positions. `kernel` and `image` name the two in the
// messages ("w (4, 3, 3, 3)"), `rest_h` and `rest_w` name the lengths the stride must divide.
Window slide(const char* function, const std::string& kernel, const std::string& image, Index h,
             Index w, Index kh, Index kw, int stride, int pad, const char* rest_h,
             const char* rest_w) {
  require(stride >= 1, function, "stride must be >= 1, got " + std::to_string(stride));
  require(pad >= 0, function, "pad must be >= 0, got " + std::to_string(pad));
  require(kh >= 1 && kw >= 1, function, kernel + " is empty");
  const std::string padded = pad > 0 ? " padded by " + std::to_string(pad) : "";
  require(kh <= h + 2 * pad && kw <= w + 2 * pad, function,
          kernel + " does not fit in " + image + padded);
  auto tiles = [&](Index rest, const char* name) {
    require(rest % stride == 0, function,
            kernel + " with stride " + std::to_string(stride) + " does not tile " + image + padded +
                ": " + name + " = " + std::to_string(rest) + " is not a multiple of the stride");
  };
  tiles(h + 2 * pad - kh, rest_h);
  tiles(w + 2 * pad - kw, rest_w);
  return {h,      w,  kh, kw, 1 + (h + 2 * pad - kh) / stride, 1 + (w + 2 * pad - kw) / stride,
          stride, pad};
}

// The window of a conv layer, after checking that x and w agree on C.
Window conv_window(const char* function, const Tensor4& x, const Tensor4& w, int stride, int pad) {
  require(x.dimension(1) == w.dimension(1), function,
          "x has shape " + shape_of(x) + " and w has shape " + shape_of(w) +
              "; their channel counts C must match");
  return slide(function, "w " + shape_of(w), "x " + shape_of(x), x.dimension(2), x.dimension(3),
               w.dimension(2), w.dimension(3), stride, pad, "H + 2*pad - HH", "W + 2*pad - WW");
}

Window conv_window(const char* function, const Tensor4& x, const Tensor4& w, const Vec& b,
                   int stride, int pad) {
  require(b.size() == w.dimension(0), function,
          "b has " + std::to_string(b.size()) + " entries but w has shape " + shape_of(w) +
              ": one bias per filter");
  return conv_window(function, x, w, stride, pad);
}

Window pool_window(const char* function, const Tensor4& x, int pool_h, int pool_w, int stride) {
  return slide(function,
               "the " + std::to_string(pool_h) + " x " + std::to_string(pool_w) + " window",
               "x " + shape_of(x), x.dimension(2), x.dimension(3), pool_h, pool_w, stride, 0,
               "H - pool_h", "W - pool_w");
}

void check_dout(const char* function, const Tensor4& dout, Index n, Index c, Index h, Index w) {
  require(dout.dimension(0) == n && dout.dimension(1) == c && dout.dimension(2) == h &&
              dout.dimension(3) == w,
          function,
          "dout has shape " + shape_of(dout) + " but must be (" + std::to_string(n) + ", " +
              std::to_string(c) + ", " + std::to_string(h) + ", " + std::to_string(w) + ")");
}

// A tensor's elements as one array, for the elementwise ReLU.
Eigen::Map<const Eigen::ArrayXd> elements(const Tensor4& t) { return {t.data(), t.size()}; }
Eigen::Map<Eigen::ArrayXd> elements(Tensor4& t) { return {t.data(), t.size()}; }

// The output columns j whose input column j*stride + offset lies inside 0..w-1 are lo <= j < hi;
// the others read the zero padding. 0 <= lo <= hi <= out_w.
std::pair<Index, Index> inside(Index offset, Index w, Index out_w, Index stride) {
  const Index lo = std::min(out_w, offset >= 0 ? 0 : (-offset + stride - 1) / stride);
  const Index last = w - 1 - offset;  // j*stride <= last
  const Index hi = last < 0 ? lo : std::max(lo, std::min(out_w, last / stride + 1));
  return {lo, hi};
}

// Unrolls the windows of image n into the columns of cols (C*HH*WW, H'*W'):
//   cols((c*HH + k)*WW + l, i*W' + j) = x(n, c, i*stride + k - pad, j*stride + l - pad)
// (0 in the padding). Row order is the order of a filter's weights in memory and column order
// that of the output pixels, so that one product w (F, C*HH*WW) * cols gives out(n) (F, H'*W').
// cols must hold zeros where the window overhangs: only the pixels inside the image are written,
// so that one buffer zeroed once serves every image (the padding sits at the same entries).
void im2col(const Tensor4& x, Index n, const Window& g, Mat& cols) {
  // TODO: fill cols as above, one row of cols per (c, k, l), skipping the entries where the
  //       window overhangs (they stay 0).
  // BEGIN SOLUTION
  const Index C = x.dimension(1);
  const double* image = x.data() + n * C * g.h * g.w;
  for (Index c = 0; c < C; ++c) {
    for (Index k = 0; k < g.kh; ++k) {
      for (Index l = 0; l < g.kw; ++l) {
        double* dst = cols.data() + ((c * g.kh + k) * g.kw + l) * g.out_h * g.out_w;
        const Index offset = l - g.pad;
        const auto [lo, hi] = inside(offset, g.w, g.out_w, g.stride);
        for (Index i = 0; i < g.out_h; ++i, dst += g.out_w) {
          const Index row = i * g.stride + k - g.pad;
          if (row < 0 || row >= g.h) continue;
          const double* src = image + (c * g.h + row) * g.w + offset;  // src[j*stride]: column j
          if (g.stride == 1) {  // a run of the row: copied as one block (vector instructions)
            std::copy(src + lo, src + hi, dst + lo);
          } else {
            for (Index j = lo; j < hi; ++j) dst[j] = src[j * g.stride];
          }
        }
      }
    }
  }
  // END SOLUTION
}

// The adjoint of im2col: adds each entry of dcols (C*HH*WW, H'*W') to the pixel of image n of dx
// it was copied from; a pixel seen by several windows gets the sum.
void col2im(const Mat& dcols, Index n, const Window& g, Tensor4& dx) {
  // TODO: walk the same indices as im2col, with += into dx instead of = into cols.
  // BEGIN SOLUTION
  const Index C = dx.dimension(1);
  double* image = dx.data() + n * C * g.h * g.w;
  for (Index c = 0; c < C; ++c) {
    for (Index k = 0; k < g.kh; ++k) {
      for (Index l = 0; l < g.kw; ++l) {
        const double* src = dcols.data() + ((c * g.kh + k) * g.kw + l) * g.out_h * g.out_w;
        const Index offset = l - g.pad;
        const auto [lo, hi] = inside(offset, g.w, g.out_w, g.stride);
        for (Index i = 0; i < g.out_h; ++i, src += g.out_w) {
          const Index row = i * g.stride + k - g.pad;
          if (row < 0 || row >= g.h) continue;
          double* dst = image + (c * g.h + row) * g.w + offset;  // dst[j*stride]: column j
          if (g.stride == 1) {  // a run of the row, added as one block (vector instructions)
            Eigen::Map<Eigen::ArrayXd>(dst + lo, hi - lo) +=
                Eigen::Map<const Eigen::ArrayXd>(src + lo, hi - lo);
          } else {
            for (Index j = lo; j < hi; ++j) dst[j * g.stride] += src[j];
          }
        }
      }
    }
  }
  // END SOLUTION
}

}  // namespace

Mat convolve2d(const Mat& image, const Mat& kernel, int stride, int pad) {
  const Window g = slide("convolve2d", "kernel " + shape_of(kernel), "image " + shape_of(image),
                         image.rows(), image.cols(), kernel.rows(), kernel.cols(), stride, pad,
                         "H + 2*pad - KH", "W + 2*pad - KW");
  Mat out(g.out_h, g.out_w);
  // TODO: out(i, j) = sum over (k, l) of image(i*stride + k - pad, j*stride + l - pad) *
  //       kernel(k, l), the kernel as it is (not flipped); a pixel outside the image is 0 and
  //       adds nothing.
  // BEGIN SOLUTION
  for (Index i = 0; i < g.out_h; ++i) {
    for (Index j = 0; j < g.out_w; ++j) {
      double sum = 0;
      for (Index k = 0; k < g.kh; ++k) {
        for (Index l = 0; l < g.kw; ++l) {
          const Index row = i * stride + k - pad, col = j * stride + l - pad;
          if (row < 0 || row >= g.h || col < 0 || col >= g.w) continue;
          sum += image(row, col) * kernel(k, l);
        }
      }
      out(i, j) = sum;
    }
  }
  // END SOLUTION
  return out;
}

namespace kernels {

// The values of the kernel table in the image-kernel lecture (from Wikipedia's "Kernel (image
// processing)") and of the CNN lecture's Gaussian blur and image gradient.
Mat identity() { return Mat{{0, 0, 0}, {0, 1, 0}, {0, 0, 0}}; }
Mat edge_detection_4() { return Mat{{0, -1, 0}, {-1, 4, -1}, {0, -1, 0}}; }
Mat edge_detection_8() { return Mat{{-1, -1, -1}, {-1, 8, -1}, {-1, -1, -1}}; }
Mat sharpen() { return Mat{{0, -1, 0}, {-1, 5, -1}, {0, -1, 0}}; }
Mat box_blur() { return Mat::Constant(3, 3, 1.0 / 9.0); }
Mat gaussian_blur_3x3() { return Mat{{1, 2, 1}, {2, 4, 2}, {1, 2, 1}} / 16.0; }

Mat gaussian_blur_5x5() {
  return Mat{{1, 4, 6, 4, 1},
             {4, 16, 24, 16, 4},
             {6, 24, 36, 24, 6},
             {4, 16, 24, 16, 4},
             {1, 4, 6, 4, 1}} /
         256.0;
}

// The CNN lecture's slide prints the last row as 1 4 4 4 1, a typo: the kernel is symmetric like
// every Gaussian, and its entries sum to 273 only with 1 4 7 4 1.
Mat gaussian_blur_273() {
  return Mat{{1, 4, 7, 4, 1},
             {4, 16, 26, 16, 4},
             {7, 26, 41, 26, 7},
             {4, 16, 26, 16, 4},
             {1, 4, 7, 4, 1}} /
         273.0;
}

// 2 * identity - gaussian_blur_5x5 ("amount 1, threshold 0"): the centre is -(36 - 2*256) = 476.
Mat unsharp_masking_5x5() {
  return Mat{{1, 4, 6, 4, 1},
             {4, 16, 24, 16, 4},
             {6, 24, -476, 24, 6},
             {4, 16, 24, 16, 4},
             {1, 4, 6, 4, 1}} /
         -256.0;
}

Mat sobel_x() { return Mat{{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}}; }
Mat sobel_y() { return Mat{{-1, -2, -1}, {0, 0, 0}, {1, 2, 1}}; }

}  // namespace kernels

Mat sobel_magnitude(const Mat& image) {
  Mat out;
  // TODO: gx = convolve2d(image, kernels::sobel_x(), 1, 1), gy likewise with sobel_y();
  //       out = sqrt(gx^2 + gy^2) elementwise.
  // BEGIN SOLUTION
  const Mat gx = convolve2d(image, kernels::sobel_x(), 1, 1);
  const Mat gy = convolve2d(image, kernels::sobel_y(), 1, 1);
  out = (gx.array().square() + gy.array().square()).sqrt().matrix();
  // END SOLUTION
  return out;
}

ConvForward conv_forward_naive(const Tensor4& x, const Tensor4& w, const Vec& b, int stride,
                               int pad) {
  const Window g = conv_window("conv_forward_naive", x, w, b, stride, pad);
  const Index N = x.dimension(0), C = x.dimension(1), F = w.dimension(0);
  Tensor4 out(N, F, g.out_h, g.out_w);
  // TODO: out(n, f, i, j) = b(f) + sum over (c, k, l) of
  //         x(n, c, i*stride + k - pad, j*stride + l - pad) * w(f, c, k, l),
  //       skipping the pixels outside the image (the zero padding adds nothing).
  // BEGIN SOLUTION
  for (Index n = 0; n < N; ++n) {
    for (Index f = 0; f < F; ++f) {
      for (Index i = 0; i < g.out_h; ++i) {
        for (Index j = 0; j < g.out_w; ++j) {
          double sum = b(f);
          for (Index c = 0; c < C; ++c) {
            for (Index k = 0; k < g.kh; ++k) {
              for (Index l = 0; l < g.kw; ++l) {
                const Index row = i * stride + k - pad, col = j * stride + l - pad;
                if (row < 0 || row >= g.h || col < 0 || col >= g.w) continue;
                sum += x(n, c, row, col) * w(f, c, k, l);
              }
            }
          }
          out(n, f, i, j) = sum;
        }
      }
    }
  }
  // END SOLUTION
  return {out, {x, w, stride, pad}};
}

ConvGrads conv_backward_naive(const Tensor4& dout, const ConvCache& cache) {
  const Tensor4& x = cache.x;
  const Tensor4& w = cache.w;
  const Window g = conv_window("conv_backward_naive", x, w, cache.stride, cache.pad);
  const Index N = x.dimension(0), C = x.dimension(1), F = w.dimension(0);
  check_dout("conv_backward_naive", dout, N, F, g.out_h, g.out_w);
  ConvGrads grads{Tensor4(x.dimensions()), Tensor4(w.dimensions()), Vec::Zero(F)};
  grads.dx.setZero();
  grads.dw.setZero();
  // TODO: for every output pixel (n, f, i, j), with d = dout(n, f, i, j): db(f) += d, and for
  //       every (c, k, l) whose input pixel (row, col) = (i*stride + k - pad, j*stride + l - pad)
  //       is inside the image: dw(f, c, k, l) += x(n, c, row, col) * d and
  //       dx(n, c, row, col) += w(f, c, k, l) * d. Accumulate (+=) over all n: dw and db sum over
  //       the batch.
  // BEGIN SOLUTION
  for (Index n = 0; n < N; ++n) {
    for (Index f = 0; f < F; ++f) {
      for (Index i = 0; i < g.out_h; ++i) {
        for (Index j = 0; j < g.out_w; ++j) {
          const double d = dout(n, f, i, j);
          grads.db(f) += d;
          for (Index c = 0; c < C; ++c) {
            for (Index k = 0; k < g.kh; ++k) {
              for (Index l = 0; l < g.kw; ++l) {
                const Index row = i * g.stride + k - g.pad, col = j * g.stride + l - g.pad;
                if (row < 0 || row >= g.h || col < 0 || col >= g.w) continue;
                grads.dw(f, c, k, l) += x(n, c, row, col) * d;
                grads.dx(n, c, row, col) += w(f, c, k, l) * d;
              }
            }
          }
        }
      }
    }
  }
  // END SOLUTION
  return grads;
}

MaxPoolForward max_pool_forward_naive(const Tensor4& x, int pool_h, int pool_w, int stride) {
  const Window g = pool_window("max_pool_forward_naive", x, pool_h, pool_w, stride);
  const Index N = x.dimension(0), C = x.dimension(1);
  Tensor4 out(N, C, g.out_h, g.out_w);
  // TODO: out(n, c, i, j) = the max over (k, l) of x(n, c, i*stride + k, j*stride + l).
  // BEGIN SOLUTION
  for (Index n = 0; n < N; ++n) {
    for (Index c = 0; c < C; ++c) {
      for (Index i = 0; i < g.out_h; ++i) {
        for (Index j = 0; j < g.out_w; ++j) {
          double best = x(n, c, i * stride, j * stride);
          for (Index k = 0; k < pool_h; ++k) {
            for (Index l = 0; l < pool_w; ++l) {
              best = std::max(best, x(n, c, i * stride + k, j * stride + l));
            }
          }
          out(n, c, i, j) = best;
        }
      }
    }
  }
  // END SOLUTION
  return {out, {x, pool_h, pool_w, stride}};
}

MaxPoolGrads max_pool_backward_naive(const Tensor4& dout, const MaxPoolCache& cache) {
  const Tensor4& x = cache.x;
  const Window g =
      pool_window("max_pool_backward_naive", x, cache.pool_h, cache.pool_w, cache.stride);
  const Index N = x.dimension(0), C = x.dimension(1);
  check_dout("max_pool_backward_naive", dout, N, C, g.out_h, g.out_w);
  MaxPoolGrads grads{Tensor4(x.dimensions())};
  grads.dx.setZero();
  // TODO: for every window find its first maximum (scan (k, l) in row-major order and move only
  //       on a strictly larger value) and add dout(n, c, i, j) to dx there (+=: windows overlap
  //       when stride < pool).
  // BEGIN SOLUTION
  for (Index n = 0; n < N; ++n) {
    for (Index c = 0; c < C; ++c) {
      for (Index i = 0; i < g.out_h; ++i) {
        for (Index j = 0; j < g.out_w; ++j) {
          Index best_row = i * g.stride, best_col = j * g.stride;
          for (Index k = 0; k < g.kh; ++k) {
            for (Index l = 0; l < g.kw; ++l) {
              const Index row = i * g.stride + k, col = j * g.stride + l;
              if (x(n, c, row, col) > x(n, c, best_row, best_col)) {
                best_row = row;
                best_col = col;
              }
            }
          }
          grads.dx(n, c, best_row, best_col) += dout(n, c, i, j);
        }
      }
    }
  }
  // END SOLUTION
  return grads;
}

ConvForward conv_forward_fast(const Tensor4& x, const Tensor4& w, const Vec& b, int stride,
                              int pad) {
  const Window g = conv_window("conv_forward_fast", x, w, b, stride, pad);
  const Index N = x.dimension(0), F = w.dimension(0);
  Tensor4 out(N, F, g.out_h, g.out_w);
  // TODO: for each image n: im2col into cols (C*HH*WW, H'*W'), zeros to start with; out(n),
  //       seen as a row-major (F, H'*W') matrix, = w seen as (F, C*HH*WW) times cols, plus b(f)
  //       on row f. (Optional, for speed outside the grader: pg::parallel_for from
  //       common/parallel.hpp runs the images side by side, one cols per worker.)
  // BEGIN SOLUTION
  const Index K = w.dimension(1) * g.kh * g.kw, P = g.out_h * g.out_w;
  const Eigen::Map<const Mat> w_rows(w.data(), F, K);  // row f: filter f in (c, k, l) order
  std::vector<Mat> cols(parallel_workers(N), Mat::Zero(K, P));
  parallel_for(N, [&](Index n, int worker) {
    im2col(x, n, g, cols[worker]);
    Eigen::Map<Mat> out_n(out.data() + n * F * P, F, P);
    out_n = b.replicate(1, P);  // the bias first, the product added to it (one pass over out_n)
    out_n.noalias() += w_rows * cols[worker];
  });
  // END SOLUTION
  return {std::move(out), {x, w, stride, pad}};
}

ConvGrads conv_backward_fast(const Tensor4& dout, const ConvCache& cache) {
  const Tensor4& x = cache.x;
  const Tensor4& w = cache.w;
  const Window g = conv_window("conv_backward_fast", x, w, cache.stride, cache.pad);
  const Index N = x.dimension(0), F = w.dimension(0);
  check_dout("conv_backward_fast", dout, N, F, g.out_h, g.out_w);
  ConvGrads grads{Tensor4(x.dimensions()), Tensor4(w.dimensions()), Vec::Zero(F)};
  grads.dx.setZero();
  grads.dw.setZero();
  // TODO: for each image n, with dout(n) as a (F, H'*W') matrix and cols = im2col of image n
  //       (zeros to start with):
  //       db += row sums of dout(n); dw (F, C*HH*WW) += dout(n) * cols^T;
  //       dcols = w^T * dout(n), then col2im adds dcols into dx(n).
  //       (Optional: pg::parallel_for, with each worker's own cols, dcols, and dw and db sums,
  //       added up at the end.)
  // BEGIN SOLUTION
  const Index K = w.dimension(1) * g.kh * g.kw, P = g.out_h * g.out_w;
  const Eigen::Map<const Mat> w_rows(w.data(), F, K);
  // each worker's buffers and its share of the sums dw and db
  struct Work {
    Mat cols, dcols, dw;
    Vec db;
  };
  std::vector<Work> work(parallel_workers(N),
                         {Mat::Zero(K, P), Mat(K, P), Mat::Zero(F, K), Vec::Zero(F)});
  parallel_for(N, [&](Index n, int worker) {
    Work& my = work[worker];
    const Eigen::Map<const Mat> dout_n(dout.data() + n * F * P, F, P);
    my.db += dout_n.rowwise().sum();
    im2col(x, n, g, my.cols);
    my.dw.noalias() += dout_n * my.cols.transpose();
    my.dcols.noalias() = w_rows.transpose() * dout_n;
    col2im(my.dcols, n, g, grads.dx);  // image n's pixels of dx: no other worker writes them
  });
  Eigen::Map<Mat> dw_rows(grads.dw.data(), F, K);
  for (const Work& my : work) {
    dw_rows += my.dw;
    grads.db += my.db;
  }
  // END SOLUTION
  return grads;
}

// The fast pooling walks each channel through raw pointers (no four-index arithmetic per pixel)
// and finds a window's maximum once, in the backward pass too.
MaxPoolForward max_pool_forward_fast(const Tensor4& x, int pool_h, int pool_w, int stride) {
  const Window g = pool_window("max_pool_forward_fast", x, pool_h, pool_w, stride);
  const Index N = x.dimension(0), C = x.dimension(1);
  Tensor4 out(N, C, g.out_h, g.out_w);
  // TODO: for each channel p of each image (N*C of them, contiguous), for each window: the max of
  //       channel[(i*stride + k)*W + j*stride + l] over (k, l).
  // BEGIN SOLUTION
  if (pool_h == 2 && pool_w == 2 && stride == 2) {  // the CNNs' pool: two rows, pairs of columns
    parallel_for(N, [&](Index n, int) {  // the images side by side, each its C channels
      double* dst = out.data() + n * C * g.out_h * g.out_w;
      for (Index p = n * C; p < (n + 1) * C; ++p) {
        for (Index i = 0; i < g.out_h; ++i) {
          const double* top = x.data() + (p * g.h + 2 * i) * g.w;
          const double* bottom = top + g.w;
          for (Index j = 0; j < g.out_w; ++j) {
            *dst++ = std::max(std::max(top[2 * j], top[2 * j + 1]),
                              std::max(bottom[2 * j], bottom[2 * j + 1]));
          }
        }
      }
    });
    return {std::move(out), {x, pool_h, pool_w, stride}};
  }
  double* dst = out.data();
  for (Index p = 0; p < N * C; ++p) {
    const double* channel = x.data() + p * g.h * g.w;
    for (Index i = 0; i < g.out_h; ++i) {
      for (Index j = 0; j < g.out_w; ++j) {
        const double* window = channel + i * stride * g.w + j * stride;
        double best = window[0];
        for (Index k = 0; k < pool_h; ++k) {
          for (Index l = 0; l < pool_w; ++l) best = std::max(best, window[k * g.w + l]);
        }
        *dst++ = best;
      }
    }
  }
  // END SOLUTION
  return {std::move(out), {x, pool_h, pool_w, stride}};
}

MaxPoolGrads max_pool_backward_fast(const Tensor4& dout, const MaxPoolCache& cache) {
  const Tensor4& x = cache.x;
  const Window g =
      pool_window("max_pool_backward_fast", x, cache.pool_h, cache.pool_w, cache.stride);
  const Index N = x.dimension(0), C = x.dimension(1);
  check_dout("max_pool_backward_fast", dout, N, C, g.out_h, g.out_w);
  MaxPoolGrads grads{Tensor4(x.dimensions())};
  // TODO: as the forward pass, keeping the offset of each window's maximum (moved only on a
  //       strictly larger value, so that the first maximum in row-major order wins); add dout
  //       to dx there (+=: windows overlap when stride < pool), dx being 0 elsewhere.
  // BEGIN SOLUTION
  if (g.kh == 2 && g.kw == 2 && g.stride == 2) {  // windows tile x: write all of dx once
    parallel_for(N, [&](Index n, int) {  // the images side by side, each its C channels
      const double* d = dout.data() + n * C * g.out_h * g.out_w;
      for (Index p = n * C; p < (n + 1) * C; ++p) {
        for (Index i = 0; i < g.out_h; ++i) {
          const Index top = (p * g.h + 2 * i) * g.w, bottom = top + g.w;
          const double* x_top = x.data() + top;
          const double* x_bottom = x.data() + bottom;
          double* dx_top = grads.dx.data() + top;
          double* dx_bottom = grads.dx.data() + bottom;
          for (Index j = 0; j < g.out_w; ++j, ++d) {
            // the window in row-major order; the first maximum takes the gradient
            const double v[4] = {x_top[2 * j], x_top[2 * j + 1], x_bottom[2 * j],
                                 x_bottom[2 * j + 1]};
            int best = 0;
            for (int q = 1; q < 4; ++q) {
              if (v[q] > v[best]) best = q;
            }
            dx_top[2 * j] = best == 0 ? *d : 0.0;
            dx_top[2 * j + 1] = best == 1 ? *d : 0.0;
            dx_bottom[2 * j] = best == 2 ? *d : 0.0;
            dx_bottom[2 * j + 1] = best == 3 ? *d : 0.0;
          }
        }
      }
    });
    return grads;
  }
  const double* d = dout.data();
  grads.dx.setZero();
  for (Index p = 0; p < N * C; ++p) {
    const double* channel = x.data() + p * g.h * g.w;
    double* dchannel = grads.dx.data() + p * g.h * g.w;
    for (Index i = 0; i < g.out_h; ++i) {
      for (Index j = 0; j < g.out_w; ++j) {
        const Index window = i * g.stride * g.w + j * g.stride;
        Index best = window;
        for (Index k = 0; k < g.kh; ++k) {
          for (Index l = 0; l < g.kw; ++l) {
            if (channel[window + k * g.w + l] > channel[best]) best = window + k * g.w + l;
          }
        }
        dchannel[best] += *d++;
      }
    }
  }
  // END SOLUTION
  return grads;
}

ConvReluForward conv_relu_forward(const Tensor4& x, const Tensor4& w, const Vec& b, int stride,
                                  int pad) {
  ConvReluForward f;
  // TODO: the naive conv layer, then max(0, .) elementwise; keep the conv cache and its output.
  // BEGIN SOLUTION
  ConvForward conv = conv_forward_naive(x, w, b, stride, pad);
  f.out = Tensor4(conv.out.dimensions());
  elements(f.out) = elements(conv.out).max(0.0);
  f.cache = {std::move(conv.cache), std::move(conv.out)};
  // END SOLUTION
  return f;
}

ConvGrads conv_relu_backward(const Tensor4& dout, const ConvReluCache& cache) {
  const Tensor4& a = cache.relu;
  check_dout("conv_relu_backward", dout, a.dimension(0), a.dimension(1), a.dimension(2),
             a.dimension(3));
  ConvGrads grads;
  // TODO: back through the ReLU (dout where the conv output > 0, else 0), then the naive conv.
  // BEGIN SOLUTION
  Tensor4 da(a.dimensions());
  elements(da) = (elements(a) > 0).select(elements(dout), 0.0);
  grads = conv_backward_naive(da, cache.conv);
  // END SOLUTION
  return grads;
}

ConvReluPoolForward conv_relu_pool_forward(const Tensor4& x, const Tensor4& w, const Vec& b,
                                           int stride, int pad, int pool_h, int pool_w,
                                           int pool_stride) {
  ConvReluPoolForward f;
  // TODO: conv_relu_forward, then the naive max pool; keep the caches of both.
  // BEGIN SOLUTION
  ConvReluForward conv_relu = conv_relu_forward(x, w, b, stride, pad);
  MaxPoolForward pool = max_pool_forward_naive(conv_relu.out, pool_h, pool_w, pool_stride);
  f.out = std::move(pool.out);
  f.cache = {std::move(conv_relu.cache), std::move(pool.cache)};
  // END SOLUTION
  return f;
}

ConvGrads conv_relu_pool_backward(const Tensor4& dout, const ConvReluPoolCache& cache) {
  ConvGrads grads;
  // TODO: back through the naive max pool, then conv_relu_backward.
  // BEGIN SOLUTION
  grads = conv_relu_backward(max_pool_backward_naive(dout, cache.pool).dx, cache.conv_relu);
  // END SOLUTION
  return grads;
}

Mat shift_image(const Mat& image, int s) {
  Mat out = Mat::Zero(image.rows(), image.cols());
  // TODO: s > 0: out's columns s..W-1 = image's columns 0..W-1-s; s < 0: out's columns
  //       0..W-1-|s| = image's columns |s|..W-1; s = 0: out = image. The rest stays 0, and
  //       |s| >= W leaves all of it 0.
  // BEGIN SOLUTION
  const Index kept = image.cols() - std::abs(static_cast<Index>(s));
  if (kept > 0) {
    if (s >= 0) {
      out.rightCols(kept) = image.leftCols(kept);
    } else {
      out.leftCols(kept) = image.rightCols(kept);
    }
  }
  // END SOLUTION
  return out;
}

}  // namespace pg::conv
