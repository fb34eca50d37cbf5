import type { SnapshotFrom } from 'xstate';
import type { App } from '../../../../server/app.ts';
import type { ClientMachine } from '../../../../server/client/machine.ts';
import { describeMachine } from '../../../../server/inspect/machine-info.ts';
import { toSvg } from '../../../../server/inspect/svg.ts';
import { configuredMachines } from '../../../../server/runtime/machines.ts';
import { replayRoom, type ReplayProblem } from '../../../../server/runtime/replay.ts';
import { roomStream } from '../../../../server/runtime/streams.ts';
import { buildTimeline, type TimelineEntry } from '../../../../server/replay/timeline.ts';

export interface Participant {
  readonly id: string;
  readonly username: string;
  readonly state: unknown;
}

/** The room as it was just after one event of the timeline. */
export interface Moment {
  readonly room: unknown;
  /** The room's state before this event, when the event is the room's own (for the arrow it took). */
  readonly roomBefore: unknown;
  /** Clients holding a seat; the same array as the previous moment's when nothing changed. */
  readonly clients: readonly Participant[];
}

export interface RoomView {
  readonly slug: string;
  readonly entries: readonly TimelineEntry[];
  /** One per entry. */
  readonly moments: readonly Moment[];
  readonly problems: readonly ReplayProblem[];
  /** The room machine's diagram, generated from its definition (every label escaped). */
  readonly diagram: string;
  /** Whether the registry holds the room open now. */
  readonly open: boolean;
}

/** The room's stored log, replayed: undefined when the log has no event of that room. */
export async function roomView(app: App, slug: string): Promise<RoomView | undefined> {
  const events = await app.eventLog.readRoom(slug);
  if (events.length === 0) return undefined;
  const machines = configuredMachines(app.config);
  const timeline = buildTimeline(machines, slug, events);

  const moments: Moment[] = [];
  const seated = new Map<string, Participant>();
  let room: unknown = null;
  let clients: readonly Participant[] = [];
  replayRoom(machines, slug, events, ({ recorded, before, after }) => {
    let roomBefore: unknown = null;
    if (recorded.streamId === roomStream(slug)) {
      roomBefore = after ? (before?.snapshot as { value: unknown } | undefined)?.value ?? null : null;
      room = (after ?? before)?.snapshot.value ?? room;
    } else if (after) {
      const id = recorded.streamId.slice('client-'.length);
      const snapshot = after.snapshot as SnapshotFrom<ClientMachine>;
      const seat = seated.get(id);
      if (snapshot.status === 'done') seated.delete(id);
      else if (seat?.username !== snapshot.context.username || seat.state !== snapshot.value) {
        seated.set(id, { id, username: snapshot.context.username, state: snapshot.value });
      }
      if (seated.get(id) !== seat) clients = [...seated.values()];
    }
    moments.push({ room, roomBefore, clients });
  });

  return {
    slug,
    entries: timeline.entries,
    moments,
    problems: timeline.problems,
    diagram: toSvg(describeMachine(machines.room)),
    open: app.registry.get(slug) !== undefined,
  };
}
