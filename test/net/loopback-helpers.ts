/**
 * Helpers for tests over real loopback sockets: a raw peer that writes exactly the bytes a test
 * chooses (to play a broken or hostile end), and a collector of the bytes it receives.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { FrameDecoder, type Frame } from '../../src/channel/index.js';

/** A raw TCP server on 127.0.0.1 that hands each accepted socket to `onSocket`. */
export async function rawServer(
  onSocket: (socket: Socket) => void,
  options: { allowHalfOpen?: boolean } = {},
): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: options.allowHalfOpen ?? false }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A raw client socket to 127.0.0.1:port, connected (from `localAddress`, e.g. 127.0.0.2, when given). */
export function rawClient(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ...(localAddress ? { localAddress } : {}) }, () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Collects the frames arriving on `socket` until it closes. */
export function collectFrames(socket: Socket): { frames: Frame[]; closed: Promise<Frame[]> } {
  const frames: Frame[] = [];
  const decoder = new FrameDecoder();
  socket.on('data', (chunk: Uint8Array) => frames.push(...decoder.push(chunk)));
  const closed = new Promise<Frame[]>((resolve) => socket.on('close', () => resolve(frames)));
  return { frames, closed };
}

/** Waits until `predicate` holds, polling every 5 ms (at most `ms`). */
export async function waitFor(predicate: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A port nobody listens on (bound once, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
