import type { SnapshotFrom } from 'xstate';
import type { ClientMachine } from '../client/machine.ts';
import type { RoomMachine } from '../room/machine.ts';
import type { RecordedEvent } from '../store/recorded-event.ts';
import { start, step, type Folded, type FoldOptions, type TimedEvent } from './fold.ts';
import type { Machines } from './machines.ts';
import { clientFoldOptions, roomStream } from './streams.ts';

export interface ReplayProblem {
  readonly globalPosition: number;
  readonly streamId: string;
  readonly message: string;
}

export interface RoomReplay {
  readonly slug: string;
  readonly room: Folded<RoomMachine> | undefined;
  /** Clients still holding a seat (not in their final state). */
  readonly clients: ReadonlyMap<string, Folded<ClientMachine>>;
  readonly problems: readonly ReplayProblem[];
  /** Time of the last event, for "last active". */
  readonly lastAt: number;
}

/**
 * Folds one room's events (its room stream and its clients' streams, in global order) through the
 * machines' pure `transition()`. Nothing is sent and no timer is armed: timers come back as data.
 */
export function replayRoom(machines: Machines, slug: string, events: readonly RecordedEvent[]): RoomReplay {
  let room: Folded<RoomMachine> | undefined;
  const clients = new Map<string, Folded<ClientMachine>>();
  const problems: ReplayProblem[] = [];
  let lastAt = 0;

  for (const recorded of events) {
    const event = recorded.data as unknown as TimedEvent;
    lastAt = Math.max(lastAt, event.at ?? recorded.recordedAt);
    const problem = (message: string) => problems.push({ globalPosition: recorded.globalPosition, streamId: recorded.streamId, message });

    if (recorded.streamId === roomStream(slug)) {
      room ??= start(machines.room, { slug }, event.at);
      room = apply(machines.room, room, recorded, event, {}, problem) ?? room;
    } else if (recorded.streamId.startsWith('client-')) {
      const clientId = recorded.streamId.slice('client-'.length);
      const current = clients.get(clientId) ?? start(machines.client, { clientId, room: slug }, event.at);
      const next = apply(machines.client, current, recorded, event, clientFoldOptions, problem);
      if (next && (next.snapshot as SnapshotFrom<ClientMachine>).status === 'done') clients.delete(clientId);
      else if (next) clients.set(clientId, next);
    } else {
      problem(`stream ${recorded.streamId} does not belong to room ${slug}`);
    }
  }
  return { slug, room, clients, problems, lastAt };
}

function apply<M extends RoomMachine | ClientMachine>(
  machine: M,
  folded: Folded<M>,
  recorded: RecordedEvent,
  event: TimedEvent,
  options: FoldOptions,
  problem: (message: string) => void,
): Folded<M> | undefined {
  if (recorded.streamPosition !== folded.version + 1) {
    problem(`expected stream position ${folded.version + 1}, found ${recorded.streamPosition}`);
  }
  const result = step(machine, folded, event, options);
  if (!result.accepted) {
    problem(`${event.type} is not accepted in state ${JSON.stringify((folded.snapshot as { value: unknown }).value)}`);
    return undefined;
  }
  return { ...result.folded, version: recorded.streamPosition };
}

