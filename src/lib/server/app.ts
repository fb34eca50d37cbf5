import { registeredApp, type App } from '../../../server/app.ts';

/** The process's one App, handed over by the composition root (server/main.ts, or the dev plugin). */
export function app(): App {
  const current = registeredApp();
  if (!current) throw new Error('Camus is not started: run it with `npm start` or `npm run dev`, not `vite preview`');
  return current;
}
