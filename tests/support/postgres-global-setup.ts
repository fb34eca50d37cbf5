import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A throwaway PostgreSQL for this run; tests make their own database in it with `freshDatabase`. */
    pgUrl: string;
  }
}

/** One PostgreSQL for the whole vitest run, stopped (and its data dir removed) when the run ends. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await startPostgres();
  project.provide('pgUrl', postgres.url);
  return postgres.stop;
}
