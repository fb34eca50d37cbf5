/** What is kept in this browser (localStorage), or a stand-in in tests. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The kept value, or null when there is none or storage is refused (a private window may throw). */
export function readKept(storage: KeyValueStorage | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Keeps a value if the browser lets us; when it does not (full, refused), it still applies to this page. */
export function keep(storage: KeyValueStorage | undefined, key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // Nothing to do: the choice holds for this page, and is asked again next time.
  }
}
