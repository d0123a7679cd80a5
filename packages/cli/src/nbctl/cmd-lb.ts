// Commands of the lb group.
import type { CommandImpl } from './context.js';

export const commands: Record<string, CommandImpl> = {};
