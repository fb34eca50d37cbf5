// The wire protocol shared by server and browser. The browser must `import type` from here only:
// the schemas pull in Effect, which would outweigh the rest of the client.
export * from './addresses.ts';
export * from './limits.ts';
export * from './inbound.ts';
export * from './outbound.ts';
export * from './codec.ts';
