/**
 * Draws the Strata icon in pixels, so the tray can show its state (and a progress ring) without
 * shipping an image per percent: a disc with three layers, blue when idle, green with a ring
 * filling clockwise while running, red with a mark on error.
 */
import type { TrayIconState } from './tray-model';

type Rgb = [number, number, number];

const COLORS: Record<TrayIconState, Rgb> = { idle: [59, 110, 165], running: [47, 158, 110], error: [192, 57, 43] };
const WHITE: Rgb = [255, 255, 255];
const RING_TRACK: Rgb = [24, 92, 62];
const SAMPLES = 4;

/** The colour and coverage at one point of the unit square (0–1 on both axes), or null if empty. */
function shade(x: number, y: number, state: TrayIconState, percent: number | null): Rgb | null {
  const dx = x - 0.5;
  const dy = y - 0.5;
  const r = Math.hypot(dx, dy);
  if (r > 0.48) return null;
  if (state === 'running' && percent !== null && r > 0.4) {
    // Angle from 12 o'clock, clockwise, 0–1.
    const turn = (Math.atan2(dx, -dy) / (2 * Math.PI) + 1) % 1;
    return turn <= percent / 100 ? WHITE : RING_TRACK;
  }
  if (state === 'error') {
    const bar = Math.abs(dx) < 0.06 && y > 0.2 && y < 0.6;
    const dot = Math.hypot(dx, y - 0.74) < 0.065;
    return bar || dot ? WHITE : COLORS.error;
  }
  const band = [0.34, 0.5, 0.66].some((c) => Math.abs(y - c) < 0.045) && Math.abs(dx) < 0.27;
  return band ? WHITE : COLORS[state];
}

/** RGBA pixels (straight alpha) of a square icon, 4×4 supersampled so edges are smooth. */
export function iconPixels(size: number, state: TrayIconState, percent: number | null = null): Buffer {
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let rs = 0, gs = 0, bs = 0, hits = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const c = shade((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size, state, percent);
          if (!c) continue;
          rs += c[0];
          gs += c[1];
          bs += c[2];
          hits++;
        }
      }
      const o = (py * size + px) * 4;
      if (hits === 0) continue;
      out[o] = Math.round(rs / hits);
      out[o + 1] = Math.round(gs / hits);
      out[o + 2] = Math.round(bs / hits);
      out[o + 3] = Math.round((255 * hits) / (SAMPLES * SAMPLES));
    }
  }
  return out;
}

/** The same pixels in BGRA with premultiplied alpha, as Electron's nativeImage.createFromBitmap takes them. */
export function toBgraPremultiplied(rgba: Buffer): Buffer {
  const out = Buffer.alloc(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3]!;
    out[i] = Math.round((rgba[i + 2]! * a) / 255);
    out[i + 1] = Math.round((rgba[i + 1]! * a) / 255);
    out[i + 2] = Math.round((rgba[i]! * a) / 255);
    out[i + 3] = a;
  }
  return out;
}
