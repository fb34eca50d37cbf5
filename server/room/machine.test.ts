import { describe, expect, it } from 'vitest';
import { specFor } from '../testing/machine-spec.ts';
import { ROOM_IDLE_EXPIRED, type RoomCreated } from './events.ts';
import { roomMachine } from './machine.ts';

const created = (over: Partial<RoomCreated> = {}): RoomCreated => ({
  type: 'RoomCreated',
  at: 1_000,
  slug: 'excellent-adventure',
  name: 'Excellent Adventure',
  passwordHash: null,
  isPublic: true,
  guestLimit: null,
  ...over,
});
const joined = (clientId: string, at = 2_000) => ({ type: 'ClientJoined' as const, at, clientId });
const left = (clientId: string, at = 3_000) => ({ type: 'ClientLeft' as const, at, clientId, reason: 'bye' as const });
const room = specFor(roomMachine, { slug: 'excellent-adventure' });

describe('room machine', () => {
  it('opens empty when created, with its settings and the idle timer pending', () => {
    const { snapshot, folded } = room.given().when(created({ guestLimit: 3 })).accepted;
    expect(snapshot.value).toEqual({ open: 'empty' });
    expect(snapshot.context).toMatchObject({ name: 'Excellent Adventure', guestLimit: 3, isPublic: true, members: [] });
    expect([...folded.timers.values()]).toEqual([
      { id: ROOM_IDLE_EXPIRED, eventType: ROOM_IDLE_EXPIRED, dueAt: 1_000 + 300_000 },
    ]);
  });

  it('cannot be created twice while open', () => {
    expect(room.given(created()).when(created()).rejected).toBe(true);
  });

  it('seats a newcomer and stops the idle timer', () => {
    const { snapshot, folded } = room.given(created()).when(joined('a')).accepted;
    expect(snapshot.value).toEqual({ open: 'occupied' });
    expect(snapshot.context.members).toEqual(['a']);
    expect(folded.timers.size).toBe(0);
  });

  it('refuses a seat beyond the guest limit', () => {
    expect(room.given(created({ guestLimit: 2 }), joined('a'), joined('b')).when(joined('c')).rejected).toBe(true);
  });

  it('refuses a second seat for the same client', () => {
    expect(room.given(created(), joined('a')).when(joined('a')).rejected).toBe(true);
  });

  it('refuses the departure of someone who is not a member', () => {
    expect(room.given(created(), joined('a')).when(left('b')).rejected).toBe(true);
  });

  it('tells everyone when someone leaves', () => {
    const { snapshot, effects } = room.given(created(), joined('a'), joined('b')).when(left('a')).accepted;
    expect(snapshot.context.members).toEqual(['b']);
    expect(effects).toEqual([{ type: 'broadcastRoomInfo', params: undefined }]);
  });

  it('becomes empty when the last member leaves, arming the idle timer from that moment', () => {
    const { snapshot, folded } = room.given(created(), joined('a')).when(left('a', 5_000)).accepted;
    expect(snapshot.value).toEqual({ open: 'empty' });
    expect(folded.timers.get(ROOM_IDLE_EXPIRED)?.dueAt).toBe(5_000 + 300_000);
  });

  it('closes when the idle time passes, and a closed room can be created again', () => {
    const closed = room.given(created()).when({ type: ROOM_IDLE_EXPIRED, at: 301_000 }).accepted;
    expect(closed.snapshot.value).toBe('closed');
    expect(closed.folded.timers.size).toBe(0);
    const reopened = room.given(created(), { type: ROOM_IDLE_EXPIRED, at: 301_000 }).when(created({ at: 400_000, guestLimit: 5 })).accepted;
    expect(reopened.snapshot.value).toEqual({ open: 'empty' });
    expect(reopened.snapshot.context.guestLimit).toBe(5);
  });

  it('accepts nobody before it exists or after it closed', () => {
    expect(room.given().when(joined('a')).rejected).toBe(true);
    expect(room.given(created(), { type: ROOM_IDLE_EXPIRED, at: 301_000 }).when(joined('a')).rejected).toBe(true);
  });
});
