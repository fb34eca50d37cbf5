import { keep, readKept, type KeyValueStorage } from '$lib/browser-storage.ts';
import { CAMERA_QUALITIES, type CameraQuality } from './media.ts';

const NICKNAME = 'camus.nickname';
const CAMERA_QUALITY = 'camus.cameraQuality';
/** The nickname field's own limit (and the protocol's for a username). */
const NICKNAME_MAX = 64;

/** What a person chose the last time they entered a room in this browser, so the next room starts from it. */
export interface EntryChoices {
  readonly nickname: string;
  readonly quality: CameraQuality;
}

const isQuality = (value: string | null): value is CameraQuality => value !== null && Object.hasOwn(CAMERA_QUALITIES, value);

/** The kept choices; anything missing or unreadable falls back to an empty nickname and standard quality. */
export function loadEntryChoices(storage: KeyValueStorage | undefined): EntryChoices {
  const quality = readKept(storage, CAMERA_QUALITY);
  return {
    nickname: (readKept(storage, NICKNAME) ?? '').trim().slice(0, NICKNAME_MAX),
    quality: isQuality(quality) ? quality : 'standard',
  };
}

/** Keeps a nickname (on entering, and on renaming in the call); a blank one keeps the last. */
export function keepNickname(storage: KeyValueStorage | undefined, nickname: string): void {
  const trimmed = nickname.trim();
  if (trimmed !== '') keep(storage, NICKNAME, trimmed.slice(0, NICKNAME_MAX));
}

export function keepCameraQuality(storage: KeyValueStorage | undefined, quality: CameraQuality): void {
  keep(storage, CAMERA_QUALITY, quality);
}
