import { isMigrationError, openDatabase } from 'sqljs-migrate/browser';
import { showFailure, showQueries, showReady } from './page.ts';
import { runQueries } from './queries.ts';

try {
  const db = await openDatabase({
    name: 'visits', // names its IndexedDB database, Web Lock and BroadcastChannel
    migrations: import.meta.glob('/migrations/*.sql', {
      query: '?raw',
      import: 'default',
      eager: true,
    }),
  });
  await db.exec('INSERT INTO visits (page) VALUES (?)', [location.pathname]);
  const visits = await db.query<{ id: number; page: string }>(
    'SELECT id, page FROM visits ORDER BY id',
  );
  showReady(db.report, visits);
  showQueries(await runQueries(db, (count) => showQueries({ count })));
} catch (error) {
  if (!isMigrationError(error)) throw error; // a DatabaseError or StorageError: the worker or storage failed
  showFailure(error); // its code, migrationName and line; the stored database is untouched
}
