#!/usr/bin/env node
// The replay CLI is TypeScript; tsx (a runtime dependency) loads it.
import { register } from 'tsx/esm/api';

register();
await import('../server/replay/cli.ts');
