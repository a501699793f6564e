import { expose, type Remote, wrap } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { carryErrorsAcrossWorkers, reviveError } from '../../../src/browser/crossing-errors.ts';
import { DatabaseError, StorageError, UploadError } from '../../../src/browser/errors.ts';
import { MigrationError } from '../../../src/index.ts';

/** An API that throws what it is told to, exposed on one end of a channel as a worker's would be. */
function remoteThrower(): { remote: Remote<{ fail(kind: string): void }>; close(): void } {
  const channel = new MessageChannel();
  expose(
    {
      fail(kind: string) {
        if (kind === 'migration')
          throw new MigrationError('SQL_FAILED', '002_a.sql line 3: no such table: nope', {
            migrationName: '002_a.sql',
            line: 3,
            statement: 'INSERT INTO nope VALUES (1);',
            committed: ['001_a.sql'],
          });
        if (kind === 'storage')
          throw new StorageError('CONFLICT', 'Another tab saved the database.', {
            storedGeneration: 4,
            readGeneration: 3,
          });
        throw new TypeError('something else');
      },
    },
    channel.port1,
  );
  return {
    remote: wrap(channel.port2),
    close() {
      channel.port1.close();
      channel.port2.close();
    },
  };
}

const open: { close(): void }[] = [];
afterEach(() => {
  for (const channel of open.splice(0)) channel.close();
});

describe('errors across a worker', () => {
  carryErrorsAcrossWorkers();

  it('throws a MigrationError on the page as itself, with every field', async () => {
    const channel = remoteThrower();
    open.push(channel);
    const thrown = await channel.remote.fail('migration').catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(MigrationError);
    expect(thrown).toMatchObject({
      code: 'SQL_FAILED',
      migrationName: '002_a.sql',
      line: 3,
      statement: 'INSERT INTO nope VALUES (1);',
      committed: ['001_a.sql'],
      message:
        '002_a.sql line 3: no such table: nope (this migration was rolled back; the 1 before it in this run stay applied: 001_a.sql)',
    });
  });

  it('throws a StorageError on the page as itself, with its code and facts', async () => {
    const channel = remoteThrower();
    open.push(channel);
    const thrown = await channel.remote.fail('storage').catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(StorageError);
    expect(thrown).toMatchObject({
      code: 'CONFLICT',
      message: 'Another tab saved the database.',
      storedGeneration: 4,
      readGeneration: 3,
    });
  });

  it('leaves any other error as Comlink carries it: its name and message', async () => {
    const channel = remoteThrower();
    open.push(channel);
    const thrown = await channel.remote.fail('other').catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toMatchObject({ name: 'TypeError', message: 'something else' });
  });

  it('revives each kind from its plain data', () => {
    const migration = new MigrationError('UNKNOWN_APPLIED', '009_x.sql: recorded as applied');
    expect(reviveError(structuredClone(migration.toJSON()))).toBeInstanceOf(MigrationError);
    const database = reviveError(
      structuredClone(new DatabaseError('STALE', 'reload', { staleBecause: 'replaced' }).toJSON()),
    );
    expect(database).toBeInstanceOf(DatabaseError);
    expect(database).toMatchObject({ code: 'STALE', message: 'reload', staleBecause: 'replaced' });
    const storage = reviveError(
      structuredClone(
        new StorageError('DAMAGED', 'chunk 3', { chunkIndex: 3, chunkVersion: 2 }).toJSON(),
      ),
    );
    expect(storage).toBeInstanceOf(StorageError);
    expect(storage).toMatchObject({ code: 'DAMAGED', chunkIndex: 3, chunkVersion: 2 });
    const upload = reviveError(
      structuredClone(
        new UploadError('TOO_LARGE', 'big', {
          fileName: 'a.db',
          sizeBytes: 9,
          limitBytes: 8,
        }).toJSON(),
      ),
    );
    expect(upload).toBeInstanceOf(UploadError);
    expect(upload).toMatchObject({
      code: 'TOO_LARGE',
      fileName: 'a.db',
      sizeBytes: 9,
      limitBytes: 8,
    });
  });
});
