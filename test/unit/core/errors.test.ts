import { describe, expect, test } from 'vitest';
import {
  isMigrationError,
  isSqljsMigrateError,
  type Migration,
  MigrationError,
  type MigrationErrorCode,
  type RunOptions,
  runMigrations,
} from '../../../src/index.ts';
import { demoDatabaseAt } from '../../helpers/demo-data.ts';
import { DEMO_MIGRATIONS, DEMO_SCHEMA } from '../../helpers/demo-migrations.ts';
import { catchMigrationError, migration } from '../../helpers/migration-error.ts';
import { byteDifference, bytesOf, memoryDatabase } from '../../helpers/sqljs.ts';

type Db = ReturnType<typeof memoryDatabase>;

/** A database with one applied migration, `001_base.sql`. */
const BASE = migration(
  '001_base.sql',
  'CREATE TABLE base (id INTEGER PRIMARY KEY, ref INTEGER REFERENCES base(id));',
);
function tracked(): Db {
  const db = memoryDatabase();
  runMigrations(db, [BASE]);
  return db;
}

interface ErrorCase {
  code: MigrationErrorCode;
  /** The database before the run. */
  arrange: () => Db;
  migrations: Migration[];
  options?: RunOptions;
  /** The migration the error names, if it names one. */
  names?: string;
}

const CASES: ErrorCase[] = [
  {
    code: 'BAD_NAME',
    arrange: tracked,
    migrations: [BASE, migration('002-no-underscore.sql', 'SELECT 1;')],
    names: '002-no-underscore.sql',
  },
  {
    code: 'DUPLICATE_NUMBER',
    arrange: tracked,
    migrations: [BASE, migration('001_again.sql', 'SELECT 1;')],
    names: '001_again.sql',
  },
  {
    code: 'SQL_FAILED',
    arrange: tracked,
    migrations: [
      BASE,
      migration('002_fails.sql', 'CREATE TABLE a (x);\nINSERT INTO nope VALUES (1);'),
    ],
    names: '002_fails.sql',
  },
  {
    code: 'DOT_COMMAND',
    arrange: tracked,
    migrations: [BASE, migration('002_dot.sql', '.timeout 30000\nCREATE TABLE a (x);')],
    names: '002_dot.sql',
  },
  {
    code: 'TRANSACTION_CONTROL',
    arrange: tracked,
    migrations: [BASE, migration('002_rollback.sql', 'CREATE TABLE a (x);\nROLLBACK;')],
    names: '002_rollback.sql',
  },
  {
    code: 'FOREIGN_KEY_VIOLATION',
    arrange: tracked,
    migrations: [BASE, migration('002_dangling.sql', 'INSERT INTO base (id, ref) VALUES (1, 42);')],
    names: '002_dangling.sql',
  },
  {
    code: 'CHECKSUM_MISMATCH',
    arrange: tracked,
    migrations: [migration(BASE.name, `${BASE.sql}\n-- edited`)],
    names: BASE.name,
  },
  {
    code: 'UNKNOWN_APPLIED',
    arrange: tracked,
    migrations: [],
    names: BASE.name,
  },
  {
    code: 'OUT_OF_ORDER',
    arrange: () => {
      const db = memoryDatabase();
      runMigrations(db, [BASE, migration('003_c.sql', 'CREATE TABLE c (x);')]);
      return db;
    },
    migrations: [
      BASE,
      migration('002_b.sql', 'CREATE TABLE b (x);'),
      migration('003_c.sql', 'CREATE TABLE c (x);'),
    ],
    names: '002_b.sql',
  },
  {
    code: 'UNRECOGNIZED_SCHEMA',
    arrange: () => {
      const db = demoDatabaseAt(2);
      db.run('CREATE TABLE unexpected (x)');
      return db;
    },
    migrations: [...DEMO_MIGRATIONS],
    options: { schema: DEMO_SCHEMA },
  },
  {
    code: 'IN_TRANSACTION',
    arrange: () => {
      const db = tracked();
      db.run('BEGIN');
      return db;
    },
    migrations: [BASE, migration('002_b.sql', 'CREATE TABLE b (x);')],
  },
];

describe.each(CASES)('$code', ({ code, arrange, migrations, options, names }) => {
  test('is thrown as a MigrationError with that code', () => {
    const error = catchMigrationError(() => runMigrations(arrange(), migrations, options));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.code).toBe(code);
  });

  test('leaves the database byte-identical', () => {
    const db = arrange();
    const inTransaction = code === 'IN_TRANSACTION';
    if (inTransaction) db.run('ROLLBACK');
    const before = bytesOf(db);
    if (inTransaction) db.run('BEGIN');
    catchMigrationError(() => runMigrations(db, migrations, options));
    if (inTransaction) db.run('ROLLBACK');
    expect(byteDifference(bytesOf(db), before)).toBeNull();
  });

  test(names ? `names ${names} and starts its message with it` : 'has a message', () => {
    const error = catchMigrationError(() => runMigrations(arrange(), migrations, options));
    expect(error.migrationName).toBe(names);
    if (names) expect(error.message.startsWith(names)).toBe(true);
    expect(error.message.length).toBeGreaterThan(20);
  });

  test('serialises to plain data with the same code and message', () => {
    const error = catchMigrationError(() => runMigrations(arrange(), migrations, options));
    const json = error.toJSON();
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json).toMatchObject({ name: 'MigrationError', code, message: error.message });
  });
});

describe('MigrationError', () => {
  const sqlite = new Error('no such table: nope');
  const error = new MigrationError('SQL_FAILED', '002_a.sql line 3: no such table: nope', {
    migrationName: '002_a.sql',
    statement: 'INSERT INTO nope VALUES (1);',
    line: 3,
    cause: sqlite,
  });

  test('is an Error named MigrationError', () => {
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MigrationError');
  });

  test('keeps the SQLite error as its cause', () => {
    expect(error.cause).toBe(sqlite);
  });

  test('serialises with toJSON to plain data: the cause as its message, absent fields as null', () => {
    expect(error.toJSON()).toEqual({
      name: 'MigrationError',
      code: 'SQL_FAILED',
      message: '002_a.sql line 3: no such table: nope (the database is unchanged)',
      reason: '002_a.sql line 3: no such table: nope',
      migrationName: '002_a.sql',
      statement: 'INSERT INTO nope VALUES (1);',
      line: 3,
      cause: 'no such table: nope',
      differences: null,
      committed: [],
      unchanged: 'the database',
      tool: null,
      version: null,
      files: null,
    });
  });

  test('ends its message with what became of the database, worked out from its fields', () => {
    expect(error.afterCommitting(['001_a.sql']).message).toBe(
      '002_a.sql line 3: no such table: nope (this migration was rolled back; the 1 before it in this run stay applied: 001_a.sql)',
    );
    expect(error.afterCommitting(['001_a.sql']).unchangedIn('app.db').message).toBe(
      '002_a.sql line 3: no such table: nope (app.db is unchanged)',
    );
  });

  test('says nothing of a database for a misnamed file, which no database was read for', () => {
    expect(new MigrationError('BAD_NAME', '1.sql: rename it').message).toBe('1.sql: rename it');
  });

  test('comes back whole from its toJSON() data', () => {
    const revived = MigrationError.fromJSON(
      structuredClone(error.afterCommitting(['001_a.sql']).toJSON()),
    );
    expect(revived).toBeInstanceOf(MigrationError);
    expect(revived.toJSON()).toEqual(error.afterCommitting(['001_a.sql']).toJSON());
  });

  test.each([
    ['an error-like object (an Error after a worker boundary)', { message: 'no such table: nope' }],
    [
      'an object without a prototype',
      Object.assign(Object.create(null) as object, { message: 'no such table: nope' }),
    ],
  ])('serialises a cause that is %s by its message, without throwing', (_, cause) => {
    const withCause = new MigrationError('SQL_FAILED', '002_a.sql line 3: failed', { cause });
    expect(withCause.toJSON().cause).toBe('no such table: nope');
  });

  test('serialises into an object with the plain Object prototype', () => {
    expect(Object.getPrototypeOf(error.toJSON())).toBe(Object.prototype);
  });

  test('is printed by JSON.stringify through toJSON', () => {
    expect(JSON.parse(JSON.stringify(error))).toEqual(error.toJSON());
  });

  test('serialises UNRECOGNIZED_SCHEMA with its differences', () => {
    const db = demoDatabaseAt(2);
    db.run('CREATE TABLE unexpected (x)');
    const thrown = catchMigrationError(() =>
      runMigrations(db, DEMO_MIGRATIONS, { schema: DEMO_SCHEMA }),
    );
    expect(thrown.toJSON().differences).toEqual([
      { kind: 'table', object: 'unexpected', table: 'unexpected', detail: 'only in the database' },
    ]);
  });
});

describe('isMigrationError', () => {
  const error = new MigrationError('CHECKSUM_MISMATCH', '001_a.sql: changed', {
    migrationName: '001_a.sql',
  });

  test('is true for a MigrationError', () => {
    expect(isMigrationError(error)).toBe(true);
  });

  test('is true for its toJSON() after a structured clone (a worker message)', () => {
    expect(isMigrationError(structuredClone(error.toJSON()))).toBe(true);
  });

  test('is true for its toJSON() after a JSON round trip', () => {
    expect(isMigrationError(JSON.parse(JSON.stringify(error)))).toBe(true);
  });

  test('is true for a plain object with the name and a code (another copy of the module)', () => {
    expect(isMigrationError({ name: 'MigrationError', code: 'SQL_FAILED', message: 'x' })).toBe(
      true,
    );
  });

  test.each([
    ['a plain Error', new Error('boom')],
    ['a TypeError', new TypeError('boom')],
    [
      'an Error renamed but without a code',
      Object.assign(new Error('x'), { name: 'MigrationError' }),
    ],
    ['an object with a code but another name', { name: 'DatabaseError', code: 'SQL_FAILED' }],
    ['an object with the name and a numeric code', { name: 'MigrationError', code: 1 }],
    ['a string', 'MigrationError'],
    ['null', null],
    ['undefined', undefined],
  ])('is false for %s', (_, value) => {
    expect(isMigrationError(value)).toBe(false);
  });

  test("is false for SQLite's own error", () => {
    const db = memoryDatabase();
    let thrown: unknown;
    try {
      db.run('INSERT INTO nope VALUES (1)');
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(isMigrationError(thrown)).toBe(false);
  });
});

describe('isSqljsMigrateError', () => {
  test('is true for the plain data of any class of the family, by its shape', () => {
    expect(
      isSqljsMigrateError({ name: 'StorageError', code: 'CONFLICT', message: 'x', cause: null }),
    ).toBe(true);
  });

  test('is false for a live error with a string code that is not of the family', () => {
    const nodeError = Object.assign(new Error("ENOENT: no such file, open 'a.db'"), {
      code: 'ENOENT',
    });
    expect(isSqljsMigrateError(nodeError)).toBe(false);
  });
});
