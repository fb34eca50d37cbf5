import type { SqlError } from '@effect/sql/SqlError';

/** SQLSTATE 23505 on PostgreSQL; better-sqlite3 reports SQLite's extended result codes by name. */
const UNIQUE_VIOLATIONS = new Set(['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

const fieldOf = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/** True when the driver error under `error` is a UNIQUE or PRIMARY KEY violation (and not, say, NOT NULL). */
export const isUniqueViolation = (error: SqlError): boolean => {
  const code = fieldOf(error.cause, 'code');
  return typeof code === 'string' && UNIQUE_VIOLATIONS.has(code);
};

const describeOne = (error: unknown): string => {
  const message = fieldOf(error, 'message');
  if (typeof message === 'string' && message !== '') return message;
  // Node's happy-eyeballs connect fails with an AggregateError whose own message is empty.
  const errors = fieldOf(error, 'errors');
  if (Array.isArray(errors) && errors.length > 0) return errors.map(describeOne).join(', ');
  const code = fieldOf(error, 'code');
  if (typeof code === 'string') return code;
  return typeof error === 'object' ? '' : String(error);
};

/**
 * One line saying what went wrong. SqlError and MigrationError only say "Failed to execute statement";
 * the useful part is the driver's error in their `cause` chain, so walk it.
 * Drivers do not put passwords in messages, and nothing here prints a connection URL.
 */
export const reasonOf = (error: unknown): string => {
  const parts: Array<string> = [];
  for (let current = error, depth = 0; current !== undefined && depth < 6; current = fieldOf(current, 'cause'), depth++) {
    const text = describeOne(current).replace(/\s+/g, ' ').trim();
    if (text !== '' && !parts.includes(text)) parts.push(text);
  }
  return parts.length > 0 ? parts.join(': ') : 'unknown error';
};
