import { ANY_STATE, transitionLabel, type MachineInfo, type StateInfo } from './machine-info.ts';

// Measures for the SVG drawing (13px monospace); the drawing itself is in svg.ts.
export const FONT = 13;
const CHAR = 7.9; // advance of a 13px monospace character
const SMALL_CHAR = 6.7; // 11px, for transition labels
export const LINE = 14;
export const BOX_H = 34;
const PAD = 14;
const INSET = 16;
const TITLE = 22;
const COL_GAP = 70;
const ROW_GAP = 40;
export const MARGIN = 30;

export const textWidth = (labels: readonly string[]) => Math.max(0, ...labels.map((l) => l.length * SMALL_CHAR));

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly labels: string[];
}

export interface Layout {
  readonly byPath: ReadonlyMap<string, StateInfo>;
  /** One arrow per (source, target) pair. */
  readonly edges: ReadonlyMap<string, Edge>;
  readonly rects: ReadonlyMap<string, Rect>;
  /** The bottom-right corner of the placed states (arrows and labels may reach further). */
  readonly right: number;
  readonly bottom: number;
}

/**
 * A layered layout, nested like the machine: each compound state lays its children out in columns by
 * their distance from its initial state; a parallel state stacks its regions. Self-transitions get
 * room above their state for their labels.
 */
export function layOut(info: MachineInfo): Layout {
  const byPath = new Map(info.states.map((s) => [s.path, s]));
  const top = info.states.filter((s) => s.parent === undefined).map((s) => s.path);

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
  interface Block {
    readonly rw: number;
    readonly rh: number;
    readonly loopH: number;
    readonly w: number;
    readonly h: number;
    /** Children's offsets inside the rectangle. */
    readonly offsets: Map<string, { dx: number; dy: number }>;
  }
  const layouts = new Map<string, Block>();

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

  const measure = (path: string): Block => {
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
  return { byPath, edges, rects, right: originX + root.w, bottom: originY + root.h };
}

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
