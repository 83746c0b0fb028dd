/**
 * Message channels and transports. Spec: §2.3
 * @module
 */
export * from './channel.js';
