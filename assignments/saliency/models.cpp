// The trained nets of models.hpp: their scores, and their backward passes to the input and to
// the CNN's feature maps (no parameter gradients: saliency never trains). Given code, written
// for you; not graded. The CNN's 3 x 3 convolutions unroll each image's windows into a matrix
// (im2col) and take one matrix product per image, the images of a batch side by side
// (common/parallel.hpp).
#include "saliency/models.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "common/errors.hpp"
#include "common/parallel.hpp"

namespace pg::saliency {

namespace {

using Index = Eigen::Index;

const Mat& param(const backprop::Params& p, const std::string& name, const char* who) {
  auto it = p.find(name);
  require(it != p.end(), who, "the parameters have no " + name);
  return it->second;
}

void check_param(const backprop::Params& p, const std::string& name, long rows, long cols,
                 const char* who) {
  const Mat& m = param(p, name, who);
  require(m.rows() == rows && m.cols() == cols, who,
          name + " has shape " + shape_of(m) + " but the net needs " + shape_str(rows, cols));
}

// A (c, h*w) image's 3 x 3 windows with zero padding 1, unrolled: row (ch*3 + k)*3 + l, column
// i*w + j holds pixel (i + k - 1, j + l - 1) of channel ch, or 0 outside the image. Each row of
// the image lands as one contiguous run of columns j0 .. j1-1 (the ones whose tap is inside).
Mat im2col(const double* image, long c, long h, long w) {
  Mat cols = Mat::Zero(c * 9, h * w);
  for (long ch = 0; ch < c; ++ch) {
    for (long k = 0; k < 3; ++k) {
      for (long l = 0; l < 3; ++l) {
        double* row = cols.row((ch * 3 + k) * 3 + l).data();
        const long j0 = std::max(0L, 1 - l), j1 = std::min(w, w + 1 - l);
        for (long i = std::max(0L, 1 - k); i < std::min(h, h + 1 - k); ++i) {
          const double* from = image + (ch * h + i + k - 1) * w + (l - 1);
          std::copy(from + j0, from + j1, row + i * w + j0);
        }
      }
    }
  }
  return cols;
}

// The transpose of im2col: every window entry added back to the pixel it came from.
void col2im(const Mat& cols, long c, long h, long w, double* image) {
  std::fill(image, image + c * h * w, 0.0);
  for (long ch = 0; ch < c; ++ch) {
    for (long k = 0; k < 3; ++k) {
      for (long l = 0; l < 3; ++l) {
        const double* row = cols.row((ch * 3 + k) * 3 + l).data();
        const long j0 = std::max(0L, 1 - l), j1 = std::min(w, w + 1 - l);
        for (long i = std::max(0L, 1 - k); i < std::min(h, h + 1 - k); ++i) {
          double* to = image + (ch * h + i + k - 1) * w + (l - 1);
          Eigen::Map<Eigen::ArrayXd>(to + j0, j1 - j0) +=
              Eigen::Map<const Eigen::ArrayXd>(row + i * w + j0, j1 - j0);
        }
      }
    }
  }
}

// One image's conv (3 x 3, stride 1, pad 1) - ReLU: (f, h*w) from a (c, h*w) image.
Mat conv_relu(const double* image, long c, long h, long w, const Mat& bank, const Mat& bias) {
  Mat out = bank * im2col(image, c, h, w);
  out.colwise() += bias.row(0).transpose();
  return out.cwiseMax(0.0);
}

// Its backward pass to the image: dout (f, h*w) through the ReLU of `out` and the conv, into a
// (c, h*w) image.
void conv_relu_back(const Mat& dout, const Mat& out, const Mat& bank, long c, long h, long w,
                    double* dimage) {
  const Mat dz = dout.array() * (out.array() > 0).cast<double>();
  col2im(bank.transpose() * dz, c, h, w, dimage);
}

// The 2 x 2 max pool with stride 2 of one image's f maps of h x w (contiguous, row-major) into
// f maps of h/2 x w/2; with `arg`, also the position 0..3 of each window's first maximum in
// row-major order (the one its gradient goes to).
void max_pool(const double* a, long f, long h, long w, double* out, int* arg = nullptr) {
  for (long k = 0; k < f; ++k) {
    for (long i = 0; i < h / 2; ++i) {
      for (long j = 0; j < w / 2; ++j) {
        const double* p = a + (k * h + 2 * i) * w + 2 * j;
        const double window[4] = {p[0], p[1], p[w], p[w + 1]};
        int best = 0;
        for (int q = 1; q < 4; ++q) {
          if (window[q] > window[best]) best = q;
        }
        const long at = (k * (h / 2) + i) * (w / 2) + j;
        out[at] = window[best];
        if (arg) arg[at] = best;
      }
    }
  }
}

// Pointers to image n of a tensor and to row n of a matrix.
double* image_of(Tensor4& t, Index n) { return t.data() + n * (t.size() / t.dimension(0)); }
const double* image_of(const Tensor4& t, Index n) {
  return t.data() + n * (t.size() / t.dimension(0));
}

}  // namespace

// --- Mlp ---------------------------------------------------------------------------------------

Mlp::Mlp(backprop::Params params) : params_(std::move(params)), layers_(0) {
  while (params_.count("W" + std::to_string(layers_ + 1))) ++layers_;
  require(layers_ >= 1, "Mlp", "the parameters have no W1");
  for (int i = 1; i <= layers_; ++i) {
    const Mat& W = param(params_, "W" + std::to_string(i), "Mlp");
    check_param(params_, "b" + std::to_string(i), 1, W.cols(), "Mlp");
    if (i > 1) {
      const long in = param(params_, "W" + std::to_string(i - 1), "Mlp").cols();
      require(W.rows() == in, "Mlp",
              "W" + std::to_string(i) + " has shape " + shape_of(W) + " but the layer before it has " +
                  std::to_string(in) + " outputs");
    }
  }
}

long Mlp::input_size() const { return params_.at("W1").rows(); }
long Mlp::num_classes() const { return params_.at("W" + std::to_string(layers_)).cols(); }

Mat Mlp::scores(const Mat& X) const {
  check_shape("Mlp::scores", "X", X, -1, input_size());
  Mat a = X;
  for (int i = 1; i <= layers_; ++i) {
    const std::string layer = std::to_string(i);
    Mat z = a * params_.at("W" + layer);
    z.rowwise() += params_.at("b" + layer).row(0);
    a = i < layers_ ? Mat(z.cwiseMax(0.0)) : std::move(z);
  }
  return a;
}

namespace {

// The MLP's pass: each hidden layer's output, for the ReLUs' masks.
class MlpPass : public ForwardPass {
 public:
  MlpPass(const Mlp& net, Mat scores, std::vector<Mat> hidden)
      : ForwardPass(std::move(scores)), net_(net), hidden_(std::move(hidden)) {}

  Mat input_gradient(const Mat& dscores) const override {
    check_shape("ForwardPass::input_gradient", "dscores", dscores, scores().rows(),
                scores().cols());
    // through each affine layer, and each ReLU where its output was positive
    Mat d = dscores;
    for (int i = net_.layers(); i >= 1; --i) {
      d = d * net_.params().at("W" + std::to_string(i)).transpose();
      if (i > 1) d = d.array() * (hidden_[i - 2].array() > 0).cast<double>();
    }
    return d;
  }

 private:
  const Mlp& net_;
  std::vector<Mat> hidden_;
};

}  // namespace

std::unique_ptr<ForwardPass> Mlp::forward(const Mat& X) const {
  check_shape("Mlp::forward", "X", X, -1, input_size());
  std::vector<Mat> hidden;
  Mat a = X;
  for (int i = 1; i <= layers_; ++i) {
    const std::string layer = std::to_string(i);
    Mat z = a * params_.at("W" + layer);
    z.rowwise() += params_.at("b" + layer).row(0);
    if (i == layers_) return std::make_unique<MlpPass>(*this, std::move(z), std::move(hidden));
    a = z.cwiseMax(0.0);
    hidden.push_back(a);
  }
  return nullptr;  // not reached: layers_ >= 1
}

// --- Cnn ---------------------------------------------------------------------------------------

Cnn::Cnn(const conv::ConvNetConfig& config, backprop::Params params)
    : config_(config), params_(std::move(params)) {
  const conv::ConvNetConfig& c = config_;
  require(c.channels >= 1 && c.height >= 2 && c.width >= 2 && c.height % 2 == 0 &&
              c.width % 2 == 0 && c.filters1 >= 1 && c.filters2 >= 1 && c.hidden >= 1 &&
              c.num_classes >= 1,
          "Cnn", "every size must be at least 1, and the height and width even");
  const long pooled = static_cast<long>(c.filters2) * (c.height / 2) * (c.width / 2);
  check_param(params_, "W1", c.filters1, c.channels * 9L, "Cnn");
  check_param(params_, "b1", 1, c.filters1, "Cnn");
  check_param(params_, "W2", c.filters2, c.filters1 * 9L, "Cnn");
  check_param(params_, "b2", 1, c.filters2, "Cnn");
  check_param(params_, "W3", pooled, c.hidden, "Cnn");
  check_param(params_, "b3", 1, c.hidden, "Cnn");
  check_param(params_, "W4", c.hidden, c.num_classes, "Cnn");
  check_param(params_, "b4", 1, c.num_classes, "Cnn");
}

long Cnn::input_size() const {
  return static_cast<long>(config_.channels) * config_.height * config_.width;
}
long Cnn::num_classes() const { return config_.num_classes; }

Tensor4 Cnn::features(const Mat& X, CamLayer layer) const {
  check_shape("Cnn::features", "X", X, -1, input_size());
  return maps(X, layer, nullptr);
}

// The feature maps at `layer`, and conv1's ReLU output (N, F1, H, W) in *a1 unless it is null.
Tensor4 Cnn::maps(const Mat& X, CamLayer layer, Tensor4* a1_out) const {
  const conv::ConvNetConfig& c = config_;
  const long h = c.height, w = c.width;
  const bool pooled = layer == CamLayer::pool;
  Tensor4 A(X.rows(), c.filters2, pooled ? h / 2 : h, pooled ? w / 2 : w);
  if (a1_out) *a1_out = Tensor4(X.rows(), c.filters1, h, w);
  parallel_for(X.rows(), [&](long n, int) {
    const Mat a1 = conv_relu(X.row(n).data(), c.channels, h, w, params_.at("W1"), params_.at("b1"));
    if (a1_out) std::copy(a1.data(), a1.data() + a1.size(), image_of(*a1_out, n));
    const Mat a2 = conv_relu(a1.data(), c.filters1, h, w, params_.at("W2"), params_.at("b2"));
    double* out = image_of(A, n);
    if (pooled) {
      max_pool(a2.data(), c.filters2, h, w, out);
    } else {
      std::copy(a2.data(), a2.data() + a2.size(), out);
    }
  });
  return A;
}

Mat Cnn::scores_from(const Tensor4& A, CamLayer layer) const {
  const conv::ConvNetConfig& c = config_;
  Tensor4 P;
  if (layer == CamLayer::conv2) {
    require(A.dimension(1) == c.filters2 && A.dimension(2) == c.height && A.dimension(3) == c.width,
            "Cnn::scores_from", "A has shape " + shape_of(A) + " but conv2's maps are (N, F2, H, W)");
    P = Tensor4(A.dimension(0), c.filters2, c.height / 2, c.width / 2);
    for (Index n = 0; n < A.dimension(0); ++n) {
      max_pool(image_of(A, n), c.filters2, c.height, c.width, image_of(P, n));
    }
  } else {
    require(A.dimension(1) == c.filters2 && A.dimension(2) == c.height / 2 &&
                A.dimension(3) == c.width / 2,
            "Cnn::scores_from", "A has shape " + shape_of(A) + " but the pool's maps are (N, F2, H/2, W/2)");
    P = A;
  }
  Mat hidden = flatten(P) * params_.at("W3");
  hidden.rowwise() += params_.at("b3").row(0);
  Mat s = hidden.cwiseMax(0.0) * params_.at("W4");
  s.rowwise() += params_.at("b4").row(0);
  return s;
}

Tensor4 Cnn::features_gradient(const Tensor4& A, CamLayer layer, const Mat& dscores) const {
  const conv::ConvNetConfig& c = config_;
  const long h = c.height, w = c.width;
  require(A.dimension(1) == c.filters2 &&
              A.dimension(2) == (layer == CamLayer::pool ? h / 2 : h) &&
              A.dimension(3) == (layer == CamLayer::pool ? w / 2 : w),
          "Cnn::features_gradient", "A has shape " + shape_of(A) + " but not the layer's maps");
  check_shape("Cnn::features_gradient", "dscores", dscores, A.dimension(0), c.num_classes);
  // the pooled maps, and the position of each window's first maximum (row-major)
  const Index N = A.dimension(0);
  Tensor4 P(N, c.filters2, h / 2, w / 2);
  const long pooled = c.filters2 * (h / 2) * (w / 2);  // one image's pooled values
  std::vector<int> arg(static_cast<std::size_t>(N * pooled));
  if (layer == CamLayer::pool) {
    P = A;
  } else {
    for (Index n = 0; n < N; ++n) {
      max_pool(image_of(A, n), c.filters2, h, w, image_of(P, n), arg.data() + n * pooled);
    }
  }
  Mat hidden = flatten(P) * params_.at("W3");
  hidden.rowwise() += params_.at("b3").row(0);
  const Mat dhidden = (dscores * params_.at("W4").transpose()).array() *
                      (hidden.array() > 0).cast<double>();
  const Tensor4 dP = unflatten(dhidden * params_.at("W3").transpose(), c.filters2, h / 2, w / 2);
  if (layer == CamLayer::pool) return dP;
  Tensor4 dA(N, c.filters2, h, w);
  dA.setZero();
  for (Index n = 0; n < N; ++n) {
    for (long f = 0; f < c.filters2; ++f) {
      for (long i = 0; i < h / 2; ++i) {
        for (long j = 0; j < w / 2; ++j) {
          const int best = arg[static_cast<std::size_t>(n * pooled + (f * (h / 2) + i) * (w / 2) + j)];
          dA(n, f, 2 * i + best / 2, 2 * j + best % 2) = dP(n, f, i, j);
        }
      }
    }
  }
  return dA;
}

Mat Cnn::scores(const Mat& X) const {
  check_shape("Cnn::scores", "X", X, -1, input_size());
  return scores_from(maps(X, CamLayer::pool, nullptr), CamLayer::pool);
}

namespace {

// The CNN's pass: conv1's and conv2's ReLU outputs, for the backward pass to the images.
class CnnPass : public ForwardPass {
 public:
  CnnPass(const Cnn& net, Mat scores, Tensor4 a1, Tensor4 a2)
      : ForwardPass(std::move(scores)), net_(net), a1_(std::move(a1)), a2_(std::move(a2)) {}

  Mat input_gradient(const Mat& dscores) const override {
    check_shape("ForwardPass::input_gradient", "dscores", dscores, scores().rows(),
                scores().cols());
    const conv::ConvNetConfig& c = net_.config();
    const long h = c.height, w = c.width;
    const Tensor4 da2 = net_.features_gradient(a2_, CamLayer::conv2, dscores);
    Mat dX(dscores.rows(), net_.input_size());
    parallel_for(dscores.rows(), [&](long n, int) {
      const Eigen::Map<const Mat> a1(image_of(a1_, n), c.filters1, h * w);
      const Eigen::Map<const Mat> a2(image_of(a2_, n), c.filters2, h * w);
      const Eigen::Map<const Mat> d2(image_of(da2, n), c.filters2, h * w);
      Mat da1(c.filters1, h * w);
      conv_relu_back(d2, a2, net_.params().at("W2"), c.filters1, h, w, da1.data());
      conv_relu_back(da1, a1, net_.params().at("W1"), c.channels, h, w, dX.row(n).data());
    });
    return dX;
  }

 private:
  const Cnn& net_;
  Tensor4 a1_, a2_;
};

}  // namespace

std::unique_ptr<ForwardPass> Cnn::forward(const Mat& X) const {
  check_shape("Cnn::forward", "X", X, -1, input_size());
  Tensor4 a1;
  Tensor4 a2 = maps(X, CamLayer::conv2, &a1);
  Mat s = scores_from(a2, CamLayer::conv2);
  return std::make_unique<CnnPass>(*this, std::move(s), std::move(a1), std::move(a2));
}

}  // namespace pg::saliency
