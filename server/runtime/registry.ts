import type { RoomCreated } from '../room/events.ts';
import type { ReplayProblem } from './replay.ts';
import { RoomHost, type HostDeps } from './room-host.ts';
import { foldLog, type LogSource } from './start-up-fold.ts';

export interface Rebuilt {
  readonly registry: RoomRegistry;
  readonly problems: readonly ReplayProblem[];
  /** Events read from the log (those after the snapshot). */
  readonly replayed: number;
  /** The position of the snapshot start-up went on from; 0 when it replayed the whole log. */
  readonly snapshotPosition: number;
  /** The last position folded: where the snapshot start-up saved stands. */
  readonly foldedTo: number;
  /** Why a stored snapshot was not used (it is only a cache, so start-up replayed instead). */
  readonly snapshotRefused: string | undefined;
}

export interface PublicRoom {
  readonly slug: string;
  readonly name: string;
  readonly participants: number;
  readonly guestLimit: number | null;
  readonly lastActiveAt: number;
}

export type RoomSettings = Omit<RoomCreated, 'type' | 'at'>;

/** Every room of this process, by slug. There is one registry per process; the composition root makes it. */
export class RoomRegistry {
  private readonly rooms = new Map<string, RoomHost>();

  constructor(private readonly deps: HostDeps) {}

  /** Rebuilds every room from the log (through a snapshot: see foldLog) and re-arms the timers the machines had pending. */
  static async load(deps: HostDeps, log: LogSource): Promise<Rebuilt> {
    const { rooms, problems, replayed, snapshotPosition, foldedTo, snapshotRefused } = await foldLog(deps.machines, deps.clock.now(), log);
    const registry = new RoomRegistry(deps);
    // All at once: restoring records facts (disconnections), and the journal writes them in one batch.
    const hosts = await Promise.all(rooms.map((room) => RoomHost.restore(deps, room)));
    for (const host of hosts) registry.rooms.set(host.slug, host);
    return { registry, problems, replayed, snapshotPosition, foldedTo, snapshotRefused };
  }

  get(slug: string): RoomHost | undefined {
    const room = this.rooms.get(slug);
    return room?.isOpen ? room : undefined;
  }

  /** Opens a room under a free slug; a slug whose room closed is free again. */
  async create(settings: RoomSettings): Promise<{ ok: true } | { ok: false; reason: 'taken' }> {
    const existing = this.rooms.get(settings.slug);
    if (existing?.isOpen) return { ok: false, reason: 'taken' };
    const room = existing ?? RoomHost.empty(this.deps, settings.slug);
    this.rooms.set(settings.slug, room);
    return (await room.open(settings)) ? { ok: true } : { ok: false, reason: 'taken' };
  }

  publicRooms(): PublicRoom[] {
    const list: PublicRoom[] = [];
    for (const room of this.rooms.values()) {
      const { context } = room.state;
      if (!room.isOpen || !context.isPublic) continue;
      list.push({
        slug: room.slug,
        name: context.name,
        participants: room.participants().length,
        guestLimit: context.guestLimit,
        lastActiveAt: room.lastActiveAt,
      });
    }
    return list.sort((a, b) => b.lastActiveAt - a.lastActiveAt);
  }

  /** Every open room, public or not. */
  *open(): IterableIterator<RoomHost> {
    for (const room of this.rooms.values()) if (room.isOpen) yield room;
  }

  get openRooms(): number {
    let count = 0;
    for (const room of this.rooms.values()) if (room.isOpen) count++;
    return count;
  }

  stop(): void {
    for (const room of this.rooms.values()) room.stop();
  }
}
