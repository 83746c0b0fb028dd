/**
 * The cost model (§10.4.1): the byte counts that calibration measures on the channels agree with
 * the analytic counts from the circuit and message formats (activationBytes); cost files round
 * trip and malformed ones are rejected.
 */
import { describe, expect, it } from 'vitest';
import { MalformedInputError } from '../../src/errors.js';
import { reluCost } from '../../src/gc/relu.js';
import { activationBytes, DEFAULT_COST_MODEL } from '../../src/protocol/backends/inference-cost.js';
import { calibrateCostModel } from '../../src/protocol/backends/calibrate.js';
import { parseCostModel } from '../../src/planner/index.js';

describe('cost model', () => {
  it('analytic bytes: garbled tables + 41 correlated OTs + 41 mask labels, 41 share labels online, two field elements', () => {
    const c = reluCost({ kind: 'relu6' });
    expect(c.clientOts).toBe(41);
    expect(c.serverLabelBytes).toBe(82 * 16);
    const b = activationBytes();
    expect(b.relu.preprocessing).toBe(c.tableBytes + 41 * 32 + 41 * 16);
    expect(b.relu.online).toBe(656);
    expect(b.quadratic.online).toBe(12);
  });

  it('calibration measures the same bytes on the channels', async () => {
    const m = await calibrateCostModel({ elements: 128 });
    const b = activationBytes();
    // OT bytes per ReLU, measured as (bytes for 256 ReLUs − bytes for 128) / 128: 41 OTs of 32 bytes plus framing.
    expect(m.relu.preprocessing.bytes).toBeGreaterThanOrEqual(b.relu.preprocessing);
    expect(m.relu.preprocessing.bytes).toBeLessThan(b.relu.preprocessing * 1.02);
    expect(m.relu.online.bytes).toBe(b.relu.online);
    // Two 6-byte openings per element plus one message header each way, spread over 128 elements.
    expect(m.quadratic.online.bytes).toBeGreaterThanOrEqual(12);
    expect(m.quadratic.online.bytes).toBeLessThan(13);
    // BFV square pairs: the client's request and the server's response, one ciphertext each per
    // 8192 slots — more than the online openings, far less than a ReLU.
    expect(m.quadratic.preprocessing.bytes).toBeGreaterThan(12);
    expect(m.quadratic.preprocessing.bytes).toBeLessThan(b.relu.online);
    for (const u of [m.relu.preprocessing, m.relu.online, m.quadratic.online, m.quadratic.preprocessing]) expect(u.ms).toBeGreaterThan(0);
    expect(parseCostModel(JSON.stringify(m))).toEqual(m);
  });

  it('parseCostModel rejects malformed files', () => {
    expect(parseCostModel(JSON.stringify(DEFAULT_COST_MODEL))).toEqual(DEFAULT_COST_MODEL);
    for (const bad of ['{', '{"format":"x","version":1}', JSON.stringify({ ...DEFAULT_COST_MODEL, relu: { online: { ms: -1, bytes: 0 } } })]) {
      expect(() => parseCostModel(bad)).toThrow(MalformedInputError);
    }
  });
});
