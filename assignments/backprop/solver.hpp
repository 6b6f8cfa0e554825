// Assignment 3, the solver: minibatch training of any Model (model.hpp: the FullyConnectedNet of
// this assignment, the CNN of the next) with any update rule, learning-rate decay per epoch, loss
// history, train/validation accuracy per epoch, and the best parameters kept. You implement
// solver.cpp. This header is the contract; do not edit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backprop/fc_net.hpp"  // the MLP of this assignment (the solver itself needs Model only)
#include "backprop/model.hpp"

namespace pg::backprop {

struct SolverConfig {
  std::string update_rule = "sgd";  // sgd, sgd_momentum, rmsprop or adam (each with its defaults)
  double learning_rate = 1e-2;      // the rule's learning rate at epoch 1
  double lr_decay = 1.0;            // the learning rate is multiplied by this after every epoch
  int num_epochs = 10;
  int batch_size = 100;
  std::uint64_t seed = 0;           // the order of the examples in each epoch
  long num_train_samples = 1000;    // training accuracy is measured on the first this many rows
  bool progress = true;             // a progress bar on stderr, only when stderr is a terminal
};

struct TrainingHistory {
  std::vector<double> loss_history;       // (epochs * batches per epoch) the loss of every step
  std::vector<double> train_acc_history;  // (epochs) accuracy after each epoch
  std::vector<double> val_acc_history;    // (epochs)
  double best_val_acc = 0;
  Params best_params;                     // the parameters after the best epoch (first on a tie)
};

// Trains `net` in place and leaves it with the best parameters.
// Each epoch visits every training row once, in an order shuffled by a Fisher-Yates shuffle
// driven by std::mt19937_64(seed) (one generator for the whole run: for i = N-1 down to 1,
// j = std::uniform_int_distribution<long>(0, i)(rng), swap order[i] and order[j]). `order` is
// 0, 1, ..., N-1 before the first epoch only: each epoch shuffles the previous epoch's order
// again, in place (do not reset it). Batches are consecutive runs of batch_size rows of that
// order (the last one may be shorter). Every step: loss and gradients of the batch, then one
// update of every parameter by the rule, each parameter with a state of its own. After each
// epoch: record both accuracies (class = argmax of scores), keep the parameters if the validation
// accuracy is the best so far, multiply the learning rate by lr_decay.
// Requires: an update rule of the four; batch_size >= 1; num_epochs >= 1; the labels match X.
// Only net.params, net.scores and net.loss are used, so any Model trains the same way.
TrainingHistory train(Model& net, const Mat& X_train, const IVec& y_train, const Mat& X_val,
                      const IVec& y_val, const SolverConfig& config);

// The accuracy of the net on (X, y): the fraction of rows whose highest score is the label (the
// first highest on a tie).
double accuracy(const Model& net, const Mat& X, const IVec& y);

}  // namespace pg::backprop
