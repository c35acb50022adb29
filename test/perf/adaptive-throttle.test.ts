import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../engine/core/clock';
import { AdaptiveThrottle, type AdaptiveSettings } from '../../engine/snapshot/adaptive-throttle';
import type { IoCounters } from '../../engine/snapshot/device-load';

const MiB = 1024 * 1024;
const SETTINGS: AdaptiveSettings = { ceiling: 0, floor: 4 * MiB, start: 32 * MiB, windowMs: 250, busyBytesPerSecond: 512 * 1024 };

/** A device whose traffic is ours plus whatever `othersPerWindow` says the others did. */
function fakeDevice() {
  const c: IoCounters = { deviceBytes: 0, ownBytes: 0 };
  return {
    sample: async () => ({ ...c }),
    ours(n: number) {
      c.ownBytes += n;
      c.deviceBytes += n;
    },
    others(n: number) {
      c.deviceBytes += n;
    },
  };
}

/** Feeds one window of reads at the throttle's pace, advancing the fake clock past each sleep. */
async function window(t: AdaptiveThrottle, clock: FakeClock, dev: ReturnType<typeof fakeDevice>, othersBytes: number) {
  dev.others(othersBytes);
  const chunk = 1 * MiB;
  dev.ours(chunk);
  const p = t.consumed(chunk);
  await new Promise((r) => setImmediate(r));
  clock.advance(SETTINGS.windowMs);
  await p;
}

test('the adaptive throttle halves its rate while others use the device, never under the floor', async () => {
  const clock = new FakeClock(0);
  const dev = fakeDevice();
  const t = new AdaptiveThrottle(clock, dev.sample, SETTINGS);
  assert.equal(t.bytesPerSecond, 32 * MiB);
  const seen: number[] = [];
  for (let i = 0; i < 6; i++) {
    await window(t, clock, dev, 8 * MiB);
    seen.push(t.bytesPerSecond / MiB);
  }
  assert.deepEqual(seen.slice(1), [16, 8, 4, 4, 4]);
});

test('the adaptive throttle speeds up again when the device is quiet, up to the ceiling', async () => {
  const clock = new FakeClock(0);
  const dev = fakeDevice();
  const t = new AdaptiveThrottle(clock, dev.sample, { ...SETTINGS, ceiling: 64 * MiB });
  for (let i = 0; i < 12; i++) await window(t, clock, dev, 0);
  assert.equal(t.bytesPerSecond, 64 * MiB);
  await window(t, clock, dev, 4 * MiB);
  assert.equal(t.bytesPerSecond, 32 * MiB);
});

test('without a ceiling a quiet device lifts the limit entirely; traffic of its own does not count', async () => {
  const clock = new FakeClock(0);
  const dev = fakeDevice();
  const t = new AdaptiveThrottle(clock, dev.sample, SETTINGS);
  for (let i = 0; i < 20; i++) {
    dev.ours(100 * MiB);
    await window(t, clock, dev, 0);
  }
  assert.equal(t.bytesPerSecond, 0);
});

test('without device statistics the adaptive throttle keeps its start rate and really paces', async () => {
  const clock = new FakeClock(0);
  const t = new AdaptiveThrottle(clock, async () => null, SETTINGS);
  let done = false;
  const p = t.consumed(32 * MiB).then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  clock.advance(500);
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false, 'it must sleep about a second for 32 MiB at 32 MiB/s');
  clock.advance(600);
  await p;
  assert.equal(t.bytesPerSecond, 32 * MiB);
});
