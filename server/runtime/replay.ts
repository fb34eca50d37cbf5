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

export interface ReplayStep {
  readonly recorded: RecordedEvent;
  /** The actor's state before the event; undefined for a stream that belongs to no actor of the room. */
  readonly before: Folded<RoomMachine> | Folded<ClientMachine> | undefined;
  /** Its state after; undefined when the machine rejected the event. */
  readonly after: Folded<RoomMachine> | Folded<ClientMachine> | undefined;
  readonly problems: readonly ReplayProblem[];
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
export function replayRoom(
  machines: Machines,
  slug: string,
  events: readonly RecordedEvent[],
  /** Sees every event with the actor's state before and after it (after is undefined when rejected). */
  observe?: (step: ReplayStep) => void,
): RoomReplay {
  let room: Folded<RoomMachine> | undefined;
  const clients = new Map<string, Folded<ClientMachine>>();
  const problems: ReplayProblem[] = [];
  let lastAt = 0;

  for (const recorded of events) {
    const event = recorded.data as unknown as TimedEvent;
    lastAt = Math.max(lastAt, event.at ?? recorded.recordedAt);
    const problem = (message: string) => problems.push({ globalPosition: recorded.globalPosition, streamId: recorded.streamId, message });

    const problemsBefore = problems.length;
    let before: Folded<RoomMachine> | Folded<ClientMachine> | undefined;
    let after: Folded<RoomMachine> | Folded<ClientMachine> | undefined;
    if (recorded.streamId === roomStream(slug)) {
      before = room ?? start(machines.room, { slug }, event.at);
      after = apply(machines.room, before, recorded, event, {}, problem);
      room = after ?? before;
    } else if (recorded.streamId.startsWith('client-')) {
      const clientId = recorded.streamId.slice('client-'.length);
      before = clients.get(clientId) ?? start(machines.client, { clientId, room: slug }, event.at);
      after = apply(machines.client, before, recorded, event, clientFoldOptions, problem);
      if (after && (after.snapshot as SnapshotFrom<ClientMachine>).status === 'done') clients.delete(clientId);
      else if (after) clients.set(clientId, after);
    } else {
      problem(`stream ${recorded.streamId} does not belong to room ${slug}`);
    }
    observe?.({ recorded, before, after, problems: problems.slice(problemsBefore) });
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

