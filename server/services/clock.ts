import { Context, Layer } from 'effect';

export type TimerHandle = { readonly cancel: () => void };

/**
 * Time for the domain. Machines never read the time themselves: the host stamps each event with
 * `now()` and arms the machines' delays through `schedule`, so tests can move time by hand.
 */
export interface ClockShape {
  readonly now: () => number;
  readonly schedule: (delayMs: number, fire: () => void) => TimerHandle;
}

export class Clock extends Context.Tag('Clock')<Clock, ClockShape>() {}

export const systemClock: ClockShape = {
  now: () => Date.now(),
  schedule: (delayMs, fire) => {
    const timer = setTimeout(fire, Math.max(0, delayMs));
    timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  },
};

export const ClockLive = Layer.succeed(Clock, systemClock);
