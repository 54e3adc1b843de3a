/**
 * The Teams app's two icons, drawn here so that no image file needs to be kept in the repository:
 *   color.png   192×192, a rounded square in the accent colour with a white speech bubble that
 *               holds a heart ("Vad är viktigt för dig?") in the accent colour;
 *   outline.png 32×32, the same bubble and heart in white lines on a transparent background, as
 *               Teams requires (only white and transparent pixels).
 * Shapes are tested per sub-pixel (4×4 per pixel) for smooth edges; edge pixels of the outline
 * icon stay white and only their transparency varies.
 */
import { PNG } from 'pngjs';

type Shape = (x: number, y: number) => boolean;

const SUPERSAMPLE = 4;

function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}

function triangle(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): Shape {
  const side = (px: number, py: number, qx: number, qy: number, x: number, y: number) => (qx - px) * (y - py) - (qy - py) * (x - px);
  return (x, y) => {
    const d1 = side(ax, ay, bx, by, x, y);
    const d2 = side(bx, by, cx, cy, x, y);
    const d3 = side(cx, cy, ax, ay, x, y);
    return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
  };
}

/** The heart curve (x² + y² − 1)³ − x²y³ ≤ 0, centred at (cx, cy), about 2.3 × size wide. */
function heart(cx: number, cy: number, size: number): Shape {
  return (x, y) => {
    const u = (x - cx) / size;
    const v = -(y - cy) / size + 0.15;
    return (u * u + v * v - 1) ** 3 - u * u * v ** 3 <= 0;
  };
}

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((s) => s(x, y));
const minus =
  (a: Shape, b: Shape): Shape =>
  (x, y) =>
    a(x, y) && !b(x, y);

/** The share (0..1) of the pixel (px, py) that the shape covers. */
function coverage(shape: Shape, px: number, py: number): number {
  let hits = 0;
  for (let i = 0; i < SUPERSAMPLE; i++) {
    for (let j = 0; j < SUPERSAMPLE; j++) {
      if (shape(px + (i + 0.5) / SUPERSAMPLE, py + (j + 0.5) / SUPERSAMPLE)) hits++;
    }
  }
  return hits / SUPERSAMPLE ** 2;
}

function parseHex(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/iu.exec(color);
  if (!m) throw new Error(`not a colour such as #0b5cad: ${color}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

/** A speech bubble with its tail at the lower left, in a square of the given size. */
function bubble(size: number, inset = 0): Shape {
  const s = size / 32; // designed on a 32-pixel grid
  const body = roundedRect(3 * s + inset, 4 * s + inset, 29 * s - inset, 23 * s - inset, 6 * s - inset);
  const tail = triangle(8 * s + inset, 20 * s, 15 * s - inset, 20 * s, 7 * s + inset, 29 * s - inset * 2.2);
  return union(body, tail);
}

function encode(png: PNG): Buffer {
  return PNG.sync.write(png, { colorType: 6, inputHasAlpha: true });
}

/** color.png: 192×192, full colour. */
export function drawColorIcon(accentColor: string, size = 192): Buffer {
  const [r, g, b] = parseHex(accentColor);
  const png = new PNG({ width: size, height: size });
  const s = size / 192;
  const background = roundedRect(0, 0, size, size, 36 * s);
  // The mark sits in the middle 120 pixels, leaving the margin Teams crops for round avatars.
  const markSize = 120 * s;
  const offset = (size - markSize) / 2;
  const m = markSize / 32;
  const shifted =
    (shape: Shape): Shape =>
    (x, y) =>
      shape(x - offset, y - offset);
  const white = shifted(minus(bubble(markSize), heart(16 * m, 13.5 * m, 4.6 * m)));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const bg = coverage(background, x, y);
      const w = coverage(white, x, y);
      // White over the accent colour; the background's own edge gives the alpha.
      png.data[i] = Math.round(r + (255 - r) * w);
      png.data[i + 1] = Math.round(g + (255 - g) * w);
      png.data[i + 2] = Math.round(b + (255 - b) * w);
      png.data[i + 3] = Math.round(255 * bg);
    }
  }
  return encode(png);
}

/** outline.png: 32×32, white on transparent. */
export function drawOutlineIcon(size = 32): Buffer {
  const png = new PNG({ width: size, height: size });
  const s = size / 32;
  const stroke = 2 * s;
  const outline = union(minus(bubble(size), bubble(size, stroke)), heart(16 * s, 13.5 * s, 4.2 * s));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      png.data[i] = 255;
      png.data[i + 1] = 255;
      png.data[i + 2] = 255;
      png.data[i + 3] = Math.round(255 * coverage(outline, x, y));
    }
  }
  return encode(png);
}
