/** Tables for people, one JSON line per part for tools, and the budget verdicts of the run. */

export type Cell = string | number | undefined;

export function table(title: string, header: readonly string[], rows: readonly (readonly Cell[])[], notes: readonly string[] = []): string {
  const text = rows.map((row) => header.map((_, i) => cell(row[i])));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)));
  // Columns of figures are right-aligned; labels and prose left-aligned.
  const numeric = header.map((_, i) => i > 0 && rows.some((r) => typeof r[i] === 'number') && rows.every((r) => typeof r[i] !== 'string' || /^[\d.,x ()%+-]*$/.test(r[i] as string)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [`\n## ${title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)];
  for (const note of notes) out.push(`  ${note}`);
  return out.join('\n');
}

function cell(value: Cell): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? fixed(value) : '-';
  return value;
}

function fixed(value: number): string {
  const abs = Math.abs(value);
  if (Number.isInteger(value) || abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Microseconds as milliseconds, the unit latency tables use. */
export const ms = (micros: number): number => micros / 1000;
export const ratio = (value: number, baseline: number): string =>
  Number.isFinite(value) && Number.isFinite(baseline) && baseline > 0 ? `${(value / baseline).toFixed(2)}x` : '-';
export const mib = (bytes: number): number => bytes / (1024 * 1024);
export const kib = (bytes: number): number => bytes / 1024;
export const pct = (fraction: number): string => (Number.isFinite(fraction) ? `${(fraction * 100).toFixed(fraction === 0 ? 0 : 3)}%` : '-');

export function jsonLine(part: string, data: unknown): string {
  return JSON.stringify({ bench: part, ...(data as object) }, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

export interface Budget {
  readonly part: string;
  readonly name: string;
  /** The rule, as the issue states it. */
  readonly rule: string;
  readonly measured: string;
  /** undefined: not checked in this run (and why, in `measured`). */
  readonly pass: boolean | undefined;
}

export class Budgets {
  readonly all: Budget[] = [];

  add(budget: Budget): void {
    this.all.push(budget);
  }

  render(): string {
    const verdict = (b: Budget) => (b.pass === undefined ? 'n/a' : b.pass ? 'ok' : 'MISS');
    return table(
      'Budgets (ratios against the baseline measured in the same run)',
      ['budget', 'rule', 'measured', 'verdict'],
      this.all.map((b) => [b.name, b.rule, b.measured, verdict(b)]),
    );
  }

  get misses(): Budget[] {
    return this.all.filter((b) => b.pass === false);
  }
}
