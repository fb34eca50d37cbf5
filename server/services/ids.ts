import { randomBytes, randomFillSync } from 'node:crypto';
import { Context, Layer } from 'effect';

/** Identifiers for the domain, injected so tests and replays can be deterministic. */
export interface IdsShape {
  /** 32 lowercase hex digits, the original's `uuid4().hex` shape that existing clients expect. */
  readonly clientId: () => string;
  readonly eventId: () => string;
}

export class Ids extends Context.Tag('Ids')<Ids, IdsShape>() {}

const HEX = new Uint8Array(16).map((_, i) => '0123456789abcdef'.charCodeAt(i));
const DASH = 0x2d;
/** Random bytes are drawn from the system in blocks; an id takes 10 of them. */
const POOL_BYTES = 10 * 1024;

/**
 * UUIDv7s (RFC 9562): 48 bits of Unix milliseconds, the version, 74 random bits and the variant.
 * Ids that grow with time land at the end of the log's event_id index, so an append touches one of
 * its pages instead of one random page per event. One is made for every logged event, relays
 * included, so each is written as ASCII into one buffer and read out as a single string: formatting
 * it from a v4 UUID and slices made a dozen short-lived strings, a tenth of a relay's garbage.
 */
export class TimeOrderedUuids {
  private readonly text = Buffer.alloc(36);
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private used = POOL_BYTES;
  private lastMs = -1;

  next(nowMs: number): string {
    const ms = Math.max(0, Math.floor(nowMs)) % 2 ** 48;
    if (ms !== this.lastMs) this.writeTime(ms);
    if (this.used + 10 > POOL_BYTES) {
      randomFillSync(this.pool);
      this.used = 0;
    }
    const r = this.pool;
    let at = this.used;
    this.used += 10;
    const t = this.text;
    t[14] = 0x37; // '7': the version
    t[15] = HEX[r[at]! & 0x0f]!;
    this.byte(16, r[++at]!);
    t[18] = DASH;
    t[19] = HEX[8 | (r[++at]! & 0x03)]!; // the variant: 10xx
    t[20] = HEX[r[at]! >> 4]!;
    this.byte(21, r[++at]!);
    t[23] = DASH;
    for (let i = 24; i < 36; i += 2) this.byte(i, r[++at]!);
    return t.toString('latin1');
  }

  private writeTime(ms: number): void {
    this.lastMs = ms;
    const t = this.text;
    let rest = ms;
    for (let i = 12; i >= 0; i--) {
      if (i === 8) {
        t[i] = DASH;
        continue;
      }
      t[i] = HEX[rest % 16]!;
      rest = Math.floor(rest / 16);
    }
    t[13] = DASH;
  }

  private byte(index: number, value: number): void {
    this.text[index] = HEX[value >> 4]!;
    this.text[index + 1] = HEX[value & 0x0f]!;
  }
}

const shared = new TimeOrderedUuids();

/** A UUIDv7 for the given time (see TimeOrderedUuids). */
export const timeOrderedUuid = (nowMs: number): string => shared.next(nowMs);

export const randomIds: IdsShape = {
  clientId: () => randomBytes(16).toString('hex'),
  // The live service's own clock: ordering only helps the index, nothing reads time back from an id.
  eventId: () => shared.next(Date.now()),
};

export const IdsLive = Layer.succeed(Ids, randomIds);

/** Sequential ids for tests: readable in failure output and stable across runs. */
export function sequentialIds(): IdsShape {
  let client = 0;
  let event = 0;
  return {
    clientId: () => (++client).toString(16).padStart(32, '0'),
    eventId: () => `00000000-0000-4000-8000-${(++event).toString(16).padStart(12, '0')}`,
  };
}
