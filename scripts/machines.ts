/**
 * `npm run machines [-- <dir>]`: writes every state machine's definition and diagrams, offline, into
 * `<dir>` (default `build/machines/`, which is not committed):
 *
 *   <id>.json        the machine config as plain JSON (guards, actions and delays by name)
 *   <id>.stately.js  the same wrapped in `createMachine(...)`: paste it into Stately's "Import from code"
 *   <id>.mmd         a Mermaid `stateDiagram-v2`
 *   <id>.svg         a diagram drawn here (no network, no dependency): states as boxes, transitions as arrows
 *
 * The room and client machines always; the browser's signaling and peer machines when those files exist.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { clientMachine } from '../server/client/machine.ts';
import { definitionOf, guardText } from '../server/inspect/definition.ts';
import { ANY_STATE, describeMachine, transitionLabel, type MachineInfo } from '../server/inspect/machine-info.ts';
import { toSvg } from '../server/inspect/svg.ts';
import { roomMachine } from '../server/room/machine.ts';

const ROOT = resolve(import.meta.dirname, '..');
export const DEFAULT_OUT = join(ROOT, 'build', 'machines');
/** Browser machines, exported by whatever name: included once they exist. */
const OPTIONAL_MODULES = ['src/lib/signaling/machine.ts', 'src/lib/webrtc/peer-machine.ts'];

// ── The machines ───────────────────────────────────────────────────────────────────────────────

const isMachine = (value: unknown): value is AnyStateMachine =>
  typeof value === 'object' && value !== null && 'root' in value && 'config' in value && typeof (value as { transition?: unknown }).transition === 'function';

/** Every machine to document: the server's, then the browser's that exist. */
export async function loadMachines(root = ROOT): Promise<{ machines: AnyStateMachine[]; skipped: string[] }> {
  const machines: AnyStateMachine[] = [roomMachine, clientMachine];
  const skipped: string[] = [];
  for (const file of OPTIONAL_MODULES) {
    const path = join(root, file);
    if (!existsSync(path)) {
      skipped.push(file);
      continue;
    }
    const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    for (const value of Object.values(module)) if (isMachine(value) && !machines.includes(value)) machines.push(value);
  }
  return { machines, skipped };
}

// The structural description and the SVG drawing live in server/inspect/, where the debug page uses them too.
export { ANY_STATE, describeMachine, toSvg, transitionLabel, type MachineInfo };
export type { StateInfo, TransitionInfo } from '../server/inspect/machine-info.ts';

// ── Mermaid ────────────────────────────────────────────────────────────────────────────────────

/** Prefixed, so that no state id collides with a Mermaid keyword. */
export const mermaidId = (path: string) => (path === ANY_STATE ? 'any_state' : `s_${path.replace(/[^A-Za-z0-9_]/g, '_')}`);

export function toMermaid(info: MachineInfo): string {
  const lines = ['---', `title: ${info.id}`, '---', 'stateDiagram-v2'];
  const byPath = new Map(info.states.map((s) => [s.path, s]));
  const declare = (paths: readonly string[], indent: string) => {
    for (const path of paths) {
      const s = byPath.get(path)!;
      const id = mermaidId(s.path);
      lines.push(`${indent}state "${s.key}" as ${id}`);
      if (s.children.length > 0) {
        lines.push(`${indent}state ${id} {`);
        if (s.initial !== undefined) lines.push(`${indent}  [*] --> ${mermaidId(s.initial)}`);
        if (s.type === 'parallel') {
          // Regions of a parallel state are separated by `--`.
          s.children.forEach((region, i) => {
            if (i > 0) lines.push(`${indent}  --`);
            declare([region], `${indent}  `);
          });
        } else {
          declare(s.children, `${indent}  `);
        }
        lines.push(`${indent}}`);
      }
      if (s.type === 'final') lines.push(`${indent}${id} --> [*]`);
    }
  };
  declare(
    info.states.filter((s) => s.parent === undefined).map((s) => s.path),
    '  ',
  );
  if (info.initial) lines.push(`  [*] --> ${mermaidId(info.initial)}`);
  for (const t of info.transitions) {
    const targets = t.targets.length > 0 ? t.targets : [t.source];
    for (const target of targets) lines.push(`  ${mermaidId(t.source)} --> ${mermaidId(target)}: ${transitionLabel(t).replace(/:/g, '∶')}`);
  }
  return `${lines.join('\n')}\n`;
}

export { definitionOf, guardText };

// ── Output ─────────────────────────────────────────────────────────────────────────────────────

export interface Written {
  readonly id: string;
  readonly files: readonly string[];
}

export function writeMachine(machine: AnyStateMachine, outDir: string): Written {
  mkdirSync(outDir, { recursive: true });
  const json = JSON.stringify(definitionOf(machine), null, 2);
  const info = describeMachine(machine);
  const files: [string, string][] = [
    [`${machine.id}.json`, `${json}\n`],
    [
      `${machine.id}.stately.js`,
      `// Paste into Stately's editor: Code panel → Import (or Machine → Import). Generated by npm run machines.\nimport { createMachine } from 'xstate';\n\nexport const ${machine.id}Machine = createMachine(${json});\n`,
    ],
    [`${machine.id}.mmd`, toMermaid(info)],
    [`${machine.id}.svg`, toSvg(info)],
  ];
  for (const [name, content] of files) writeFileSync(join(outDir, name), content);
  return { id: machine.id, files: files.map(([name]) => join(outDir, name)) };
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length > 1 || argv[0]?.startsWith('-')) {
    process.stderr.write('Usage: npm run machines [-- <output directory>]   (default build/machines)\n');
    return 2;
  }
  const outDir = resolve(argv[0] ?? DEFAULT_OUT);
  const { machines, skipped } = await loadMachines();
  for (const machine of machines) {
    const written = writeMachine(machine, outDir);
    process.stdout.write(`${written.id}: ${written.files.map((f) => f.slice(outDir.length + 1)).join(', ')}\n`);
  }
  for (const file of skipped) process.stdout.write(`(skipped ${file}: not there yet)\n`);
  process.stdout.write(`wrote ${machines.length} machine(s) to ${outDir}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
