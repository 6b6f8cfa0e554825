// Saving and loading a trained FullyConnectedNet as a saved-weights file (common/weights.hpp):
// the MLP demo saves its net, the saliency assignment loads it. Written for you; not graded.
//
// The file's metadata: model = "fc_net", hidden_dims = "128,64" (comma-separated, empty for no
// hidden layer), input_dim, num_classes, reg (decimal text). Its tensors: every parameter by name
// ("W1" (D, H_1), "b1" (1, H_1), ...), each 2-d.
#pragma once

#include <filesystem>

#include "backprop/fc_net.hpp"

namespace pg::backprop {

void save_net(const std::filesystem::path& path, const FullyConnectedNet& net);

// The net saved in `path`, its parameters exactly as saved. Throws pg::WeightsError when the
// file is not a saved fc_net, or its tensors do not match the sizes its metadata gives.
FullyConnectedNet load_net(const std::filesystem::path& path);

}  // namespace pg::backprop
