// The fully-connected net to and from a saved-weights file (the layout is in net_io.hpp).
#include "backprop/net_io.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/errors.hpp"
#include "common/weights.hpp"

namespace pg::backprop {

namespace {

// "W3" (built with append: GCC 12 warns falsely about "W" + std::to_string(3))
std::string weight(int layer) {
  std::string name = "W";
  name.append(std::to_string(layer));
  return name;
}

std::string real_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// metadata value `key` as a number, or a WeightsError naming the file
long number(const Weights& w, const std::string& key, const std::filesystem::path& path) {
  auto it = w.metadata.find(key);
  long v = 0;
  if (it == w.metadata.end()) {
    throw WeightsError("load_net: " + path.string() + " has no '" + key + "' metadata");
  }
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || end != it->second.data() + it->second.size() || v < 1) {
    throw WeightsError("load_net: " + path.string() + ": '" + key + "' is '" + it->second +
                       "', not a positive whole number");
  }
  return v;
}

std::vector<int> hidden_dims(const Weights& w, const std::filesystem::path& path) {
  auto it = w.metadata.find("hidden_dims");
  if (it == w.metadata.end()) {
    throw WeightsError("load_net: " + path.string() + " has no 'hidden_dims' metadata");
  }
  std::vector<int> dims;
  const std::string& s = it->second;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    int v = 0;
    auto [end, ec] = std::from_chars(s.data() + start, s.data() + comma, v);
    if (ec != std::errc() || end != s.data() + comma || v < 1) {
      throw WeightsError("load_net: " + path.string() + ": hidden_dims '" + s +
                         "' is not a comma-separated list of positive sizes");
    }
    dims.push_back(v);
    start = comma + 1;
  }
  return dims;
}

}  // namespace

void save_net(const std::filesystem::path& path, const FullyConnectedNet& net) {
  Weights w;
  w.metadata["model"] = "fc_net";
  const Mat& W1 = net.params.at("W1");
  std::string hidden;
  for (int i = 1; i < net.num_layers(); ++i) {
    if (i > 1) hidden += ",";
    hidden += std::to_string(net.params.at(weight(i)).cols());
  }
  w.metadata["hidden_dims"] = hidden;
  w.metadata["input_dim"] = std::to_string(W1.rows());
  w.metadata["num_classes"] = std::to_string(net.params.at(weight(net.num_layers())).cols());
  w.metadata["reg"] = real_text(net.reg());
  for (const auto& [name, value] : net.params) w.tensors[name] = tensor_of(value);
  save_weights(path, w);
}

FullyConnectedNet load_net(const std::filesystem::path& path) {
  const Weights w = load_weights(path);
  auto model = w.metadata.find("model");
  if (model == w.metadata.end() || model->second != "fc_net") {
    throw WeightsError("load_net: " + path.string() + " holds a '" +
                       (model == w.metadata.end() ? std::string("?") : model->second) +
                       "' model, not an fc_net (was it saved by the MLP demo?)");
  }
  const std::vector<int> hidden = hidden_dims(w, path);
  const long input_dim = number(w, "input_dim", path), classes = number(w, "num_classes", path);
  double reg = 0;
  if (auto it = w.metadata.find("reg"); it != w.metadata.end()) {
    char* end = nullptr;
    reg = std::strtod(it->second.c_str(), &end);
    if (it->second.empty() || *end != '\0' || !(reg >= 0)) {
      throw WeightsError("load_net: " + path.string() + ": reg is '" + it->second +
                         "', not a number >= 0");
    }
  }
  FullyConnectedNet net(hidden, static_cast<int>(input_dim), static_cast<int>(classes), reg, 1.0, 0);
  if (w.tensors.size() != net.params.size()) {
    throw WeightsError("load_net: " + path.string() + " has " + std::to_string(w.tensors.size()) +
                       " tensors; a net with " + std::to_string(hidden.size()) +
                       " hidden layers has " + std::to_string(net.params.size()));
  }
  for (auto& [name, value] : net.params) {
    auto it = w.tensors.find(name);
    if (it == w.tensors.end()) {
      throw WeightsError("load_net: " + path.string() + " has no tensor '" + name + "'");
    }
    const Mat& saved = it->second.values;
    if (it->second.shape.size() != 2 || saved.rows() != value.rows() || saved.cols() != value.cols()) {
      throw WeightsError("load_net: " + path.string() + ": '" + name + "' has shape " +
                         shape_str(saved.rows(), saved.cols()) + " but the metadata's sizes need " +
                         shape_str(value.rows(), value.cols()));
    }
    value = saved;
  }
  return net;
}

}  // namespace pg::backprop
