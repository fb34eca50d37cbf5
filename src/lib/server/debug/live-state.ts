import type { App } from '../../../../server/app.ts';
import { actorState, type LiveState } from '../../../../server/replay/live-check.ts';

/**
 * What this process holds for a room right now, with the log position it includes. Taken in one
 * synchronous step: an event is folded into memory and given its position in the same turn, so the
 * state is exactly the fold of the room's events up to `lastPosition`.
 */
export function liveState(app: App, slug: string): LiveState {
  const lastPosition = app.journal.lastPosition;
  const host = app.registry.get(slug);
  if (!host) return { room: null, clients: [], lastPosition };
  const room = host.state;
  const clients = room.context.members.flatMap((id) => {
    const client = host.clientState(id);
    // A client that has just left is gone once its departure is recorded; replay drops it at once.
    return client && client.status !== 'done' ? [{ id, ...actorState(client) }] : [];
  });
  return { room: actorState(room), clients, lastPosition };
}
