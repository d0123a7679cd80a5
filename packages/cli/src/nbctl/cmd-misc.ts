// Commands of the misc group.
import type { CommandImpl } from './context.js';

export const commands: Record<string, CommandImpl> = {};
