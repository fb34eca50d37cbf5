import { resolve } from 'node:path';

/** Everything the server reads from its environment, validated once at start. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** A postgres:// URL, or undefined for SQLite in dataDir. */
  readonly databaseUrl: string | undefined;
  /** At least 32 characters; undefined means "generate one and keep it in dataDir". */
  readonly secretKey: string | undefined;
  readonly stun: { readonly host: string; readonly port: number } | undefined;
  readonly turn: { readonly host: string; readonly port: number; readonly secret: string; readonly ttlSeconds: number } | undefined;
  readonly roomIdleMs: number;
  readonly reconnectGraceMs: number;
  readonly connectTimeoutMs: number;
  /** Exact `scheme://host[:port]` values a browser page may open the websocket from; empty: same host only. */
  readonly origins: readonly string[];
  readonly trustProxy: boolean;
  /** Opens /metrics and the debug pages to whoever presents it; undefined keeps them off. */
  readonly adminToken: string | undefined;
  /** A Stately inspector relay (ws:// or wss://) that receives every actor event live; undefined: off. */
  readonly inspectUrl: string | undefined;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the configuration or throws a ConfigError listing every problem at once. */
export function readConfig(env: Env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const read = new Reader(env, problems);

  const port = read.integer('PORT', 3000, 1, 65535);
  const host = read.string('HOST', '127.0.0.1');
  const dataDir = resolve(cwd, read.string('DATA_DIR', 'data'));
  const databaseUrl = read.optional('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/[^\s]+$/.test(databaseUrl)) {
    problems.push('DATABASE_URL: expected a postgres:// or postgresql:// URL (leave it unset for SQLite in DATA_DIR)');
  }
  const secretKey = read.optional('SECRET_KEY');
  if (secretKey !== undefined && secretKey.length < 32) {
    problems.push(`SECRET_KEY: must be at least 32 characters (got ${secretKey.length}); unset it to have one generated`);
  }

  const stunHost = read.optional('STUN_HOST');
  const stunPort = read.integer('STUN_PORT', 3478, 1, 65535);
  const turnHost = read.optional('TURN_HOST');
  const turnPort = read.integer('TURN_PORT', 3478, 1, 65535);
  const turnSecret = read.optional('TURN_STATIC_AUTH_SECRET');
  const turnTtl = read.integer('TURN_TTL_SECONDS', 4 * 3600, 60, 24 * 3600);
  if (turnHost !== undefined && turnSecret === undefined) problems.push('TURN_STATIC_AUTH_SECRET: required when TURN_HOST is set');
  if (turnSecret !== undefined && turnHost === undefined) problems.push('TURN_HOST: required when TURN_STATIC_AUTH_SECRET is set');
  for (const [name, value] of [['STUN_HOST', stunHost], ['TURN_HOST', turnHost]] as const) {
    if (value !== undefined && !/^[A-Za-z0-9.\-:[\]]+$/.test(value)) problems.push(`${name}: expected a host name or IP address, got "${value}"`);
  }

  const roomIdleSeconds = read.integer('ROOM_IDLE_SECONDS', 300, 1, 30 * 24 * 3600);
  const graceSeconds = read.integer('RECONNECT_GRACE_SECONDS', 20, 1, 3600);
  const origins = (read.optional('ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) problems.push(`ORIGINS: "${origin}" is not of the form scheme://host[:port]`);
  }
  const trustProxy = read.boolean('TRUST_PROXY', false);
  const adminToken = read.optional('ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < 16) {
    problems.push(`ADMIN_TOKEN: must be at least 16 characters (got ${adminToken.length}); unset it to keep the admin pages off`);
  }
  const inspectUrl = read.optional('INSPECT');
  if (inspectUrl !== undefined && !/^wss?:\/\/[^\s]+$/.test(inspectUrl)) problems.push(`INSPECT: expected a ws:// or wss:// URL, got "${inspectUrl}"`);
  const logLevel = read.choice('LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error'] as const);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    dataDir,
    databaseUrl,
    secretKey,
    stun: stunHost === undefined ? undefined : { host: stunHost, port: stunPort },
    turn:
      turnHost === undefined || turnSecret === undefined
        ? undefined
        : { host: turnHost, port: turnPort, secret: turnSecret, ttlSeconds: turnTtl },
    roomIdleMs: roomIdleSeconds * 1000,
    reconnectGraceMs: graceSeconds * 1000,
    // A page that was admitted loads and connects within seconds; the seat is not held longer than a drop would be.
    connectTimeoutMs: Math.max(graceSeconds, 10) * 1000,
    origins,
    trustProxy,
    adminToken,
    inspectUrl,
    logLevel,
  };
}

class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  optional(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.problems.push(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name}: expected true or false, got "${raw}"`);
    return fallback;
  }

  choice<const T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name}: expected one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }
}
