// RGB images for the demos: pixels, PNG files (libpng), matrices drawn as gray or heat maps, grids.
// Not a plotting library (plot.hpp draws line plots) and not part of what a submission links.
//
// Shapes:  H = image height in pixels (rows),  W = image width in pixels (columns),
//          s = integer upscale factor: one matrix entry becomes an s x s block of pixels.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/types.hpp"

namespace pg {

// One 8-bit sRGB colour.
struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

inline constexpr Rgb kWhite{255, 255, 255};
inline constexpr Rgb kBlack{0, 0, 0};

// An 8-bit RGB image. Pixel (x, y) is column x, row y, with (0, 0) the top-left corner.
struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  // (H * W * 3) row-major, r g b per pixel: index 3 * (y * W + x)

  Image() = default;
  // A width x height image filled with `background`.
  // Requires: width >= 0, height >= 0, else std::invalid_argument.
  Image(int width, int height, Rgb background = kWhite);

  bool contains(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height; }
  // The pixel at (x, y); std::out_of_range outside the image.
  Rgb get(int x, int y) const;
  // Sets the pixel at (x, y); does nothing outside the image, so shapes may be drawn half-off.
  void set(int x, int y, Rgb c);
  void fill(Rgb c);
};

// Writes `image` as an 8-bit RGB PNG, replacing any file at `path`.
// Throws std::runtime_error naming the path and the reason (directory missing, not writable, ...).
void write_png(const std::filesystem::path& path, const Image& image);

// Reads a PNG of any colour type as 8-bit RGB (alpha is composited onto white).
// Throws std::runtime_error naming the path and the reason.
Image read_png(const std::filesystem::path& path);

// Drawing helpers; everything outside the image is clipped.
// The w x h rectangle with top-left corner (x, y), filled.
void fill_rect(Image& image, int x, int y, int w, int h, Rgb c);
// The outline (1 pixel wide) of the same rectangle.
void draw_rect(Image& image, int x, int y, int w, int h, Rgb c);
// A straight line from (x0, y0) to (x1, y1), both ends included (Bresenham), `thickness` pixels
// wide.
void draw_line(Image& image, int x0, int y0, int x1, int y1, Rgb c, int thickness = 1);
// A filled disc of radius r centred on (cx, cy).
void fill_circle(Image& image, int cx, int cy, int r, Rgb c);
// Copies `src` into `dst` with its top-left corner at (x, y).
void blit(Image& dst, const Image& src, int x, int y);

// A matrix as a gray image: lo and below -> black (0), hi and above -> white (255), linear between,
// rounded to the nearest level; NaN -> black. Each entry becomes an s x s block.
// Inputs:  values (H, W), e.g. one 28x28 Fashion-MNIST image reshaped; lo < hi; scale s >= 1.
// Returns: an image of (W * s) x (H * s) pixels.
// Requires: lo < hi, scale >= 1, else std::invalid_argument.
Image from_grayscale(const Mat& values, double lo, double hi, int scale = 1);

// Perceptual colour maps (matplotlib's), dark at 0 and bright at 1.
enum class Colormap { inferno, viridis };

// The colour of t in [0, 1] (clamped; NaN -> 0) under `map`, interpolated between 11 samples.
Rgb colormap(double t, Colormap map = Colormap::inferno);

// A matrix as a heat map, e.g. a saliency map in [0, 1]: t = (v - lo) / (hi - lo) through `map`.
// Inputs/Returns/Requires as from_grayscale.
Image from_heatmap(const Mat& values, double lo = 0.0, double hi = 1.0, int scale = 1,
                   Colormap map = Colormap::inferno);

// A heat map laid over an image: out = (1 - alpha) * base + alpha * colormap(heat), per channel.
// Inputs:  base (H*s x W*s pixels), e.g. from_grayscale(image, 0, 1, s); heat (H, W) in [0, 1]
//          (clamped), upscaled by s = base.width / W; alpha in [0, 1].
// Requires: base.width == W * s and base.height == H * s for one integer s >= 1, alpha in [0, 1];
//           else std::invalid_argument.
Image overlay_heatmap(const Image& base, const Mat& heat, double alpha,
                      Colormap map = Colormap::inferno);

// Lays images out in a grid, row by row, `columns` per row, with `padding` pixels around and
// between cells, on a white background. Every cell is cell_w x cell_h where
//   cell_w = max(widest image, widest caption),  cell_h = tallest image + caption_h,
//   caption_h = (any caption non-empty) ? 2 + text_height(text_scale) : 0,
// so the result is (columns * cell_w + (columns + 1) * padding) wide and
// (rows * cell_h + (rows + 1) * padding) tall, rows = ceil(n / columns); when n < columns only
// n columns are used. Images are centred in their cell; a caption is centred under its image.
// Inputs:  images (n >= 1), columns >= 1, padding >= 0, captions: empty or one per image.
// Requires: as listed, else std::invalid_argument.
Image tile(const std::vector<Image>& images, int columns, int padding,
           const std::vector<std::string>& captions = {}, int text_scale = 1);

}  // namespace pg
