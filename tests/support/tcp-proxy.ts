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
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
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
    close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
