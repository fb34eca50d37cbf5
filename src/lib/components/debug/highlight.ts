import { statePaths } from './format';

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Marks, in a machine diagram drawn by server/inspect/svg.ts, the states a value is in (class `active`)
 * and the arrow from the previous value to it (class `taken`). Only attributes the drawing wrote are
 * touched, so the markup stays what the server generated.
 */
export function highlightDiagram(svg: string, value: unknown, previous: unknown): string {
  const active = new Set(statePaths(value).map(escapeXml));
  const before = new Set(previous === null || previous === undefined ? [] : statePaths(previous).map(escapeXml));
  return svg
    .replace(/<g class="(state|compound)((?: parallel)?)" data-state="([^"]*)">/g, (tag, kind: string, parallel: string, path: string) =>
      active.has(path) ? `<g class="${kind}${parallel} active" data-state="${path}">` : tag,
    )
    .replace(/<g class="transition" data-from="([^"]*)" data-to="([^"]*)">/g, (tag, from: string, to: string) =>
      before.has(from) && active.has(to) ? `<g class="transition taken" data-from="${from}" data-to="${to}">` : tag,
    );
}
