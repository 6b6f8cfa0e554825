// The conv demo: the lectures' classic kernels applied to Fashion-MNIST images; the lecture's CNN
// trained by the solver of assignment 3 (per-epoch loss, test accuracy, loss curve, first-layer
// filters, the net saved to DIR/cnn.pgw for the saliency assignment); and the lecture's shift table
// for the MLP, the MLP trained on randomly shifted images, and the CNN, printed and plotted.
// Built twice: cnn_demo runs your conv and backprop code, cnn_demo_reference the reference.
// Not graded: the grader never runs this file.
//
//   cnn_demo [--epochs N] [--mlp-epochs N] [--train N] [--val N] [--test N] [--output DIR]
//   (cnn_demo --help)
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "backprop/fc_net.hpp"
#include "backprop/solver.hpp"
#include "common/blas.hpp"
#include "common/errors.hpp"
#include "common/image.hpp"
#include "common/memory.hpp"
#include "common/plot.hpp"
#include "common/tensor.hpp"
#include "common/weights.hpp"
#include "conv/cnn.hpp"
#include "conv/conv.hpp"
#include "datasets/idx.hpp"
#include "datasets/preprocess.hpp"

namespace {

using namespace pg;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  int epochs = 1;      // the CNN's
  int mlp_epochs = 5;  // each MLP's, as the lecture trains it
  long train = 55000, val = 5000, test = 10000;
  std::string output = "out/conv";
};

// the lecture's training: Adam with learning rate 1e-3, minibatches of 64
constexpr double kLearningRate = 1e-3;
constexpr int kBatch = 64;
constexpr std::uint64_t kSeed = 0;
// training accuracy after each epoch is measured on this many training images
constexpr long kTrainAccuracyRows = 5000;
// the shift table's shifts, -kMaxShift..kMaxShift, and the random shifts of the shift-trained MLP
constexpr int kMaxShift = 5;
// the shift-trained MLP draws its shifts from std::mt19937_64(kShiftSeed)
constexpr std::uint64_t kShiftSeed = 1;
// rows the CNN scores at once
constexpr Eigen::Index kScoreRows = 250;
// the kernel grid: the first test image of each of these classes (Ankle boot, Pullover, Sneaker,
// Bag), each pixel drawn as a kCellScale x kCellScale block
const std::vector<int> kKernelClasses = {9, 2, 7, 8};
constexpr int kCellScale = 5;

void add_options(CLI::App& app, Options& o) {
  app.description(
      "The conv demo: the lectures' classic kernels on Fashion-MNIST images "
      "(OUTPUT/conv_kernels.png); the lecture's CNN trained with Adam (1e-3, batch 64), its loss "
      "per epoch and test accuracy, its loss curve (OUTPUT/cnn_loss.png) and first-layer filters "
      "(OUTPUT/cnn_filters.png), the trained net saved to OUTPUT/cnn.pgw for the saliency "
      "assignment; then the lecture's shift table, test accuracy for horizontal shifts -5..+5 of "
      "the MLP 784-128-64-10, the same MLP trained on randomly shifted images and the CNN "
      "(OUTPUT/shift_accuracy.png).");
  app.add_option("--epochs", o.epochs, "the CNN's training epochs (the lecture trains 5)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--mlp-epochs", o.mlp_epochs, "each MLP's training epochs")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--train", o.train, "training images (the first of the training set)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--val", o.val, "validation images (the next ones, after --train)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--test", o.test, "test images (the first of the test set)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--output", o.output, "folder for the PNGs and the weights (created if missing)")
      ->capture_default_str();
  app.footer(
      "Environment: PIXELGRAD_DATA, a folder holding Fashion-MNIST's four IDX files (else "
      "datasets/data/ or Debian's dataset-fashion-mnist).");
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The lecture's CNN, scoring kScoreRows images at a time: the solver's accuracy checks score
// thousands of images in one call, and the net holds about a megabyte per image in its forward
// pass (cnn.hpp). The same parameters, loss and scores.
class BatchedConvNet : public conv::ConvNet {
 public:
  using conv::ConvNet::ConvNet;
  Mat scores(const Mat& X) const override {
    if (X.rows() <= kScoreRows) return conv::ConvNet::scores(X);
    Mat s(X.rows(), config().num_classes);
    for (Eigen::Index start = 0; start < X.rows(); start += kScoreRows) {
      const Eigen::Index rows = std::min(kScoreRows, X.rows() - start);
      s.middleRows(start, rows) = conv::ConvNet::scores(X.middleRows(start, rows));
    }
    return s;
  }
};

// The MLP that must learn shift invariance from data: every minibatch it is trained on is moved
// first, each image by its own shift drawn uniformly from -kMaxShift..kMaxShift, fresh draws at
// every step; scores see the images as they are.
class ShiftTrainedNet : public backprop::FullyConnectedNet {
 public:
  ShiftTrainedNet(backprop::FullyConnectedNet net, int height, int width, std::uint64_t seed)
      : backprop::FullyConnectedNet(std::move(net)), height_(height), width_(width), rng_(seed) {}
  backprop::NetLossGrads loss(const Mat& X, const IVec& y) const override {
    std::uniform_int_distribution<int> shift(-kMaxShift, kMaxShift);
    Mat moved(X.rows(), X.cols());
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      const Eigen::Map<const Mat> image(X.row(i).data(), height_, width_);
      Eigen::Map<Mat>(moved.row(i).data(), height_, width_) = conv::shift_image(image, shift(rng_));
    }
    return backprop::FullyConnectedNet::loss(moved, y);
  }

 private:
  int height_, width_;
  mutable std::mt19937_64 rng_;
};

// The splits: pixels / 255 (the lecture's ToTensor(), no other normalization), training rows
// 0..train-1, validation the next val rows, test the first `test` test images.
struct Splits {
  data::Labeled train, val, test;
  std::vector<std::string> class_names;
  int height = 0, width = 0;
};

Splits load(const Options& o) {
  data::Dataset d = data::load_fashion_mnist(o.train + o.val, o.test);
  if (d.X_train.rows() < o.train + o.val || d.X_test.rows() < o.test) {
    throw std::invalid_argument("--train + --val = " + std::to_string(o.train + o.val) +
                                " and --test = " + std::to_string(o.test) + " but the data holds " +
                                std::to_string(d.X_train.rows()) + " training and " +
                                std::to_string(d.X_test.rows()) + " test images");
  }
  data::scale_in_place(d.X_train, 1.0 / 255.0);
  data::scale_in_place(d.X_test, 1.0 / 255.0);
  data::TrainVal split = data::train_val_split(d.X_train, d.y_train, o.val);
  return {std::move(split.train),
          std::move(split.val),
          {std::move(d.X_test), d.y_test},
          d.class_names,
          d.height,
          d.width};
}

// One column of the kernel grid: a filter of an (H, W) image to (H, W), and how it is drawn.
enum class Range { image, signed_, magnitude };
struct Filter {
  std::string name;
  std::function<Mat(const Mat&)> apply;
  // image: 0 (black) .. 1 (white), clamped, the original's scale; signed_: -m .. 0 (mid-gray) ..
  // +m; magnitude: 0 .. m; m is write_kernel_grid's, one per column
  Range range;
};

// the kernel slid with pad = half its size, so that the output has the image's shape
std::function<Mat(const Mat&)> same(Mat kernel) {
  return [kernel](const Mat& image) {
    return conv::convolve2d(image, kernel, 1, static_cast<int>(kernel.rows() / 2));
  };
}

std::vector<Filter> lecture_filters() {
  namespace k = conv::kernels;
  return {{"identity", same(k::identity()), Range::image},
          {"edges, 4-nbr", same(k::edge_detection_4()), Range::signed_},
          {"edges, 8-nbr", same(k::edge_detection_8()), Range::signed_},
          {"sharpen", same(k::sharpen()), Range::image},
          {"box blur", same(k::box_blur()), Range::image},
          {"Gaussian 3x3", same(k::gaussian_blur_3x3()), Range::image},
          {"Gaussian 5x5", same(k::gaussian_blur_5x5()), Range::image},
          {"unsharp 5x5", same(k::unsharp_masking_5x5()), Range::image},
          {"Sobel magnitude", conv::sobel_magnitude, Range::magnitude}};
}

// The kernel grid: one row per image, one column per filter, the filters' names above the
// columns and each image's class under its first cell.
void write_kernel_grid(const fs::path& path, const Splits& s) {
  std::vector<Eigen::Index> rows;
  for (int c : kKernelClasses) {
    for (Eigen::Index i = 0; i < s.test.y.size(); ++i) {
      if (s.test.y(i) == c) {
        rows.push_back(i);
        break;
      }
    }
  }
  if (rows.empty()) rows.push_back(0);
  const std::vector<Filter> filters = lecture_filters();
  const std::size_t F = filters.size();
  // outputs[r][f]: filter f on image r
  std::vector<std::vector<Mat>> outputs(rows.size());
  // m of each column: the 99th percentile of |value| over its cells, so that a few extreme pixels
  // (drawn black or white) do not gray out the rest
  std::vector<double> column_m(F, 1.0);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const Eigen::Map<const Mat> image(s.test.X.row(rows[r]).data(), s.height, s.width);
    for (std::size_t f = 0; f < F; ++f) outputs[r].push_back(filters[f].apply(image));
  }
  for (std::size_t f = 0; f < F; ++f) {
    std::vector<double> magnitudes;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      for (Eigen::Index i = 0; i < outputs[r][f].size(); ++i) {
        magnitudes.push_back(std::abs(outputs[r][f].data()[i]));
      }
    }
    auto at = magnitudes.begin() + static_cast<std::ptrdiff_t>(0.99 * (magnitudes.size() - 1));
    std::nth_element(magnitudes.begin(), at, magnitudes.end());
    if (*at > 0) column_m[f] = *at;
  }
  const double caption_size = 13;
  std::vector<Image> cells;
  std::vector<std::string> captions;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t f = 0; f < F; ++f) {
      const double m = column_m[f];
      const Mat& out = outputs[r][f];
      switch (filters[f].range) {
        case Range::image:
          cells.push_back(from_grayscale(out, 0.0, 1.0, kCellScale));
          break;
        case Range::signed_:
          cells.push_back(from_grayscale(out, -m, m, kCellScale));
          break;
        case Range::magnitude:
          cells.push_back(from_grayscale(out, 0.0, m, kCellScale));
          break;
      }
      captions.push_back(f == 0 ? s.class_names[s.test.y(rows[r])] : "");
    }
  }
  const int padding = 8;
  const Image grid = tile(cells, static_cast<int>(F), padding, captions, caption_size);
  // tile's cell width (image.hpp), to centre each filter's name over its column
  int cell_w = cells.front().width;
  for (const std::string& c : captions) cell_w = std::max(cell_w, text_width(c, caption_size));
  const int band = text_height(caption_size) + 6;
  Image body(grid.width, band + grid.height);
  for (std::size_t f = 0; f < F; ++f) {
    const int x = padding + static_cast<int>(f) * (cell_w + padding);
    const int w = text_width(filters[f].name, caption_size, true);
    draw_text(body, x + (cell_w - w) / 2, 4, filters[f].name, kBlack, caption_size, true);
  }
  blit(body, grid, 0, band);
  write_png(path, add_title(body, "The lectures' classic kernels on Fashion-MNIST",
                            "convolve2d, stride 1, zero padding that keeps 28 x 28; blurs and "
                            "sharpening on the image's scale 0..1, edges -m..m (gray = 0), "
                            "Sobel 0..m; m per column (1% of pixels beyond)"));
}

// The lecture's per-epoch lines, the mean minibatch loss of each epoch, with the accuracies the
// solver measured after it.
void print_epochs(const backprop::TrainingHistory& h, int epochs) {
  const std::size_t per_epoch = h.loss_history.size() / static_cast<std::size_t>(epochs);
  for (int e = 0; e < epochs; ++e) {
    double sum = 0;
    for (std::size_t i = 0; i < per_epoch; ++i) sum += h.loss_history[e * per_epoch + i];
    std::printf("Epoch %d/%d, Training Loss: %.4f   train accuracy %.4f, validation %.4f\n", e + 1,
                epochs, sum / static_cast<double>(per_epoch), h.train_acc_history[e],
                h.val_acc_history[e]);
  }
}

backprop::SolverConfig lecture_solver(int epochs) {
  backprop::SolverConfig c;
  c.update_rule = "adam";
  c.learning_rate = kLearningRate;
  c.num_epochs = epochs;
  c.batch_size = kBatch;
  c.seed = kSeed;
  c.num_train_samples = kTrainAccuracyRows;
  return c;
}

void write_loss_plot(const fs::path& path, const backprop::TrainingHistory& h, int epochs) {
  const std::size_t per_epoch = h.loss_history.size() / static_cast<std::size_t>(epochs);
  const std::vector<Series> curves = minibatch_loss_curves(h.loss_history, per_epoch);
  PlotSpec spec;
  spec.title = "The lecture's CNN on Fashion-MNIST: training loss";
  spec.subtitle = "Adam, learning rate 1e-3, batch 64";
  spec.xlabel = "epoch";
  spec.ylabel = "cross-entropy loss";
  spec.ymin = 0.0;
  write_plot_png(path, spec, curves);
}

// conv1's filters (F1, C*9), each drawn as its first channel's 3 x 3 weights (the only one for
// gray images) on one gray scale -m..m
Image filter_grid(const Mat& W1, double m) {
  std::vector<Image> cells;
  for (Eigen::Index f = 0; f < W1.rows(); ++f) {
    const Eigen::Map<const Mat> filter(W1.row(f).data(), 3, 3);
    cells.push_back(from_grayscale(filter, -m, m, 14));
  }
  return tile(cells, 8, 4);
}

void write_filters(const fs::path& path, const Mat& W1_init, const Mat& W1, int epochs) {
  const double m = std::max(W1_init.cwiseAbs().maxCoeff(), W1.cwiseAbs().maxCoeff());
  const std::string after =
      "after " + std::to_string(epochs) + (epochs == 1 ? " epoch" : " epochs");
  Image panels =
      tile({filter_grid(W1_init, m), filter_grid(W1, m)}, 2, 16, {"at initialization", after}, 14);
  ColorBar bar;
  bar.lo = -m;
  bar.hi = m;
  bar.label = "weight";
  write_png(path, add_title(add_colorbar(panels, bar),
                            "The CNN's first-layer filters: conv1, " + std::to_string(W1.rows()) +
                                " filters of 3 x 3",
                            "W1 row by row, one gray scale for both panels (mid-gray = 0)"));
}

// The trained CNN as a saved-weights file (common/weights.hpp) for the saliency assignment.
// Metadata: model = "conv_net"; channels, height, width, filters1, filters2, hidden, num_classes
// (whole numbers, ConvNetConfig's fields); reg (decimal text). Tensors: the eight parameters by
// their names in cnn.hpp, each 2-d with the parameter's shape:
//   "W1" (F1, C*3*3)  "b1" (1, F1)  "W2" (F2, F1*3*3)  "b2" (1, F2)
//   "W3" (F2*(H/2)*(W/2), M)  "b3" (1, M)  "W4" (M, K)  "b4" (1, K)
// so that a ConvNet built from the metadata takes them as its params unchanged.
void save_cnn(const fs::path& path, const conv::ConvNet& net) {
  const conv::ConvNetConfig& c = net.config();
  Weights w;
  w.metadata["model"] = "conv_net";
  w.metadata["channels"] = std::to_string(c.channels);
  w.metadata["height"] = std::to_string(c.height);
  w.metadata["width"] = std::to_string(c.width);
  w.metadata["filters1"] = std::to_string(c.filters1);
  w.metadata["filters2"] = std::to_string(c.filters2);
  w.metadata["hidden"] = std::to_string(c.hidden);
  w.metadata["num_classes"] = std::to_string(c.num_classes);
  char reg[32];
  std::snprintf(reg, sizeof reg, "%.17g", c.reg);
  w.metadata["reg"] = reg;
  for (const auto& [name, value] : net.params) w.tensors[name] = tensor_of(value);
  save_weights(path, w);
  // read back: every tensor as saved, bit for bit
  const Weights back = load_weights(path);
  for (const auto& [name, value] : net.params) {
    auto it = back.tensors.find(name);
    if (it == back.tensors.end() || it->second.values != value) {
      throw std::runtime_error(path.string() + ": " + name + " does not read back as saved");
    }
  }
}

// Whether your fast layers are written: one tiny forward and backward pass of each.
bool fast_layers_written() {
  try {
    Tensor4 x(1, 1, 4, 4), w(1, 1, 3, 3);
    x.setConstant(1.0);
    w.setConstant(1.0);
    const conv::ConvForward c = conv::conv_forward_fast(x, w, Vec::Zero(1), 1, 1);
    conv::conv_backward_fast(c.out, c.cache);
    const conv::MaxPoolForward p = conv::max_pool_forward_fast(x, 2, 2, 2);
    conv::max_pool_backward_fast(p.out, p.cache);
    return true;
  } catch (const NotImplemented&) {
    return false;
  }
}

void run(const Options& o) {
  auto start = Clock::now();
  const Splits s = load(o);
  std::printf(
      "Fashion-MNIST: %ld training, %ld validation, %ld test images, pixels / 255 (%.1f s)\n",
      static_cast<long>(s.train.X.rows()), static_cast<long>(s.val.X.rows()),
      static_cast<long>(s.test.X.rows()), seconds_since(start));
  fs::create_directories(o.output);
  const fs::path out(o.output);

  write_kernel_grid(out / "conv_kernels.png", s);
  std::printf("wrote %s\n", (out / "conv_kernels.png").c_str());

  // the lecture's CNN
  conv::ConvNetConfig config;
  config.height = s.height;
  config.width = s.width;
  config.num_classes = static_cast<int>(s.class_names.size());
  config.seed = kSeed;
  config.fast = fast_layers_written();
  if (!config.fast) {
    std::printf(
        "\nthe fast conv and pool layers (extra credit) are not written yet: the CNN trains on "
        "the naive ones, which takes far longer (--train 2000 --test 1000 makes it shorter)\n");
  }
  BatchedConvNet cnn(config);
  const Mat W1_init = cnn.params.at("W1");
  std::printf(
      "\nthe lecture's CNN: conv(1->%d, 3x3, pad 1) - ReLU - conv(%d->%d) - ReLU - "
      "max-pool 2x2 - affine(%d->%d) - ReLU - affine(%d->%d), %s layers; Adam 1e-3, "
      "batch 64, %d %s\n",
      config.filters1, config.filters1, config.filters2,
      config.filters2 * (config.height / 2) * (config.width / 2), config.hidden, config.hidden,
      config.num_classes, config.fast ? "fast" : "naive", o.epochs,
      o.epochs == 1 ? "epoch" : "epochs");
  start = Clock::now();
  const backprop::TrainingHistory h =
      backprop::train(cnn, s.train.X, s.train.y, s.val.X, s.val.y, lecture_solver(o.epochs));
  const double seconds = seconds_since(start);
  print_epochs(h, o.epochs);
  std::printf("training: %.1f s, %.1f s per epoch (with the accuracy checks)\n", seconds,
              seconds / o.epochs);
  start = Clock::now();
  const double test_acc = backprop::accuracy(cnn, s.test.X, s.test.y);
  std::printf("test accuracy (best epoch by validation): %.4f on %ld images (%.1f s)\n", test_acc,
              static_cast<long>(s.test.X.rows()), seconds_since(start));
  save_cnn(out / "cnn.pgw", cnn);
  std::printf("saved the trained CNN to %s (%ju bytes)\n", (out / "cnn.pgw").c_str(),
              static_cast<std::uintmax_t>(fs::file_size(out / "cnn.pgw")));
  write_loss_plot(out / "cnn_loss.png", h, o.epochs);
  const Mat& W1 = cnn.params.at("W1");
  write_filters(out / "cnn_filters.png", W1_init, W1, o.epochs);
  std::printf("wrote %s and cnn_filters.png (conv1's filters moved %.0f%% from their start)\n",
              (out / "cnn_loss.png").c_str(), 100.0 * (W1 - W1_init).norm() / W1_init.norm());

  // the MLPs of the shift table, both trained as the MLP demo trains its net
  const int D = s.height * s.width, K = static_cast<int>(s.class_names.size());
  const backprop::FullyConnectedNet init({128, 64}, D, K, 0.0, 0.05, kSeed);
  backprop::FullyConnectedNet mlp = init;
  ShiftTrainedNet shifted(init, s.height, s.width, kShiftSeed);
  const std::pair<backprop::FullyConnectedNet*, const char*> mlps[] = {
      {&mlp, "MLP 784-128-64-10"},
      {&shifted, "the same MLP trained on images shifted by a random -5..+5 pixels"}};
  for (const auto& [net, name] : mlps) {
    std::printf("\n%s: Adam 1e-3, batch 64, %d %s\n", name, o.mlp_epochs,
                o.mlp_epochs == 1 ? "epoch" : "epochs");
    start = Clock::now();
    const backprop::TrainingHistory hm =
        backprop::train(*net, s.train.X, s.train.y, s.val.X, s.val.y, lecture_solver(o.mlp_epochs));
    print_epochs(hm, o.mlp_epochs);
    std::printf("training: %.1f s\n", seconds_since(start));
  }

  // the lecture's table
  const std::vector<const backprop::Model*> models = {&mlp, &shifted, &cnn};
  std::vector<Series> curves = {{"MLP", {}, {}, {}},
                                {"MLP trained on random shifts (-5..+5)", {}, {}, {}},
                                {"CNN", {}, {}, {}}};
  std::printf("\ntest accuracy on images shifted horizontally (> 0: to the right), %ld images\n",
              static_cast<long>(s.test.X.rows()));
  std::printf("shift       MLP   MLP, shifted training       CNN\n");
  start = Clock::now();
  for (int shift = -kMaxShift; shift <= kMaxShift; ++shift) {
    std::printf("%+5d", shift);
    for (std::size_t m = 0; m < models.size(); ++m) {
      const double acc =
          conv::evaluate_on_shift(*models[m], s.test.X, s.test.y, shift, s.height, s.width);
      curves[m].x.push_back(shift);
      curves[m].y.push_back(acc);
      std::printf(m == 1 ? "   %20.2f%%" : "   %6.2f%%", 100.0 * acc);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  std::printf("(%.1f s)\n", seconds_since(start));
  PlotSpec spec;
  spec.title = "Accuracy on shifted test images: the lecture's shift experiment";
  spec.subtitle = "Fashion-MNIST, each test image moved horizontally, zero fill";
  spec.xlabel = "shift in pixels (> 0: to the right)";
  spec.ylabel = "test accuracy";
  spec.ymin = 0.0;
  spec.ymax = 1.0;
  write_plot_png(out / "shift_accuracy.png", spec, curves);
  std::printf("wrote %s\n", (out / "shift_accuracy.png").c_str());
}

}  // namespace

int main(int argc, char** argv) {
  // OpenBLAS's fastest kernels for this processor (it may run the program again for them)
  pg::use_this_processors_blas_kernels(argv);
  pg::reuse_freed_memory();
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
                 "cnn_demo: %s.\nFill in the TODOs in assignments/conv/*.cpp (the CNN also needs "
                 "your assignments/backprop/*.cpp), then run `make build` and this demo again "
                 "(the handout's tables show what it should print).\n",
                 e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cnn_demo: %s\n", e.what());
    return 2;
  }
  return 0;
}
