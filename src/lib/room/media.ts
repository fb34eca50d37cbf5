/**
 * The camera and microphone for a call. Asks for both, then for whichever one is available, so a
 * person without a camera (or who refuses it) still joins with what works. Never throws.
 */
export interface LocalMedia {
  readonly stream: MediaStream | null;
  /** What the person should be told, in words; null when both devices work. */
  readonly note: string | null;
}

const reasonOf = (error: unknown): string => {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'permission was refused';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no device was found';
  if (name === 'NotReadableError') return 'the device is in use by another program';
  return 'it could not be opened';
};

async function tryOpen(constraints: MediaStreamConstraints): Promise<{ stream: MediaStream } | { error: unknown }> {
  try {
    return { stream: await navigator.mediaDevices.getUserMedia(constraints) };
  } catch (error) {
    return { error };
  }
}

/** Camera sizes offered before entering (the browser picks the nearest its camera supports). */
export const CAMERA_QUALITIES = {
  low: { label: 'Low (320×240)', width: 320, height: 240 },
  standard: { label: 'Standard (640×480)', width: 640, height: 480 },
  hd: { label: 'HD (1280×720)', width: 1280, height: 720 },
} as const;
export type CameraQuality = keyof typeof CAMERA_QUALITIES;

export async function openLocalMedia(quality: CameraQuality = 'standard'): Promise<LocalMedia> {
  const { width, height } = CAMERA_QUALITIES[quality];
  const camera: MediaTrackConstraints = { width: { ideal: width }, height: { ideal: height } };
  if (!navigator.mediaDevices?.getUserMedia) {
    return { stream: null, note: 'This browser cannot use a camera or microphone here (a secure https page is needed). You can still join, watch and chat.' };
  }
  const both = await tryOpen({ video: camera, audio: true });
  if ('stream' in both) return { stream: both.stream, note: null };
  const [audio, video] = [await tryOpen({ audio: true }), await tryOpen({ video: camera })];
  if ('stream' in audio) return { stream: audio.stream, note: `Camera off: ${reasonOf('error' in video ? video.error : both.error)}. Joining with microphone only.` };
  if ('stream' in video) return { stream: video.stream, note: `Microphone off: ${reasonOf(audio.error)}. Joining with camera only.` };
  return { stream: null, note: `No camera or microphone: ${reasonOf(both.error)}. You can still join, watch and chat.` };
}

export const stopMedia = (stream: MediaStream | null): void => stream?.getTracks().forEach((track) => track.stop());

/** In-room camera resolutions (applyConstraints on the camera track: no renegotiation). */
export const RESOLUTIONS = [
  { label: '240p', width: 320, height: 240 },
  { label: '360p', width: 640, height: 360 },
  { label: '480p', width: 640, height: 480 },
  { label: '720p', width: 1280, height: 720 },
  { label: '1080p', width: 1920, height: 1080 },
] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** The resolutions a camera that goes up to `maxHeight` can give (all when it does not say). */
export const resolutionsUpTo = (maxHeight: number | undefined): Resolution[] =>
  RESOLUTIONS.filter((r) => maxHeight === undefined || r.height <= maxHeight);

/** The resolution closest to the height the camera reports now. */
export const nearestResolution = (height: number | undefined, choices: readonly Resolution[] = RESOLUTIONS): Resolution | undefined =>
  height === undefined ? undefined : [...choices].sort((a, b) => Math.abs(a.height - height) - Math.abs(b.height - height))[0];
