/**
 * Sharing the screen instead of the camera: the outgoing stream becomes the screen's video plus the
 * microphone, handed to `send` (Mesh.setLocalStream: replaceTrack on the video sender, so no
 * renegotiation when a camera track was being sent). Stopping, or the browser's own "stop sharing",
 * puts the camera back.
 */
export class ScreenShare {
  /** The stream being sent while sharing; null when the camera is. */
  stream: MediaStream | null = $state.raw(null);
  error: string | null = $state(null);
  readonly supported = typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  readonly #camera: () => MediaStream | null;
  readonly #send: (stream: MediaStream | null) => Promise<void>;

  constructor(camera: () => MediaStream | null, send: (stream: MediaStream | null) => Promise<void>) {
    this.#camera = camera;
    this.#send = send;
  }

  async start(): Promise<void> {
    if (this.stream) return;
    this.error = null;
    let display: MediaStream;
    try {
      display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'NotAllowedError')) this.error = 'Screen sharing could not start.';
      return;
    }
    const [track] = display.getVideoTracks();
    if (!track) return;
    track.onended = () => void this.stop();
    const outgoing = new MediaStream([track, ...(this.#camera()?.getAudioTracks() ?? [])]);
    this.stream = outgoing;
    await this.#send(outgoing);
  }

  async stop(): Promise<void> {
    const sharing = this.stream;
    if (!sharing) return;
    this.stream = null;
    for (const track of sharing.getVideoTracks()) track.stop();
    await this.#send(this.#camera());
  }
}
