import { describe, expect, it } from 'vitest';
import { countNotes, freshName, NOTES, open, storedFile } from './harness.ts';

const insert = (body: string) => ({ sql: 'INSERT INTO notes (body) VALUES (?)', params: [body] });

/** A save that waits until `release` is called: a large save, on its way. */
function heldSave() {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { released, release };
}

describe("an interactive transaction's commit", () => {
  it('keeps this tab’s turn until its save ended, even when its time budget runs out meanwhile', async () => {
    const { name } = freshName();
    const log: string[] = [];
    const hold = heldSave();
    let counting = false;
    const { host } = await open(name, [NOTES], (store) => ({
      ...store,
      async save(request) {
        if (!counting) return store.save(request);
        log.push('save starts');
        if (log.length === 1) {
          await hold.released;
          log.push('save fails');
          throw new Error('The transaction was aborted.');
        }
        const saved = await store.save(request);
        log.push('save stored');
        return saved;
      },
    }));
    counting = true;
    const id = await host.begin(50);
    await host.inTransaction(id, insert('in the transaction'), 'object', 'write');
    const commit = host.commit(id);
    commit.catch(() => {});
    const other = host.write([insert('another write')]);
    // Past the budget, with the commit's save still on its way.
    await new Promise((resolve) => setTimeout(resolve, 150));
    hold.release();
    await expect(commit).rejects.toMatchObject({ name: 'StorageError', code: 'SAVE_FAILED' });
    await other;
    await host.close();
    expect(log).toEqual(['save starts', 'save fails', 'save starts', 'save stored']);
    // The failed commit's row is not stored; the other write's is.
    expect(countNotes(await storedFile(name))).toBe(1);
  });

  it('is waited for by close(), which does not try to roll it back', async () => {
    const { name } = freshName();
    const hold = heldSave();
    let holding = false;
    const { host } = await open(name, [NOTES], (store) => ({
      ...store,
      async save(request) {
        if (holding) await hold.released;
        return store.save(request);
      },
    }));
    holding = true;
    const id = await host.begin(10_000);
    await host.inTransaction(id, insert('committed'), 'object', 'write');
    const commit = host.commit(id);
    const closed = host.close();
    hold.release();
    await expect(closed).resolves.toBeUndefined();
    await expect(commit).resolves.toMatchObject({ changes: 1 });
    expect(countNotes(await storedFile(name))).toBe(1);
  });
});
