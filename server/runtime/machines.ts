import { clientMachine } from '../client/machine.ts';
import { roomMachine } from '../room/machine.ts';

export interface Timeouts {
  readonly roomIdleMs: number;
  readonly reconnectGraceMs: number;
  readonly connectTimeoutMs: number;
}

/** The machines with the configured delays. Replay may use any delays: events, not timers, drive it. */
export function configuredMachines(timeouts: Timeouts) {
  return {
    room: roomMachine.provide({ delays: { idleTimeout: timeouts.roomIdleMs } }),
    client: clientMachine.provide({
      delays: { reconnectGrace: timeouts.reconnectGraceMs, connectTimeout: timeouts.connectTimeoutMs },
    }),
  };
}

export type Machines = ReturnType<typeof configuredMachines>;
