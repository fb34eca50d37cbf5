import type { Config } from '../config.ts';
import type { Lobby } from '../lobby/lobby.ts';
import type { ClockShape } from '../services/clock.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { LoggerShape } from '../services/logger.ts';

export interface GatewayDeps {
  readonly config: Pick<Config, 'stun' | 'turn' | 'origins' | 'trustProxy'>;
  readonly lobby: Lobby;
  readonly clock: ClockShape;
  readonly log: LoggerShape;
  readonly metrics: Metrics;
}
