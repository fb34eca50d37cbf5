import { createHmac } from 'node:crypto';
import type { IceServer } from '../../protocol/index.ts';
import type { Config } from '../config.ts';

/**
 * STUN and TURN servers for one client. TURN credentials follow the TURN REST convention coturn
 * accepts with `use-auth-secret`: username `<unix expiry>:<client id>`, credential
 * base64(HMAC-SHA1(secret, username)).
 */
export function iceServersFor(config: Pick<Config, 'stun' | 'turn'>, clientId: string, now: number): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stun) servers.push({ urls: [`stun:${config.stun.host}:${config.stun.port}`] });
  if (config.turn) {
    const username = `${Math.floor(now / 1000) + config.turn.ttlSeconds}:${clientId}`;
    const credential = createHmac('sha1', config.turn.secret).update(username).digest('base64');
    servers.push({ urls: [`turn:${config.turn.host}:${config.turn.port}`], username, credential });
  }
  return servers;
}
