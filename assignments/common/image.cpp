// Pixels, PNG input and output through libpng's simplified API, and the matrix-to-image helpers.
// Not the plots (plot.cpp) and not the font table (font.hpp).
#include "common/image.hpp"

#include <png.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "common/errors.hpp"
#include "common/font.hpp"

namespace pg {

Image::Image(int width, int height, Rgb background) : width(width), height(height) {
  require(width >= 0 && height >= 0, "Image",
          "width and height must be >= 0, got " + std::to_string(width) + " x " +
              std::to_string(height));
  rgb.resize(static_cast<std::size_t>(width) * height * 3);
  fill(background);
}

Rgb Image::get(int x, int y) const {
  if (!contains(x, y)) {
    throw std::out_of_range("Image::get: pixel (" + std::to_string(x) + ", " + std::to_string(y) +
                            ") is outside the " + std::to_string(width) + " x " +
                            std::to_string(height) + " image");
  }
  auto i = 3 * (static_cast<std::size_t>(y) * width + x);
  return {rgb[i], rgb[i + 1], rgb[i + 2]};
}

void Image::set(int x, int y, Rgb c) {
  if (!contains(x, y)) return;
  auto i = 3 * (static_cast<std::size_t>(y) * width + x);
  rgb[i] = c.r;
  rgb[i + 1] = c.g;
  rgb[i + 2] = c.b;
}

void Image::fill(Rgb c) {
  for (std::size_t i = 0; i + 2 < rgb.size(); i += 3) {
    rgb[i] = c.r;
    rgb[i + 1] = c.g;
    rgb[i + 2] = c.b;
  }
}

namespace {

std::string quoted(const std::filesystem::path& path) {
  std::string q = "'";
  q += path.string();
  return q += "'";
}

void check_buffer(const char* function, const Image& image) {
  require(image.width > 0 && image.height > 0, function,
          "the image is empty (" + std::to_string(image.width) + " x " +
              std::to_string(image.height) + ")");
  require(image.rgb.size() == static_cast<std::size_t>(image.width) * image.height * 3, function,
          "rgb holds " + std::to_string(image.rgb.size()) + " bytes but a " +
              std::to_string(image.width) + " x " + std::to_string(image.height) +
              " image needs width * height * 3");
}

}  // namespace

void write_png(const std::filesystem::path& path, const Image& image) {
  check_buffer("write_png", image);
  auto fail = [&](const std::string& reason) {
    throw std::runtime_error("write_png: cannot write " + quoted(path) + ": " + reason);
  };
  // name the missing directory rather than fopen's bare "No such file or directory"
  auto parent = path.parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    fail("the directory " + quoted(parent) + " does not exist (create it first)");
  }
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) fail(std::strerror(errno));

  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_RGB;
  int ok = png_image_write_to_stdio(&png, file, 0, image.rgb.data(), 0, nullptr);
  std::string reason = ok ? "" : png.message;
  png_image_free(&png);
  if (std::fclose(file) != 0 && ok) {
    ok = 0;
    reason = std::strerror(errno);
  }
  if (!ok) fail(reason);
}

Image read_png(const std::filesystem::path& path) {
  auto fail = [&](const std::string& reason) {
    throw std::runtime_error("read_png: cannot read " + quoted(path) + ": " + reason);
  };
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail("no such file");

  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, path.c_str())) {
    std::string reason = png.message;
    png_image_free(&png);
    fail(reason);
  }
  png.format = PNG_FORMAT_RGB;
  Image image(static_cast<int>(png.width), static_cast<int>(png.height));
  png_color white{255, 255, 255};
  if (!png_image_finish_read(&png, &white, image.rgb.data(), 0, nullptr)) {
    std::string reason = png.message;
    png_image_free(&png);
    fail(reason);
  }
  return image;
}

void fill_rect(Image& image, int x, int y, int w, int h, Rgb c) {
  int x0 = std::max(x, 0), x1 = std::min(x + w, image.width);
  int y0 = std::max(y, 0), y1 = std::min(y + h, image.height);
  for (int yy = y0; yy < y1; ++yy) {
    for (int xx = x0; xx < x1; ++xx) image.set(xx, yy, c);
  }
}

void draw_rect(Image& image, int x, int y, int w, int h, Rgb c) {
  if (w <= 0 || h <= 0) return;
  fill_rect(image, x, y, w, 1, c);
  fill_rect(image, x, y + h - 1, w, 1, c);
  fill_rect(image, x, y, 1, h, c);
  fill_rect(image, x + w - 1, y, 1, h, c);
}

void draw_line(Image& image, int x0, int y0, int x1, int y1, Rgb c, int thickness) {
  // bresenham; a thick line stamps a thickness x thickness square at each step
  int off = (thickness - 1) / 2;
  int dx = std::abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
  int dy = -std::abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
  int err = dx + dy;
  for (;;) {
    if (thickness <= 1) {
      image.set(x0, y0, c);
    } else {
      fill_rect(image, x0 - off, y0 - off, thickness, thickness, c);
    }
    if (x0 == x1 && y0 == y1) break;
    int e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

void fill_circle(Image& image, int cx, int cy, int r, Rgb c) {
  for (int dy = -r; dy <= r; ++dy) {
    for (int dx = -r; dx <= r; ++dx) {
      if (dx * dx + dy * dy <= r * r + r) image.set(cx + dx, cy + dy, c);
    }
  }
}

void blit(Image& dst, const Image& src, int x, int y) {
  for (int yy = 0; yy < src.height; ++yy) {
    for (int xx = 0; xx < src.width; ++xx) dst.set(x + xx, y + yy, src.get(xx, yy));
  }
}

namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void check_range(const char* function, double lo, double hi, int scale) {
  require(lo < hi, function, "lo must be < hi, got lo = " + num(lo) + ", hi = " + num(hi));
  require(scale >= 1, function, "scale must be >= 1, got " + std::to_string(scale));
}

// t = (v - lo) / (hi - lo) clamped to [0, 1]; NaN -> 0
double unit(double v, double lo, double hi) {
  double t = (v - lo) / (hi - lo);
  return std::isnan(t) ? 0.0 : std::clamp(t, 0.0, 1.0);
}

std::uint8_t to_byte(double x) { return static_cast<std::uint8_t>(std::lround(x)); }

// each entry of `values` becomes a scale x scale block of colour_of(entry)
template <class ColourOf>
Image blocks(const Mat& values, int scale, ColourOf colour_of) {
  Image image(static_cast<int>(values.cols()) * scale, static_cast<int>(values.rows()) * scale);
  for (int r = 0; r < values.rows(); ++r) {
    for (int c = 0; c < values.cols(); ++c) {
      fill_rect(image, c * scale, r * scale, scale, scale, colour_of(values(r, c)));
    }
  }
  return image;
}

// matplotlib's maps sampled at t = 0, 0.1, ..., 1
constexpr std::array<Rgb, 11> kInferno{{{0, 0, 4},
                                        {22, 11, 57},
                                        {66, 10, 104},
                                        {106, 23, 110},
                                        {147, 38, 103},
                                        {188, 55, 84},
                                        {221, 81, 58},
                                        {243, 120, 25},
                                        {252, 165, 10},
                                        {246, 215, 70},
                                        {252, 255, 164}}};
constexpr std::array<Rgb, 11> kViridis{{{68, 1, 84},
                                        {72, 36, 117},
                                        {65, 68, 135},
                                        {53, 95, 141},
                                        {42, 120, 142},
                                        {33, 145, 140},
                                        {34, 168, 132},
                                        {68, 191, 112},
                                        {122, 209, 81},
                                        {189, 223, 38},
                                        {253, 231, 37}}};

}  // namespace

Image from_grayscale(const Mat& values, double lo, double hi, int scale) {
  check_range("from_grayscale", lo, hi, scale);
  return blocks(values, scale, [&](double v) {
    auto level = to_byte(255.0 * unit(v, lo, hi));
    return Rgb{level, level, level};
  });
}

Rgb colormap(double t, Colormap map) {
  const auto& samples = map == Colormap::viridis ? kViridis : kInferno;
  t = std::isnan(t) ? 0.0 : std::clamp(t, 0.0, 1.0);
  // linear between the two samples around t
  double pos = t * (samples.size() - 1);
  auto i = std::min(static_cast<std::size_t>(pos), samples.size() - 2);
  double f = pos - static_cast<double>(i);
  auto mix = [f](std::uint8_t a, std::uint8_t b) { return to_byte(a + f * (b - a)); };
  const Rgb &a = samples[i], &b = samples[i + 1];
  return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
}

Image from_heatmap(const Mat& values, double lo, double hi, int scale, Colormap map) {
  check_range("from_heatmap", lo, hi, scale);
  return blocks(values, scale, [&](double v) { return colormap(unit(v, lo, hi), map); });
}

Image overlay_heatmap(const Image& base, const Mat& heat, double alpha, Colormap map) {
  const char* fn = "overlay_heatmap";
  require(heat.size() > 0, fn, "heat is empty " + shape_of(heat));
  require(alpha >= 0.0 && alpha <= 1.0, fn, "alpha must be in [0, 1], got " + num(alpha));
  int s = base.width / static_cast<int>(heat.cols());
  require(s >= 1 && base.width == s * heat.cols() && base.height == s * heat.rows(), fn,
          "base is " + std::to_string(base.width) + " x " + std::to_string(base.height) +
              " pixels, not an integer upscale of heat " + shape_of(heat));
  Image out = base;
  for (int y = 0; y < base.height; ++y) {
    for (int x = 0; x < base.width; ++x) {
      Rgb a = base.get(x, y), h = colormap(unit(heat(y / s, x / s), 0.0, 1.0), map);
      auto mix = [alpha](std::uint8_t p, std::uint8_t q) {
        return to_byte((1 - alpha) * p + alpha * q);
      };
      out.set(x, y, {mix(a.r, h.r), mix(a.g, h.g), mix(a.b, h.b)});
    }
  }
  return out;
}

Image tile(const std::vector<Image>& images, int columns, int padding,
           const std::vector<std::string>& captions, int text_scale) {
  const char* fn = "tile";
  require(!images.empty(), fn, "images is empty");
  require(columns >= 1, fn, "columns must be >= 1, got " + std::to_string(columns));
  require(padding >= 0, fn, "padding must be >= 0, got " + std::to_string(padding));
  require(text_scale >= 1, fn, "text_scale must be >= 1, got " + std::to_string(text_scale));
  require(captions.empty() || captions.size() == images.size(), fn,
          "captions has " + std::to_string(captions.size()) + " entries but images has " +
              std::to_string(images.size()) + " (give one caption per image, or none)");

  int n = static_cast<int>(images.size());
  int image_w = 0, image_h = 0, caption_w = 0;
  for (const auto& im : images) {
    image_w = std::max(image_w, im.width);
    image_h = std::max(image_h, im.height);
  }
  for (const auto& c : captions) caption_w = std::max(caption_w, text_width(c, text_scale));
  bool any_caption =
      std::any_of(captions.begin(), captions.end(), [](auto& c) { return !c.empty(); });
  int caption_h = any_caption ? 2 + text_height(text_scale) : 0;
  int cell_w = std::max(image_w, caption_w), cell_h = image_h + caption_h;
  int cols = std::min(columns, n), rows = (n + columns - 1) / columns;

  Image out(cols * cell_w + (cols + 1) * padding, rows * cell_h + (rows + 1) * padding);
  for (int i = 0; i < n; ++i) {
    int x = padding + (i % columns) * (cell_w + padding);
    int y = padding + (i / columns) * (cell_h + padding);
    const Image& im = images[i];
    blit(out, im, x + (cell_w - im.width) / 2, y + (image_h - im.height) / 2);
    if (!captions.empty()) {
      int tx = x + (cell_w - text_width(captions[i], text_scale)) / 2;
      draw_text(out, tx, y + image_h + 2, captions[i], kBlack, text_scale);
    }
  }
  return out;
}

}  // namespace pg
