// The line-plot renderer: the frame layout (margins, limits, 1-2-5 ticks, legend corner) is
// computed here in pixels; PLplot's "memcairo" device draws grid, curves, axes, text and legend
// into the image, with world coordinates set up so that one world unit is one pixel.
#include "common/plot.hpp"

#include <plplot.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>

#include "common/errors.hpp"

namespace pg {

namespace {

constexpr Rgb kText{30, 30, 30};
constexpr Rgb kSubtitle{80, 80, 80};
constexpr Rgb kAxis{60, 60, 60};
constexpr Rgb kGrid{228, 228, 228};
constexpr Rgb kLegendBorder{170, 170, 170};
constexpr int kTick = 5;                // tick mark length in pixels
constexpr int kMinorTick = 3;           // log-x minor tick length
constexpr double kLineWidth = 2;        // curve thickness
constexpr std::size_t kMaxMarked = 60;  // longer series (loss curves) get no markers
constexpr double kTitleScale = 1.3;     // title font size / font_size

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string name_of(const Series& s, std::size_t i) {
  std::string name = "series " + std::to_string(i);
  return s.label.empty() ? name : name + " ('" + s.label + "')";
}

void validate(const PlotSpec& spec, const std::vector<Series>& series) {
  const char* fn = "render_plot";
  require(spec.width >= 200 && spec.height >= 150, fn,
          "the plot must be at least 200 x 150 pixels, got " + std::to_string(spec.width) + " x " +
              std::to_string(spec.height));
  require(!series.empty(), fn, "no series to plot");
  if (spec.ymin && spec.ymax) {
    require(*spec.ymin < *spec.ymax, fn,
            "ymin (" + num(*spec.ymin) + ") must be < ymax (" + num(*spec.ymax) + ")");
  }
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    std::string name = name_of(s, i);
    require(!s.x.empty() || !s.y.empty(), fn, name + " is empty (x and y have 0 values)");
    require(s.x.size() == s.y.size(), fn,
            name + " has " + std::to_string(s.x.size()) + " x values but " +
                std::to_string(s.y.size()) + " y values");
    require(s.yerr.empty() || s.yerr.size() == s.y.size(), fn,
            name + " has " + std::to_string(s.y.size()) + " y values but " +
                std::to_string(s.yerr.size()) + " yerr values (give one per point, or none)");
    for (std::size_t j = 0; j < s.yerr.size(); ++j) {
      require(!(s.yerr[j] < 0), fn,
              name + " has yerr[" + std::to_string(j) + "] = " + num(s.yerr[j]) + " < 0");
    }
    for (std::size_t j = 0; spec.log_x && j < s.x.size(); ++j) {
      require(
          !(s.x[j] <= 0), fn,
          "log_x needs x > 0, but " + name + " has x[" + std::to_string(j) + "] = " + num(s.x[j]));
    }
  }
}

struct Range {
  double lo = INFINITY, hi = -INFINITY;
  bool any() const { return lo <= hi; }
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
};

// the range with 5% of its span added on each side; a single value gets +-10% (or +-pad_zero)
Range padded(Range r, double pad_zero) {
  double span = r.hi - r.lo;
  double d = span > 0 ? 0.05 * span : std::max(0.1 * std::abs(r.lo), pad_zero);
  return {r.lo - d, r.hi + d};
}

// the smallest {1, 2, 5} * 10^e that is >= span / target
double nice_step(double span, int target) {
  double raw = span / std::max(target, 1);
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double norm = raw / mag;
  return (norm <= 1 + 1e-9 ? 1 : norm <= 2 + 1e-9 ? 2 : norm <= 5 + 1e-9 ? 5 : 10) * mag;
}

// the multiples k * step inside [lo, hi]
std::vector<double> linear_ticks(double lo, double hi, double step) {
  std::vector<double> ticks;
  double eps = step * 1e-9;
  for (double k = std::ceil((lo - eps) / step); k * step <= hi + eps; k += 1) {
    double v = k * step;
    ticks.push_back(std::abs(v) < eps ? 0.0 : v);
  }
  return ticks;
}

// a tick value with as many decimals as the step needs: step 0.02 -> "0.84", step 5 -> "15";
// with no step (a lone tick), as %g
std::string tick_label(double v, double step) {
  double a = std::abs(v);
  if (!(step > 0) || (a != 0 && (a >= 1e6 || a < 1e-4))) return num(v);
  int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// log-axis labels are written out ("0.001", "10000") when every tick is within 1e-3..1e4, else
// all as m e k ("1e-7", "2e-5"), so one axis never mixes the two
bool plain_log_labels(const std::vector<double>& ticks) {
  return std::all_of(ticks.begin(), ticks.end(), [](double v) { return v >= 1e-3 && v <= 1e4; });
}

std::string log_tick_label(double v, bool plain) {
  char buf[32];
  if (plain) {
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
  }
  int k = static_cast<int>(std::floor(std::log10(v) + 1e-9));
  std::snprintf(buf, sizeof buf, "%.3ge%d", v / std::pow(10.0, k), k);
  return buf;
}

int widest(const std::vector<std::string>& labels, double size) {
  int w = 0;
  for (const auto& l : labels) w = std::max(w, text_width(l, size));
  return w;
}

double to_axis(const PlotFrame& f, double x) { return f.log_x ? std::log10(x) : x; }

// data -> pixel, as doubles (off-area values stay finite but may be far outside)
double frame_x(const PlotFrame& f, double x) {
  double lo = to_axis(f, f.x_lo), hi = to_axis(f, f.x_hi);
  return f.left + (to_axis(f, x) - lo) / (hi - lo) * (f.right - f.left);
}
double frame_y(const PlotFrame& f, double y) {
  return f.bottom - (y - f.y_lo) / (f.y_hi - f.y_lo) * (f.bottom - f.top);
}

int to_pixel(double v) {
  if (std::isnan(v)) return -1000000;
  return static_cast<int>(std::lround(std::clamp(v, -1e6, 1e6)));
}

// x ticks on a log axis: every stride-th power of ten when the range holds two or more, else the
// 1-2-5 values in range; also the unlabelled 2..9 minor ticks between powers
void log_ticks(PlotFrame& f, double lo, double hi, int plot_w, double size) {
  int kmin = static_cast<int>(std::ceil(lo - 1e-9)), kmax = static_cast<int>(std::floor(hi + 1e-9));
  f.x_ticks.clear();
  f.x_minor_ticks.clear();
  if (kmax - kmin >= 1) {
    int decades = kmax - kmin;
    std::vector<double> powers;
    for (int k = kmin; k <= kmax; ++k) powers.push_back(std::pow(10.0, k));
    std::vector<std::string> labels;
    for (double v : powers) labels.push_back(log_tick_label(v, plain_log_labels(powers)));
    double per_decade = plot_w / (hi - lo);
    int stride = 1;
    while (stride < decades && stride * per_decade < widest(labels, size) + size) ++stride;
    for (int k = kmin; k <= kmax; k += stride) f.x_ticks.push_back(std::pow(10.0, k));
    for (int k = static_cast<int>(std::floor(lo)); stride == 1 && k <= kmax; ++k) {
      for (int m = 2; m <= 9; ++m) {
        double t = std::log10(m) + k;
        if (t > lo && t < hi) f.x_minor_ticks.push_back(std::pow(10.0, t));
      }
    }
    return;
  }
  for (int k = static_cast<int>(std::floor(lo)) - 1; k <= static_cast<int>(std::ceil(hi)); ++k) {
    for (double m : {1.0, 2.0, 5.0}) {
      double t = std::log10(m) + k;
      if (t >= lo - 1e-9 && t <= hi + 1e-9) f.x_ticks.push_back(m * std::pow(10.0, k));
    }
  }
  if (f.x_ticks.size() < 2) {
    // under half a decade: plain round values
    double a = std::pow(10.0, lo), b = std::pow(10.0, hi);
    f.x_ticks = linear_ticks(a, b, nice_step(b - a, std::max(2, plot_w / 90)));
  }
}

}  // namespace

int PlotFrame::px(double x) const { return to_pixel(frame_x(*this, x)); }
int PlotFrame::py(double y) const { return to_pixel(frame_y(*this, y)); }

Rgb series_color(std::size_t i) {
  static constexpr std::array<Rgb, 10> kTab10{{{31, 119, 180},
                                               {255, 127, 14},
                                               {44, 160, 44},
                                               {214, 39, 40},
                                               {148, 103, 189},
                                               {140, 86, 75},
                                               {227, 119, 194},
                                               {127, 127, 127},
                                               {188, 189, 34},
                                               {23, 190, 207}}};
  return kTab10[i % kTab10.size()];
}

namespace {

// long series without error bars (loss curves) are drawn as a bare line
bool has_markers(const Series& se) { return se.x.size() <= kMaxMarked || !se.yerr.empty(); }

// data -> pixel for a series, its dx shift applied
double series_x(const PlotFrame& f, const Series& se, double x) { return frame_x(f, x) + se.dx; }

// PLplot has no Liang-Barsky of its own for world coordinates this far out: keep every pixel
// coordinate within +-1e5 (a far-off point's segment keeps its direction inside the plot)
double tame(double v) { return std::isnan(v) ? v : std::clamp(v, -1e5, 1e5); }

// how many samples of the drawn curves, markers and error bars fall inside `box`
int ink_in(const PlotFrame& f, const std::vector<Series>& series, const PlotFrame::Box& box) {
  auto inside = [&](double x, double y) {
    return x >= box.x - 4 && x < box.x + box.w + 4 && y >= box.y - 4 && y < box.y + box.h + 4;
  };
  int n = 0;
  for (const Series& se : series) {
    auto finite = [&](std::size_t i) { return std::isfinite(se.x[i]) && std::isfinite(se.y[i]); };
    for (std::size_t i = 0; i < se.x.size(); ++i) {
      if (!finite(i)) continue;
      double x = series_x(f, se, se.x[i]), y = tame(frame_y(f, se.y[i]));
      n += 4 * inside(x, y);
      if (i < se.yerr.size() && std::isfinite(se.yerr[i])) {
        double lo = tame(frame_y(f, se.y[i] - se.yerr[i])),
               hi = tame(frame_y(f, se.y[i] + se.yerr[i]));
        for (double t = 0; t <= 1; t += 0.1) n += inside(x, lo + t * (hi - lo));
      }
      if (i == 0 || !finite(i - 1)) continue;
      double x0 = series_x(f, se, se.x[i - 1]), y0 = tame(frame_y(f, se.y[i - 1]));
      double len = std::hypot(x - x0, y - y0);
      int steps = std::clamp(static_cast<int>(len / 3), 1, 2000);
      for (int k = 0; k < steps; ++k) {
        double t = static_cast<double>(k) / steps;
        n += inside(x0 + t * (x - x0), y0 + t * (y - y0));
      }
    }
  }
  return n;
}

struct LegendLayout {
  int pad = 0, sample_w = 0, row_h = 0;
};

LegendLayout legend_layout(double size) {
  int th = text_height(size);
  return {static_cast<int>(std::lround(0.5 * size)), static_cast<int>(std::lround(2.2 * size)),
          th + 2};
}

// the legend's box in the corner of the plot area its curves cover least (top right first)
PlotFrame::Box place_legend(const PlotFrame& f, const std::vector<Series>& series) {
  int label_w = 0, rows = 0;
  for (const Series& se : series) {
    if (se.label.empty()) continue;
    ++rows;
    label_w = std::max(label_w, text_width(se.label, f.font_size));
  }
  if (rows == 0) return {};
  LegendLayout l = legend_layout(f.font_size);
  int w = 2 * l.pad + l.sample_w + l.pad + label_w, h = 2 * l.pad + rows * l.row_h - 2;
  int inset = 10;
  std::array<PlotFrame::Box, 4> corners{{{f.right - inset - w, f.top + inset, w, h},
                                         {f.left + inset, f.top + inset, w, h},
                                         {f.right - inset - w, f.bottom - inset - h, w, h},
                                         {f.left + inset, f.bottom - inset - h, w, h}}};
  PlotFrame::Box best = corners[0];
  int best_ink = ink_in(f, series, best);
  for (const auto& c : corners) {
    int ink = ink_in(f, series, c);
    if (ink < best_ink) best = c, best_ink = ink;
  }
  return best;
}

bool has_heading(const PlotSpec& spec) { return !spec.title.empty() || !spec.subtitle.empty(); }

}  // namespace

PlotFrame plot_frame(const PlotSpec& spec, const std::vector<Series>& series) {
  validate(spec, series);
  PlotFrame f;
  f.log_x = spec.log_x;
  f.font_size = spec.width < 480 || spec.height < 300 ? 10 : 13;
  const double size = f.font_size, title_size = kTitleScale * size;
  const int th = text_height(size);

  // data limits over the finite points, error bars included, x in log10 on a log axis
  Range xr, yr;
  for (const Series& se : series) {
    for (std::size_t i = 0; i < se.x.size(); ++i) {
      double x = se.x[i], y = se.y[i];
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      double e = se.yerr.empty() || !std::isfinite(se.yerr[i]) ? 0.0 : se.yerr[i];
      xr.add(spec.log_x ? std::log10(x) : x);
      yr.add(y - e);
      yr.add(y + e);
    }
  }
  if (!xr.any()) xr = {0.0, 1.0};
  if (!yr.any()) yr = {0.0, 1.0};
  xr = padded(xr, 0.5);
  yr = padded(yr, 0.5);
  if (spec.ymin) yr.lo = *spec.ymin;
  if (spec.ymax) yr.hi = *spec.ymax;
  if (yr.lo >= yr.hi) {
    // one fixed limit on the wrong side of all the data
    if (spec.ymin)
      yr.hi = yr.lo + std::max(1.0, std::abs(yr.lo));
    else
      yr.lo = yr.hi - std::max(1.0, std::abs(yr.hi));
  }
  f.x_lo = spec.log_x ? std::pow(10.0, xr.lo) : xr.lo;
  f.x_hi = spec.log_x ? std::pow(10.0, xr.hi) : xr.hi;
  f.y_lo = yr.lo;
  f.y_hi = yr.hi;

  // vertical margins: title and subtitle above; tick labels and the x label below
  if (has_heading(spec)) {
    f.title.y = 8;
    f.title.w = std::max(text_width(spec.title, title_size, true), text_width(spec.subtitle, size));
    f.title.h = (spec.title.empty() ? 0 : text_height(title_size)) +
                (spec.subtitle.empty() ? 0 : (spec.title.empty() ? 0 : 3) + th);
  }
  f.top = has_heading(spec) ? f.title.y + f.title.h + 12 : 14;
  int below = kTick + 4 + th + (spec.xlabel.empty() ? 6 : 6 + th + 8);
  f.bottom = spec.height - 1 - below;
  int plot_h = f.bottom - f.top;

  // y ticks about 50 pixels apart, at least two
  double y_step = 0;
  for (int target = std::max(2, plot_h / 50); target <= 64; target *= 2) {
    y_step = nice_step(f.y_hi - f.y_lo, target);
    f.y_ticks = linear_ticks(f.y_lo, f.y_hi, y_step);
    if (f.y_ticks.size() >= 2) break;
  }
  std::vector<std::string> y_labels;
  for (double v : f.y_ticks) y_labels.push_back(tick_label(v, y_step));

  // horizontal margins: y label and tick labels on the left, room for half an x label on the right
  f.left = 10 + (spec.ylabel.empty() ? 0 : th + 10) + widest(y_labels, size) + 5 + kTick;
  f.right = spec.width - 1 - static_cast<int>(std::lround(12 + 1.5 * size));
  int plot_w = f.right - f.left;
  require(plot_w >= 40 && plot_h >= 40, "render_plot",
          "the labels leave no room for the plot in " + std::to_string(spec.width) + " x " +
              std::to_string(spec.height) + " pixels");
  if (has_heading(spec)) {
    f.title.x =
        std::clamp((f.left + f.right - f.title.w) / 2, 2, std::max(2, spec.width - f.title.w - 2));
  }

  if (spec.log_x) {
    log_ticks(f, xr.lo, xr.hi, plot_w, size);
  } else {
    // about 90 pixels apart, fewer while neighbouring labels would come closer than a font size
    for (int target = std::max(2, plot_w / 90);; --target) {
      double step = nice_step(f.x_hi - f.x_lo, target);
      f.x_ticks = linear_ticks(f.x_lo, f.x_hi, step);
      std::vector<std::string> labels;
      for (double v : f.x_ticks) labels.push_back(tick_label(v, step));
      double gap = step / (f.x_hi - f.x_lo) * plot_w;
      if (target <= 2 || gap >= widest(labels, size) + size) break;
    }
  }
  f.legend = place_legend(f, series);
  return f;
}

namespace {

// PLplot and the font libraries below it write warnings straight to the file descriptors 1 and
// 2; while this is alive they go to a scratch file instead, which text() reads
class QuietStdio {
 public:
  QuietStdio() {
    std::fflush(stdout);
    std::fflush(stderr);
    sink_ = std::tmpfile();
    if (sink_ == nullptr) return;
    saved_out_ = ::dup(1);
    saved_err_ = ::dup(2);
    ::dup2(::fileno(sink_), 1);
    ::dup2(::fileno(sink_), 2);
  }
  ~QuietStdio() {
    if (sink_ == nullptr) return;
    std::fflush(stdout);
    std::fflush(stderr);
    ::dup2(saved_out_, 1);
    ::dup2(saved_err_, 2);
    ::close(saved_out_);
    ::close(saved_err_);
    std::fclose(sink_);
  }
  QuietStdio(const QuietStdio&) = delete;
  QuietStdio& operator=(const QuietStdio&) = delete;

  std::string text() {
    if (sink_ == nullptr) return "";
    std::fflush(stdout);
    std::fflush(stderr);
    std::string out;
    std::rewind(sink_);
    char buf[512];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, sink_)) > 0) out.append(buf, n);
    return out;
  }

 private:
  std::FILE* sink_ = nullptr;
  int saved_out_ = -1, saved_err_ = -1;
};

// PLplot's error paths print and call exit(): check the device before asking for it
bool has_memcairo() {
  static const bool found = [] {
    QuietStdio quiet;
    std::array<const char*, 128> menus{}, names{};
    int n = static_cast<int>(names.size());
    const char** menu = menus.data();
    const char** name = names.data();
    plgDevs(&menu, &name, &n);
    for (int i = 0; i < n; ++i) {
      if (names[i] != nullptr && std::string(names[i]) == "memcairo") return true;
    }
    return false;
  }();
  return found;
}

std::mutex plplot_mutex;  // PLplot's current stream is global

// one PLplot stream drawing on `image` through the memcairo device; the pixels are copied back
// when the stream ends
class Stream {
 public:
  explicit Stream(Image& image) {
    plgstrm(&previous_);
    plmkstrm(&id_);
    plsdev("memcairo");
    plsmem(image.width, image.height, image.rgb.data());
    plinit();
    pladv(1);
  }
  ~Stream() {
    plend1();
    plsstrm(previous_);
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

 private:
  PLINT previous_ = 0, id_ = 0;
};

// cmap0 slots
enum Slot : PLINT {
  kBackground = 0,
  kTextSlot,
  kSubtitleSlot,
  kAxisSlot,
  kGridSlot,
  kBorderSlot,
  kSeriesSlot
};

void use(PLINT slot, Rgb c) {
  plscol0(slot, c.r, c.g, c.b);
  plcol0(slot);
}

// PLplot's text size is a character height in mm; its cairo driver turns that into a pango font
// of chrht * 72 / 25.4 points, which pango renders at 96 dpi
void font(double pixels, bool bold = false) {
  plschr(pixels * 25.4 / 96.0, 1.0);
  plsfont(PL_FCI_SANS, PL_FCI_UPRIGHT, bold ? PL_FCI_BOLD : PL_FCI_MEDIUM);
}

// '#' starts a PLplot text escape: write it twice
std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '#') out += '#';
  }
  return out;
}

// text with its reference point at pixel (x, y), vertically centred there; just = 0 left,
// 0.5 centre, 1 right; up = reading upwards
void text_at(double x, double y, double just, const std::string& text, bool up = false) {
  plptex(x, -y, up ? 0.0 : 1.0, up ? 1.0 : 0.0, just, escaped(text).c_str());
}

void line(double x0, double y0, double x1, double y1) { pljoin(x0, -y0, x1, -y1); }

void disc(double x, double y, double r) { plarc(x, -y, r, r, 0.0, 360.0, 0.0, 1); }

// world coordinates = pixels (y negated) in the viewport spanning pixel columns x0..x1 and rows
// y0..y1 of a w x h page; PLplot clips to it
void pixel_viewport(int w, int h, double x0, double y0, double x1, double y1) {
  plvpor((x0 + 0.5) / w, (x1 + 0.5) / w, 1.0 - (y1 + 0.5) / h, 1.0 - (y0 + 0.5) / h);
  plwind(x0, x1, -y1, -y0);
}

void draw_series(const PlotFrame& f, const Series& se, Rgb c) {
  use(kSeriesSlot, c);
  auto finite = [&](std::size_t i) { return std::isfinite(se.x[i]) && std::isfinite(se.y[i]); };
  // error bars with caps
  plwidth(1.0);
  for (std::size_t i = 0; i < se.yerr.size(); ++i) {
    if (!finite(i) || !std::isfinite(se.yerr[i]) || se.yerr[i] == 0) continue;
    double x = series_x(f, se, se.x[i]);
    double lo = tame(frame_y(f, se.y[i] - se.yerr[i])), hi = tame(frame_y(f, se.y[i] + se.yerr[i]));
    line(x, lo, x, hi);
    line(x - kPlotErrorCap, lo, x + kPlotErrorCap, lo);
    line(x - kPlotErrorCap, hi, x + kPlotErrorCap, hi);
  }
  // the polyline, broken at non-finite points
  plwidth(kLineWidth);
  std::vector<PLFLT> xs, ys;
  auto flush = [&] {
    if (xs.size() >= 2) plline(static_cast<PLINT>(xs.size()), xs.data(), ys.data());
    xs.clear();
    ys.clear();
  };
  for (std::size_t i = 0; i < se.x.size(); ++i) {
    if (!finite(i)) {
      flush();
      continue;
    }
    xs.push_back(tame(series_x(f, se, se.x[i])));
    ys.push_back(-tame(frame_y(f, se.y[i])));
  }
  flush();
  // markers; a lone point shows even without them
  if (!has_markers(se) && se.x.size() != 1) return;
  for (std::size_t i = 0; i < se.x.size(); ++i) {
    if (!finite(i)) continue;
    double x = series_x(f, se, se.x[i]), y = frame_y(f, se.y[i]);
    if (x < f.left || x > f.right || y < f.top || y > f.bottom) continue;
    disc(x, y, kPlotMarkerRadius);
  }
}

void draw_legend(const PlotFrame& f, const std::vector<Series>& series) {
  const PlotFrame::Box& b = f.legend;
  if (b.w == 0) return;
  LegendLayout l = legend_layout(f.font_size);
  PLFLT xs[5] = {static_cast<PLFLT>(b.x), static_cast<PLFLT>(b.x + b.w - 1),
                 static_cast<PLFLT>(b.x + b.w - 1), static_cast<PLFLT>(b.x),
                 static_cast<PLFLT>(b.x)};
  PLFLT ys[5] = {static_cast<PLFLT>(-b.y), static_cast<PLFLT>(-b.y),
                 static_cast<PLFLT>(-(b.y + b.h - 1)), static_cast<PLFLT>(-(b.y + b.h - 1)),
                 static_cast<PLFLT>(-b.y)};
  use(kBackground, kWhite);
  plfill(4, xs, ys);
  use(kBorderSlot, kLegendBorder);
  plwidth(1.0);
  plline(5, xs, ys);
  font(f.font_size);
  int row = 0;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& se = series[i];
    if (se.label.empty()) continue;
    double mid = b.y + l.pad + row * l.row_h + (l.row_h - 2) / 2.0;
    use(kSeriesSlot, series_color(i));
    plwidth(kLineWidth);
    line(b.x + l.pad, mid, b.x + l.pad + l.sample_w, mid);
    if (has_markers(se)) disc(b.x + l.pad + l.sample_w / 2.0, mid, kPlotMarkerRadius);
    use(kTextSlot, kText);
    text_at(b.x + 2 * l.pad + l.sample_w, mid, 0.0, se.label);
    ++row;
  }
}

void draw_frame(const PlotSpec& spec, const PlotFrame& f) {
  const double size = f.font_size;
  const int th = text_height(size);
  // the axes box and the ticks, outside it
  use(kAxisSlot, kAxis);
  plwidth(1.0);
  line(f.left, f.top, f.right, f.top);
  line(f.right, f.top, f.right, f.bottom);
  line(f.right, f.bottom, f.left, f.bottom);
  line(f.left, f.bottom, f.left, f.top);
  for (double v : f.y_ticks) line(f.left - kTick, f.py(v), f.left, f.py(v));
  for (double v : f.x_ticks) line(f.px(v), f.bottom, f.px(v), f.bottom + kTick);
  for (double v : f.x_minor_ticks) line(f.px(v), f.bottom, f.px(v), f.bottom + kMinorTick);

  use(kTextSlot, kText);
  font(size);
  double y_step = f.y_ticks.size() > 1 ? f.y_ticks[1] - f.y_ticks[0] : 0.0;
  for (double v : f.y_ticks) text_at(f.left - kTick - 4, f.py(v), 1.0, tick_label(v, y_step));
  double x_step = f.x_ticks.size() > 1 ? f.x_ticks[1] - f.x_ticks[0] : 0.0;
  bool plain = plain_log_labels(f.x_ticks);
  const double label_row = f.bottom + kTick + 4 + th / 2.0;
  for (double v : f.x_ticks) {
    std::string label = f.log_x ? log_tick_label(v, plain) : tick_label(v, x_step);
    double half = text_width(label, size) / 2.0;
    double x = std::clamp<double>(f.px(v), 2 + half, spec.width - 2 - half);
    text_at(x, label_row, 0.5, label);
  }
  if (!spec.xlabel.empty()) {
    text_at((f.left + f.right) / 2.0, label_row + th / 2.0 + 6 + th / 2.0, 0.5, spec.xlabel);
  }
  if (!spec.ylabel.empty()) {
    double half = text_width(spec.ylabel, size) / 2.0;
    double y = std::clamp((f.top + f.bottom) / 2.0, 2 + half, spec.height - 2 - half);
    text_at(10 + th / 2.0, y, 0.5, spec.ylabel, true);
  }
  // title and subtitle, centred in their box
  double centre = f.title.x + f.title.w / 2.0, y = f.title.y;
  if (!spec.title.empty()) {
    double tsize = kTitleScale * size;
    font(tsize, true);
    text_at(centre, y + text_height(tsize) / 2.0, 0.5, spec.title);
    y += text_height(tsize) + 3;
  }
  if (!spec.subtitle.empty()) {
    use(kSubtitleSlot, kSubtitle);
    font(size);
    text_at(centre, y + th / 2.0, 0.5, spec.subtitle);
  }
}

}  // namespace

Image render_plot(const PlotSpec& spec, const std::vector<Series>& series) {
  PlotFrame f = plot_frame(spec, series);
  Image img(spec.width, spec.height);
  std::lock_guard<std::mutex> lock(plplot_mutex);
  if (!has_memcairo()) {
    throw std::runtime_error(
        "render_plot: PLplot's cairo driver (device memcairo) is not installed: apt-get install "
        "plplot-driver-cairo");
  }
  {
    QuietStdio quiet;
    Stream stream(img);
    plscmap0n(16);
    plscol0(kBackground, 255, 255, 255);

    // inside the axes box, clipped to it: grid, then the curves
    pixel_viewport(spec.width, spec.height, f.left, f.top, f.right, f.bottom);
    use(kGridSlot, kGrid);
    plwidth(1.0);
    for (double v : f.x_ticks) line(f.px(v), f.top, f.px(v), f.bottom);
    for (double v : f.y_ticks) line(f.left, f.py(v), f.right, f.py(v));
    for (std::size_t i = 0; i < series.size(); ++i) draw_series(f, series[i], series_color(i));

    // the whole page: axes, text, legend
    pixel_viewport(spec.width, spec.height, 0, 0, spec.width - 1, spec.height - 1);
    draw_frame(spec, f);
    draw_legend(f, series);
  }
  return img;
}

void write_plot_png(const std::filesystem::path& path, const PlotSpec& spec,
                    const std::vector<Series>& series) {
  write_png(path, render_plot(spec, series));
}

std::vector<Series> minibatch_loss_curves(const std::vector<double>& loss_history,
                                          std::size_t per_epoch) {
  Series loss{"minibatch loss", {}, {}, {}};
  for (std::size_t i = 0; i < loss_history.size(); ++i) {
    loss.x.push_back(static_cast<double>(i + 1) / static_cast<double>(per_epoch));
    loss.y.push_back(loss_history[i]);
  }
  const std::size_t window = std::min<std::size_t>(200, std::max<std::size_t>(1, per_epoch / 10));
  if (window == 1) return {loss};
  Series trend{"mean of the last " + std::to_string(window) + " minibatches", {}, {}, {}};
  double sum = 0;
  for (std::size_t i = 0; i < loss_history.size(); ++i) {
    sum += loss_history[i];
    if (i >= window) sum -= loss_history[i - window];
    if (i + 1 < window) continue;
    trend.x.push_back(loss.x[i]);
    trend.y.push_back(sum / static_cast<double>(window));
  }
  return {loss, trend};
}

}  // namespace pg
