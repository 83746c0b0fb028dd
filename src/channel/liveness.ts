/**
 * The liveness machinery both network channels share (§2.6, §2.8): the checked limits and
 * timeouts every transport has (message size, receive, idle, heartbeat and close-linger times),
 * the periodic ticker that drives heartbeats and deadlines, the deferred idle check, and the
 * linger timer that drops a peer which does not finish closing. The transports differ only in how
 * they probe the peer and how they take their socket down. Browser-safe: timers only.
 *
 * Spec: §2.6, §2.8
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { MAX_FRAME_PAYLOAD } from './framing.js';

/** The limits and timeouts every network channel takes, with the same meanings (§2.6). */
export interface LivenessOptions {
  maxMessageBytes?: number;
  recvTimeoutMs?: number;
  idleTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  closeLingerMs?: number;
}

/** {@link LivenessOptions} checked, defaults filled in. */
export interface Liveness {
  readonly maxMessageBytes: number;
  readonly recvTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly lingerMs: number;
}

/**
 * `value` (or `fallback`) as a timer length; throws {@link InvalidArgumentError} naming `what`
 * unless it is a number of milliseconds a timer accepts. Spec: §2.6
 */
export function checkMs(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || v > 2 ** 31 - 1) throw new InvalidArgumentError(`${what} must be a number of milliseconds in [0, 2^31 − 1], got ${v}`);
  return v;
}

/** Checks the options every network channel shares, taking defaults from `defaults`. Spec: §2.6 */
export function checkLiveness(options: LivenessOptions, defaults: Required<LivenessOptions>): Liveness {
  const max = options.maxMessageBytes ?? defaults.maxMessageBytes;
  if (!Number.isSafeInteger(max) || max < 0 || max > MAX_FRAME_PAYLOAD) {
    throw new InvalidArgumentError(`maxMessageBytes must be an integer in [0, 2^31 − 1], got ${max}`);
  }
  return {
    maxMessageBytes: max,
    recvTimeoutMs: checkMs(options.recvTimeoutMs, defaults.recvTimeoutMs, 'recvTimeoutMs'),
    idleTimeoutMs: checkMs(options.idleTimeoutMs, defaults.idleTimeoutMs, 'idleTimeoutMs'),
    heartbeatMs: checkMs(options.heartbeatIntervalMs, defaults.heartbeatIntervalMs, 'heartbeatIntervalMs'),
    lingerMs: checkMs(options.closeLingerMs, defaults.closeLingerMs, 'closeLingerMs'),
  };
}

/** Calls `tick` every `periodMs` without keeping a Node process alive; stop it with `clearInterval`. */
export function startTicker(periodMs: number, tick: () => void): ReturnType<typeof setInterval> {
  const ticker = setInterval(tick, periodMs);
  (ticker as { unref?: () => void }).unref?.();
  return ticker;
}

/**
 * Once the peer has been silent for `idleMs` at `now` (`lastReceived` the time of its last sign of
 * life), looks again after `defer` has let pending reads run (after a long synchronous computation
 * timers fire before them), and calls `expire` with the idle-timeout reason if the silence still
 * holds and `stillOpen()`. Returns whether a second look was scheduled. Spec: §2.6
 */
export function checkIdle(idleMs: number, now: number, lastReceived: () => number, stillOpen: () => boolean, defer: (f: () => void) => void, expire: (reason: string) => void): boolean {
  if (idleMs <= 0 || now - lastReceived() < idleMs) return false;
  defer(() => {
    if (stillOpen() && Date.now() - lastReceived() >= idleMs) expire(`no data from the peer for ${idleMs} ms (peer gone or connection half-open)`);
  });
  return true;
}

/**
 * After this end asked to close, calls `drop` unless `onClosed` reports the connection closed
 * within `lingerMs`. The timer keeps no Node process alive. Spec: §2.6
 */
export function lingerThenDrop(lingerMs: number, drop: () => void, onClosed: (listener: () => void) => void): void {
  const timer = setTimeout(drop, lingerMs);
  (timer as { unref?: () => void }).unref?.();
  onClosed(() => clearTimeout(timer));
}
