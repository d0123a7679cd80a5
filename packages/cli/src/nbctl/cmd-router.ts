// Commands of the router group.
import type { CommandImpl } from './context.js';

export const commands: Record<string, CommandImpl> = {};
