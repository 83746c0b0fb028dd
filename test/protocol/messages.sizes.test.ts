/**
 * fieldVectorMessageBytes (Spec: §9.4) against the messages it bounds: the length of the largest
 * chunk encodeFieldMessage actually writes for vectors below, at and above FIELD_CHUNK entries.
 */
import { describe, expect, it } from 'vitest';
import { encodeFieldMessage, FIELD_CHUNK, fieldVectorMessageBytes, PROTOCOL_TAG } from '../../src/protocol/messages.js';

describe('fieldVectorMessageBytes', () => {
  it('is the length of the largest chunk message of a vector of that length', () => {
    for (const count of [0, 1, 7, FIELD_CHUNK - 1, FIELD_CHUNK, FIELD_CHUNK + 1, 3 * FIELD_CHUNK + 5]) {
      const values = new Float64Array(count).map((_, i) => i % 1000);
      const largest = encodeFieldMessage(PROTOCOL_TAG.RESHARE, 3, values, 0, Math.min(FIELD_CHUNK, count)).length;
      expect(fieldVectorMessageBytes(count), `count ${count}`).toBe(largest);
    }
  });
});
