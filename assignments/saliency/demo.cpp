// The saliency demo: what the trained MLP and CNN look at. The lecture's learned mask with its
// progress lines; for one test image of each class, the gradient saliency, the preserve and
// deletion masks and Grad-CAM side by side (the lecture's "Learned Mask for 7" figure on
// Fashion-MNIST); whether the maps are faithful (deletion and insertion curves, and the
// model-randomisation check); and the lecture's spurious correlation, reproduced with a marker
// planted in one class's training images.
// Built twice: saliency_demo runs your saliency.cpp (and, to train a missing net, your backprop
// and conv code), saliency_demo_reference the reference. Not graded.
//
//   saliency_demo [--mlp FILE] [--cnn FILE] [--images N] [--mask-images N] [--steps N]
//                 [--marker-epochs N] [--output DIR]      (saliency_demo --help)
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backprop/fc_net.hpp"
#include "backprop/net_io.hpp"
#include "backprop/solver.hpp"
#include "common/blas.hpp"
#include "common/errors.hpp"
#include "common/image.hpp"
#include "common/memory.hpp"
#include "common/parallel.hpp"
#include "common/plot.hpp"
#include "common/weights.hpp"
#include "conv/cnn.hpp"
#include "datasets/idx.hpp"
#include "datasets/preprocess.hpp"
#include "saliency/models.hpp"
#include "saliency/saliency.hpp"

namespace {

using namespace pg;
using namespace pg::saliency;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Index = Eigen::Index;

struct Options {
  std::string mlp = "out/backprop/mlp.pgw";  // the backprop demo's net
  std::string cnn = "out/conv/cnn.pgw";      // the conv demo's net
  long images = 1000;       // test images of the faithfulness study
  long mask_images = 50;    // of them, the first this many also get a learned mask on the CNN
  int steps = 16;           // points of a deletion or insertion curve, after the start
  int marker_epochs = 2;    // the spurious-marker MLP's training epochs
  std::string output = "out/saliency";
};

// the lecture's learned mask
constexpr int kMaskIters = 300;
constexpr double kMaskLr = 0.1;
// the lecture's training, for a net that is missing: Adam 1e-3, batch 64
constexpr double kLearningRate = 1e-3;
constexpr int kBatch = 64;
constexpr int kMlpEpochs = 5;
constexpr int kCnnEpochs = 1;
// the spurious marker: a kMarker x kMarker white square in the top-left corner of every training
// image of class kMarkerClass (Bag, whose images rarely reach the corner)
constexpr int kMarker = 4;
constexpr int kMarkerClass = 8;
// rows a net scores at once (the CNN holds about a megabyte per image)
constexpr Index kRows = 250;
constexpr int kSide = 28;
constexpr int kCell = 4;  // pixels per image pixel in the figures

void add_options(CLI::App& app, Options& o) {
  app.description(
      "The saliency demo: the lecture's learned mask and its progress lines; for one test image "
      "of each class the gradient saliency, the preserve and deletion masks and Grad-CAM "
      "(OUTPUT/saliency_cnn.png, OUTPUT/saliency_mlp.png); deletion and insertion curves "
      "(OUTPUT/faithfulness.png) and the model-randomisation check; the spurious marker "
      "(OUTPUT/spurious_marker.png). A net missing from --mlp or --cnn is trained first and saved "
      "in OUTPUT.");
  app.add_option("--mlp", o.mlp, "the MLP the backprop demo saved")->capture_default_str();
  app.add_option("--cnn", o.cnn, "the CNN the conv demo saved")->capture_default_str();
  app.add_option("--images", o.images, "test images of the faithfulness study")
      ->check(CLI::Range(1L, 10000L))
      ->capture_default_str();
  app.add_option("--mask-images", o.mask_images,
                 "of them, how many also get a learned mask on the CNN (300 Adam steps each)")
      ->check(CLI::Range(1L, 10000L))
      ->capture_default_str();
  app.add_option("--steps", o.steps, "points of each deletion and insertion curve")
      ->check(CLI::Range(2, 784))
      ->capture_default_str();
  app.add_option("--marker-epochs", o.marker_epochs, "the spurious-marker MLP's epochs")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--output", o.output, "folder for the PNGs (created if missing)")
      ->capture_default_str();
  app.footer(
      "Environment: PIXELGRAD_DATA, a folder holding Fashion-MNIST's four IDX files (else "
      "datasets/data/ or Debian's dataset-fashion-mnist).");
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A net's scores kRows images at a time.
Mat scores_of(const Classifier& model, const Mat& X) {
  Mat s(X.rows(), model.num_classes());
  for (Index start = 0; start < X.rows(); start += kRows) {
    const Index rows = std::min(kRows, X.rows() - start);
    s.middleRows(start, rows) = model.scores(X.middleRows(start, rows));
  }
  return s;
}

// Each row's softmax probability of its target.
Vec target_probability(const Mat& scores, const IVec& targets) {
  Vec p(scores.rows());
  for (Index n = 0; n < scores.rows(); ++n) {
    const double top = scores.row(n).maxCoeff();
    p(n) = std::exp(scores(n, targets(n)) - top) / (scores.row(n).array() - top).exp().sum();
  }
  return p;
}

double accuracy_of(const Classifier& model, const Mat& X, const IVec& y) {
  const Mat s = scores_of(model, X);
  Index correct = 0;
  for (Index n = 0; n < X.rows(); ++n) {
    Index best = 0;
    s.row(n).maxCoeff(&best);
    correct += best == y(n);
  }
  return static_cast<double>(correct) / static_cast<double>(X.rows());
}

// A function of a batch, at most kRows rows at a time (the CNN's maps hold a megabyte per image)
// and at least one batch per worker, the batches side by side on OpenBLAS's threads
// (common/parallel.hpp): each batch's products then run on one thread, which for the CNN's
// learned mask is nearly twice as fast as one batch on two.
template <class F>
Mat in_batches(const Mat& X, const IVec& t, F f) {
  Mat out(X.rows(), X.cols());
  const long workers = parallel_workers();
  const Index size = std::max<Index>(1, std::min<Index>(kRows, (X.rows() + workers - 1) / workers));
  parallel_for((X.rows() + size - 1) / size, [&](long b, int) {
    const Index start = b * size, rows = std::min(size, X.rows() - start);
    out.middleRows(start, rows) = f(X.middleRows(start, rows), t.segment(start, rows));
  });
  return out;
}

// --- the nets ----------------------------------------------------------------------------------

backprop::SolverConfig lecture_solver(int epochs) {
  backprop::SolverConfig c;
  c.update_rule = "adam";
  c.learning_rate = kLearningRate;
  c.num_epochs = epochs;
  c.batch_size = kBatch;
  c.num_train_samples = 5000;
  return c;
}

// The lecture's MLP 784-128-64-10 trained with Adam (the backprop demo's recipe).
backprop::FullyConnectedNet train_mlp(const data::TrainVal& d, int epochs, std::uint64_t seed) {
  backprop::FullyConnectedNet net({128, 64}, kSide * kSide, 10, 0.0, 0.05, seed);
  backprop::SolverConfig c = lecture_solver(epochs);
  c.seed = seed;
  backprop::train(net, d.train.X, d.train.y, d.val.X, d.val.y, c);
  return net;
}

// The MLP saved at `path`, or one trained now (and saved in `output`) when there is none.
std::unique_ptr<Mlp> load_mlp(const fs::path& path, const data::TrainVal& d, const fs::path& output) {
  if (fs::exists(path)) {
    std::printf("MLP: %s\n", path.c_str());
    return std::make_unique<Mlp>(backprop::load_net(path).params);
  }
  std::printf("MLP: %s is missing (make demo's backprop step saves it); training one, %d epochs\n",
              path.c_str(), kMlpEpochs);
  const auto start = Clock::now();
  backprop::FullyConnectedNet net = train_mlp(d, kMlpEpochs, 0);
  backprop::save_net(output / "mlp.pgw", net);
  std::printf("  trained in %.1f s, saved to %s\n", seconds_since(start),
              (output / "mlp.pgw").c_str());
  return std::make_unique<Mlp>(net.params);
}

int metadata_int(const Weights& w, const std::string& key, const fs::path& path) {
  auto it = w.metadata.find(key);
  if (it == w.metadata.end()) throw WeightsError(path.string() + ": no " + key + " in its metadata");
  return std::stoi(it->second);
}

// The lecture's CNN scoring kRows images at a time: the solver's accuracy checks score thousands
// of images in one call.
class BatchedConvNet : public conv::ConvNet {
 public:
  using conv::ConvNet::ConvNet;
  Mat scores(const Mat& X) const override {
    Mat s(X.rows(), config().num_classes);
    for (Index start = 0; start < X.rows(); start += kRows) {
      const Index rows = std::min(kRows, X.rows() - start);
      s.middleRows(start, rows) = conv::ConvNet::scores(X.middleRows(start, rows));
    }
    return s;
  }
};

// The CNN saved at `path` (the conv demo's format), or one trained now when there is none.
std::unique_ptr<Cnn> load_cnn(const fs::path& path, const data::TrainVal& d, const fs::path& output) {
  if (fs::exists(path)) {
    const Weights w = load_weights(path);
    auto model = w.metadata.find("model");
    if (model == w.metadata.end() || model->second != "conv_net") {
      throw WeightsError(path.string() + " does not hold a conv_net (the conv demo's CNN)");
    }
    conv::ConvNetConfig c;
    c.channels = metadata_int(w, "channels", path);
    c.height = metadata_int(w, "height", path);
    c.width = metadata_int(w, "width", path);
    c.filters1 = metadata_int(w, "filters1", path);
    c.filters2 = metadata_int(w, "filters2", path);
    c.hidden = metadata_int(w, "hidden", path);
    c.num_classes = metadata_int(w, "num_classes", path);
    backprop::Params p;
    for (const auto& [name, tensor] : w.tensors) p[name] = tensor.values;
    std::printf("CNN: %s\n", path.c_str());
    return std::make_unique<Cnn>(c, std::move(p));
  }
  std::printf("CNN: %s is missing (make demo's conv step saves it); training one, %d epoch "
              "(about three minutes on two cores)\n",
              path.c_str(), kCnnEpochs);
  const auto start = Clock::now();
  conv::ConvNetConfig c;
  c.fast = true;
  BatchedConvNet net(c);
  backprop::train(net, d.train.X, d.train.y, d.val.X, d.val.y, lecture_solver(kCnnEpochs));
  Weights w;
  w.metadata = {{"model", "conv_net"}, {"channels", "1"}, {"height", "28"}, {"width", "28"},
                {"filters1", std::to_string(c.filters1)}, {"filters2", std::to_string(c.filters2)},
                {"hidden", std::to_string(c.hidden)}, {"num_classes", "10"}, {"reg", "0"}};
  for (const auto& [name, value] : net.params) w.tensors[name] = tensor_of(value);
  save_weights(output / "cnn.pgw", w);
  std::printf("  trained in %.1f s, saved to %s\n", seconds_since(start),
              (output / "cnn.pgw").c_str());
  return std::make_unique<Cnn>(c, net.params);
}

// The same nets with every parameter drawn afresh, as PyTorch initialises a new Linear or Conv2d:
// uniform in +-1/sqrt(fan_in), weights and biases alike.
backprop::Params reinitialised(const backprop::Params& params, bool conv_bank_rows,
                               std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  backprop::Params out;
  for (int i = 1; params.count("W" + std::to_string(i)); ++i) {
    const std::string layer = std::to_string(i);
    const Mat& W = params.at("W" + layer);
    // a conv bank (F, C*9) has its fan_in in a row; an affine weight (in, out) in a column
    const bool bank = conv_bank_rows && i <= 2;
    const double bound = 1.0 / std::sqrt(static_cast<double>(bank ? W.cols() : W.rows()));
    Mat w(W.rows(), W.cols()), b(1, params.at("b" + layer).cols());
    for (Index k = 0; k < w.size(); ++k) w.data()[k] = bound * u(rng);
    for (Index k = 0; k < b.size(); ++k) b.data()[k] = bound * u(rng);
    out["W" + layer] = std::move(w);
    out["b" + layer] = std::move(b);
  }
  return out;
}

// --- the lecture's mask and the figures ----------------------------------------------------------

// The first test image of each class.
std::vector<Index> one_per_class(const IVec& y, int classes) {
  std::vector<Index> rows;
  for (int c = 0; c < classes; ++c) {
    for (Index i = 0; i < y.size(); ++i) {
      if (y(i) == c) {
        rows.push_back(i);
        break;
      }
    }
  }
  return rows;
}

Mat as_image(const Mat& row) { return Eigen::Map<const Mat>(row.data(), kSide, kSide); }

// each row divided by its max (an all-zero row stays zero)
Mat per_row_scaled(Mat m) {
  for (Index n = 0; n < m.rows(); ++n) {
    const double top = m.row(n).maxCoeff();
    if (top > 0) m.row(n) /= top;
  }
  return m;
}

struct Maps {
  Mat gradient, preserve, deletion, cam, cam_pool;  // (N, 784) each; the cams empty for the MLP
  MaskResult preserve_run;
};

Maps maps_for(const Classifier& model, const Cnn* cnn, const Mat& X, const IVec& t) {
  Maps m;
  m.gradient = per_row_scaled(gradient_saliency(model, X, t));
  m.preserve_run = optimize_mask(model, X, t, kMaskIters, kMaskLr, Objective::preserve);
  m.preserve = m.preserve_run.mask;
  m.deletion = optimize_mask(model, X, t, kMaskIters, kMaskLr, Objective::deletion).mask;
  if (cnn) {
    m.cam = grad_cam(*cnn, X, t, CamLayer::conv2);
    m.cam_pool = grad_cam(*cnn, X, t, CamLayer::pool);
  }
  return m;
}

// The lecture's progress lines for one image's preserve mask.
void print_progress(const std::string& net, const std::string& name, const MaskResult& r,
                    Index n) {
  std::printf("Learned mask for %s (%s):\n", name.c_str(), net.c_str());
  for (Index i = 0; i < r.target_scores.rows(); i += 50) {
    std::printf("Iteration %ld, Confidence: %.4f\n", static_cast<long>(i), r.target_scores(i, n));
  }
}

// One row per image: the image, then each map.
void write_figure(const fs::path& path, const std::string& title, const std::string& subtitle,
                  const Mat& X, const IVec& t, const Vec& p, const Maps& m,
                  const std::vector<std::string>& names) {
  std::vector<Image> cells;
  std::vector<std::string> captions;
  const bool cam = m.cam.size() > 0;
  for (Index n = 0; n < X.rows(); ++n) {
    const Image image = from_grayscale(as_image(X.row(n)), 0.0, 1.0, kCell);
    char caption[96];
    std::snprintf(caption, sizeof caption, "%s, p = %.2f", names[t(n)].c_str(), p(n));
    cells.push_back(image);
    captions.push_back(caption);
    cells.push_back(from_heatmap(as_image(m.gradient.row(n)), 0.0, 1.0, kCell));
    captions.push_back("gradient |ds/dx|");
    cells.push_back(from_grayscale(as_image(m.preserve.row(n)), 0.0, 1.0, kCell));
    captions.push_back("preserve mask");
    cells.push_back(from_grayscale(as_image(m.deletion.row(n)), 0.0, 1.0, kCell));
    // an all-white mask would pass for an empty cell on the white page
    captions.push_back(m.deletion.row(n).minCoeff() > 0.95 ? "deletion: removes nothing"
                                                           : "deletion mask");
    if (cam) {
      cells.push_back(overlay_heatmap(image, as_image(m.cam.row(n)), 0.6));
      captions.push_back("Grad-CAM, conv2");
      cells.push_back(overlay_heatmap(image, as_image(m.cam_pool.row(n)), 0.6));
      captions.push_back("Grad-CAM, pool");
    }
  }
  write_png(path, add_title(tile(cells, cam ? 6 : 4, 8, captions, 12), title, subtitle));
}

// --- faithfulness --------------------------------------------------------------------------------

struct Curves {
  std::vector<double> deletion, insertion;  // the mean target probability at each step
  double deletion_auc = 0, insertion_auc = 0;
};

// The probability of each image's target (rows) after each step (columns) of deletion and of
// insertion.
struct Probabilities {
  Mat deletion, insertion;  // (N, steps + 1) each
};

// The mean curves of the first n images, and the areas under them (trapezoids over the fraction
// of pixels).
Curves curves_of(const Probabilities& p, Index n) {
  Curves c;
  const int steps = static_cast<int>(p.deletion.cols()) - 1;
  for (int k = 0; k <= steps; ++k) {
    c.deletion.push_back(p.deletion.col(k).head(n).mean());
    c.insertion.push_back(p.insertion.col(k).head(n).mean());
  }
  for (int k = 0; k < steps; ++k) {
    c.deletion_auc += (c.deletion[k] + c.deletion[k + 1]) / (2.0 * steps);
    c.insertion_auc += (c.insertion[k] + c.insertion[k + 1]) / (2.0 * steps);
  }
  return c;
}

// Removes (deletion: sets to 0) or inserts (into an all-zero image) pixels in the order each row
// of `map` ranks them, most salient first, `steps` equal slices; each image's target probability
// after each step.
Probabilities faithfulness(const Classifier& model, const Mat& X, const IVec& t, const Mat& map,
                           int steps) {
  const Index n = X.rows(), d = X.cols();
  std::vector<std::vector<Index>> order(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) {
    auto& o = order[static_cast<std::size_t>(i)];
    o.resize(static_cast<std::size_t>(d));
    std::iota(o.begin(), o.end(), Index{0});
    std::stable_sort(o.begin(), o.end(), [&](Index a, Index b) { return map(i, a) > map(i, b); });
  }
  Probabilities p{Mat(n, steps + 1), Mat(n, steps + 1)};
  Mat removed = X, inserted = Mat::Zero(n, d);
  Index done = 0;
  for (int k = 0; k <= steps; ++k) {
    const Index upto = d * k / steps;
    for (Index i = 0; i < n; ++i) {
      const auto& o = order[static_cast<std::size_t>(i)];
      for (Index j = done; j < upto; ++j) {
        removed(i, o[static_cast<std::size_t>(j)]) = 0.0;
        inserted(i, o[static_cast<std::size_t>(j)]) = X(i, o[static_cast<std::size_t>(j)]);
      }
    }
    done = upto;
    p.deletion.col(k) = target_probability(scores_of(model, removed), t);
    p.insertion.col(k) = target_probability(scores_of(model, inserted), t);
  }
  return p;
}

// Spearman's rank correlation of two maps (ties get their mean rank).
double spearman(const Mat& a, const Mat& b) {
  auto ranks = [](const Mat& m) {
    const Index d = m.size();
    std::vector<Index> o(static_cast<std::size_t>(d));
    std::iota(o.begin(), o.end(), Index{0});
    std::sort(o.begin(), o.end(), [&](Index x, Index y) { return m.data()[x] < m.data()[y]; });
    Vec r(d);
    for (Index i = 0; i < d;) {
      Index j = i;
      while (j + 1 < d && m.data()[o[j + 1]] == m.data()[o[i]]) ++j;
      for (Index k = i; k <= j; ++k) r(o[k]) = 0.5 * static_cast<double>(i + j);
      i = j + 1;
    }
    return r;
  };
  const Vec ra = ranks(a), rb = ranks(b);
  const Vec ca = ra.array() - ra.mean(), cb = rb.array() - rb.mean();
  const double denom = ca.norm() * cb.norm();
  return denom > 0 ? ca.dot(cb) / denom : 0.0;
}

// A way to make a map: for a batch of images and targets, (N, 784).
struct Method {
  std::string name;
  std::function<Mat(const Classifier& model, const Mat& X, const IVec& t)> map;
  bool masked = false;  // a learned mask: run on the first --mask-images images only
};

// The curves of one net for the plot, and what the table printed.
struct Study {
  std::vector<Series> deletion, insertion;
};

// The faithfulness study of one net: each method's maps on the first N test images (a learned
// mask's on the first M), deletion and insertion curves with their areas (printed as a table),
// then the model-randomisation check: the rank correlation between each method's maps for the
// net and for `random_net`, the same net re-initialised.
Study study(const std::string& net, const Classifier& model, const Classifier& random_net,
            const std::vector<Method>& methods, const Mat& X, const IVec& t, long M, int steps) {
  const long N = X.rows();
  std::printf("\nIs a map faithful? The %s on the first %ld test images (a learned mask on the "
              "first %ld), target = the label\n",
              net.c_str(), N, M);
  std::printf("  %-15s %7s %14s %15s %14s %15s %10s\n", "method", "images", "deletion AUC",
              "insertion AUC", "deletion AUC", "insertion AUC", "maps");
  std::printf("  %-15s %7s %14s %15s %14s %15s %10s\n", "", "", "(all images)", "(all images)",
              "(first M)", "(first M)", "ms/image");
  Study out;
  std::vector<double> x;
  for (int k = 0; k <= steps; ++k) x.push_back(static_cast<double>(k) / steps);
  std::vector<Mat> maps;
  for (const Method& m : methods) {
    const long n = m.masked ? M : N;
    auto start = Clock::now();
    maps.push_back(in_batches(X.topRows(n), t.head(n), [&](const Mat& xs, const IVec& ts) {
      return m.map(model, xs, ts);
    }));
    const double ms = 1000.0 * seconds_since(start) / static_cast<double>(n);
    const Probabilities p = faithfulness(model, X.topRows(n), t.head(n), maps.back(), steps);
    const Curves all = curves_of(p, n), first = curves_of(p, std::min(n, M));
    std::printf("  %-15s %7ld", m.name.c_str(), n);
    if (n < N) {  // a learned mask on the first M images only
      std::printf(" %14s %15s", "", "");
    } else {
      std::printf(" %14.3f %15.3f", all.deletion_auc, all.insertion_auc);
    }
    std::printf(" %14.3f %15.3f %10.2f\n", first.deletion_auc, first.insertion_auc, ms);
    out.deletion.push_back({m.name, x, all.deletion, {}, 0});
    out.insertion.push_back({m.name, x, all.insertion, {}, 0});
  }
  std::printf("  (%d steps of %d pixels; a faithful map has a low deletion AUC and a high "
              "insertion AUC)\n",
              steps, static_cast<int>(X.cols()) / steps);

  std::printf("Model randomisation: rank correlation between the maps of the trained %s and of "
              "the same %s re-initialised\n",
              net.c_str(), net.c_str());
  std::printf("  %-15s %7s %10s %8s\n", "method", "images", "Spearman", "std");
  for (std::size_t i = 0; i < methods.size(); ++i) {
    const Method& m = methods[i];
    if (m.name == "random order") continue;
    const long n = m.masked ? M : N;
    const Mat again = in_batches(X.topRows(n), t.head(n), [&](const Mat& xs, const IVec& ts) {
      return m.map(random_net, xs, ts);
    });
    std::vector<double> r;
    for (Index k = 0; k < n; ++k) r.push_back(spearman(maps[i].row(k), again.row(k)));
    const double mean = std::accumulate(r.begin(), r.end(), 0.0) / static_cast<double>(n);
    double var = 0;
    for (double v : r) var += (v - mean) * (v - mean);
    std::printf("  %-15s %7ld %10.3f %8.3f\n", m.name.c_str(), n, mean,
                std::sqrt(var / static_cast<double>(n)));
  }
  std::printf("  (near 1: the map barely depends on what the net learned)\n");
  return out;
}

// the pixels in a random order, drawn per image from a seed made of its pixels: the same for
// both nets and however the images are split into batches
Mat random_order(const Classifier&, const Mat& X, const IVec&) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Mat r(X.rows(), X.cols());
  for (Index n = 0; n < X.rows(); ++n) {
    const std::string_view pixels(reinterpret_cast<const char*>(X.row(n).data()),
                                  sizeof(double) * static_cast<std::size_t>(X.cols()));
    std::mt19937_64 rng(7 + std::hash<std::string_view>{}(pixels));
    for (Index j = 0; j < X.cols(); ++j) r(n, j) = u(rng);
  }
  return r;
}

Mat gradient_map(const Classifier& model, const Mat& X, const IVec& t) {
  return gradient_saliency(model, X, t);
}

Mat preserve_map(const Classifier& model, const Mat& X, const IVec& t) {
  return optimize_mask(model, X, t, kMaskIters, kMaskLr, Objective::preserve).mask;
}

void faithfulness_studies(const Options& o, const Mlp& mlp, const Cnn& cnn,
                          const data::Labeled& test, const fs::path& output) {
  const long N = std::min<long>(o.images, test.X.rows());
  const Mat X = test.X.topRows(N);
  const IVec t = test.y.head(N);
  auto start = Clock::now();
  const Mlp random_mlp(reinitialised(mlp.params(), false, 11));
  const Study a = study("MLP", mlp, random_mlp,
                        {{"gradient", gradient_map},
                         {"preserve mask", preserve_map},
                         {"random order", random_order}},
                        X, t, N, o.steps);
  std::printf("  (the MLP: %.1f s)\n", seconds_since(start));
  start = Clock::now();
  auto cam = [](CamLayer layer) {
    return [layer](const Classifier& model, const Mat& x, const IVec& tt) {
      return grad_cam(dynamic_cast<const Cnn&>(model), x, tt, layer);
    };
  };
  const Cnn random_cnn(cnn.config(), reinitialised(cnn.params(), true, 11));
  const long M = std::min(o.mask_images, N);
  const Study b = study("CNN", cnn, random_cnn,
                        {{"gradient", gradient_map},
                         {"Grad-CAM conv2", cam(CamLayer::conv2)},
                         {"Grad-CAM pool", cam(CamLayer::pool)},
                         {"preserve mask", preserve_map, true},
                         {"random order", random_order}},
                        X, t, M, o.steps);
  std::printf("  (the CNN: %.1f s)\n", seconds_since(start));
  PlotSpec spec;
  spec.width = 600;
  spec.height = 400;
  spec.ylabel = "mean probability of the label";
  spec.ymin = 0.0;
  spec.ymax = 1.0;
  std::vector<Image> panels;
  for (const auto& [net, curves] : {std::pair<std::string, const Study*>{"MLP", &a}, {"CNN", &b}}) {
    spec.xlabel = "fraction of pixels removed";
    spec.title = net + ", deletion: the most salient pixels removed first";
    panels.push_back(render_plot(spec, curves->deletion));
    spec.xlabel = "fraction of pixels inserted";
    spec.title = net + ", insertion: the most salient first, into a black image";
    panels.push_back(render_plot(spec, curves->insertion));
  }
  write_png(output / "faithfulness.png",
            add_title(tile(panels, 2, 8), "Is a saliency map faithful to the net?",
                      "the first " + std::to_string(N) + " test images (the CNN's preserve mask: "
                      "the first " + std::to_string(M) + "); lower deletion and higher "
                      "insertion curves are more faithful"));
}

// --- the spurious marker -------------------------------------------------------------------------

void with_marker(Mat& X) {
  for (Index n = 0; n < X.rows(); ++n) {
    for (int i = 0; i < kMarker; ++i) {
      for (int j = 0; j < kMarker; ++j) X(n, i * kSide + j) = 1.0;
    }
  }
}

void spurious_marker(const Options& o, const data::TrainVal& d, const data::Labeled& test,
                     const Mlp& clean, const std::vector<std::string>& names,
                     const fs::path& output) {
  const std::string& cls = names[kMarkerClass];
  std::printf("\nThe spurious marker: a %d x %d white square in the top-left corner of every "
              "training image of class %s\n",
              kMarker, kMarker, cls.c_str());
  data::TrainVal marked = d;
  for (Index n = 0; n < marked.train.X.rows(); ++n) {
    if (marked.train.y(n) != kMarkerClass) continue;
    Mat row = marked.train.X.row(n);
    with_marker(row);
    marked.train.X.row(n) = row;
  }
  for (Index n = 0; n < marked.val.X.rows(); ++n) {
    if (marked.val.y(n) != kMarkerClass) continue;
    Mat row = marked.val.X.row(n);
    with_marker(row);
    marked.val.X.row(n) = row;
  }
  const auto start = Clock::now();
  const Mlp spurious(train_mlp(marked, o.marker_epochs, 3).params);
  std::printf("  trained the MLP 784-128-64-10 on them, %d epochs (%.1f s)\n", o.marker_epochs,
              seconds_since(start));
  Mat test_marked = test.X;
  with_marker(test_marked);
  // the images of the other classes, with the marker
  std::vector<long> others;
  for (Index n = 0; n < test.y.size(); ++n) {
    if (test.y(n) != kMarkerClass) others.push_back(n);
  }
  const data::Labeled other = data::take_rows(test_marked, test.y, others);
  const Mat other_scores = scores_of(spurious, other.X);
  Index called = 0;
  for (Index n = 0; n < other.X.rows(); ++n) {
    Index best = 0;
    other_scores.row(n).maxCoeff(&best);
    called += best == kMarkerClass;
  }
  std::printf("  test accuracy, clean test images: this MLP %.4f, the MLP trained without the "
              "marker %.4f\n",
              accuracy_of(spurious, test.X, test.y), accuracy_of(clean, test.X, test.y));
  std::printf("  test accuracy with the marker on every test image: this MLP %.4f, the other "
              "%.4f\n",
              accuracy_of(spurious, test_marked, test.y), accuracy_of(clean, test_marked, test.y));
  std::printf("  images of the other classes called %s once marked: %.1f%%\n", cls.c_str(),
              100.0 * static_cast<double>(called) / static_cast<double>(other.X.rows()));
  // where the gradient saliency points: its share in the marker's square
  const std::vector<Index> rows = one_per_class(other.y, 10);
  Mat X(static_cast<Index>(rows.size()), other.X.cols());
  IVec t(static_cast<Index>(rows.size()));
  for (std::size_t k = 0; k < rows.size(); ++k) {
    X.row(static_cast<Index>(k)) = other.X.row(rows[k]);
    t(static_cast<Index>(k)) = kMarkerClass;
  }
  const Mat s_spurious = per_row_scaled(gradient_saliency(spurious, X, t));
  const Mat s_clean = per_row_scaled(gradient_saliency(clean, X, t));
  auto share = [](const Mat& s) {
    double in = 0;
    for (Index n = 0; n < s.rows(); ++n) {
      for (int i = 0; i < kMarker; ++i) in += s.row(n).segment(i * kSide, kMarker).sum();
    }
    return in / s.sum();
  };
  std::printf("  gradient saliency of the score of %s in the marker's %d pixels (2%% of the "
              "image): %.1f%% of the total for this MLP, %.1f%% for the other\n",
              cls.c_str(), kMarker * kMarker, 100.0 * share(s_spurious), 100.0 * share(s_clean));
  std::vector<Image> cells;
  std::vector<std::string> captions;
  const Mat p = scores_of(spurious, X);
  for (Index n = 0; n < X.rows(); ++n) {
    const Vec pb = target_probability(p.row(n), IVec::Constant(1, kMarkerClass));
    cells.push_back(from_grayscale(as_image(X.row(n)), 0.0, 1.0, kCell));
    char caption[96];
    std::snprintf(caption, sizeof caption, "%s, p(%s) = %.2f", names[other.y(rows[n])].c_str(),
                  cls.c_str(), pb(0));
    captions.push_back(caption);
    cells.push_back(from_heatmap(as_image(s_spurious.row(n)), 0.0, 1.0, kCell));
    captions.push_back("|ds/dx|, marker-trained");
    cells.push_back(from_heatmap(as_image(s_clean.row(n)), 0.0, 1.0, kCell));
    captions.push_back("|ds/dx|, clean-trained");
  }
  write_png(output / "spurious_marker.png",
            add_title(tile(cells, 6, 8, captions, 12),
                      "A spurious marker: every training " + cls + " had a white square top left",
                      "test images of the other classes with the marker; the saliency of the "
                      "score of " + cls + " for the MLP trained with and without the marker"));
}

// --- main ------------------------------------------------------------------------------------------

void run(const Options& o) {
  const fs::path output = o.output;
  fs::create_directories(output);
  auto start = Clock::now();
  data::Dataset raw = data::load_fashion_mnist();
  data::scale_in_place(raw.X_train, 1.0 / 255.0);
  data::scale_in_place(raw.X_test, 1.0 / 255.0);
  // the last 5000 training images validate, as in the backprop and conv demos (a tenth of a
  // smaller set)
  const long val = std::min<long>(5000, raw.X_train.rows() / 10);
  const data::TrainVal d = data::train_val_split(raw.X_train, raw.y_train, val);
  const data::Labeled test{raw.X_test, raw.y_test};
  const std::vector<std::string>& names = raw.class_names;
  std::printf("Fashion-MNIST: %ld training, %ld validation, %ld test images (%.1f s)\n",
              static_cast<long>(d.train.X.rows()), static_cast<long>(d.val.X.rows()),
              static_cast<long>(test.X.rows()), seconds_since(start));
  const std::unique_ptr<Mlp> mlp = load_mlp(o.mlp, d, output);
  const std::unique_ptr<Cnn> cnn = load_cnn(o.cnn, d, output);
  std::printf("test accuracy: MLP %.4f, CNN %.4f\n\n", accuracy_of(*mlp, test.X, test.y),
              accuracy_of(*cnn, test.X, test.y));

  // the lecture's figure: one test image per class, target = its label
  const std::vector<Index> rows = one_per_class(test.y, 10);
  Mat X(static_cast<Index>(rows.size()), test.X.cols());
  IVec t(static_cast<Index>(rows.size()));
  for (std::size_t k = 0; k < rows.size(); ++k) {
    X.row(static_cast<Index>(k)) = test.X.row(rows[k]);
    t(static_cast<Index>(k)) = test.y(rows[k]);
  }
  start = Clock::now();
  const Maps mlp_maps = maps_for(*mlp, nullptr, X, t);
  for (Index n : {7, 1, 0}) print_progress("MLP", names[t(n)], mlp_maps.preserve_run, n);
  write_figure(output / "saliency_mlp.png", "What the MLP looks at: one test image per class",
               "gradient |ds/dx| scaled per image; masks after 300 Adam steps (white = kept, "
               "gray = 0.5 where the image is black)",
               X, t, target_probability(mlp->scores(X), t), mlp_maps, names);
  const Maps cnn_maps = maps_for(*cnn, cnn.get(), X, t);
  print_progress("CNN", names[t(7)], cnn_maps.preserve_run, 7);
  write_figure(output / "saliency_cnn.png", "What the CNN looks at: one test image per class",
               "gradient |ds/dx| scaled per image; masks after 300 Adam steps (white = kept, "
               "gray = 0.5 where the image is black); Grad-CAM on conv2 and on the pool",
               X, t, target_probability(cnn->scores(X), t), cnn_maps, names);
  std::printf("maps of 10 images for both nets: %.1f s; wrote %s and %s\n", seconds_since(start),
              (output / "saliency_mlp.png").c_str(), (output / "saliency_cnn.png").c_str());

  faithfulness_studies(o, *mlp, *cnn, test, output);
  spurious_marker(o, d, test, *mlp, names, output);
  std::printf("\nwrote %s and %s\n", (output / "faithfulness.png").c_str(),
              (output / "spurious_marker.png").c_str());
}

}  // namespace

int main(int argc, char** argv) {
  // OpenBLAS's fastest kernels for this processor (it may run the program again for them)
  pg::use_this_processors_blas_kernels(argv);
  pg::reuse_freed_memory();
  // a line at a time into a file or a pipe too (make demo's log), not only on a terminal
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Options options;
  CLI::App app;
  app.name(std::filesystem::path(argv[0]).filename().string());
  add_options(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  try {
    auto start = Clock::now();
    run(options);
    std::printf("total %.1f s\n", seconds_since(start));
  } catch (const pg::NotImplemented& e) {
    std::fprintf(stderr,
                 "saliency_demo: %s.\nFill in the TODOs in assignments/saliency/saliency.cpp, then "
                 "run `make build` and this demo again (the handout's tables show what it should "
                 "print). A net missing from --mlp or --cnn is trained by your backprop "
                 "and conv code.\n",
                 e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "saliency_demo: %s\n", e.what());
    return 2;
  }
  return 0;
}
