import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachine, type AnyStateMachine } from 'xstate';
import {
  definitionOf,
  describeMachine,
  loadMachines,
  mermaidId,
  toMermaid,
  toSvg,
  transitionLabel,
  writeMachine,
} from '../../scripts/machines.ts';
import { runCommand } from './support.ts';

let machines: AnyStateMachine[] = [];
const out = mkdtempSync(join(tmpdir(), 'camus-machines-'));
beforeAll(async () => {
  machines = (await loadMachines()).machines;
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The definition as it would be read back from the .json file. */
const reloaded = (machine: AnyStateMachine) => createMachine(JSON.parse(JSON.stringify(definitionOf(machine))));

/** toJSON() without guards (a higher-order guard is a function there, and JSON.stringify drops it). */
const withoutGuards = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'guard' ? undefined : v)));

describe('npm run machines', () => {
  it('documents the room and client machines, and the browser’s once they exist', () => {
    expect(machines.map((m) => m.id).slice(0, 2)).toEqual(['room', 'client']);
  });

  it('exports JSON that XState loads back into the same machine', () => {
    for (const machine of machines) {
      const again = reloaded(machine);
      expect(describeMachine(again), machine.id).toEqual(describeMachine(machine));
      expect([...again.root.events].sort(), machine.id).toEqual([...machine.root.events].sort());
      expect(withoutGuards(again.toJSON()), machine.id).toEqual(withoutGuards(machine.toJSON()));
    }
  });

  it('keeps guards, actions with params and delays by name', () => {
    const room = machines.find((m) => m.id === 'room')!;
    const json = JSON.stringify(definitionOf(room));
    expect(json).toContain('"guard":"and(hasSeat, isNewMember)"');
    expect(json).toContain('"after":{"idleTimeout":{"target":"#room.closed"}}');
    const client = JSON.stringify(definitionOf(machines.find((m) => m.id === 'client')!));
    expect(client).toContain('{"type":"announceDeparture","params":{"reason":"never-connected"}}');
    expect(client).not.toContain('"context"');
  });

  it('writes a Mermaid diagram with every state and transition', () => {
    for (const machine of machines) {
      const info = describeMachine(machine);
      const mermaid = toMermaid(info);
      expect(mermaid).toContain('stateDiagram-v2');
      for (const state of info.states) expect(mermaid, `${machine.id} ${state.path}`).toContain(`state "${state.key}" as ${mermaidId(state.path)}`);
      for (const t of info.transitions) {
        for (const target of t.targets.length > 0 ? t.targets : [t.source]) {
          expect(mermaid).toContain(`  ${mermaidId(t.source)} --> ${mermaidId(target)}: ${transitionLabel(t)}\n`);
        }
      }
    }
  });

  it('draws an SVG that is well-formed XML and names every state and event', () => {
    for (const machine of machines) {
      const info = describeMachine(machine);
      const svg = toSvg(info);
      expect(() => checkWellFormed(svg), machine.id).not.toThrow();
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      for (const state of info.states) {
        expect(svg, `${machine.id} ${state.path}`).toContain(`data-state="${state.path}"`);
        expect(svg, `${machine.id} ${state.path}`).toMatch(new RegExp(`>${escapeRegExp(escapeXml(state.key))}( \\(parallel\\))?</text>`));
      }
      for (const t of info.transitions) {
        const event = transitionLabel({ ...t, guard: undefined });
        expect(svg, `${machine.id} ${event}`).toContain(`>${escapeXml(event)}`);
        for (const target of t.targets.length > 0 ? t.targets : [t.source]) {
          expect(svg).toContain(`data-from="${t.source}" data-to="${target}"`);
        }
      }
    }
  });

  it('has an XML check that catches what it should', () => {
    expect(() => checkWellFormed('<svg><g></svg>')).toThrow();
    expect(() => checkWellFormed('<svg><text>a & b</text></svg>')).toThrow();
    expect(() => checkWellFormed('<svg><text x=1>a</text></svg>')).toThrow();
    expect(() => checkWellFormed('<svg/><svg/>')).toThrow();
    expect(() => checkWellFormed('<svg><g a="1"/><text>a &amp; b</text></svg>')).not.toThrow();
  });

  it('writes four files a machine, and runs as a command', async () => {
    const written = writeMachine(machines[0]!, out);
    expect(written.files.map((f) => f.slice(out.length + 1))).toEqual(['room.json', 'room.stately.js', 'room.mmd', 'room.svg']);
    expect(readFileSync(join(out, 'room.stately.js'), 'utf8')).toContain(`createMachine(${JSON.stringify(definitionOf(machines[0]!), null, 2)});`);

    const dir = join(out, 'cli');
    const run = await runCommand(['scripts/machines.ts', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(machines.flatMap((m) => ['json', 'mmd', 'stately.js', 'svg'].map((ext) => `${m.id}.${ext}`)).sort());
    expect(run.stdout).toContain(`wrote ${machines.length} machine(s) to ${dir}`);
    expect((await runCommand(['scripts/machines.ts', '--bogus'])).code).toBe(2);
  });
});

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A small XML well-formedness check: balanced tags, quoted attributes, known entities, nothing stray. */
function checkWellFormed(xml: string): void {
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->|([^<]+)|(<)/g;
  let roots = 0;
  for (const m of xml.matchAll(token)) {
    const [, closing, name, , selfClosing, text, stray] = m;
    if (stray) throw new Error(`stray < at ${m.index}: ${xml.slice(m.index, m.index + 40)}`);
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(text)) throw new Error(`bad entity in ${text}`);
      if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${text}`);
      continue;
    }
    if (name === undefined) continue;
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element at ${m.index}`);
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}
