import { describe, expect, it } from 'vitest';
import { UsageError, parseArgs } from './args.ts';

describe('replay arguments', () => {
  it('takes a slug and nothing else by default', () => {
    expect(parseArgs(['excellent-adventure'])).toEqual({
      slug: 'excellent-adventure',
      fromPosition: undefined,
      toPosition: undefined,
      since: undefined,
      until: undefined,
      client: undefined,
      json: false,
      follow: false,
      help: false,
    });
  });

  it('reads positions, times (ISO 8601 or epoch ms), a client prefix and flags in any order', () => {
    const args = parseArgs(['--json', '--from', '3', 'room', '--to', '9', '--since', '2023-11-14T22:13:59.575Z', '--until', '1700000044075', '--client', 'b0b', '--follow']);
    expect(args).toMatchObject({
      slug: 'room',
      fromPosition: 3,
      toPosition: 9,
      since: 1_700_000_039_575,
      until: 1_700_000_044_075,
      client: 'b0b',
      json: true,
      follow: true,
    });
  });

  it('answers --help without a slug', () => {
    expect(parseArgs(['--help']).help).toBe(true);
    expect(parseArgs(['-h']).help).toBe(true);
  });

  it.each([
    [[], /which room\?/],
    [['a', 'b'], /one room at a time \(got a, b\)/],
    [['room', '--bogus'], /unknown option --bogus/],
    [['room', '--from', 'abc'], /--from takes a position \(a whole number\), got "abc"/],
    [['room', '--from', '-1'], /--from takes a position \(a whole number\), got "-1"/],
    [['room', '--to'], /--to needs a value/],
    [['room', '--from', '5', '--to', '2'], /--from is after --to/],
    [['room', '--since', 'yesterday'], /--since takes an ISO 8601 time/],
    [['room', '--since', '2000', '--until', '1000'], /--since is after --until/],
    [['room', '--client', 'Bob'], /--client takes a client id/],
  ])('refuses %j', (argv, reason) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(reason);
  });
});
