import { Arbitrary, Schema } from 'effect';
import * as fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ClientId } from './addresses.ts';
import { decodeInbound, encodeOutbound } from './codec.ts';
import { inboundByType } from './inbound.ts';
import { limits } from './limits.ts';
import { Outbound } from './outbound.ts';

const seed = Number(process.env.FC_SEED ?? 20_160_316);
console.info(`protocol/codec.test.ts: fast-check seed ${seed} (set FC_SEED to replay)`);

const BILL = ClientId.make('d86f5959c08d48ffb244ffd5e621871e');
const TED = ClientId.make('f881d631e61a40f7b5c64d3af9493bf0');

/**
 * effect's `Arbitrary.make` builds on its own bundled fast-check 3; `makeLazy` lets the schema build its
 * arbitrary with the fast-check 4 this project runs.
 */
const arbitraryOf = <A, I>(schema: Schema.Schema<A, I>): fc.Arbitrary<A> =>
  Arbitrary.makeLazy(schema)(fc as never) as unknown as fc.Arbitrary<A>;

/** `sender` is Schema.Unknown (accepted, ignored); give it what clients really send: nothing or an id. */
const withRealisticSender = <A extends object>(message: fc.Arbitrary<A>): fc.Arbitrary<A> =>
  fc.tuple(message, fc.option(arbitraryOf(ClientId), { nil: undefined })).map(([m, sender]) => {
    const { sender: _ignored, ...rest } = m as A & { sender?: unknown };
    return (sender === undefined ? rest : { sender, ...rest }) as A;
  });

/** What a value is after a trip through JSON text (-0 becomes 0; undefined keys vanish). */
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const frame = (value: unknown): string => JSON.stringify(value);
const decodeOutbound = Schema.decodeUnknownSync(Outbound);

describe('round trip: every message type survives encode → decode unchanged', () => {
  test.each(Object.entries(inboundByType))('inbound %s: JSON.stringify → decodeInbound gives the same message', (type, schema) => {
    const messages = withRealisticSender(arbitraryOf(schema as Schema.Schema<object, unknown>));

    fc.assert(
      fc.property(messages, (message) => {
        const result = decodeInbound(JSON.stringify(message));

        expect(result).toEqual({ ok: true, message: viaJson(message) });
        expect(result.ok && result.message.type).toBe(type);
      }),
      { seed, numRuns: 300 },
    );
  });

  test.each(Outbound.members.map((member) => [member.fields.type.literals[0], member] as const))(
    'outbound %s: encodeOutbound → JSON.parse → Outbound gives the same message, keys in wire order',
    (_type, member) => {
      fc.assert(
        fc.property(arbitraryOf(member as Schema.Schema<Outbound, unknown>), (message) => {
          const wire = JSON.parse(encodeOutbound(message)) as object;

          expect(Object.keys(wire)).toEqual(['sender', 'receiver', 'type', 'data']);
          expect(decodeOutbound(wire)).toEqual(viaJson(message));
        }),
        { seed, numRuns: 300 },
      );
    },
  );

  test('encodeOutbound writes data: null when a message has none', () => {
    const bye = { sender: TED, receiver: BILL, type: 'bye', data: undefined } as unknown as Outbound;

    expect(encodeOutbound(bye)).toBe(`{"sender":"${TED}","receiver":"${BILL}","type":"bye","data":null}`);
  });

  test('encodeOutbound emits sender, receiver, type, data in that order and nothing else', () => {
    const shuffled = { data: 7, extra: 'not relayed', type: 'pong', receiver: BILL, sender: 'ground control' } as Outbound;

    expect(encodeOutbound(shuffled)).toBe(`{"sender":"ground control","receiver":"${BILL}","type":"pong","data":7}`);
  });

});

describe('Outbound admits only frames the server can really send', () => {
  test('a pong reply carries the ping data identically (the client matches it with ===)', () => {
    const ping = decodeInbound('{"receiver":"ground control","type":"ping","data":1615918847680.5}');
    const data = ping.ok && ping.message.type === 'ping' ? ping.message.data : Number.NaN;

    const reply = JSON.parse(encodeOutbound({ sender: 'ground control', receiver: BILL, type: 'pong', data })) as { data: unknown };

    expect(reply.data).toBe(1615918847680.5);
  });

  test('Outbound refuses what JSON cannot carry: a pong with NaN or Infinity', () => {
    for (const data of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(Schema.is(Outbound)({ sender: 'ground control', receiver: BILL, type: 'pong', data })).toBe(false);
    }
  });

  test('Outbound refuses an offer relayed to "room": only chat goes to the whole room', () => {
    const offer = { sender: TED, receiver: 'room', type: 'offer', data: { type: 'offer', sdp: 'v=0' } };

    expect(Schema.is(Outbound)(offer)).toBe(false);
    expect(Schema.is(Outbound)({ ...offer, type: 'text', data: { from: 'Ted', time: 1, text: 'hi' } })).toBe(true);
  });
});

describe('bad frames are refused with a precise reason', () => {
  const ping = { receiver: 'ground control', type: 'ping', data: 1 };
  const offer = { receiver: BILL, type: 'offer', data: { type: 'offer', sdp: 'v=0' } };

  test.each([
    ['malformed JSON', '{"type":"ping"', 'Malformed JSON'],
    ['an empty frame', '', 'Malformed JSON'],
    ['a trailing comma', '{"type":"ping",}', 'Malformed JSON'],
    ['an array', '[{"receiver":"ground control","type":"ping","data":1}]', 'A message must be a JSON object'],
    ['a number', '42', 'A message must be a JSON object'],
    ['a string', '"ping"', 'A message must be a JSON object'],
    ['null', 'null', 'A message must be a JSON object'],
    ['a boolean', 'true', 'A message must be a JSON object'],
    ['no type', frame({ receiver: 'ground control', data: 1 }), 'Missing field: type'],
    ['a numeric type', frame({ ...ping, type: 1 }), 'Field "type" must be a string'],
    ['a null type', frame({ ...ping, type: null }), 'Field "type" must be a string'],
    ['an array type', frame({ ...ping, type: ['ping'] }), 'Field "type" must be a string'],
    ['an unknown type (the original server\'s words)', frame({ ...ping, type: 'frobnicate' }), 'Unknown message type: frobnicate'],
    ['a type named after an Object.prototype member', frame({ ...ping, type: 'toString' }), 'Unknown message type: toString'],
    ['a server-only type', frame({ ...ping, type: 'room-info' }), 'Unknown message type: room-info'],
    ['an unknown type with control characters, shown as ?', frame({ ...ping, type: 'a\u0000b\nc\u00e9' }), 'Unknown message type: a?b?c?'],
    ['an unknown type longer than 64 chars, cut', frame({ ...ping, type: 'x'.repeat(5000) }), `Unknown message type: ${'x'.repeat(64)}…`],
    ['no receiver', frame({ type: 'ping', data: 1 }), 'Invalid ping message: receiver: is missing'],
    ['a numeric receiver', frame({ ...offer, receiver: 5 }), 'Invalid offer message: receiver: Expected string'],
    ['profile to the room', frame({ receiver: 'room', type: 'profile', data: { username: 'Bill' } }), 'Invalid profile message: receiver: Expected "ground control"'],
    ['offer to ground control', frame({ ...offer, receiver: 'ground control' }), 'Invalid offer message: receiver: Expected a client id (32 lowercase hex digits)'],
    ['offer to a name, not an id', frame({ ...offer, receiver: 'ted' }), 'Invalid offer message: receiver: Expected a client id (32 lowercase hex digits)'],
    ['text to ground control', frame({ receiver: 'ground control', type: 'text', data: { from: 'Ted', time: 1, text: 'hi' } }), 'Invalid text message: receiver: Expected "room" or a client id'],
    ['bye to the room', frame({ receiver: 'room', type: 'bye' }), 'Invalid bye message: receiver: Expected "ground control" or a client id'],
    ['an empty username', frame({ receiver: 'ground control', type: 'profile', data: { username: '' } }), 'Invalid profile message: data.username: username must not be blank'],
    ['a blank username', frame({ receiver: 'ground control', type: 'profile', data: { username: ' \t ' } }), 'Invalid profile message: data.username: username must not be blank'],
    ['a username over 64 chars', frame({ receiver: 'ground control', type: 'profile', data: { username: 'B'.repeat(limits.usernameChars + 1) } }), 'Invalid profile message: data.username: Expected a string at most 64 character(s) long'],
    ['profile without data', frame({ receiver: 'ground control', type: 'profile' }), 'Invalid profile message: data: is missing'],
    ['profile data that is not an object', frame({ receiver: 'ground control', type: 'profile', data: 'Bill' }), 'Invalid profile message: data: Expected an object'],
    ['an sdp over the limit', frame({ ...offer, data: { type: 'offer', sdp: 'a'.repeat(limits.sdpChars + 1) } }), 'Invalid offer message: data.sdp: Expected a string at most 32768 character(s) long'],
    ['an answer sdp over the limit', frame({ receiver: BILL, type: 'answer', data: { type: 'answer', sdp: 'a'.repeat(limits.sdpChars + 1) } }), 'Invalid answer message: data.sdp: Expected a string at most 32768 character(s) long'],
    ['an offer whose data says answer', frame({ ...offer, data: { type: 'answer', sdp: 'v=0' } }), 'Invalid offer message: data.type: Expected "offer"'],
    ['a candidate over the limit', frame({ receiver: BILL, type: 'icecandidate', data: { candidate: 'c'.repeat(limits.candidateChars + 1) } }), 'Invalid icecandidate message: data.candidate: Expected a string at most 1024 character(s) long'],
    ['a fractional sdpMLineIndex', frame({ receiver: BILL, type: 'icecandidate', data: { candidate: 'c', sdpMLineIndex: 1.5 } }), 'Invalid icecandidate message: data.sdpMLineIndex: Expected an integer'],
    ['chat text over the limit', frame({ receiver: 'room', type: 'text', data: { from: 'Ted', time: 1, text: 't'.repeat(limits.chatChars + 1) } }), 'Invalid text message: data.text: Expected a string at most 4096 character(s) long'],
    ['a ping without data', frame({ receiver: 'ground control', type: 'ping' }), 'Invalid ping message: data: is missing'],
    ['a ping with text data', frame({ ...ping, data: 'now' }), 'Invalid ping message: data: Expected number'],
    ['a ping whose number overflows to Infinity', '{"receiver":"ground control","type":"ping","data":1e400}', 'Invalid ping message: data: Expected a finite number'],
    ['get-room-info with data', frame({ receiver: 'ground control', type: 'get-room-info', data: {} }), 'Invalid get-room-info message: data: Expected null'],
  ])('%s', (_name, input, reason) => {
    const result = decodeInbound(input);

    expect(result).toEqual({ ok: false, reason });
  });

  test('a refused value is not echoed back: the reason for a 32 KiB sdp stays short', () => {
    const result = decodeInbound(frame({ ...offer, data: { type: 'offer', sdp: 'SECRET'.repeat(10_000) } }));

    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).not.toContain('SECRET');
  });
});

describe('size limits accept exactly the limit', () => {
  test.each([
    ['a 64-char username', { receiver: 'ground control', type: 'profile', data: { username: 'B'.repeat(limits.usernameChars) } }],
    ['a 32 KiB sdp', { receiver: BILL, type: 'offer', data: { type: 'offer', sdp: 'a'.repeat(limits.sdpChars) } }],
    ['a 1 KiB candidate', { receiver: BILL, type: 'icecandidate', data: { candidate: 'c'.repeat(limits.candidateChars) } }],
    ['4 KiB of chat', { receiver: 'room', type: 'text', data: { from: 'Ted', time: 1, text: 't'.repeat(limits.chatChars) } }],
  ])('%s', (_name, message) => {
    expect(decodeInbound(frame(message))).toEqual({ ok: true, message });
  });
});

describe('nesting is bounded by limits.depth', () => {
  /** A ping with an ignored key holding arrays, so the frame has `levels` nested containers in all. */
  const pingNested = (levels: number): string =>
    `{"receiver":"ground control","type":"ping","data":1,"x":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;

  test(`${limits.depth} levels of nesting are accepted`, () => {
    expect(decodeInbound(pingNested(limits.depth))).toEqual({ ok: true, message: { receiver: 'ground control', type: 'ping', data: 1 } });
  });

  test(`${limits.depth + 1} levels are refused`, () => {
    expect(decodeInbound(pingNested(limits.depth + 1))).toEqual({ ok: false, reason: 'Message nested deeper than 4 levels' });
  });

  test('10 000 levels are refused without exhausting the stack', () => {
    expect(decodeInbound(pingNested(10_000))).toEqual({ ok: false, reason: 'Message nested deeper than 4 levels' });
  });

  test('depth counts inside data too', () => {
    const profile = '{"receiver":"ground control","type":"profile","data":{"username":"Bill","x":{"y":{"z":{}}}}}';

    expect(decodeInbound(profile)).toEqual({ ok: false, reason: 'Message nested deeper than 4 levels' });
  });
});

describe('prototype keys are refused at any depth', () => {
  test.each([
    ['__proto__ at the top', '{"__proto__":{"p":1},"receiver":"ground control","type":"ping","data":1}', 'Forbidden key: __proto__'],
    ['__proto__ inside data', '{"receiver":"ground control","type":"profile","data":{"username":"Bill","__proto__":{"isAdmin":true}}}', 'Forbidden key: __proto__'],
    ['constructor inside an ignored sender', '{"sender":{"constructor":{"prototype":{}}},"receiver":"ground control","type":"ping","data":1}', 'Forbidden key: constructor'],
    ['prototype at the deepest allowed level', '{"receiver":"ground control","type":"ping","data":1,"x":[[{"prototype":1}]]}', 'Forbidden key: prototype'],
    ['__proto__ alone', '{"__proto__":{"p":1}}', 'Forbidden key: __proto__'],
  ])('%s', (_name, input, reason) => {
    expect(decodeInbound(input)).toEqual({ ok: false, reason });
  });

  test('decoding {"__proto__":{"p":1}} leaves ({}).p undefined', () => {
    decodeInbound('{"__proto__":{"p":1}}');
    decodeInbound('{"receiver":"ground control","type":"profile","data":{"username":"Bill","__proto__":{"p":1}}}');

    expect(({} as { p?: unknown }).p).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'p')).toBe(false);
  });
});

describe('what is relayed is the validated value, never the raw frame', () => {
  test('a frame with two "type" keys decodes to the last one only (JSON.parse semantics)', () => {
    const twoTypes = '{"receiver":"room","type":"bye","type":"text","data":{"from":"Ted","time":1,"text":"hi"}}';

    const result = decodeInbound(twoTypes);

    expect(result).toEqual({ ok: true, message: { receiver: 'room', type: 'text', data: { from: 'Ted', time: 1, text: 'hi' } } });
  });

  test('re-encoding a two-"type" frame yields a single type', () => {
    const result = decodeInbound('{"receiver":"room","type":"bye","type":"text","data":{"from":"Ted","time":1,"text":"hi"}}');
    if (!result.ok || result.message.type !== 'text') throw new Error(`expected a text message, got ${JSON.stringify(result)}`);

    const relayed = encodeOutbound({ sender: TED, receiver: result.message.receiver, type: 'text', data: result.message.data });

    expect(relayed.match(/"type"/g)).toHaveLength(1);
    expect(relayed).toBe(`{"sender":"${TED}","receiver":"room","type":"text","data":{"from":"Ted","time":1,"text":"hi"}}`);
  });

  test('a two-"type" frame whose last type is unknown is refused', () => {
    expect(decodeInbound('{"receiver":"ground control","type":"ping","type":"frobnicate","data":1}')).toEqual({
      ok: false,
      reason: 'Unknown message type: frobnicate',
    });
  });

  test('unknown extra keys are dropped from the decoded message, at the top and inside data', () => {
    const padded = frame({
      receiver: BILL,
      type: 'icecandidate',
      data: { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null, html: '<img src=x>' },
      admin: true,
    });

    expect(decodeInbound(padded)).toEqual({
      ok: true,
      message: {
        receiver: BILL,
        type: 'icecandidate',
        data: { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null },
      },
    });
  });
});

describe('client ids are 32 lowercase hex digits (uuid4().hex)', () => {
  test.each([
    ['32 lowercase hex digits', BILL],
    ['all zeros', '0'.repeat(32)],
  ])('an offer to %s is accepted', (_name, receiver) => {
    const offer = { receiver, type: 'offer', data: { type: 'offer', sdp: 'v=0' } };

    expect(decodeInbound(frame(offer))).toEqual({ ok: true, message: offer });
  });

  test.each([
    ['uppercase hex', BILL.toUpperCase()],
    ['a dashed UUID', 'd86f5959-c08d-48ff-b244-ffd5e621871e'],
    ['31 hex digits', BILL.slice(1)],
    ['33 hex digits', `${BILL}0`],
    ['a non-hex letter', `g${BILL.slice(1)}`],
    ['a trailing newline', `${BILL}\n`],
    ['the empty string', ''],
  ])('%s is refused as a receiver', (_name, receiver) => {
    const offer = decodeInbound(frame({ receiver, type: 'offer', data: { type: 'offer', sdp: 'v=0' } }));
    const text = decodeInbound(frame({ receiver, type: 'text', data: { from: 'Ted', time: 1, text: 'hi' } }));
    const bye = decodeInbound(frame({ receiver, type: 'bye' }));

    expect(offer).toEqual({ ok: false, reason: 'Invalid offer message: receiver: Expected a client id (32 lowercase hex digits)' });
    expect(text).toEqual({ ok: false, reason: 'Invalid text message: receiver: Expected "room" or a client id' });
    expect(bye).toEqual({ ok: false, reason: 'Invalid bye message: receiver: Expected "ground control" or a client id' });
  });
});
