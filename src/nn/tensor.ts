/**
 * Tensor shapes. Activations are stored flat, row-major, in CHW order ([channels, height,
 * width]) or as vectors ([length]); the batch size is always 1.
 *
 * Spec: §8.1
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/** A tensor shape: [C, H, W] for images and feature maps, [N] for vectors. Spec: §8.1 */
export type Shape = readonly number[];

/** Largest number of elements delphi-ts accepts in one tensor or weight array (2^28). */
export const MAX_TENSOR_SIZE = 2 ** 28;

/** Number of elements of a tensor of this shape (the product of its dimensions). Spec: §8.1 */
export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `[16, 24, 24]`, for messages. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Whether two shapes are equal dimension by dimension. */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Checks that `shape` is a valid activation shape: rank 1 or 3, positive integer dimensions,
 * at most {@link MAX_TENSOR_SIZE} elements. Spec: §8.1
 */
export function checkShape(shape: unknown, what: string): Shape {
  if (!Array.isArray(shape) || (shape.length !== 1 && shape.length !== 3)) {
    throw new InvalidArgumentError(`${what}: a shape is [C, H, W] or [N], got ${JSON.stringify(shape)}`);
  }
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || (d as number) < 1) {
      throw new InvalidArgumentError(`${what}: dimensions must be positive integers, got ${JSON.stringify(shape)}`);
    }
  }
  if (shapeSize(shape as number[]) > MAX_TENSOR_SIZE) {
    throw new InvalidArgumentError(`${what}: shape ${formatShape(shape as number[])} has more than 2^28 elements`);
  }
  return Object.freeze([...(shape as number[])]);
}

/** `[c, y, x]` (or `[i]`) of the flat index `i` in a tensor of `shape`, for messages. */
export function unflattenIndex(shape: Shape, i: number): number[] {
  const out: number[] = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return out;
}
