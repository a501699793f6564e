// wa-sqlite ships no declaration for its IndexedDB VFS: the part of it the bench uses.
declare module 'wa-sqlite/src/examples/IDBBatchAtomicVFS.js' {
  import { Base } from 'wa-sqlite/src/VFS.js';

  export class IDBBatchAtomicVFS extends Base {
    name: string;
    constructor(
      idbDatabaseName?: string,
      options?: { durability?: 'default' | 'strict' | 'relaxed' },
    );
    xOpen(name: string, fileId: number, flags: number, pOutFlags: DataView): number;
    xWrite(fileId: number, pData: Uint8Array, iOffset: number): number;
    xSync(fileId: number, flags: number): number;
    close(): Promise<void>;
  }
}
