import type { Server } from 'node:http';
import type { Plugin } from 'vite';
import { registerApp, startApp } from '../app.ts';
import { readConfig } from '../config.ts';
import { attachGateway } from '../gateway/gateway.ts';

/**
 * `vite dev` runs the same App in Vite's process and puts the websocket endpoint on Vite's own HTTP
 * server, leaving other upgrades (HMR) to Vite.
 */
export function camusDevServer(): Plugin {
  return {
    name: 'camus-dev-server',
    apply: (_, env) => env.command === 'serve' && !process.env.VITEST,
    async configureServer(server) {
      const config = readConfig(process.env);
      const app = await startApp(config);
      registerApp(app);
      if (server.httpServer) {
        attachGateway(server.httpServer as Server, { ...app.services, config, lobby: app.lobby, metrics: app.metrics }, { ownsUpgrades: false });
      }
      server.httpServer?.on('close', () => void app.shutdown());
    },
  };
}
