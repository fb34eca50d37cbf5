// The live check of `replay --server`: comparing states, reading the log up to the live position, asking a server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../tests/replay/support.ts';
import { freePort } from '../../tests/support/server.ts';
import { readConfig } from '../config.ts';
import { configuredMachines } from '../runtime/machines.ts';
import { replayRoom } from '../runtime/replay.ts';
import {
  checkLive,
  compareStates,
  expectedState,
  fetchLiveState,
  liveCheckText,
  LiveUnavailable,
  type LiveState,
  type LogReader,
} from './live-check.ts';

const TOKEN = 'live-check-token-0123456789';

describe('comparing states', () => {
  const live: LiveState = {
    room: { value: { open: 'occupied' }, context: { members: ['a1', 'b2'], hasPassword: true } },
    clients: [
      { id: 'a1', value: 'connected', context: { username: 'Alice' } },
      { id: 'b2', value: 'disconnected', context: { username: 'Bob' } },
    ],
    lastPosition: 9,
  };

  it('finds none between equal states, whatever the order of keys', () => {
    const reordered = { ...live, room: { context: { hasPassword: true, members: ['a1', 'b2'] }, value: { open: 'occupied' } } };
    expect(compareStates(live, reordered)).toEqual([]);
  });

  it('names the actor and what differs', () => {
    const other: LiveState = { ...live, clients: [{ id: 'a1', value: 'connected', context: { username: 'Alicia' } }, { id: 'c3', value: 'admitted', context: {} }] };
    expect(compareStates(live, other)).toEqual([
      { actor: 'client a1', what: 'context.username', expected: 'Alice', live: 'Alicia' },
      { actor: 'client b2', what: 'presence', expected: 'disconnected', live: null },
      { actor: 'client c3', what: 'presence', expected: null, live: 'admitted' },
    ]);
  });

  describe('reading the log up to the live position', () => {
    const events = fixture('two-person-call');
    const slug = events[0]!.room;
    const machines = configuredMachines(readConfig({}));
    const last = events.at(-1)!.globalPosition;
    const truth = expectedState(replayRoom(machines, slug, events), last);
    /** A log still being written: each look at it finds `step` more events, up to `limit`. */
    const growingLog = (step: number, limit = events.length): LogReader & { looks: number } => {
      let written = Math.floor(events.length / 2);
      const log = {
        looks: 0,
        lastGlobalPosition: async () => {
          log.looks++;
          written = Math.min(limit, written + step);
          return events[written - 1]!.globalPosition;
        },
        readRoom: async (after: number) => events.slice(0, written).filter((e) => e.globalPosition > after),
      };
      return log;
    };

    it('reads again until it reaches that position, then finds the states equal', async () => {
      const log = growingLog(3);
      const check = await checkLive(machines, slug, events.slice(0, events.length / 2), truth, log, { waitMs: 1 });
      expect(log.looks).toBeGreaterThan(2);
      expect(check).toEqual({ lastPosition: last, readUpTo: last, differences: [] });
    });

    it('gives up after its attempts and reports what the missing events changed', async () => {
      const log = growingLog(1, events.length - 6);
      const check = await checkLive(machines, slug, events.slice(0, 4), truth, log, { attempts: 3, waitMs: 1 });
      expect(log.looks).toBe(3);
      expect(check.readUpTo).toBeLessThan(last);
      expect(check.differences.length).toBeGreaterThan(0);
      expect(liveCheckText('http://camus.test', check)).toContain(`the log read ends at #${check.readUpTo}`);
    });

    it('leaves out events recorded after the live state was taken', async () => {
      const earlier = events.findIndex((e) => e.type === 'UsernameChanged');
      const then = expectedState(replayRoom(machines, slug, events.slice(0, earlier)), events[earlier - 1]!.globalPosition);
      const check = await checkLive(machines, slug, events, then, { lastGlobalPosition: async () => last, readRoom: async () => [] });
      expect(check.differences).toEqual([]);
    });
  });
});

describe('asking a server', () => {
  let stub: Server;
  let answer: { status: number; body: string } = { status: 200, body: '{}' };
  let url: string;
  beforeAll(async () => {
    stub = createServer((_req, res) => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body));
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => stub.close(() => resolve())));

  const refusal = async (status: number, body = '{}') => {
    answer = { status, body };
    return fetchLiveState(url, 'room', TOKEN).then(
      () => 'accepted',
      (error: Error) => (error instanceof LiveUnavailable ? error.message : `not LiveUnavailable: ${error.message}`),
    );
  };

  it('tells apart debug pages that are off, a refused token, other failures and a body that is no state', async () => {
    expect(await refusal(404)).toMatch(/no debug pages \(HTTP 404\): is ADMIN_TOKEN set there/);
    expect(await refusal(401)).toMatch(/refused the admin token \(HTTP 401\)/);
    expect(await refusal(403)).toMatch(/refused the admin token \(HTTP 403\)/);
    expect(await refusal(500)).toMatch(/answered HTTP 500/);
    expect(await refusal(200, '<html>')).toMatch(/did not answer with a room state/);
    expect(await refusal(200, JSON.stringify({ room: null, clients: [], lastPosition: 3 }))).toBe('accepted');
  });

  it('says when nothing answers', async () => {
    const port = await freePort();
    await expect(fetchLiveState(`http://127.0.0.1:${port}`, 'room', TOKEN)).rejects.toThrow(/cannot reach the server at .*ECONNREFUSED/);
  });
});
