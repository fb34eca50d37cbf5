import { startApp, registerApp } from './app.ts';
import { ConfigError, readConfig } from './config.ts';
import { attachGateway } from './gateway/gateway.ts';
import { OWN_PROTOCOL_HEADER, createHttpServer, loadKitHandler } from './http.ts';

const USAGE = `Usage: npm start (or: node --import tsx server/main.ts)
Camus takes no arguments; it is configured with environment variables (PORT, HOST, DATA_DIR,
DATABASE_URL, SECRET_KEY, STUN_*, TURN_*, ...): see README.md.`;

/** Prints one line and exits: a person at a terminal should not have to read a stack trace. */
function die(message: string, code: number): never {
  process.stderr.write(`camus: ${message}\n`);
  process.exit(code);
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (args.length > 0) die(`unexpected argument "${args[0]}"\n${USAGE}`, 2);

let config;
try {
  config = readConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) die(error.message, 2);
  throw error;
}

// adapter-node reads these when the handler loads.
if (config.trustProxy) {
  // The proxy's headers name the scheme, host and client.
  process.env.PROTOCOL_HEADER = 'x-forwarded-proto';
  process.env.HOST_HEADER = 'x-forwarded-host';
  process.env.ADDRESS_HEADER = 'x-forwarded-for';
  process.env.XFF_DEPTH = '1';
} else {
  process.env.PROTOCOL_HEADER = OWN_PROTOCOL_HEADER;
}

const app = await startApp(config).catch((error: unknown) => die(`cannot start: ${messageOf(error)}`, 1));
registerApp(app);
const handler = await loadKitHandler().catch((error: unknown) => die(messageOf(error), 1));
const server = createHttpServer(handler, config.trustProxy);
const gateway = attachGateway(server, { ...app.services, config, lobby: app.lobby, metrics: app.metrics }, { ownsUpgrades: true });

server.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE') die(`port ${config.port} on ${config.host} is already in use; set PORT to another`, 1);
  if (error.code === 'EADDRNOTAVAIL') die(`HOST ${config.host} is not an address of this machine`, 1);
  die(`cannot listen on ${config.host}:${config.port}: ${error.message}`, 1);
});
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  app.services.log.log('info', 'listening', { url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/`, pid: process.pid });
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.services.log.log('info', 'shutting down', { signal });
  gateway.close();
  server.close();
  server.closeAllConnections();
  await app.shutdown();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

function messageOf(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') return error.message;
  return String(error);
}
