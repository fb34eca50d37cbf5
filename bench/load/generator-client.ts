import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GeneratorRequest } from './generator.ts';

/** The bench's handle on the generator process. */
export class Generator {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor() {
    this.child = fork(fileURLToPath(new URL('./generator.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', ({ id, ok, result, error }: { id: number; ok: boolean; result: unknown; error: string }) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (ok) waiting?.resolve(result);
      else waiting?.reject(new Error(`load generator: ${error}`));
    });
    this.child.on('exit', (code, signal) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`load generator exited (code ${code}, signal ${signal})`));
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<T>(request: GeneratorRequest): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, request });
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ exit: true });
    const timer = setTimeout(() => this.child.pid && this.child.exitCode === null && process.kill(this.child.pid, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
