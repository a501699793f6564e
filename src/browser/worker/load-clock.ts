import type { LoadTimings } from '../protocol.ts';
import type { LockedRead } from '../tabs/coordinator.ts';

/** The moments an open passes, in order. */
type LoadMark =
  /** The open request arrived. */
  | 'requested'
  /** The stored file was read, under the lock. */
  | 'stored'
  /** SQLite's engine was ready. */
  | 'engine'
  /** The migration run ended. */
  | 'migrated'
  /** The save after it ended (or was not needed). */
  | 'saved';

/**
 * Where an open's time went: the open marks each moment as it passes, and the timings are worked
 * out from the marks once, at the end, so the open's logic carries no arithmetic of its own.
 */
export class LoadClock {
  private readonly marks = new Map<LoadMark, number>();

  /** `startedAt`: when the load began, on the worker's clock (from its start). */
  constructor(private readonly startedAt: number) {}

  mark(moment: LoadMark): void {
    this.marks.set(moment, performance.now());
  }

  timings(
    read: LockedRead<unknown>['timings'],
    migrated: { openMs: number; migrateMs: number },
  ): LoadTimings {
    const at = (moment: LoadMark) => this.marks.get(moment) ?? Number.NaN;
    return {
      workerStartedAt: performance.timeOrigin,
      startMs: this.startedAt,
      requestMs: at('requested'),
      ...read,
      engineWaitMs: Math.max(0, at('engine') - at('stored')),
      openMs: migrated.openMs,
      migrateMs: migrated.migrateMs,
      saveMs: at('saved') - at('migrated'),
      afterReadMs: at('saved') - at('stored'),
      totalMs: at('saved'),
    };
  }
}
