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
 * One room's fold, an event at a time: the room stream and its clients' streams, in global order,
 * through the machines' pure `transition()`. Nothing is sent and no timer is armed: timers come back
 * as data. Start-up keeps one per room while it pages through the log, so the log never has to be
 * in memory at once.
 */
export class RoomFold {
  room: Folded<RoomMachine> | undefined;
  /** Clients still holding a seat (not in their final state). */
  readonly clients: Map<string, Folded<ClientMachine>>;
  readonly problems: ReplayProblem[] = [];
  lastAt: number;
  private readonly roomStreamId: string;
  private readonly clientIds = new Map<string, string>();

  constructor(
    private readonly machines: Machines,
    readonly slug: string,
    /** Where to go on from (a snapshot); a fresh room otherwise. */
    from?: Pick<RoomReplay, 'room' | 'clients' | 'lastAt'>,
  ) {
    this.room = from?.room;
    this.clients = new Map(from?.clients);
    this.lastAt = from?.lastAt ?? 0;
    this.roomStreamId = roomStream(slug);
  }

  /** Folds one event; `observe` sees it with the actor's state before and after. */
  apply(recorded: RecordedEvent, observe?: (step: ReplayStep) => void): void {
    const event = recorded.data as unknown as TimedEvent;
    const at = event.at ?? recorded.recordedAt;
    if (at > this.lastAt) this.lastAt = at;
    const problemsBefore = this.problems.length;
    let before: Folded<RoomMachine> | Folded<ClientMachine> | undefined;
    let after: Folded<RoomMachine> | Folded<ClientMachine> | undefined;
    if (recorded.streamId === this.roomStreamId) {
      const folded = this.room ?? start(this.machines.room, { slug: this.slug }, event.at);
      before = folded;
      after = apply(this.machines.room, folded, recorded, event, {}, this.problems);
      this.room = after ?? folded;
    } else if (recorded.streamId.startsWith('client-')) {
      const clientId = this.clientIdOf(recorded.streamId);
      const folded = this.clients.get(clientId) ?? start(this.machines.client, { clientId, room: this.slug }, event.at);
      before = folded;
      const next = apply(this.machines.client, folded, recorded, event, clientFoldOptions, this.problems);
      after = next;
      if (next && (next.snapshot as SnapshotFrom<ClientMachine>).status === 'done') this.clients.delete(clientId);
      else if (next) this.clients.set(clientId, next);
    } else {
      this.problems.push({
        globalPosition: recorded.globalPosition,
        streamId: recorded.streamId,
        message: `stream ${recorded.streamId} does not belong to room ${this.slug}`,
      });
    }
    observe?.({ recorded, before, after, problems: this.problems.slice(problemsBefore) });
  }

  /**
   * The same key string for every event of a client, not a slice per event: a new slice is a new
   * string to allocate and hash for both the lookup and the update, and most events are a client's.
   */
  private clientIdOf(streamId: string): string {
    let clientId = this.clientIds.get(streamId);
    if (clientId === undefined) this.clientIds.set(streamId, (clientId = streamId.slice('client-'.length)));
    return clientId;
  }

  result(): RoomReplay {
    return { slug: this.slug, room: this.room, clients: this.clients, problems: this.problems, lastAt: this.lastAt };
  }
}

/** Folds one room's events (its room stream and its clients' streams, in global order). */
export function replayRoom(
  machines: Machines,
  slug: string,
  events: readonly RecordedEvent[],
  /** Sees every event with the actor's state before and after it (after is undefined when rejected). */
  observe?: (step: ReplayStep) => void,
): RoomReplay {
  const fold = new RoomFold(machines, slug);
  for (const recorded of events) fold.apply(recorded, observe);
  return fold.result();
}

function apply<M extends RoomMachine | ClientMachine>(
  machine: M,
  folded: Folded<M>,
  recorded: RecordedEvent,
  event: TimedEvent,
  options: FoldOptions,
  problems: ReplayProblem[],
): Folded<M> | undefined {
  // No closure or copy per event unless something is wrong: this runs for every event at start-up.
  if (recorded.streamPosition !== folded.version + 1) {
    problems.push(problemAt(recorded, `expected stream position ${folded.version + 1}, found ${recorded.streamPosition}`));
  }
  const result = step(machine, folded, event, options);
  if (!result.accepted) {
    problems.push(problemAt(recorded, `${event.type} is not accepted in state ${JSON.stringify((folded.snapshot as { value: unknown }).value)}`));
    return undefined;
  }
  return result.folded.version === recorded.streamPosition ? result.folded : { ...result.folded, version: recorded.streamPosition };
}

const problemAt = (recorded: RecordedEvent, message: string): ReplayProblem => ({
  globalPosition: recorded.globalPosition,
  streamId: recorded.streamId,
  message,
});

