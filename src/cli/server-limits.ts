/**
 * The connection-slot and deadline flags of `delphi serve` (§2.6, §2.7): how many clients may wait
 * in the handshake, how many per address, how fast a frame must arrive and how long a peer may
 * leave our writes unread. Parsed into {@link TcpServerOptions}.
 *
 * Spec: §2.7
 * @module
 */
import type { TcpServerOptions } from '../net/tcp-server.js';
import { UsageError } from './command.js';

/** Usage lines of the slot and deadline flags. */
export const SERVER_LIMITS_USAGE = `  --max-pending N         connections in the handshake at once (default 64)
  --max-per-address N     connections from one client address at once (default 8)
  --max-sessions-per-address N  sessions from one client address at once (default: half of --max-clients)
  --retry-after SEC       retry hint sent to a client turned away as busy (default 5)
  --write-stall-timeout SEC  drop a peer that leaves our writes unread this long (default 60)
  --min-recv-rate BYTES   a frame in progress must arrive at this many bytes/s after 10 s (default 1024; 0 disables)`;

/** parseArgs option table of the slot and deadline flags. */
export const SERVER_LIMITS_OPTIONS = {
  'max-pending': { type: 'string' },
  'max-per-address': { type: 'string' },
  'max-sessions-per-address': { type: 'string' },
  'retry-after': { type: 'string' },
  'write-stall-timeout': { type: 'string' },
  'min-recv-rate': { type: 'string' },
} as const;

type LimitValues = { [K in keyof typeof SERVER_LIMITS_OPTIONS]?: string };

function number(text: string, flag: string, { integer = false, zero = false } = {}): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || (!zero && v === 0) || (integer && !Number.isSafeInteger(v))) {
    throw new UsageError(`${flag} takes a ${zero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}, got "${text}"`);
  }
  return v;
}

function ms(text: string, flag: string): number {
  const v = Math.round(number(text, flag) * 1000);
  if (v > 2 ** 31 - 1) throw new UsageError(`${flag} is too long`);
  return v;
}

/** Reads the slot and deadline flags; absent flags keep the library defaults. Spec: §2.7 */
export function serverLimits(values: LimitValues): Partial<TcpServerOptions> {
  const out: Partial<TcpServerOptions> = {};
  if (values['max-pending'] !== undefined) out.maxPendingHandshakes = number(values['max-pending'], '--max-pending', { integer: true });
  if (values['max-per-address'] !== undefined) out.maxConnectionsPerAddress = number(values['max-per-address'], '--max-per-address', { integer: true });
  if (values['max-sessions-per-address'] !== undefined) {
    out.maxSessionsPerAddress = number(values['max-sessions-per-address'], '--max-sessions-per-address', { integer: true });
  }
  if (values['retry-after'] !== undefined) out.retryAfterSeconds = number(values['retry-after'], '--retry-after', { zero: true });
  if (values['write-stall-timeout'] !== undefined) out.writeStallTimeoutMs = ms(values['write-stall-timeout'], '--write-stall-timeout');
  if (values['min-recv-rate'] !== undefined) out.minReceiveBytesPerSecond = number(values['min-recv-rate'], '--min-recv-rate', { zero: true });
  return out;
}
