// The MLP demo: the lecture's 784-128-64-10 ReLU net trained with Adam (1e-3, batch 64, 5 epochs)
// on Fashion-MNIST, per-epoch loss and accuracies, test accuracy, loss and accuracy curves as PNG.
// Saves the trained net to DIR/mlp.pgw (backprop/net_io.hpp) for the saliency assignment.
// Built twice: mlp_demo runs your backprop code, mlp_demo_reference the reference. Not graded.
//
//   mlp_demo [--epochs N] [--output DIR]   (mlp_demo --help)
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "backprop/net_io.hpp"
#include "backprop/solver.hpp"
#include "common/blas.hpp"
#include "common/errors.hpp"
#include "common/memory.hpp"
#include "common/plot.hpp"
#include "datasets/idx.hpp"

namespace {

using namespace pg;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void run(int epochs, const std::string& output) {
  auto start = Clock::now();
  data::Dataset d = data::load_fashion_mnist();
  // pixels to [0, 1], as the lecture's ToTensor(); the last 5000 training images validate
  d.X_train /= 255.0;
  d.X_test /= 255.0;
  const long val = 5000, train = d.X_train.rows() - val;
  const Mat X_train = d.X_train.topRows(train), X_val = d.X_train.bottomRows(val);
  const IVec y_train = d.y_train.head(train), y_val = d.y_train.tail(val);
  std::printf("Fashion-MNIST: %ld training, %ld validation, %ld test images (%.1f s)\n", train, val,
              static_cast<long>(d.X_test.rows()), since(start));

  backprop::FullyConnectedNet net({128, 64}, 784, 10, 0.0, 0.05, 0);
  backprop::SolverConfig c;
  c.update_rule = "adam";
  c.learning_rate = 1e-3;
  c.num_epochs = epochs;
  c.batch_size = 64;
  c.seed = 0;
  c.num_train_samples = 5000;
  start = Clock::now();
  backprop::TrainingHistory h = backprop::train(net, X_train, y_train, X_val, y_val, c);
  const double seconds = since(start);
  const std::size_t per_epoch = h.loss_history.size() / static_cast<std::size_t>(epochs);
  std::printf("\nepoch   mean loss   train acc   val acc\n");
  for (int e = 0; e < epochs; ++e) {
    double sum = 0;
    for (std::size_t i = 0; i < per_epoch; ++i) sum += h.loss_history[e * per_epoch + i];
    std::printf("%5d   %9.4f   %9.4f   %7.4f\n", e + 1, sum / static_cast<double>(per_epoch),
                h.train_acc_history[e], h.val_acc_history[e]);
  }
  std::printf("training: %.1f s, %.2f s per epoch\n", seconds, seconds / epochs);
  const double test_acc = backprop::accuracy(net, d.X_test, d.y_test);
  std::printf("test accuracy (best epoch by validation): %.4f\n", test_acc);

  // the trained weights for later assignments, read back to check them
  std::filesystem::create_directories(output);
  const std::filesystem::path weights = std::filesystem::path(output) / "mlp.pgw";
  backprop::save_net(weights, net);
  const double reloaded = backprop::accuracy(backprop::load_net(weights), d.X_test, d.y_test);
  if (reloaded != test_acc) throw std::runtime_error("the reloaded net scores differently");
  std::printf("saved the trained weights to %s (%ju bytes)\n", weights.c_str(),
              static_cast<std::uintmax_t>(std::filesystem::file_size(weights)));

  PlotSpec ls;
  ls.title = "MLP 784-128-64-10 on Fashion-MNIST: training loss";
  ls.subtitle = "Adam, learning rate 1e-3, batch 64";
  ls.xlabel = "epoch";
  ls.ylabel = "cross-entropy loss";
  ls.ymin = 0.0;
  write_plot_png(std::filesystem::path(output) / "mlp_loss.png", ls,
                 minibatch_loss_curves(h.loss_history, per_epoch));
  Series tr{"train (5000 images)", {}, {}, {}}, va{"validation", {}, {}, {}};
  for (int e = 0; e < epochs; ++e) {
    tr.x.push_back(e + 1);
    tr.y.push_back(h.train_acc_history[e]);
    va.x.push_back(e + 1);
    va.y.push_back(h.val_acc_history[e]);
  }
  PlotSpec as;
  as.title = "MLP on Fashion-MNIST: accuracy per epoch";
  as.xlabel = "epoch";
  as.ylabel = "accuracy";
  write_plot_png(std::filesystem::path(output) / "mlp_accuracy.png", as, {tr, va});
  std::printf("wrote %s/mlp_loss.png and mlp_accuracy.png\n", output.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  // OpenBLAS's fastest kernels for this processor (it may run the program again for them)
  pg::use_this_processors_blas_kernels(argv);
  pg::reuse_freed_memory();
  int epochs = 5;
  std::string output = "out/backprop";
  CLI::App app{
      "The MLP demo: the lecture's 784-128-64-10 ReLU net trained with Adam (1e-3, batch 64) on "
      "Fashion-MNIST; prints loss and accuracies per epoch and the test accuracy, writes "
      "OUTPUT/mlp_loss.png and OUTPUT/mlp_accuracy.png, and saves the trained net to "
      "OUTPUT/mlp.pgw for the saliency assignment."};
  app.name(std::filesystem::path(argv[0]).filename().string());
  app.add_option("--epochs", epochs, "training epochs")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--output", output, "folder for the PNGs and the weights (created if missing)")
      ->capture_default_str();
  app.footer(
      "Environment: PIXELGRAD_DATA, a folder holding Fashion-MNIST's four IDX files (else "
      "datasets/data/ or Debian's dataset-fashion-mnist).");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  try {
    run(epochs, output);
  } catch (const pg::NotImplemented& e) {
    std::fprintf(stderr,
                 "mlp_demo: %s.\nFill in the TODOs in assignments/backprop/*.cpp, then run `make "
                 "build` and this demo again (the handout's tables show what it should print).\n",
                 e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mlp_demo: %s\n", e.what());
    return 2;
  }
  return 0;
}
