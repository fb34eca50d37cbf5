/** Every state a state value is in, outermost first: `{ open: 'empty' }` → `open`, `open.empty`. */
export function statePaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => [
    `${prefix}${key}`,
    ...statePaths(child, `${prefix}${key}.`),
  ]);
}

/** A state value as text: `open.empty`; the regions of a parallel state joined by commas. */
export function stateText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return Object.entries(value as Record<string, unknown>)
    .map(([key, child]) => (typeof child === 'string' ? `${key}.${child}` : `${key}.${stateText(child)}`))
    .join(', ');
}

/** Time of day with milliseconds, UTC: the log's resolution. */
export const timeText = (at: number): string => new Date(at).toISOString().slice(11, 23);

export const dateTimeText = (at: number): string => `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

export const shortId = (id: string): string => id.slice(0, 8);

/** A field's value for people: ids shortened, everything else as JSON. */
export function valueText(key: string, value: unknown): string {
  if ((key === 'to' || key === 'clientId') && typeof value === 'string') return shortId(value);
  if (key === 'members' && Array.isArray(value)) return `[${value.map((id) => shortId(String(id))).join(', ')}]`;
  if (value === undefined) return '—';
  return JSON.stringify(value);
}
