// Typed rows and metadata for the vswitch database (see generated/vswitch.ts).
export * from './generated/vswitch.js';
