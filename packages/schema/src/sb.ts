// Typed rows and metadata for the sb database (see generated/sb.ts).
export * from './generated/sb.js';
