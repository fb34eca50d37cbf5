import type { RoomCreated } from '../room/events.ts';
import type { RecordedEvent } from '../store/recorded-event.ts';
import { replayRoom, type ReplayProblem } from './replay.ts';
import { RoomHost, type HostDeps } from './room-host.ts';

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

  /** Rebuilds every room by replaying the log, re-arming the timers its machines had pending. */
  static async rebuild(deps: HostDeps, events: readonly RecordedEvent[]): Promise<{ registry: RoomRegistry; problems: ReplayProblem[] }> {
    const registry = new RoomRegistry(deps);
    const byRoom = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const list = byRoom.get(event.room);
      if (list) list.push(event);
      else byRoom.set(event.room, [event]);
    }
    const problems: ReplayProblem[] = [];
    for (const [slug, roomEvents] of byRoom) {
      const replay = replayRoom(deps.machines, slug, roomEvents);
      problems.push(...replay.problems);
      registry.rooms.set(slug, await RoomHost.restore(deps, replay));
    }
    return { registry, problems };
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
