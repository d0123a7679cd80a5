// Typed rows and metadata for the nb database (see generated/nb.ts).
export * from './generated/nb.js';
