// Assignment 4, convolution and pooling: the lectures' sliding dot product on one image and its
// classic kernels, then the conv and max-pool layers of a CNN, each a forward pass that returns
// {out, cache} and a backward pass that takes (dout, cache), and the image shift of the lecture.
// This header is the contract shared by your conv.cpp, the reference and the grader. Do not edit.
//
// Shapes:  N = batch size,  C = input channels,  H, W = input height and width,
//          F = number of filters,  HH, WW = filter height and width,
//          H', W' = output height and width.
//          x(n, c, i, j) is pixel (i, j) of channel c of image n (common/tensor.hpp); w(f, c, k, l)
//          is weight (k, l) of filter f on channel c.
//
// Convolution here is the lectures' and every CNN library's: a sliding dot product, the kernel
// laid on the image as it is, NOT flipped (signal processing would call it cross-correlation):
//   out(i, j) = sum_{k, l} image(i*stride + k - pad, j*stride + l - pad) * kernel(k, l),
// where a pixel outside the image is 0 (zero padding). Along each axis the output has
//   H' = 1 + (H + 2*pad - HH) / stride
// pixels, and the stride must divide H + 2*pad - HH exactly (it must tile the padded image).
#pragma once

#include "common/tensor.hpp"
#include "common/types.hpp"

namespace pg::conv {

// One-channel convolution (the warm-up): the formula above.
// Inputs: image (H, W), kernel (KH, KW), stride >= 1, pad >= 0.
// Returns: (1 + (H + 2*pad - KH) / stride, 1 + (W + 2*pad - KW) / stride).
// Requires: the kernel is not empty and fits in the padded image, the stride tiles it exactly;
//           otherwise std::invalid_argument naming the shapes.
// Averaging 2 x 2 blocks (downsampling) is convolve2d(image, Mat::Constant(2, 2, 0.25), 2).
Mat convolve2d(const Mat& image, const Mat& kernel, int stride = 1, int pad = 0);

// The classic kernels of the lectures: the image-kernel lecture's table (from Wikipedia's
// "Kernel (image processing)") and the CNN lecture's Gaussian blur and image gradient. Sums: 1 for
// identity, sharpen, the blurs and unsharp masking (a flat image keeps its brightness), 0 for the
// edge detectors and Sobel (a flat image gives 0).
namespace kernels {
// [0 0 0; 0 1 0; 0 0 0]
Mat identity();
// [0 -1 0; -1 4 -1; 0 -1 0]  ("ridge or edge detection")
Mat edge_detection_4();
// [-1 -1 -1; -1 8 -1; -1 -1 -1]  (the same with the diagonals)
Mat edge_detection_8();
// [0 -1 0; -1 5 -1; 0 -1 0]
Mat sharpen();
// [1 1 1; 1 1 1; 1 1 1] / 9  ("box blur (normalized)")
Mat box_blur();
// [1 2 1; 2 4 2; 1 2 1] / 16
Mat gaussian_blur_3x3();
// [1 4 6 4 1; 4 16 24 16 4; 6 24 36 24 6; 4 16 24 16 4; 1 4 6 4 1] / 256
Mat gaussian_blur_5x5();
// [1 4 7 4 1; 4 16 26 16 4; 7 26 41 26 7; 4 16 26 16 4; 1 4 7 4 1] / 273  (the CNN lecture's)
Mat gaussian_blur_273();
// -[1 4 6 4 1; 4 16 24 16 4; 6 24 -476 24 6; 4 16 24 16 4; 1 4 6 4 1] / 256
Mat unsharp_masking_5x5();
// Gx = [-1 0 1; -2 0 2; -1 0 1]: positive where the brightness grows to the right
Mat sobel_x();
// Gy = [-1 -2 -1; 0 0 0; 1 2 1]: positive where it grows downwards
Mat sobel_y();
}  // namespace kernels

// The CNN lecture's image gradient: sqrt((z * Gx)^2 + (z * Gy)^2), each convolution with pad 1 so
// that the result has the image's shape. Zero padding makes the image's border an edge too.
// Inputs: image (H, W), H, W >= 1.  Returns: (H, W).
Mat sobel_magnitude(const Mat& image);

// Conv layer: out(n, f) = b(f) + sum_c convolve2d(x(n, c), w(f, c), stride, pad).
struct ConvCache {
  Tensor4 x;  // (N, C, H, W)
  Tensor4 w;  // (F, C, HH, WW)
  int stride, pad;
};
struct ConvForward {
  Tensor4 out;  // (N, F, H', W')
  ConvCache cache;
};
struct ConvGrads {
  Tensor4 dx;  // (N, C, H, W)
  Tensor4 dw;  // (F, C, HH, WW), summed over the N images
  Vec db;      // (F), summed over the N images and the H' x W' positions
};
// Inputs: x (N, C, H, W), w (F, C, HH, WW), b (F), stride >= 1, pad >= 0.
// Returns: out (N, F, H', W') with H' = 1 + (H + 2*pad - HH) / stride,
//          W' = 1 + (W + 2*pad - WW) / stride, and the cache.
// Requires: x and w have the same C, b has F entries, the filters fit in the padded image and the
//           stride tiles it exactly; otherwise std::invalid_argument naming the shapes.
ConvForward conv_forward_naive(const Tensor4& x, const Tensor4& w, const Vec& b, int stride,
                               int pad);
// Inputs: dout (N, F, H', W') upstream gradient, the cache of the forward pass.
ConvGrads conv_backward_naive(const Tensor4& dout, const ConvCache& cache);

// Max pooling, channel by channel: out(n, c, i, j) = the max of the pool_h x pool_w window of
// x(n, c) whose top-left pixel is (i*stride, j*stride). No padding. The gradient of a window goes
// to its maximum; on ties, to the FIRST maximum in row-major order of the window only.
struct MaxPoolCache {
  Tensor4 x;  // (N, C, H, W)
  int pool_h, pool_w, stride;
};
struct MaxPoolForward {
  Tensor4 out;  // (N, C, H', W')
  MaxPoolCache cache;
};
struct MaxPoolGrads {
  Tensor4 dx;  // (N, C, H, W); windows that overlap (stride < pool) add their gradients
};
// Inputs: x (N, C, H, W), pool_h, pool_w, stride >= 1.
// Returns: out (N, C, H', W'), H' = 1 + (H - pool_h) / stride, W' = 1 + (W - pool_w) / stride.
// Requires: the window fits in the image and the stride tiles it exactly; otherwise
//           std::invalid_argument naming the shapes.
MaxPoolForward max_pool_forward_naive(const Tensor4& x, int pool_h, int pool_w, int stride);
// Inputs: dout (N, C, H', W') upstream gradient, the cache of the forward pass.
MaxPoolGrads max_pool_backward_naive(const Tensor4& dout, const MaxPoolCache& cache);

// The fast layers (extra credit): the same contracts, inputs and results as the naive ones (equal
// up to rounding), and caches that either backward pass accepts. The reference unrolls the
// windows into a matrix (im2col) and does one matrix product per image.
ConvForward conv_forward_fast(const Tensor4& x, const Tensor4& w, const Vec& b, int stride,
                              int pad);
ConvGrads conv_backward_fast(const Tensor4& dout, const ConvCache& cache);
MaxPoolForward max_pool_forward_fast(const Tensor4& x, int pool_h, int pool_w, int stride);
MaxPoolGrads max_pool_backward_fast(const Tensor4& dout, const MaxPoolCache& cache);

// The conv-ReLU sandwich: out = max(0, conv(x, w, b)). It calls the naive layers, so that it works
// for everyone; the fast ones give the same results.
struct ConvReluCache {
  ConvCache conv;
  Tensor4 relu;  // (N, F, H', W') the conv output, before the ReLU
};
struct ConvReluForward {
  Tensor4 out;  // (N, F, H', W')
  ConvReluCache cache;
};
ConvReluForward conv_relu_forward(const Tensor4& x, const Tensor4& w, const Vec& b, int stride,
                                  int pad);
ConvGrads conv_relu_backward(const Tensor4& dout, const ConvReluCache& cache);

// The conv-ReLU-pool sandwich: out = max_pool(max(0, conv(x, w, b))), naive layers as above.
struct ConvReluPoolCache {
  ConvReluCache conv_relu;
  MaxPoolCache pool;  // its x is the conv-ReLU output
};
struct ConvReluPoolForward {
  Tensor4 out;  // (N, F, 1 + (H' - pool_h) / pool_stride, 1 + (W' - pool_w) / pool_stride)
  ConvReluPoolCache cache;
};
ConvReluPoolForward conv_relu_pool_forward(const Tensor4& x, const Tensor4& w, const Vec& b,
                                           int stride, int pad, int pool_h, int pool_w,
                                           int pool_stride);
ConvGrads conv_relu_pool_backward(const Tensor4& dout, const ConvReluPoolCache& cache);

// The lecture's shift_image: the image moved s pixels horizontally, s > 0 to the right, s < 0 to
// the left, s = 0 unchanged. Columns that come in from outside are 0; nothing wraps around, so
// |s| >= W gives an all-zero image.
// Inputs: image (H, W).  Returns: (H, W) with out(i, j) = image(i, j - s) where 0 <= j - s < W.
Mat shift_image(const Mat& image, int s);

}  // namespace pg::conv
