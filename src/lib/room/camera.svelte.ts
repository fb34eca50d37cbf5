import { nearestResolution, resolutionsUpTo, type Resolution } from './media.ts';

/**
 * The camera track of the own stream and its resolution during the call (240p–1080p, capped by the
 * device): applyConstraints on the track, so every connection sends the new size without
 * renegotiating. `resolution` is what the camera really gives afterwards (nearest to its reported
 * height): a camera another page or program holds open stays at the size it was opened with.
 */
export class Camera {
  readonly track: MediaStreamTrack | undefined;
  resolution: Resolution | undefined = $state.raw();
  readonly choices: readonly Resolution[];

  constructor(stream: MediaStream | null) {
    this.track = stream?.getVideoTracks()[0];
    this.choices = resolutionsUpTo(this.track?.getCapabilities?.().height?.max);
    this.resolution = nearestResolution(this.track?.getSettings().height, this.choices);
  }

  /** Switches to `resolution`; returns what to tell the person when the camera cannot. */
  async setResolution(resolution: Resolution): Promise<string | null> {
    const track = this.track;
    if (!track) return null;
    try {
      await track.applyConstraints({ width: { ideal: resolution.width }, height: { ideal: resolution.height } });
      const height = track.getSettings().height ?? 0;
      return height < resolution.height ? `The camera gives ${nearestResolution(height, this.choices)?.label ?? `${height}p`} at most right now.` : null;
    } catch {
      return `The camera cannot do ${resolution.label}.`;
    } finally {
      this.resolution = nearestResolution(track.getSettings().height, this.choices);
    }
  }
}
