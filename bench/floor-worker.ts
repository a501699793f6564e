/// <reference lib="webworker" />
// The floor, measured where the library runs: in a dedicated worker.
import { loadFloor } from './floor-load.ts';

loadFloor().then(
  (result) => postMessage(result),
  (error: unknown) => postMessage({ error: String(error) }),
);
