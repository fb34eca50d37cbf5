import { randomBytes, randomUUID } from 'node:crypto';
import { Context, Layer } from 'effect';

/** Identifiers for the domain, injected so tests and replays can be deterministic. */
export interface IdsShape {
  /** 32 lowercase hex digits, the original's `uuid4().hex` shape that existing clients expect. */
  readonly clientId: () => string;
  readonly eventId: () => string;
}

export class Ids extends Context.Tag('Ids')<Ids, IdsShape>() {}

export const randomIds: IdsShape = {
  clientId: () => randomBytes(16).toString('hex'),
  eventId: () => randomUUID(),
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
