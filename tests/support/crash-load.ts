import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_USERNAME } from '../../protocol/outbound.ts';
import { createRoom, postJson } from './admission.ts';
import { fakeCandidate } from './fake-signals.ts';
import { GROUND_CONTROL, ProtocolClient, closeAll, joinAll, type Frame } from './protocol-client.ts';
import type { RunningServer } from './server.ts';

/**
 * What the server acknowledged, i.e. what a client saw the effect of. The server promises that such a
 * fact was durable before the effect was sent, so every entry here must survive any crash that follows.
 */
export class Acknowledged {
  /** Rooms whose creation answered 201. */
  readonly rooms = new Set<string>();
  /** Client id → its room, for every join that answered 200. */
  readonly members = new Map<string, string>();
  /**
   * Client id → the last username a room-info confirmed, and the one sent after it that none confirmed
   * yet: after a crash the client is called one of the two.
   */
  readonly names = new Map<string, { confirmed: string; sent: string | undefined }>();
}

export interface LoadShape {
  /** Rooms of two people relaying to each other; the first of each also renames itself. */
  readonly pairs: number;
  readonly relaysPerSecond: number;
  /** Under the server's `profile` budget of 2 a second, which would otherwise drop renames and then close the socket. */
  readonly renameEveryMs: number;
  /** Rooms nobody connects to, that the joiners take seats in. */
  readonly joinRooms: number;
  /** Join requests in flight at any time. */
  readonly joiners: number;
}

export interface LoadCounts {
  joins: number;
  renames: number;
  relays: number;
}

export interface Load {
  readonly counts: LoadCounts;
  /** From now on the server may vanish: a failed request or socket is expected, not a test failure. */
  expectCrash(): void;
  /** Calls `then` synchronously as the next acknowledgment (join or rename) arrives, before anything else runs. */
  onNextAck(then: () => void): void;
  /** Stops every driver; rejects with the first failure that happened before `expectCrash`. */
  stop(): Promise<void>;
}

const TICK_MS = 50;
const ACK_TIMEOUT_MS = 15_000;

/**
 * Sets up fresh rooms (every creation and admission is itself acknowledged) and drives them: pairs
 * relaying continuously (facts logged without anyone waiting), one renamer per pair room, and joiners
 * taking seats through the HTTP API (facts whose answer waits for the log).
 */
export async function startLoad(server: RunningServer, acks: Acknowledged, shape: LoadShape, tag: string): Promise<Load> {
  const counts: LoadCounts = { joins: 0, renames: 0, relays: 0 };
  let crashExpected = false;
  let stopped = false;
  const failures: unknown[] = [];
  const clients: ProtocolClient[] = [];
  let ackWaiters: (() => void)[] = [];
  const acknowledged = () => {
    const waiters = ackWaiters;
    ackWaiters = [];
    for (const then of waiters) then();
  };
  const drive = (work: () => Promise<void>) =>
    work().catch((error: unknown) => {
      if (!crashExpected) failures.push(error);
    });

  const [pairRooms, joinRooms] = await Promise.all([
    createRooms(server, acks, `${tag} pair`, shape.pairs),
    createRooms(server, acks, `${tag} seats`, shape.joinRooms),
  ]);
  const pairs = await Promise.all(
    pairRooms.map(async (slug) => {
      const pair = (await joinAll(server, slug, 2, { via: 'api' })) as [ProtocolClient, ProtocolClient];
      for (const client of pair) acks.members.set(client.id, slug);
      clients.push(...pair);
      return pair;
    }),
  );

  const perTick = Math.max(1, Math.round((shape.relaysPerSecond * TICK_MS) / 1000));
  const relay = (from: ProtocolClient, to: ProtocolClient) => {
    if (!from.isOpen) return;
    const frame = JSON.stringify({ receiver: to.id, type: 'icecandidate', data: fakeCandidate(counts.relays % 16) });
    for (let i = 0; i < perTick; i++) from.sendRaw(frame);
    counts.relays += perTick;
  };
  const relayTimer = setInterval(() => {
    for (const [renamer, partner] of pairs) {
      relay(renamer, partner);
      relay(partner, renamer);
      // Nobody reads what is relayed; the renamer clears its own queue before each rename.
      partner.clear();
    }
  }, TICK_MS);

  const renamers = pairs.map(([renamer], index) =>
    drive(async () => {
      for (let n = 1; !stopped; n++) {
        const username = `${tag} p${index} #${n}`;
        const entry = acks.names.get(renamer.id) ?? { confirmed: DEFAULT_USERNAME, sent: undefined };
        acks.names.set(renamer.id, { ...entry, sent: username });
        renamer.clear();
        renamer.send({ receiver: GROUND_CONTROL, type: 'profile', data: { username } });
        // The only facts in this room that broadcast are this client's own renames, one at a time: a
        // room-info naming it so was sent for this very rename, after it was durable.
        await renamer.next((f) => f.type === 'room-info' && usernameIn(f, renamer.id) === username, ACK_TIMEOUT_MS);
        acks.names.set(renamer.id, { confirmed: username, sent: undefined });
        counts.renames++;
        acknowledged();
        await sleep(shape.renameEveryMs);
      }
    }),
  );

  const joiners = Array.from({ length: shape.joiners }, (_, index) =>
    drive(async () => {
      for (let n = index; !stopped; n++) {
        const slug = joinRooms[n % joinRooms.length]!;
        const answer = await postJson(server.baseUrl, `/api/rooms/${encodeURIComponent(slug)}/join`, {});
        if (answer.status !== 200) throw new Error(`join ${slug} answered HTTP ${answer.status}: ${answer.body}`);
        acks.members.set(answer.json<{ clientId: string }>().clientId, slug);
        counts.joins++;
        acknowledged();
      }
    }),
  );

  return {
    counts,
    expectCrash: () => {
      crashExpected = true;
    },
    onNextAck: (then) => ackWaiters.push(then),
    stop: async () => {
      stopped = true;
      clearInterval(relayTimer);
      await closeAll(clients);
      await Promise.all([...renamers, ...joiners]);
      if (failures.length > 0) throw failures[0];
    },
  };
}

async function createRooms(server: RunningServer, acks: Acknowledged, prefix: string, count: number): Promise<string[]> {
  const slugs = await Promise.all(Array.from({ length: count }, (_, i) => createRoom(server.baseUrl, `${prefix} ${i}`)));
  for (const slug of slugs) acks.rooms.add(slug);
  return slugs;
}

function usernameIn(frame: Frame, clientId: string): string | undefined {
  const data = frame.data as { clients?: { id: string; username: string }[] } | null;
  return data?.clients?.find((c) => c.id === clientId)?.username;
}
