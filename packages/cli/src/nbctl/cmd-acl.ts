// Commands of the acl group.
import type { CommandImpl } from './context.js';

export const commands: Record<string, CommandImpl> = {};
