import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { specFor } from '../testing/machine-spec.ts';
import { clientFoldOptions } from '../runtime/streams.ts';
import { CONNECT_TIMEOUT_EXPIRED, RECONNECT_GRACE_EXPIRED, type ClientEvent } from './events.ts';
import { acceptsRecordOnly, clientMachine, RECORD_ONLY_EVENTS } from './machine.ts';

const id = '0'.repeat(31) + 'a';
const admitted = { type: 'ClientAdmitted' as const, at: 1_000, clientId: id, room: 'r' };
const connected = (at = 2_000) => ({ type: 'SocketConnected' as const, at });
const disconnected = (at = 3_000) => ({ type: 'SocketDisconnected' as const, at, cause: 1006 });
const client = specFor(clientMachine, { clientId: id, room: 'r' }, clientFoldOptions);

describe('client machine', () => {
  it('is admitted with the default name and a connect deadline', () => {
    const { snapshot, folded } = client.given().when(admitted).accepted;
    expect(snapshot.value).toBe('admitted');
    expect(snapshot.context).toMatchObject({ clientId: id, room: 'r', username: 'Major Tom' });
    expect(folded.timers.get(CONNECT_TIMEOUT_EXPIRED)?.dueAt).toBe(1_000 + 30_000);
  });

  it('connects, and the room is told', () => {
    const { snapshot, effects, folded } = client.given(admitted).when(connected()).accepted;
    expect(snapshot.value).toBe('connected');
    expect(effects).toEqual([{ type: 'broadcastRoomInfo', params: undefined }]);
    expect(folded.timers.size).toBe(0);
  });

  it('gives the seat back if the page never connects', () => {
    const { snapshot, effects } = client.given(admitted).when({ type: CONNECT_TIMEOUT_EXPIRED, at: 31_000 }).accepted;
    expect(snapshot.status).toBe('done');
    expect(effects).toEqual([{ type: 'announceDeparture', params: { reason: 'never-connected' } }]);
  });

  it('holds the seat for the reconnect grace when the socket drops', () => {
    const { snapshot, folded } = client.given(admitted, connected()).when(disconnected(3_000)).accepted;
    expect(snapshot.value).toBe('disconnected');
    expect(folded.timers.get(RECONNECT_GRACE_EXPIRED)?.dueAt).toBe(3_000 + 20_000);
  });

  it('keeps its identity when the socket comes back within the grace', () => {
    const { snapshot, folded } = client.given(admitted, connected(), disconnected()).when(connected(4_000)).accepted;
    expect(snapshot.value).toBe('connected');
    expect(folded.timers.size).toBe(0);
  });

  it('leaves when the grace runs out', () => {
    const { snapshot, effects } = client
      .given(admitted, connected(), disconnected())
      .when({ type: RECONNECT_GRACE_EXPIRED, at: 23_000 }).accepted;
    expect(snapshot.status).toBe('done');
    expect(effects).toEqual([{ type: 'announceDeparture', params: { reason: 'connection-lost' } }]);
  });

  it('leaves on bye', () => {
    const { effects } = client.given(admitted, connected()).when({ type: 'ClientSaidBye', at: 5_000 }).accepted;
    expect(effects).toEqual([{ type: 'announceDeparture', params: { reason: 'bye' } }]);
  });

  it('changes its name and tells the room', () => {
    const { snapshot, effects } = client.given(admitted, connected()).when({ type: 'UsernameChanged', at: 5_000, username: 'Bill' }).accepted;
    expect(snapshot.context.username).toBe('Bill');
    expect(effects).toEqual([{ type: 'broadcastRoomInfo', params: undefined }]);
  });

  it('accepts a replacement socket while connected', () => {
    expect(client.given(admitted, connected()).when(connected(5_000)).accepted.snapshot.value).toBe('connected');
  });

  it('takes nothing after it has left', () => {
    const gone = client.given(admitted, connected(), { type: 'ClientSaidBye', at: 5_000 });
    expect(gone.when(connected(6_000)).rejected).toBe(true);
  });

  it('relays only while connected', () => {
    const relayed: ClientEvent = { type: 'MessageRelayed', at: 5_000, messageType: 'offer', to: 'b', bytes: 10, candidateType: null };
    expect(client.given(admitted).when(relayed).rejected).toBe(true);
    expect(client.given(admitted, connected(), disconnected()).when(relayed).rejected).toBe(true);
    expect(client.given(admitted, connected()).when(relayed).accepted.folded.version).toBe(3);
  });

  // The host and replay skip transition() for relays; this is the proof that the machine agrees.
  it('changes nothing on record-only events in every state that accepts them', () => {
    const histories: ClientEvent[][] = [
      [],
      [admitted],
      [admitted, connected()],
      [admitted, connected(), disconnected()],
      [admitted, connected(), { type: 'ClientSaidBye', at: 5_000 }],
    ];
    const samples: ClientEvent[] = [
      { type: 'MessageRelayed', at: 9_000, messageType: 'icecandidate', to: 'b', bytes: 200, candidateType: 'host' },
      { type: 'ChatBroadcast', at: 9_000, bytes: 100, recipients: 3 },
    ];
    for (const history of histories) {
      const { snapshot } = client.given(...history).folded;
      for (const sample of samples) {
        expect(RECORD_ONLY_EVENTS.has(sample.type)).toBe(true);
        expect(snapshot.can(sample)).toBe(acceptsRecordOnly(snapshot.value));
        if (!snapshot.can(sample)) continue;
        const [next, actions] = transition(clientMachine, snapshot, sample);
        expect(next.value).toEqual(snapshot.value);
        expect(next.context).toEqual(snapshot.context);
        expect(actions).toEqual([]);
      }
    }
  });
});
