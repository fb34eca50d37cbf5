import type { InspectionEvent, Observer } from 'xstate';

/**
 * In `vite dev` only: open a room page with `?inspect=ws://host:port` and its signaling and peer
 * machines stream to a Stately inspector relay (the same kind the server's INSPECT uses). The
 * package is imported only then, so production builds never carry it.
 */
export function devInspector(): Observer<InspectionEvent> | undefined {
  if (!import.meta.env.DEV || typeof location === 'undefined') return undefined;
  const url = new URL(location.href).searchParams.get('inspect');
  if (!url || !/^wss?:\/\/\S+$/.test(url)) return undefined;
  // Actors start before the import resolves; their first events wait here.
  const early: InspectionEvent[] = [];
  let forward: Observer<InspectionEvent> | undefined;
  void import('@statelyai/inspect').then(({ createWebSocketInspector }) => {
    forward = createWebSocketInspector({ url }).inspect;
    for (const event of early.splice(0)) forward.next?.(event);
  });
  return { next: (event) => (forward ? forward.next?.(event) : void early.push(event)) };
}
