import type { RecordedEvent } from '../recorded-event.ts';

/** What the writer thread is told: where the log is, then one append after another. */
export interface WriterSettings {
  readonly dataDir: string;
  /** The module the bootstrap imports (the thread's entry), as a file URL. */
  readonly entry: string;
}

/**
 * A batch crosses as one JSON string (events are plain JSON): copying a string is far cheaper for the
 * main thread than structured-cloning hundreds of small objects.
 */
export type ToWriter = { readonly kind: 'append'; readonly id: number; readonly batch: string } | { readonly kind: 'close' };

export const encodeBatch = (batch: readonly RecordedEvent[]): string => JSON.stringify(batch);
export const decodeBatch = (batch: string): RecordedEvent[] => JSON.parse(batch) as RecordedEvent[];

/** A failure keeps its tag and message across the thread boundary; the rest of an Effect error does not clone. */
export interface WriterFailure {
  readonly tag: string;
  readonly message: string;
}

export type FromWriter =
  | { readonly kind: 'ready' }
  | { readonly kind: 'start-failed'; readonly failure: WriterFailure }
  | { readonly kind: 'appended'; readonly id: number }
  | { readonly kind: 'append-failed'; readonly id: number; readonly failure: WriterFailure };

export function failureOf(error: unknown): WriterFailure {
  if (typeof error === 'object' && error !== null) {
    const { _tag, message } = error as { _tag?: unknown; message?: unknown };
    const tag = typeof _tag === 'string' ? _tag : error instanceof Error ? error.name : 'Error';
    return { tag, message: typeof message === 'string' && message !== '' ? message : JSON.stringify(error) };
  }
  return { tag: 'Error', message: String(error) };
}
