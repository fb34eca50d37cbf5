import { describe, expect, it } from 'vitest';
import { connectionNote } from './connection-note.ts';

describe("a feed's connection note", () => {
  it('explains every state that carries no media, and says nothing otherwise', () => {
    expect(connectionNote('new')).toBe('Connecting…');
    expect(connectionNote('connecting')).toBe('Connecting…');
    expect(connectionNote('disconnected')).toBe('Connection interrupted, reconnecting…');
    expect(connectionNote('failed')).toBe('Connection failed, retrying…');
    expect(connectionNote('connected')).toBeNull();
    expect(connectionNote('closed')).toBeNull();
  });
});
