import { ANY_STATE, type MachineInfo } from './machine-info.ts';
import { BOX_H, FONT, LINE, MARGIN, layOut, textWidth } from './svg-layout.ts';

export const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The machine as an SVG drawing (no network, no dependency): states as boxes, compound states framed
 * (dashed), arrows carrying their events one line each, self-transitions as loops with the events above.
 * Every label is escaped; groups carry `data-state`, or `data-from` and `data-to`, for highlighting.
 */
export function toSvg(info: MachineInfo): string {
  const { byPath, edges, rects, right, bottom } = layOut(info);
  const parts: string[] = [];
  let maxX = right;
  let maxY = bottom;
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
