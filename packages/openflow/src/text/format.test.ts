import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatFlow, parseFlow } from '../index.js';

const corpus = readFileSync(new URL('../../fixtures/flows.txt', import.meta.url), 'utf8').split('\n').filter(Boolean);

describe('text format', () => {
  for (const line of corpus) {
    it(line.slice(0, 60), () => {
      expect(formatFlow(parseFlow(line))).toBe(line);
    });
  }
});
