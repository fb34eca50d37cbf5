import { randomBytes, randomUUID } from 'node:crypto';
import { Context, Layer } from 'effect';

/** Identifiers for the domain, injected so tests and replays can be deterministic. */
export interface IdsShape {
  /** 32 lowercase hex digits, the original's `uuid4().hex` shape that existing clients expect. */
  readonly clientId: () => string;
  readonly eventId: () => string;
}

export class Ids extends Context.Tag('Ids')<Ids, IdsShape>() {}

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then randomness (borrowed from a v4, whose random
 * bits sit in the same places). Ids that grow with time land at the end of the log's event_id index,
 * so an append touches one of its pages instead of one random page per event.
 */
export function timeOrderedUuid(nowMs: number): string {
  const time = Math.max(0, Math.floor(nowMs)).toString(16).padStart(12, '0').slice(-12);
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}

export const randomIds: IdsShape = {
  clientId: () => randomBytes(16).toString('hex'),
  // The live service's own clock: ordering only helps the index, nothing reads time back from an id.
  eventId: () => timeOrderedUuid(Date.now()),
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
