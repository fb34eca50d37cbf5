import type { AnyStateMachine } from 'xstate';
import type { Machines } from '../runtime/machines.ts';
import { replayRoom } from '../runtime/replay.ts';
import type { RecordedEvent } from '../store/recorded-event.ts';
import { definitionOf } from './definition.ts';

/**
 * Inspection for the Stately inspector, by its wire format: the messages `@statelyai/inspect`'s
 * adapters carry (`StatelyInspectionEvent` in its types). Nothing here needs the package: a sink is
 * anything with its adapters' `send`, so the live host, a replay and a test can share this code.
 *
 * Actors are our streams (`room-<slug>`, `client-<id>`); a client's parent is its room. Times are the
 * facts' own `at`, so a replayed log shows the times it happened, not the time it was replayed.
 */
export const INSPECT_PROTOCOL_VERSION = '0.7.2';

interface Base {
  readonly sessionId: string;
  readonly rootId: string | undefined;
  readonly createdAt: string;
  readonly id: string;
  readonly _version: string;
}
export interface InspectedSnapshot {
  readonly status: string;
  readonly value: unknown;
  readonly context: unknown;
}
export type InspectionMessage =
  | (Base & {
      readonly type: '@xstate.actor';
      readonly name: string;
      readonly parentId: string | undefined;
      /** The machine config as a JSON string (see definitionOf). */
      readonly definition: string | undefined;
      readonly snapshot: InspectedSnapshot;
    })
  | (Base & { readonly type: '@xstate.event'; readonly sourceId: string | undefined; readonly event: { readonly type: string } })
  | (Base & { readonly type: '@xstate.snapshot'; readonly event: { readonly type: string }; readonly snapshot: InspectedSnapshot });

/** `@statelyai/inspect`'s `Adapter.send`, e.g. `createWebSocketInspector({ url }).adapter`. */
export interface InspectionSink {
  send(message: InspectionMessage): void;
}

type Snapshot = { readonly status: string; readonly value: unknown; readonly context: unknown };

/** A password hash never leaves the server, in an event or in a context. */
function redact<T>(value: T): T {
  if (typeof value !== 'object' || value === null || !('passwordHash' in value)) return value;
  const { passwordHash, ...rest } = value as { passwordHash: unknown };
  return { ...rest, passwordHash: passwordHash === null ? null : '(set)' } as T;
}

const inspected = (snapshot: Snapshot): InspectedSnapshot => ({
  status: snapshot.status,
  value: snapshot.value,
  context: redact(snapshot.context),
});

/** Turns what the host (or a replay) does with its actors into inspection messages. */
export class Inspection {
  private readonly known = new Set<string>();
  /** A client's room, which is the root of its system. */
  private readonly rootOf = new Map<string, string>();
  private seq = 0;

  constructor(
    private readonly sink: InspectionSink,
    private readonly machines: { readonly room: AnyStateMachine; readonly client: AnyStateMachine },
  ) {}

  private base(sessionId: string, at: number): Base {
    const rootId = sessionId.startsWith('room-') ? sessionId : this.rootOf.get(sessionId);
    return { sessionId, rootId, createdAt: String(at), id: `${sessionId}#${++this.seq}`, _version: INSPECT_PROTOCOL_VERSION };
  }

  /** An actor came to be (a room, or a client of `parent`), in its initial state. */
  actor(streamId: string, snapshot: Snapshot, at: number, parent?: string): void {
    if (this.known.has(streamId)) return;
    this.known.add(streamId);
    if (parent) this.rootOf.set(streamId, parent);
    const machine = streamId.startsWith('client-') ? this.machines.client : this.machines.room;
    this.sink.send({
      ...this.base(streamId, at),
      type: '@xstate.actor',
      name: machine.id,
      parentId: parent,
      definition: JSON.stringify(definitionOf(machine)),
      snapshot: inspected(snapshot),
    });
  }

  /** A fact reached an actor; `after` is its state once folded in, or undefined if the machine refused it. */
  fact(streamId: string, event: { readonly type: string; readonly at: number }, after: Snapshot | undefined): void {
    const data = redact(event);
    this.sink.send({ ...this.base(streamId, event.at), type: '@xstate.event', sourceId: undefined, event: data });
    if (after) this.sink.send({ ...this.base(streamId, event.at), type: '@xstate.snapshot', event: data, snapshot: inspected(after) });
  }
}

/** A stored room log as the inspector would have seen it live: the same fold as the replay CLI. */
export function inspectReplay(sink: InspectionSink, machines: Machines, slug: string, events: readonly RecordedEvent[]): void {
  const inspection = new Inspection(sink, machines);
  const room = `room-${slug}`;
  replayRoom(machines, slug, events, ({ recorded, before, after }) => {
    const event = recorded.data as { type: string; at?: number };
    const at = event.at ?? recorded.recordedAt;
    if (before) inspection.actor(recorded.streamId, before.snapshot as Snapshot, at, recorded.streamId === room ? undefined : room);
    inspection.fact(recorded.streamId, { ...event, at }, after?.snapshot as Snapshot | undefined);
  });
}

/**
 * A sink to a Stately inspector relay over a websocket (`INSPECT=ws://…`, `replay --inspect ws://…`).
 * `@statelyai/inspect` is loaded only here, and only when asked for.
 */
export async function webSocketSink(url: string): Promise<InspectionSink & { stop(): void }> {
  const { createWebSocketInspector } = await import('@statelyai/inspect');
  // It connects by itself (autoStart); starting it again would open a second socket.
  const inspector = createWebSocketInspector({ url }) as unknown as { adapter: InspectionSink & { status: string }; stop(): void };
  // Until the socket is open the adapter keeps only its last few events; wait, so a replay loses none.
  for (let waited = 0; inspector.adapter.status !== 'open' && waited < CONNECT_WAIT_MS; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (inspector.adapter.status !== 'open') {
    inspector.stop();
    throw new Error(`cannot reach the inspector at ${url}`);
  }
  return { send: (message) => inspector.adapter.send(message), stop: () => inspector.stop() };
}

const CONNECT_WAIT_MS = 5000;
