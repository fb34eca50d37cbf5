import { describe, expect, it } from 'vitest';
import { keepCameraQuality, keepNickname, loadEntryChoices } from './entry-choices.ts';

const memory = () => {
  const items = new Map<string, string>();
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value), items };
};

describe('the choices kept for the next room', () => {
  it('starts from nothing: no nickname, standard quality', () => {
    expect(loadEntryChoices(memory())).toEqual({ nickname: '', quality: 'standard' });
    expect(loadEntryChoices(undefined)).toEqual({ nickname: '', quality: 'standard' });
  });

  it('gives back the nickname and quality kept, trimmed, and ignores a blank nickname', () => {
    const storage = memory();
    keepNickname(storage, '  Ada  ');
    keepCameraQuality(storage, 'hd');
    keepNickname(storage, '   ');
    expect(loadEntryChoices(storage)).toEqual({ nickname: 'Ada', quality: 'hd' });
  });

  it('falls back on what it cannot use: an unknown quality, an over-long name, storage that throws', () => {
    const storage = memory();
    storage.items.set('camus.cameraQuality', 'toString');
    storage.items.set('camus.nickname', 'x'.repeat(100));
    expect(loadEntryChoices(storage)).toEqual({ nickname: 'x'.repeat(64), quality: 'standard' });
    const refusing = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    expect(() => keepNickname(refusing, 'Ada')).not.toThrow();
    expect(loadEntryChoices(refusing)).toEqual({ nickname: '', quality: 'standard' });
  });
});
