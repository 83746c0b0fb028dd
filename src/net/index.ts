/**
 * The browser-safe parts of the transports: the HELLO handshake and the WebSocket client channel.
 * The channel interface, the in-memory pair and stream framing are in src/channel
 * (`delphi-ts/channel`); the TCP channel and server need Node and live in `./node.ts` (entry point
 * `delphi-ts/net/node`). Spec: §2.5
 * @module
 */
export {
  DELPHI_PROTOCOL_NAME, DELPHI_PROTOCOL_VERSION, type HandshakeOptions, type HandshakeResult,
  type HandshakeRole, type Hello, performHandshake, type ProtocolVersion,
} from './handshake.js';
export {
  connectWebSocket, type ConnectWebSocketOptions, WebSocketChannel, type WebSocketChannelOptions,
  type WebSocketLike, type WebSocketWireStats,
} from './websocket.js';
