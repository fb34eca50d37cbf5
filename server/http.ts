import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

type KitHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

/**
 * adapter-node's request handler from the build. It has no type declarations, and importing it
 * statically would make tsc check the whole bundle, so it is loaded by URL.
 */
export async function loadKitHandler(buildDir = resolve(import.meta.dirname, '../build')): Promise<KitHandler> {
  const file = resolve(buildDir, 'handler.js');
  if (!existsSync(file)) throw new Error(`no site build at ${file}: run \`npm run build\` first (npm start does it for you)`);
  const { handler } = (await import(pathToFileURL(file).href)) as { handler: KitHandler };
  return handler;
}

/** The header adapter-node reads the request's scheme from when no proxy is trusted. */
export const OWN_PROTOCOL_HEADER = 'x-camus-protocol';

/**
 * adapter-node assumes https unless told otherwise, which would mark cookies Secure on a plain-http
 * server. This server speaks plain http itself, so without a trusted proxy it says so on every request.
 */
export function createHttpServer(handler: KitHandler, trustProxy: boolean): http.Server {
  return http.createServer((req, res) => {
    if (!trustProxy) req.headers[OWN_PROTOCOL_HEADER] = 'http';
    handler(req, res, () => {
      res.statusCode = 404;
      res.end('Not found');
    });
  });
}
