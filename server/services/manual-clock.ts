import { Layer } from 'effect';
import { Clock, type ClockShape } from './clock.ts';

/** A clock that only moves when a test says so; due timers fire in order inside `advance`. */
export class ManualClock implements ClockShape {
  private current: number;
  private timers: { at: number; seq: number; fire: () => void }[] = [];
  private seq = 0;

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now = (): number => this.current;

  schedule = (delayMs: number, fire: () => void) => {
    const timer = { at: this.current + Math.max(0, delayMs), seq: this.seq++, fire };
    this.timers.push(timer);
    return { cancel: () => void (this.timers = this.timers.filter((t) => t !== timer)) };
  };

  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      due.fire();
    }
    this.current = target;
  }

  get pending(): number {
    return this.timers.length;
  }
}

export const manualClockLayer = (clock: ManualClock) => Layer.succeed(Clock, clock);
