// Trusted inputs for the conv cases: the lectures' images and kernels, random images and filter
// banks with an upstream gradient (so that gradient checks are vector-Jacobian products), sizes
// that do not tile, images to shift, a fixed classifier for the shift test, the CNN's parameters,
// and Fashion-MNIST rows for a trained CNN judged here on test rows the runner never sees.
// Images and filter banks travel as matrices, one image or filter per row, C x H x W row-major.
// Not the calls (grader/harness/conv.cpp).
#include <random>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "cases.hpp"
#include "cases/inputs.hpp"

namespace pg::grader {

namespace {

using wire::Bundle;
using inputs::require_arg;
using inputs::gaussian;
using inputs::argmax_accuracy;
using inputs::derive_vjp;

Mat from_rows(std::initializer_list<std::initializer_list<double>> rows) {
  Mat m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.begin()->size()));
  Eigen::Index i = 0;
  for (const auto& r : rows) {
    Eigen::Index j = 0;
    for (double v : r) m(i, j++) = v;
    ++i;
  }
  return m;
}

// the lectures' worked examples
const Mat& lecture_6x6() {
  static const Mat m = from_rows({{1, 0, 0, 0, 0, 1},
                                  {0, 1, 0, 0, 1, 0},
                                  {0, 0, 1, 1, 0, 0},
                                  {1, 0, 0, 0, 1, 0},
                                  {0, 1, 0, 0, 1, 0},
                                  {0, 0, 1, 0, 1, 0}});
  return m;
}
const Mat& lecture_7x7() {
  static const Mat m = from_rows({{0, 0, 0, 0, 0, 0, 0},
                                  {0, 1, 1, 1, 1, 1, 0},
                                  {0, 1, 0, 0, 1, 0, 0},
                                  {0, 1, 0, 1, 0, 0, 0},
                                  {0, 1, 1, 0, 0, 0, 0},
                                  {0, 1, 0, 0, 0, 0, 0},
                                  {0, 0, 0, 0, 0, 0, 0}});
  return m;
}
const Mat& lecture_average_image() {
  static const Mat m = from_rows({{1, 1, 1, 1, 1, 0},
                                  {1, 0, 0, 1, 0, 0},
                                  {1, 0, 1, 0, 0, 0},
                                  {1, 1, 0, 0, 0, 0},
                                  {1, 0, 0, 0, 0, 0},
                                  {0, 0, 0, 0, 0, 0}});
  return m;
}

std::map<std::string, ArgDef> convolve_args() {
  return {
      {"example",
       {std::string("random"),
        "filter1 or filter2 (the 6 x 6 image of the CNN lecture), corner or identity (the 7 x 7 "
        "image of the image-kernel lecture), average (2 x 2 averaging, stride 2), or random"}},
      {"height", {std::int64_t{7}, "H of a random image"}},
      {"width", {std::int64_t{6}, "W of a random image"}},
      {"kernel_h", {std::int64_t{3}, "kernel rows (random)"}},
      {"kernel_w", {std::int64_t{3}, "kernel columns (random)"}},
      {"stride", {std::int64_t{1}, "stride (random)"}},
      {"pad", {std::int64_t{0}, "zero padding (random)"}},
  };
}

Bundle convolve_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  const std::string& example = arg_text(a, "example");
  Bundle in;
  std::int64_t stride = 1, pad = 0;
  if (example == "filter1") {
    in.put("image", lecture_6x6());
    in.put("kernel", from_rows({{1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}}));
  } else if (example == "filter2") {
    in.put("image", lecture_6x6());
    in.put("kernel", from_rows({{-1, 1, -1}, {-1, 1, -1}, {-1, 1, -1}}));
  } else if (example == "corner") {
    in.put("image", lecture_7x7());
    in.put("kernel", from_rows({{0, 0, 0}, {0, 1, 1}, {0, 1, 0}}));
  } else if (example == "identity") {
    in.put("image", lecture_7x7());
    in.put("kernel", from_rows({{0, 0, 0}, {0, 1, 0}, {0, 0, 0}}));
  } else if (example == "average") {
    in.put("image", lecture_average_image());
    in.put("kernel", Mat(Mat::Constant(2, 2, 0.25)));
    stride = 2;
  } else if (example == "random") {
    const long h = arg_int(a, "height"), w = arg_int(a, "width"), kh = arg_int(a, "kernel_h"),
               kw = arg_int(a, "kernel_w");
    stride = arg_int(a, "stride");
    pad = arg_int(a, "pad");
    require_arg(h >= 1 && w >= 1 && kh >= 1 && kw >= 1 && stride >= 1 && pad >= 0,
                "height, width, kernel_h, kernel_w, stride >= 1 and pad >= 0");
    require_arg((h + 2 * pad - kh) >= 0 && (h + 2 * pad - kh) % stride == 0 &&
                    (w + 2 * pad - kw) >= 0 && (w + 2 * pad - kw) % stride == 0,
                "the kernel must fit the padded image and the stride must tile it");
    std::mt19937_64 rng(seed);
    in.put("image", gaussian(h, w, 1.0, rng));
    in.put("kernel", gaussian(kh, kw, 1.0, rng));
  } else {
    require_arg(false, fmt::format("example must be filter1, filter2, corner, identity, average "
                                   "or random, not '{}'",
                                   example));
  }
  in.put("stride", stride);
  in.put("pad", pad);
  return in;
}

Bundle kernels_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  const long h = arg_int(a, "height"), w = arg_int(a, "width");
  require_arg(h >= 1 && w >= 1, "height, width >= 1");
  std::mt19937_64 rng(seed);
  Bundle in;
  in.put("image", gaussian(h, w, 1.0, rng));
  return in;
}

std::map<std::string, ArgDef> layer_args(bool conv, bool pool) {
  std::map<std::string, ArgDef> args = {
      {"num_images", {std::int64_t{2}, "N"}},
      {"channels", {std::int64_t{3}, "C"}},
      {"height", {std::int64_t{5}, "H"}},
      {"width", {std::int64_t{5}, "W"}},
      {"scale", {1.0, "inputs are scale * N(0, 1)"}},
      {"integers", {false, "x rounded to whole numbers: ties in max-pool windows, exact zeros"}},
  };
  if (conv) {
    args.insert({{"filters", {std::int64_t{2}, "F"}},
                 {"filter_h", {std::int64_t{3}, "HH"}},
                 {"filter_w", {std::int64_t{3}, "WW"}},
                 {"stride", {std::int64_t{1}, "the conv's stride"}},
                 {"pad", {std::int64_t{1}, "the conv's zero padding"}}});
  }
  if (pool) {
    args.insert({{"pool_h", {std::int64_t{2}, "window rows"}},
                 {"pool_w", {std::int64_t{2}, "window columns"}},
                 {"pool_stride", {std::int64_t{2}, "the pool's stride"}}});
  }
  return args;
}

// the output size of a sliding window, or -1 when it does not tile
long slide(long size, long window, long stride, long pad) {
  const long span = size + 2 * pad - window;
  return span < 0 || span % stride != 0 ? -1 : 1 + span / stride;
}

// x, w, b and the sizes of a layer case; `tiling` refuses sizes that do not tile. Returns the
// channels and spatial size of the output, for dout.
Bundle layer_inputs(const Args& a, std::uint64_t seed, bool conv, bool pool, bool tiling) {
  const long n = arg_int(a, "num_images"), c = arg_int(a, "channels"), h = arg_int(a, "height"),
             w = arg_int(a, "width");
  require_arg(n >= 1 && c >= 1 && h >= 1 && w >= 1, "num_images, channels, height, width >= 1");
  const double scale = arg_real(a, "scale");
  std::mt19937_64 rng(seed);
  Bundle in;
  Mat x = gaussian(n, c * h * w, scale, rng);
  if (arg_bool(a, "integers")) x = x.array().round().matrix();
  in.put("x", std::move(x));
  in.put("C", std::int64_t{c});
  in.put("H", std::int64_t{h});
  in.put("W", std::int64_t{w});
  long out_c = c, out_h = h, out_w = w;
  if (conv) {
    const long f = arg_int(a, "filters"), hh = arg_int(a, "filter_h"), ww = arg_int(a, "filter_w"),
               stride = arg_int(a, "stride"), pad = arg_int(a, "pad");
    require_arg(f >= 1 && hh >= 1 && ww >= 1 && stride >= 1 && pad >= 0,
                "filters, filter_h, filter_w, stride >= 1 and pad >= 0");
    in.put("w", gaussian(f, c * hh * ww, scale, rng));
    in.put("b", gaussian(1, f, scale, rng));
    in.put("HH", std::int64_t{hh});
    in.put("WW", std::int64_t{ww});
    in.put("stride", std::int64_t{stride});
    in.put("pad", std::int64_t{pad});
    out_c = f;
    out_h = slide(h, hh, stride, pad);
    out_w = slide(w, ww, stride, pad);
    require_arg(!tiling || (out_h > 0 && out_w > 0),
                fmt::format("the filters ({} x {}, stride {}, pad {}) do not tile a {} x {} image",
                            hh, ww, stride, pad, h, w));
  }
  if (pool) {
    const long ph = arg_int(a, "pool_h"), pw = arg_int(a, "pool_w"),
               ps = arg_int(a, "pool_stride");
    require_arg(ph >= 1 && pw >= 1 && ps >= 1, "pool_h, pool_w, pool_stride >= 1");
    in.put("pool_h", std::int64_t{ph});
    in.put("pool_w", std::int64_t{pw});
    in.put("pool_stride", std::int64_t{ps});
    if (out_h > 0 && out_w > 0) {
      out_h = slide(out_h, ph, ps, 0);
      out_w = slide(out_w, pw, ps, 0);
    }
    require_arg(!tiling || (out_h > 0 && out_w > 0),
                fmt::format("the {} x {} pool with stride {} does not tile its input", ph, pw, ps));
  }
  if (tiling) {
    in.put("Hout", std::int64_t{out_h});
    in.put("Wout", std::int64_t{out_w});
    in.put("dout", gaussian(n, out_c * out_h * out_w, 1.0, rng));
  }
  return in;
}

std::map<std::string, GradientOf> conv_gradients() {
  return {{"x", {"vjp", "dx"}}, {"w", {"vjp", "dw"}}, {"b", {"vjp", "db"}}};
}

std::string explain_reject(const Bundle& in, const std::string& output, const Bundle&,
                           const Bundle& got) {
  if (output != "threw" || !got.has("threw") || got.real("threw") != 0.0) return "";
  if (in.text("layer") == "max_pool_forward_naive") {
    return fmt::format(
        "a {} x {} window with stride {} does not tile a {} x {} image: (H - pool_h) / stride "
        "is not a whole number, so the layer must throw std::invalid_argument naming the shapes "
        "(it returned instead)",
        in.integer("pool_h"), in.integer("pool_w"), in.integer("pool_stride"), in.integer("H"),
        in.integer("W"));
  }
  return fmt::format(
      "{} x {} filters with stride {} and pad {} do not tile a {} x {} image: (H + 2 pad - HH) / "
      "stride is not a whole number, so the layer must throw std::invalid_argument naming the "
      "shapes (it returned instead)",
      in.integer("HH"), in.integer("WW"), in.integer("stride"), in.integer("pad"),
      in.integer("H"), in.integer("W"));
}

Bundle shift_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  const long h = arg_int(a, "height"), w = arg_int(a, "width"), lo = arg_int(a, "s_min"),
             hi = arg_int(a, "s_max");
  require_arg(h >= 1 && w >= 1 && lo <= hi, "height, width >= 1 and s_min <= s_max");
  std::mt19937_64 rng(seed);
  // whole numbers 1..9: a zero that came in from outside stands out from every pixel
  std::uniform_int_distribution<int> pixel(1, 9);
  Mat image(h, w);
  for (Eigen::Index i = 0; i < image.size(); ++i) image.data()[i] = pixel(rng);
  Bundle in;
  in.put("image", std::move(image));
  in.put("s_min", std::int64_t{lo});
  in.put("s_max", std::int64_t{hi});
  return in;
}

// BEGIN COURSE ONLY
std::string explain_shift(const Bundle& in, const std::string& output, const Bundle& expected,
                          const Bundle& got) {
  if (output != "shifted" || !got.has("shifted")) return "";
  const Mat& e = expected.mat("shifted");
  const Mat& g = got.mat("shifted");
  if (e.rows() != g.rows() || e.cols() != g.cols()) return "";
  const Mat& image = in.mat("image");
  const long h = image.rows(), w = image.cols(), lo = in.integer("s_min");
  for (long k = 0; k < e.rows() / h; ++k) {
    const long s = lo + k;
    if (e.middleRows(k * h, h) == g.middleRows(k * h, h)) continue;
    // the first shift that differs: wrapped around, or moved the other way?
    Mat wrapped(h, w), mirrored = Mat::Zero(h, w);
    for (long j = 0; j < w; ++j) {
      wrapped.col(j) = image.col(((j - s) % w + w) % w);
      if (j + s >= 0 && j + s < w) mirrored.col(j) = image.col(j + s);
    }
    if (g.middleRows(k * h, h) == wrapped) {
      return fmt::format("at s = {} your image wrapped around (columns that leave on one side came "
                         "back on the other); the lecture's shift fills them with 0",
                         s);
    }
    if (g.middleRows(k * h, h) == mirrored) {
      return fmt::format("at s = {} your image moved the other way: s > 0 moves it right, so "
                         "out(i, j) = image(i, j - s)",
                         s);
    }
    return fmt::format("the first shift that differs is s = {}", s);
  }
  return "";
}
// END COURSE ONLY

Bundle shift_eval_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  const long n = arg_int(a, "num_images"), h = arg_int(a, "height"), w = arg_int(a, "width"),
             k = arg_int(a, "num_classes"), lo = arg_int(a, "s_min"), hi = arg_int(a, "s_max");
  require_arg(n >= 1 && h >= 1 && w >= 1 && k >= 2 && lo <= hi,
              "num_images, height, width >= 1, num_classes >= 2, s_min <= s_max");
  std::mt19937_64 rng(seed);
  // nonnegative images with structure, a fixed linear classifier, and the labels it gives the
  // unshifted images: 100% at s = 0, less as the images move
  Mat X = gaussian(n, h * w, 1.0, rng).cwiseAbs();
  Mat W = gaussian(h * w, k, 1.0, rng);
  Mat b = gaussian(1, k, 0.1, rng);
  Mat scores = X * W;
  scores.rowwise() += b.row(0);
  IVec y(n);
  for (long i = 0; i < n; ++i) {
    Eigen::Index best = 0;
    scores.row(i).maxCoeff(&best);
    y(i) = static_cast<int>(best);
  }
  Bundle in;
  in.put("X", std::move(X));
  in.put("y", std::move(y));
  in.put("weights", std::move(W));
  in.put("bias", std::move(b));
  in.put("H", std::int64_t{h});
  in.put("W", std::int64_t{w});
  in.put("s_min", std::int64_t{lo});
  in.put("s_max", std::int64_t{hi});
  return in;
}

std::map<std::string, ArgDef> cnn_args() {
  return {
      {"channels", {std::int64_t{1}, "C"}},
      {"height", {std::int64_t{6}, "H (even)"}},
      {"width", {std::int64_t{4}, "W (even)"}},
      {"filters1", {std::int64_t{3}, "F1"}},
      {"filters2", {std::int64_t{4}, "F2"}},
      {"hidden", {std::int64_t{5}, "M"}},
      {"num_classes", {std::int64_t{3}, "K"}},
      {"num_examples", {std::int64_t{3}, "N"}},
      {"reg", {0.0, "L2 strength"}},
      {"weight_scale", {0.3, "parameters are weight_scale * N(0, 1) (loss cases)"}},
      {"fast", {false, "the net's fast layers (extra credit) instead of the naive ones"}},
  };
}

void put_cnn_sizes(const Args& a, std::uint64_t seed, Bundle& in) {
  const long c = arg_int(a, "channels"), h = arg_int(a, "height"), w = arg_int(a, "width");
  require_arg(c >= 1 && h >= 2 && w >= 2 && h % 2 == 0 && w % 2 == 0,
              "channels >= 1 and an even height and width >= 2");
  for (const char* name : {"filters1", "filters2", "hidden", "num_classes"}) {
    require_arg(arg_int(a, name) >= 1, fmt::format("{} must be at least 1", name));
  }
  in.put("C", std::int64_t{c});
  in.put("H", std::int64_t{h});
  in.put("W", std::int64_t{w});
  for (const char* name : {"filters1", "filters2", "hidden", "num_classes"}) {
    in.put(name, arg_int(a, name));
  }
  in.put("reg", arg_real(a, "reg"));
  in.put("seed", static_cast<std::int64_t>(seed));
  in.put("fast", std::int64_t{arg_bool(a, "fast") ? 1 : 0});
}

// the parameters' shapes, as cnn.hpp lays them out
std::vector<std::pair<std::string, std::pair<long, long>>> cnn_shapes(const Bundle& in) {
  const long c = in.integer("C"), h = in.integer("H"), w = in.integer("W"),
             f1 = in.integer("filters1"), f2 = in.integer("filters2"), m = in.integer("hidden"),
             k = in.integer("num_classes");
  return {{"W1", {f1, c * 9}},  {"b1", {1, f1}}, {"W2", {f2, f1 * 9}}, {"b2", {1, f2}},
          {"W3", {f2 * (h / 2) * (w / 2), m}}, {"b3", {1, m}}, {"W4", {m, k}}, {"b4", {1, k}}};
}

Bundle cnn_loss_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  const long n = arg_int(a, "num_examples");
  require_arg(n >= 1, "num_examples >= 1");
  Bundle in;
  put_cnn_sizes(a, seed, in);
  std::mt19937_64 rng(seed);
  in.put("X", gaussian(n, in.integer("C") * in.integer("H") * in.integer("W"), 1.0, rng));
  std::uniform_int_distribution<int> label(0, static_cast<int>(in.integer("num_classes")) - 1);
  IVec y(n);
  for (long i = 0; i < n; ++i) y(i) = label(rng);
  in.put("y", std::move(y));
  for (const auto& [name, shape] : cnn_shapes(in)) {
    in.put(name, gaussian(shape.first, shape.second, arg_real(a, "weight_scale"), rng));
  }
  return in;
}

std::map<std::string, GradientOf> cnn_gradients() {
  std::map<std::string, GradientOf> g;
  for (const char* name : {"W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"}) {
    g[name] = {"loss", std::string("d") + name};
  }
  return g;
}

Bundle cnn_train_inputs(const Args& a, std::uint64_t seed, DataSource& data) {
  const long n = arg_int(a, "num_examples"), v = arg_int(a, "num_val"),
             t = arg_int(a, "num_test");
  require_arg(n >= 1 && v >= 1 && t >= 1, "num_examples, num_val, num_test >= 1");
  Bundle in;
  Args sizes = a;
  sizes["channels"] = std::int64_t{1};
  sizes["height"] = std::int64_t{28};
  sizes["width"] = std::int64_t{28};
  sizes["num_classes"] = std::int64_t{10};
  sizes["fast"] = false;
  put_cnn_sizes(sizes, seed, in);
  Mat X, Xt;
  IVec y, yt;
  // pixels in [0, 1]: training rows, then validation rows; the test rows from the test set
  data.fashion_mnist(n + v, t, X, y, Xt, yt);
  X /= 255.0;
  Xt /= 255.0;
  in.put("X", Mat(X.topRows(n)));
  in.put("y", IVec(y.head(n)));
  in.put("X_val", Mat(X.bottomRows(v)));
  in.put("y_val", IVec(y.tail(v)));
  // kept by the grader (CaseDef::private_inputs): the runner never sees the test rows
  in.put("X_test", std::move(Xt));
  in.put("y_test", std::move(yt));
  in.put("update_rule", std::string("adam"));
  in.put("learning_rate", arg_real(a, "learning_rate"));
  in.put("num_epochs", arg_int(a, "num_epochs"));
  in.put("batch_size", arg_int(a, "batch_size"));
  in.put("num_train_samples", std::int64_t{std::min<long>(n, 1000)});
  return in;
}

// One 3 x 3, stride 1, pad 1 convolution of a (C, H, W) image held as (C, H*W), by a (F, C*9)
// bank and a (1, F) bias: (F, H*W). The windows are unrolled into a (C*9, H*W) matrix.
Mat conv3x3(const Mat& image, long h, long w, const Mat& bank, const Mat& bias) {
  const long c = image.rows();
  Mat cols = Mat::Zero(c * 9, h * w);
  for (long ch = 0; ch < c; ++ch) {
    for (long k = 0; k < 3; ++k) {
      for (long l = 0; l < 3; ++l) {
        const long r = (ch * 3 + k) * 3 + l;
        for (long i = 0; i < h; ++i) {
          const long si = i + k - 1;
          if (si < 0 || si >= h) continue;
          for (long j = 0; j < w; ++j) {
            const long sj = j + l - 1;
            if (sj >= 0 && sj < w) cols(r, i * w + j) = image(ch, si * w + sj);
          }
        }
      }
    }
  }
  Mat out = bank * cols;
  out.colwise() += bias.row(0).transpose();
  return out;
}

// test_accuracy: the runner's parameters run here, through the layers cnn.hpp states, on the
// grader's test rows; argmax, ties to the smaller class. Nothing is derived when a parameter is
// missing or has the wrong shape.
void derive_cnn_test_accuracy(const Bundle& inputs, Bundle& outputs) {
  if (!inputs.has("X_test")) return;
  for (const auto& [name, shape] : cnn_shapes(inputs)) {
    if (!outputs.has(name) || !std::holds_alternative<Mat>(outputs.at(name))) return;
    const Mat& p = outputs.mat(name);
    if (p.rows() != shape.first || p.cols() != shape.second || !p.allFinite()) {
      if (p.rows() == shape.first && p.cols() == shape.second) outputs.put("test_accuracy", 0.0);
      return;
    }
  }
  const Mat& X = inputs.mat("X_test");
  const long h = inputs.integer("H"), w = inputs.integer("W"), f2 = inputs.integer("filters2");
  Mat pooled(X.rows(), f2 * (h / 2) * (w / 2));
  for (Eigen::Index n = 0; n < X.rows(); ++n) {
    const Mat image = Eigen::Map<const Mat>(X.row(n).data(), 1, X.cols())
                          .reshaped<Eigen::RowMajor>(inputs.integer("C"), h * w);
    const Mat a1 = conv3x3(image, h, w, outputs.mat("W1"), outputs.mat("b1")).cwiseMax(0.0);
    const Mat a2 = conv3x3(a1, h, w, outputs.mat("W2"), outputs.mat("b2")).cwiseMax(0.0);
    for (long f = 0; f < f2; ++f) {
      for (long i = 0; i < h / 2; ++i) {
        for (long j = 0; j < w / 2; ++j) {
          const long top = 2 * i * w + 2 * j;
          pooled(n, (f * (h / 2) + i) * (w / 2) + j) =
              std::max({a2(f, top), a2(f, top + 1), a2(f, top + w), a2(f, top + w + 1)});
        }
      }
    }
  }
  Mat hidden = pooled * outputs.mat("W3");
  hidden.rowwise() += outputs.mat("b3").row(0);
  Mat scores = hidden.cwiseMax(0.0) * outputs.mat("W4");
  scores.rowwise() += outputs.mat("b4").row(0);
  outputs.put("test_accuracy", scores.allFinite() ? argmax_accuracy(scores, inputs.ivec("y_test"))
                                                  : 0.0);
}

}  // namespace

void add_conv_cases(CaseCatalog& c) {
  c.add({"conv.convolve2d", "convolve2d", convolve_args(), convolve_inputs});
  c.add({"conv.kernels", "sobel_magnitude",
         {{"height", {std::int64_t{6}, "H of the image sobel_magnitude gets"}},
          {"width", {std::int64_t{5}, "W of that image"}}},
         kernels_inputs});
  struct Layer {
    const char* name;
    const char* function;
    bool conv, pool;
  };
  for (const Layer& l :
       {Layer{"conv.conv_naive", "conv_forward_naive/conv_backward_naive", true, false},
        Layer{"conv.conv_fast", "conv_forward_fast/conv_backward_fast", true, false},
        Layer{"conv.max_pool_naive", "max_pool_forward_naive/max_pool_backward_naive", false, true},
        Layer{"conv.max_pool_fast", "max_pool_forward_fast/max_pool_backward_fast", false, true},
        Layer{"conv.conv_relu", "conv_relu_forward/conv_relu_backward", true, false},
        Layer{"conv.conv_relu_pool", "conv_relu_pool_forward/conv_relu_pool_backward", true,
              true}}) {
    const bool conv = l.conv, pool = l.pool;
    CaseDef def{l.name, l.function, layer_args(conv, pool),
                [conv, pool](const Args& a, std::uint64_t seed, DataSource&) {
                  return layer_inputs(a, seed, conv, pool, true);
                },
                conv ? conv_gradients() : std::map<std::string, GradientOf>{{"x", {"vjp", "dx"}}}};
    def.derive = derive_vjp;
    def.examples_input = "x";
    c.add(std::move(def));
  }
  std::map<std::string, ArgDef> reject_args = layer_args(true, true);
  reject_args.insert({"layer",
                      {std::string("conv_forward_naive"),
                       "conv_forward_naive, conv_forward_fast or max_pool_forward_naive"}});
  CaseDef reject{"conv.rejects", "a layer given sizes that do not tile", reject_args,
                 [](const Args& a, std::uint64_t seed, DataSource&) {
                   const std::string& layer = arg_text(a, "layer");
                   require_arg(layer == "conv_forward_naive" || layer == "conv_forward_fast" ||
                                   layer == "max_pool_forward_naive",
                               "layer must be conv_forward_naive, conv_forward_fast or "
                               "max_pool_forward_naive");
                   Bundle in = layer_inputs(a, seed, true, true, false);
                   in.put("layer", layer);
                   return in;
                 }};
  reject.explain = explain_reject;
  c.add(std::move(reject));
  CaseDef shift{"conv.shift_image", "shift_image",
                {{"height", {std::int64_t{4}, "H"}},
                 {"width", {std::int64_t{28}, "W"}},
                 {"s_min", {std::int64_t{-28}, "the first shift"}},
                 {"s_max", {std::int64_t{28}, "the last shift"}}},
                shift_inputs};
  // BEGIN COURSE ONLY
  shift.explain = explain_shift;
  // END COURSE ONLY
  c.add(std::move(shift));
  c.add({"conv.evaluate_on_shift", "evaluate_on_shift",
         {{"num_images", {std::int64_t{300}, "N (more than one batch of 250)"}},
          {"height", {std::int64_t{6}, "H"}},
          {"width", {std::int64_t{6}, "W"}},
          {"num_classes", {std::int64_t{4}, "K"}},
          {"s_min", {std::int64_t{-3}, "the first shift"}},
          {"s_max", {std::int64_t{3}, "the last shift"}}},
         shift_eval_inputs});
  CaseDef loss{"conv.cnn_loss", "ConvNet::loss", cnn_args(), cnn_loss_inputs, cnn_gradients()};
  loss.examples_input = "X";
  loss.reg_input = "reg";
  loss.regularized = {"W1", "W2", "W3", "W4"};
  c.add(std::move(loss));
  std::map<std::string, ArgDef> train_args = cnn_args();
  for (const char* sized : {"channels", "height", "width", "num_classes", "weight_scale", "fast",
                            "num_examples"}) {
    train_args.erase(sized);
  }
  train_args.insert({{"num_examples", {std::int64_t{2000}, "Fashion-MNIST training rows"}},
                     {"num_val", {std::int64_t{200}, "validation rows (the training rows after them)"}},
                     {"num_test", {std::int64_t{1000}, "test rows kept by the grader (test_accuracy)"}},
                     {"learning_rate", {1e-3, "Adam's learning rate"}},
                     {"num_epochs", {std::int64_t{1}, "epochs"}},
                     {"batch_size", {std::int64_t{64}, "rows per step"}}});
  CaseDef train{"conv.cnn_train", "ConvNet trained by your solver", train_args, cnn_train_inputs};
  train.private_inputs = {"X_test", "y_test"};
  train.derive = derive_cnn_test_accuracy;
  c.add(std::move(train));
}

}  // namespace pg::grader
