import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A plain TCP proxy on a free loopback port, for cutting connections between browsers and the real
 * server without touching either: `cut()` destroys every connection through it (the browser sees
 * its websocket drop, the server sees the client's socket close) and refuses new ones until
 * `restore()`. A refused connection is accepted and destroyed at once, like a peer that resets it.
 */
export interface TcpProxy {
  readonly port: number;
  readonly baseUrl: string;
  /** Connections currently carried. */
  readonly open: number;
  /** Connections refused while cut. */
  readonly refused: number;
  /** Destroys every carried connection (both ends) and refuses new ones. */
  cut(): void;
  /** Carries new connections again. */
  restore(): void;
  /**
   * Silences every carried connection without closing it (what a dead NAT mapping or a sleeping
   * link does): nothing more passes either way, and neither end is told anything, not even that the
   * other closed. New connections are carried.
   */
  stall(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const stalled = new Set<[Socket, Socket]>();
  let cutting = false;
  let refused = 0;

  const server: Server = createServer({ noDelay: true }, (client) => {
    if (cutting) {
      refused += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: target.host, port: target.port, noDelay: true });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      stalled.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    get open() {
      return pairs.size;
    },
    get refused() {
      return refused;
    },
    cut() {
      cutting = true;
      for (const [client, upstream] of [...pairs]) {
        client.resetAndDestroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    restore() {
      cutting = false;
    },
    stall() {
      for (const pair of [...pairs]) {
        const [client, upstream] = pair;
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        // Neither end hears of the other's close either: the server cutting its side must not reach the browser.
        for (const socket of pair) socket.removeAllListeners('close').removeAllListeners('error').on('error', () => {});
        // Left open, but no longer counted as carried.
        pairs.delete(pair);
        stalled.add(pair);
      }
    },
    close() {
      for (const [client, upstream] of [...pairs, ...stalled]) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      stalled.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
