// Trusted inputs for the saliency cases: small seeded nets (an MLP or the CNN, their parameters
// sent to both runners), images with pixels in [0, 1], targets, mask logits, maps to resize; and
// what the grader derives from a learned mask with the given nets (models.hpp) itself: how far
// the mask moved the target's score and probability. Not the calls (grader/harness/saliency.cpp).
#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "cases.hpp"
#include "cases/inputs.hpp"
#include "saliency/models.hpp"

namespace pg::grader {

namespace {

using wire::Bundle;
using inputs::require_arg;
using inputs::gaussian;

std::map<std::string, ArgDef> model_args() {
  return {
      {"model", {std::string("mlp"), "mlp (a fully-connected net) or cnn (the lecture's CNN)"}},
      {"num_images", {std::int64_t{3}, "N"}},
      {"input_dim", {std::int64_t{12}, "D of the MLP's images"}},
      {"hidden_dims", {std::vector<std::int64_t>{8, 6}, "the MLP's hidden layer sizes"}},
      {"channels", {std::int64_t{1}, "C of the CNN's images"}},
      {"height", {std::int64_t{6}, "H of the CNN's images (even)"}},
      {"width", {std::int64_t{6}, "W of the CNN's images (even)"}},
      {"filters1", {std::int64_t{2}, "the CNN's F1"}},
      {"filters2", {std::int64_t{3}, "the CNN's F2"}},
      {"hidden", {std::int64_t{5}, "the CNN's M"}},
      {"num_classes", {std::int64_t{4}, "K"}},
      {"weight_scale", {0.5, "parameters are weight_scale * N(0, 1)"}},
      {"dead", {false, "conv2's bias at -100, so that its maps (and any Grad-CAM) are all zero"}},
  };
}

// The net, the images (uniform in [0, 1], as the lecture's ToTensor gives) and the targets.
Bundle model_inputs(const Args& a, std::uint64_t seed) {
  const std::string& kind = arg_text(a, "model");
  require_arg(kind == "mlp" || kind == "cnn", "model must be mlp or cnn, not '" + kind + "'");
  const long n = arg_int(a, "num_images"), k = arg_int(a, "num_classes");
  require_arg(n >= 1 && k >= 2, "num_images >= 1 and num_classes >= 2");
  const double scale = arg_real(a, "weight_scale");
  require_arg(scale > 0, "weight_scale > 0");
  std::mt19937_64 rng(seed);
  Bundle in;
  in.put("model", kind);
  long d = 0;
  if (kind == "mlp") {
    d = arg_int(a, "input_dim");
    const auto& hidden = arg_ints(a, "hidden_dims");
    require_arg(d >= 1 && hidden.size() <= 4, "input_dim >= 1 and at most 4 hidden layers");
    long in_size = d;
    std::vector<long> sizes(hidden.begin(), hidden.end());
    sizes.push_back(k);
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      require_arg(sizes[i] >= 1, "every hidden layer size >= 1");
      in.put(fmt::format("W{}", i + 1), gaussian(in_size, sizes[i], scale, rng));
      // biases >= 0, so that few hidden units are dead for every image and each test's
      // gradients have something to check
      in.put(fmt::format("b{}", i + 1), Mat(gaussian(1, sizes[i], scale, rng).cwiseAbs()));
      in_size = sizes[i];
    }
  } else {
    const long c = arg_int(a, "channels"), h = arg_int(a, "height"), w = arg_int(a, "width"),
               f1 = arg_int(a, "filters1"), f2 = arg_int(a, "filters2"), m = arg_int(a, "hidden");
    require_arg(c >= 1 && h >= 2 && w >= 2 && h % 2 == 0 && w % 2 == 0 && f1 >= 1 && f2 >= 1 &&
                    m >= 1,
                "channels, filters1, filters2, hidden >= 1 and an even height and width >= 2");
    d = c * h * w;
    in.put("C", std::int64_t{c});
    in.put("H", std::int64_t{h});
    in.put("W", std::int64_t{w});
    in.put("filters1", std::int64_t{f1});
    in.put("filters2", std::int64_t{f2});
    in.put("hidden", std::int64_t{m});
    in.put("num_classes", std::int64_t{k});
    const std::pair<const char*, std::pair<long, long>> shapes[] = {
        {"W1", {f1, c * 9}}, {"b1", {1, f1}}, {"W2", {f2, f1 * 9}}, {"b2", {1, f2}},
        {"W3", {f2 * (h / 2) * (w / 2), m}}, {"b3", {1, m}}, {"W4", {m, k}}, {"b4", {1, k}}};
    for (const auto& [name, shape] : shapes) {
      in.put(name, gaussian(shape.first, shape.second, scale, rng));
    }
    if (arg_bool(a, "dead")) in.put("b2", Mat(Mat::Constant(1, f2, -100.0)));
  }
  std::uniform_real_distribution<double> pixel(0.0, 1.0);
  Mat X(n, d);
  for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = pixel(rng);
  in.put("X", std::move(X));
  std::uniform_int_distribution<int> label(0, static_cast<int>(k) - 1);
  IVec targets(n);
  for (long i = 0; i < n; ++i) targets(i) = label(rng);
  in.put("targets", std::move(targets));
  return in;
}

// The given net of the inputs, as the harness builds it.
std::unique_ptr<saliency::Classifier> model_of(const Bundle& in) {
  backprop::Params p;
  for (int i = 1; in.has(fmt::format("W{}", i)); ++i) {
    p[fmt::format("W{}", i)] = in.mat(fmt::format("W{}", i));
    p[fmt::format("b{}", i)] = in.mat(fmt::format("b{}", i));
  }
  if (in.text("model") == "mlp") return std::make_unique<saliency::Mlp>(std::move(p));
  conv::ConvNetConfig c;
  c.channels = static_cast<int>(in.integer("C"));
  c.height = static_cast<int>(in.integer("H"));
  c.width = static_cast<int>(in.integer("W"));
  c.filters1 = static_cast<int>(in.integer("filters1"));
  c.filters2 = static_cast<int>(in.integer("filters2"));
  c.hidden = static_cast<int>(in.integer("hidden"));
  c.num_classes = static_cast<int>(in.integer("num_classes"));
  return std::make_unique<saliency::Cnn>(c, std::move(p));
}

void put_objective(const Args& a, Bundle& in) {
  const std::string& objective = arg_text(a, "objective");
  require_arg(objective == "preserve" || objective == "deletion",
              "objective must be preserve or deletion, not '" + objective + "'");
  require_arg(arg_real(a, "lambda") >= 0, "lambda >= 0");
  in.put("objective", objective);
  in.put("lambda", arg_real(a, "lambda"));
}

std::map<std::string, ArgDef> mask_args() {
  std::map<std::string, ArgDef> args = model_args();
  args.insert({{"objective", {std::string("preserve"), "preserve or deletion"}},
               {"lambda", {1.0, "deletion's price of removing every pixel"}}});
  return args;
}

Bundle mask_objective_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  Bundle in = model_inputs(a, seed);
  put_objective(a, in);
  std::mt19937_64 rng(seed + 1000);
  const Mat& X = in.mat("X");
  in.put("m", gaussian(X.rows(), X.cols(), 1.0, rng));
  return in;
}

// BEGIN COURSE ONLY
std::string explain_mask_objective(const Bundle& in, const std::string& output,
                                   const Bundle& expected, const Bundle& got) {
  const Mat s = (1.0 + (-in.mat("m").array()).exp()).inverse().matrix();
  const Mat dsigma = s.array() * (1.0 - s.array());
  const double lambda = in.real("lambda"), pixels = static_cast<double>(s.cols());
  const bool deletion = in.text("objective") == "deletion";
  const std::string summed =
      "your area term is a sum over the pixels; deletion's is their mean, lambda * mean(1 - "
      "sigma(m)) over the D pixels of each image";
  if (output == "loss" && got.has("loss") && deletion) {
    // the area term summed: lambda * sum(1 - sigma) instead of lambda * sum(1 - sigma) / D
    const double extra = lambda * (1.0 - s.array()).sum() * (1.0 - 1.0 / pixels);
    const double want = expected.real("loss") + extra, have = got.real("loss");
    if (extra != 0 && std::abs(have - want) <= 1e-9 * std::max(1.0, std::abs(want))) return summed;
    return "";
  }
  if (output != "dm" || !got.has("dm")) return "";
  const Mat& e = expected.mat("dm");
  const Mat& g = got.mat("dm");
  if (e.rows() != g.rows() || e.cols() != g.cols()) return "";
  if (deletion && lambda > 0 &&
      g.isApprox(e - lambda * (1.0 - 1.0 / pixels) * dsigma, 1e-6)) {
    return summed;
  }
  // the gradient with respect to sigma(m): the expected one without the factor sigma' (and, for
  // deletion, its mean term's too)
  if (g.cwiseProduct(dsigma).isApprox(e, 1e-6)) {
    return "your dm is d loss / d sigma(m), not d loss / d m: the chain rule through the sigmoid "
           "multiplies by d sigma / d m = sigma(m) * (1 - sigma(m))";
  }
  if (g.isApprox(-e, 1e-6)) return "your dm has the wrong sign";
  return "";
}
// END COURSE ONLY

Bundle optimize_inputs(const Args& a, std::uint64_t seed, DataSource&) {
  Bundle in = model_inputs(a, seed);
  put_objective(a, in);
  const long iters = arg_int(a, "num_iters");
  require_arg(iters >= 1 && iters <= 1000, "num_iters in 1..1000");
  require_arg(arg_real(a, "lr") > 0, "lr > 0");
  in.put("num_iters", std::int64_t{iters});
  in.put("lr", arg_real(a, "lr"));
  return in;
}

// From a runner's mask, with the given net: score_gain, the smallest over the batch of
// s_t(x * mask) - s_t(x * 0.5) (how far preserve raised the score from where it started), and
// probability_drop, the smallest of p_t(x) - p_t(x * mask) (how far deletion lowered the target's
// probability below the whole image's). Nothing when the mask is missing or misshapen.
void derive_mask_effect(const Bundle& inputs, Bundle& outputs) {
  if (!outputs.has("mask") || !std::holds_alternative<Mat>(outputs.at("mask"))) return;
  const Mat& X = inputs.mat("X");
  const Mat& mask = outputs.mat("mask");
  if (mask.rows() != X.rows() || mask.cols() != X.cols()) return;
  if (!mask.allFinite()) {
    outputs.put("score_gain", -1e300);
    outputs.put("probability_drop", -1e300);
    return;
  }
  const auto model = model_of(inputs);
  const IVec& t = inputs.ivec("targets");
  const Mat start = model->scores(0.5 * X), learned = model->scores(X.cwiseProduct(mask)),
            whole = model->scores(X);
  auto probability = [](const Mat& s, Eigen::Index n, int k) {
    const double top = s.row(n).maxCoeff();
    return std::exp(s(n, k) - top) / (s.row(n).array() - top).exp().sum();
  };
  double gain = 1e300, drop = 1e300;
  for (Eigen::Index n = 0; n < X.rows(); ++n) {
    gain = std::min(gain, learned(n, t(n)) - start(n, t(n)));
    drop = std::min(drop, probability(whole, n, t(n)) - probability(learned, n, t(n)));
  }
  outputs.put("score_gain", gain);
  outputs.put("probability_drop", drop);
}

// Where a learned mask first left the reference's: the first iteration whose recorded target
// scores differ. Row 0 is the score of x * sigma(m) before any step, so it tells the start from
// the steps.
std::string explain_optimize(const Bundle&, const std::string& output, const Bundle& expected,
                             const Bundle& got) {
  if ((output != "mask" && output != "target_scores") || !got.has("target_scores")) return "";
  const Mat& e = expected.mat("target_scores");
  const Mat& g = got.mat("target_scores");
  if (e.rows() != g.rows() || e.cols() != g.cols()) return "";
  auto same = [](const auto& a, const auto& b) {
    return ((a - b).array().abs() <= 1e-9 + 1e-7 * b.array().abs()).all();
  };
  Eigen::Index first = 0;
  while (first < e.rows() && same(g.row(first), e.row(first))) ++first;
  if (first == e.rows()) {
    return output == "mask" ? "your target scores agree at every iteration but the final mask "
                              "does not: return sigma(m) after the last step"
                            : "";
  }
  if (first == 0) {
    return "your target scores differ already at iteration 0, before any step: m must start at "
           "0 (sigma(m) = 0.5 everywhere), and target_scores(0, n) is the score of x * sigma(m) "
           "then";
  }
  if (first == 1) {
    return "your target scores agree at iteration 0 and differ from iteration 1: the first Adam "
           "step differs. With the bias correction (v1 / (1 - 0.9^t), v2 / (1 - 0.999^t), t from "
           "1) the first step is lr * g / (|g| + 1e-8), about lr in every coordinate; or the "
           "gradient (mask_objective) or the learning rate";
  }
  return fmt::format("your target scores agree up to iteration {} and differ from iteration {}: "
                     "something carried from step to step (Adam's v1 and v2, or t, not kept "
                     "between steps; a gradient added to the last one)",
                     first - 1, first);
}

// BEGIN COURSE ONLY
// A resize by another rule: corners aligned, or the nearest pixel instead of a mix.
std::string explain_resize(const Bundle& in, const std::string& output, const Bundle& expected,
                           const Bundle& got) {
  if (output != "out" || !got.has("out")) return "";
  const Mat& map = in.mat("map");
  const Mat& g = got.mat("out");
  const Mat& e = expected.mat("out");
  if (e.rows() != g.rows() || e.cols() != g.cols()) return "";
  const Eigen::Index rows = g.rows(), cols = g.cols();
  Mat corners(rows, cols), nearest(rows, cols);
  auto corner = [](Eigen::Index in, Eigen::Index out, Eigen::Index i) {
    return out == 1 ? 0.0 : static_cast<double>(i) * static_cast<double>(in - 1) /
                                static_cast<double>(out - 1);
  };
  for (Eigen::Index i = 0; i < rows; ++i) {
    for (Eigen::Index j = 0; j < cols; ++j) {
      const double y = corner(map.rows(), rows, i), x = corner(map.cols(), cols, j);
      const Eigen::Index y0 = static_cast<Eigen::Index>(std::floor(y)),
                         x0 = static_cast<Eigen::Index>(std::floor(x));
      const Eigen::Index y1 = std::min(y0 + 1, map.rows() - 1), x1 = std::min(x0 + 1, map.cols() - 1);
      const double a = y - static_cast<double>(y0), b = x - static_cast<double>(x0);
      corners(i, j) = (1 - a) * ((1 - b) * map(y0, x0) + b * map(y0, x1)) +
                      a * ((1 - b) * map(y1, x0) + b * map(y1, x1));
      const auto at = [](Eigen::Index in, Eigen::Index out, Eigen::Index k) {
        return std::min(in - 1, static_cast<Eigen::Index>(std::floor(
                                    (static_cast<double>(k) + 0.5) * static_cast<double>(in) /
                                    static_cast<double>(out))));
      };
      nearest(i, j) = map(at(map.rows(), rows, i), at(map.cols(), cols, j));
    }
  }
  if (g.isApprox(corners, 1e-9)) {
    return "your resize aligns the corners (y = i * (rows - 1) / (out_rows - 1), PyTorch's "
           "align_corners=True); the contract samples at pixel centres, y = (i + 0.5) * rows / "
           "out_rows - 0.5, clamped to [0, rows - 1]";
  }
  if (g.isApprox(nearest, 1e-9)) {
    return "your resize takes the nearest pixel; the contract mixes the four pixels around each "
           "sample (bilinear)";
  }
  return "";
}
// END COURSE ONLY

std::string explain_cam(const Bundle&, const std::string& output, const Bundle& expected,
                        const Bundle& got) {
  if (output != "cam" || !got.has("cam")) return "";
  const Mat& e = expected.mat("cam");
  const Mat& g = got.mat("cam");
  if (e.rows() != g.rows() || e.cols() != g.cols()) return "";
  if (!g.allFinite() && e.isZero()) {
    return "the expected map is all zero (no feature map helps the target) and yours is not a "
           "number: divide by the map's max only when it is above 0";
  }
  if (g.minCoeff() < 0) {
    return "your map has negative values: Grad-CAM keeps only the positive part, "
           "ReLU(sum over k of alpha_k A^k), before resizing and scaling";
  }
  if (g.maxCoeff() > 1 + 1e-12) return "your map is not scaled: divide it by its max";
  return "";
}

}  // namespace

void add_saliency_cases(CaseCatalog& c) {
  CaseDef gradient{"saliency.gradient", "gradient_saliency", model_args(),
                   [](const Args& a, std::uint64_t seed, DataSource&) {
                     return model_inputs(a, seed);
                   }};
  gradient.explain = [](const Bundle&, const std::string& output, const Bundle& expected,
                        const Bundle& got) -> std::string {
    if (output != "saliency" || !got.has("saliency")) return "";
    const Mat& g = got.mat("saliency");
    if (g.rows() == expected.mat("saliency").rows() && g.cols() == expected.mat("saliency").cols() &&
        g.minCoeff() < 0) {
      return "your saliency has negative values: it is |d s_t / d x|, the gradient's absolute "
             "value";
    }
    return "";
  };
  c.add(std::move(gradient));

  CaseDef objective{"saliency.mask_objective", "mask_objective", mask_args(),
                    mask_objective_inputs, {{"m", {"loss", "dm"}}}};
  // BEGIN COURSE ONLY
  objective.explain = explain_mask_objective;
  // END COURSE ONLY
  c.add(std::move(objective));

  std::map<std::string, ArgDef> optimize_args = mask_args();
  optimize_args.insert({{"num_iters", {std::int64_t{5}, "Adam steps"}},
                        {"lr", {0.1, "Adam's learning rate"}}});
  CaseDef optimize{"saliency.optimize_mask", "optimize_mask", optimize_args, optimize_inputs};
  optimize.derive = derive_mask_effect;
  optimize.explain = explain_optimize;
  c.add(std::move(optimize));

  CaseDef resize{"saliency.resize_bilinear", "resize_bilinear",
         {{"rows", {std::int64_t{7}, "the map's rows"}},
          {"cols", {std::int64_t{7}, "the map's columns"}},
          {"out_rows", {std::int64_t{28}, "the output's rows"}},
          {"out_cols", {std::int64_t{28}, "the output's columns"}}},
         [](const Args& a, std::uint64_t seed, DataSource&) {
           const long r = arg_int(a, "rows"), k = arg_int(a, "cols"), orow = arg_int(a, "out_rows"),
                      ocol = arg_int(a, "out_cols");
           require_arg(r >= 1 && k >= 1 && orow >= 1 && ocol >= 1, "every size >= 1");
           std::mt19937_64 rng(seed);
           Bundle in;
           in.put("map", gaussian(r, k, 1.0, rng));
           in.put("out_rows", std::int64_t{orow});
           in.put("out_cols", std::int64_t{ocol});
           return in;
         }};
  // BEGIN COURSE ONLY
  resize.explain = explain_resize;
  // END COURSE ONLY
  c.add(std::move(resize));

  std::map<std::string, ArgDef> cam_args = model_args();
  cam_args["model"] = {std::string("cnn"), "cnn (Grad-CAM needs the CNN's feature maps)"};
  cam_args.insert({"layer", {std::string("conv2"), "conv2 or pool: where the feature maps are"}});
  CaseDef cam{"saliency.grad_cam", "grad_cam", cam_args,
              [](const Args& a, std::uint64_t seed, DataSource&) {
                require_arg(arg_text(a, "model") == "cnn", "grad_cam's model must be cnn");
                const std::string& layer = arg_text(a, "layer");
                require_arg(layer == "conv2" || layer == "pool",
                            "layer must be conv2 or pool, not '" + layer + "'");
                Bundle in = model_inputs(a, seed);
                in.put("layer", layer);
                return in;
              }};
  cam.explain = explain_cam;
  c.add(std::move(cam));
}

}  // namespace pg::grader
