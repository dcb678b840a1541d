/** Packet crafting: byte builders for captures, fixtures and tests. */
export * from './bytes.js';
export * from './options.js';
export * from './ipv6.js';
export * from './esp.js';
export * from './mh.js';
export * from './mh-messages.js';
export * from './icmpv6.js';
export * from './vrrp.js';
export * from './udp.js';
