import { Context, Layer } from 'effect';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Structured logs, one JSON object per line. Callers pass facts (ids of rooms, counts, codes), never
 * passwords, session tokens, SDP, candidates or chat text.
 */
export interface LoggerShape {
  readonly log: (level: Level, message: string, fields?: Record<string, unknown>) => void;
}

export class Logger extends Context.Tag('Logger')<Logger, LoggerShape>() {}

export function jsonLogger(minimum: Level, write: (line: string) => void = (line) => process.stdout.write(line)): LoggerShape {
  return {
    log: (level, message, fields) => {
      if (rank[level] < rank[minimum]) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
    },
  };
}

export const LoggerLive = (minimum: Level) => Layer.succeed(Logger, jsonLogger(minimum));
