/**
 * The WebSocket client channel in Node, on the `ws` package (Node 20 has no global WebSocket):
 * the same {@link WebSocketChannel} a browser uses, plus what `ws` adds — the message limit is
 * enforced while a message's header is parsed, before its payload is buffered, and
 * per-message compression is off (ciphertexts and garbled tables do not compress). Node-only.
 *
 * Spec: §2.8
 * @module
 */
import { WebSocket as WsWebSocket } from 'ws';
import { FRAME_HEADER_BYTES } from '../channel/framing.js';
import { connectWebSocket as connectWith, WEBSOCKET_DEFAULTS, type ConnectWebSocketOptions, type WebSocketChannel, type WebSocketLike } from './websocket.js';

/** Options of the Node {@link connectWebSocketNode}: those of the browser one, plus the Origin to send. */
export interface NodeConnectWebSocketOptions extends Omit<ConnectWebSocketOptions, 'createSocket'> {
  /** Origin header to send (default none: a non-browser client has no page origin). */
  origin?: string;
}

/**
 * Opens `url` with the `ws` package and wraps it in a {@link WebSocketChannel}; see
 * `connectWebSocket` for the failures. Spec: §2.8
 */
export function connectWebSocketNode(url: string, options: NodeConnectWebSocketOptions = {}): Promise<WebSocketChannel> {
  const maxMessageBytes = options.maxMessageBytes ?? WEBSOCKET_DEFAULTS.maxMessageBytes;
  const { origin, ...rest } = options;
  return connectWith(url, {
    ...rest,
    createSocket: (u) =>
      new WsWebSocket(u, {
        maxPayload: maxMessageBytes + FRAME_HEADER_BYTES,
        perMessageDeflate: false,
        ...(origin === undefined ? {} : { origin }),
      }) as unknown as WebSocketLike,
  });
}
