import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { fakeSdp } from '../support/fake-signals.ts';
import { closeAll, GROUND_CONTROL, joinAll, type ProtocolClient } from '../support/protocol-client.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const TOKEN = 'metrics-token-0123456789';

/** The value of one series in Prometheus text, e.g. sample(text, 'camus_messages_in_total{type="offer"}'). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no series ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

describe('metrics and health after a scripted session', () => {
  let server: RunningServer;
  let clients: ProtocolClient[];
  const scrape = async (token = TOKEN) =>
    fetch(`${server.baseUrl}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    server = await startServer({ database: 'sqlite', env: { ADMIN_TOKEN: TOKEN } });
    const slug = await createRoom(server.baseUrl, 'Measured');
    clients = await joinAll(server, slug, 2);
    const [a, b] = clients as [ProtocolClient, ProtocolClient];
    await a.ping();
    a.send({ receiver: b.id, type: 'offer', data: { type: 'offer', sdp: fakeSdp('offer', 'm') } });
    await b.next('offer');
    a.send({ receiver: GROUND_CONTROL, type: 'frobnicate' });
    await a.next('error');
    a.send({ receiver: 'room', type: 'text', data: { from: 'A', time: 1, text: 'hello' } });
    await b.next('text');
    // Relays and chat are logged without anyone waiting; a rename is waited for, and its commit takes
    // everything queued before it, in order (server/runtime/journal.ts). After its room-info, all of the above is in the log.
    a.send({ receiver: GROUND_CONTROL, type: 'profile', data: { username: 'Measured A' } });
    await a.next((f) => f.type === 'room-info' && JSON.stringify(f.data).includes('"Measured A"'));
  });
  afterAll(async () => {
    await closeAll(clients);
    await server.stop();
  });

  it('counts rooms, sockets, messages by type, errors by reason and log appends', async () => {
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sample(text, 'camus_open_rooms')).toBe(1);
    expect(sample(text, 'camus_connected_clients')).toBe(2);
    expect(sample(text, 'camus_messages_in_total{type="offer"}')).toBe(1);
    expect(sample(text, 'camus_messages_in_total{type="ping"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'camus_messages_out_total{type="offer"}')).toBe(1);
    expect(sample(text, 'camus_messages_out_total{type="text"}')).toBe(2);
    expect(sample(text, 'camus_errors_total{reason="unknown-type"}')).toBe(1);
    // RoomCreated, 2 × (ClientJoined, ClientAdmitted, SocketConnected), MessageRelayed, ChatBroadcast at least.
    expect(sample(text, 'camus_event_log_appended_events_total')).toBeGreaterThanOrEqual(9);
    expect(sample(text, 'camus_event_log_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'camus_event_log_append_seconds_count')).toBe(sample(text, 'camus_event_log_batch_size_count'));
    expect(text).toContain('camus_startup_replay_seconds');
  });

  it('refuses scrapers without the token (401) or with a wrong one (403)', async () => {
    expect((await scrape('')).status).toBe(401);
    expect((await scrape('wrong-token-0123456789')).status).toBe(403);
  });

  it('answers /healthz while the database answers', async () => {
    const response = await fetch(`${server.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('keeps /metrics off (404) without ADMIN_TOKEN', async () => {
    const plain = await startServer({ database: 'sqlite' });
    try {
      expect((await fetch(`${plain.baseUrl}/metrics`)).status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});
