// @ovnts/net: MAC, IPv4, IPv6 and prefix parsing and formatting, once for every ovnts package.
export * from './bytes.js';
export * from './mac.js';
export * from './ipv4.js';
export * from './ipv6.js';
export * from './ip.js';
export * from './prefix.js';
export * from './ipv6-derived.js';
export * from './text.js';
