import type { App } from '../../../../server/app.ts';

export interface OpenRoom {
  readonly slug: string;
  readonly name: string;
  readonly isPublic: boolean;
  readonly participants: number;
  readonly state: unknown;
  readonly lastActiveAt: number;
}

/** Every open room, public or not, most recently active first. */
export function openRooms(app: App): OpenRoom[] {
  const rooms: OpenRoom[] = [];
  for (const host of app.registry.open()) {
    const { value, context } = host.state;
    rooms.push({ slug: host.slug, name: context.name, isPublic: context.isPublic, participants: host.participants().length, state: value, lastActiveAt: host.lastActiveAt });
  }
  return rooms.sort((a, b) => b.lastActiveAt - a.lastActiveAt);
}
