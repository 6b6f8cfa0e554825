// Runner-side calls for assignment 5 (saliency): gradient_saliency, mask_objective,
// optimize_mask, resize_bilinear and grad_cam, on the net the grader describes (an MLP or the
// CNN, models.hpp, given code compiled into this harness). Not the inputs or the checks
// (grader/src/cases/saliency.cpp).
#include <memory>
#include <stdexcept>
#include <string>

#include "calls.hpp"
#include "saliency/models.hpp"
#include "saliency/saliency.hpp"

namespace pg::harness {

namespace {

using namespace pg::saliency;
using wire::Bundle;

int integer(const Bundle& in, const char* name) { return static_cast<int>(in.integer(name)); }

// every parameter the grader sent: "W1", "b1", ...
backprop::Params params_of(const Bundle& in) {
  backprop::Params p;
  for (int i = 1; in.has("W" + std::to_string(i)); ++i) {
    for (const char* kind : {"W", "b"}) {
      const std::string name = kind + std::to_string(i);
      p[name] = in.mat(name);
    }
  }
  return p;
}

conv::ConvNetConfig cnn_config(const Bundle& in) {
  conv::ConvNetConfig c;
  c.channels = integer(in, "C");
  c.height = integer(in, "H");
  c.width = integer(in, "W");
  c.filters1 = integer(in, "filters1");
  c.filters2 = integer(in, "filters2");
  c.hidden = integer(in, "hidden");
  c.num_classes = integer(in, "num_classes");
  return c;
}

// the net of the inputs: "model" is "mlp" or "cnn"
std::unique_ptr<Classifier> model_of(const Bundle& in) {
  if (in.text("model") == "cnn") return std::make_unique<Cnn>(cnn_config(in), params_of(in));
  return std::make_unique<Mlp>(params_of(in));
}

Objective objective_of(const Bundle& in) {
  return in.text("objective") == "deletion" ? Objective::deletion : Objective::preserve;
}

CamLayer layer_of(const Bundle& in) {
  return in.text("layer") == "pool" ? CamLayer::pool : CamLayer::conv2;
}

}  // namespace

void register_calls(CallTable& t) {
  t.add("saliency.gradient", [](const Bundle& in) {
    const auto model = model_of(in);
    Bundle o;
    o.put("saliency", gradient_saliency(*model, in.mat("X"), in.ivec("targets")));
    return o;
  });
  t.add("saliency.mask_objective", [](const Bundle& in) {
    const auto model = model_of(in);
    MaskLoss r = mask_objective(*model, in.mat("X"), in.ivec("targets"), in.mat("m"),
                                objective_of(in), in.real("lambda"));
    Bundle o;
    o.put("loss", r.loss);
    o.put("dm", std::move(r.dm));
    o.put("scores", std::move(r.scores));
    return o;
  });
  t.add("saliency.optimize_mask", [](const Bundle& in) {
    const auto model = model_of(in);
    MaskResult r = optimize_mask(*model, in.mat("X"), in.ivec("targets"), integer(in, "num_iters"),
                                 in.real("lr"), objective_of(in), in.real("lambda"));
    Bundle o;
    o.put("mask", std::move(r.mask));
    o.put("target_scores", std::move(r.target_scores));
    return o;
  });
  t.add("saliency.resize_bilinear", [](const Bundle& in) {
    Bundle o;
    o.put("out", resize_bilinear(in.mat("map"), integer(in, "out_rows"), integer(in, "out_cols")));
    return o;
  });
  t.add("saliency.grad_cam", [](const Bundle& in) {
    const Cnn cnn(cnn_config(in), params_of(in));
    Bundle o;
    o.put("cam", grad_cam(cnn, in.mat("X"), in.ivec("targets"), layer_of(in)));
    return o;
  });
}

}  // namespace pg::harness
