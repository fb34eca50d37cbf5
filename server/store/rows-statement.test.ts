import { describe, expect, it } from 'vitest';
import { rowsStatement } from './rows-statement.ts';

describe('rowsStatement', () => {
  it('writes n rows of question marks for SQLite', () => {
    const statement = rowsStatement('INSERT INTO t (a, b)', 2, 'RETURNING a', 3, () => '?');
    expect(statement(1)).toBe('INSERT INTO t (a, b) VALUES (?,?) RETURNING a');
    expect(statement(3)).toBe('INSERT INTO t (a, b) VALUES (?,?),(?,?),(?,?) RETURNING a');
  });

  it('numbers the placeholders from 1 for PostgreSQL, whatever the number of rows', () => {
    const statement = rowsStatement('INSERT INTO t (a, b, c)', 3, '', 12, (index) => `$${index}`);
    expect(statement(1)).toBe('INSERT INTO t (a, b, c) VALUES ($1,$2,$3) ');
    expect(statement(2)).toBe('INSERT INTO t (a, b, c) VALUES ($1,$2,$3),($4,$5,$6) ');
    expect(statement(12)).toMatch(/\(\$34,\$35,\$36\) $/);
  });
});
