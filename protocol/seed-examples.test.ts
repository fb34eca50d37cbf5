// The JSON examples of the seed's architecture.rst ("Messaging Protocol"), copied verbatim, plus the two
// server frames that wire-format.md records from the original server (pong reply, unknown-type error).
import { Schema } from 'effect';
import { describe, expect, test } from 'vitest';
import { decodeInbound } from './codec.ts';
import { Outbound } from './outbound.ts';

const BILL = 'd86f5959c08d48ffb244ffd5e621871e';
const TED = 'f881d631e61a40f7b5c64d3af9493bf0';

const seed = {
  ping: String.raw`{
        "sender": "ground control",
        "receiver": "d86f5959c08d48ffb244ffd5e621871e",
        "type": "ping",
        "data": 1615918847680
      }`,
  pong: String.raw`{
        "sender": "d86f5959c08d48ffb244ffd5e621871e",
        "receiver": "ground control",
        "type": "pong",
        "data": 1615918847680
      }`,
  text: String.raw`{
        "sender": "f881d631e61a40f7b5c64d3af9493bf0",
        "receiver": "d86f5959c08d48ffb244ffd5e621871e",
        "type": "text",
        "data": {
            "from": "Ted",
            "time": 1615918847680,
            "text": "All we are is dust in the wind, dude."
        }
      }`,
  getRoomInfo: String.raw`{
        "sender": "d86f5959c08d48ffb244ffd5e621871e",
        "receiver": "ground control",
        "type": "get-room-info"
      }`,
  roomInfo: String.raw`{
        "sender": "ground control",
        "receiver": "d86f5959c08d48ffb244ffd5e621871e",
        "type": "room-info",
        "data": {
          "room_id": "excellent-adventure",
          "clients": [
            {
              "id": "d86f5959c08d48ffb244ffd5e621871e",
              "username": "Bill"
            },
            {
              "id": "f881d631e61a40f7b5c64d3af9493bf0",
              "username": "Ted"
            }
          ]
        }
      }`,
  profile: String.raw`{
        "sender": "d86f5959c08d48ffb244ffd5e621871e",
        "receiver": "ground control",
        "type": "profile",
        "data": {
          "username": "Bill"
        }
      }`,
  getIceServers: String.raw`{
        "sender": "d86f5959c08d48ffb244ffd5e621871e",
        "receiver": "ground control",
        "type": "get-ice-servers"
      }`,
  iceServers: String.raw`{
        "sender": "ground control",
        "receiver": "d86f5959c08d48ffb244ffd5e621871e",
        "type": "ice-servers",
        "data": [
            {
              "urls": [
                "stun:turn.example.com:3478"
              ],
              "kind": "stun"
            },
            {
              "urls": [
                "turn:turn.example.com:3478"
              ],
              "username": "1615934570:d86f5959c08d48ffb244ffd5e621871e",
              "credential": "ifiW349BM2jX4+UnzRl0Da7GrA0=",
              "kind": "turn"
            }
          ]
        }`,
  offer: String.raw`{
        "sender": "f881d631e61a40f7b5c64d3af9493bf0",
        "receiver": "d86f5959c08d48ffb244ffd5e621871e",
        "type": "offer",
        "data": {
          "type": "offer",
           "sdp": "v=0\r\no=- 3924465504085920629 2 IN IP4 127.0...."
        }
      }`,
  answer: String.raw`{
        "sender": "d86f5959c08d48ffb244ffd5e621871e",
        "receiver": "f881d631e61a40f7b5c64d3af9493bf0",
        "type": "answer",
        "data": {
          "type": "answer",
          "sdp": "v=0\r\no=- 1134820208031418978 2 IN IP4 127.0...."
        }
      }`,
  icecandidate: String.raw`{
        "sender": "d86f5959c08d48ffb244ffd5e621871e",
        "receiver": "f881d631e61a40f7b5c64d3af9493bf0",
        "type": "icecandidate",
        "data": {
          "candidate": "candidate:3885250869 1 udp 2122260223 17...",
          "sdpMid": "2",
          "sdpMLineIndex": 2
        }
      }`,
  greeting: String.raw`{
        "sender": "ground control",
        "receiver": "d86f5959c08d48ffb244ffd5e621871e",
        "type": "greeting",
        "data": "This is Ground Control to Major Tom"
      }`,
  bye: String.raw`{
        "sender": "d86f5959c08d48ffb244ffd5e621871e",
        "receiver": "f881d631e61a40f7b5c64d3af9493bf0",
        "type": "bye",
        "data": 1615919897795
      }`,
} as const;

/** wire-format.md: the original's reply to a ping, and its reply to an unknown type. */
const observed = {
  pongReply: `{"sender":"ground control","receiver":"${BILL}","type":"pong","data":1615918847680}`,
  error: `{"sender":"ground control","receiver":"${BILL}","type":"error","data":"Unknown message type: frobnicate"}`,
} as const;

const decodeOutbound = Schema.decodeUnknownSync(Outbound);

/** The same frame sent the other way: from the client to ground control. */
function towardGroundControl(frame: string): string {
  const { sender: _server, receiver: _client, ...rest } = JSON.parse(frame) as Record<string, unknown>;
  return JSON.stringify({ sender: BILL, receiver: 'ground control', ...rest });
}

describe('seed examples a client sends decode as written', () => {
  test.each([
    ['pong', seed.pong],
    ['text (to a peer)', seed.text],
    ['get-room-info (no data key)', seed.getRoomInfo],
    ['profile', seed.profile],
    ['get-ice-servers (no data key)', seed.getIceServers],
    ['offer', seed.offer],
    ['answer', seed.answer],
    ['icecandidate', seed.icecandidate],
    ['bye (to a peer)', seed.bye],
  ])('%s', (_name, frame) => {
    const result = decodeInbound(frame);

    expect(result).toEqual({ ok: true, message: JSON.parse(frame) });
  });

  test('the offer keeps its sdp line breaks', () => {
    const result = decodeInbound(seed.offer);

    expect(result.ok && result.message.type === 'offer' && result.message.data.sdp).toBe(
      'v=0\r\no=- 3924465504085920629 2 IN IP4 127.0....',
    );
  });
});

describe('seed examples written from ground control are refused as client frames; their client-direction form decodes', () => {
  test('ping: the seed addresses it from ground control to a client, which a client may not send', () => {
    expect(decodeInbound(seed.ping)).toEqual({ ok: false, reason: 'Invalid ping message: receiver: Expected "ground control"' });
  });

  test('ping to ground control (what the client sends on load) decodes', () => {
    const frame = towardGroundControl(seed.ping);

    expect(decodeInbound(frame)).toEqual({
      ok: true,
      message: { sender: BILL, receiver: 'ground control', type: 'ping', data: 1615918847680 },
    });
  });

  test('greeting: the seed sends it from ground control to a client, which a client may not send', () => {
    expect(decodeInbound(seed.greeting)).toEqual({
      ok: false,
      reason: 'Invalid greeting message: receiver: Expected "ground control"',
    });
  });

  test('greeting to ground control decodes', () => {
    const frame = towardGroundControl(seed.greeting);

    expect(decodeInbound(frame)).toEqual({
      ok: true,
      message: { sender: BILL, receiver: 'ground control', type: 'greeting', data: 'This is Ground Control to Major Tom' },
    });
  });

  test('bye to ground control (leaving the room) decodes', () => {
    const frame = JSON.stringify({ ...JSON.parse(seed.bye), receiver: 'ground control' });

    expect(decodeInbound(frame)).toEqual({
      ok: true,
      message: { sender: BILL, receiver: 'ground control', type: 'bye', data: 1615919897795 },
    });
  });

  test('text to the room decodes', () => {
    const frame = JSON.stringify({ ...JSON.parse(seed.text), receiver: 'room' });

    expect(decodeInbound(frame)).toMatchObject({ ok: true, message: { receiver: 'room', type: 'text' } });
  });
});

describe('server frames from the seed and the observed wire decode as Outbound as written', () => {
  test.each([
    ['room-info', seed.roomInfo],
    ['relayed text (Ted to Bill)', seed.text],
    ['relayed offer', seed.offer],
    ['relayed answer', seed.answer],
    ['relayed icecandidate', seed.icecandidate],
    ['relayed bye', seed.bye],
    ['pong reply (wire-format.md)', observed.pongReply],
    ['unknown-type error (wire-format.md)', observed.error],
  ])('%s', (_name, frame) => {
    const decoded = decodeOutbound(JSON.parse(frame));

    expect(decoded).toEqual(JSON.parse(frame));
  });

  test('ice-servers decodes as written, and its "kind" keys (absent from the observed wire) are dropped', () => {
    const decoded = decodeOutbound(JSON.parse(seed.iceServers));

    expect(decoded).toEqual({
      sender: 'ground control',
      receiver: BILL,
      type: 'ice-servers',
      data: [
        { urls: ['stun:turn.example.com:3478'] },
        {
          urls: ['turn:turn.example.com:3478'],
          username: `1615934570:${BILL}`,
          credential: 'ifiW349BM2jX4+UnzRl0Da7GrA0=',
        },
      ],
    });
  });

  test('room-info lists both clients with their ids', () => {
    const decoded = decodeOutbound(JSON.parse(seed.roomInfo));

    expect(decoded.type === 'room-info' && decoded.data.clients.map((c) => c.id)).toEqual([BILL, TED]);
  });
});
