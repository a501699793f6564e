import { type TransferHandler, transferHandlers } from 'comlink';
import {
  isSqljsMigrateError,
  MigrationError,
  type SerializedError,
  type SerializedMigrationError,
} from '../index.ts';
import { DatabaseError, StorageError, UploadError } from './errors.ts';

/**
 * The one rule for errors between the page and its workers: an error of this package thrown in a
 * worker is thrown on the page as itself, every field included (Comlink alone keeps only an
 * error's name and message).
 */

/** An error of this package as it crosses a worker: its `toJSON()` data, marked as ours. */
interface CrossingError {
  isError: 'sqljs-migrate';
  value: SerializedError;
}

/**
 * Makes errors of this package cross a Comlink boundary as themselves. Both sides call it before
 * they talk; calling it again does nothing.
 */
export function carryErrorsAcrossWorkers(): void {
  const builtIn = transferHandlers.get('throw') as TransferHandler<unknown, unknown>;
  if ((builtIn as { carriesOurErrors?: boolean }).carriesOurErrors) return;
  const handler: TransferHandler<{ value: unknown }, unknown> & { carriesOurErrors: true } = {
    carriesOurErrors: true,
    canHandle: (value): value is { value: unknown } => builtIn.canHandle(value),
    serialize(thrown) {
      if (isSqljsMigrateError(thrown.value) && thrown.value instanceof Error) {
        const crossing: CrossingError = { isError: 'sqljs-migrate', value: thrown.value.toJSON() };
        return [crossing, []];
      }
      return builtIn.serialize(thrown);
    },
    deserialize(data): never {
      const crossing = data as Partial<CrossingError>;
      if (crossing.isError === 'sqljs-migrate' && crossing.value !== undefined)
        throw reviveError(crossing.value);
      // Comlink's own handler throws what it is given: the thrown value of any other error.
      builtIn.deserialize(data);
      throw new Error('A thrown value crossed without being thrown.');
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}

/** An error of this package back from its `toJSON()` data. */
export function reviveError(data: SerializedError): Error {
  switch (data.name) {
    case 'MigrationError':
      return MigrationError.fromJSON(data as SerializedMigrationError);
    case 'StorageError':
      return StorageError.fromJSON(data);
    case 'UploadError':
      return UploadError.fromJSON(data);
    default:
      return DatabaseError.fromJSON(data);
  }
}
