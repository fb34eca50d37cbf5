import { describe, expect, it } from 'vitest';
import { FIXTURES, generate, toJsonl, type FixtureName } from '../fixtures/logs/generate.ts';
import { readGolden } from './support.ts';

describe('golden event logs', () => {
  it.each(Object.keys(FIXTURES) as FixtureName[])(
    '%s is what its scripted session records today (regenerate: npx tsx tests/fixtures/logs/generate.ts)',
    async (name) => {
      expect(toJsonl(await generate(name))).toBe(readGolden(`${name}.jsonl`));
    },
  );
});
