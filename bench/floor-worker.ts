/// <reference lib="webworker" />
// A floor, measured where the library runs: in a dedicated worker. Its name says which floor and
// which database: `one-value:<database>` or `chunks:<database>`.
import { loadFloor } from './floor-load.ts';

const [kind, database] = self.name.split(':');
loadFloor(kind === 'chunks' ? 'chunks' : 'one-value', database).then(
  (result) => postMessage(result),
  (error: unknown) => postMessage({ error: String(error) }),
);
