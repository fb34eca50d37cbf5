// A worker thread does not inherit the parent's `--import tsx` (nor Vite's or vitest's transforms), so
// the writer thread registers tsx itself before it loads its TypeScript entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
