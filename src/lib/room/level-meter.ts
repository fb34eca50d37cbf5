/**
 * The loudness of the own microphone, read on demand. Remote feeds' levels come with their packets
 * (PeerConnection.audioLevel); the own one has no packets to read it from, so Web Audio measures it.
 */
export class LevelMeter {
  readonly #context: AudioContext;
  readonly #analyser: AnalyserNode;
  readonly #samples: Float32Array<ArrayBuffer>;

  constructor(stream: MediaStream) {
    this.#context = new AudioContext();
    this.#analyser = this.#context.createAnalyser();
    this.#analyser.fftSize = 1024;
    this.#samples = new Float32Array(this.#analyser.fftSize);
    this.#context.createMediaStreamSource(stream).connect(this.#analyser);
  }

  /** The RMS of the last 1,024 samples (about 21 ms), 0–1 of full scale: a muted microphone reads 0. */
  level(): number {
    this.#analyser.getFloatTimeDomainData(this.#samples);
    let sum = 0;
    for (const sample of this.#samples) sum += sample * sample;
    return Math.sqrt(sum / this.#samples.length);
  }

  close(): void {
    void this.#context.close();
  }
}
