import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';

/**
 * One IndexedDB object store, used one transaction at a time: the only primitive the storage
 * layer has. Each write of the store above it lands in one of these transactions (a file staged
 * in parts first writes its parts in transactions of their own, which nothing refers to until
 * that last one), so what one operation writes lands whole or not at all.
 */
export interface ObjectStoreTransactions {
  /** Runs `work` in one readonly transaction. */
  read<T>(work: (objects: IDBObjectStore) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one readwrite transaction and resolves once it has committed. `work` may await
   * its own requests (the transaction stays open across them) but nothing else. When it throws,
   * the transaction is aborted, so nothing it wrote lands.
   */
  write<T>(work: (objects: IDBObjectStore) => Promise<T>): Promise<T>;
}

/**
 * The object store `store` of the IndexedDB database `database`. It opens lazily, on the first
 * transaction; where IndexedDB is missing, that transaction rejects (it never throws at once).
 */
export function objectStore(database: string, store: string): ObjectStoreTransactions {
  let opened: UseStore | undefined;
  const use: UseStore = (mode, callback) => {
    opened ??= createStore(database, store);
    return opened(mode, callback);
  };
  return {
    read: (work) => Promise.resolve().then(() => use('readonly', work)),
    write: (work) =>
      Promise.resolve().then(() =>
        use('readwrite', async (objects) => {
          const committed = promisifyRequest(objects.transaction);
          let result: Awaited<ReturnType<typeof work>>;
          try {
            result = await work(objects);
          } catch (error) {
            committed.catch(() => {});
            try {
              objects.transaction.abort();
            } catch {
              // Already finished or aborting: nothing of it landed either way.
            }
            throw error;
          }
          await committed;
          return result;
        }),
      ),
  };
}
