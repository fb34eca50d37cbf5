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
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { clientMachine } from '../server/client/machine.ts';
import { definitionOf, guardText } from '../server/inspect/definition.ts';
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

// ── A structural description, for diagrams and comparisons ────────────────────────────────────

/** The pseudo-state that stands for "any state": the source of transitions declared on the machine itself. */
export const ANY_STATE = '*';

export interface StateInfo {
  /** Dotted path below the machine, e.g. `open.empty`; `*` for the machine itself. */
  readonly path: string;
  readonly key: string;
  readonly type: string;
  /** Path of the initial child, for compound states. */
  readonly initial: string | undefined;
  readonly parent: string | undefined;
  readonly children: readonly string[];
}

export interface TransitionInfo {
  readonly source: string;
  /** Paths of the targets; empty for a transition that stays (actions only). */
  readonly targets: readonly string[];
  /** The event; `xstate.after.…` for a delay, '' for an eventless (`always`) transition. */
  readonly eventType: string;
  /** The delay's name for an `after` transition. */
  readonly delay: string | undefined;
  readonly guard: string | undefined;
  readonly actions: readonly string[];
}

export interface MachineInfo {
  readonly id: string;
  /** The top-level initial state (parallel machines have none). */
  readonly initial: string | undefined;
  readonly states: readonly StateInfo[];
  readonly transitions: readonly TransitionInfo[];
}

const pathOf = (node: AnyStateNode) => (node.parent ? node.path.join('.') : ANY_STATE);

const actionText = (action: unknown): string =>
  typeof action === 'string'
    ? action
    : typeof action === 'function'
      ? action.name || 'inline'
      : String((action as { type?: unknown }).type ?? 'inline');

interface RawTransition {
  readonly target?: readonly AnyStateNode[];
  readonly guard?: unknown;
  readonly actions: readonly unknown[];
  readonly delay?: unknown;
}

export function describeMachine(machine: AnyStateMachine): MachineInfo {
  const states: StateInfo[] = [];
  const transitions: TransitionInfo[] = [];
  const add = (source: AnyStateNode, eventType: string, t: RawTransition) =>
    transitions.push({
      source: pathOf(source),
      targets: (t.target ?? []).map(pathOf),
      eventType,
      delay: typeof t.delay === 'string' || typeof t.delay === 'number' ? String(t.delay) : undefined,
      guard: guardText(t.guard),
      actions: t.actions.map(actionText),
    });
  const visit = (node: AnyStateNode) => {
    const children = Object.values(node.states) as AnyStateNode[];
    if (node.parent) {
      const initialTarget = node.type === 'compound' ? (node.initial?.target?.[0] as AnyStateNode | undefined) : undefined;
      states.push({
        path: pathOf(node),
        key: node.key,
        type: node.type,
        initial: initialTarget ? pathOf(initialTarget) : undefined,
        parent: node.parent.parent ? pathOf(node.parent) : undefined,
        children: children.map(pathOf),
      });
    }
    for (const [eventType, list] of node.transitions) for (const t of list) add(node, eventType, t as RawTransition);
    for (const t of (node.always ?? []) as RawTransition[]) add(node, '', t);
    for (const child of children) visit(child);
  };
  visit(machine.root);
  if (transitions.some((t) => t.source === ANY_STATE)) {
    states.push({ path: ANY_STATE, key: '(any state)', type: 'atomic', initial: undefined, parent: undefined, children: [] });
  }
  const initial = machine.root.type === 'compound' ? (machine.root.initial?.target?.[0] as AnyStateNode | undefined) : undefined;
  return { id: machine.id, initial: initial ? pathOf(initial) : undefined, states, transitions };
}

/** What the arrow says: the event (`after <delay>`, `always`) and the guard. */
export function transitionLabel(t: TransitionInfo): string {
  const event = t.delay !== undefined ? `after ${t.delay}` : t.eventType === '' ? 'always' : t.eventType;
  return t.guard ? `${event} [${t.guard}]` : event;
}

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

// ── SVG ────────────────────────────────────────────────────────────────────────────────────────

const FONT = 13;
const CHAR = 7.9; // advance of a 13px monospace character
const SMALL_CHAR = 6.7; // 11px, for transition labels
const LINE = 14;
const BOX_H = 34;
const PAD = 14;
const INSET = 16;
const TITLE = 22;
const COL_GAP = 70;
const ROW_GAP = 40;
const MARGIN = 30;

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const textWidth = (labels: readonly string[]) => Math.max(0, ...labels.map((l) => l.length * SMALL_CHAR));

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Edge {
  readonly from: string;
  readonly to: string;
  readonly labels: string[];
}

/**
 * A layered drawing, nested like the machine: each compound state lays its children out in columns by
 * their distance from its initial state and is framed (dashed); a parallel state stacks its regions.
 * Arrows carry their events, one line each; self-transitions are loops with the events above them.
 */
export function toSvg(info: MachineInfo): string {
  const byPath = new Map(info.states.map((s) => [s.path, s]));
  const top = info.states.filter((s) => s.parent === undefined).map((s) => s.path);
  const childrenOf = (path: string | undefined) => (path === undefined ? top : byPath.get(path)!.children);

  // One arrow per (source, target) pair, one line per event: its guards joined, or none if one is unguarded.
  const guardsByEdge = new Map<string, { from: string; to: string; events: Map<string, string[] | null> }>();
  for (const t of info.transitions) {
    for (const to of t.targets.length > 0 ? t.targets : [t.source]) {
      const key = `${t.source}>${to}`;
      const entry = guardsByEdge.get(key) ?? { from: t.source, to, events: new Map() };
      const event = transitionLabel({ ...t, guard: undefined });
      const guards = entry.events.has(event) ? entry.events.get(event)! : [];
      entry.events.set(event, guards === null || t.guard === undefined ? null : [...guards, t.guard]);
      guardsByEdge.set(key, entry);
    }
  }
  const edges = new Map<string, Edge>();
  for (const [key, { from, to, events }] of guardsByEdge) {
    const labels = [...events].flatMap(([event, guards]) => (guards === null ? [event] : wrapGuards(event, guards)));
    edges.set(key, { from, to, labels });
  }
  const loopsOf = (path: string) => edges.get(`${path}>${path}`)?.labels ?? [];

  /** The child of `parent` (undefined: the machine) that is or holds `path`. */
  const childUnder = (parent: string | undefined, path: string): string | undefined => {
    let s = byPath.get(path);
    while (s && s.parent !== parent) s = s.parent === undefined ? undefined : byPath.get(s.parent);
    return s?.path;
  };

  // Measuring: a block is a state's rectangle plus room above it for its loop labels.
  interface Layout {
    readonly rw: number;
    readonly rh: number;
    readonly loopH: number;
    readonly w: number;
    readonly h: number;
    /** Children's offsets inside the rectangle. */
    readonly offsets: Map<string, { dx: number; dy: number }>;
  }
  const layouts = new Map<string, Layout>();

  const arrange = (parent: string | undefined, children: readonly string[], initial: string | undefined) => {
    const offsets = new Map<string, { dx: number; dy: number }>();
    const parallel = parent !== undefined && byPath.get(parent)!.type === 'parallel';
    if (parallel) {
      let y = 0;
      let w = 0;
      for (const child of children) {
        const l = measure(child);
        offsets.set(child, { dx: 0, dy: y });
        y += l.h + ROW_GAP / 2;
        w = Math.max(w, l.w);
      }
      return { offsets, w, h: Math.max(0, y - ROW_GAP / 2) };
    }
    // Columns by breadth-first distance from the initial child, over the arrows projected onto the children.
    const projected: [string, string, string[]][] = [];
    for (const e of edges.values()) {
      const a = childUnder(parent, e.from);
      const b = childUnder(parent, e.to);
      if (a && b && a !== b) projected.push([a, b, e.labels]);
    }
    const column = new Map<string, number>();
    const start = initial ?? children[0];
    if (start) {
      column.set(start, 0);
      const queue = [start];
      while (queue.length > 0) {
        const current = queue.shift()!;
        for (const [a, b] of projected) {
          if (a === current && !column.has(b)) {
            column.set(b, column.get(current)! + 1);
            queue.push(b);
          }
        }
      }
    }
    // Final states (and unreachable ones) go in a column of their own after the rest, a row down, so
    // that the arrows into them do not run through the states between.
    const isEnd = (child: string) => byPath.get(child)!.type === 'final' || !column.has(child);
    const reached = Math.max(-1, ...children.filter((c) => !isEnd(c)).map((c) => column.get(c)!));
    const ends = children.filter(isEnd);
    for (const child of ends) column.set(child, reached + 1);
    const columns: string[][] = [];
    for (const child of children) (columns[column.get(child)!] ??= []).push(child);
    // The first row's rectangles line up: a state with loops above it starts higher.
    const firstOfColumns = columns.filter(Boolean).map((members) => members[0]!);
    const topLoop = Math.max(0, ...firstOfColumns.map((c) => measure(c).loopH));
    const firstRow = Math.max(0, ...children.filter((c) => !isEnd(c)).map((c) => topLoop - measure(c).loopH + measure(c).h));
    let x = 0;
    let h = 0;
    columns.forEach((members, c) => {
      if (!members) return;
      let y = c === reached + 1 && reached >= 0 && ends.length > 0 ? firstRow + ROW_GAP : topLoop - measure(members[0]!).loopH;
      const width = Math.max(...members.map((m) => measure(m).w));
      for (const m of members) {
        offsets.set(m, { dx: x, dy: y });
        y += measure(m).h + ROW_GAP;
      }
      h = Math.max(h, y - ROW_GAP);
      const forwardLabels = projected.filter(([a, b]) => column.get(a) === c && column.get(b)! > c).flatMap(([, , l]) => l);
      x += width + Math.max(COL_GAP, textWidth(forwardLabels) + 30);
    });
    return { offsets, w: Math.max(0, x - COL_GAP), h };
  };

  const measure = (path: string): Layout => {
    const known = layouts.get(path);
    if (known) return known;
    const s = byPath.get(path)!;
    const loops = loopsOf(path);
    const loopH = loops.length > 0 ? 30 + loops.length * LINE : 0;
    let rw: number;
    let rh: number;
    let offsets = new Map<string, { dx: number; dy: number }>();
    if (s.children.length === 0) {
      rw = Math.max(90, s.key.length * CHAR + 2 * PAD);
      rh = BOX_H;
    } else {
      const inner = arrange(path, s.children, s.initial);
      offsets = inner.offsets;
      rw = Math.max(inner.w + 2 * INSET, s.key.length * CHAR + 2 * INSET);
      rh = inner.h + TITLE + 2 * INSET;
    }
    const layout = { rw, rh, loopH, w: Math.max(rw, textWidth(loops) + 20), h: rh + loopH, offsets };
    layouts.set(path, layout);
    return layout;
  };

  // Placing.
  const rects = new Map<string, Rect>();
  const place = (path: string, x: number, y: number) => {
    const l = measure(path);
    const rect = { x, y: y + l.loopH, w: l.rw, h: l.rh };
    rects.set(path, rect);
    const inner = byPath.get(path)!.children.length > 0;
    for (const [child, { dx, dy }] of l.offsets) place(child, rect.x + INSET + dx, rect.y + (inner ? TITLE + INSET : 0) + dy);
  };
  const root = arrange(undefined, top, info.initial);
  const originX = MARGIN + 24; // room for the initial dot
  const originY = MARGIN + 30; // below the title
  for (const [child, { dx, dy }] of root.offsets) place(child, originX + dx, originY + dy);

  const parts: string[] = [];
  let maxX = originX + root.w;
  let maxY = originY + root.h;
  const grow = (px: number, py: number) => {
    maxX = Math.max(maxX, px);
    maxY = Math.max(maxY, py);
  };
  const labelLines = (labels: readonly string[], x: number, y: number, anchor: 'start' | 'middle' | 'end') =>
    labels.map((l, i) => `  <text x="${r(x)}" y="${r(y + i * LINE)}" text-anchor="${anchor}">${escapeXml(l)}</text>`).join('\n');

  // Frames first, outermost first, then arrows, then leaf boxes on top.
  const depth = (path: string) => (path === ANY_STATE ? 0 : path.split('.').length);
  const framed = info.states.filter((s) => s.children.length > 0).sort((a, b) => depth(a.path) - depth(b.path));
  for (const s of framed) {
    const rect = rects.get(s.path)!;
    const region = s.parent !== undefined && byPath.get(s.parent)!.type === 'parallel';
    parts.push(
      `<g class="compound${s.type === 'parallel' ? ' parallel' : ''}" data-state="${escapeXml(s.path)}">`,
      `  <rect x="${r(rect.x)}" y="${r(rect.y)}" width="${r(rect.w)}" height="${r(rect.h)}" rx="12" fill="${region ? '#fafbff' : 'none'}" stroke="#8a8fa3" stroke-dasharray="${s.type === 'parallel' ? '2 3' : '6 4'}"/>`,
      `  <text x="${r(rect.x + 10)}" y="${r(rect.y + 16)}" class="compound-name">${escapeXml(s.key)}${s.type === 'parallel' ? ' (parallel)' : ''}</text>`,
      '</g>',
    );
  }

  const seen = new Map<string, number>();
  for (const edge of edges.values()) {
    const a = rects.get(edge.from);
    const b = rects.get(edge.to);
    if (!a || !b) continue;
    let d: string;
    let text: string;
    if (edge.from === edge.to) {
      const leaf = byPath.get(edge.from)!.children.length === 0;
      const cx = leaf ? a.x + a.w / 2 : a.x + a.w - 40;
      d = `M ${r(cx - 12)} ${r(a.y)} C ${r(cx - 28)} ${r(a.y - 30)}, ${r(cx + 28)} ${r(a.y - 30)}, ${r(cx + 12)} ${r(a.y)}`;
      const first = a.y - 26 - (edge.labels.length - 1) * LINE - 4;
      text = labelLines(edge.labels, leaf ? cx : cx + 30, first, leaf ? 'middle' : 'end');
    } else {
      const pair = [edge.from, edge.to].sort().join('|');
      const nth = seen.get(pair) ?? 0;
      seen.set(pair, nth + 1);
      if (b.x >= a.x + a.w) {
        // Forwards: right side to left side, the label above the middle.
        const sy = a.y + Math.min(a.h / 2, BOX_H / 2) + nth * 6;
        const ty = b.y + Math.min(b.h / 2, BOX_H / 2) + nth * 6;
        const sx = a.x + a.w;
        const tx = b.x;
        const mx = (sx + tx) / 2;
        d = sy === ty ? `M ${r(sx)} ${r(sy)} L ${r(tx)} ${r(ty)}` : `M ${r(sx)} ${r(sy)} C ${r(mx)} ${r(sy)}, ${r(mx)} ${r(ty)}, ${r(tx)} ${r(ty)}`;
        text = labelLines(edge.labels, mx, (sy + ty) / 2 - 6 - (edge.labels.length - 1) * LINE, 'middle');
      } else if (a.x >= b.x + b.w) {
        // Backwards: a curve below both, the label under it.
        const sx = a.x + Math.min(a.w / 2, 60);
        const tx = b.x + Math.min(b.w / 2, 60) + 10;
        const sy = a.y + a.h;
        const ty = b.y + b.h;
        const low = Math.max(sy, ty) + 34 + nth * 18;
        d = `M ${r(sx)} ${r(sy)} C ${r(sx)} ${r(low)}, ${r(tx)} ${r(low)}, ${r(tx)} ${r(ty)}`;
        const ly = 0.25 * sy + 0.75 * low + 14;
        text = labelLines(edge.labels, (sx + tx) / 2, ly, 'middle');
        grow(Math.max(sx, tx), ly + edge.labels.length * LINE);
      } else {
        // Above or below each other (or one inside the other): a curve out to the right.
        const sx = a.x + a.w;
        const tx = b.x + b.w;
        const sy = a.y + Math.min(a.h / 2, BOX_H / 2);
        const ty = b.y + Math.min(b.h / 2, BOX_H / 2);
        const out = Math.max(sx, tx) + 40 + nth * 20;
        d = `M ${r(sx)} ${r(sy)} C ${r(out)} ${r(sy)}, ${r(out)} ${r(ty)}, ${r(tx)} ${r(ty)}`;
        const lx = 0.25 * (sx + tx) / 2 + 0.75 * out + 6;
        text = labelLines(edge.labels, lx, (sy + ty) / 2 - ((edge.labels.length - 1) * LINE) / 2, 'start');
        grow(lx + textWidth(edge.labels), Math.max(sy, ty));
      }
    }
    parts.push(
      `<g class="transition" data-from="${escapeXml(edge.from)}" data-to="${escapeXml(edge.to)}">`,
      `  <path d="${d}" fill="none" stroke="#44475a" stroke-width="1.3" marker-end="url(#arrow)"/>`,
      text,
      '</g>',
    );
  }

  for (const s of info.states) {
    if (s.children.length > 0) continue;
    const rect = rects.get(s.path)!;
    const final = s.type === 'final';
    const any = s.path === ANY_STATE;
    parts.push(
      `<g class="state" data-state="${escapeXml(s.path)}">`,
      `  <rect x="${r(rect.x)}" y="${r(rect.y)}" width="${r(rect.w)}" height="${r(rect.h)}" rx="8" fill="${any ? '#ffffff' : '#eef1fb'}" stroke="#3b4a8f" stroke-width="1.5"${any ? ' stroke-dasharray="4 3"' : ''}/>`,
      ...(final ? [`  <rect x="${r(rect.x + 4)}" y="${r(rect.y + 4)}" width="${r(rect.w - 8)}" height="${r(rect.h - 8)}" rx="6" fill="none" stroke="#3b4a8f"/>`] : []),
      `  <text x="${r(rect.x + rect.w / 2)}" y="${r(rect.y + rect.h / 2 + 4.5)}" text-anchor="middle" class="state-name">${escapeXml(s.key)}</text>`,
      '</g>',
    );
    grow(rect.x + rect.w, rect.y + rect.h);
  }

  // Initial markers: a dot and an arrow into each compound's initial state, and the machine's.
  const initials: string[] = [...(info.initial ? [info.initial] : []), ...info.states.flatMap((s) => (s.initial ? [s.initial] : []))];
  for (const path of initials) {
    const rect = rects.get(path)!;
    const y = rect.y + Math.min(rect.h / 2, BOX_H / 2);
    parts.push(
      `<g class="initial" data-state="${escapeXml(path)}"><circle cx="${r(rect.x - 14)}" cy="${r(y)}" r="4" fill="#3b4a8f"/>` +
        `<path d="M ${r(rect.x - 10)} ${r(y)} L ${r(rect.x)} ${r(y)}" stroke="#3b4a8f" stroke-width="1.3" marker-end="url(#arrow)"/></g>`,
    );
  }

  const width = Math.ceil(maxX + MARGIN);
  const height = Math.ceil(maxY + MARGIN);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="${FONT}">`,
    `<title>${escapeXml(info.id)} machine</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#44475a"/></marker></defs>',
    '<style>.state-name{font-weight:600;fill:#1d2340}.compound-name{fill:#6b7089;font-style:italic}.transition text{fill:#44475a;font-size:11px;paint-order:stroke;stroke:#ffffff;stroke-width:3px;stroke-linejoin:round}</style>',
    '<rect width="100%" height="100%" fill="#ffffff"/>',
    `<text x="${MARGIN}" y="${MARGIN + 4}" font-size="16" font-weight="700" fill="#1d2340">${escapeXml(info.id)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

const r = (n: number) => Math.round(n * 10) / 10;

/** `EVENT [a | b | c]`, broken into lines of about 34 characters at the `|`s. */
function wrapGuards(event: string, guards: readonly string[]): string[] {
  const lines: string[] = [];
  let line = `${event} [`;
  guards.forEach((guard, i) => {
    const piece = `${guard}${i === guards.length - 1 ? ']' : ' |'}`;
    if (line.length + piece.length > 34 && !line.endsWith('[')) {
      lines.push(line);
      line = `  ${piece}`;
    } else {
      line += line.endsWith('[') ? piece : ` ${piece}`;
    }
  });
  lines.push(line);
  return lines;
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
