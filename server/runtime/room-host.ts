import type { SnapshotFrom } from 'xstate';
import { GROUND_CONTROL, ROOM, encodeFrame, encodeOutbound, type Outbound, type RoomInfoData } from '../../protocol/index.ts';
import type { CandidateType, ClientEvent } from '../client/events.ts';
import type { ClientMachine } from '../client/machine.ts';
import type { DepartureReason, RoomCreated, RoomEvent } from '../room/events.ts';
import type { RoomMachine } from '../room/machine.ts';
import type { ClockShape, TimerHandle } from '../services/clock.ts';
import type { IdsShape } from '../services/ids.ts';
import { CloseCode, type Connection } from './connection.ts';
import { start, step, type Effect, type Folded, type FoldOptions } from './fold.ts';
import type { Inspection } from '../inspect/inspection.ts';
import type { Journal } from './journal.ts';
import type { Machines } from './machines.ts';
import type { RoomReplay } from './replay.ts';
import { clientFoldOptions, clientStream, roomStream } from './streams.ts';

export interface HostDeps {
  readonly clock: ClockShape;
  readonly ids: IdsShape;
  readonly journal: Journal;
  readonly machines: Machines;
  /** Live inspection (INSPECT=ws://…): every actor and every fact, as the Stately inspector sees them. */
  readonly inspection?: Inspection | undefined;
}

/** An actor: its folded state, the live timers for the delays it has pending, and (clients) a socket. */
interface Cell<M extends RoomMachine | ClientMachine> {
  readonly streamId: string;
  folded: Folded<M>;
  readonly timers: Map<string, { dueAt: number; handle: TimerHandle }>;
}
interface ClientCell extends Cell<ClientMachine> {
  readonly clientId: string;
  connection: Connection | undefined;
}

export type JoinResult = { ok: true; clientId: string } | { ok: false; reason: 'room-full' | 'room-closed' };
export type RelayKind = 'offer' | 'answer' | 'icecandidate' | 'text' | 'bye';

/**
 * One room's actors (the room and each client holding a seat) and their sockets. Every command
 * becomes a fact; a fact the machine accepts is recorded in the log and folded into state at once,
 * and its effects (frames to sockets) run only after it is durable. Relays are the exception: they
 * are recorded as metadata and delivered without waiting for the commit.
 */
export class RoomHost {
  private readonly room: Cell<RoomMachine>;
  private readonly clients = new Map<string, ClientCell>();
  /** In memory only: "last active" must not cost a write per message. */
  private lastActivity: number;

  private constructor(
    private readonly deps: HostDeps,
    readonly slug: string,
    room: Folded<RoomMachine>,
    lastActivity: number,
  ) {
    this.room = {
      streamId: roomStream(slug),
      folded: room,
      timers: new Map(),
    };
    this.lastActivity = lastActivity;
    deps.inspection?.actor(this.room.streamId, room.snapshot, lastActivity);
  }

  /** A new room's host; the caller then records RoomCreated through `open`. */
  static empty(deps: HostDeps, slug: string): RoomHost {
    return new RoomHost(deps, slug, start(deps.machines.room, { slug }, deps.clock.now()), deps.clock.now());
  }

  /**
   * A host rebuilt from the log. Sockets did not survive the restart, so connected clients are
   * marked disconnected now (a logged fact) and get the reconnect grace from this moment.
   */
  static async restore(deps: HostDeps, replay: RoomReplay): Promise<RoomHost> {
    const room = replay.room ?? start(deps.machines.room, { slug: replay.slug }, deps.clock.now());
    const host = new RoomHost(deps, replay.slug, room, replay.lastAt);
    host.armTimers(host.room);
    for (const [clientId, folded] of replay.clients) {
      const cell = host.clientCell(clientId, folded);
      host.clients.set(clientId, cell);
      host.armTimers(cell);
    }
    await Promise.all(
      [...host.clients.values()]
        .filter((cell) => cell.folded.snapshot.value === 'connected')
        .map((cell) => host.commitClient(cell, { type: 'SocketDisconnected', at: deps.clock.now(), cause: 'restart' })),
    );
    return host;
  }

  // ── Queries ────────────────────────────────────────────────────────────────────────────────

  get state(): SnapshotFrom<RoomMachine> {
    return this.room.folded.snapshot;
  }

  get isOpen(): boolean {
    return this.state.matches('open');
  }

  get lastActiveAt(): number {
    return this.lastActivity;
  }

  isMember(clientId: string): boolean {
    return this.clients.has(clientId);
  }

  /** People in the room: those whose page has connected at least once and who have not left. */
  participants(): { id: string; username: string }[] {
    const list: { id: string; username: string }[] = [];
    for (const cell of this.clients.values()) {
      const { value, context } = cell.folded.snapshot;
      if (value === 'connected' || value === 'disconnected') list.push({ id: cell.clientId, username: context.username });
    }
    return list;
  }

  roomInfo(): RoomInfoData {
    return { room_id: this.slug, clients: this.participants() };
  }

  clientState(clientId: string): SnapshotFrom<ClientMachine> | undefined {
    return this.clients.get(clientId)?.folded.snapshot;
  }

  // ── Commands ───────────────────────────────────────────────────────────────────────────────

  /** Records RoomCreated: a new room, or a closed one taken again. False if the room is open. */
  async open(settings: Omit<RoomCreated, 'type' | 'at'>): Promise<boolean> {
    return (await this.commitRoom({ type: 'RoomCreated', at: this.deps.clock.now(), ...settings })) !== undefined;
  }

  /** Takes a seat for a new client. The seat check and the seat are one synchronous step, so the limit holds under any interleaving. */
  async join(): Promise<JoinResult> {
    const clientId = this.deps.ids.clientId();
    const at = this.deps.clock.now();
    const joined = this.commitRoom({ type: 'ClientJoined', at, clientId });
    if (!this.isMemberOfRoom(clientId)) return { ok: false, reason: this.isOpen ? 'room-full' : 'room-closed' };
    const cell = this.clientCell(clientId, start(this.deps.machines.client, { clientId, room: this.slug }, at));
    this.clients.set(clientId, cell);
    const admitted = this.commitClient(cell, { type: 'ClientAdmitted', at, clientId, room: this.slug });
    await Promise.all([joined, admitted]);
    return { ok: true, clientId };
  }

  /** Attaches a socket; a previous socket of the same client is closed as replaced. */
  async connect(clientId: string, connection: Connection): Promise<boolean> {
    const cell = this.clients.get(clientId);
    if (!cell) return false;
    const previous = cell.connection;
    cell.connection = connection;
    const effects = await this.commitClient(cell, { type: 'SocketConnected', at: this.deps.clock.now() });
    if (effects === undefined) {
      cell.connection = previous;
      return false;
    }
    previous?.close(CloseCode.replaced, 'replaced by a newer connection');
    this.touch();
    return true;
  }

  /** The socket closed without `bye`; the seat is held for the reconnect grace. */
  async disconnect(clientId: string, connection: Connection, code: number): Promise<void> {
    const cell = this.clients.get(clientId);
    if (!cell || cell.connection !== connection) return;
    cell.connection = undefined;
    await this.commitClient(cell, { type: 'SocketDisconnected', at: this.deps.clock.now(), cause: code });
  }

  async changeUsername(clientId: string, username: string): Promise<void> {
    const cell = this.clients.get(clientId);
    if (!cell) return;
    this.touch();
    if (cell.folded.snapshot.context.username === username) {
      this.broadcastRoomInfo();
      return;
    }
    await this.commitClient(cell, { type: 'UsernameChanged', at: this.deps.clock.now(), username });
  }

  /** The client leaves: its socket is closed and everyone left is told. */
  async bye(clientId: string): Promise<void> {
    const cell = this.clients.get(clientId);
    if (cell) await this.commitClient(cell, { type: 'ClientSaidBye', at: this.deps.clock.now() });
  }

  /**
   * Passes a peer's message to another member, with `sender` set from the session. Returns an
   * error reason for the sender, or undefined when delivered.
   */
  relay(from: string, receiver: string, type: RelayKind, data: unknown, candidateType: CandidateType | null): string | undefined {
    const sender = this.clients.get(from);
    const target = this.clients.get(receiver);
    if (!sender || !target) return `Unknown receiver: ${receiver}`;
    if (!target.connection) return `Receiver is not connected: ${receiver}`;
    // Sent as a string: ws writes it straight to the socket, where a Buffer made here would be one more
    // copy and a pool slice per relay.
    const frame = encodeFrame(from, receiver, type, data);
    target.connection.send(frame, type);
    this.recordDetached(sender, {
      type: 'MessageRelayed',
      at: this.deps.clock.now(),
      messageType: type,
      to: receiver,
      bytes: Buffer.byteLength(frame),
      candidateType,
    });
    return undefined;
  }

  /**
   * A chat message to everyone in the room, the sender included (the original client shows its own
   * text only from this echo). It keeps `receiver: "room"`, so one frame serves every member.
   */
  broadcastChat(from: string, data: Extract<Outbound, { type: 'text' }>['data']): void {
    const sender = this.clients.get(from);
    if (!sender) return;
    // Encoded to bytes once for the whole room, not once per recipient.
    const frame = Buffer.from(encodeOutbound({ sender: from, receiver: ROOM, type: 'text', data }));
    let recipients = 0;
    for (const cell of this.clients.values()) {
      if (!cell.connection) continue;
      cell.connection.send(frame, 'text');
      recipients++;
    }
    this.recordDetached(sender, { type: 'ChatBroadcast', at: this.deps.clock.now(), bytes: frame.length, recipients });
  }

  /** Stops every timer; used when the process shuts down. Sockets are the gateway's to close. */
  stop(): void {
    for (const cell of [this.room, ...this.clients.values()]) {
      for (const timer of cell.timers.values()) timer.handle.cancel();
      cell.timers.clear();
    }
  }

  // ── Facts, effects and timers ──────────────────────────────────────────────────────────────

  private clientCell(clientId: string, folded: Folded<ClientMachine>): ClientCell {
    this.deps.inspection?.actor(clientStream(clientId), folded.snapshot, this.deps.clock.now(), this.room.streamId);
    return { streamId: clientStream(clientId), clientId, folded, timers: new Map(), connection: undefined };
  }

  private isMemberOfRoom(clientId: string): boolean {
    return this.room.folded.snapshot.context.members.includes(clientId);
  }

  private touch(): void {
    this.lastActivity = this.deps.clock.now();
  }

  private commitRoom(event: RoomEvent): Promise<readonly Effect[] | undefined> {
    return this.commit(this.room, this.deps.machines.room, event, {}, (effects) => this.performRoomEffects(effects));
  }

  private commitClient(cell: ClientCell, event: ClientEvent): Promise<readonly Effect[] | undefined> {
    return this.commit(cell, this.deps.machines.client, event, clientFoldOptions, (effects) =>
      this.performClientEffects(cell, effects),
    );
  }

  /**
   * Folds the fact in now (so the next command sees it), records it, and performs its effects once
   * it is durable. Resolves to the effects, or undefined if the machine rejected the fact.
   */
  private async commit<M extends RoomMachine | ClientMachine>(
    cell: Cell<M>,
    machine: M,
    event: RoomEvent | ClientEvent,
    options: FoldOptions,
    perform: (effects: readonly Effect[]) => Promise<void>,
  ): Promise<readonly Effect[] | undefined> {
    const result = step(machine, cell.folded, event, options);
    this.deps.inspection?.fact(cell.streamId, event, result.accepted ? result.folded.snapshot : undefined);
    if (!result.accepted) return undefined;
    cell.folded = result.folded;
    this.lastActivity = Math.max(this.lastActivity, event.at);
    this.armTimers(cell);
    await this.deps.journal.record(this.recordOf(cell, event));
    await perform(result.effects);
    return result.effects;
  }

  private recordDetached(cell: ClientCell, event: ClientEvent): void {
    const result = step(this.deps.machines.client, cell.folded, event, clientFoldOptions);
    this.deps.inspection?.fact(cell.streamId, event, result.accepted ? result.folded.snapshot : undefined);
    if (!result.accepted) return;
    cell.folded = result.folded;
    this.deps.journal.recordDetached(this.recordOf(cell, event));
  }

  private recordOf(cell: Cell<RoomMachine> | Cell<ClientMachine>, event: RoomEvent | ClientEvent) {
    return {
      streamId: cell.streamId,
      streamPosition: cell.folded.version,
      eventId: this.deps.ids.eventId(),
      room: this.slug,
      type: event.type,
      data: event as unknown as { type: string },
      recordedAt: event.at,
    };
  }

  private async performRoomEffects(effects: readonly Effect[]): Promise<void> {
    for (const effect of effects) {
      if (effect.type === 'broadcastRoomInfo') this.broadcastRoomInfo();
    }
  }

  private async performClientEffects(cell: ClientCell, effects: readonly Effect[]): Promise<void> {
    for (const effect of effects) {
      if (effect.type === 'broadcastRoomInfo') this.broadcastRoomInfo();
      if (effect.type === 'announceDeparture') await this.release(cell, effect.params?.reason as DepartureReason);
    }
  }

  /** The client's seat is given back: its socket closes, the room records the departure and tells the rest. */
  private async release(cell: ClientCell, reason: DepartureReason): Promise<void> {
    this.clients.delete(cell.clientId);
    for (const timer of cell.timers.values()) timer.handle.cancel();
    cell.connection?.close(reason === 'bye' ? CloseCode.normal : CloseCode.notAMember, reason);
    cell.connection = undefined;
    await this.commitRoom({ type: 'ClientLeft', at: this.deps.clock.now(), clientId: cell.clientId, reason });
  }

  private broadcastRoomInfo(): void {
    const data = this.roomInfo();
    for (const cell of this.clients.values()) {
      cell.connection?.send(encodeOutbound({ sender: GROUND_CONTROL, receiver: cell.clientId, type: 'room-info', data } as Outbound), 'room-info');
    }
  }

  /** Feeds a delay's firing back in as an ordinary, logged event. */
  private fire(cell: Cell<RoomMachine> | ClientCell, type: string): void {
    const at = this.deps.clock.now();
    const committed = cell === this.room ? this.commitRoom({ type, at } as RoomEvent) : this.commitClient(cell as ClientCell, { type, at } as ClientEvent);
    committed.catch(ignore);
  }

  /** Makes the live timers match the delays the fold says are pending. */
  private armTimers<M extends RoomMachine | ClientMachine>(cell: Cell<M>): void {
    const pending = cell.folded.timers;
    for (const [id, timer] of cell.timers) {
      if (pending.get(id)?.dueAt !== timer.dueAt) {
        timer.handle.cancel();
        cell.timers.delete(id);
      }
    }
    for (const [id, timer] of pending) {
      if (cell.timers.has(id)) continue;
      const handle = this.deps.clock.schedule(timer.dueAt - this.deps.clock.now(), () => {
        cell.timers.delete(id);
        this.fire(cell, timer.eventType);
      });
      cell.timers.set(id, { dueAt: timer.dueAt, handle });
    }
  }
}

/** A failed append has already stopped the journal and been reported; a timer has no one else to tell. */
function ignore(): void {}
