import type { DefaultUsername } from '$protocol/outbound.ts';

/** The people in the room by id, with the names they go by. */
export type Roster = ReadonlyMap<string, string>;

/** What room-info calls someone whose page has not given their name yet. */
const UNNAMED: DefaultUsername = 'Major Tom';

/**
 * What the chat says about the room's comings and goings between two room-infos: who joined, who left,
 * who took another name. The own id is left out (the page itself says when you enter or leave). A page
 * connects before it sends its name, so someone still unnamed is not announced yet: they join under
 * the name they give, and one who leaves unnamed was never announced.
 */
export function rosterNotices(before: Roster, after: Roster, ownId: string | null): string[] {
  const named = (roster: Roster, id: string) => {
    const name = roster.get(id);
    return name === UNNAMED ? undefined : name;
  };
  const notices: string[] = [];
  for (const id of after.keys()) {
    const [previous, name] = [named(before, id), named(after, id)];
    if (id === ownId || name === undefined) continue;
    if (previous === undefined) notices.push(`${name} joined`);
    else if (previous !== name) notices.push(`${previous} is now ${name}`);
  }
  for (const id of before.keys()) {
    const previous = named(before, id);
    if (id !== ownId && previous !== undefined && !after.has(id)) notices.push(`${previous} left`);
  }
  return notices;
}
