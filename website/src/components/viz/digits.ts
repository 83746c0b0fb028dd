/**
 * Hand-drawn digits for the private-inference demo: strokes in a 28 × 28 box (MNIST's format: the
 * digit inside the central 20 × 20 area, white on black, intensities in [0, 1] in steps of 1/255),
 * rasterized with a soft round brush. Presets are a few stroke sets; the reader can draw more.
 */

/** A stroke: points (x, y) in pixel units, 0 ≤ x, y ≤ 28, joined by straight segments. */
export type Stroke = readonly (readonly [number, number])[];

export const SIZE = 28;

/** Brush radius (pixels) at full intensity, and the width of its soft edge. */
const RADIUS = 1.1;
const EDGE = 1.0;

function distanceToSegment(px: number, py: number, [ax, ay]: readonly [number, number], [bx, by]: readonly [number, number]): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  const cx = ax + t * dx - px;
  const cy = ay + t * dy - py;
  return Math.sqrt(cx * cx + cy * cy);
}

/** 784 intensities in [0, 1], row-major, each a multiple of 1/255 (as MNIST's bytes / 255). */
export function rasterize(strokes: readonly Stroke[]): number[] {
  const out = new Array<number>(SIZE * SIZE).fill(0);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let d = Infinity;
      for (const s of strokes) {
        if (s.length === 1) d = Math.min(d, distanceToSegment(x + 0.5, y + 0.5, s[0], s[0]));
        for (let i = 1; i < s.length; i++) d = Math.min(d, distanceToSegment(x + 0.5, y + 0.5, s[i - 1], s[i]));
      }
      const v = Math.max(0, Math.min(1, (RADIUS + EDGE - d) / EDGE));
      out[y * SIZE + x] = Math.round(v * 255) / 255;
    }
  }
  return out;
}

/** An ellipse as a closed polyline. */
function ellipse(cx: number, cy: number, rx: number, ry: number, from = 0, to = 2 * Math.PI, steps = 24): Stroke {
  const pts: [number, number][] = [];
  for (let i = 0; i <= steps; i++) {
    const a = from + ((to - from) * i) / steps;
    pts.push([cx + rx * Math.cos(a), cy + ry * Math.sin(a)]);
  }
  return pts;
}

export const PRESET_DIGITS: Readonly<Record<string, readonly Stroke[]>> = {
  '0': [ellipse(14, 14, 5.5, 8.5)],
  '1': [
    [
      [12.5, 8],
      [15, 5.5],
      [15, 22.5],
    ],
  ],
  '2': [
    [
      ...ellipse(14, 10, 5, 4.5, Math.PI * 1.05, Math.PI * 2.25, 12),
      [9, 22],
      [19.5, 22],
    ],
  ],
  '3': [ellipse(13.5, 9.5, 5, 4, -Math.PI * 0.95, Math.PI * 0.5, 14), ellipse(13.5, 18, 5.5, 4.5, -Math.PI * 0.5, Math.PI * 0.95, 14)],
  '4': [
    [
      [16, 5.5],
      [8.5, 17],
      [20, 17],
    ],
    [
      [16.5, 10],
      [16.5, 23],
    ],
  ],
  '7': [
    [
      [8.5, 6.5],
      [19.5, 6.5],
      [12.5, 23],
    ],
  ],
};

export const PRESET_NAMES = Object.keys(PRESET_DIGITS);
