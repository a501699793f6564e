import { joinChunks } from '../../../../src/browser/storage/file-chunks.ts';
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../../../src/browser/errors.ts';
import { indexedDbChunkStore } from '../../../../src/browser/storage/chunk-store.ts';
import { MigrationError, runMigrations } from '../../../../src/index.ts';
import type { UploadRequest } from '../../../../src/upload/protocol.ts';
import { UploadHost, unexpected } from '../../../../src/upload/worker/upload-host.ts';
import { demoDatabaseAt, seedDatabaseAt } from '../../../helpers/demo-data.ts';
import { DEMO_MIGRATIONS, DEMO_SCHEMA } from '../../../helpers/demo-migrations.ts';
import { appMigrations, migratedBy } from '../../../helpers/other-tools.ts';
import { memoryDatabase, WASM_PATH } from '../../../helpers/sqljs.ts';

function request(overrides: Partial<UploadRequest> = {}): UploadRequest {
  return {
    fileName: 'notes.db',
    migrations: [...DEMO_MIGRATIONS],
    schema: DEMO_SCHEMA,
    runOptions: {},
    maxBytes: 100 * 1024 * 1024,
    availableBytes: null,
    wasmUrl: WASM_PATH,
    ...overrides,
  };
}

/** An untracked file of the demo at version 3. */
function legacyFile(): Uint8Array {
  const db = demoDatabaseAt(3);
  const bytes = db.export();
  db.close();
  return bytes;
}

describe('UploadHost', () => {
  it('checks a file, upgrades a copy, and hands the upgraded file over whole', async () => {
    const host = new UploadHost();
    const report = await host.check(legacyFile(), request(), undefined);
    expect(report.checks.map((check) => check.name)).toEqual([
      'header',
      'size',
      'room',
      'integrity',
      'foreign-keys',
    ]);
    expect(report.ledger).toBe('none');
    expect(report.upgrade.state).toBe('legacy');
    expect(report.upgrade.executed.length).toBe(DEMO_MIGRATIONS.length - 3);

    const handed = await host.handOver();
    expect(handed.kept.fileName).toBe('notes-upgraded.db');
    const upgraded = memoryDatabase(new Uint8Array(handed.file, 0, handed.byteLength).slice());
    expect(upgraded.exec('SELECT count(*) FROM schema_migrations')[0]?.values[0]?.[0]).toBe(
      DEMO_MIGRATIONS.length,
    );
    upgraded.close();
  });

  it.each<[string, string, () => Uint8Array, Partial<UploadRequest>, string | null]>([
    ['an untracked file', 'none', legacyFile, {}, null],
    [
      "this runner's ledger",
      'current',
      () => {
        const db = demoDatabaseAt(3);
        runMigrations(db, DEMO_MIGRATIONS.slice(0, 3));
        return db.export();
      },
      {},
      null,
    ],
    ["StarPunk's three columns", 'original', () => seedDatabaseAt(3).export(), {}, null],
    [
      "golang-migrate's ledger, which the upgrade adopts",
      'other',
      () => migratedBy('golang-migrate', appMigrations('golang-migrate'), 2).export(),
      { migrations: appMigrations('golang-migrate'), schema: undefined },
      'golang-migrate',
    ],
  ])('reports %s as ledger %s', async (_, ledger, file, overrides, adoptedFrom) => {
    const report = await new UploadHost().check(file(), request(overrides), undefined);
    expect(report.ledger).toBe(ledger);
    expect(report.upgrade.adoption?.from ?? null).toBe(adoptedFrom);
  });

  it('refuses a damaged file as CORRUPT before any migration runs', async () => {
    const bytes = legacyFile();
    bytes.fill(0xff, 4096 + 8, 4096 + 64);
    await expect(new UploadHost().check(bytes, request(), undefined)).rejects.toMatchObject({
      name: 'UploadError',
      code: 'CORRUPT',
      fileName: 'notes.db',
    });
  });

  it('tells a failed migration of the person’s file, which is unchanged, not of the dropped copy', async () => {
    const broken = [
      ...DEMO_MIGRATIONS,
      { name: '900_broken.sql', sql: 'INSERT INTO nowhere VALUES (1);' },
    ];
    const thrown = await new UploadHost()
      .check(legacyFile(), request({ migrations: broken, schema: undefined }), undefined)
      .catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(MigrationError);
    expect((thrown as MigrationError).message).toBe(
      '900_broken.sql line 1: no such table: nowhere (notes.db is unchanged)',
    );
  });

  it('keeps the file for a download and adopts it as a database’s stored file', async () => {
    const checking = new UploadHost();
    const report = await checking.check(legacyFile(), request(), undefined);
    const handed = await checking.handOver();
    const keeping = new UploadHost();
    await keeping.keep(handed.file, handed.byteLength, report.upgrade.drift ?? []);

    const blob = await keeping.download();
    expect(blob.size).toBe(handed.byteLength);
    const adopted = await keeping.adopt('adopted-upload');
    expect(adopted.backup).toBeNull();
    const store = indexedDbChunkStore('adopted-upload');
    const { file } = await store.readFile();
    const stored = file === undefined ? new Uint8Array(0) : joinChunks(file);
    expect(Buffer.from(stored).equals(Buffer.from(await blob.arrayBuffer()))).toBe(true);
  });

  it('refuses to adopt a file that still drifts from schema.sql', async () => {
    const keeping = new UploadHost();
    await keeping.keep(new ArrayBuffer(8), 8, [
      { kind: 'table', object: 'notes', table: 'notes', detail: 'column pinned: missing' },
    ]);
    await expect(keeping.adopt('drifting')).rejects.toMatchObject({ code: 'SCHEMA_DRIFT' });
  });

  it('refuses to download or adopt before the file was kept', async () => {
    await expect(new UploadHost().download()).rejects.toMatchObject({ code: 'NOT_UPGRADED' });
  });
});

describe('unexpected', () => {
  it.each([['INSPECT_FAILED'], ['UPGRADE_FAILED']] as const)(
    'reports an unexpected failure under the step it broke: %s',
    (code) => {
      expect(unexpected(new Error('out of memory'), code)).toMatchObject({
        name: 'UploadError',
        code,
        message: 'out of memory',
      });
    },
  );

  it('keeps the package’s own errors as they are', () => {
    const quota = new StorageError('QUOTA_EXCEEDED', 'full');
    expect(unexpected(quota, 'UPGRADE_FAILED')).toBe(quota);
  });
});
