// Runner-side calls for assignment 4 (conv): convolve2d and the named kernels, the conv and
// max-pool layers (naive and fast) and their sandwiches with an upstream gradient, the errors a
// layer must raise, shift_image and evaluate_on_shift, and the CNN's init, loss and training by
// the student's own solver. Images and filter banks travel as matrices, one image or filter per
// row (common/tensor.hpp's flatten), with their sizes beside them.
// Not the inputs or the checks (grader/src/cases/conv.cpp).
#include <stdexcept>

#include "backprop/solver.hpp"
#include "calls.hpp"
#include "common/tensor.hpp"
#include "conv/cnn.hpp"
#include "conv/conv.hpp"

namespace pg::harness {

namespace {

using namespace pg::conv;
using wire::Bundle;

int integer(const Bundle& in, const char* name) { return static_cast<int>(in.integer(name)); }
Vec vec(const Mat& row) { return Vec(Eigen::Map<const Vec>(row.data(), row.size())); }
Mat row(const Vec& v) { return Mat(v.transpose()); }

// x: (N, C*H*W) with C, H, W; w: (F, C*HH*WW) with HH, WW
Tensor4 images(const Bundle& in) {
  return unflatten(in.mat("x"), in.integer("C"), in.integer("H"), in.integer("W"));
}
Tensor4 filters(const Bundle& in) {
  return unflatten(in.mat("w"), in.integer("C"), in.integer("HH"), in.integer("WW"));
}
// dout: (N, F*H'*W') with the sizes the forward pass gave (the grader sends H' and W')
Tensor4 upstream(const Bundle& in, long channels) {
  return unflatten(in.mat("dout"), channels, in.integer("Hout"), in.integer("Wout"));
}

Bundle conv_outputs(const Tensor4& out, const ConvGrads& g) {
  Bundle o;
  o.put("out", flatten(out));
  o.put("dx", flatten(g.dx));
  o.put("dw", flatten(g.dw));
  o.put("db", row(g.db));
  return o;
}

template <class Forward, class Backward>
Bundle conv_layer(const Bundle& in, Forward forward, Backward backward) {
  const Tensor4 w = filters(in);
  auto f = forward(images(in), w, vec(in.mat("b")), integer(in, "stride"), integer(in, "pad"));
  const auto g = backward(upstream(in, w.dimension(0)), f.cache);
  return conv_outputs(f.out, g);
}

template <class Forward, class Backward>
Bundle pool_layer(const Bundle& in, Forward forward, Backward backward) {
  const Tensor4 x = images(in);
  auto f = forward(x, integer(in, "pool_h"), integer(in, "pool_w"), integer(in, "pool_stride"));
  const auto g = backward(upstream(in, x.dimension(1)), f.cache);
  Bundle o;
  o.put("out", flatten(f.out));
  o.put("dx", flatten(g.dx));
  return o;
}

// the CNN of the case's sizes, with the parameters the grader sent when it sent them
ConvNet net_of(const Bundle& in, bool fast) {
  ConvNetConfig c;
  c.channels = integer(in, "C");
  c.height = integer(in, "H");
  c.width = integer(in, "W");
  c.filters1 = integer(in, "filters1");
  c.filters2 = integer(in, "filters2");
  c.hidden = integer(in, "hidden");
  c.num_classes = integer(in, "num_classes");
  c.reg = in.real("reg");
  c.seed = static_cast<std::uint64_t>(in.integer("seed"));
  c.fast = fast;
  ConvNet net(c);
  for (auto& [name, value] : net.params) {
    if (in.has(name)) value = in.mat(name);
  }
  return net;
}

// a fixed linear classifier, scores = X W + b, for evaluate_on_shift without the student's CNN
class LinearModel : public backprop::Model {
 public:
  LinearModel(const Mat& W, const Mat& b) {
    params["W"] = W;
    params["b"] = b;
  }
  Mat scores(const Mat& X) const override {
    Mat s = X * params.at("W");
    s.rowwise() += params.at("b").row(0);
    return s;
  }
  backprop::NetLossGrads loss(const Mat&, const IVec&) const override {
    throw std::logic_error("the shift test's model is not trained");
  }
};

}  // namespace

void register_calls(CallTable& t) {
  t.add("conv.convolve2d", [](const Bundle& in) {
    Bundle o;
    o.put("out", convolve2d(in.mat("image"), in.mat("kernel"), integer(in, "stride"),
                            integer(in, "pad")));
    return o;
  });
  t.add("conv.kernels", [](const Bundle& in) {
    Bundle o;
    o.put("identity", kernels::identity());
    o.put("edge_detection_4", kernels::edge_detection_4());
    o.put("edge_detection_8", kernels::edge_detection_8());
    o.put("sharpen", kernels::sharpen());
    o.put("box_blur", kernels::box_blur());
    o.put("gaussian_blur_3x3", kernels::gaussian_blur_3x3());
    o.put("gaussian_blur_5x5", kernels::gaussian_blur_5x5());
    o.put("gaussian_blur_273", kernels::gaussian_blur_273());
    o.put("unsharp_masking_5x5", kernels::unsharp_masking_5x5());
    o.put("sobel_x", kernels::sobel_x());
    o.put("sobel_y", kernels::sobel_y());
    o.put("sobel_magnitude", sobel_magnitude(in.mat("image")));
    return o;
  });
  t.add("conv.conv_naive", [](const Bundle& in) {
    return conv_layer(in, conv_forward_naive, conv_backward_naive);
  });
  t.add("conv.conv_fast", [](const Bundle& in) {
    return conv_layer(in, conv_forward_fast, conv_backward_fast);
  });
  t.add("conv.max_pool_naive", [](const Bundle& in) {
    return pool_layer(in, max_pool_forward_naive, max_pool_backward_naive);
  });
  t.add("conv.max_pool_fast", [](const Bundle& in) {
    return pool_layer(in, max_pool_forward_fast, max_pool_backward_fast);
  });
  t.add("conv.conv_relu", [](const Bundle& in) {
    return conv_layer(in, conv_relu_forward, conv_relu_backward);
  });
  t.add("conv.conv_relu_pool", [](const Bundle& in) {
    const Tensor4 w = filters(in);
    auto f = conv_relu_pool_forward(images(in), w, vec(in.mat("b")), integer(in, "stride"),
                                    integer(in, "pad"), integer(in, "pool_h"),
                                    integer(in, "pool_w"), integer(in, "pool_stride"));
    return conv_outputs(f.out, conv_relu_pool_backward(upstream(in, w.dimension(0)), f.cache));
  });
  // A layer handed sizes that do not tile must throw std::invalid_argument: "threw" is 1 if it
  // did, 0 if it returned. Anything else it throws goes up as usual. The layer must also work on
  // sizes that tile (stride 1, no padding), so that the argument checks written for the student
  // earn nothing alone: a layer still a TODO is not_implemented here too.
  t.add("conv.rejects", [](const Bundle& in) {
    const std::string& layer = in.text("layer");
    if (layer == "max_pool_forward_naive") {
      max_pool_forward_naive(images(in), integer(in, "pool_h"), integer(in, "pool_w"), 1);
    } else if (layer == "conv_forward_fast") {
      conv_forward_fast(images(in), filters(in), vec(in.mat("b")), 1, 0);
    } else {
      conv_forward_naive(images(in), filters(in), vec(in.mat("b")), 1, 0);
    }
    Bundle o;
    try {
      if (layer == "conv_forward_naive") {
        conv_forward_naive(images(in), filters(in), vec(in.mat("b")), integer(in, "stride"),
                           integer(in, "pad"));
      } else if (layer == "max_pool_forward_naive") {
        max_pool_forward_naive(images(in), integer(in, "pool_h"), integer(in, "pool_w"),
                               integer(in, "pool_stride"));
      } else if (layer == "conv_forward_fast") {
        conv_forward_fast(images(in), filters(in), vec(in.mat("b")), integer(in, "stride"),
                          integer(in, "pad"));
      } else {
        throw std::logic_error("the grader asked for a layer the harness does not know");
      }
      o.put("threw", 0.0);
    } catch (const std::invalid_argument& e) {
      o.put("threw", 1.0);
    }
    return o;
  });
  // the image shifted by each s of s_min..s_max, stacked: rows k*H .. k*H + H-1 for s_min + k
  t.add("conv.shift_image", [](const Bundle& in) {
    const Mat& image = in.mat("image");
    const int lo = integer(in, "s_min"), hi = integer(in, "s_max");
    Mat all((hi - lo + 1) * image.rows(), image.cols());
    for (int s = lo; s <= hi; ++s) {
      const Mat shifted = shift_image(image, s);
      if (shifted.rows() != image.rows() || shifted.cols() != image.cols()) {
        Bundle o;
        o.put("shifted", shifted);  // the wrong shape, for the grader to report
        return o;
      }
      all.middleRows((s - lo) * image.rows(), image.rows()) = shifted;
    }
    Bundle o;
    o.put("shifted", std::move(all));
    return o;
  });
  t.add("conv.evaluate_on_shift", [](const Bundle& in) {
    const LinearModel model(in.mat("weights"), in.mat("bias"));
    const int lo = integer(in, "s_min"), hi = integer(in, "s_max");
    Mat acc(1, hi - lo + 1);
    for (int s = lo; s <= hi; ++s) {
      acc(0, s - lo) = evaluate_on_shift(model, in.mat("X"), in.ivec("y"), s, integer(in, "H"),
                                         integer(in, "W"));
    }
    Bundle o;
    o.put("accuracy", std::move(acc));
    return o;
  });
  t.add("conv.cnn_loss", [](const Bundle& in) {
    const ConvNet net = net_of(in, in.has("fast") && in.integer("fast") != 0);
    const Mat& X = in.mat("X");
    backprop::NetLossGrads lg = net.loss(X, in.ivec("y"));
    Bundle o;
    o.put("loss", lg.loss);
    for (auto& [name, grad] : lg.grads) o.put("d" + name, std::move(grad));
    o.put("scores", net.scores(X));
    return o;
  });
  t.add("conv.cnn_train", [](const Bundle& in) {
    ConvNet net = net_of(in, false);
    backprop::SolverConfig c;
    c.update_rule = in.text("update_rule");
    c.learning_rate = in.real("learning_rate");
    c.lr_decay = 1.0;
    c.num_epochs = integer(in, "num_epochs");
    c.batch_size = integer(in, "batch_size");
    c.num_train_samples = in.integer("num_train_samples");
    c.seed = static_cast<std::uint64_t>(in.integer("seed"));
    c.progress = false;
    const backprop::TrainingHistory h =
        backprop::train(net, in.mat("X"), in.ivec("y"), in.mat("X_val"), in.ivec("y_val"), c);
    Bundle o;
    // what the runner says of itself, shown beside the grader's own test accuracy
    o.put("val_accuracy", h.val_acc_history.empty() ? 0.0 : h.val_acc_history.back());
    for (auto& [name, value] : net.params) o.put(name, value);
    return o;
  });
}

}  // namespace pg::harness
