import type { ConnectionState } from './peer-events.ts';

/**
 * What a person's feed says about the connection to them while it is not carrying media, so a blank
 * or frozen picture is explained. Nothing once connected, or once they have left.
 */
export function connectionNote(state: ConnectionState): string | null {
  switch (state) {
    case 'new':
    case 'connecting':
      return 'Connecting…';
    case 'disconnected':
      return 'Connection interrupted, reconnecting…';
    case 'failed':
      return 'Connection failed, retrying…';
    case 'connected':
    case 'closed':
      return null;
  }
}
