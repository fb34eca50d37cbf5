/** The ramp: 100 rooms x 4 at rising rates until p99 passes its limit or a message is lost. */
import { jsonLine, ratio, table, type Cell } from '../lib/report.ts';
import type { ServerKind } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';
import type { Generator } from './generator-client.ts';
import { KINDS, figures, measure, onBoth, setup, type Figures } from './harness.ts';
import { SCENARIOS, budgetNote, clientsOf, rateCap } from './scenarios.ts';

const RAMP_P99_MS = 50;

export async function runRamp(gen: Generator, settings: Settings, print: (text: string) => void) {
  const s = SCENARIOS[0]!;
  const cap = rateCap(s);
  const rates: number[] = [];
  for (let rate = 1000; rate < cap; rate = Math.round(rate * 1.5)) rates.push(rate);
  rates.push(cap);
  type Step = { rate: number; f: Figures; pass: boolean; why: string };
  const steps = await onBoth(gen, settings, async (servers) => {
    for (const kind of KINDS) await setup(gen, settings, servers[kind], s.rooms, s.perRoom, 'ramp');
    const out: Record<ServerKind, Step[]> = { baseline: [], camus: [] };
    for (const rate of rates) {
      // Each step runs on both servers back to back; a server that failed a step is not pushed further.
      const live = KINDS.filter((kind) => out[kind].every((step) => step.pass));
      if (live.length === 0) break;
      for (const kind of live) {
        // On a shared machine one step can fail from a neighbour's burst: a failed step is tried once more.
        for (let attempt = 1; attempt <= 2; attempt++) {
          const f = figures(clientsOf(s), await measure(gen, settings, servers[kind], s, rate, settings.rampStepMs, 1000));
          const why = [f.p99Ms > RAMP_P99_MS ? `p99 ${f.p99Ms.toFixed(1)} ms` : '', f.lost > 0 ? `${f.lost} lost` : '', f.errorFrames > 0 ? `${f.errorFrames} errors` : '']
            .filter(Boolean)
            .join(', ');
          if (!why || attempt === 2) {
            out[kind].push({ rate, f, pass: why === '', why: why && `twice: ${why}` });
            break;
          }
        }
      }
    }
    return out;
  });
  const highest = (kind: ServerKind) => Math.max(0, ...steps[kind].filter((x) => x.pass).map((x) => x.f.achievedRate));
  const describe = (step: { f: Figures; pass: boolean; why: string } | undefined) =>
    step ? `p99 ${step.f.p99Ms.toFixed(1)} ms, cpu ${step.f.serverCpuPct.toFixed(0)}%${step.pass ? '' : ` -> stop (${step.why})`}` : 'not run';
  const rows: Cell[][] = rates.map((rate) => [
    String(rate),
    describe(steps.baseline.find((x) => x.rate === rate)),
    describe(steps.camus.find((x) => x.rate === rate)),
  ]);
  rows.push(['highest sustained, msg/s', String(highest('baseline')), `${highest('camus')}  (${ratio(highest('camus'), highest('baseline'))})`]);
  const top = (kind: ServerKind) => steps[kind].at(-1)?.f.generatorCpuPct ?? 0;
  print(
    table(`Ramp: ${s.rooms} rooms x ${s.perRoom}, until p99 > ${RAMP_P99_MS} ms or a message is lost`, ['target msg/s', 'baseline', 'camus'], rows, [
      `steps of ${settings.rampStepMs / 1000} s after 1 s warm-up, a failed step retried once; capped at ${cap} msg/s so that ${budgetNote(s, cap)}.`,
      `generator CPU at the last step: ${top('baseline').toFixed(0)}% (baseline run), ${top('camus').toFixed(0)}% (camus run)` +
        (Math.max(top('baseline'), top('camus')) > 85 ? ' -- the generator is near one core: use --workers on a bigger machine.' : '.'),
    ]),
  );
  print(jsonLine('ramp', { scenario: s.key, highest: { baseline: highest('baseline'), camus: highest('camus') }, steps }));
}
